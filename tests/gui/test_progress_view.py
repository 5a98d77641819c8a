"""The Progress window: opened by its key, counting as decisions are made, exported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import settle
from tests.gui.keys import press
from triage_app.core.triage import by_id

pytestmark = pytest.mark.gui


def open_progress(qtbot, window):
    keys = by_id()["view_progress"].keys
    press(qtbot, keys[0])
    charts = window.commands.charts
    qtbot.waitUntil(lambda: charts.window is not None and charts.window.chart.stats is not None)
    return charts


def test_the_progress_window_follows_the_decisions(qtbot, window) -> None:
    charts = open_progress(qtbot, window)
    assert charts.window.isVisible()
    stats = charts.window.chart.stats
    assert (stats.inbox, stats.kept, stats.dismissed) == (30, 0, 0)
    assert stats.days[-1].day == date.today() and stats.days[-1].decided == 0
    assert sum(s.total for s in stats.categories) == 30

    window.activateWindow()
    window.list_view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.list_view)
    counted = charts.counted
    press(qtbot, "a")
    press(qtbot, "a")
    press(qtbot, "x")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: charts.counted > counted and not charts.pending())
    settle(qtbot, window)
    stats = charts.window.chart.stats
    assert (stats.inbox, stats.kept, stats.dismissed) == (27, 2, 1)
    assert (stats.days[-1].kept, stats.days[-1].dismissed) == (2, 1)


def test_the_charts_export_as_png_and_svg(qtbot, window, tmp_path: Path) -> None:
    charts = open_progress(qtbot, window)
    for name in ("progress.png", "progress.svg"):
        charts.choose_file = lambda name=name: str(tmp_path / name)
        qtbot.mouseClick(charts.window.export_button, Qt.MouseButton.LeftButton)
        assert window.statusBar().currentMessage() == (
            f"Exported the progress charts to {tmp_path / name}"
        )
    image = QImage(str(tmp_path / "progress.png"))
    assert not image.isNull() and (image.width(), image.height()) == (1200, 800)
    colours = {image.pixel(x, y) for x in range(0, 1200, 5) for y in range(0, 800, 5)}
    assert len(colours) > 5  # text and bars, not a blank
    svg = (tmp_path / "progress.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Inbox: 30 left of 30" in svg and "By category" in svg


def test_the_progress_action_is_in_the_view_menu(window) -> None:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    action = next(a for a in menu.actions() if a.objectName() == "view_progress")
    assert action.text() == "Progress" and action.shortcut().toString() == "Ctrl+7"
