"""The library's SQLite store: opening, pragmas, transactions and read queries.

Concurrency is safe by design rather than by a lock: WAL lets readers run beside one
writer, every write is a short `BEGIN IMMEDIATE` transaction (an import commits in
batches), and a writer that cannot get the lock within the busy timeout fails with
`LibraryBusyError` instead of waiting forever or corrupting anything.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
from sqlalchemy.pool import QueuePool

from triage_app.core import library_lock, models
from triage_app.core.library_paths import BACKUP_DIR, DB_NAME, INDEX_DIR
from triage_app.core.paper_record import PaperRecord, SourceRecord

# Longer than any one write transaction holds the lock (an import batch of 2,000 entries
# commits in about 1 s on a busy 2-core machine; a decision in milliseconds), so a second
# process waits its turn and succeeds; short enough that a lock held by something stuck
# gives a clear "busy" message (exit status 2) instead of a wait without end.
BUSY_TIMEOUT_MS = 5000

paper_t = models.Paper.__table__
tag_t = models.Tag.__table__
paper_tag_t = models.PaperTag.__table__
source_t = models.Source.__table__
batch_t = models.ImportBatch.__table__
outbox_t = models.IndexOutbox.__table__
meta_t = models.Meta.__table__


class LibraryError(Exception):
    """The library cannot be used; the message says why and what to do."""


class LibraryBusyError(LibraryError):
    """Another process held the write lock for longer than the busy timeout."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _set_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Driver-level autocommit: SQLAlchemy's begin event below emits BEGIN itself, so a
    # write can take the lock up front (IMMEDIATE) instead of failing on upgrade.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    # FULL: a decision whose command returned survives even a power cut; in WAL mode
    # this costs one fsync per commit, invisible at one commit per key press.
    cur.execute("PRAGMA synchronous = FULL")
    # WAL: readers (the GUI's list, searches) never wait for a writer, nor it for them.
    cur.execute("PRAGMA journal_mode = WAL")
    cur.close()


def _begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(db_path: Path) -> Engine:
    """Connections are kept open in a pool (one for each thread that reads or writes at
    once, a handful in the window). Opening one for each read cost ~1 ms of pragmas, and
    closing it was worse: when no other connection to the file was open, as between two
    batches of an import child, SQLite checkpointed the whole write-ahead log on close,
    on the closing thread: a 70-100 ms stall of the window's UI thread, measured during
    a 20,000-entry import. Pooled connections close only when the library does."""
    engine = create_engine(f"sqlite:///{db_path}", poolclass=QueuePool, pool_size=8,
                           max_overflow=8)
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def _check_sqlite_file(db_path: Path) -> None:
    """Refuse, never overwrite, a file that is not an SQLite database."""
    backups = db_path.parent / BACKUP_DIR
    if (not db_path.exists() or db_path.stat().st_size == 0) and any(
        backups.glob("library-*.sqlite")
    ):
        # Backups prove a library lived here: starting an empty one in its place would
        # look like every decision had vanished.
        state = "is empty" if db_path.exists() else "is missing"
        raise LibraryError(
            f"{db_path} {state}, but {backups} holds backups of a library that was here. "
            f"Restore the newest with `triage-app restore FILE` (list them with "
            f"`triage-app backup --list`), or move the backups folder away to start afresh."
        )
    if not db_path.exists() or db_path.stat().st_size == 0:
        return
    with db_path.open("rb") as fh:
        header = fh.read(16)
    if header != b"SQLite format 3\x00":
        raise LibraryError(
            f"{db_path} is not an SQLite database (damaged or replaced). It was left untouched. "
            f"Restore a backup with `triage-app restore FILE` (backups are kept in "
            f"{db_path.parent / BACKUP_DIR})."
        )


