"""What a new user met in the first hour (issue 20), pressed with real keys in the window."""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox

from tests.gui.conftest import WindowFactory, settle
from tests.gui.keys import press
from triage_app.core.store import LibraryError

pytestmark = pytest.mark.gui


def current_id(window) -> int | None:
    return window.commands.cursor.current_id()


def common_title_word(window) -> str:
    """A word in several titles of the library, not in all."""
    from collections import Counter

    model = window.model
    titles = [model.cached(model.paper_id(r)).title.lower() for r in range(model.rowCount())]
    counts = Counter(w for t in titles for w in set(re.findall(r"[a-z]{6,}", t)))
    return next(w for w, n in counts.most_common() if 3 <= n < len(titles))


def test_esc_after_a_search_stays_on_the_paper_being_read(qtbot, window) -> None:
    settle(qtbot, window, index=True)
    word = common_title_word(window)
    press(qtbot, "/")
    qtbot.keyClicks(window.search_bar.edit, word)
    press(qtbot, "Return")
    settle(qtbot, window)
    assert 3 <= window.model.rowCount() < 30
    press(qtbot, "j")
    press(qtbot, "j")
    reading = current_id(window)
    assert reading is not None and reading != window.model.paper_id(0)
    press(qtbot, "Esc")
    settle(qtbot, window)
    assert window.search_bar.edit.text() == ""
    assert window.model.rowCount() == 30  # the whole Inbox is back...
    assert current_id(window) == reading  # ...around the paper being read
    assert window.detail.record is not None and window.detail.record.id == reading


def test_undo_and_redo_say_what_they_changed(qtbot, window) -> None:
    record = window.model.cached(window.model.paper_id(0))
    assert record is not None and record.title
    press(qtbot, "a")
    settle(qtbot, window)
    press(qtbot, "u")
    settle(qtbot, window)
    assert window.statusBar().currentMessage() == f"Undone: Keep · {record.title}"
    press(qtbot, "Ctrl+Shift+Z")
    settle(qtbot, window)
    assert window.statusBar().currentMessage() == f"Redone: Keep · {record.title}"


def test_undo_of_a_bulk_decision_says_how_many(qtbot, window) -> None:
    press(qtbot, "Shift+Down")
    press(qtbot, "Shift+Down")
    press(qtbot, "x")
    settle(qtbot, window)
    press(qtbot, "Ctrl+Z")
    settle(qtbot, window)
    assert window.statusBar().currentMessage() == "Undone: Dismiss (3 papers)"


def test_the_edit_menu_shows_ctrl_z_for_undo(window) -> None:
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    undo = next(a for a in edit.actions() if a.objectName() == "undo")
    assert undo.shortcut().toString() == "Ctrl+Z"
    # Both keys still work (the dispatcher reads the table); the menu shows the chord.
    assert [s.toString() for s in undo.shortcuts()] == ["Ctrl+Z", "U"]


def test_the_status_bar_says_how_many_papers_are_selected(qtbot, window) -> None:
    assert "selected" not in window.counts_label.text()  # one paper: the one being read
    press(qtbot, "Shift+Down")
    press(qtbot, "Shift+Down")
    assert window.counts_label.text().startswith("3 selected · ")
    press(qtbot, "Ctrl+A")
    assert window.counts_label.text().startswith("30 selected · ")
    press(qtbot, "j")
    assert "selected" not in window.counts_label.text()


