"""Choosing what the list shows: the view, its order, and what happens when it is loaded
(the cursor kept or set, the empty-library page, errors under the search field)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QStatusBar

from triage_app.core.store import Library
from triage_app.core.triage import ViewResult, ViewSpec
from triage_app.gui.detail_pane import DetailPane
from triage_app.gui.list_view import PaperListView
from triage_app.gui.paper_columns import COLUMNS
from triage_app.gui.paper_cursor import PaperCursor
from triage_app.gui.paper_table_model import PaperTableModel
from triage_app.gui.search_bar import SearchBar
from triage_app.gui.sidebar import Sidebar
from triage_app.gui.status_counts import EMPTY_PAGE, StatusCounts
from triage_app.gui.view_loader import ViewLoader


class ViewCommands:
    """Asks the loader for views and orders, and shows what it loads.

    `refresh_patterns` repaints the reader's highlights (the search may have changed)."""

    def __init__(
        self,
        loader: ViewLoader,
        list_view: PaperListView,
        model: PaperTableModel,
        cursor: PaperCursor,
        sidebar: Sidebar,
        center: QStackedWidget,
        detail: DetailPane,
        search_bar: SearchBar,
        status: StatusCounts,
        library: Library,
        refresh_patterns: Callable[[], None],
        status_bar: QStatusBar,
    ) -> None:
        self.loader = loader
        self.list_view = list_view
        self.model = model
        self.cursor = cursor
        self.sidebar = sidebar
        self.center = center
        self.detail = detail
        self.search_bar = search_bar
        self.status = status
        self.library = library
        self.refresh_patterns = refresh_patterns
        self.status_bar = status_bar

    # ------------------------------------------------------------------ views
    def show_first(self, spec: ViewSpec) -> None:
        """The view the window opens on."""
        self.sidebar.select_view(spec)
        # The recommender can take seconds on a big Inbox: that one view loads in the background.
        self.loader.load(spec, sync=spec.kind != "for_you")

    def choose_view(self, spec: ViewSpec) -> None:
        self.sidebar.select_view(spec)
        self.loader.load(spec)
        self.cursor.focus_list()

    def show_kind(self, kind: str) -> None:
        self.choose_view(ViewSpec(kind))

    def refresh_view(self) -> None:
        self.loader.load(keep=self.cursor.current_id())
        self.status.refresh_counts()

    # ------------------------------------------------------------------ order
    def header_sort(self, section: int, order: Qt.SortOrder) -> None:
        self.model.sort(section, order)

    def sort_requested(self, order: str, descending: bool) -> None:
        if (order or None, descending) == (self.loader.order, self.loader.descending):
            return
        if not order:  # a column that cannot be sorted: back to the view's own order
            self.loader.order = None
            self.sync_sort_indicator()
        self.loader.set_order(order, descending, keep=self.cursor.current_id())

    def sync_sort_indicator(self) -> None:
        header = self.list_view.horizontalHeader()
        header.blockSignals(True)
        section = next(
            (i for i, c in enumerate(COLUMNS) if c.order == self.loader.order and c.order), -1
        )
        header.setSortIndicator(
            section,
            Qt.SortOrder.DescendingOrder if self.loader.descending else Qt.SortOrder.AscendingOrder,
        )
        header.blockSignals(False)

    # ----------------------------------------------------------------- loaded
    def view_loaded(self, result: ViewResult, keep: int | None) -> None:
        view = self.list_view
        self.center.setCurrentIndex(EMPTY_PAGE if self._library_empty() else 0)
        row = self.model.row_of(keep) if keep is not None else None
        if self.model.rowCount():
            view.go_to_row(row if row is not None else 0)
            pid = self.cursor.current_id()  # the row may not have changed, its reason may have
            self.detail.set_reason(self.model.explanation(pid) if pid is not None else None)
        else:
            self.detail.show_paper(None)
        self.refresh_patterns()
        self.status.update_status()

    def _library_empty(self) -> bool:
        counts = self.status.counts
        if counts is not None and counts.total:
            return False
        return not self.loader.query and self.model.rowCount() == 0 and self.library.count() == 0

    def view_failed(self, message: str, position: int) -> None:
        if position >= 0 or self.loader.query:
            self.search_bar.show_error(message, position if position >= 0 else None)
        else:
            self.status_bar.showMessage(message, 10000)