class Library:
    """A library folder: `library.sqlite` (the truth) plus room for the search index."""

    def __init__(
        self, folder: Path, engine: Engine, lock: library_lock.LibraryLock | None = None
    ) -> None:
        self.folder = folder
        self.engine = engine
        self._lock = lock
        self._write_engine = engine.execution_options(sqlite_immediate=True)
        self._listeners: list[Callable[[set[int]], None]] = []

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(cls, folder: str | Path, *, create: bool = True) -> Library:
        from triage_app.core.schema_migrations import upgrade_to_current

        folder = Path(folder).expanduser().resolve()
        db_path = folder / DB_NAME
        if not db_path.exists() and not create:
            raise LibraryError(f"no library at {folder} (no {DB_NAME})")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"cannot create the library folder {folder}: {exc}") from exc
        try:
            # Shared with every other open library; only a restore takes it exclusively.
            lock = library_lock.acquire(folder, exclusive=False, timeout=BUSY_TIMEOUT_MS / 1000)
        except library_lock.LockHeld as exc:
            raise LibraryBusyError(
                f"the library {folder} is being restored from a backup by another triage-app "
                f"process. Try again in a moment."
            ) from exc
        engine = None
        try:
            _check_sqlite_file(db_path)
            engine = make_engine(db_path)
            with engine.connect() as conn:
                # Reading the schema fails fast on a file that is damaged at its start; a full
                # integrity check costs a read of the whole file and runs with backups instead.
                conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
            library = cls(folder, engine, lock)
            upgrade_to_current(library)
        except (DatabaseError, OperationalError) as exc:
            if engine is not None:
                engine.dispose()
            lock.release()
            raise LibraryError(_explain_db_error(db_path, exc)) from exc
        except BaseException:
            if engine is not None:
                engine.dispose()
            lock.release()
            raise
        return library

    def close(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def db_path(self) -> Path:
        return self.folder / DB_NAME

    @property
    def index_dir(self) -> Path:
        return self.folder / INDEX_DIR

    @property
    def backup_dir(self) -> Path:
        return self.folder / BACKUP_DIR

    @property
    def display_name(self) -> str:
        return self.folder.name or str(self.folder)

    # ------------------------------------------------------------ transactions
    def add_listener(self, callback: Callable[[set[int]], None]) -> None:
        """`callback(paper_ids)` runs after each committed write that changed papers."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[set[int]], None]) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    @contextmanager
    def write(self) -> Iterator[WriteTxn]:
        """One write transaction; changed paper ids are queued for the index in it."""
        txn: WriteTxn | None = None
        try:
            with self._write_engine.begin() as conn:
                txn = WriteTxn(conn)
                yield txn
                if txn.changed:
                    conn.execute(
                        outbox_t.insert().prefix_with("OR IGNORE"),
                        [{"paper_id": pid} for pid in txn.changed],
                    )
        except IntegrityError:
            raise  # a broken rule is a bug in the caller, not a state of the library
        except DatabaseError as exc:  # includes OperationalError: busy, full, read-only, damaged
            if "locked" in str(exc) or "busy" in str(exc):
                raise LibraryBusyError(
                    f"the library {self.folder} is busy: another triage-app process kept it "
                    f"locked for more than {BUSY_TIMEOUT_MS // 1000} s. Try again."
                ) from exc
            raise LibraryError(_explain_db_error(self.db_path, exc)) from exc
        if txn is not None and txn.changed:
            for listener in list(self._listeners):
                listener(set(txn.changed))

    @contextmanager
    def read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except IntegrityError:
            raise
        except (DatabaseError, sqlite3.DatabaseError) as exc:
            # A page damaged deep in the file shows up on reading; hot paths read on the
            # DB-API cursor (list_ids), whose errors SQLAlchemy has not wrapped.
            raise LibraryError(_explain_db_error(self.db_path, exc)) from exc

    # -------------------------------------------------------------------- meta
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with self.read() as conn:
            value = conn.execute(select(meta_t.c.value).where(meta_t.c.key == key)).scalar()
        return default if value is None else value

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as txn:
            txn.conn.execute(
                text("INSERT INTO meta(key, value) VALUES (:k, :v) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
                {"k": key, "v": value},
            )

    # ------------------------------------------------------------------- reads
    def count(self, status: str | None = None) -> int:
        query = select(text("count(*)")).select_from(paper_t)
        if status:
            query = query.where(paper_t.c.status == status)
        with self.read() as conn:
            return int(conn.execute(query).scalar() or 0)

    def status_counts(self) -> dict[str, int]:
        with self.read() as conn:
            rows = conn.exec_driver_sql("SELECT status, count(*) FROM paper GROUP BY status")
            counts = {s: 0 for s in models.STATUSES}
            counts.update({s: n for s, n in rows})
        return counts

    def decided_since(self, since_iso: str) -> int:
        with self.read() as conn:
            return int(
                conn.exec_driver_sql(
                    "SELECT count(*) FROM paper WHERE decided_at >= ?", (since_iso,)
                ).scalar()
                or 0
            )

    def all_ids(self) -> list[int]:
        with self.read() as conn:
            return [r[0] for r in conn.exec_driver_sql("SELECT id FROM paper ORDER BY id")]

    def get_paper(self, paper_id: int) -> PaperRecord | None:
        found = self.get_papers([paper_id])
        return found[0] if found else None

    def get_papers(self, ids: Sequence[int], *, with_sources: bool = True) -> list[PaperRecord]:
        """Papers in the order of `ids` (unknown ids are left out)."""
        out: dict[int, PaperRecord] = {}
        with self.read() as conn:
            for chunk in _chunks(list(ids), 900):
                out.update(_load_records(conn, chunk, with_sources=with_sources))
        return [out[i] for i in ids if i in out]

    def iter_papers(
        self, ids: Iterable[int] | None = None, *, chunk: int = 1000
    ) -> Iterator[PaperRecord]:
        """Stream papers (by id, or in the given order) without holding the library."""
        if ids is None:
            last = 0
            while True:
                with self.read() as conn:
                    batch = [
                        r[0]
                        for r in conn.exec_driver_sql(
                            "SELECT id FROM paper WHERE id > ? ORDER BY id LIMIT ?", (last, chunk)
                        )
                    ]
                    if not batch:
                        return
                    records = _load_records(conn, batch, with_sources=True)
                yield from (records[i] for i in batch)
                last = batch[-1]
        else:
            for part in _chunks(list(ids), chunk):
                yield from self.get_papers(part)

    def tag_counts(self) -> list[tuple[str, int]]:
        with self.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT t.name, count(pt.paper_id) FROM tag t "
                "JOIN paper_tag pt ON pt.tag_id = t.id GROUP BY t.id ORDER BY t.name COLLATE NOCASE"
            )
            return [(name, n) for name, n in rows]

    def all_tags(self) -> list[str]:
        with self.read() as conn:
            rows = conn.exec_driver_sql("SELECT name FROM tag ORDER BY name COLLATE NOCASE")
            return [r[0] for r in rows]

    def category_counts(self) -> list[tuple[str, int]]:
        with self.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT category, count(*) FROM paper WHERE category IS NOT NULL "
                "GROUP BY category ORDER BY category"
            )
            return [(c, n) for c, n in rows]

    def batches(self) -> list[tuple[int, str, str, int]]:
        """Finished import batches: (id, file name, imported_at, papers seen), newest first."""
        with self.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id, file_name, imported_at, new + merged + known FROM import_batch "
                "WHERE finished ORDER BY id DESC"
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]

    def list_ids(
        self,
        *,
        status: str | None = None,
        starred: bool | None = None,
        tag: str | None = None,
        category: str | None = None,
        batch_id: int | None = None,
        after_id: int | None = None,
        order: str = "id",
        descending: bool = False,
        limit: int | None = None,
    ) -> list[int]:
        """Ids of papers matching simple filters, sorted in SQL (the GUI list's backbone).

        Read on the DB-API cursor: SQLAlchemy's row handling doubled the cost (33 vs 67 ms
        for 100,000 ids), Python time that holds the GIL beside the window."""
        where, params = _id_filters(status=status, starred=starred, tag=tag,
                                    category=category, batch_id=batch_id, after_id=after_id)
        sql = f"SELECT p.id FROM paper p{where} ORDER BY {_order_clause(order, descending)}"
        if limit is not None:
            sql += " LIMIT :limit"
            params["limit"] = limit
        with self.read() as conn:
            cursor = conn.connection.driver_connection.execute(sql, params)
            return [pid for (pid,) in cursor]

    def count_ids(self, *, status: str | None = None, starred: bool | None = None,
                  tag: str | None = None, category: str | None = None,
                  batch_id: int | None = None, after_id: int | None = None) -> int:
        """How many ids `list_ids` would return for the same filters."""
        where, params = _id_filters(status=status, starred=starred, tag=tag,
                                    category=category, batch_id=batch_id, after_id=after_id)
        with self.read() as conn:
            return int(conn.exec_driver_sql(f"SELECT count(*) FROM paper p{where}",
                                            params).scalar() or 0)


def _id_filters(*, status: str | None, starred: bool | None, tag: str | None,
                category: str | None, batch_id: int | None,
                after_id: int | None) -> tuple[str, dict[str, object]]:
    """The WHERE clause (with its leading space, or '') and parameters of an id listing."""
    where: list[str] = []
    params: dict[str, object] = {}
    if status:
        where.append("p.status = :status")
        params["status"] = status
    if starred is not None:
        where.append("p.starred = :starred")
        params["starred"] = int(starred)
    if tag:
        where.append(
            "p.id IN (SELECT pt.paper_id FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
            "WHERE t.name = :tag COLLATE NOCASE)"
        )
        params["tag"] = tag
    if category:
        where.append("p.category = :category")
        params["category"] = category
    if batch_id is not None:
        where.append("p.id IN (SELECT paper_id FROM source WHERE batch_id = :batch)")
        params["batch"] = batch_id
    if after_id is not None:
        where.append("p.id > :after")
        params["after"] = after_id
    return (" WHERE " + " AND ".join(where) if where else ""), params

ORDERS = {
    "id": "p.id",
    "title": "p.title COLLATE NOCASE",
    "author": "json_extract(p.authors, '$[0]') COLLATE NOCASE",
    "category": "p.category",
    "date": "p.published",
    "published": "p.published",
    "score": "p.score",
    "rating": "p.rating",
    "starred": "p.starred",
    "status": "p.status",
    "has_code": "p.has_code",
    "updated": "p.updated_at",
}


def _order_clause(order: str, descending: bool) -> str:
    column = ORDERS.get(order)
    if column is None:
        raise ValueError(f"unknown sort order {order!r}; one of {', '.join(ORDERS)}")
    direction = "DESC" if descending else "ASC"
    nulls = "NULLS LAST"  # papers without a score/date/rating never crowd the top
    return f"{column} {direction} {nulls}, p.id {direction}"


class WriteTxn:
    """Handed to code inside `Library.write()`: the connection plus the changed-ids set.

    `now` is taken once the write lock is held, so the stamps of successive transactions
    rise in commit order (search's filter arrays read "changed since" by them)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.changed: set[int] = set()
        self.now = utc_now()

    def touch(self, ids: Iterable[int]) -> None:
        self.changed.update(ids)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _json_list(text: str | None) -> tuple[str, ...]:
    # Most papers have no affiliations: skip the JSON parser for the empty list.
    return () if not text or text == "[]" else tuple(json.loads(text))


def load_tags(conn: Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    """Tag names of at most 900 papers (SQLite's variable limit), sorted without case."""
    marks = ",".join("?" * len(ids))
    tags: dict[int, list[str]] = {}
    for pid, name in conn.exec_driver_sql(
        f"SELECT pt.paper_id, t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
        f"WHERE pt.paper_id IN ({marks}) ORDER BY t.name COLLATE NOCASE",
        tuple(ids),
    ).fetchall():  # one call instead of one per row: exports stream 100k papers through here
        tags.setdefault(pid, []).append(name)
    return tags


def _load_records(
    conn: Connection, ids: list[int], *, with_sources: bool
) -> dict[int, PaperRecord]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    tags = load_tags(conn, ids)
    sources: dict[int, list[SourceRecord]] = {}
    if with_sources:
        for pid, fname, chash, line, at in conn.exec_driver_sql(
            f"SELECT paper_id, file_name, content_hash, line, imported_at FROM source "
            f"WHERE paper_id IN ({marks}) ORDER BY id",
            tuple(ids),
        ).fetchall():
            sources.setdefault(pid, []).append(SourceRecord(fname, chash, line, at))
    out: dict[int, PaperRecord] = {}
    for row in conn.exec_driver_sql(
        f"SELECT id, title, authors, et_al, affiliations, category, published, year_inferred, "
        f"score, has_code, abstract, status, starred, rating, note, created_at, updated_at, "
        f"decided_at, decisions_at FROM paper WHERE id IN ({marks})",
        tuple(ids),
    ).fetchall():
        pid = row[0]
        out[pid] = PaperRecord(
            id=pid,
            title=row[1],
            authors=_json_list(row[2]),
            et_al=bool(row[3]),
            affiliations=_json_list(row[4]),
            category=row[5],
            published=date.fromisoformat(row[6]) if row[6] else None,
            year_inferred=bool(row[7]),
            score=row[8],
            has_code=bool(row[9]),
            abstract=row[10] or "",
            status=row[11],
            starred=bool(row[12]),
            rating=row[13],
            note=row[14] or "",
            tags=tuple(tags.get(pid, ())),
            sources=tuple(sources.get(pid, ())),
            created_at=row[15] or "",
            updated_at=row[16] or "",
            decided_at=row[17],
            decisions_at=row[18],
        )
    return out


def _explain_db_error(db_path: Path, exc: Exception) -> str:
    msg = str(getattr(exc, "orig", exc))
    if "readonly" in msg or "read-only" in msg or "unable to open" in msg:
        return (
            f"cannot write to the library {db_path.parent}: {msg}. Check that the folder and "
            f"{db_path.name} are writable."
        )
    if "disk is full" in msg or "database or disk is full" in msg:
        return (
            f"the disk holding {db_path.parent} is full: {msg}. Free some space and try again; "
            f"what was saved before is intact."
        )
    if "disk I/O error" in msg:
        return (
            f"could not write {db_path} ({msg}): the disk may be full, failing or removed. "
            f"What was saved before is intact; free some space or check the disk, then try "
            f"again."
        )
    if "not a database" in msg or "malformed" in msg:
        return (
            f"{db_path} is damaged ({msg}). It was left untouched. Restore a backup with "
            f"`triage-app restore FILE` (see {db_path.parent / BACKUP_DIR})."
        )
    return f"{db_path}: {msg}"
