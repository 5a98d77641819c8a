"""Export a scope of the library (all, a query, or given ids) in a named format."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from triage_app.core.atomic_file import atomic_text_writer
from triage_app.core.export_formats import FORMATS
from triage_app.core.paper_record import PaperRecord
from triage_app.core.store import Library

ProgressFn = Callable[[int, int], None]  # (papers written, papers in scope)
CancelFn = Callable[[], bool]
PROGRESS_EVERY = 1000


class ExportCancelled(Exception):
    """Raised when `cancel()` said stop; a file destination is left as it was."""


class ExportDestinationError(OSError):
    """The destination cannot be written; the message names it and says why."""


def export_papers(
    library: Library,
    fmt: str,
    destination: str | Path | None,
    *,
    query: str | None = None,
    ids: Sequence[int] | None = None,
    stdout: IO[str] | None = None,
    excel: bool = False,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> int:
    """Write the papers (ranked for a query, listed order for ids, else by id).

    `excel` adds the byte-order mark Excel needs (CSV only). `progress(done, total)` is
    called every 1,000 papers and at the end; `cancel()` returning true stops the export
    with ExportCancelled, and a file destination is then left untouched.
    """
    spec = FORMATS.get(fmt)
    if spec is None:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(sorted(FORMATS))}")
    if excel and fmt != "csv":
        raise ValueError("the Excel byte-order mark applies to CSV exports only")
    if query is not None:
        from triage_app.core.search import search_ids

        ids = search_ids(library, query)
    total = len(ids) if ids is not None else library.count()
    papers: Iterable[PaperRecord] = library.iter_papers(ids)
    if progress is not None or cancel is not None:
        papers = _watched(papers, total, progress, cancel)
    if excel:
        from triage_app.core.csv_export import write_csv_excel

        writer = write_csv_excel
    elif spec.load_for_library is not None:
        writer = spec.load_for_library(library)
    else:
        writer = spec.load()
    if destination is None or str(destination) == "-":
        if stdout is None:
            raise ValueError("no destination")
        return writer(papers, stdout)
    target = Path(destination)
    try:
        with atomic_text_writer(target, newline=spec.newline) as fh:
            return writer(papers, fh)
    except OSError as exc:
        raise ExportDestinationError(_explain(target, exc)) from exc


def _watched(papers: Iterable[PaperRecord], total: int, progress: ProgressFn | None,
             cancel: CancelFn | None) -> Iterator[PaperRecord]:
    done = 0
    for paper in papers:
        if done % PROGRESS_EVERY == 0:
            if cancel is not None and cancel():
                raise ExportCancelled(f"export cancelled after {done} of {total} papers")
            if progress is not None and done:
                progress(done, total)
        yield paper
        done += 1
    if progress is not None:
        progress(done, total)


def _explain(target: Path, exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    if target.is_dir():
        return f"cannot write {target}: it is a folder; give a file name"
    if not target.parent.is_dir():
        return f"cannot write {target}: the folder {target.parent} does not exist"
    return f"cannot write {target}: {reason}"
