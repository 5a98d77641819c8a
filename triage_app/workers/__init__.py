"""The window's child processes (import, indexing): their tasks and the calls that run them.

A child is started by `protocol.worker_command`, which works from the wheel and from the
desktop bundle alike, and speaks the JSON-lines protocol of `protocol.py`.
"""

from __future__ import annotations

from collections.abc import Sequence

from triage_app.workers.import_task import BATCH_ENV, run_import_child
from triage_app.workers.index_task import run_index_child
from triage_app.workers.protocol import send_error, worker_command

__all__ = ["BATCH_ENV", "main", "run_import_child", "run_index_child", "worker_command"]

TASKS = ("import", "index")


def main(argv: Sequence[str]) -> int:
    """Run one task in this (child) process; an unexpected failure is one error line."""
    from triage_app.workers.priority import lower_priority

    if not argv or argv[0] not in TASKS:
        send_error(f"unknown worker task {argv[:1]}; one of {', '.join(TASKS)}")
        return 2
    lower_priority()
    try:
        if argv[0] == "import":
            from triage_app.workers.import_task import child_main
        else:
            from triage_app.workers.index_task import child_main
        return child_main(argv[1:])
    except Exception as exc:  # reported to the parent as one line, never a traceback
        send_error(f"{type(exc).__name__}: {exc}".splitlines()[0])
        return 1
