"""Which processes hold a library folder: a shared lock per open library, exclusive to restore.

SQLite's own locks cover transactions, not the time a library is merely open: the window
keeps a library open for hours, often with no transaction running. Replacing
`library.sqlite` under such a process would leave it writing decisions into a file that is
no longer the library, so every open library holds a shared `flock` on `library.lock` and a
restore takes it exclusively or refuses. The kernel drops the lock when the process dies,
kill -9 included, so a crash never leaves a stale lock behind. Where `fcntl` is missing
(Windows) the lock is a no-op and SQLite's locks are all there is.
"""

from __future__ import annotations

import errno
import os
import time
import weakref
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = "library.lock"


class LockHeld(Exception):
    """The lock is held in a conflicting mode by another open library or process."""


class LibraryLock:
    """An open lock file; the lock goes with the descriptor (closed at release or exit)."""

    def __init__(self, fd: int | None) -> None:
        self._fd = fd
        self._finalizer = weakref.finalize(self, _close_fd, fd)

    def release(self) -> None:
        self._finalizer()


def _close_fd(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


def _open_lock_file(folder: Path) -> int | None:
    path = folder / LOCK_NAME
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        pass
    try:  # a read-only folder: an existing lock file still locks (flock needs no write)
        return os.open(path, os.O_RDONLY)
    except OSError:
        return None


def _try_lock(fd: int, exclusive: bool) -> bool:
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def acquire(folder: Path, *, exclusive: bool, timeout: float = 0.0) -> LibraryLock:
    """Lock `folder`, retrying for up to `timeout` seconds; raises LockHeld when it cannot."""
    if fcntl is None:
        return LibraryLock(None)
    fd = _open_lock_file(folder)
    if fd is None:  # cannot even create the file: nothing to coordinate through
        return LibraryLock(None)
    deadline = time.monotonic() + timeout
    while True:
        if _try_lock(fd, exclusive):
            return LibraryLock(fd)
        if time.monotonic() >= deadline:
            os.close(fd)
            raise LockHeld(str(folder / LOCK_NAME))
        time.sleep(0.05)
