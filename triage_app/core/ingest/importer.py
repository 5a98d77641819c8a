"""Import listing files (and JSON/CSV backups) into a library, merging duplicates.

Entries stream from the parser in batches; each batch is one short transaction, so a
20,000-entry import never holds the write lock for long, and a kill loses at most the batch
in flight. Re-running an interrupted import finishes it: sources already recorded (same
content hash and line) count as known. What kind a file is and its lines as text come from
`sources` (sniff, decode_lines), for every kind alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, Literal

from triage_app.core.ingest.entries import ListingEntry, ListingError, ParseProblem
from triage_app.core.ingest.foreign_formats import FOREIGN_KINDS, FOREIGN_NAMES, read_foreign
from triage_app.core.ingest.foreign_record import ForeignRecord
from triage_app.core.ingest.merge import MergeTarget, merge_items
from triage_app.core.ingest.readback_record import BackupRecord
from triage_app.core.ingest.sources import (
    MAX_GAP_BYTES,
    MAX_LINE_BYTES,
    Gap,
    OpenedSource,
    bounded,
    content_hash,
    decode_lines,
    open_bytes,
    open_source,
    sniff,
)
from triage_app.core.records import RESTORE_LINE_BYTES
from triage_app.core.store import Library, WriteTxn, utc_now

# open_bytes lives in sources; it is imported from here as well, beside import_source.
__all__ = ["ImportReport", "import_path", "import_source", "open_bytes"]

BATCH_SIZE = 2000
BEFORE_RESTORE_IMPORT = "before-restore-import"  # the kind of backup a replacing restore takes
MAX_PROBLEMS = 1000  # listed per file; the rest are counted in `skipped`

ProgressFn = Callable[[int, int], None]  # (bytes done, bytes total)
CancelFn = Callable[[], bool]


class ImportCancelled(Exception):
    pass


@dataclass
class ImportReport:
    """What one file's import did; `problems` are `FILE:LINE: reason` strings."""

    file: str
    new: int = 0
    merged: int = 0
    known: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    refused: str | None = None
    already_imported: str | None = None  # when the same content was imported before
    cancelled: bool = False
    paper_ids: set[int] = field(default_factory=set)
    # What another tool's file changed in decisions ("kept": 3, "left as decided here": 1).
    decisions: dict[str, int] = field(default_factory=dict)
    # A restore that replaced decisions the library held: whose, and the copy of the library
    # taken just before (`triage-app restore BACKUP` undoes the import).
    replaced: list[int] = field(default_factory=list)
    backup: str | None = None

    @property
    def usable(self) -> bool:
        return self.refused is None

    def summary(self) -> str:
        if self.refused:
            return f"{self.file}: refused: {self.refused}"
        if self.already_imported and not (self.new or self.merged or self.skipped):
            return (
                f"{self.file}: already imported on {self.already_imported[:10]}; "
                f"nothing changed ({self.known} entries known)"
            )
        parts = (
            f"{self.new} new, {self.merged} merged, {self.known} already known, "
            f"{self.skipped} skipped"
        )
        return (
            f"{self.file}: {parts}"
            + self.decisions_summary()
            + (" (cancelled)" if self.cancelled else "")
            + self.replaced_summary()
        )

    def decisions_summary(self) -> str:
        if not self.decisions:
            return ""
        order = ("kept", "dismissed", "rated", "starred", "tagged", "noted")
        taken = [f"{self.decisions[k]} {k}" for k in order if self.decisions.get(k)]
        text = f"; decisions taken: {', '.join(taken)}" if taken else ""
        left = self.decisions.get("left as decided here", 0)
        if left:
            text += f"; {left} left as decided here"
        return text

    def replaced_summary(self) -> str:
        """'' when no decision was replaced; else how many, whose, and how to undo it."""
        if not self.replaced:
            return ""
        n = len(self.replaced)
        ids = ", ".join(map(str, self.replaced[:10])) + (", ..." if n > 10 else "")
        undo = f"; undo with `triage-app restore {self.backup}`" if self.backup else ""
        return f"; replaced the decisions of {n} paper{'s' if n != 1 else ''} (ids {ids}){undo}"


def _text_lines(
    stream: IO[bytes],
    problems: list[tuple[int, str]],
    keep_ends: bool = False,
    max_line: int = MAX_LINE_BYTES,
) -> Iterator[str]:
    """The decoded lines' texts, for a reader; what was wrong with their bytes goes to
    `problems` as (line, reason), reported once the file is read."""
    for number, text, found in decode_lines(stream, keep_ends=keep_ends, max_line=max_line):
        if found:
            for reason in found:
                _note_line_problem(problems, number, reason)
        yield text


