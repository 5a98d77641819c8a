"""SQLite connections: the pragmas every connection gets, and the pooled engine."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

# Longer than any one write transaction holds the lock (an import batch, a decision), so a
# second process waits its turn and succeeds; short enough that a lock held by something
# stuck gives a clear "busy" message (exit status 2) instead of a wait without end.
BUSY_TIMEOUT_MS = 5000


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
    once, a handful in the window). Opening one for each read costs its pragmas, and
    closing it is worse: when no other connection to the file is open, as between two
    batches of an import child, SQLite checkpoints the whole write-ahead log on close, on
    the closing thread, which stalled the window's UI thread. Pooled connections close only
    when the library does."""
    engine = create_engine(f"sqlite:///{db_path}", poolclass=QueuePool, pool_size=8, max_overflow=8)
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine
