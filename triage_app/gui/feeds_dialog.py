"""File > Feeds and watched folder…: the subscriptions, the daily fetch and the watched folder,
edited in the window (the same settings `triage-app feeds` and `triage-app watch` keep).

The dialog edits a copy; the caller saves it on the writer lane when it is accepted, so
nothing here writes to the library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.ingest import Subscription, feed_url


@dataclass
class FeedSettings:
    """What the dialog shows and hands back: the library's feed and watch settings."""

    subscriptions: list[Subscription] = field(default_factory=list)
    daily: bool = False
    folder: Path | None = None
    fetch_now: bool = False  # the dialog was closed with "Save and fetch"


def describe(sub: Subscription) -> str:
    """One line a subscription: what it is and what its last fetch did."""
    shown = sub.name if sub.name == sub.url else f"{sub.name}  ({sub.url})"
    if sub.last_fetched:
        when = sub.last_fetched[:16].replace("T", " ")
        result = (sub.last_result or "").removeprefix(f"{sub.name}: ")  # the line names it
        return f"{shown}\n    last fetched {when}: {result}"
    return f"{shown}\n    not fetched yet"


class _Entry(QLineEdit):
    """Enter adds what was typed (the `returnPressed` signal); the key stops here, so it never
    reaches the dialog, where it would save and close."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class _Subscriptions(QListWidget):
    """Delete or Backspace removes the selected subscription."""

    delete_pressed: Callable[[], None] = staticmethod(lambda: None)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed()
            event.accept()
            return
        super().keyPressEvent(event)


class FeedsDialog(QDialog):
    """Add with Enter (an arXiv category like cs.CL, or an http(s) URL), remove with Delete."""

    def __init__(self, settings: FeedSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Feeds and watched folder")
        self._subs = list(settings.subscriptions)
        self._folder = settings.folder
        self.fetch_now = False

        self.list = _Subscriptions()
        self.list.setAlternatingRowColors(True)
        self.entry = _Entry()
        self.entry.setPlaceholderText(
            "an arXiv category (cs.CL, math.CO) or a feed URL, then Enter"
        )
        self.entry.returnPressed.connect(self.add_entry)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.error.hide()  # shown with a message only
        add = QPushButton("Add")
        add.clicked.connect(self.add_entry)
        add.setAutoDefault(False)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.remove_button.setAutoDefault(False)
        self.list.delete_pressed = self.remove_selected
        self.daily = QCheckBox("Fetch once a day when the window opens")
        self.daily.setChecked(settings.daily)

        self.folder_label = QLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_folder)
        choose.setAutoDefault(False)
        self.stop_button = QPushButton("Stop watching")
        self.stop_button.clicked.connect(lambda: self.set_folder(None))
        self.stop_button.setAutoDefault(False)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        fetch = buttons.addButton("Save and fetch now", QDialogButtonBox.ButtonRole.AcceptRole)
        fetch.clicked.connect(self._fetch_clicked)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Subscriptions (arXiv's daily announcements, or any Atom, RSS, RIS or BibTeX URL):"
            )
        )
        layout.addWidget(self.list)
        row = QHBoxLayout()
        row.addWidget(self.entry, 1)
        row.addWidget(add)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.daily)
        hint = QLabel(
            "Watched folder: files saved there (a mail filter's or a script's daily digest) "
            "are imported once each while the window is open."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(choose)
        folder_row.addWidget(self.stop_button)
        layout.addLayout(folder_row)
        layout.addWidget(buttons)
        self.choose_directory = self._ask_directory
        self._fill()
        self.set_folder(self._folder)
        self.resize(640, 460)
        self.entry.setFocus()

    # ------------------------------------------------------------ subscriptions
    def _fill(self) -> None:
        self.list.clear()
        for sub in self._subs:
            self.list.addItem(QListWidgetItem(describe(sub)))  # row i is self._subs[i]
        self.remove_button.setEnabled(bool(self._subs))

    def add_entry(self) -> None:
        spec = self.entry.text().strip()
        if not spec:
            return
        try:
            url = feed_url(spec)
        except ValueError as exc:
            self._say(str(exc))
            return
        self._say("")
        self.entry.clear()
        if any(s.url == url for s in self._subs):
            self._say(f"{spec} is already subscribed.")
            return
        self._subs.append(Subscription(name=spec, url=url))
        self._fill()
        self.list.setCurrentRow(len(self._subs) - 1)

    def _say(self, problem: str) -> None:
        self.error.setText(problem)
        self.error.setVisible(bool(problem))

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._subs):
            del self._subs[row]
            self._fill()
            self.list.setCurrentRow(min(row, len(self._subs) - 1))

    # ------------------------------------------------------------ folder
    def _ask_directory(self) -> str:
        start = str(self._folder or Path.home())
        return QFileDialog.getExistingDirectory(self, "Watch a folder", start)

    def choose_folder(self) -> None:
        chosen = self.choose_directory()
        if chosen:
            self.set_folder(Path(chosen))

    def set_folder(self, folder: Path | None) -> None:
        self._folder = folder
        self.folder_label.setText(str(folder) if folder else "No folder is watched.")
        self.stop_button.setEnabled(folder is not None)

    # ------------------------------------------------------------ result
    def _fetch_clicked(self) -> None:
        self.fetch_now = True

    def settings(self) -> FeedSettings:
        return FeedSettings(
            subscriptions=list(self._subs),
            daily=self.daily.isChecked(),
            folder=self._folder,
            fetch_now=self.fetch_now,
        )
