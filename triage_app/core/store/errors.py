"""Why a library cannot be used, in words that say what to do next."""

from __future__ import annotations

import contextlib
from pathlib import Path

from triage_app.core.store.paths import BACKUP_DIR


class LibraryError(Exception):
    """The library cannot be used; the message says why and what to do."""


class LibraryBusyError(LibraryError):
    """Another process held the write lock for longer than the busy timeout."""


class LibraryDamagedError(LibraryError):
    """The store file is damaged; it is marked so that no later command writes into it."""


# Left beside a store that a command found damaged, so that no later command writes into it
# (a write into a damaged file can spread the damage); a restore removes it.
DAMAGE_MARKER = "library-damaged.txt"
CORRUPTION_WORDS = ("malformed", "not a database", "file is not a database")


def is_corruption(exc: BaseException) -> bool:
    """An SQLite error that means the file itself is damaged (not busy, not full)."""
    msg = str(getattr(exc, "orig", exc))
    return any(word in msg for word in CORRUPTION_WORDS)


def note_damage(db_path: Path, message: str) -> None:
    """Leave the marker beside the store (best effort: the disk may be failing too)."""
    with contextlib.suppress(OSError):
        (db_path.parent / DAMAGE_MARKER).write_text(message + "\n", encoding="utf-8")


def check_not_marked_damaged(db_path: Path) -> None:
    """Refuse a store an earlier command found damaged, until a restore replaces it."""
    marker = db_path.parent / DAMAGE_MARKER
    try:
        found = marker.read_text(encoding="utf-8", errors="replace").strip()
    except FileNotFoundError:
        return
    except OSError as exc:
        found = str(exc)
    raise LibraryDamagedError(
        f"{db_path} is damaged: an earlier command found it so ({found[:200]}). It was left "
        f"untouched. Restore a backup with `triage-app restore FILE` (backups are kept "
        f"in {db_path.parent / BACKUP_DIR}); if you repaired the file yourself, delete {marker}."
    )


def damaged_file_error(db_path: Path, what: str) -> LibraryError:
    return LibraryError(
        f"{db_path} {what}. It was left untouched. Restore a backup with "
        f"`triage-app restore FILE` (backups are kept in {db_path.parent / BACKUP_DIR})."
    )


def check_sqlite_file(db_path: Path) -> None:
    """Refuse, never overwrite, a file that is not an SQLite database."""
    if db_path.exists() and not db_path.is_file():
        raise damaged_file_error(db_path, "is not a file (a folder or a device)")
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


def explain_db_error(db_path: Path, exc: Exception) -> str:
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


def is_database_error(exc: BaseException) -> bool:
    """An error SQLite raised (through sqlite3 or SQLAlchemy) rather than a bug."""
    import sqlite3
    import sys

    if isinstance(exc, sqlite3.DatabaseError):
        return True
    sa_exc = sys.modules.get("sqlalchemy.exc")
    return sa_exc is not None and isinstance(exc, sa_exc.DBAPIError)


def library_error_from(db_path: Path, exc: Exception) -> LibraryError:
    """The message for an SQLite error met while using the store; a damaged file is also
    marked so that no later command writes into it."""
    message = explain_db_error(db_path, exc)
    if is_corruption(exc):
        note_damage(db_path, str(getattr(exc, "orig", exc)))
        return LibraryDamagedError(message)
    return LibraryError(message)
