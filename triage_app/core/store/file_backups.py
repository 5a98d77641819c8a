"""Backups of the store: consistent online copies, rolling daily ones, and a safe restore.

Every copy goes through SQLite's online backup API, never a file copy: a file copy of a
live WAL database can miss committed pages still in `library.sqlite-wal` or catch a page
half-written. Copies are written beside their destination and renamed into place, so a
crash never leaves a truncated backup under a backup's name.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from triage_app.core.store import lock as library_lock
from triage_app.core.store import tables as models
from triage_app.core.store.backup_names import (
    DAILY,
    MANUAL,
    has_daily_backup,
    list_backups,
)
from triage_app.core.store.backup_names import STAMP as _STAMP
from triage_app.core.store.errors import DAMAGE_MARKER, LibraryDamagedError, note_damage
from triage_app.core.store.library import Library, LibraryBusyError, LibraryError
from triage_app.core.store.paths import BACKUP_DIR, DB_NAME, INDEX_DIR

KEEP_KEY = "backup.keep"
DEFAULT_KEEP = 7
_SIDE_FILES = ("-wal", "-shm", "-journal")
_STALE_PARTIAL_S = 3600  # a `.partial` older than this belongs to a process that died


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    previous: Path | None  # the copy of what the restore replaced (None: nothing was there)
    papers: int
    schema_version: int


# ------------------------------------------------------------------ copying
def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory descriptors
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _online_copy(source: sqlite3.Connection, destination: Path) -> None:
    """Copy `source` to `destination` through a `.partial` file and an atomic rename."""
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            source.backup(dst)  # one step: a consistent snapshot, writers carry on (WAL)
            # The copy inherits WAL mode; a backup must be one self-contained file that
            # opening read-only does not surround with -wal and -shm files.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
        with partial.open("rb+") as fh:
            os.fsync(fh.fileno())
        partial.replace(destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _fsync_dir(destination.parent)


def backup_to(library: Library, destination: Path) -> Path:
    """Copy the store to `destination` (atomically: written beside it, then renamed)."""
    destination = Path(destination).expanduser().absolute()
    if destination.resolve() == library.db_path:
        raise LibraryError("a backup cannot be written over the library itself")
    destination.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(library.db_path, timeout=30)
    try:
        _online_copy(src, destination)
    except sqlite3.Error as exc:
        raise LibraryError(f"the backup to {destination} failed: {exc}") from exc
    finally:
        src.close()
    return destination


def backup_library(library: Library, *, reason: str = MANUAL) -> Path:
    """A backup in the library's backups folder; automatic kinds keep only the newest N."""
    stamp = datetime.now(UTC).strftime(_STAMP)
    path = backup_to(library, library.backup_dir / f"library-{stamp}-{reason}.sqlite")
    if reason != MANUAL:
        prune_backups(library.backup_dir, keep_count(library), reason=reason)
    return path


# ----------------------------------------------------------------- rolling
def keep_count(library: Library) -> int:
    """How many automatic backups of each kind to keep (library setting `backup.keep`)."""
    try:
        raw = library.get_meta(KEEP_KEY)
    except LibraryError:  # a library of schema 1, backed up before its upgrade: no settings
        raw = None
    try:
        value = int(raw) if raw is not None else DEFAULT_KEEP
    except ValueError:
        value = DEFAULT_KEEP
    return max(1, value)


def set_keep_count(library: Library, keep: int) -> None:
    if keep < 1:
        raise ValueError("keep at least one backup")
    library.set_meta(KEEP_KEY, str(keep))


def prune_backups(folder: Path, keep: int, *, reason: str) -> list[Path]:
    """Delete all but the newest `keep` backups of `reason`, and partial copies of the dead."""
    removed = []
    same_kind = [b for b in list_backups(folder) if b.reason == reason]
    for old in same_kind[keep:]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    now = datetime.now(UTC).timestamp()
    for partial in folder.glob("*.partial"):
        try:
            if now - partial.stat().st_mtime > _STALE_PARTIAL_S:
                partial.unlink()
                removed.append(partial)
        except OSError:
            pass
    return removed


def daily_backup_if_due(library: Library, *, now: datetime | None = None) -> Path | None:
    """Take today's backup unless one exists; cheap when not due (one folder listing).

    The copy is checked with `PRAGMA quick_check` (the check of the live file that opening
    skips for speed). A damaged copy is kept under the kind `daily-damaged`, never rotated
    over the good ones, and the damage is raised as a LibraryError telling what to do.
    """
    now = now or datetime.now(UTC)
    today = now.astimezone().date()
    if has_daily_backup(library.backup_dir, today):
        return None
    if library.count() == 0:
        return None  # nothing a researcher decided yet
    name = f"library-{now.astimezone(UTC).strftime(_STAMP)}-{DAILY}.sqlite"
    path = backup_to(library, library.backup_dir / name)
    problem = _check_copy(path, full=False)
    if problem:
        damaged = path.with_name(path.name.replace(f"-{DAILY}.", f"-{DAILY}-damaged."))
        path.replace(damaged)
        message = (
            f"the library {library.folder} is damaged: it failed its daily check ({problem}). "
            f"It was left untouched; restore the newest good backup with `triage-app restore FILE` "
            f"(list them with `triage-app backup --list`)."
        )
        note_damage(library.db_path, f"failed its daily check: {problem}")  # until a restore
        raise LibraryDamagedError(message)
    prune_backups(library.backup_dir, keep_count(library), reason=DAILY)
    return path


