"""Indexing in a child process, both sides: the child's task and the parent's call.

Whoosh holds the GIL while it sorts a big batch of postings, which froze the window when
indexing ran on a thread; a child process has its own GIL. The child sends
progress and one result, the number of papers indexed. Killing it is a safe cancel: the
index is derived, and the next sync starts over from the store's outbox.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from triage_app.workers.protocol import run_worker, send_progress, send_result


def child_main(argv: Sequence[str]) -> int:
    from triage_app.core.search import sync_index
    from triage_app.core.store import open_library

    with open_library(Path(argv[0]), create=False) as library:
        report = sync_index(library, progress=send_progress)
    send_result(report.indexed)
    return 0


def run_index_child(
    folder: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    started: Callable[[subprocess.Popen[bytes] | None], None] = lambda _child: None,
) -> int:
    """Bring the index of the library at `folder` up to date in a child; papers indexed."""
    run = run_worker(
        "index", [str(folder)], progress=progress, cancelled=cancelled, started=started
    )
    failure = run.failure()
    if failure is not None and not cancelled():
        raise RuntimeError(f"indexing failed: {failure}")
    return sum(r for r in run.results if isinstance(r, int))
