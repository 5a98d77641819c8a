"""Export a scope of the library (all, a query, or given ids) in a named format."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from triage_app.core.export.atomic_file import atomic_text_writer
from triage_app.core.export.formats import FORMATS
from triage_app.core.records import PaperRecord
from triage_app.core.store import LOCK_NAME, Library

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

    A CSV file starts with the byte-order mark by which LibreOffice and Excel recognise
    UTF-8; `excel` adds it on standard output too (CSV only). `progress(done, total)` is
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
    tick = _ticker(total, progress, cancel)
    if spec.stream is not None:
        stream = spec.stream
        to_file = destination is not None and str(destination) != "-"
        options = {"excel": True} if excel or (fmt == "csv" and to_file) else {}

        def write(out: IO[str]) -> int:
            return stream(library, ids, out, tick, **options)
    else:
        if spec.load_for_library is not None:
            writer = spec.load_for_library(library)
        else:
            writer = spec.load()
        papers: Iterable[PaperRecord] = library.iter_papers(ids)
        if tick is not None:
            papers = _watched(papers, tick)

        def write(out: IO[str]) -> int:
            return writer(papers, out)

    count = _write(library, destination, spec.newline, stdout, write)
    if progress is not None:
        progress(count, total)
    return count


def _write(
    library: Library,
    destination: str | Path | None,
    newline: str | None,
    stdout: IO[str] | None,
    write: Callable[[IO[str]], int],
) -> int:
    """A regular file is replaced whole or not at all (through a symlink, its target is); a
    device, FIFO or socket is streamed into, never replaced; the library's own files are
    refused."""
    if destination is None or str(destination) == "-":
        if stdout is None:
            raise ValueError("no destination")
        return write(stdout)
    target = Path(destination)
    try:
        real = Path(os.path.realpath(target))
        _refuse_library_file(library, target, real)
        if real.exists() and not real.is_file() and not real.is_dir():
            with real.open("w", encoding="utf-8", newline=newline) as fh:
                return write(fh)
        with atomic_text_writer(real, newline=newline) as fh:
            return write(fh)
    except OSError as exc:
        if isinstance(exc, ExportDestinationError):
            raise
        raise ExportDestinationError(_explain(target, exc)) from exc


def _refuse_library_file(library: Library, target: Path, real: Path) -> None:
    """The store, its journal files, the lock and the index and backup folders are the
    library's: an export over one of them would replace a library with a list of papers."""
    folder = Path(os.path.realpath(library.folder))
    db = library.db_path.name
    for name in (db, LOCK_NAME, library.index_dir.name, library.backup_dir.name):
        mine = folder / name
        journal = real.parent == folder and real.name.startswith(f"{db}-")
        if real == mine or mine in real.parents or (name == db and journal):
            raise ExportDestinationError(
                f"cannot write {target}: it is the library's own {name}; choose another file"
            )


def _ticker(
    total: int, progress: ProgressFn | None, cancel: CancelFn | None
) -> Callable[[int], None] | None:
    """`tick(done)` for the row streams: progress, and the cancel check that stops them."""
    if progress is None and cancel is None:
        return None

    def tick(done: int) -> None:
        if cancel is not None and cancel():
            raise ExportCancelled(f"export cancelled after {done} of {total} papers")
        if progress is not None and done:
            progress(done, total)

    return tick


def _watched(papers: Iterable[PaperRecord], tick: Callable[[int], None]) -> Iterator[PaperRecord]:
    for done, paper in enumerate(papers):
        if done % PROGRESS_EVERY == 0:
            tick(done)
        yield paper


def _explain(target: Path, exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    if target.is_dir():
        return f"cannot write {target}: it is a folder; give a file name"
    if not target.parent.is_dir():
        return f"cannot write {target}: the folder {target.parent} does not exist"
    return f"cannot write {target}: {reason}"
