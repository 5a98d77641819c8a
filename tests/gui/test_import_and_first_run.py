"""Import in the window: by key with progress and cancel, clipboard, drop; the first run."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication

from tests.gui.conftest import WindowFactory, settle
from tests.gui.keys import press
from tests.perf.corpus import write_listing
from triage_app.workers import BATCH_ENV

pytestmark = pytest.mark.gui


def test_import_by_key_shows_progress_then_the_report(qtbot, window, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(BATCH_ENV, "100")
    listing = write_listing(tmp_path / "big.txt", 1500, seed=11)
    window.commands.transfers.choose_files = lambda: [str(listing)]
    seen: list[int] = []
    window.progress.valueChanged.connect(seen.append)
    list_area = window.list_view.geometry()
    press(qtbot, "Ctrl+I")
    qtbot.waitUntil(window.progress.isVisible, timeout=5000)  # after half a second
    assert window.cancel_button.isVisible()
    settle(qtbot, window)
    assert not window.progress.isVisible()
    assert seen == sorted(seen) and len(seen) >= 5
    assert seen[-1] == listing.stat().st_size
    new = window.library.count() - 30
    assert new == 1500
    assert window.report.isVisible()
    assert window.report.summary.text() == (
        "Imported 1 file: 1500 new, 0 merged, 0 already known, 0 skipped"
    )
    assert window.model.rowCount() == 1530  # the Inbox was reloaded
    assert window.sidebar.count_text("inbox") == "1530"
    # Neither the progress nor the report moved the list under the reader's eyes.
    assert window.list_view.geometry() == list_area


def test_the_report_details_open_on_demand_and_close_with_it(qtbot, window, tmp_path) -> None:
    bad = tmp_path / "binary.txt"
    bad.write_bytes(b"\x00 not a listing")
    window.commands.transfers.import_paths([bad])
    settle(qtbot, window)
    assert window.report.isVisible() and not window.report.details.isVisible()
    qtbot.mouseClick(window.report.toggle, Qt.MouseButton.LeftButton)
    assert window.report.details.isVisible()
    assert window.report.details.toPlainText().endswith("not a text listing")
    qtbot.mouseClick(window.report.close_button, Qt.MouseButton.LeftButton)
    assert not window.report.isVisible() and not window.report.details.isVisible()


def test_an_import_appends_to_the_inbox_and_keeps_the_rows_shown(qtbot, window, tmp_path) -> None:
    dismissed = window.model.paper_id(0)
    press(qtbot, "x")  # stays in the Inbox, dimmed, until a refresh
    settle(qtbot, window)
    current = window.model.paper_id(1)
    assert window.list_view.current_row() == 1
    shown = list(window.model.ids)
    resets: list[bool] = []
    window.model.modelReset.connect(lambda: resets.append(True))
    listing = write_listing(tmp_path / "more.txt", 4, seed=23)
    window.commands.transfers.choose_files = lambda: [str(listing)]
    press(qtbot, "Ctrl+I")
    settle(qtbot, window)
    new = sorted(set(window.library.list_ids(status="new")) - set(shown))
    assert len(new) == 4 and min(new) > max(shown)
    assert window.model.ids == shown + new
    assert resets == []  # rows inserted: no relayout of the whole list
    assert (window.list_view.current_row(), window.detail.record.id) == (1, current)
    assert window.counts_label.text().startswith("Inbox 33 · 33 left in this view · ")
    press(qtbot, "F5")
    settle(qtbot, window)
    assert window.model.ids == [pid for pid in shown if pid != dismissed] + new


def test_an_import_into_a_sorted_view_reloads_it(qtbot, window, tmp_path) -> None:
    window.list_view.horizontalHeader().setSortIndicator(7, Qt.SortOrder.DescendingOrder)
    settle(qtbot, window)
    assert window.loader.order == "score"
    listing = write_listing(tmp_path / "more.txt", 4, seed=23)
    window.commands.transfers.import_paths([listing])
    settle(qtbot, window)
    assert window.model.ids == window.library.list_ids(status="new", order="score", descending=True)


@pytest.mark.parametrize(
    ("shown", "ids", "expected"),
    [
        ([1, 2, 3], [1, 2, 3, 7, 5], [1, 2, 3, 7, 5]),
        ([1, 2, 3], [1, 3, 7], [1, 2, 3, 7]),  # 2 was decided: it stays until a refresh
        ([1, 2, 3], [2, 3], [1, 2, 3]),
        ([1, 2, 3], [1, 7, 3], None),  # a new paper among the ones shown: reload
        ([1, 2, 3], [2, 1, 7], None),  # another order: reload
        ([], [4, 5], [4, 5]),
    ],
)
def test_appended(shown, ids, expected) -> None:
    from triage_app.gui.view_loader import appended

    assert appended(shown, ids) == expected


def test_import_can_be_cancelled(qtbot, window, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(BATCH_ENV, "100")
    listing = write_listing(tmp_path / "big.txt", 1500, seed=12)
    window.commands.transfers.choose_files = lambda: [str(listing)]
    press(qtbot, "Ctrl+I")
    qtbot.waitUntil(window.cancel_button.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: window.progress.value() > 0, timeout=10000)  # batches committed
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    kept = window.library.count() - 30
    assert 0 < kept < 1500 and kept % 100 == 0  # whole batches, committed before the cancel
    assert window.report.summary.text() == (
        f"Imported 1 file: {kept} new, 0 merged, 0 already known, 0 skipped "
        f"(cancelled: what was read is kept)"
    )


def test_import_problems_listed_in_details(qtbot, window, tmp_path) -> None:
    bad = tmp_path / "binary.txt"
    bad.write_bytes(b"\x00\x01\x02 not a listing")
    window.commands.transfers.import_paths([bad])
    settle(qtbot, window)
    assert window.report.summary.text() == (
        "Imported 1 file: 0 new, 0 merged, 0 already known, 0 skipped; 1 refused"
    )
    assert window.report.toggle.text() == "Details (1 problem)"
    assert window.report.details.toPlainText() == (
        f"{bad}: refused: binary file (NUL bytes), not a text listing"
    )


def test_paste_a_listing_from_the_clipboard(qtbot, window, tmp_path) -> None:
    listing = write_listing(tmp_path / "paste.txt", 5, seed=21)
    QGuiApplication.clipboard().setText(listing.read_text(encoding="utf-8"))
    press(qtbot, "Ctrl+V")
    settle(qtbot, window)
    assert window.library.count() == 35
    assert window.report.summary.text() == (
        "Imported 1 file: 5 new, 0 merged, 0 already known, 0 skipped"
    )


def test_drop_files_on_the_window(qtbot, window, tmp_path) -> None:
    listing = write_listing(tmp_path / "drop.txt", 4, seed=22)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(listing))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    settle(qtbot, window)
    assert window.library.count() == 34


def test_first_run_offers_the_demo(qtbot, tmp_path) -> None:
    factory = WindowFactory(qtbot, tmp_path / "empty", tmp_path / "cfg" / "window.ini")
    try:
        window = factory.open_empty()
        assert window.center.currentWidget() is window.empty_page
        assert window.empty_page.demo.isVisible()
        qtbot.mouseClick(window.empty_page.demo, Qt.MouseButton.LeftButton)
        settle(qtbot, window)
        assert window.center.currentIndex() == 0
        from triage_app.core.ingest.demo import demo_listing_names

        assert window.library.count() > 0
        assert window.model.rowCount() == window.library.count("new")
        assert len(window.report.details.toPlainText().splitlines()) >= len(demo_listing_names())
        assert window.list_view.current_row() == 0
    finally:
        factory.close_all()


def test_run_app_creates_a_missing_library(tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from triage_app.gui.app import run_app

    QTimer.singleShot(
        300,
        lambda: [
            w.close()
            for w in QApplication.topLevelWidgets()
            if w.windowTitle().startswith("Triage")
        ],
    )
    assert run_app(tmp_path / "new-lib") == 0
    assert (tmp_path / "new-lib" / "library.sqlite").exists()


def test_an_import_that_sorts_after_the_rows_shown_is_appended(qtbot, window, tmp_path) -> None:
    """In date order, papers newer than every one shown go below them: rows inserted,
    taken with the map built on the view lane, no reset of the list."""
    window.list_view.horizontalHeader().setSortIndicator(6, Qt.SortOrder.AscendingOrder)
    settle(qtbot, window)
    assert window.loader.order == "published"
    shown = list(window.model.ids)
    listing = tmp_path / "later.txt"
    listing.write_text(
        "LGNov 26, 2026\nSparse Probes for Later PapersAda Lovelace\nA later abstract.\n"
        "CLNov 26, 2026\nAnother Late Result on ProbingGrace Hopper\nAnother abstract.\n",
        encoding="utf-8",
    )
    resets: list[bool] = []
    window.model.modelReset.connect(lambda: resets.append(True))
    window.commands.transfers.import_paths([listing])
    settle(qtbot, window)
    new = window.model.ids[len(shown) :]
    assert window.model.ids[: len(shown)] == shown and len(new) == 2
    assert resets == []
    assert not window.model.needs_row_map()
    assert [window.model.row_of(pid) for pid in window.model.ids] == list(range(len(shown) + 2))
