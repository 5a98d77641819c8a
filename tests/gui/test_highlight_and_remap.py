"""Keyword highlighting in the reader, remapped keys in the window, plain-text safety."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from tests.gui.conftest import settle
from tests.gui.keys import press
from triage_app.core.triage.keymap import apply_keymap
from triage_app.core.triage.keywords import compile_terms, load_lists, parse_word_list, spans
from triage_app.gui.highlight import BACKGROUNDS

pytestmark = pytest.mark.gui


def painted(text_edit) -> dict[str, list[str]]:
    """Background colour name -> the words painted with it in a PlainText widget."""
    out: dict[str, list[str]] = {}
    block = text_edit.document().firstBlock()
    while block.isValid():
        for r in block.layout().formats():
            colour = r.format.background().color().name()
            out.setdefault(colour, []).append(block.text()[r.start : r.start + r.length])
        block = block.next()
    return out


def test_word_lists_and_search_terms_are_painted(qtbot, window) -> None:
    record = window.detail.record
    words = record.abstract.split()
    for_word, against_word = words[1].strip(".,;:()"), words[3].strip(".,;:()")
    window.commands.search.highlight_for = [for_word]
    window.commands.search.highlight_against = [against_word]
    window.commands.search.refresh_patterns()
    colours = painted(window.detail.abstract)
    light = {k: QColor(v[0]).name() for k, v in BACKGROUNDS.items()}
    assert {w.casefold() for w in colours[light["for"]]} == {for_word.casefold()}
    assert {w.casefold() for w in colours[light["against"]]} == {against_word.casefold()}
    expected = spans(record.abstract, compile_terms([for_word]))
    assert len(colours[light["for"]]) == len(expected)


def test_highlight_lists_saved_with_the_library(qtbot, window, monkeypatch) -> None:
    from triage_app.gui import highlight_dialog

    class Accepting(highlight_dialog.HighlightDialog):
        def exec(self) -> int:
            self.for_edit.setText("sparse autoencoder*, steering")
            self.against_edit.setText("survey")
            return 1

    monkeypatch.setattr(highlight_dialog, "HighlightDialog", Accepting)
    press(qtbot, "h")
    settle(qtbot, window)
    assert load_lists(window.library) == (["sparse autoencoder*", "steering"], ["survey"])


def test_parse_word_list() -> None:
    assert parse_word_list("a, b c ;\n  b  c, ,*") == ["a", "b c"]
    pattern = compile_terms(["net*", "sparse autoencoder"])
    assert spans("Nets and a network; sparse  autoencoders, subnet", pattern) == [(0, 4), (11, 18)]


def test_markup_is_shown_not_interpreted(qtbot, window, tmp_path) -> None:
    import json

    from triage_app.core.ingest.importer import import_path

    path = tmp_path / "markup.json"
    path.write_text(
        json.dumps(
            [
                {
                    "title": "<b>Bold</b> & <i>claims</i>",
                    "abstract": "<script>x</script> <a href='y'>link</a>",
                }
            ]
        )
    )
    import_path(window.library, path)
    pid = window.library.list_ids(order="id")[-1]
    window.commands.views.refresh_view()
    settle(qtbot, window)
    window.list_view.go_to_row(window.model.row_of(pid))
    assert window.detail.title.toPlainText() == "<b>Bold</b> & <i>claims</i>"
    assert window.detail.abstract.toPlainText() == "<script>x</script> <a href='y'>link</a>"


def test_remapped_keys_work_and_show(qtbot, windows) -> None:
    window = windows.open(actions=apply_keymap({"keep": ["y"], "dismiss": ["Ctrl+D", "d"]}))
    pid = window.model.paper_id(0)
    press(qtbot, "a")  # no longer bound
    press(qtbot, "y")
    settle(qtbot, window)
    assert window.library.get_paper(pid).status == "kept"
    assert [s.toString() for s in window.action_set["dismiss"].shortcuts()] == ["Ctrl+D", "D"]
    assert window.help_overlay.rows["keep"][0].text() == "y"
    assert window.help_overlay.rows["dismiss"][0].text() == "Ctrl+D / d"


def test_pace_counts_decisions(qtbot, window) -> None:
    for key in ("x", "a", "3"):
        press(qtbot, key)
    settle(qtbot, window)
    assert window.counts_label.text() == (
        "Inbox 27 · 27 left in this view · today 3 triaged · 6.0/min"
    )
