"""The Whoosh full-text index of a library: schema, open-or-rebuild, and sync from the outbox.

The store is the truth and this index a cache of its *text* (title, authors, abstract, note,
tags). Decisions and metadata filters (status, star, rating, year, score, category...) are
answered from SQLite, so a triage key never waits for an index commit. Every store write
queues the changed ids in `index_outbox` in the same transaction; `sync()` rewrites those
papers whose text changed, commits, and only then empties their outbox rows, so a kill
between the two commits is healed at the next sync. A missing, unreadable or foreign index
(its stamp naming another schema, Whoosh version or codec, or missing or garbled; a document
count different from the store's) is rebuilt, never read.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as whoosh_index
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemmingAnalyzer
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec
from whoosh.fields import NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher
from whoosh.support.charset import accent_map

from triage_app.core.search.build_lock import build_lock
from triage_app.core.search.fields import TEXT_FIELDS
from triage_app.core.search.safe_pickle import harden_whoosh
from triage_app.core.search.stamp import (
    CODEC,
    CODEC_VERSION,
    IndexWriteError,
    stamp_problem,
    write_stamp,
)
from triage_app.core.search.terms import fast_fields

if TYPE_CHECKING:  # the command line passes a LiteLibrary: no SQLAlchemy to load
    from triage_app.core.store import Library

BATCH = 5000  # papers per index commit when draining a large outbox
MP_MIN_PAPERS = 20_000  # below this a second process costs more than it saves
WRITER_TIMEOUT_S = 5.0

ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]

# What identifies the indexed state of a paper row; compared in SQL before an outbox row is
# dropped, so a change committed while a sync ran is never lost.
STAMP_SQL = (
    "p.updated_at || '|' || length(coalesce(p.title, '')) || '|' || length(p.abstract) || '|' "
    "|| length(p.note) || '|' || length(p.authors) || '|' || coalesce(p.category, '') || '|' "
    "|| coalesce(p.published, '')"
)
TAGS_SQL = (
    "(SELECT group_concat(t.name, ' ; ') FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
    "WHERE pt.paper_id = p.id)"
)
ROW_SQL = (
    f"SELECT p.id, p.title, p.authors, p.abstract, p.note, {TAGS_SQL}, {STAMP_SQL} FROM paper p"
)


def open_whoosh(folder: Path) -> Any:
    """Open the index without memory maps: Whoosh copies every memory-mapped sub-file of a
    compound segment into a BytesIO, so a searcher held the index twice over. The schema is
    ours, never the one pickled in the index (its analyzers name functions to call)."""
    return FileStorage(str(folder), supports_mmap=False).open_index(schema=make_schema())


def prose_analyzer() -> Any:
    """English stemming with accents folded: `autoencoders` finds `autoencoder`."""
    return StemmingAnalyzer() | CharsetFilter(accent_map)


def name_analyzer() -> Any:
    """Names are not stemmed; accents fold so `Muller` finds `Müller`."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def make_schema() -> Schema:
    """The index's schema: always this one, never the one Whoosh pickled in the index."""
    prose = prose_analyzer()
    return Schema(
        pid=NUMERIC(int, bits=64, stored=True, unique=True, sortable=True, signed=False),
        sig=STORED(),
        title=TEXT(analyzer=prose, field_boost=2.0),
        authors=TEXT(analyzer=name_analyzer()),
        abstract=TEXT(analyzer=prose),
        note=TEXT(analyzer=prose),
        tags=TEXT(analyzer=prose),
    )


# Before anything reads an index: its pickles may name only Whoosh's classes, and its
# pickled schema is replaced by `make_schema()`.
harden_whoosh(make_schema)


def codec_stamp(codec: Any) -> tuple[str, str]:
    """A codec's name and format version as the stamp records them (whoosh3 names its
    version with the magic heading each posting list)."""
    version = WHOOSH3_HEADER_MAGIC.decode("ascii") if isinstance(codec, W3Codec) else ""
    return type(codec).__name__, version


class IndexFormatError(RuntimeError):
    """This Whoosh writes a codec that `postings` cannot read."""


