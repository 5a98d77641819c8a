"""A library opened through `sqlite3` alone, for the command line's short commands.

`list`, `search` and `mark` need little SQL, and importing SQLAlchemy and SQLModel would
cost a command more than the work itself. Only a library that is ready as it is opens here: one
that exists, has this release's schema and already had today's daily backup. Creating,
upgrading and the day's backup go through `open_library` (`open_lite` returns None).

The connection speaks the part of SQLAlchemy's `Connection` that the read, decision and
index code uses (`exec_driver_sql(...)` with `.scalar()`, `.fetchall()` or iteration), so
that code runs unchanged on either library. Same pragmas, the same shared folder lock,
writes `BEGIN IMMEDIATE` with their changed ids queued in the index outbox, as
`Library.write` does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triage_app.core.store import lock as library_lock
from triage_app.core.store.backup_names import has_daily_backup
from triage_app.core.store.errors import (
    DAMAGE_MARKER,
    LibraryBusyError,
    LibraryError,
    explain_db_error,
)
from triage_app.core.store.paths import BACKUP_DIR, DB_NAME, FolderLayout
from triage_app.core.store.reads import RecordReads, chunks, id_filters, order_clause
from triage_app.core.store.version import SCHEMA_VERSION

BUSY_TIMEOUT_MS = 5000  # as connection.BUSY_TIMEOUT_MS (that module loads SQLAlchemy)
_TABLE_ROW = (
    "SELECT p.id, p.status, p.starred, p.rating, p.category, p.published, "
    "coalesce(json_extract(p.authors, '$[0]'), ''), "
    "p.et_al OR json_array_length(p.authors) > 1, "
    "coalesce(nullif(p.title, ''), '(no title) ' || substr(p.abstract, 1, 60))"
)

# The same listing as text in SQLite, up to the first author: a listing of every paper then
# hands Python three strings a row rather than nine values. `%!-Ns` pads by characters; the
# rating's stars as `'*' * rating`. The category and date are joined rather than printed
# (printf stops a text at a NUL): a head holding a NUL is not printable, so format_lines
# builds it in Python, as it does any head not printable. The first author is cut out of
# the JSON list where no escape can be in the way (cheaper than parsing the JSON), else
# read by json_extract.
_TABLE_LINE = (
    "SELECT printf('%6d  %s  %s %!-6s ', p.id, "
    "CASE p.status WHEN 'new' THEN '·' WHEN 'kept' THEN '✓' WHEN 'dismissed' THEN '✗' END, "
    "CASE WHEN p.starred THEN '★' ELSE ' ' END, "
    "CASE WHEN p.rating BETWEEN 1 AND 5 THEN substr('*****', 1, p.rating) "
    "WHEN p.rating > 5 THEN printf('%.*c', p.rating, '*') ELSE '' END) || "
    "coalesce(p.category, '') || substr('   ', length(coalesce(p.category, '')) + 1) || ' ' || "
    "coalesce(p.published, '') || substr('          ', length(coalesce(p.published, '')) + 1) "
    "|| '  ', "
    "CASE WHEN substr(p.authors, 1, 2) = '[\"' AND NOT instr(p.authors, '\\') THEN "
    "substr(p.authors, 3, instr(substr(p.authors, 3), '\"') - 1) || "
    "CASE WHEN p.et_al OR instr(p.authors, '\", \"') OR instr(p.authors, '\",\"') "
    "THEN ' +' ELSE '' END "
    "ELSE coalesce(json_extract(p.authors, '$[0]'), '') || "
    "CASE WHEN p.et_al OR json_array_length(p.authors) > 1 THEN ' +' ELSE '' END END, "
    "coalesce(nullif(p.title, ''), '(no title) ' || substr(p.abstract, 1, 60))"
)
# Reads of a whole table map the file rather than copy it page by page. Nothing in the app
# truncates the file in place (a restore replaces it under the exclusive lock), which is
# mmap's hazard.
_MMAP_BYTES = 1 << 30


class _Result:
    """A cursor with the result methods of SQLAlchemy's CursorResult that the code uses."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    def scalar(self) -> Any:
        row = self._cursor.fetchone()
        return None if row is None else row[0]


class LiteConnection:
    """`exec_driver_sql(sql, params)`: many rows of parameters run as `executemany`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.driver = conn

    def exec_driver_sql(self, sql: str, params: Any = ()) -> _Result:
        if isinstance(params, list):
            return _Result(self.driver.executemany(sql, params))
        return _Result(self.driver.execute(sql, params))


class LiteTxn:
    """As `WriteTxn`: the connection, the changed ids and the transaction's time stamp."""

    def __init__(self, conn: LiteConnection) -> None:
        self.conn = conn
        self.changed: set[int] = set()
        self.now = datetime.now(UTC).isoformat(timespec="microseconds")

    def touch(self, ids: Iterable[int]) -> None:
        self.changed.update(ids)