def _note_line_problem(problems: list[tuple[int, str]], number: int, reason: str) -> None:
    # Bounded: a hostile 1 GB file must not grow a list of a million problems.
    if len(problems) < MAX_PROBLEMS:
        problems.append((number, reason))
    elif len(problems) == MAX_PROBLEMS:
        problems.append((number, "more lines have problems; they are not listed"))


# -------------------------------------------------------------------- import
def import_path(
    library: Library,
    path: str | Path,
    *,
    as_of: date | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    batch_size: int | None = None,
) -> ImportReport:
    name = "<stdin>" if str(path) == "-" else str(path)
    try:
        source = open_source(path)
    except ListingError as exc:
        return ImportReport(file=name, refused=str(exc))
    source.name = name
    try:
        return import_source(
            library, source, as_of=as_of, progress=progress, cancel=cancel, batch_size=batch_size
        )
    finally:
        source.stream.close()


def import_source(
    library: Library,
    source: OpenedSource,
    *,
    as_of: date | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    batch_size: int | None = None,
) -> ImportReport:
    """Import one opened file; `batch_size` entries a transaction (BATCH_SIZE by default)."""
    report = ImportReport(file=source.name)
    try:
        kind = sniff(source)  # before hashing: a 1 GB non-listing is refused at once
    except ListingError as exc:
        report.refused = str(exc)
        return report
    if not source.content_hash:
        source.content_hash = content_hash(source.stream)
    previous = _finished_batch(library, source.content_hash)
    if previous is not None:
        # The same bytes were fully imported before: nothing to parse, nothing to change.
        report.already_imported = previous
        report.known = _known_entries(library, source.content_hash)
        return report
    line_problems: list[tuple[int, str]] = []
    gap = Gap()
    # A restore's record may be a long line (a note of up to NOTE_MAX_CHARS characters).
    max_line = RESTORE_LINE_BYTES if kind in ("json", "csv") else MAX_LINE_BYTES
    lines = bounded(
        _text_lines(
            source.stream, line_problems, keep_ends=kind in ("csv", "toolcsv"), max_line=max_line
        ),
        source.stream,
        gap,
        limit=None if max_line == MAX_LINE_BYTES else MAX_GAP_BYTES + max_line,
    )
    try:
        if kind == "json":
            from triage_app.core.ingest.json_readback import read_json_backup

            items: Iterable[Any] = read_json_backup(lines, source.name)
        elif kind == "csv":
            from triage_app.core.ingest.csv_readback import read_csv_backup

            items = read_csv_backup(lines, source.name)
        elif kind in FOREIGN_KINDS:
            items = read_foreign(kind, lines, source.name)
        else:
            from triage_app.core.ingest.listing_parser import parse_listing

            fmt: Literal["scored", "abstracts"] = "scored" if kind == "scored" else "abstracts"
            items = parse_listing(lines, as_of=as_of or date.today(), fmt=fmt)
        _run_batches(
            library,
            source,
            items,
            report,
            line_problems,
            progress,
            cancel,
            gap,
            refuse_empty=kind not in ("json", "csv"),
            what=FOREIGN_NAMES.get(kind, "listing"),
            batch_size=batch_size or BATCH_SIZE,
        )
    except ListingError as exc:
        report.refused = str(exc)
    except ImportCancelled:
        report.cancelled = True
    return report


def _known_entries(library: Library, content_hash: str) -> int:
    with library.read() as conn:
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM source WHERE content_hash = ?", (content_hash,)
            ).scalar()
            or 0
        )


def _finished_batch(library: Library, content_hash: str) -> str | None:
    with library.read() as conn:
        return conn.exec_driver_sql(
            "SELECT imported_at FROM import_batch WHERE content_hash = ? AND finished "
            "ORDER BY id LIMIT 1",
            (content_hash,),
        ).scalar()


def _note_problem(report: ImportReport, text: str) -> None:
    if len(report.problems) < MAX_PROBLEMS:
        report.problems.append(text)
    elif len(report.problems) == MAX_PROBLEMS:
        report.problems.append(f"{report.file}: more entries were skipped; they are not listed")


