"""The real window, real key presses on the focused widget, and the store as the judge."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import settle
from tests.gui.keys import press

pytestmark = pytest.mark.gui


def current_id(window) -> int:
    return window.model.paper_id(window.list_view.current_row())


def stored(window, pid: int):
    return window.library.get_paper(pid)


def test_start_title_focus_and_first_paper(window) -> None:
    assert window.windowTitle() == "Triage — library"
    assert QApplication.focusWidget() is window.list_view
    assert window.list_view.current_row() == 0
    assert window.model.rowCount() == 30
    first = window.library.list_ids(status="new")[0]
    assert current_id(window) == first
    assert window.detail.title.toPlainText() == (stored(window, first).title or "")[:400]
    assert window.counts_label.text() == (
        "Inbox 30 · 30 left in this view · today 0 triaged · 0.0/min"
    )


@pytest.mark.parametrize(
    ("key", "status", "starred", "rating", "advances"),
    [
        ("s", "kept", True, None, False),
        ("3", "kept", False, 3, True),
        ("5", "kept", False, 5, True),
        ("a", "kept", False, None, True),
        ("x", "dismissed", False, None, True),
    ],
)
def test_decision_keys(qtbot, window, key, status, starred, rating, advances) -> None:
    pid = current_id(window)
    press(qtbot, key)
    settle(qtbot, window)
    paper = stored(window, pid)
    assert (paper.status, paper.starred, paper.rating) == (status, starred, rating)
    assert window.list_view.current_row() == (1 if advances else 0)
    assert QApplication.focusWidget() is window.list_view


def test_clear_rating_and_back_to_new(qtbot, window) -> None:
    pid = current_id(window)
    press(qtbot, "4")
    press(qtbot, "k")  # back to the rated paper
    assert current_id(window) == pid
    press(qtbot, "0")
    press(qtbot, "r")
    settle(qtbot, window)
    paper = stored(window, pid)
    assert (paper.status, paper.rating, paper.decided_at) == ("new", None, None)


def test_navigation_keys(qtbot, window) -> None:
    for key, row in (("j", 1), ("Down", 2), ("j", 3), ("k", 2), ("Up", 1)):
        press(qtbot, key)
        assert window.list_view.current_row() == row, key
    assert window.detail.record.id == current_id(window)


def test_decided_paper_stays_in_inbox_until_refresh(qtbot, window) -> None:
    pid = current_id(window)
    press(qtbot, "x")
    settle(qtbot, window)
    assert window.model.rowCount() == 30 and window.model.paper_id(0) == pid
    assert window.counts_label.text().startswith("Inbox 29 · 29 left in this view · today 1 ")
    press(qtbot, "F5")
    settle(qtbot, window)
    assert window.model.rowCount() == 29 and pid not in window.model.ids


def test_undo_redo_across_papers(qtbot, window) -> None:
    first = current_id(window)
    press(qtbot, "x")
    second = current_id(window)
    press(qtbot, "s")
    press(qtbot, "u")  # undoes the star on the second paper
    settle(qtbot, window)
    assert stored(window, second).starred is False and stored(window, second).status == "new"
    assert stored(window, first).status == "dismissed"
    press(qtbot, "Ctrl+Z")  # undoes the dismissal, and goes back to that paper
    settle(qtbot, window)
    assert stored(window, first).status == "new"
    assert current_id(window) == first
    press(qtbot, "Ctrl+Shift+Z")
    settle(qtbot, window)
    assert stored(window, first).status == "dismissed"
    press(qtbot, "Ctrl+Shift+Z")
    settle(qtbot, window)
    assert stored(window, second).starred is True
    assert window.undo_stack.count() == 2


def test_tag_input_enter_applies_esc_cancels(qtbot, window) -> None:
    pid = current_id(window)
    press(qtbot, "t")
    assert QApplication.focusWidget() is window.detail.tag_input
    qtbot.keyClicks(window.detail.tag_input, "to read, ml")
    press(qtbot, "Return")
    settle(qtbot, window)
    assert stored(window, pid).tags == ("ml", "to read")
    assert QApplication.focusWidget() is window.list_view
    press(qtbot, "t")
    qtbot.keyClicks(window.detail.tag_input, "other")
    press(qtbot, "Esc")
    settle(qtbot, window)
    assert stored(window, pid).tags == ("ml", "to read")
    assert QApplication.focusWidget() is window.list_view
    assert not window.detail.tag_input.isVisible()
    press(qtbot, "t")
    qtbot.keyClicks(window.detail.tag_input, "-ml")
    press(qtbot, "Return")
    settle(qtbot, window)
    assert stored(window, pid).tags == ("to read",)


def test_typing_a_note_fires_no_triage_key(qtbot, window) -> None:
    pid = current_id(window)
    press(qtbot, "n")
    assert QApplication.focusWidget() is window.detail.note
    qtbot.keyClicks(window.detail.note, "xas 3 u?/")
    press(qtbot, "Esc")
    settle(qtbot, window)
    paper = stored(window, pid)
    assert (paper.note, paper.status, paper.rating) == ("xas 3 u?/", "new", None)
    assert QApplication.focusWidget() is window.list_view
    assert window.list_view.current_row() == 0


def test_note_survives_immediate_close(qtbot, windows) -> None:
    window = windows.open()
    pid = current_id(window)
    press(qtbot, "n")
    qtbot.keyClicks(window.detail.note, "last words")
    windows.close(window)  # before the save delay: the close flushes the note
    again = windows.open()
    assert stored(again, pid).note == "last words"
    assert again.detail.note.toPlainText() == "last words"


def test_open_in_browser(qtbot, window, windows) -> None:
    paper = stored(window, current_id(window))
    press(qtbot, "o")
    press(qtbot, "O")
    from triage_app.core.triage.links import arxiv_url, scholar_url

    assert windows.urls == [arxiv_url(paper), scholar_url(paper)]


def test_open_a_paper_with_an_arxiv_id_opens_its_page(qtbot, library_dir, windows) -> None:
    from triage_app.core.store import open_library

    with open_library(library_dir) as library:
        first = library.list_ids(status="new")[0]
        with library.write() as txn:
            txn.conn.exec_driver_sql(
                "UPDATE paper SET arxiv_id = 'hep-th/9901001', arxiv_version = 2 WHERE id = ?",
                (first,),
            )
    window = windows.open()
    assert current_id(window) == first
    press(qtbot, "o")
    assert windows.urls == ["https://arxiv.org/abs/hep-th/9901001"]  # the latest version


def test_help_overlay_lists_every_action(qtbot, window) -> None:
    press(qtbot, "?")
    overlay = window.help_overlay
    assert overlay.isVisible()
    assert set(overlay.rows) == {a.id for a in window.action_set.table}
    assert overlay.rows["dismiss"][0].text() == "x"
    assert overlay.rows["undo"][0].text() == "u / Ctrl+Z"
    press(qtbot, "j")  # any key closes it, and does nothing else
    assert not overlay.isVisible()
    assert window.list_view.current_row() == 0
    assert QApplication.focusWidget() is window.list_view


def test_search_focus_escape_and_results(qtbot, window) -> None:
    press(qtbot, "/")
    assert QApplication.focusWidget() is window.search_bar.edit
    word = stored(window, window.model.paper_id(3)).title.split()[0]
    qtbot.keyClicks(window.search_bar.edit, word)
    window.search_bar.commit()
    settle(qtbot, window)
    from triage_app.core.search.service import search_ids

    expected = [
        i for i in search_ids(window.library, word) if window.library.get_paper(i).status == "new"
    ]
    assert window.model.ids == expected
    press(qtbot, "Down")
    assert QApplication.focusWidget() is window.list_view
    press(qtbot, "Esc")
    settle(qtbot, window)
    assert window.search_bar.edit.text() == "" and window.model.rowCount() == 30


def test_bad_query_message_under_the_field(qtbot, window) -> None:
    press(qtbot, "Ctrl+F")
    qtbot.keyClicks(window.search_bar.edit, 'title:"unclosed')
    assert window.search_bar.error.isVisible()
    assert window.search_bar.error_text.startswith("Cannot search: ")
    assert window.model.rowCount() == 30  # the list is left as it was
    press(qtbot, "Esc")
    assert not window.search_bar.error.isVisible()


def test_bulk_select_all_dismiss_is_one_undo_step(qtbot, window) -> None:
    press(qtbot, "Ctrl+A")
    press(qtbot, "x")
    settle(qtbot, window)
    assert window.library.status_counts()["dismissed"] == 30
    assert window.undo_stack.count() == 1
    assert window.undo_stack.undoText() == "Dismiss (30 papers)"
    press(qtbot, "u")
    settle(qtbot, window)
    assert window.library.status_counts()["new"] == 30


def test_views_by_key(qtbot, window) -> None:
    press(qtbot, "s")
    settle(qtbot, window)
    press(qtbot, "Ctrl+3")
    settle(qtbot, window)
    assert window.loader.spec.kind == "starred" and window.model.rowCount() == 1
    press(qtbot, "Ctrl+6")
    settle(qtbot, window)
    assert window.model.rowCount() == 30
    assert window.sidebar.count_text("starred") == "1"
    assert window.sidebar.count_text("kept") == "1"


def test_decisions_and_view_survive_restart(qtbot, windows) -> None:
    window = windows.open()
    pid = current_id(window)
    press(qtbot, "2")
    press(qtbot, "Ctrl+4")  # Kept
    settle(qtbot, window)
    window.list_view.horizontalHeader().setSortIndicator(
        3, window.list_view.horizontalHeader().sortIndicatorOrder().DescendingOrder
    )
    settle(qtbot, window)
    window.resize(640, 470)
    qtbot.waitUntil(lambda: window.size().width() == 640)
    size = window.size()
    windows.close(window)
    again = windows.open()
    assert again.loader.spec.kind == "kept"
    assert (again.loader.order, again.loader.descending) == ("title", True)
    assert again.size() == size
    assert again.model.ids == [pid]
    paper = stored(again, pid)
    assert (paper.status, paper.rating) == ("kept", 2)


def test_for_you_is_the_inbox_in_recommended_order(qtbot, window) -> None:
    from triage_app.core.triage.views import default_rank

    press(qtbot, "Ctrl+2")
    settle(qtbot, window)
    assert window.loader.spec.kind == "for_you"
    assert window.model.ids == list(default_rank(window.library))
    assert sorted(window.model.ids) == sorted(window.library.list_ids(status="new"))


def test_note_edits_merge_into_one_undo_step(qtbot, window) -> None:
    pid = current_id(window)
    press(qtbot, "n")
    qtbot.keyClicks(window.detail.note, "first")
    window.detail.flush_note()
    qtbot.keyClicks(window.detail.note, " second")
    press(qtbot, "Esc")
    settle(qtbot, window)
    assert stored(window, pid).note == "first second"
    assert window.undo_stack.count() == 1
    press(qtbot, "u")
    settle(qtbot, window)
    assert stored(window, pid).note == ""
    assert window.detail.note.toPlainText() == ""


def test_search_finds_a_tag_added_a_moment_ago(qtbot, window) -> None:
    pid = current_id(window)
    press(qtbot, "t")
    qtbot.keyClicks(window.detail.tag_input, "zebrafish")
    press(qtbot, "Return")
    settle(qtbot, window)
    press(qtbot, "/")
    qtbot.keyClicks(window.search_bar.edit, "zebrafish")
    window.search_bar.commit()
    settle(qtbot, window)
    assert window.model.ids == [pid]


def test_the_note_editor_stops_at_the_note_limit(qtbot, window) -> None:
    from triage_app.core.records import NOTE_MAX_CHARS

    pid = current_id(window)
    press(qtbot, "n")
    window.detail.note.insertPlainText("é" * (NOTE_MAX_CHARS - 2))  # a paste
    qtbot.keyClicks(window.detail.note, "xyz!")
    press(qtbot, "Esc")
    settle(qtbot, window)
    assert stored(window, pid).note == "é" * (NOTE_MAX_CHARS - 2) + "xy"
    assert window.detail.note.toPlainText() == stored(window, pid).note
