"""Opening a library folder: one sequence from the folder to a library ready to use.

Lock (shared; only a restore takes it exclusively), refuse files that are not a library,
pooled engine, a cheap read of the schema, then create or upgrade the schema, with a backup
copy of the file before any upgrade. Anything that fails releases what was taken.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import DatabaseError

from triage_app.core.store import lock as library_lock
from triage_app.core.store import migrations
from triage_app.core.store.connection import BUSY_TIMEOUT_MS, make_engine
from triage_app.core.store.errors import (
    LibraryBusyError,
    LibraryError,
    check_not_marked_damaged,
    check_sqlite_file,
    library_error_from,
)
from triage_app.core.store.file_backups import backup_library
from triage_app.core.store.library import Library
from triage_app.core.store.paths import DB_NAME


def open_library(folder: str | Path, *, create: bool = True) -> Library:
    """The library in `folder`, created there when `create` and none exists."""
    try:
        folder = Path(folder).expanduser().resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link that loops
        raise LibraryError(f"cannot open the library folder {folder}: {exc}") from exc
    db_path = folder / DB_NAME
    if not db_path.exists() and not create:
        raise LibraryError(f"no library at {folder} (no {DB_NAME})")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LibraryError(f"cannot create the library folder {folder}: {exc}") from exc
    try:
        lock = library_lock.acquire(folder, exclusive=False, timeout=BUSY_TIMEOUT_MS / 1000)
    except library_lock.LockHeld as exc:
        raise LibraryBusyError(
            f"the library {folder} is being restored from a backup by another triage-app "
            f"process. Try again in a moment."
        ) from exc
    engine = None
    try:
        check_not_marked_damaged(db_path)
        check_sqlite_file(db_path)
        engine = make_engine(db_path)
        with engine.connect() as conn:
            # Reading the schema fails fast on a file that is damaged at its start; a full
            # integrity check costs a read of the whole file and runs with backups instead.
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        library = Library(folder, engine, lock)
        _bring_schema_up_to_date(library)
    except BaseException as exc:
        if engine is not None:
            engine.dispose()
        lock.release()
        if isinstance(exc, DatabaseError):  # OperationalError is one: busy, damaged, full
            raise library_error_from(db_path, exc) from exc
        raise
    return library


def _bring_schema_up_to_date(library: Library) -> None:
    """Create a new library's schema, or upgrade an older one in place after a backup."""
    with library.read() as conn:
        version = migrations.schema_version(conn)
        migrations.check_readable(library.db_path, version)
        if version == migrations.CURRENT:
            return
        if version == 0:
            migrations.check_empty(library.db_path, conn)
    if version == 0:
        with library.write_engine.begin() as conn:
            migrations.create_schema(conn)
        return
    backup_library(library, reason=f"before-upgrade-v{version}")
    with library.write_engine.begin() as conn:
        migrations.upgrade(conn)
