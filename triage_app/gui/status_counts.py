"""The library's counts: in the sidebar, and the status line that says how the day goes.

Counting scans the library, so it runs on the search lane, and after commits once they
settle (`COUNTS_DELAY_MS` after the last one).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QStackedWidget

from triage_app.core.store import Library
from triage_app.core.triage import SidebarCounts, local_midnight_utc_iso, sidebar_counts
from triage_app.gui.paper_table_model import PaperTableModel
from triage_app.gui.sidebar import Sidebar
from triage_app.gui.workers import Job, Lane

COUNTS_DELAY_MS = 250
EMPTY_PAGE = 1  # the page of `center` shown while the library has no paper


class StatusCounts:
    """Keeps `counts` (None until the first count) and shows them.

    `center` is the stack of the list and the empty-library page: counts that find papers
    leave the empty page. `per_minute()` is the triage pace shown in the status line."""

    def __init__(
        self,
        library: Library,
        lane: Lane,
        sidebar: Sidebar,
        label: QLabel,
        center: QStackedWidget,
        model: PaperTableModel,
        per_minute: Callable[[], float],
        parent: QObject,
    ) -> None:
        self.library = library
        self.lane = lane
        self.sidebar = sidebar
        self.label = label
        self.center = center
        self.model = model
        self.per_minute = per_minute
        self.counts: SidebarCounts | None = None
        self.selected = 0
        self._closing = False
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COUNTS_DELAY_MS)
        self._timer.timeout.connect(self.refresh_counts)

    def schedule(self) -> None:
        """Count again once commits settle."""
        self._timer.start()

    def pending(self) -> bool:
        return self._timer.isActive()

    def refresh_counts(self, *, sync: bool = False) -> None:
        if self._closing:
            return
        library = self.library
        midnight = local_midnight_utc_iso()

        def run(_job: Job) -> SidebarCounts:
            return sidebar_counts(library, midnight)

        if sync:
            self._counts_ready(run(Job(run)))
        else:
            self.lane.submit(run, key="counts", on_done=self._counts_ready, label="Counting")

    def _counts_ready(self, counts: SidebarCounts) -> None:
        if self._closing:
            return
        self.counts = counts
        self.sidebar.set_counts(counts)
        self.update_status()
        if counts.total and self.center.currentIndex() == EMPTY_PAGE:
            self.center.setCurrentIndex(0)

    def status_text(self) -> str:
        counts = self.counts
        inbox = counts.status.get("new", 0) if counts else 0
        today = counts.decided_today if counts else 0
        parts = [f"{self.selected} selected"] if self.selected > 1 else []
        parts += [
            f"Inbox {inbox}",
            f"{self.model.new_count} left in this view",
            f"today {today} triaged",
            f"{self.per_minute():.1f}/min",
        ]
        return " · ".join(parts)

    def update_status(self) -> None:
        self.label.setText(self.status_text())

    def set_selected(self, count: int) -> None:
        """How many papers are selected (said from two on: one is the paper being read)."""
        if count != self.selected:
            self.selected = count
            self.update_status()

    def close(self) -> None:
        """At exit: no more counting, nor results shown."""
        self._closing = True
        self._timer.stop()
