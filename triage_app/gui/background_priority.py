"""The window's child processes (import, indexing) run at a lower CPU priority.

Why: on a machine with few cores the child and the window's process compete for the same
CPUs, and the scheduler then leaves the window's threads waiting for tens of milliseconds
(measured: 40-70 ms stalls of the UI thread while an index child ran, with nothing else
running in the window's process). A niced child takes the CPU the window leaves idle, which
is nearly all of it, so the work itself is hardly slower.
"""

from __future__ import annotations

import contextlib
import os

NICENESS = 10


def lower_priority() -> None:
    """Called first thing in a child: the window's process keeps precedence on the CPU."""
    if hasattr(os, "nice"):  # POSIX; Windows children keep normal priority
        with contextlib.suppress(OSError):  # a priority that cannot be lowered stays
            os.nice(NICENESS)
