"""The sidebar: the fixed views with counts, then tags, categories and import batches."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from triage_app.core.triage import SidebarCounts, ViewSpec
from triage_app.gui import icons

FIXED = (
    ("inbox", "inbox"),
    ("for_you", "for_you"),
    ("starred", "star"),
    ("kept", "keep"),
    ("dismissed", "dismiss"),
    ("all", "all"),
)
GROUPS = (
    ("tag", "Tags", "tag"),
    ("category", "Categories", "category"),
    ("batch", "Imports", "batch"),
)
KEY_ROLE = Qt.ItemDataRole.UserRole


class Sidebar(QTreeWidget):
    viewChosen = Signal(object)  # ViewSpec

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(2)
        self.setRootIsDecorated(True)
        self.setIndentation(12)
        self.setUniformRowHeights(True)
        self._items: dict[str, QTreeWidgetItem] = {}
        for kind, icon in FIXED:
            item = QTreeWidgetItem([ViewSpec(kind).title, ""])
            item.setData(0, KEY_ROLE, kind)
            item.setIcon(0, icons.icon(icon))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.addTopLevelItem(item)
            self._items[kind] = item
        self._groups: dict[str, QTreeWidgetItem] = {}
        for kind, title, icon in GROUPS:
            group = QTreeWidgetItem([title, ""])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setIcon(0, icons.icon(icon))
            self.addTopLevelItem(group)
            self._groups[kind] = group
            group.setExpanded(kind != "batch")
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, self.header().ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, self.header().ResizeMode.ResizeToContents)
        self.itemActivated.connect(self._activated)
        self.itemClicked.connect(self._activated)
        self._current_key = "inbox"

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        key = item.data(0, KEY_ROLE)
        if key:
            self._current_key = key
            self.viewChosen.emit(ViewSpec.from_key(key))

    def select_view(self, spec: ViewSpec) -> None:
        """Mark `spec` as the current view without emitting `viewChosen`."""
        self._current_key = spec.key()
        item = self._find(self._current_key)
        self.blockSignals(True)
        if item is not None:
            self.setCurrentItem(item)
        else:
            self.clearSelection()
        self.blockSignals(False)

    def _find(self, key: str) -> QTreeWidgetItem | None:
        if key in self._items:
            return self._items[key]
        kind = key.partition(":")[0]
        group = self._groups.get(kind)
        if group is None:
            return None
        for child in _children(group):
            if child.data(0, KEY_ROLE) == key:
                return child
        return None

    def count_text(self, kind: str) -> str:
        return self._items[kind].text(1)

    def set_counts(self, counts: SidebarCounts) -> None:
        new = counts.status.get("new", 0)
        values = {
            "inbox": new,
            "for_you": new,
            "starred": counts.starred,
            "kept": counts.status.get("kept", 0),
            "dismissed": counts.status.get("dismissed", 0),
            "all": counts.total,
        }
        for kind, n in values.items():
            self._items[kind].setText(1, str(n))
        self._fill("tag", [(f"tag:{name}", name, n, name) for name, n in counts.tags])
        self._fill("category", [(f"category:{c}", c, n, c) for c, n in counts.categories])
        self._fill(
            "batch",
            [
                (f"batch:{bid}", f"{name} · {at[:10]}", n, f"{name}, imported {at[:16]}")
                for bid, name, at, n in counts.batches
            ],
        )
        self.select_view(ViewSpec.from_key(self._current_key))

    def _fill(self, kind: str, rows: list[tuple[str, str, int, str]]) -> None:
        group = self._groups[kind]
        if [(c.data(0, KEY_ROLE), c.text(0), c.text(1)) for c in _children(group)] == [
            (key, title, str(n)) for key, title, n, _ in rows
        ]:
            return
        group.takeChildren()
        for key, title, n, tip in rows:
            child = QTreeWidgetItem([title, str(n)])
            child.setData(0, KEY_ROLE, key)
            child.setToolTip(0, tip)
            child.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            group.addChild(child)
        group.setText(1, str(len(rows)) if kind == "batch" else "")

    def refresh_icons(self) -> None:
        for kind, icon in FIXED:
            self._items[kind].setIcon(0, icons.icon(icon))
        for kind, _title, icon in GROUPS:
            self._groups[kind].setIcon(0, icons.icon(icon))


def _children(group: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [child for i in range(group.childCount()) if (child := group.child(i)) is not None]
