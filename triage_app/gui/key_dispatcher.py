"""Turns key presses into action ids by the one action table, per focus context.

Widgets are attached with their context (`list`, `reader`, `search`, `other`); a key event
on one of them is looked up in that context's bindings and, if bound, triggers the action
instead of reaching the widget. Triage keys never auto-repeat; navigation keys do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from triage_app.core.triage import Action, by_id, keymap_table

_K = Qt.Key
NAMED = {
    _K.Key_Escape: "Esc",
    _K.Key_Return: "Return",
    _K.Key_Enter: "Enter",
    _K.Key_Tab: "Tab",
    _K.Key_Backtab: "Backtab",
    _K.Key_Backspace: "Backspace",
    _K.Key_Delete: "Delete",
    _K.Key_Insert: "Insert",
    _K.Key_Space: "Space",
    _K.Key_Up: "Up",
    _K.Key_Down: "Down",
    _K.Key_Left: "Left",
    _K.Key_Right: "Right",
    _K.Key_Home: "Home",
    _K.Key_End: "End",
    _K.Key_PageUp: "PgUp",
    _K.Key_PageDown: "PgDown",
    **{getattr(_K, f"Key_F{i}"): f"F{i}" for i in range(1, 13)},
}
_MODS = (
    (Qt.KeyboardModifier.ControlModifier, "Ctrl"),
    (Qt.KeyboardModifier.AltModifier, "Alt"),
    (Qt.KeyboardModifier.ShiftModifier, "Shift"),
    (Qt.KeyboardModifier.MetaModifier, "Meta"),
)
_MODIFIER_KEYS = {_K.Key_Shift, _K.Key_Control, _K.Key_Alt, _K.Key_Meta, _K.Key_AltGr}


def key_string(event: QKeyEvent) -> str | None:
    """The canonical key string (see core/triage/key_names.normalize_key) of a key press."""
    key = event.key()
    if key in _MODIFIER_KEYS or key == _K.Key_unknown:
        return None
    mods = event.modifiers()
    ctrl_alt_meta = mods & (
        Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.AltModifier
        | Qt.KeyboardModifier.MetaModifier
    )
    text = event.text()
    if (
        not ctrl_alt_meta
        and len(text) == 1
        and text.isprintable()
        and text != " "
        and key not in NAMED
    ):
        return text
    names = [name for flag, name in _MODS if mods & flag]
    if key in NAMED:
        base = NAMED[key]
    elif 0x20 < key < 0x7F:
        base = chr(key).upper()
    else:
        return None
    if names == ["Shift"] and len(base) == 1:
        return base  # a shifted character without text (synthetic events): "O", "?"
    return "+".join([*names, base])


class KeyDispatcher(QObject):
    """Event filter on the window's focusable widgets; emits `triggered(action_id)`."""

    triggered = Signal(str)

    def __init__(self, actions: Iterable[Action], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._contexts: dict[QObject, str] = {}
        self.set_actions(actions)

    def set_actions(self, actions: Iterable[Action]) -> None:
        actions = tuple(actions)
        self._actions = by_id(actions)
        self._table = keymap_table(actions)

    def attach(self, widget: QWidget, context: str) -> None:
        self._contexts[widget] = context
        widget.installEventFilter(self)

    def context_of(self, widget: QObject | None) -> str:
        while widget is not None:
            if widget in self._contexts:
                return self._contexts[widget]
            widget = widget.parent()
        return "other"

    def lookup(self, context: str, key: str) -> str | None:
        return self._table.get(context, {}).get(key)

    def dispatch(self, context: str, event: QKeyEvent) -> bool:
        """Fire the action bound to `event` in `context`; True when the key was taken."""
        key = key_string(event)
        if key is None:
            return False
        action_id = self.lookup(context, key)
        if action_id is None:
            return False
        if event.isAutoRepeat() and not self._actions[action_id].repeats:
            return True  # swallowed: holding `x` must not dismiss a page of papers
        self.triggered.emit(action_id)
        return True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        # Both kinds handled here are key events (QKeyEvent).
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride:
            # Claim bound keys before Qt's shortcut map or a text box's own handling.
            key = key_string(cast(QKeyEvent, event))
            if key is not None and self.lookup(self._contexts.get(obj, "other"), key):
                event.accept()
                return True
            return False
        if kind == QEvent.Type.KeyPress and obj in self._contexts:
            return self.dispatch(self._contexts[obj], cast(QKeyEvent, event))
        return False
