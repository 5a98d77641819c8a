"""The paper list widget: fixed row height, row selection, no type-ahead (keys are ours)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import cast

from PySide6.QtCore import QItemSelectionModel, QItemSelectionRange, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from triage_app.gui.paper_columns import COLUMNS
from triage_app.gui.paper_table_model import PaperTableModel

COLUMNS_TITLE = next(i for i, c in enumerate(COLUMNS) if c.key == "title")


class PaperListView(QTableView):
    def __init__(self, model: PaperTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paper_model = model
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setTabKeyNavigation(False)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSortIndicatorShown(True)
        for i, column in enumerate(COLUMNS):
            header.resizeSection(i, column.width)
        # The title takes the room left: no horizontal scrolling to reach the tags.
        header.setSectionResizeMode(COLUMNS_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(24)
        self.setSortingEnabled(False)  # model.sort is wired by the window (sorting in SQL)
        header.setSectionsClickable(True)

    def paper_model(self) -> PaperTableModel:
        return self._paper_model

    def keyboardSearch(self, search: str) -> None:
        """No type-ahead: letters are triage keys here."""

    # ----------------------------------------------------------------- cursor
    def current_row(self) -> int:
        index = self.currentIndex()
        return index.row() if index.isValid() else -1

    def go_to_row(self, row: int) -> None:
        """Make `row` the current and only selected row, scrolled into view."""
        model = self.paper_model()
        if not 0 <= row < model.rowCount():
            return
        index = model.index(row, COLUMNS_TITLE)
        self.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.scrollTo(index)

    def selected_rows(self) -> Iterator[int]:
        """Selected rows in order, from the selection's ranges (cheap for 100,000)."""
        # QItemSelection is a list of ranges; its stubs omit the iteration it supports.
        selection = cast("Iterable[QItemSelectionRange]", self.selectionModel().selection())
        ranges = sorted((r.top(), r.bottom()) for r in selection)
        seen = -1
        for top, bottom in ranges:
            yield from range(max(top, seen + 1), bottom + 1)
            seen = max(seen, bottom)

    def target_ids(self) -> list[int]:
        """The papers a decision applies to: the selection, else the current paper."""
        model = self.paper_model()
        rows = list(self.selected_rows())
        if len(rows) <= 1:
            row = self.current_row()
            return [model.paper_id(row)] if row >= 0 else []
        return [model.paper_id(r) for r in rows]