class LiteLibrary(FolderLayout, RecordReads):
    """One connection, opened once; closed with the library (the last close checkpoints)."""

    def __init__(self, folder: Path, conn: sqlite3.Connection, lock: Any) -> None:
        self.folder = folder
        self._conn = conn
        self._lock = lock

    def close(self) -> None:
        self._conn.close()
        self._lock.release()

    def __enter__(self) -> LiteLibrary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def read(self) -> Iterator[LiteConnection]:
        try:
            yield LiteConnection(self._conn)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.DatabaseError as exc:
            raise LibraryError(explain_db_error(self.db_path, exc)) from exc

    @contextmanager
    def write(self) -> Iterator[LiteTxn]:
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._error(exc) from exc
        try:
            txn = LiteTxn(LiteConnection(conn))
            yield txn
            if txn.changed:
                conn.executemany(
                    "INSERT OR IGNORE INTO index_outbox(paper_id) VALUES (?)",
                    [(pid,) for pid in txn.changed],
                )
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
                exc, sqlite3.IntegrityError
            ):
                raise self._error(exc) from exc
            raise

    def _error(self, exc: sqlite3.DatabaseError) -> LibraryError:
        if "locked" in str(exc) or "busy" in str(exc):
            return LibraryBusyError(
                f"the library {self.folder} is busy: another triage-app process kept it "
                f"locked for more than {BUSY_TIMEOUT_MS // 1000} s. Try again."
            )
        return LibraryError(explain_db_error(self.db_path, exc))

    # ------------------------------------------------------------ reads
    def count(self, status: str | None = None) -> int:
        sql, params = "SELECT count(*) FROM paper", tuple[str, ...]()
        if status:
            sql, params = sql + " WHERE status = ?", (status,)
        with self.read() as conn:
            return int(conn.exec_driver_sql(sql, params).scalar() or 0)

    def list_ids(
        self,
        *,
        status: str | None = None,
        order: str = "id",
        descending: bool = False,
        limit: int | None = None,
    ) -> list[int]:
        """As `Library.list_ids` for a status filter."""
        where, params = id_filters(
            status=status, starred=None, tag=None, category=None, batch_id=None, after_id=None
        )
        sql = f"SELECT p.id FROM paper p{where} ORDER BY {order_clause(order, descending)}"
        if limit is not None:
            sql += " LIMIT :limit"
            params["limit"] = limit
        with self.read() as conn:
            return [pid for (pid,) in conn.driver.execute(sql, params)]

    def table_rows(
        self,
        *,
        status: str | None = None,
        order: str = "id",
        descending: bool = False,
        limit: int | None = None,
    ) -> list[tuple[Any, ...]]:
        """`list_ids` with what a one-line listing shows, read in the same statement: (id,
        status, starred, rating, category, published, first author, more authors, title or
        the abstract's start), without building 100,000 PaperRecords."""
        where, params = id_filters(
            status=status, starred=None, tag=None, category=None, batch_id=None, after_id=None
        )
        sql = f"{_TABLE_ROW} FROM paper p{where} ORDER BY {order_clause(order, descending)}"
        if limit is not None:
            sql += " LIMIT :limit"
            params["limit"] = limit
        with self.read() as conn:
            return conn.driver.execute(sql, params).fetchall()

    def table_lines(
        self,
        *,
        status: str | None = None,
        order: str = "id",
        descending: bool = False,
        limit: int | None = None,
        ids: tuple[int, int] | None = None,
    ) -> list[tuple[str, str, str]]:
        """`table_rows` as (the line up to the first author, the first author with ` +`
        when there are more, the title), for `list_cmd.format_lines`; `ids` (after, upto):
        only the papers with ids after the first and up to the second."""
        where, params = id_filters(
            status=status,
            starred=None,
            tag=None,
            category=None,
            batch_id=None,
            after_id=None if ids is None else ids[0],
            upto_id=None if ids is None else ids[1],
        )
        sql = f"{_TABLE_LINE} FROM paper p{where} ORDER BY {order_clause(order, descending)}"
        if limit is not None:
            sql += " LIMIT :limit"
            params["limit"] = limit
        with self.read() as conn:
            conn.driver.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
            return conn.driver.execute(sql, params).fetchall()

    def table_rows_of(self, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        """The rows of `table_rows` for these papers, in this order (unknown ids left out)."""
        found: dict[int, tuple[Any, ...]] = {}
        with self.read() as conn:
            for chunk in chunks(list(ids), 900):
                marks = ",".join("?" * len(chunk))
                sql = f"{_TABLE_ROW} FROM paper p WHERE p.id IN ({marks})"
                found.update((row[0], row) for row in conn.driver.execute(sql, chunk))
        return [found[i] for i in ids if i in found]

    def table_row(self, pid: int) -> tuple[Any, ...]:
        """One paper's `table_rows` row: `list_cmd.format_lines` builds a head that SQL could
        not from it."""
        return self.table_rows_of([pid])[0]


def open_lite(folder: str | Path, *, today: datetime | None = None) -> LiteLibrary | None:
    """The library in `folder` if it is ready to use as it is, else None (then open it with
    `open_library`, which creates, upgrades, backs up or explains what is wrong)."""
    try:
        folder = Path(folder).expanduser().resolve()
    except (OSError, RuntimeError):  # a symlink loop: open_library explains it
        return None
    db_path = folder / DB_NAME
    if (folder / DAMAGE_MARKER).exists():
        return None  # open_library refuses it with the reason
    try:
        if db_path.stat().st_size == 0:
            return None
        with db_path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return None
    except OSError:
        return None
    day = (today or datetime.now(UTC)).astimezone().date()
    try:
        lock = library_lock.acquire(folder, exclusive=False, timeout=0)
    except library_lock.LockHeld:
        return None  # a restore runs: open_library waits for it and explains
    conn = None
    try:
        conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            raise LookupError
        if (
            not has_daily_backup(folder / BACKUP_DIR, day)
            and conn.execute("SELECT EXISTS (SELECT 1 FROM paper)").fetchone()[0]
        ):
            raise LookupError
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            raise LookupError
    except (LookupError, sqlite3.DatabaseError, OSError):
        if conn is not None:
            conn.close()
        lock.release()
        return None
    return LiteLibrary(folder, conn, lock)
