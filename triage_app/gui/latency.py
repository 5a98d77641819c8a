"""Keeping the UI thread's waits short in the window's process, where background threads
(view loads, the search's warm-up) run Python beside it.

Garbage collection: Qt, SQLAlchemy, pydantic and the window leave over a hundred thousand
objects the collector tracks, and the search engine (Whoosh, its tables) adds more once it
is warm. A full pass over them runs on whichever thread happens to allocate, holding the GIL
and so the UI thread, for long enough to be seen. Those objects (modules, classes,
functions, long-lived tables) live as long as the process: `gc.freeze` moves them to a
generation that passes skip. Reference counting still frees any of them that is dropped;
only a reference cycle among them would stay.

The GIL: a thread computing in Python keeps it until another thread has waited the switch
interval. Painting the list calls back into Python hundreds of times, and each call may
have to wait for it; a short interval bounds that wait at a cost only while two
threads want the GIL at once.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.001


def freeze_heap() -> None:
    """Leave every object alive now out of later full passes (after start-up, and once the
    search engine is loaded)."""
    gc.freeze()


def prefer_ui_thread() -> None:
    """Hand the GIL over within a millisecond when the UI thread asks for it."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
