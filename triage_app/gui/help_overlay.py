"""The `?` overlay: every action and its (possibly remapped) keys, read from the table."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from triage_app.core.triage import MENUS, Action

COLUMNS = 3
SELECTION_HINT = (
    "Several papers at once: Shift or Ctrl with the arrows or a click, or Ctrl+A, selects them;\n"
    "a decision or a tag then applies to all of them, and one undo takes it back."
)


def key_text(action: Action) -> str:
    return " / ".join(action.keys) if action.keys else "(menu)"


class HelpOverlay(QWidget):
    """Covers the window with a dimmed panel; any key or click closes it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        self.panel, self._layout = self._new_panel()
        self.rows: dict[str, tuple[QLabel, QLabel]] = {}
        self._outer = QVBoxLayout(self)
        self._outer.addStretch(1)
        self._outer.addWidget(self.panel, 0, Qt.AlignmentFlag.AlignHCenter)
        self._outer.addStretch(1)
        self._previous_focus: QWidget | None = None
        self._actions: tuple[Action, ...] = ()
        self.columns = COLUMNS
        parent.installEventFilter(self)
        self.hide()

    def set_actions(self, actions: Iterable[Action]) -> None:
        self._actions = tuple(actions)
        self._build()

    def _new_panel(self) -> tuple[QFrame, QGridLayout]:
        panel = QFrame(self)
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setAutoFillBackground(True)
        layout = QGridLayout(panel)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setHorizontalSpacing(14)
        layout.setVerticalSpacing(5)
        return panel, layout

    def _build(self) -> None:
        """A new panel each time: a grid layout keeps the rows of what it held before."""
        columns = self.columns
        actions = self._actions
        if self._layout.count():
            old = self.panel
            self.panel, self._layout = self._new_panel()
            self._outer.replaceWidget(old, self.panel)
            old.hide()
            old.setParent(None)
            old.deleteLater()
        self.rows.clear()
        by_menu: dict[str, list[Action]] = {m: [] for m in MENUS}
        for action in actions:
            by_menu[action.menu].append(action)
        title = QLabel("Keyboard: every key (remap them in keys.toml).  Any key closes this.")
        title.setTextFormat(Qt.TextFormat.PlainText)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self._layout.addWidget(title, 0, 0, 1, columns * 2)
        hint = QLabel(SELECTION_HINT)
        hint.setObjectName("selection_hint")
        hint.setTextFormat(Qt.TextFormat.PlainText)
        menus = [m for m in ("Go", "Paper", "Edit", "View", "File", "Help") if by_menu[m]]
        per_col = (sum(len(by_menu[m]) + 2 for m in menus) + columns - 1) // columns
        col, row = 0, 1
        for menu in menus:
            if row > 1 and row - 1 + len(by_menu[menu]) + 1 > per_col + 2 and col < columns - 1:
                col, row = col + 1, 1
            heading = QLabel(menu)
            heading.setTextFormat(Qt.TextFormat.PlainText)
            heading.setFont(font)
            self._layout.addWidget(heading, row, col * 2, 1, 2)
            row += 1
            for action in by_menu[menu]:
                keys = QLabel(key_text(action))
                keys.setTextFormat(Qt.TextFormat.PlainText)
                mono = keys.font()
                mono.setFamily("monospace")
                mono.setBold(True)
                keys.setFont(mono)
                what = QLabel(action.title)
                what.setTextFormat(Qt.TextFormat.PlainText)
                what.setToolTip(action.help)
                self._layout.addWidget(keys, row, col * 2, Qt.AlignmentFlag.AlignRight)
                self._layout.addWidget(what, row, col * 2 + 1)
                self.rows[action.id] = (keys, what)
                row += 1
            row += 1  # a blank line between menus
        for c in range(1, columns):
            self._layout.setColumnMinimumWidth(c * 2, 90)  # a gap before each key column
        last = self._layout.rowCount()
        self._layout.addWidget(hint, last + 1, 0, 1, columns * 2)
        self.hint = hint

    def _cover_parent(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())

    def _fit_columns(self) -> None:
        """As many columns as the window's width holds (three on a usual window): a narrow
        window gets two, never labels cut short."""
        for columns in range(COLUMNS, 0, -1):
            if self.columns != columns:
                self.columns = columns
                self._build()
            if self.panel.minimumSizeHint().width() <= self.width() - 20:
                return

    def open(self) -> None:
        self._previous_focus = self.window().focusWidget()
        self._cover_parent()
        self._fit_columns()
        self.raise_()
        self.show()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_overlay(self) -> None:
        self.hide()
        if self._previous_focus is not None:
            self._previous_focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt):
            return
        self.close_overlay()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.close_overlay()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 110))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._cover_parent()
            self._fit_columns()
        return False
