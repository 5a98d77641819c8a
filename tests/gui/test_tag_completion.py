"""Tag completion in the real window: it completes the tag being typed (after the last
comma), in any case, and keeps the tags typed before it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import settle
from tests.gui.keys import press
from triage_app.gui.tag_input import split_last

pytestmark = pytest.mark.gui


def current_id(window) -> int:
    return window.model.paper_id(window.list_view.current_row())


def tags_of(window, pid: int) -> tuple[str, ...]:
    return window.library.get_paper(pid).tags


def type_tags(qtbot, window, text: str) -> None:
    press(qtbot, "t")
    assert QApplication.focusWidget() is window.detail.tag_input
    qtbot.keyClicks(window.detail.tag_input, text)


def popup_rows(window) -> list[str]:
    popup = window.detail.tag_input.completer().popup()
    model = popup.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())] if popup.isVisible() else []


@pytest.mark.parametrize(
    ("text", "split"),
    [
        ("", ("", "")),
        ("ml", ("", "ml")),
        ("to read, Mac", ("to read, ", "Mac")),
        ("a,b", ("a,", "b")),
        ("a, -  Rl", ("a, -  ", "Rl")),
        ("-x, ", ("-x, ", "")),
    ],
)
def test_split_last(text: str, split: tuple[str, str]) -> None:
    assert split_last(text) == split


def test_completion_applies_to_the_tag_after_the_last_comma(qtbot, window) -> None:
    first = current_id(window)
    type_tags(qtbot, window, "Machine Learning, to-read, RL")
    press(qtbot, "Return")
    settle(qtbot, window)
    assert tags_of(window, first) == ("Machine Learning", "RL", "to-read")

    press(qtbot, "j")
    second = current_id(window)
    type_tags(qtbot, window, "to-read, MACH")
    assert popup_rows(window) == ["Machine Learning"]
    press(qtbot, "Down")
    press(qtbot, "Return")  # picks the completion: the earlier tag stays
    assert window.detail.tag_input.text() == "to-read, Machine Learning"
    assert not window.detail.tag_input.completer().popup().isVisible()
    qtbot.keyClicks(window.detail.tag_input, ", r")
    # Contains, case-insensitive: "r" is in all three tags.
    assert popup_rows(window) == ["Machine Learning", "RL", "to-read"]
    press(qtbot, "Down")
    press(qtbot, "Down")
    press(qtbot, "Return")
    assert window.detail.tag_input.text() == "to-read, Machine Learning, RL"
    press(qtbot, "Return")  # applies
    settle(qtbot, window)
    assert tags_of(window, second) == ("Machine Learning", "RL", "to-read")
    assert QApplication.focusWidget() is window.list_view


def test_completing_a_tag_to_remove_keeps_the_minus(qtbot, window) -> None:
    pid = current_id(window)
    type_tags(qtbot, window, "Machine Learning, to-read")
    press(qtbot, "Return")
    settle(qtbot, window)
    type_tags(qtbot, window, "Zebrafish, -TO")
    assert popup_rows(window) == ["to-read"]
    press(qtbot, "Down")
    press(qtbot, "Return")
    assert window.detail.tag_input.text() == "Zebrafish, -to-read"
    press(qtbot, "Return")
    settle(qtbot, window)
    assert tags_of(window, pid) == ("Machine Learning", "Zebrafish")


def test_enter_without_choosing_a_completion_applies_what_was_typed(qtbot, window) -> None:
    pid = current_id(window)
    type_tags(qtbot, window, "Machine Learning")
    press(qtbot, "Return")
    settle(qtbot, window)
    type_tags(qtbot, window, "ml, machine")
    assert popup_rows(window) == ["Machine Learning"]
    press(qtbot, "Return")
    settle(qtbot, window)
    assert tags_of(window, pid) == ("machine", "Machine Learning", "ml")
    assert not window.detail.tag_input.isVisible()
    assert QApplication.focusWidget() is window.list_view
