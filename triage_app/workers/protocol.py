"""The one protocol between the window and its child processes: JSON lines on stdout.

A child writes `{"progress": [done, total]}` as it goes, `{"result": ...}` for each thing
it finished, and `{"error": "one line"}` when it stops on a failure. Anything else on stdout
is ignored; stderr is read only to explain a child that died without an error line.
SIGTERM is the parent's cancel: each task decides how it stops (after the batch in flight,
or at once where stopping loses nothing).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CANCEL_POLL_S = 0.05


def send_progress(done: int, total: int) -> None:
    _send("progress", [done, total])


def send_result(value: Any) -> None:
    _send("result", value)


def send_error(message: str) -> None:
    _send("error", message)


def _send(kind: str, value: Any) -> None:
    sys.stdout.write(json.dumps({kind: value}, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def worker_command(task: str, args: list[str]) -> list[str]:
    """How to start `task`: the bundle's own executable takes `--worker`, as the CLI does."""
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: there is no `python -m`
        return [sys.executable, "--worker", task, *args]
    return [sys.executable, "-m", "triage_app.workers", task, *args]


@dataclass
class ChildRun:
    """What a child said: its results in order, its error line, its exit status."""

    results: list[Any] = field(default_factory=list)
    error: str | None = None
    code: int = 0
    stderr: str = ""

    def failure(self) -> str | None:
        """One line saying why the child failed, or None when it did not."""
        if self.error:
            return self.error
        if self.code != 0:
            last = self.stderr.strip().splitlines()[-1:]
            return last[0] if last else f"exit status {self.code}"
        return None


def run_worker(
    task: str,
    args: list[str],
    *,
    stdin: bytes | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    started: Callable[[subprocess.Popen[bytes] | None], None] = lambda _child: None,
) -> ChildRun:
    """Run `task` in a child and wait for it; `cancelled()` becoming true sends SIGTERM.

    `started(child)` is called with the process once it runs and with None once it ended,
    for a caller that must be able to stop it from another thread."""
    run = ChildRun()
    with subprocess.Popen(
        worker_command(task, args),
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        started(child)
        try:
            if stdin is not None:
                threading.Thread(target=_feed, args=(child.stdin, stdin), daemon=True).start()
            threading.Thread(target=_watch, args=(child, cancelled), daemon=True).start()
            assert child.stdout is not None and child.stderr is not None
            for raw in child.stdout:  # blocking reads release the GIL
                message = _decode(raw)
                if "progress" in message and progress is not None:
                    done, total = message["progress"]
                    progress(int(done), int(total))
                elif "result" in message:
                    run.results.append(message["result"])
                elif "error" in message:
                    run.error = str(message["error"])
            run.stderr = child.stderr.read().decode("utf-8", "replace")
            run.code = child.wait()
        finally:
            started(None)
    return run


def _decode(raw: bytes) -> dict[str, Any]:
    try:
        message = json.loads(raw)
    except ValueError:
        return {}
    return message if isinstance(message, dict) else {}


def _watch(child: subprocess.Popen[bytes], cancelled: Callable[[], bool]) -> None:
    stop = threading.Event()
    while child.poll() is None:
        if cancelled():
            child.terminate()
            return
        stop.wait(CANCEL_POLL_S)


def _feed(pipe: Any, data: bytes) -> None:
    with pipe:
        pipe.write(data)
