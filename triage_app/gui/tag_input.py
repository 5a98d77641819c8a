"""The small tag field: completion over the library's tags; Enter applies, Esc cancels.

`name` adds a tag, `-name` removes one, several are separated by commas. Completion works on
the tag being typed (after the last comma), whatever its case, and keeps the ones before it.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QLineEdit, QWidget

from triage_app.core.triage import clean_tag


def parse_tags(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(tags to add, tags to remove) from `a, -b, c`."""
    add: list[str] = []
    remove: list[str] = []
    for part in text.split(","):
        name = clean_tag(part)
        if name.startswith("-"):
            name = clean_tag(name[1:])
            if name:
                remove.append(name)
        elif name:
            add.append(name)
    return tuple(dict.fromkeys(add)), tuple(dict.fromkeys(remove))


def split_last(text: str) -> tuple[str, str]:
    """(everything up to the tag being typed, that tag): `a, -b` -> (`a, -`, `b`)."""
    head, comma, last = text.rpartition(",")
    tag = last.lstrip()
    if tag.startswith("-"):
        tag = tag[1:].lstrip()
    return head + comma + last[: len(last) - len(tag)], tag


class TagCompleter(QCompleter):
    """Completes the last tag of the field and keeps the text before it.

    QLineEdit hands the completer its whole text: `splitPath` picks the tag being typed as
    what the tags are matched against, `pathFromIndex` puts the chosen tag back after the
    rest."""

    def splitPath(self, path: str) -> list[str]:
        return [split_last(path)[1]]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        return split_last(self.completionPrefix())[0] + str(index.data())


class TagInput(QLineEdit):
    """Hidden until asked for; emits `applied(add, remove)` or `cancelled()`."""

    applied = Signal(tuple, tuple)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("tag, another tag, -remove this one   (Enter applies, Esc cancels)")
        self.setClearButtonEnabled(True)
        self._tags = QStringListModel(self)
        completer = TagCompleter(self._tags, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.returnPressed.connect(self._apply)
        self.hide()

    def set_tags(self, tags: Iterable[str]) -> None:
        self._tags.setStringList(list(tags))

    def open(self) -> None:
        self.clear()
        self.show()
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def cancel(self) -> None:
        self.clear()
        self.hide()
        self.cancelled.emit()

    def _popup(self) -> QAbstractItemView | None:
        """The completer's list (always there: the completer is set in __init__)."""
        completer = self.completer()
        return completer.popup() if completer is not None else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self._popup()
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and popup is not None
            and popup.isVisible()
            and not popup.currentIndex().isValid()
        ):
            popup.hide()  # no completion chosen: Enter applies what was typed
            self._apply()
            return
        super().keyPressEvent(event)

    def _apply(self) -> None:
        popup = self._popup()
        if popup is not None and popup.isVisible():
            return  # this Enter picked a completion; the next one applies
        add, remove = parse_tags(self.text())
        self.clear()
        self.hide()
        if add or remove:
            self.applied.emit(add, remove)
        else:
            self.cancelled.emit()
