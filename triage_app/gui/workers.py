"""Background lanes: threads that each run their jobs in order off the UI thread (the
window has a writer, a search and an index lane).

A lane runs jobs in submission order on its own thread and hands results back to the UI
thread by a queued signal; job functions get and return plain values (ids, dataclasses),
never widgets. Jobs submitted under a `key` supersede older ones with the same key: a stale
job is skipped if it has not started, and its result is dropped if it has.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

PROGRESS_INTERVAL_S = 0.05


@dataclass(eq=False)
class Job:
    """One unit of background work and what to do with its result on the UI thread."""

    fn: Callable[[Job], Any]
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException], None] | None = None
    on_progress: Callable[[int, int], None] | None = None
    key: str | None = None
    gen: int = 0
    label: str = ""
    started_at: float = 0.0
    result: Any = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)
    _cancel: threading.Event = field(default_factory=threading.Event)
    _lane: Lane | None = None
    _last_progress: float = 0.0

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, done: int, total: int) -> None:
        """Called from the worker; forwarded to the UI at most every 50 ms (and at the end)."""
        now = time.monotonic()
        if done < total and now - self._last_progress < PROGRESS_INTERVAL_S:
            return
        self._last_progress = now
        if self._lane is not None:
            self._lane.progressed.emit(self, done, total)


class Lane(QObject):
    """A single worker thread that runs jobs in order (or inline when `synchronous`)."""

    finished = Signal(object)  # Job, emitted from the worker, delivered on the UI thread
    progressed = Signal(object, int, int)
    failed = Signal(str)  # a job without on_error raised; the message for the status bar
    idle = Signal()

    def __init__(
        self, name: str, *, synchronous: bool = False, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.synchronous = synchronous
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._gens: dict[str, int] = {}
        self._pending = 0
        self._thread: threading.Thread | None = None
        self._closed = False
        self.finished.connect(self._deliver)
        self.progressed.connect(self._deliver_progress)

    # --------------------------------------------------------------- submitting
    def submit(
        self,
        fn: Callable[[Job], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        key: str | None = None,
        label: str = "",
    ) -> Job:
        if self._closed:
            raise RuntimeError(f"the {self.name} lane is closed")
        job = Job(fn, on_done, on_error, on_progress, key=key, label=label, _lane=self)
        if key is not None:
            job.gen = self._gens[key] = self._gens.get(key, 0) + 1
        self._pending += 1
        if self.synchronous:
            self._run(job)
            self._deliver(job)
            return job
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name=f"triage-{self.name}", daemon=True
            )
            self._thread.start()
        self._queue.put(job)
        return job

    def is_stale(self, job: Job) -> bool:
        return job.key is not None and self._gens.get(job.key) != job.gen

    @property
    def busy(self) -> bool:
        return self._pending > 0

    # ---------------------------------------------------------------- the thread
    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                if not self.is_stale(job):
                    self._run(job)
                self.finished.emit(job)
            finally:
                self._queue.task_done()

    def _run(self, job: Job) -> None:
        job.started_at = time.monotonic()
        try:
            job.result = job.fn(job)
        except BaseException as exc:  # any failure is reported on the UI thread
            job.error = exc
            if job.on_error is None:
                traceback.print_exception(exc, file=sys.stderr)
        finally:
            job.done.set()

    # ------------------------------------------------------------- the UI side
    def _deliver(self, job: Job) -> None:
        self._pending -= 1
        if self._closed:
            return  # the window is gone: nothing left to show results in
        if not self.is_stale(job):
            if job.error is not None:
                if job.on_error is not None:
                    job.on_error(job.error)
                else:
                    self.failed.emit(f"{job.label or 'background work'} failed: {job.error}")
            elif job.on_done is not None:
                job.on_done(job.result)
        if self._pending == 0:
            self.idle.emit()

    def _deliver_progress(self, job: Job, done: int, total: int) -> None:
        if job.on_progress is not None and not self._closed and not self.is_stale(job):
            job.on_progress(done, total)

    def wait(self, timeout: float = 30.0) -> bool:
        """Block until every submitted job has run (results are still delivered later)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        return True

    def close(self, timeout: float = 30.0) -> bool:
        """Finish the queued jobs, then stop the thread; later submits raise."""
        finished = self.wait(timeout)
        self._closed = True
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=max(0.1, timeout))
            self._thread = None
        return finished
