"""The search field: results as you type (debounced), a clear message under it when bad."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from triage_app.gui import icons

HINT = (
    'words, "a phrase", author:name, tag:t, year:2024, -word, OR   '
    "(Esc clears, Down goes to the results)"
)


class SearchBar(QWidget):
    queryChanged = Signal(str)  # after a pause in typing, or at once on `commit()`

    def __init__(self, *, delay_ms: int = 150, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Search (/)   " + HINT)
        self.edit.setClearButtonEnabled(True)
        self.edit.addAction(icons.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setObjectName("searchError")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.commit)
        self.edit.textChanged.connect(lambda _t: self._timer.start())
        self._last = ""

    @property
    def query(self) -> str:
        return self.edit.text().strip()

    def commit(self) -> None:
        """Run the search for the current text now (if it changed)."""
        self._timer.stop()
        if self.query != self._last:
            self._last = self.query
            self.queryChanged.emit(self._last)

    def commit_timer_stop(self) -> None:
        self._timer.stop()

    def set_query(self, text: str) -> None:
        self.edit.setText(text)
        self.commit()

    def clear(self) -> None:
        self.edit.clear()
        self.clear_error()
        self.commit()

    def show_error(self, message: str, position: int | None = None) -> None:
        text = f"Cannot search: {message}"
        if position is not None and 0 <= position <= len(self.edit.text()):
            text += f"  (at “{self.edit.text()[position : position + 12]}”, character "
            text += f"{position + 1})"
        self.error.setText(text)
        self.error.setStyleSheet(
            "color: #ffffff; background: #b3261e; padding: 2px 6px; border-radius: 3px;"
        )
        self.error.show()

    def clear_error(self) -> None:
        self.error.hide()
        self.error.clear()

    @property
    def error_text(self) -> str:
        return self.error.text() if self.error.isVisible() else ""
