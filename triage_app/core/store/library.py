"""The library's SQLite store: transactions, listeners and read queries.

Concurrency is safe by design rather than by a lock: WAL lets readers run beside one
writer, every write is a short `BEGIN IMMEDIATE` transaction (an import commits in
batches), and a writer that cannot get the lock within the busy timeout fails with
`LibraryBusyError` instead of waiting forever or corrupting anything. Opening (lock,
checks, upgrade) is `opening.open_library`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from triage_app.core.records import STATUSES, PaperRecord
from triage_app.core.store import lock as library_lock
from triage_app.core.store import tables as models
from triage_app.core.store.connection import BUSY_TIMEOUT_MS, utc_now
from triage_app.core.store.errors import LibraryBusyError, LibraryError, library_error_from
from triage_app.core.store.paths import FolderLayout
from triage_app.core.store.reads import (
    RecordReads,
    chunks,
    id_filters,
    load_records,
    order_clause,
)

__all__ = ["Library", "LibraryBusyError", "LibraryError", "WriteTxn", "utc_now"]

_TABLES = models.SQLModel.metadata.tables
paper_t = _TABLES[models.Paper.__tablename__]
outbox_t = _TABLES[models.IndexOutbox.__tablename__]
meta_t = _TABLES[models.Meta.__tablename__]


class Library(FolderLayout, RecordReads):
    """A library folder: `library.sqlite` (the truth) plus room for the search index."""

    def __init__(
        self, folder: Path, engine: Engine, lock: library_lock.LibraryLock | None = None
    ) -> None:
        self.folder = folder
        self.engine = engine
        self._lock = lock
        # Writes take SQLite's write lock up front (BEGIN IMMEDIATE), never mid-transaction.
        self.write_engine = engine.execution_options(sqlite_immediate=True)
        self._listeners: list[Callable[[set[int]], None]] = []

    def close(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
            with self.write_engine.begin() as conn:
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
            raise library_error_from(self.db_path, exc) from exc
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
            raise library_error_from(self.db_path, exc) from exc

    # -------------------------------------------------------------------- meta
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with self.read() as conn:
            value = conn.execute(select(meta_t.c.value).where(meta_t.c.key == key)).scalar()
        return default if value is None else value

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as txn:
            txn.conn.execute(
                text(
                    "INSERT INTO meta(key, value) VALUES (:k, :v) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
                ),
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
            counts = {s: 0 for s in STATUSES}
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
                    records = load_records(conn, batch, with_sources=True)
                yield from (records[i] for i in batch)
                last = batch[-1]
        else:
            for part in chunks(list(ids), chunk):
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
            return [(r[0], r[1], r[2], r[3]) for r in rows]

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

        Read on the DB-API cursor: SQLAlchemy's row handling costs as much again, Python
        time that holds the GIL beside the window."""
        where, params = id_filters(
            status=status,
            starred=starred,
            tag=tag,
            category=category,
            batch_id=batch_id,
            after_id=after_id,
        )
        sql = f"SELECT p.id FROM paper p{where} ORDER BY {order_clause(order, descending)}"
        if limit is not None:
            sql += " LIMIT :limit"
            params["limit"] = limit
        with self.read() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None  # a checked-out pooled connection is always open
            cursor = driver.execute(sql, params)
            return [pid for (pid,) in cursor]

    def count_ids(
        self,
        *,
        status: str | None = None,
        starred: bool | None = None,
        tag: str | None = None,
        category: str | None = None,
        batch_id: int | None = None,
        after_id: int | None = None,
    ) -> int:
        """How many ids `list_ids` would return for the same filters."""
        where, params = id_filters(
            status=status,
            starred=starred,
            tag=tag,
            category=category,
            batch_id=batch_id,
            after_id=after_id,
        )
        with self.read() as conn:
            return int(
                conn.exec_driver_sql(f"SELECT count(*) FROM paper p{where}", params).scalar() or 0
            )


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
