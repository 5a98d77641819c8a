"""When the search index catches up with the store: the whole policy in one class.

The rules:

- At start, when search is available, a sync runs almost at once (`START_DELAY_MS`): the
  first start builds the index, later ones index what other processes (the CLI) changed.
- After a commit (a decision, a note, rows an import wrote), a sync waits for changes to
  settle: `SETTLE_DELAY_MS` once the searcher is open, `IDLE_DELAY_MS` before the first
  search. Each commit restarts the wait.
- When an import ends, its sync starts at once, so the warm-up hold below runs unbroken
  from the import to the end of its indexing (resuming in between stalled the window).
- While an import or export runs, no sync starts: it is asked again `SETTLE_DELAY_MS`
  later (and an import's end starts one anyway).
- A sync takes every change committed so far: a sync still waiting is dropped when one
  starts.
- After each sync the search service is warmed for the index as it now is (on the search
  lane; cheap when it is warm already).
- Warm-ups, and the read-ahead of frequent words, hold while heavy work runs: an import or
  export, or a sync on the index lane (a child indexer runs only inside that lane's job).
- At exit no sync starts; a running one is cancelled, its child indexer stopped, and the
  next start resumes it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QStatusBar

from triage_app.gui.search_worker import SearchAdapter
from triage_app.gui.workers import Job, Lane

START_DELAY_MS = 50
SETTLE_DELAY_MS = 1500
# Before the first search, a sync means a child process: let edits gather.
# A search reads the edits the index lacks from the store, so it never misses them.
IDLE_DELAY_MS = 30_000


class IndexSync:
    """Schedules index syncs on the index lane and the warm-ups that follow them."""

    def __init__(
        self,
        search: SearchAdapter,
        index_lane: Lane,
        search_lane: Lane,
        transfer_running: Callable[[], bool],
        status_bar: QStatusBar,
        parent: QObject,
    ) -> None:
        self.search = search
        self.index_lane = index_lane
        self.search_lane = search_lane
        self.transfer_running = transfer_running  # an import or export is under way
        self.status_bar = status_bar
        self._job: Job | None = None
        self._closing = False
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_DELAY_MS)
        self._timer.timeout.connect(self.sync)

    # ------------------------------------------------------------ the triggers
    def start(self) -> None:
        """The window is up: index what changed since the last session."""
        if self.search.available:
            self._timer.start(START_DELAY_MS)

    def changes_committed(self) -> None:
        if self.search.available:
            self._timer.start(SETTLE_DELAY_MS if self.search.searcher_open() else IDLE_DELAY_MS)

    def import_finished(self) -> None:
        self.sync()

    # ------------------------------------------------------------------ state
    def heavy_work(self) -> bool:
        """An import, export or index sync is running (read on the search lane too): the
        search's background warm-up waits for it to end. A child indexer runs only
        inside the index lane's sync job, so a busy lane covers it."""
        return self.transfer_running() or self.index_lane.busy

    def pending(self) -> bool:
        """A sync is asked for but not queued yet (tests wait for it)."""
        return self._timer.isActive()

    # ------------------------------------------------------------------- sync
    def sync(self) -> None:
        """Bring the search index up to date, on the index lane, unless heavier work runs."""
        if self._closing or not self.search.available:
            return
        if self.transfer_running():
            # An import is writing (or an export reading): indexing beside it would put a
            # second child process on the CPU the window needs.
            self._timer.start(SETTLE_DELAY_MS)
            return
        self._timer.stop()  # this sync takes every change committed so far
        search = self.search

        def run(job: Job) -> object:
            return search.sync(progress=job.progress, cancel=job.is_cancelled)

        def failed(exc: BaseException) -> None:
            if type(exc).__name__ != "IndexCancelled":  # cancelled at exit: resumes next time
                self.status_bar.showMessage(f"The search index could not be updated: {exc}", 15000)

        def done(_result: object) -> None:
            if not self._closing:
                hold = self.heavy_work
                self.search_lane.submit(lambda _job: search.prepare(hold), key="prepare")

        self._job = self.index_lane.submit(
            run, key="sync", label="Indexing", on_done=done, on_error=failed
        )

    def close(self) -> None:
        """At exit: no more syncs; a running one (and its child indexer) is stopped."""
        self._closing = True
        self._timer.stop()
        if self._job is not None:
            self._job.cancel()
        self.search.cancel_sync()
