"""The paper list's model: a list of ids with a lazy, bounded row cache (fast at 100,000).

Rows are read from the store a block at a time when the view first paints them; sorting is
done in SQL by whoever loads the ids (the model only reports the requested order). A
decision updates the cached record at once (optimistically) and emits `dataChanged` for the
affected columns only; the store's answer replaces it when the write has committed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from itertools import count
from typing import cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from triage_app.core.records import DecisionState, PaperRecord
from triage_app.core.store import Library
from triage_app.core.triage import Ranking
from triage_app.gui import icons
from triage_app.gui.paper_columns import (
    COL,
    COLUMNS,
    cell_icon,
    cell_text,
    cell_tooltip,
    changed_fields,
    plain_tooltip,
    with_state,
)

BLOCK = 128
CACHE_ROWS = 4096
MAP_AFTER_LOOKUPS = 16  # more lookups than this at once are cheaper through an id -> row map

Index = QModelIndex | QPersistentModelIndex
_TITLE_COL = COL["title"]
_NCOLS = len(COLUMNS)
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_DECORATION = Qt.ItemDataRole.DecorationRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FONT = Qt.ItemDataRole.FontRole.value
_ALIGN = Qt.ItemDataRole.TextAlignmentRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_USER = Qt.ItemDataRole.UserRole.value
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_ALIGNMENTS = tuple(_RIGHT if c.key in ("score", "rating", "date") else None for c in COLUMNS)
_FIELD_COLUMNS = {
    "starred": ("star",),
    "rating": ("rating",),
    "tags": ("tags",),
    "note": (),
    "status": tuple(c.key for c in COLUMNS),
}


def row_map(ids: Sequence[int], first: int = 0) -> dict[int, int]:
    """Paper id -> row for `ids` shown from row `first` on."""
    return dict(zip(ids, count(first)))


class PaperTableModel(QAbstractTableModel):
    sortRequested = Signal(str, bool)  # (order name or "" for the view's own order, descending)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._ids: list[int] = []
        self._row_of: dict[int, int] | None = None
        self._cache: OrderedDict[int, PaperRecord] = OrderedDict()
        self._cells: dict[int, tuple] = {}  # per-row display values, dropped with the record
        self._dim = _dim_brush()
        self._italic = QFont()
        self._italic.setItalic(True)
        self.view_status: str | None = None
        self.new_count = 0  # papers of the view still new ("left in this view")
        self.ranking: Ranking | None = None  # the For you view: why each paper ranks where
        self.fetches = 0  # block reads from the store (the benchmark and tests watch it)

    # ------------------------------------------------------------------ content
    def set_ids(
        self,
        ids: Sequence[int],
        *,
        view_status: str | None = None,
        new_count: int = 0,
        ranking: Ranking | None = None,
        row_of: dict[int, int] | None = None,
        appends: list[int] | None = None,
    ) -> None:
        """Show `ids`; `row_of` (paper id -> row), when given, was built off the UI thread;
        else the view loader builds it there afterwards
        (`needs_row_map`). When `ids` appends to the rows shown, `row_of` may cover only
        the appended rows.

        `appends`: the caller built `ids` (a list of its own) as the list `appends` followed
        by new papers, and `row_of` for all of them. While `appends` is still the list shown,
        the rows are inserted with no copy, comparison or map merge here, on the UI thread
        at an import's busiest moment."""
        self.ranking = ranking
        old = len(self._ids)
        if (
            appends is not None
            and appends is self._ids
            and view_status == self.view_status
            and isinstance(ids, list)
            and len(ids) > old
            and row_of is not None
            and len(row_of) == len(ids)
        ):
            self.beginInsertRows(QModelIndex(), old, len(ids) - 1)
            self._ids = ids
            self._row_of = row_of
            self.new_count = new_count
            self.endInsertRows()
            return
        ids = list(ids)
        if view_status == self.view_status and old and len(ids) > old and ids[:old] == self._ids:
            # Papers appended (an import into a view in id order): insert rows instead of a
            # reset, which costs a big list a relayout.
            self.beginInsertRows(QModelIndex(), old, len(ids) - 1)
            self._ids = ids
            if self._row_of is not None:
                self._row_of.update(row_of if row_of is not None else row_map(ids[old:], old))
            elif row_of is not None and len(row_of) == len(ids):
                self._row_of = row_of
            self.new_count = new_count
            self.endInsertRows()
            return
        self.beginResetModel()
        self._ids = ids
        self.new_count = new_count
        self._row_of = row_of if row_of is not None and len(row_of) == len(ids) else None
        self.view_status = view_status
        self._cache.clear()
        self._cells.clear()
        self.endResetModel()

    @property
    def ids(self) -> list[int]:
        return self._ids

    def paper_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, paper_id: int) -> int | None:
        """The row showing `paper_id`. Until the loader's thread delivers the id -> row map,
        one lookup scans the ids: building the whole map here stalled the UI thread after an
        import."""
        if self._row_of is not None:
            return self._row_of.get(paper_id)
        try:
            return self._ids.index(paper_id)
        except ValueError:
            return None

    def rows_of(self, paper_ids: Sequence[int]) -> list[int | None]:
        """Rows of many papers (a bulk decision)."""
        self._expect_lookups(len(paper_ids))
        return [self.row_of(pid) for pid in paper_ids]

    def _expect_lookups(self, n: int) -> None:
        if self._row_of is None and n > MAP_AFTER_LOOKUPS:
            self._row_of = row_map(self._ids)

    def shown_row_map(self) -> dict[int, int] | None:
        """The id -> row map of the rows shown, if built; a thread may copy it, never
        change it."""
        return self._row_of

    def needs_row_map(self) -> bool:
        return self._row_of is None and len(self._ids) > MAP_AFTER_LOOKUPS

    def adopt_row_map(self, ids: list[int], rows: dict[int, int]) -> None:
        """Take a map built off the UI thread for `ids` if they are still the rows shown."""
        if ids is self._ids and self._row_of is None:
            self._row_of = rows

    def record(self, row: int) -> PaperRecord | None:
        if not 0 <= row < len(self._ids):
            return None
        pid = self._ids[row]
        found = self._cache.get(pid)
        if found is None:
            self._fetch_block(row)
            found = self._cache.get(pid)
        else:
            self._cache.move_to_end(pid)
        return found

    def cached(self, paper_id: int) -> PaperRecord | None:
        return self._cache.get(paper_id)

    def explanation(self, paper_id: int) -> str | None:
        """Why the For you view ranks this paper where it does (None in other views)."""
        return self.ranking.explain(paper_id) if self.ranking is not None else None

    def _fetch_block(self, row: int) -> None:
        start = row - row % BLOCK
        want = [pid for pid in self._ids[start : start + BLOCK] if pid not in self._cache]
        self.fetches += 1
        for record in self.library.get_papers(want, with_sources=False):
            self._cache[record.id] = record
        while len(self._cache) > CACHE_ROWS:
            old, _record = self._cache.popitem(last=False)
            self._cells.pop(old, None)

    # ------------------------------------------------------------------ updates
    def apply_states(self, states: Iterable[DecisionState]) -> None:
        """Show decisions at once (before the write commits); only cached rows change."""
        states = list(states)
        self._expect_lookups(len(states))
        for state in states:
            old = self._cache.get(state.paper_id)
            if old is None:
                self._emit_row(state.paper_id, ("status",))
                continue
            new = with_state(old, state)
            if new != old:
                self._cache[state.paper_id] = new
                self._cells.pop(state.paper_id, None)
                self._emit_row(state.paper_id, changed_fields(old, new))

    def refresh(self, paper_ids: Iterable[int]) -> None:
        """Re-read rows from the store after a commit (ids not shown are ignored)."""
        shown = [pid for pid in paper_ids if pid in self._cache]
        if not shown:
            return
        self._expect_lookups(len(shown))
        for record in self.library.get_papers(shown, with_sources=False):
            old = self._cache.get(record.id)
            self._cache[record.id] = record
            if old != record:
                self._cells.pop(record.id, None)
                self._emit_row(
                    record.id,
                    ("status",) if old is None else changed_fields(old, record, content=True),
                )

    def _emit_row(self, paper_id: int, fields: Iterable[str]) -> None:
        row = self.row_of(paper_id)
        if row is None:
            return
        cols = sorted({COL[key] for f in fields for key in _FIELD_COLUMNS.get(f, (f,))})
        if cols:
            self.dataChanged.emit(self.index(row, cols[0]), self.index(row, cols[-1]))

    # ------------------------------------------------------------ Qt interface
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008 - Qt API
        """Qt's own asks rowCount and columnCount, two calls into Python a painted cell."""
        if 0 <= row < len(self._ids) and 0 <= column < _NCOLS and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == _DISPLAY:
            return column.header
        if role == _TOOLTIP:
            return column.tip
        if role == _DECORATION and column.key in ("status", "star"):
            return icons.icon("keep" if column.key == "status" else "star_empty")
        return None

    # flags() is Qt's own (selectable, enabled): overriding it in Python cost a call into
    # Python for every cell painted.

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role a painted cell asks for, in one call (Qt's delegate asks for seven).

        Each call from C++ into Python must take the GIL, and waits for it while a
        background thread runs Python: one call a cell instead of one a role makes a repaint
        a fraction of the calls (`tests/perf/bench_repaint.py` counts and times them)."""
        # Every item is set: the caller reuses the span from cell to cell.
        # Qt hands a span, which PySide6 iterates (its stubs do not say so).
        items = cast("Iterable[QModelRoleData]", roleDataSpan)
        found = self._cells_at(index.row())
        if found is None:
            for item in items:
                item.clearData()
            return
        pid, cells = found
        col = index.column()
        for item in items:
            value = self._role(item.role(), pid, cells, col)
            if value is None:
                item.clearData()
            else:
                item.setData(value)

    def data(self, index: Index, role: int = _DISPLAY) -> object:
        found = self._cells_at(index.row())
        return None if found is None else self._role(role, *found, index.column())

    def _cells_at(self, row: int) -> tuple[int, tuple] | None:
        """(paper id, the row's cells), computed once per record (`_cells_of`)."""
        if not 0 <= row < len(self._ids):
            return None
        pid = self._ids[row]
        cells = self._cells.get(pid)
        if cells is None:
            cells = self._cells_of(row, pid)
        return None if cells is None else (pid, cells)

    def _role(self, role: int, pid: int, cells: tuple, col: int) -> object:
        """One role of a cell, from the row's cells computed once per record."""
        if role == _DISPLAY:
            return cells[0][col]
        if role == _DECORATION:
            return cells[1][col]
        if role == _FOREGROUND:
            return self._dim if cells[3] else None
        if role == _FONT:
            return self._italic if cells[2] and col == _TITLE_COL else None
        if role == _ALIGN:
            return _ALIGNMENTS[col]
        if role == _TOOLTIP:
            record = self._cache.get(pid)
            tip = cell_tooltip(record, COLUMNS[col].key) if record is not None else None
            why = self.explanation(pid)
            text = tip if why is None else (why if tip is None else f"{tip}\n{why}")
            return None if text is None else plain_tooltip(text)
        if role == _USER:
            return pid
        return None

    def _cells_of(self, row: int, pid: int) -> tuple | None:
        record = self.record(row)
        if record is None:
            return None
        cells = (
            tuple(cell_text(record, c.key) for c in COLUMNS),
            tuple(cell_icon(record, c.key) for c in COLUMNS),
            not record.title,
            self._stale(record),
        )
        self._cells[pid] = cells
        return cells

    def restyle(self) -> None:
        """After a palette switch: icons and the dimmed colour are drawn anew."""
        self._cells.clear()
        self._dim = _dim_brush()
        self.layoutChanged.emit()

    def _stale(self, record: PaperRecord) -> bool:
        """Decided away from this view's status: still shown, dimmed, until a reload."""
        return self.view_status is not None and record.status != self.view_status

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        name = COLUMNS[column].order if 0 <= column < len(COLUMNS) else None
        self.sortRequested.emit(name or "", order == Qt.SortOrder.DescendingOrder)


def _dim_brush() -> object:
    return QGuiApplication.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
