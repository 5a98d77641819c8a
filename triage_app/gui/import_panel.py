"""What an import says afterwards, in the status bar (no modal wall of text), and
the empty-library page that offers the demo listings or an import."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.ingest import ImportReport
from triage_app.gui import icons

MAX_PROBLEMS_SHOWN = 500


def report_lines(reports: Sequence[ImportReport]) -> tuple[str, list[str]]:
    """(one-line summary, detail lines) for a set of file reports."""
    new = sum(r.new for r in reports)
    merged = sum(r.merged for r in reports)
    known = sum(r.known for r in reports)
    skipped = sum(r.skipped for r in reports)
    refused = [r for r in reports if r.refused]
    cancelled = any(r.cancelled for r in reports)
    files = f"{len(reports)} file{'s' if len(reports) != 1 else ''}"
    summary = (
        f"Imported {files}: {new} new, {merged} merged, {known} already known, {skipped} skipped"
    )
    if refused:
        summary += f"; {len(refused)} refused"
    if cancelled:
        summary += " (cancelled: what was read is kept)"
    details = [r.summary() for r in reports]
    for r in reports:
        details.extend(r.problems)
    return summary, details


class ImportReportLine(QWidget):
    """The last import's summary, at the left of the status bar, and its per-file lines and
    problems on demand (`details`, a panel the window places above the list).

    In the status bar, showing a report moves nothing: a bar above the list shrank the list
    under the reader's eyes and repainted all of it at the very moment an import hands over
    to its indexing, the UI thread's busiest."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        # A long summary is cut by the status bar, never widens the window; the tooltip
        # holds it whole.
        self.summary.setMinimumWidth(40)
        self.toggle = QToolButton()
        self.toggle.setText("Details")
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button = QToolButton()
        self.close_button.setIcon(icons.icon("clear"))
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Close the import report")
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button.clicked.connect(self.dismiss)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(140)
        self.details.hide()
        self.toggle.toggled.connect(self.details.setVisible)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.summary)
        row.addWidget(self.toggle)
        row.addWidget(self.close_button)
        row.addStretch(1)
        self.hide()

    def show_reports(self, reports: Sequence[ImportReport]) -> None:
        summary, details = report_lines(reports)
        self.summary.setText(summary)
        self.summary.setToolTip(summary)
        shown = details[:MAX_PROBLEMS_SHOWN]
        if len(details) > MAX_PROBLEMS_SHOWN:
            shown.append(f"… and {len(details) - MAX_PROBLEMS_SHOWN} more")
        self.details.setPlainText("\n".join(shown))
        problems = sum(len(r.problems) for r in reports) + sum(bool(r.refused) for r in reports)
        self.toggle.setText(
            f"Details ({problems} problem{'s' if problems != 1 else ''})" if problems else "Details"
        )
        self.toggle.setChecked(False)
        self.show()

    def dismiss(self) -> None:
        self.toggle.setChecked(False)
        self.hide()


def demo_available() -> bool:
    try:
        from triage_app.core.ingest import demo_listing_names
    except ImportError:
        return False
    try:
        return bool(demo_listing_names())
    except (OSError, ModuleNotFoundError):
        return False


class EmptyLibraryPage(QWidget):
    """Shown instead of the list while the library has no paper at all."""

    demoRequested = Signal()
    importRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("This library is empty.")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        title.setFont(font)
        text = QLabel(
            "Import the listings your feeds send you (Ctrl+I), drop files on the "
            "window, or paste a listing (Ctrl+V). To look around first, load the "
            "bundled demo listings."
        )
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        text.setMinimumWidth(320)
        self.demo = QPushButton(icons.icon("inbox"), "Load the demo listings")
        self.demo.clicked.connect(self.demoRequested)
        self.demo.setVisible(demo_available())
        self.import_button = QPushButton(icons.icon("import"), "Import files…")
        self.import_button.clicked.connect(self.importRequested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.demo)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        # Not aligned in the column: an aligned label gets its one-line size hint, and its
        # wrapped lines were drawn over each other. A row with stretch keeps it centred.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(text, 10)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addLayout(buttons)
        layout.addStretch(2)
        text.setMaximumWidth(520)
