"""The action table: unique ids, no double binding, key notation, remapping refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage_app.core.triage.actions import ACTIONS, by_id
from triage_app.core.triage.key_names import CONTEXTS, KeymapError, normalize_key
from triage_app.core.triage.keymap import (
    apply_keymap,
    conflicts,
    keymap_table,
    load_actions,
    read_keymap_file,
)


def test_ids_unique_and_contexts_known() -> None:
    ids = [a.id for a in ACTIONS]
    assert len(ids) == len(set(ids))
    assert all(set(a.contexts) <= set(CONTEXTS) for a in ACTIONS)


def test_no_key_bound_twice_in_one_context() -> None:
    assert conflicts(ACTIONS) == []


def test_issue_keys_are_bound() -> None:
    table = keymap_table(ACTIONS)["list"]
    expected = {
        "j": "next",
        "Down": "next",
        "k": "previous",
        "Up": "previous",
        "s": "toggle_star",
        "1": "rate_1",
        "5": "rate_5",
        "0": "clear_rating",
        "a": "keep",
        "x": "dismiss",
        "r": "reset",
        "t": "add_tag",
        "n": "edit_note",
        "o": "open_arxiv",
        "/": "focus_search",
        "Ctrl+F": "focus_search",
        "Esc": "clear_search",
        "u": "undo",
        "Ctrl+Z": "undo",
        "Ctrl+Shift+Z": "redo",
        "?": "help",
        "Ctrl+I": "import_files",
        "Ctrl+V": "import_clipboard",
        "Ctrl+E": "export",
        "Ctrl+Q": "quit",
    }
    assert {k: table[k] for k in expected} == expected


def test_text_boxes_keep_typing_and_editing_keys() -> None:
    reader = keymap_table(ACTIONS)["reader"]
    assert reader == {
        "Esc": "leave_editor",
        "Ctrl+F": "focus_search",
        "Ctrl+7": "view_progress",
        "Ctrl+1": "view_inbox",
        "Ctrl+2": "view_for_you",
        "Ctrl+3": "view_starred",
        "Ctrl+4": "view_kept",
        "Ctrl+5": "view_dismissed",
        "Ctrl+6": "view_all",
        "F5": "refresh",
        "Ctrl+R": "refresh",
        "Ctrl+I": "import_files",
        "Ctrl+E": "export",
        "Ctrl+Q": "quit",
        "F1": "help",
    }
    search = keymap_table(ACTIONS)["search"]
    assert search["Esc"] == "clear_search" and search["Down"] == "to_list"
    assert "u" not in search and "Ctrl+Z" not in search


def test_only_navigation_repeats() -> None:
    assert {a.id for a in ACTIONS if a.repeats} == {"next", "previous"}
    assert {a.id for a in ACTIONS if a.advances} == {
        "rate_1",
        "rate_2",
        "rate_3",
        "rate_4",
        "rate_5",
        "keep",
        "dismiss",
    }


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("ctrl+z", "Ctrl+Z"),
        ("Shift+Ctrl+z", "Ctrl+Shift+Z"),
        ("escape", "Esc"),
        ("j", "j"),
        ("J", "J"),
        ("?", "?"),
        (" ", "Space"),
        ("pagedown", "PgDown"),
        ("Ctrl++", "Ctrl++"),
        ("f5", "F5"),
    ],
)
def test_normalize_key(raw: str, canonical: str) -> None:
    assert normalize_key(raw) == canonical


@pytest.mark.parametrize("bad", ["", "Hyper+x", "Ctrl+Banana"])
def test_normalize_key_refuses(bad: str) -> None:
    with pytest.raises(KeymapError):
        normalize_key(bad)


def test_remap_moves_a_key() -> None:
    remapped = by_id(apply_keymap({"keep": ["y", "A"]}))
    assert remapped["keep"].keys == ("y", "A")
    assert keymap_table(remapped.values())["list"]["y"] == "keep"
    assert "a" not in keymap_table(remapped.values())["list"]


def test_remap_binding_a_key_twice_is_refused_with_a_clear_message() -> None:
    with pytest.raises(KeymapError) as info:
        apply_keymap({"keep": ["x"]}, source="keys.toml")
    assert str(info.value) == (
        "keys.toml refused: x is bound to both 'keep' and 'dismiss' (when the focus is in the list)"
    )


def test_remap_unknown_action_is_refused() -> None:
    with pytest.raises(KeymapError, match="no action called 'keepit'"):
        apply_keymap({"keepit": ["y"]})


def test_keys_file_toml_and_json(tmp_path: Path) -> None:
    (tmp_path / "keys.toml").write_text('[keys]\nkeep = ["y"]\ndismiss = "ctrl+d"\n')
    assert read_keymap_file(tmp_path / "keys.toml") == {"keep": ["y"], "dismiss": ["ctrl+d"]}
    actions = by_id(load_actions(tmp_path))
    assert (actions["keep"].keys, actions["dismiss"].keys) == (("y",), ("Ctrl+D",))
    (tmp_path / "keys.toml").unlink()
    (tmp_path / "keys.json").write_text('{"undo": ["z"]}')
    assert by_id(load_actions(tmp_path))["undo"].keys == ("z",)


def test_keys_file_broken_toml_is_reported(tmp_path: Path) -> None:
    (tmp_path / "keys.toml").write_text("keep = [y")
    with pytest.raises(KeymapError, match="cannot read the key remapping"):
        load_actions(tmp_path)


def test_no_keys_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_actions(tmp_path) == ACTIONS