@dataclass
class SyncReport:
    """What one sync did: papers rewritten, papers deleted, whether it rebuilt everything."""

    indexed: int = 0
    deleted: int = 0
    unchanged: int = 0
    rebuilt: bool = False
    reason: str = ""


class IndexCancelled(Exception):
    pass


@dataclass(frozen=True)
class _Row:
    pid: int
    fields: dict[str, str]
    sig: str
    stamp: str


def _row(r: tuple) -> _Row:
    pid, title, authors, abstract, note, tags, stamp = r
    fields = {
        "title": title or "",
        "authors": ", ".join(json.loads(authors or "[]")),
        "abstract": abstract or "",
        "note": note or "",
        "tags": tags or "",
    }
    digest = hashlib.blake2b(digest_size=12)
    for name in TEXT_FIELDS:
        digest.update(fields[name].encode("utf-8", "surrogatepass") + b"\x00")
    return _Row(pid, fields, digest.hexdigest(), stamp)


class SearchIndex:
    """One library's index: a long-lived searcher, refreshed after each sync.

    Thread-safe: syncs are serialised by a lock; `searcher()` hands out the current searcher,
    which callers must not close.
    """

    def __init__(self, library: Library) -> None:
        self.library = library
        self.dir = library.index_dir
        self._ix: Any = None
        self._searcher: Searcher | None = None
        self._lock = threading.RLock()

    # ------------------------------------------------------------- opening
    def open(
        self, *, progress: ProgressFn | None = None, cancel: CancelFn | None = None
    ) -> SyncReport:
        """Open the index, rebuilding it if it is missing, foreign or unreadable."""
        with self._lock:
            reason = self._open_existing()
            if not reason:
                return SyncReport()
            with build_lock(self.dir.parent, cancel, IndexCancelled) as waited:
                if waited:  # another process built while this one waited: use its index
                    reason = self._open_existing()
                    if not reason:
                        return SyncReport()
                return self._rebuild_or_explain(progress, cancel, reason, None)

    def _open_existing(self) -> str:
        """'' when the index opened and looks like this store's; else why it must be rebuilt."""
        problem = stamp_problem(self.dir)  # before Whoosh reads a byte of the index
        if problem:
            return problem
        try:
            ix = open_whoosh(self.dir)
            searcher = ix.searcher()
            indexed = searcher.doc_count()
        except Exception as exc:  # any failure to read means: rebuild
            return f"unreadable ({type(exc).__name__}: {exc})"
        with self.library.read() as conn:
            in_store = conn.exec_driver_sql("SELECT count(*) FROM paper").scalar() or 0
            pending = conn.exec_driver_sql("SELECT count(*) FROM index_outbox").scalar() or 0
        if not pending and indexed != in_store:
            searcher.close()
            return f"{indexed} papers indexed, {in_store} in the store"
        self._close_searcher()
        self._ix, self._searcher = ix, searcher
        return ""

    def close(self) -> None:
        with self._lock:
            self._close_searcher()
            self._ix = None

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None

    def searcher(self) -> Searcher:
        """The current searcher (long-lived; refreshed by `refresh()` and `sync()`)."""
        with self._lock:
            if self._searcher is None:
                self.open()
            assert self._searcher is not None
            return self._searcher

    def refresh(self) -> None:
        """Pick up commits made by this or another SearchIndex or process.

        A new searcher, never `Searcher.refresh()`: whoosh-reloaded 2.7.5 reuses the reader
        of a segment that only gained deletions together with its old deletion list, so a
        paper's old text went on matching after its note changed.
        """
        with self._lock:
            if self._searcher is None or self._ix is None:
                return
            if self._ix.latest_generation() == self._searcher.reader().generation():
                return
            old, self._searcher = self._searcher, self._ix.searcher()
            old.close()

    # ------------------------------------------------------------- syncing
    def pending(self) -> int:
        with self.library.read() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM index_outbox").scalar() or 0)

    def sync(
        self, *, progress: ProgressFn | None = None, cancel: CancelFn | None = None
    ) -> SyncReport:
        """Rewrite the papers queued in the outbox (rebuilds when most of the index changed)."""
        with self._lock:
            if self._ix is None:
                opened = self.open(progress=progress, cancel=cancel)
                if opened.rebuilt:
                    return opened
            with self.library.read() as conn:
                queued = [
                    r[0]
                    for r in conn.exec_driver_sql(
                        "SELECT paper_id FROM index_outbox ORDER BY paper_id"
                    )
                ]
                in_store = conn.exec_driver_sql("SELECT count(*) FROM paper").scalar() or 0
            report = SyncReport()
            if not queued:
                return report
            if len(queued) >= MP_MIN_PAPERS and len(queued) > in_store // 2:
                return self.rebuild(
                    progress=progress, cancel=cancel, reason=f"{len(queued)} papers changed"
                )
            done = 0
            for start in range(0, len(queued), BATCH):
                if cancel and cancel():
                    raise IndexCancelled
                self._sync_batch(queued[start : start + BATCH], report)
                done = min(start + BATCH, len(queued))
                if progress:
                    progress(done, len(queued))
            return report

    def _sync_batch(self, ids: list[int], report: SyncReport) -> None:
        rows = self._read_rows(ids)
        searcher = self.searcher()
        by_pid = {pid: searcher.document_number(pid=pid) for pid in ids}
        by_pid = {pid: docnum for pid, docnum in by_pid.items() if docnum is not None}
        to_write: list[_Row] = []
        for row in rows.values():
            docnum = by_pid.get(row.pid)
            if docnum is not None and searcher.stored_fields(docnum).get("sig") == row.sig:
                report.unchanged += 1
            else:
                to_write.append(row)
        gone = [pid for pid in ids if pid not in rows and pid in by_pid]
        if to_write or gone:
            writer = self._ix.writer(timeout=WRITER_TIMEOUT_S)
            try:
                with fast_fields(writer.schema, TEXT_FIELDS):
                    for row in to_write:
                        doc = {"pid": row.pid, "sig": row.sig, **row.fields}
                        if row.pid in by_pid:
                            writer.update_document(**doc)
                        else:
                            writer.add_document(**doc)
                for pid in gone:
                    writer.delete_by_term("pid", pid)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            from triage_app.core.search.array_writer import write_arrays  # a write's only

            write_arrays(self._ix, self.dir)
            report.indexed += len(to_write)
            report.deleted += len(gone)
            self.refresh()
        self._drain({pid: (rows[pid].stamp if pid in rows else None) for pid in ids})

    def _read_rows(self, ids: list[int]) -> dict[int, _Row]:
        out: dict[int, _Row] = {}
        with self.library.read() as conn:
            for start in range(0, len(ids), 900):
                chunk = ids[start : start + 900]
                marks = ",".join("?" * len(chunk))
                for r in conn.exec_driver_sql(f"{ROW_SQL} WHERE p.id IN ({marks})", tuple(chunk)):
                    row = _row(tuple(r))
                    out[row.pid] = row
        return out

    def _drain(self, stamps: dict[int, str | None]) -> None:
        """Empty the outbox rows of papers whose store state is still what was indexed."""
        if not stamps:
            return
        with self.library.write() as txn:
            txn.conn.exec_driver_sql(
                f"DELETE FROM index_outbox WHERE paper_id = ? AND "
                f"(SELECT {STAMP_SQL} FROM paper p WHERE p.id = ?) IS ?",
                [(pid, pid, stamp) for pid, stamp in stamps.items()],
            )

    # ----------------------------------------------------------- rebuilding
    def rebuild(
        self,
        *,
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
        reason: str = "asked",
        procs: int | None = None,
    ) -> SyncReport:
        """Build a fresh index beside the old one from the store, then swap it in; a failure
        to write it (a full disk) raises IndexWriteError, the old index left as it was."""
        with self._lock, build_lock(self.dir.parent, cancel, IndexCancelled):
            return self._rebuild_or_explain(progress, cancel, reason, procs)

    def _rebuild_or_explain(
        self,
        progress: ProgressFn | None,
        cancel: CancelFn | None,
        reason: str,
        procs: int | None,
    ) -> SyncReport:
        """`rebuild`, with the build lock held by the caller."""
        try:
            return self._rebuild(progress, cancel, reason, procs)
        except OSError as exc:
            where = exc.filename or self.dir
            raise IndexWriteError(
                f"cannot write the search index ({where}): {exc.strerror or exc}. The library "
                f"is intact; free some space and try again."
            ) from exc

    def _rebuild(
        self,
        progress: ProgressFn | None,
        cancel: CancelFn | None,
        reason: str,
        procs: int | None,
    ) -> SyncReport:
        with self._lock:
            self._close_searcher()
            self._ix = None
            self.dir.parent.mkdir(parents=True, exist_ok=True)
            fresh = self.dir.with_name(self.dir.name + ".building")
            shutil.rmtree(fresh, ignore_errors=True)
            fresh.mkdir()
            ix = whoosh_index.create_in(str(fresh), make_schema())
            with self.library.read() as conn:
                total = int(conn.exec_driver_sql("SELECT count(*) FROM paper").scalar() or 0)
            if procs is None:
                procs = 2 if total >= MP_MIN_PAPERS and (os.cpu_count() or 1) > 1 else 1
            codec = codec_stamp(default_codec())
            stamps: dict[int, str] = {}

            def rows() -> Iterator[tuple[int, str, dict[str, str]]]:
                for row in self._iter_all_rows():
                    stamps[row.pid] = row.stamp
                    yield row.pid, row.sig, row.fields

            def tick(done: int) -> None:
                if cancel and cancel():
                    raise IndexCancelled
                if progress:
                    progress(done, total)

            try:
                if codec != (CODEC, CODEC_VERSION):  # its stamp would never be current
                    raise IndexFormatError(
                        f"this Whoosh writes the codec {' '.join(codec)}; "
                        f"the search reads {CODEC} {CODEC_VERSION} only"
                    )
                from triage_app.core.search.array_writer import write_arrays
                from triage_app.core.search.index_build import build_index  # a rebuild's only

                build_index(
                    ix,
                    make_schema(),
                    default_codec(),
                    rows(),
                    total=total,
                    procs=procs,
                    tick=tick,
                    arrays_in=fresh,
                )
            except BaseException:
                ix.close()
                shutil.rmtree(fresh, ignore_errors=True)
                raise
            write_arrays(ix, fresh, start=True)  # finds the build's arrays: writes none
            ix.close()
            write_stamp(fresh, *codec)
            old = self.dir.with_name(self.dir.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if self.dir.exists():
                self.dir.rename(old)
            fresh.rename(self.dir)
            shutil.rmtree(old, ignore_errors=True)
            if progress:
                progress(len(stamps), total)
            self._drain_all(stamps)
            self._ix = open_whoosh(self.dir)
            self._searcher = self._ix.searcher()
            return SyncReport(indexed=len(stamps), rebuilt=True, reason=reason)

    def _iter_all_rows(self) -> Iterator[_Row]:
        last = 0
        while True:
            with self.library.read() as conn:
                batch = [
                    _row(tuple(r))
                    for r in conn.exec_driver_sql(
                        f"{ROW_SQL} WHERE p.id > ? ORDER BY p.id LIMIT 2000", (last,)
                    )
                ]
            if not batch:
                return
            yield from batch
            last = batch[-1].pid

    def _drain_all(self, stamps: dict[int, str]) -> None:
        with self.library.read() as conn:
            queued = [r[0] for r in conn.exec_driver_sql("SELECT paper_id FROM index_outbox")]
        for start in range(0, len(queued), 20_000):
            self._drain({pid: stamps.get(pid) for pid in queued[start : start + 20_000]})


def sync_index(
    library: Library, progress: ProgressFn | None = None, cancel: CancelFn | None = None
) -> SyncReport:
    """Bring the library's index up to date (used by the CLI after every write)."""
    index = SearchIndex(library)
    try:
        opened = index.open(progress=progress, cancel=cancel)
        if opened.rebuilt:
            return opened
        return index.sync(progress=progress, cancel=cancel)
    finally:
        index.close()


def rebuild_index(
    library: Library, progress: ProgressFn | None = None, cancel: CancelFn | None = None
) -> SyncReport:
    """Rebuild the index from the store (`triage-app reindex`)."""
    index = SearchIndex(library)
    try:
        return index.rebuild(progress=progress, cancel=cancel, reason="asked")
    finally:
        index.close()
