"""Opening what a user names on `triage-app import`: files, standard input, and the odd paths
a shell hands over (`/dev/stdin`, `<(cmd)`, FIFOs, `/proc` files, devices, symlink loops).

A regular file is read in place. A stream (a pipe, a FIFO, standard input, a file whose size
the system does not know, as in /proc) is copied into a temporary file first, because an
import reads its source more than once (sniff, hash, parse); at most STREAM_MAX_BYTES of it,
so `yes | triage-app import -` stops instead of filling the disk. Anything else (a folder, a
device, a socket, a symlink loop) is refused with the reason, before a byte is read.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO

from triage_app.core.ingest.entries import ListingError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no FIFOs to open without blocking
    fcntl = None  # type: ignore[assignment]

STREAM_MAX_BYTES = 256 << 20  # standard input and other streams: 256 MiB
SPOOL_IN_MEMORY = 32 << 20
_CHUNK = 1 << 20


def open_input(path: str | Path) -> tuple[str, IO[bytes]]:
    """(name, a seekable binary stream) for `path` (`-` is standard input); ListingError
    with a one-line reason for anything that cannot be imported."""
    if str(path) == "-":
        return "<stdin>", spool(sys.stdin.buffer)
    p = Path(path)
    flags = os.O_RDONLY  # and where they exist: a FIFO opens at once, no terminal is taken
    for name in ("O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC", "O_BINARY"):
        flags |= getattr(os, name, 0)
    try:
        fd = os.open(p, flags)
    except FileNotFoundError as exc:
        raise ListingError("no such file") from exc
    except PermissionError as exc:
        raise ListingError("permission denied") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ListingError("a symbolic link that loops, not a listing file") from exc
        raise ListingError(f"cannot open: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        mode, size = info.st_mode, info.st_size
        if stat.S_ISDIR(mode):
            raise ListingError("is a folder, not a listing file")
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            raise ListingError("is a device, not a listing file")
        if stat.S_ISSOCK(mode):
            raise ListingError("is a socket, not a listing file")
        if fcntl is not None:
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    except BaseException:
        os.close(fd)
        raise
    file = os.fdopen(fd, "rb")
    if stat.S_ISREG(mode) and size > 0:
        return p.name, file
    with file:  # a pipe, a FIFO, or a file of unknown size (/proc): copied, up to the limit
        return p.name, spool(file)


def spool(stream: IO[bytes]) -> IO[bytes]:
    """A seekable copy of `stream`, refused past STREAM_MAX_BYTES."""
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - returned
    try:
        total = 0
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > STREAM_MAX_BYTES:
                raise ListingError(
                    f"more than {STREAM_MAX_BYTES >> 20} MiB from a stream; "
                    f"save it to a file and import the file"
                )
            copy.write(chunk)
        copy.seek(0)
    except OSError as exc:
        copy.close()
        raise ListingError(f"cannot read: {exc.strerror or exc}") from exc
    except BaseException:
        copy.close()
        raise
    return copy
