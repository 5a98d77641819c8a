"""The window's child processes (import, indexing) run at a lower CPU priority.

Why: their work is bulk work the user can wait a moment longer for, while the window must
answer a key at once; where the cores are shared, the window's threads should get the CPU
first. It is a safeguard: a niced child still takes all the CPU the window leaves idle, so
the work itself is hardly slower.
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