def test_the_help_overlay_mentions_multi_select_and_nothing_overlaps(qtbot, window) -> None:
    press(qtbot, "?")
    overlay = window.help_overlay
    assert overlay.isVisible()
    hint = overlay.hint.text()
    assert "Shift or Ctrl" in hint and "Ctrl+A" in hint and "one undo" in hint
    labels = [w for w in overlay.panel.findChildren(QLabel) if w.isVisible()]
    assert len(labels) > 40
    for label in labels:  # nothing clipped: every label has the room its text needs
        assert label.width() >= label.minimumSizeHint().width(), label.text()
    boxes = [label.geometry() for label in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.intersects(b), (a, b)
    assert overlay.rect().contains(overlay.panel.geometry())
    press(qtbot, "Esc")
    assert not overlay.isVisible()


def test_export_by_key_adds_the_extension_and_the_import_dialog_shows_it(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[str] = []

    def save_dialog(_parent, _caption, _folder, filters):
        offered.extend(filters.split(";;"))
        csv = next(f for f in offered if f.startswith("CSV"))
        return str(tmp_path / "papers"), csv  # the name typed without an extension

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    press(qtbot, "Ctrl+E")
    settle(qtbot, window)
    assert [f.split(":")[0] for f in offered] == ["JSON", "CSV", "BibTeX", "RIS"]
    written = tmp_path / "papers.csv"
    assert written.is_file() and not (tmp_path / "papers").exists()
    assert written.read_text(encoding="utf-8-sig").startswith("id,title,")
    umask = os.umask(0)
    os.umask(umask)
    assert written.stat().st_mode & 0o777 == 0o666 & ~umask
    assert window.statusBar().currentMessage() == f"Exported 30 papers to {written}"

    shown: list[str] = []

    def open_dialog(_parent, _caption, _folder, filters):
        shown.append(filters)
        return [], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", open_dialog)
    press(qtbot, "Ctrl+I")
    first = shown[0].split(";;")[0]
    patterns = re.findall(r"\*\.\w+", first)
    for name in ("papers.csv", "papers.json", "feed.txt"):
        assert any(fnmatch.fnmatch(name, p) for p in patterns), (name, first)


def test_a_selected_rows_icons_stand_out_from_the_highlight(qtbot, window) -> None:
    press(qtbot, "s")  # a star, and the status icon, on the selected first row
    settle(qtbot, window)
    palette = QApplication.palette()
    highlight = palette.color(QPalette.ColorRole.Highlight)
    model = window.model
    for column in ("status", "star"):
        from triage_app.gui.paper_columns import COL

        decoration = model.data(model.index(0, COL[column]), Qt.ItemDataRole.DecorationRole)
        icon = decoration if isinstance(decoration, QIcon) else QIcon(decoration)
        image = icon.pixmap(16, 16, QIcon.Mode.Selected).toImage()
        inks = [
            image.pixelColor(x, y)
            for x in range(image.width())
            for y in range(image.height())
            if image.pixelColor(x, y).alpha() > 200
        ]
        assert inks, column
        best = max(contrast(ink, highlight) for ink in inks)
        assert best >= 3.0, (column, best)


def contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_an_empty_note_box_gives_the_abstract_its_room(qtbot, window) -> None:
    detail = window.detail
    window.resize(1360, 1000)
    window.right.setSizes([400, 600])
    qtbot.waitUntil(lambda: detail.height() >= 500)
    assert detail.record is not None and not detail.record.note
    line = detail.note.fontMetrics().lineSpacing()
    assert detail.note.height() <= 2 * line + 16
    compact_abstract = detail.abstract.height()
    press(qtbot, "n")
    qtbot.waitUntil(lambda: detail.note.height() >= 70)
    qtbot.waitUntil(lambda: detail.abstract.height() < compact_abstract)
    qtbot.keyClicks(detail.note, "worth a second look")
    press(qtbot, "Esc")
    assert detail.note.height() >= 70  # a written note keeps its lines
    press(qtbot, "j")
    qtbot.waitUntil(lambda: detail.note.height() <= 2 * line + 16)


def test_the_empty_library_page_is_not_clipped(qtbot, tmp_path: Path) -> None:
    factory = WindowFactory(qtbot, tmp_path / "empty", tmp_path / "cfg" / "window.ini")
    try:
        window = factory.open_empty()
        assert window.center.currentWidget() is window.empty_page
        wrapped = [label for label in window.empty_page.findChildren(QLabel) if label.wordWrap()]
        assert wrapped
        for label in wrapped:
            assert label.height() >= label.heightForWidth(label.width()), label.text()
    finally:
        factory.close_all()


def test_the_search_warms_up_on_an_empty_library(qtbot, tmp_path: Path) -> None:
    factory = WindowFactory(qtbot, tmp_path / "empty", tmp_path / "cfg" / "window.ini")
    try:
        window = factory.open_empty()
        failures: list[str] = []
        window.search_lane.failed.connect(failures.append)
        window.index_lane.failed.connect(failures.append)
        settle(qtbot, window, index=True)
        qtbot.waitUntil(window.search.searcher_open, timeout=20000)  # the warm-up ran
        settle(qtbot, window)
        assert failures == []
        assert window.search.ids("anything") == []
    finally:
        factory.close_all()


def test_a_failed_daily_backup_check_shows_in_the_window(
    qtbot, library_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from triage_app.core import store
    from triage_app.core.store import open_library
    from triage_app.gui.daily_backup import FAILED_TITLE
    from triage_app.gui.main_window import MainWindow
    from triage_app.gui.settings import open_qsettings

    def damaged(_library):
        raise LibraryError("the library failed its daily check (row 3 missing from index)")

    monkeypatch.setattr(store, "daily_backup_if_due", damaged)
    library = open_library(library_dir)
    window = MainWindow(library, open_qsettings(tmp_path / "w.ini"), daily_backup=True)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.backup.dialog is not None, timeout=10000)
        box = window.backup.dialog
        assert isinstance(box, QMessageBox) and box.isVisible()
        assert box.windowTitle() == FAILED_TITLE
        assert "row 3 missing" in box.text()
        assert window.statusBar().currentMessage().startswith("The daily backup failed: ")
        box.close()
    finally:
        window.close()
        window.deleteLater()
        library.close()


def test_selection_count_follows_a_click_selection(qtbot, window) -> None:
    selection = window.list_view.selectionModel()
    model = window.model
    for row in (3, 5, 7):
        selection.select(
            model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    assert window.counts_label.text().startswith("4 selected · ")


def test_the_demos_first_screen_shows_titles_and_words(qtbot, tmp_path: Path) -> None:
    from triage_app.core.ingest.demo import load_demo
    from triage_app.core.store import open_library
    from triage_app.gui.paper_columns import COL

    with open_library(tmp_path / "demo") as library:
        load_demo(library)
    factory = WindowFactory(qtbot, tmp_path / "demo", tmp_path / "cfg" / "window.ini")
    try:
        window = factory.open()
        settle(qtbot, window)
        model = window.model
        assert model.rowCount() == 64
        display, decoration = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole
        first_screen = range(15)
        titles = [model.data(model.index(r, COL["title"]), display) for r in first_screen]
        assert not [t for t in titles if t.startswith("[no title]")], titles
        codes = [model.index(r, COL["code"]) for r in range(model.rowCount())]
        assert {model.data(i, display) for i in codes} == {"", "yes"}
        assert all(model.data(i, decoration) is None for i in codes)
    finally:
        factory.close_all()
