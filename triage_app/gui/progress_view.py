"""The Progress window: charts of the triage (see progress_charts.py), kept current as
decisions are made, and their export as PNG or SVG."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize, QTimer
from PySide6.QtGui import QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.store import Library
from triage_app.core.triage import ProgressStats, load_progress
from triage_app.gui.progress_charts import Colours, paint_progress
from triage_app.gui.workers import Job, Lane

# Decisions in a burst are counted once: a count reads every paper.
REFRESH_DELAY_MS = 1000
EXPORT_SIZE = QSize(1200, 800)
EXPORT_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"


class ProgressChart(QWidget):
    """Paints the charts of `stats` (nothing before the first numbers arrive)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stats: ProgressStats | None = None
        self.setMinimumSize(640, 460)

    def set_stats(self, stats: ProgressStats) -> None:
        self.stats = stats
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.stats is None:
            return
        painter = QPainter(self)
        self.paint_on(painter, QRectF(self.rect()))
        painter.end()

    def paint_on(self, painter: QPainter, area: QRectF) -> None:
        assert self.stats is not None
        paint_progress(painter, area, self.stats, Colours.from_palette(self.palette()), self.font())

    def export(self, path: Path) -> Path:
        """Write the charts to `path` (.svg: a drawing, anything else: a PNG image)."""
        if self.stats is None:
            raise ValueError("no numbers to export yet")
        area = QRectF(0, 0, EXPORT_SIZE.width(), EXPORT_SIZE.height())
        if path.suffix.lower() == ".svg":
            from PySide6.QtSvg import QSvgGenerator

            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(EXPORT_SIZE)
            generator.setViewBox(area)
            generator.setTitle("triage-app progress")
            painter = QPainter(generator)
            self.paint_on(painter, area)
            painter.end()
            return path
        image = QImage(EXPORT_SIZE, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        self.paint_on(painter, area)
        painter.end()
        if not image.save(str(path)):  # the type from the suffix (.png)
            raise OSError(f"cannot write {path}")
        return path


class ProgressWindow(QDialog):
    """A window beside the main one (not modal: triage goes on while it is open)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Triage — Progress")
        self.setModal(False)
        self.chart = ProgressChart(self)
        self.export_button = QPushButton("Export as PNG or SVG…")
        self.export_button.setAutoDefault(False)
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chart, 1)
        layout.addLayout(buttons)
        self.resize(980, 720)


class ProgressCommands:
    """Opens the Progress window, counts on a lane of its own (a read that neither view
    loads nor searches wait for), counts again after commits while the window is open,
    and exports what it shows."""

    def __init__(
        self, library: Library, status_bar: QStatusBar, parent: QWidget, *, synchronous: bool
    ) -> None:
        self.library = library
        self.lane = Lane("progress", synchronous=synchronous, parent=parent)
        self.status_bar = status_bar
        self.parent = parent
        self.window: ProgressWindow | None = None
        self.counted = 0  # how many times numbers arrived (tests wait for it)
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._closing = False
        self.choose_file = self._ask_file

    def show_progress(self) -> None:
        if self.window is None:
            self.window = ProgressWindow(self.parent)
            self.window.export_button.clicked.connect(self.export)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        self.refresh()

    def changed(self) -> None:
        """Decisions or an import committed: count again soon, if anyone is looking."""
        if self.window is not None and self.window.isVisible() and not self._closing:
            self._timer.start()

    def pending(self) -> bool:
        return self._timer.isActive() or self.lane.busy

    def refresh(self) -> None:
        library = self.library

        def run(_job: Job) -> ProgressStats:
            return load_progress(library)

        self.lane.submit(run, key="progress", on_done=self._counted, label="Counting progress")

    def _counted(self, stats: ProgressStats) -> None:
        if self.window is not None and not self._closing:
            self.window.chart.set_stats(stats)
            self.counted += 1

    def _ask_file(self) -> str:
        path, chosen = QFileDialog.getSaveFileName(
            self.window,
            "Export the progress charts",
            str(Path.home() / "progress.png"),
            EXPORT_FILTER,
        )
        if path and not Path(path).suffix:
            path += ".svg" if chosen.startswith("SVG") else ".png"
        return path

    def export(self) -> None:
        if self.window is None:
            return
        path = self.choose_file()
        if not path:
            return
        try:
            written = self.window.chart.export(Path(path))
        except (OSError, ValueError) as exc:
            self.status_bar.showMessage(f"The charts were not exported: {exc}", 10000)
            return
        self.status_bar.showMessage(f"Exported the progress charts to {written}", 10000)

    def close(self) -> None:
        self._closing = True
        self._timer.stop()
        if self.window is not None:
            self.window.close()
        self.lane.close()
