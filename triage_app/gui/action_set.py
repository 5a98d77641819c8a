"""QActions built from the action table: menus, toolbar buttons and handlers by action id.

The QActions show their keys in menus but are not Qt shortcuts in the window (their
shortcut context is the menu itself); keys reach them through the KeyDispatcher, so one
table decides what a key does in each focus context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget

from triage_app.core.triage import MENUS, Action
from triage_app.gui import icons

# Separators in menus come before these actions.
_GROUP_STARTS = {
    "select_all",
    "focus_search",
    "view_all",
    "refresh",
    "rate_1",
    "keep",
    "add_tag",
    "open_arxiv",
    "toggle_advance",
    "export",
    "quit",
}


def display_key(key: str) -> str:
    """A key as Qt menus can show it: `O` means Shift+O, `j` shows as `J`."""
    if len(key) == 1 and key.isalpha() and key.isupper():
        return f"Shift+{key}"
    return key


def menu_order(keys: Iterable[str]) -> list[str]:
    """A menu shows only the first key: a chord (`Ctrl+Z`) before a bare letter (`u`), as
    menus everywhere show them; otherwise the table's order."""
    return sorted(keys, key=lambda k: not ("+" in k[1:] and len(k) > 1))


class ActionSet(QObject):
    """One QAction per table entry, with its handler bound by id."""

    def __init__(self, actions: Iterable[Action], parent: QWidget) -> None:
        super().__init__(parent)
        self.table: tuple[Action, ...] = tuple(actions)
        self.qactions: dict[str, QAction] = {}
        self._handlers: dict[str, Callable[[], object]] = {}
        for action in self.table:
            qa = QAction(action.title, parent)
            qa.setObjectName(action.id)
            qa.setToolTip(f"{action.title}: {action.help}")
            qa.setStatusTip(action.help)
            qa.setCheckable(action.checkable)
            qa.setAutoRepeat(action.repeats)
            qa.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            if action.icon:
                qa.setIcon(icons.icon(action.icon))
            qa.triggered.connect(lambda _checked=False, aid=action.id: self.trigger(aid))
            self.qactions[action.id] = qa
        self.set_keys(self.table)

    def set_keys(self, actions: Iterable[Action]) -> None:
        """Show (remapped) keys in menus and tooltips."""
        self.table = tuple(actions)
        for action in self.table:
            qa = self.qactions[action.id]
            qa.setShortcuts([QKeySequence(display_key(k)) for k in menu_order(action.keys)])
            keys = " or ".join(action.keys)
            qa.setToolTip(f"{action.title} ({keys})" if keys else action.title)

    def refresh_icons(self) -> None:
        for action in self.table:
            if action.icon:
                self.qactions[action.id].setIcon(icons.icon(action.icon))

    def bind(self, handlers: Mapping[str, Callable[[], object]]) -> None:
        unknown = set(handlers) - set(self.qactions)
        if unknown:
            raise KeyError(f"handlers for unknown actions: {', '.join(sorted(unknown))}")
        self._handlers.update(handlers)

    def missing_handlers(self) -> list[str]:
        return [a.id for a in self.table if a.id not in self._handlers]

    def trigger(self, action_id: str) -> None:
        handler = self._handlers.get(action_id)
        if handler is not None and self.qactions[action_id].isEnabled():
            handler()

    def activate(self, action_id: str) -> None:
        """What a key press does: like a menu click (toggles a checkable action)."""
        self.qactions[action_id].trigger()

    def __getitem__(self, action_id: str) -> QAction:
        return self.qactions[action_id]

    def build_menus(self, menubar: QMenuBar) -> None:
        menus = {name: menubar.addMenu(f"&{name}") for name in MENUS}
        for action in self.table:
            menu = menus[action.menu]
            if action.id in _GROUP_STARTS and menu.actions():
                menu.addSeparator()
            menu.addAction(self.qactions[action.id])
