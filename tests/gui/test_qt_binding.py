"""The Qt binding itself: PySide6 6.12.0 decrements None's reference count on every call
that returns nothing (QLabel.setText, QApplication.processEvents, ...). On Python 3.11
None is an ordinary object, so a long session of the window aborts with "deallocating
None". pyproject.toml excludes that release; this test refuses any other that does it."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QApplication, QLabel

pytestmark = pytest.mark.gui

CALLS = 2000


def test_calls_that_return_nothing_keep_nones_reference_count(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    app = QApplication.instance()
    before = sys.getrefcount(None)
    for i in range(CALLS):
        label.setText(str(i % 7))
        app.processEvents()
    lost = before - sys.getrefcount(None)
    # Other threads may hold a few references to None more or less; a broken binding
    # loses one a call (thousands here).
    assert lost < CALLS // 4, f"{lost} references to None lost in {CALLS * 2} calls"
