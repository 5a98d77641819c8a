"""The one table of user actions: menus, shortcuts, the `?` overlay and the tests read it.

Qt-free on purpose: keys are plain strings in one canonical notation (see `normalize_key`),
so the CLI, the docs and the tests can read the table without a display. A key string is
typed nowhere else in the program.

Contexts say where a key fires: `list` (the paper list has the focus), `reader` (the note
editor or the tag input), `search` (the search field), `global` (anywhere in the window).
In a text box (`reader`, `search`) a global key fires only if it is not a typing or editing
key, so typing `u` or Ctrl+Z in the note edits the note instead of undoing a decision.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

CONTEXTS = ("list", "reader", "search", "global")
# Where the focus can be; `other` is any non-text widget (the sidebar, a button).
FOCUS_CONTEXTS = ("list", "reader", "search", "other")
TEXT_CONTEXTS = frozenset({"reader", "search"})

MODIFIERS = ("Ctrl", "Alt", "Shift", "Meta")
_MODIFIER_ALIASES = {
    "ctrl": "Ctrl", "control": "Ctrl", "alt": "Alt", "option": "Alt", "shift": "Shift",
    "meta": "Meta", "cmd": "Meta", "super": "Meta",
}
NAMED_KEYS = (
    "Esc", "Return", "Enter", "Tab", "Backtab", "Backspace", "Delete", "Insert", "Space",
    "Up", "Down", "Left", "Right", "Home", "End", "PgUp", "PgDown",
    *(f"F{i}" for i in range(1, 13)),
)
_NAMED_ALIASES = {k.casefold(): k for k in NAMED_KEYS} | {
    "escape": "Esc", "del": "Delete", "ins": "Insert", "pageup": "PgUp", "pagedown": "PgDown",
    "page_up": "PgUp", "page_down": "PgDown", "backspace": "Backspace", "spacebar": "Space",
}
# Keys a text box needs for itself: a global action bound to one never fires while typing.
TEXT_EDIT_KEYS = frozenset({
    "Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+Y", "Ctrl+X", "Ctrl+C", "Ctrl+V", "Ctrl+A",
    "Ctrl+Left", "Ctrl+Right", "Ctrl+Backspace", "Ctrl+Delete", "Shift+Insert",
    "Up", "Down", "Left", "Right", "Home", "End", "PgUp", "PgDown", "Backspace", "Delete",
    "Return", "Enter", "Tab", "Backtab", "Space", "Shift+Space",
    "Shift+Left", "Shift+Right", "Shift+Up", "Shift+Down", "Shift+Home", "Shift+End",
})


class KeymapError(ValueError):
    """A key remapping that cannot be used; the message says which key and why."""


@dataclass(frozen=True)
class Action:
    """One thing the user can do, declared once."""

    id: str
    title: str
    help: str
    keys: tuple[str, ...]
    contexts: tuple[str, ...]
    icon: str | None
    menu: str
    advances: bool = False  # moves to the next paper afterwards (a setting can turn it off)
    repeats: bool = False  # holding the key repeats it (navigation only, never a decision)
    checkable: bool = False


def _a(id: str, title: str, help: str, keys: Iterable[str], contexts: Iterable[str],
       icon: str | None, menu: str, **kw: bool) -> Action:
    return Action(id, title, help, tuple(keys), tuple(contexts), icon, menu, **kw)


L, G = ("list",), ("global",)

ACTIONS: tuple[Action, ...] = (
    # -- navigation
    _a("next", "Next paper", "Move to the next paper in the list.", ["j", "Down"], L,
       "next", "Go", repeats=True),
    _a("previous", "Previous paper", "Move to the previous paper.", ["k", "Up"], L,
       "previous", "Go", repeats=True),
    _a("select_all", "Select all in this view", "Select every paper of the view, for bulk "
       "decisions.", ["Ctrl+A"], L, "select_all", "Go"),
    _a("focus_search", "Search", "Put the cursor in the search field.", ["/", "Ctrl+F"], G,
       "search", "Go"),
    _a("clear_search", "Clear search", "Empty the search field and show the whole view.",
       ["Esc"], ("list", "search"), "clear", "Go"),
    _a("to_list", "Back to the list", "From the search field, go to the results.",
       ["Down", "Return", "Enter"], ("search",), "next", "Go"),
    _a("leave_editor", "Leave the note or tag field", "Back to the list (the note is saved).",
       ["Esc"], ("reader",), "back", "Go"),
    _a("view_inbox", "Inbox", "Show the papers still to triage.", ["Ctrl+1"], G, "inbox",
       "View"),
    _a("view_for_you", "For you", "The Inbox, most promising first.", ["Ctrl+2"], G,
       "for_you", "View"),
    _a("view_starred", "Starred", "Show starred papers.", ["Ctrl+3"], G, "star", "View"),
    _a("view_kept", "Kept", "Show kept papers.", ["Ctrl+4"], G, "keep", "View"),
    _a("view_dismissed", "Dismissed", "Show dismissed papers.", ["Ctrl+5"], G, "dismiss",
       "View"),
    _a("view_all", "All papers", "Show the whole library.", ["Ctrl+6"], G, "all", "View"),
    _a("refresh", "Refresh view", "Reload the view: decided papers leave the Inbox.",
       ["F5", "Ctrl+R"], G, "refresh", "View"),
    # -- decisions
    _a("toggle_star", "Star", "Star or unstar (starring a new paper keeps it).", ["s"], L,
       "star", "Paper"),
    *(
        _a(f"rate_{n}", f"Rate {n}", f"Rate {n} of 5 (rating a new paper keeps it).", [str(n)],
           L, f"rate_{n}", "Paper", advances=True)
        for n in range(1, 6)
    ),
    _a("clear_rating", "Clear rating", "Remove the rating.", ["0"], L, "clear_rating", "Paper"),
    _a("keep", "Keep", "Keep the paper.", ["a"], L, "keep", "Paper", advances=True),
    _a("dismiss", "Dismiss", "Dismiss the paper.", ["x"], L, "dismiss", "Paper",
       advances=True),
    _a("reset", "Back to new", "Undecide: the paper returns to the Inbox.", ["r"], L, "reset",
       "Paper"),
    _a("add_tag", "Tag…", "Add a tag (Enter applies, Esc cancels; '-name' removes one).",
       ["t"], L, "tag", "Paper"),
    _a("edit_note", "Edit note", "Write a note (saved as you type; Esc returns to the list).",
       ["n"], L, "note", "Paper"),
    _a("open_arxiv", "Open on arXiv", "Search the paper's title on arXiv in the browser.",
       ["o"], L, "open", "Paper"),
    _a("open_scholar", "Open on Google Scholar", "Search the title on Google Scholar.", ["O"],
       L, "scholar", "Paper"),
    _a("edit_highlights", "Highlight words…", "Edit the words to highlight for and against "
       "(saved with the library).", ["h"], L, "highlight", "Paper"),
    # -- edit
    _a("undo", "Undo", "Undo the last decision or edit, on any paper.", ["u", "Ctrl+Z"], G,
       "undo", "Edit"),
    _a("redo", "Redo", "Redo what was undone.", ["Ctrl+Shift+Z"], G, "redo", "Edit"),
    _a("toggle_advance", "Advance after a decision", "Rating, keep and dismiss move to the "
       "next paper.", [], G, "advance", "Edit", checkable=True),
    _a("toggle_dark", "Dark palette", "Switch between the light and dark palette.", [], G,
       "theme", "View", checkable=True),
    # -- file
    _a("import_files", "Import files…", "Import listing files or backups.", ["Ctrl+I"], G,
       "import", "File"),
    _a("import_clipboard", "Import from clipboard", "Import a listing copied to the "
       "clipboard.", ["Ctrl+V"], L, "paste", "File"),
    _a("export", "Export…", "Export the papers of this view.", ["Ctrl+E"], G, "export",
       "File"),
    _a("quit", "Quit", "Close the window (everything is already saved).", ["Ctrl+Q"], G,
       "quit", "File"),
    # -- help
    _a("help", "Keyboard help", "Show every key.", ["?", "F1"], G, "help", "Help"),
)

MENUS = ("File", "Edit", "View", "Go", "Paper", "Help")


def by_id(actions: Iterable[Action] = ACTIONS) -> dict[str, Action]:
    return {a.id: a for a in actions}


# ----------------------------------------------------------------------- keys
def normalize_key(key: str) -> str:
    """Canonical form of a key string: `Ctrl+Shift+Z`, `Esc`, `j`, `?`, `F1`.

    A single character alone is kept as typed (`j` and `J` differ: `J` is Shift+j); with a
    modifier it is upper-cased (`ctrl+z` -> `Ctrl+Z`). Raises KeymapError for nonsense.
    """
    raw = key.strip() if key.strip() else key
    if not raw:
        raise KeymapError("empty key")
    if len(raw) == 1:
        if raw == " ":
            return "Space"
        if not raw.isprintable():
            raise KeymapError(f"unprintable key {raw!r}")
        return raw
    # "Ctrl++" binds the plus key itself.
    parts = [*raw[:-2].split("+"), "+"] if raw.endswith("++") else raw.split("+")
    *mods, last = parts
    seen: set[str] = set()
    for mod in mods:
        name = _MODIFIER_ALIASES.get(mod.strip().casefold())
        if name is None:
            raise KeymapError(f"unknown modifier {mod!r} in {key!r}")
        seen.add(name)
    last = last.strip() or last
    if len(last) == 1:
        name = last.upper() if seen else last
    else:
        name = _NAMED_ALIASES.get(last.casefold())
        if name is None:
            raise KeymapError(f"unknown key {last!r} in {key!r}")
    ordered = [m for m in MODIFIERS if m in seen]
    return "+".join([*ordered, name])


def is_typing_key(key: str) -> bool:
    """A key a text box consumes: a printable character or an editing key."""
    shifted_char = key.startswith("Shift+") and len(key) == len("Shift+") + 1
    return len(key) == 1 or shifted_char or key in TEXT_EDIT_KEYS


def effective_bindings(
    actions: Iterable[Action], focus: str
) -> list[tuple[str, str]]:
    """(key, action id) pairs that fire when the focus is in `focus` (a FOCUS_CONTEXTS)."""
    out: list[tuple[str, str]] = []
    for action in actions:
        explicit = focus in action.contexts
        if not explicit and "global" not in action.contexts:
            continue
        for key in action.keys:
            if not explicit and focus in TEXT_CONTEXTS and is_typing_key(key):
                continue
            out.append((key, action.id))
    return out


def conflicts(actions: Iterable[Action]) -> list[str]:
    """Human messages for every key bound twice where the focus can be; empty when fine."""
    actions = list(actions)
    problems: list[str] = []
    for focus in FOCUS_CONTEXTS:
        owner: dict[str, str] = {}
        for key, action_id in effective_bindings(actions, focus):
            if key in owner and owner[key] != action_id:
                problems.append(
                    f"{key} is bound to both {owner[key]!r} and {action_id!r} "
                    f"(when the focus is in the {focus})"
                )
            owner.setdefault(key, action_id)
    return sorted(set(problems))


def keymap_table(actions: Iterable[Action]) -> dict[str, dict[str, str]]:
    """focus context -> {key: action id}: what the key dispatcher looks up."""
    actions = list(actions)
    return {focus: dict(effective_bindings(actions, focus)) for focus in FOCUS_CONTEXTS}


# ------------------------------------------------------------------ remapping
def keys_file(config_dir: Path | None = None) -> Path:
    """Where the user's key remapping lives (`keys.toml`; `keys.json` is read too)."""
    if config_dir is None:
        from platformdirs import user_config_path

        config_dir = user_config_path("triage-app", appauthor=False)
    toml = config_dir / "keys.toml"
    json_path = config_dir / "keys.json"
    return json_path if json_path.exists() and not toml.exists() else toml


