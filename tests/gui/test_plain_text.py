"""Markup in a paper is shown as typed: a title holding `<b>` or `<img>` is never rendered as
rich text, in the list's tooltips as in the reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from tests.core.export_library import paper_object
from tests.gui.conftest import WindowFactory, settle
from triage_app.core.ingest.importer import import_path
from triage_app.core.store import open_library
from triage_app.gui.paper_columns import COL

pytestmark = pytest.mark.gui

TITLE = "<b>Bold</b> claims & <img src=x onerror=alert(1)> tricks"
AUTHOR = "<i>Eve</i> Markup"


def shown_as(tip: str) -> str:
    """What QToolTip displays for `tip`: rich text when Qt guesses markup, else plain."""
    doc = QTextDocument()
    if Qt.mightBeRichText(tip):
        doc.setHtml(tip)
    else:
        doc.setPlainText(tip)
    return doc.toPlainText()


def test_markup_in_a_title_shows_as_typed(qtbot, library_dir: Path, tmp_path: Path) -> None:
    backup = tmp_path / "markup.json"
    backup.write_text(
        json.dumps([{**paper_object(1), "title": TITLE, "authors": [AUTHOR]}]), encoding="utf-8"
    )
    with open_library(library_dir) as library:
        assert import_path(library, backup).new == 1
    windows = WindowFactory(qtbot, library_dir, tmp_path / "config" / "window.ini")
    try:
        window = windows.open()
        settle(qtbot, window)
        row = next(
            r
            for r in range(window.model.rowCount())
            if (window.model.record(r) and window.model.record(r).title == TITLE)
        )
        title_tip = window.model.data(
            window.model.index(row, COL["title"]), Qt.ItemDataRole.ToolTipRole
        )
        author_tip = window.model.data(
            window.model.index(row, COL["author"]), Qt.ItemDataRole.ToolTipRole
        )
        assert shown_as(title_tip) == TITLE
        assert AUTHOR in shown_as(author_tip)
    finally:
        windows.close_all()
