"""Turning the action table's key strings into real key presses for tests."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from triage_app.gui.key_dispatcher import NAMED

_BY_NAME = {name: key for key, name in NAMED.items()}
_MODS = {
    "Ctrl": Qt.KeyboardModifier.ControlModifier,
    "Alt": Qt.KeyboardModifier.AltModifier,
    "Shift": Qt.KeyboardModifier.ShiftModifier,
    "Meta": Qt.KeyboardModifier.MetaModifier,
}


def parse(key: str) -> tuple[Qt.Key, Qt.KeyboardModifier, str]:
    """(Qt key, modifiers, text) of a canonical key string."""
    if len(key) == 1:
        mods = (
            Qt.KeyboardModifier.ShiftModifier
            if key.isupper() or key in '?:!"'
            else Qt.KeyboardModifier.NoModifier
        )
        return Qt.Key(ord(key.upper())), mods, key
    *mod_names, base = key.split("+") if not key.endswith("++") else [*key[:-2].split("+"), "+"]
    mods = Qt.KeyboardModifier.NoModifier
    for name in mod_names:
        mods |= _MODS[name]
    qt_key = _BY_NAME[base] if base in _BY_NAME else Qt.Key(ord(base))
    text = (
        ""
        if mods & ~Qt.KeyboardModifier.ShiftModifier
        else ({"Return": "\r", "Enter": "\r", "Esc": "\x1b", "Space": " "}.get(base, ""))
    )
    return qt_key, mods, text


def key_event(key: str, *, autorepeat: bool = False) -> QKeyEvent:
    qt_key, mods, text = parse(key)
    return QKeyEvent(QEvent.Type.KeyPress, qt_key, mods, text, autorepeat)


def press(qtbot, key: str, widget=None) -> None:
    """A real key click on `widget` (default: where the keyboard sends it, an open popup
    such as a completion list, else the widget with the keyboard focus)."""
    target = widget or QApplication.activePopupWidget() or QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qt_key, mods, _text = parse(key)
    if len(key) == 1:
        qtbot.keyClick(target, key, mods)
    else:
        qtbot.keyClick(target, qt_key, mods)