def read_keymap_file(path: Path) -> dict[str, list[str]]:
    """`{action id: [keys]}` from `[keys]` in TOML (or a JSON object); {} when absent."""
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise KeymapError(f"{path}: cannot read the key remapping: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("keys"), dict):
        data = data["keys"]
    if not isinstance(data, dict):
        raise KeymapError(f"{path}: expected a table of action = [keys]")
    out: dict[str, list[str]] = {}
    for action_id, keys in data.items():
        if isinstance(keys, str):
            keys = [keys]
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise KeymapError(f"{path}: {action_id} must be a key or a list of keys")
        out[str(action_id)] = keys
    return out


def apply_keymap(
    overrides: Mapping[str, Iterable[str]], actions: Iterable[Action] = ACTIONS,
    *, source: str = "key remapping",
) -> tuple[Action, ...]:
    """The table with the user's keys; refuses unknown actions, bad keys and double binds."""
    actions = tuple(actions)
    known = by_id(actions)
    for action_id in overrides:
        if action_id not in known:
            raise KeymapError(
                f"{source}: no action called {action_id!r} (actions: {', '.join(known)})"
            )
    remapped = []
    for action in actions:
        if action.id in overrides:
            try:
                keys = tuple(dict.fromkeys(normalize_key(k) for k in overrides[action.id]))
            except KeymapError as exc:
                raise KeymapError(f"{source}: {action.id}: {exc}") from exc
            action = replace(action, keys=keys)
        remapped.append(action)
    problems = conflicts(remapped)
    if problems:
        raise KeymapError(f"{source} refused: " + "; ".join(problems))
    return tuple(remapped)


def load_actions(config_dir: Path | None = None) -> tuple[Action, ...]:
    """The table with the remapping from the user config folder applied (if any)."""
    path = keys_file(config_dir)
    return apply_keymap(read_keymap_file(path), source=str(path))
