"""Why a library cannot be used, in words that say what to do next."""

from __future__ import annotations

from pathlib import Path

from triage_app.core.store.paths import BACKUP_DIR


class LibraryError(Exception):
    """The library cannot be used; the message says why and what to do."""


class LibraryBusyError(LibraryError):
    """Another process held the write lock for longer than the busy timeout."""


def check_sqlite_file(db_path: Path) -> None:
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