def _run_batches(
    library: Library,
    source: OpenedSource,
    items: Iterable[Any],
    report: ImportReport,
    line_problems: list[tuple[int, str]],
    progress: ProgressFn | None,
    cancel: CancelFn | None,
    gap: Gap,
    *,
    refuse_empty: bool,
    what: str = "listing",
    batch_size: int,
) -> None:
    """Refusal and writing never mix: a file is refused only while nothing of it is read
    (so nothing of it is written); damage after the first good entry keeps what came before
    and reports where reading stopped."""
    merger = _Merger(library, source, report)
    pending: list[Any] = []
    accepted = 0
    try:
        for item in items:
            gap.mark = source.stream.tell()
            if isinstance(item, ParseProblem):
                report.skipped += 1
                _note_problem(report, f"{source.name}:{item.line}: {item.reason}")
                if not accepted and report.skipped >= MAX_PROBLEMS:
                    raise ListingError(
                        f"not a listing: none of the first {MAX_PROBLEMS} entries could be read"
                    )
                continue
            accepted += 1
            pending.append(item)
            if len(pending) >= batch_size:
                merger.flush(pending)
                pending = []
                if progress:
                    progress(source.stream.tell(), source.size)
                if cancel and cancel():
                    merger.finish(finished=False)
                    raise ImportCancelled
    except ListingError as exc:
        if not accepted:
            raise
        report.skipped += 1
        _note_problem(report, f"{source.name}: {exc}; the rest of the file was skipped")
    if not accepted and (report.skipped or refuse_empty):
        reason = (
            f"{report.skipped} entries could not be read"
            if report.skipped
            else "no paper entry found"
        )
        raise ListingError(
            f"not a listing: {reason}"
            if what == "listing"
            else f"no paper in this {what}: {reason}"
        )
    merger.flush(pending)
    for number, reason in line_problems:
        report.problems.append(f"{source.name}:{number}: {reason}")
    merger.finish(finished=True)
    if progress:
        progress(source.size, source.size)


class _Merger:
    """Turns parsed entries or backup records into inserts and merges, batch by batch."""

    def __init__(self, library: Library, source: OpenedSource, report: ImportReport) -> None:
        self.library = library
        self.source = source
        self.report = report
        self.now = utc_now()
        self.batch_id: int | None = None
        with library.read() as conn:
            self.known_lines = {
                line: pid
                for line, pid in conn.exec_driver_sql(
                    "SELECT line, paper_id FROM source WHERE content_hash = ?",
                    (source.content_hash,),
                )
            }

    def _backup_once(self) -> None:
        """A copy of the library before a restore first replaces a decision it holds (the
        copy is a consistent snapshot of the last commit: this batch is not yet in it)."""
        if self.report.backup is None:
            from triage_app.core.store import backup_library

            path = backup_library(self.library, reason=BEFORE_RESTORE_IMPORT)
            self.report.backup = str(path)

    def _ensure_batch(self, txn: WriteTxn) -> int:
        if self.batch_id is None:
            self.batch_id = txn.conn.exec_driver_sql(
                "INSERT INTO import_batch(file_name, content_hash, imported_at, finished, new, "
                "merged, known, skipped) VALUES (?, ?, ?, 0, 0, 0, 0, 0) RETURNING id",
                (Path(self.source.name).name, self.source.content_hash, self.now),
            ).scalar_one()
        return self.batch_id

    def flush(self, items: list[ListingEntry | BackupRecord | ForeignRecord]) -> None:
        if not items:
            return
        with self.library.write() as txn:
            target = MergeTarget(
                self._ensure_batch(txn),
                Path(self.source.name).name,
                self.source.content_hash,
                self.known_lines,
            )
            counts = merge_items(txn, items, target, self._backup_once)
        # Counted once the batch is committed: a failed write leaves the report as it was.
        self.report.replaced += counts.replaced
        self.report.new += counts.new
        self.report.merged += counts.merged
        self.report.known += counts.known
        self.report.paper_ids |= counts.paper_ids
        for key, value in counts.decisions.items():
            self.report.decisions[key] = self.report.decisions.get(key, 0) + value

    def finish(self, *, finished: bool) -> None:
        r = self.report
        if self.batch_id is None and not finished:
            return
        with self.library.write() as txn:
            batch_id = self._ensure_batch(txn)
            txn.conn.exec_driver_sql(
                "UPDATE import_batch SET finished = ?, new = new + ?, merged = merged + ?, "
                "known = known + ?, skipped = skipped + ? WHERE id = ?",
                (int(finished), r.new, r.merged, r.known, r.skipped, batch_id),
            )
