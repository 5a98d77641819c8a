"""The list's cursor and the reader that follows it: which paper is current, moving the
cursor, filling the reader, and opening the current paper in a browser."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt

from triage_app.core.records import PaperRecord
from triage_app.core.store import Library
from triage_app.core.triage import arxiv_url, scholar_url
from triage_app.gui.detail_pane import DetailPane
from triage_app.gui.list_view import PaperListView
from triage_app.gui.paper_columns import state_of, with_state
from triage_app.gui.paper_table_model import PaperTableModel


class PaperCursor:
    """Moves the list's current row and shows its paper in the reader.

    `writes_in_flight()` is true while decisions are on their way to the store: the reader
    then shows the list's cached state over the store's older one."""

    def __init__(
        self,
        list_view: PaperListView,
        model: PaperTableModel,
        detail: DetailPane,
        library: Library,
        writes_in_flight: Callable[[], bool],
        open_url: Callable[[str], object],
    ) -> None:
        self.list_view = list_view
        self.model = model
        self.detail = detail
        self.library = library
        self.writes_in_flight = writes_in_flight
        self.open_url = open_url

    # ------------------------------------------------------------- the cursor
    def move(self, step: int) -> None:
        view = self.list_view
        rows = self.model.rowCount()
        if not rows:
            return
        row = view.current_row()
        view.go_to_row(0 if row < 0 else max(0, min(rows - 1, row + step)))

    def current_id(self) -> int | None:
        row = self.list_view.current_row()
        return self.model.paper_id(row) if row >= 0 else None

    def go_to_paper(self, paper_id: int) -> None:
        """Make `paper_id` current when the list shows it (and it is not current yet)."""
        row = self.model.row_of(paper_id)
        if row is not None and row != self.list_view.current_row():
            self.list_view.go_to_row(row)

    def take_focus(self) -> None:
        self.list_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_list(self) -> None:
        self.take_focus()
        if self.list_view.current_row() < 0 and self.model.rowCount():
            self.list_view.go_to_row(0)

    # ------------------------------------------------------------- the reader
    def current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.show_current(reload=True)

    def show_current(self, *, reload: bool) -> None:
        """Fill the reader: from the store when the paper changed, else from the cache."""
        pid = self.current_id()
        detail = self.detail
        if pid is None:
            detail.show_paper(None)
            return
        reason = self.model.explanation(pid)
        cached = self.model.cached(pid)
        if (
            not reload
            and cached is not None
            and detail.record is not None
            and detail.record.id == pid
        ):
            detail.show_paper(with_state(detail.record, state_of(cached)), reason=reason)
            return
        record = self.library.get_paper(pid)
        if record is not None and cached is not None and self.writes_in_flight():
            record = with_state(record, state_of(cached))  # a write is still on its way
        detail.show_paper(record, reason=reason)

    def store_committed(self, ids: set[int]) -> None:
        """Papers now show the store's state: the reader too, unless a note is being typed
        there (then only its decisions are refreshed)."""
        pid = self.current_id()
        if pid is not None and pid in ids and not self.detail.note.hasFocus():
            self.show_current(reload=True)
        elif pid is not None and pid in ids:
            self.show_current(reload=False)

    # --------------------------------------------------------------- browser
    def _current_record(self) -> PaperRecord | None:
        pid = self.current_id()
        shown = self.detail.record
        if shown and shown.id == pid:
            return shown
        return self.library.get_paper(pid) if pid else None

    def _open(self, make_url: Callable[[PaperRecord], str]) -> None:
        record = self._current_record()
        if record is not None:
            self.open_url(make_url(record))

    def open_arxiv(self) -> None:
        self._open(arxiv_url)

    def open_scholar(self) -> None:
        self._open(scholar_url)