# --------------------------------------------------------------- checking
def _check_copy(path: Path, *, full: bool) -> str | None:
    """What is wrong with the database file at `path`, or None when it is a sound library."""
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        return f"cannot read it: {exc.strerror}"
    if header != b"SQLite format 3\x00":
        return "not an SQLite database"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return f"cannot open it: {exc}"
    try:
        rows = conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            return f"integrity check failed: {'; '.join(r[0] for r in rows[:3])}"
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if not 1 <= version <= models.SCHEMA_VERSION:
            if version > models.SCHEMA_VERSION:
                return f"written by a newer triage-app (schema {version})"
            return "an SQLite database, but not a triage-app library"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"paper", "tag", "paper_tag", "source"} <= tables:
            return "an SQLite database, but not a triage-app library"
    except sqlite3.Error as exc:
        return f"unreadable: {exc}"
    finally:
        conn.close()
    return None


def check_library_file(path: Path) -> int:
    """Raise LibraryError unless `path` is a sound triage-app library; returns its schema."""
    problem = _check_copy(path, full=True)
    if problem:
        raise LibraryError(f"{path} cannot be restored: {problem}. Nothing was changed.")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


# ---------------------------------------------------------------- restoring
def restore_from(library_folder: str | Path, file: str | Path) -> RestoreResult:
    """Replace the library in `library_folder` by the backup `file`.

    Order of events, each step safe to be killed after: the backup is copied (online API)
    into a staging file in the library folder and checked in full; only then is the folder
    locked against every other triage-app process (refusing if one has it open); the current
    store is copied to the backups folder (a damaged one byte for byte, with its WAL); the
    WAL and shared-memory files of the old store are removed (a stale WAL applied to another
    file corrupts it); the staged file is renamed over `library.sqlite`; the search index,
    a cache of the old store, is dropped to be rebuilt at the next start.
    """
    folder = Path(library_folder).expanduser().resolve()
    source = Path(file).expanduser().resolve()
    db_path = folder / DB_NAME
    if source == db_path:
        raise LibraryError(f"{source} is the library itself; choose a backup file")
    if not source.is_file():
        raise LibraryError(f"no backup file at {source}")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime(_STAMP)
    staged = folder / f".restore-{stamp}.sqlite"
    try:
        _stage_copy(source, staged)
        version = check_library_file(staged)
        try:
            lock = library_lock.acquire(folder, exclusive=True)
        except library_lock.LockHeld as exc:
            raise LibraryBusyError(
                f"the library {folder} is open in another triage-app process (the window, or a "
                f"command still running). Close it and run the restore again; nothing was "
                f"changed."
            ) from exc
        try:
            previous = _set_aside(db_path, folder / BACKUP_DIR, stamp)
            for suffix in _SIDE_FILES:
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
            staged.replace(db_path)
            (folder / DAMAGE_MARKER).unlink(missing_ok=True)  # the damaged store is set aside
            _fsync_dir(folder)
            _drop_index(folder / INDEX_DIR)
        finally:
            lock.release()
    finally:
        staged.unlink(missing_ok=True)
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        papers = int(conn.execute("SELECT count(*) FROM paper").fetchone()[0])
    finally:
        conn.close()
    return RestoreResult(source, previous, papers, version)


def _stage_copy(source: Path, staged: Path) -> None:
    """Copy a backup through SQLite (so a backup that is itself in WAL mode comes whole)."""
    try:
        with source.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise LibraryError(f"cannot read {source}: {exc.strerror}") from exc
    if header != b"SQLite format 3\x00":
        raise LibraryError(
            f"{source} cannot be restored: not an SQLite database (not a triage-app backup). "
            f"Nothing was changed."
        )
    try:
        try:
            _copy_from(f"file:{source}?mode=ro", staged)
        except sqlite3.OperationalError:
            # A WAL-mode file in a folder we may not write: read the main file as it stands.
            _copy_from(f"file:{source}?immutable=1", staged)
    except sqlite3.Error as exc:
        raise LibraryError(f"{source} cannot be restored: {exc}. Nothing was changed.") from exc


def _copy_from(uri: str, staged: Path) -> None:
    src = sqlite3.connect(uri, uri=True)
    try:
        _online_copy(src, staged)
    finally:
        src.close()


def _set_aside(db_path: Path, backup_dir: Path, stamp: str) -> Path | None:
    """Keep what the restore replaces: an online copy if it reads, else its raw bytes."""
    if not db_path.exists():
        return None
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / f"library-{stamp}-before-restore.sqlite"
    with db_path.open("rb") as fh:
        readable = fh.read(16) == b"SQLite format 3\x00"
    if readable:
        busy = LibraryBusyError(
            f"{db_path} is open in another program; close it and run the restore again. "
            f"Nothing was changed."
        )
        try:
            src = sqlite3.connect(db_path, timeout=5)
            try:
                _online_copy(src, target)  # reads through the WAL: every committed decision
                # No triage-app process has the store open (the lock); leaving WAL mode also
                # proves no other program (an sqlite3 shell) has: it needs sole access.
                if src.execute("PRAGMA journal_mode = DELETE").fetchone()[0] != "delete":
                    raise busy
            finally:
                src.close()
            return target
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise busy from exc
        except sqlite3.DatabaseError:
            pass
        target.unlink(missing_ok=True)
    # Damaged: keep it byte for byte with its WAL, which may hold the last decisions.
    target = backup_dir / f"library-{stamp}-before-restore-damaged.sqlite"
    for suffix in ("", *_SIDE_FILES):
        side = Path(f"{db_path}{suffix}")
        if side.exists():
            copy = Path(f"{target}{suffix}")
            shutil.copyfile(side, copy)
            with copy.open("rb+") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(backup_dir)
    return target


def _drop_index(index_dir: Path) -> None:
    if index_dir.exists():
        stale = index_dir.with_name(f"{index_dir.name}.stale")
        shutil.rmtree(stale, ignore_errors=True)
        index_dir.replace(stale)
        shutil.rmtree(stale, ignore_errors=True)
