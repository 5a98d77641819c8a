"""One index build at a time per library, across processes.

The window's search service, its index child and a command line may all find the index
missing or damaged at once; each would build into the same `index.building` folder and
delete the others' files. A build holds an exclusive `flock` on `index.build-lock` beside
the index instead; whoever waited opens what the other built rather than building again.
The kernel drops the lock with its process, kill -9 included. Where `fcntl` is missing
(Windows) builds are not coordinated, as before.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = "index.build-lock"
POLL_S = 0.1  # how often a waiting build looks again (and at its cancel button)


@contextmanager
def build_lock(
    folder: Path, cancel: Callable[[], bool] | None, cancelled: type[Exception]
) -> Iterator[bool]:
    """Hold the library's index-build lock; yields True when another process held it first
    (so the index may have been built meanwhile). Raises `cancelled` when `cancel()` says
    so while waiting."""
    if fcntl is None:
        yield False
        return
    folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # a read-only library: nothing to coordinate through
        yield False
        return
    waited = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = True
                if cancel and cancel():
                    raise cancelled from None
                time.sleep(POLL_S)
        yield waited
    finally:
        os.close(fd)  # closing the descriptor releases the lock
