"""`triage-app list` of a large library on two cores: the first half of the ids read,
formatted and written by a forked child while this process prepares the second.

The lines are built in SQL and Python, one core's work whichever does it; two processes
halve the wait (threads would not: the SQLite module takes the GIL back for every row).
The child opens its own connection (a connection must not cross a fork), writes the header
and its half as soon as they are ready, then tells the parent how many lines they were;
the parent writes its half only once the child has ended, so the order is the ids'. When
the child fails before writing, the parent reads and writes that half itself; where fork
is missing, or the library is small, the list is read in this process alone.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

SPLIT_MIN = 20_000  # ids spanned before a second process pays for itself
_FAILED, _BROKEN_PIPE, _WRITE_FAILED = 3, 4, 5  # a child's exit statuses but 0


def id_bounds(library: Any, status: str | None) -> tuple[int, int] | None:
    """(smallest id - 1, largest id) of the papers listed, or None when there are none.
    Two queries: SQLite finds a lone min() or max() in the index, both together by a scan."""
    where, params = ("WHERE status = :status", {"status": status}) if status else ("", {})
    with library.read() as conn:
        run = conn.driver.execute
        lo = run(f"SELECT min(id) FROM paper {where}", params).fetchone()[0]
        hi = run(f"SELECT max(id) FROM paper {where}", params).fetchone()[0]
    return None if lo is None else (lo - 1, hi)


def list_in_halves(
    library: Any,
    status: str | None,
    format_lines: Callable[..., str],
) -> int | None:
    """Write the table of every paper (of `status`) in id order to standard output, in
    two processes; returns how many lines, or None when it is not worth a second process
    (then nothing was written)."""
    bounds = id_bounds(library, status) if hasattr(os, "fork") else None
    if bounds is None or bounds[1] - bounds[0] < SPLIT_MIN:
        return None
    lo, hi = bounds
    mid = lo + (hi - lo) // 2
    sys.stdout.flush()
    counts_r, counts_w = os.pipe()  # child -> parent: how many lines it wrote
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(counts_r)
        _child(library.folder, status, (lo, mid), format_lines, counts_w)
    os.close(counts_w)
    waited = False
    try:
        second = library.table_lines(status=status, ids=(mid, hi))
        text = format_lines(second, raw=library.table_row, header=False) + "\n" if second else ""
        waited, code = True, _wait(pid)
        reply = _read_all(counts_r)
        if code == _BROKEN_PIPE:
            raise BrokenPipeError
        if code == 0 and reply.isdigit():
            sys.stdout.write(text)
            return int(reply) + len(second)
        if code != _FAILED:
            raise OSError(0, "the first half of the list could not be written")
        first = library.table_lines(status=status, ids=(lo, mid))  # the child wrote nothing
        sys.stdout.write(format_lines(first, raw=library.table_row) + "\n" + text)
        return len(first) + len(second)
    finally:
        os.close(counts_r)
        if not waited:
            _wait(pid)


def _child(
    folder: Any,
    status: str | None,
    ids: tuple[int, int],
    format_lines: Callable[..., str],
    counts_w: int,
) -> None:
    """Read, format and write the ids in `ids` with the header; leaves by `os._exit` (the
    parent's objects, its connection among them, stay untouched)."""
    code = _FAILED
    try:
        from triage_app.core.store import open_lite

        lite = open_lite(folder)
        if lite is None:
            os._exit(_FAILED)
        try:
            lines: Sequence[Any] = lite.table_lines(status=status, ids=ids)
            text = format_lines(lines, raw=lite.table_row) + "\n"
        finally:
            lite.close()
        code = _WRITE_FAILED  # from here a failure may have written a part
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
            os.write(counts_w, str(len(lines)).encode())
            code = 0
        except BrokenPipeError:
            code = _BROKEN_PIPE
    except BaseException:  # the parent reports; a child prints no traceback
        pass
    os._exit(code)


def _read_all(fd: int) -> str:
    parts = []
    while chunk := os.read(fd, 64):
        parts.append(chunk)
    return b"".join(parts).decode("ascii", "replace")


def _wait(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
