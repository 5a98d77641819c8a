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

from collections.abc import Iterable
from dataclasses import dataclass


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


def _a(
    id: str,
    title: str,
    help: str,
    keys: Iterable[str],
    contexts: Iterable[str],
    icon: str | None,
    menu: str,
    **kw: bool,
) -> Action:
    return Action(id, title, help, tuple(keys), tuple(contexts), icon, menu, **kw)


L, G = ("list",), ("global",)

ACTIONS: tuple[Action, ...] = (
    # -- navigation
    _a(
        "next",
        "Next paper",
        "Move to the next paper in the list.",
        ["j", "Down"],
        L,
        "next",
        "Go",
        repeats=True,
    ),
    _a(
        "previous",
        "Previous paper",
        "Move to the previous paper.",
        ["k", "Up"],
        L,
        "previous",
        "Go",
        repeats=True,
    ),
    _a(
        "select_all",
        "Select all in this view",
        "Select every paper of the view, for bulk decisions.",
        ["Ctrl+A"],
        L,
        "select_all",
        "Go",
    ),
    _a(
        "focus_search",
        "Search",
        "Put the cursor in the search field.",
        ["/", "Ctrl+F"],
        G,
        "search",
        "Go",
    ),
    _a(
        "clear_search",
        "Clear search",
        "Empty the search field and show the whole view.",
        ["Esc"],
        ("list", "search"),
        "clear",
        "Go",
    ),
    _a(
        "to_list",
        "Back to the list",
        "From the search field, go to the results.",
        ["Down", "Return", "Enter"],
        ("search",),
        "next",
        "Go",
    ),
    _a(
        "leave_editor",
        "Leave the note or tag field",
        "Back to the list (the note is saved).",
        ["Esc"],
        ("reader",),
        "back",
        "Go",
    ),
    _a("view_inbox", "Inbox", "Show the papers still to triage.", ["Ctrl+1"], G, "inbox", "View"),
    _a(
        "view_for_you",
        "For you",
        "The Inbox, most promising first.",
        ["Ctrl+2"],
        G,
        "for_you",
        "View",
    ),
    _a("view_starred", "Starred", "Show starred papers.", ["Ctrl+3"], G, "star", "View"),
    _a("view_kept", "Kept", "Show kept papers.", ["Ctrl+4"], G, "keep", "View"),
    _a("view_dismissed", "Dismissed", "Show dismissed papers.", ["Ctrl+5"], G, "dismiss", "View"),
    _a("view_all", "All papers", "Show the whole library.", ["Ctrl+6"], G, "all", "View"),
    _a(
        "view_progress",
        "Progress",
        "Charts of the triage: decisions per day, what is left, categories and tags.",
        ["Ctrl+7"],
        G,
        "progress",
        "View",
    ),
    _a(
        "refresh",
        "Refresh view",
        "Reload the view: decided papers leave the Inbox.",
        ["F5", "Ctrl+R"],
        G,
        "refresh",
        "View",
    ),
    # -- decisions
    _a(
        "toggle_star",
        "Star",
        "Star or unstar (starring a new paper keeps it).",
        ["s"],
        L,
        "star",
        "Paper",
    ),
    *(
        _a(
            f"rate_{n}",
            f"Rate {n}",
            f"Rate {n} of 5 (rating a new paper keeps it).",
            [str(n)],
            L,
            f"rate_{n}",
            "Paper",
            advances=True,
        )
        for n in range(1, 6)
    ),
    _a("clear_rating", "Clear rating", "Remove the rating.", ["0"], L, "clear_rating", "Paper"),
    _a("keep", "Keep", "Keep the paper.", ["a"], L, "keep", "Paper", advances=True),
    _a("dismiss", "Dismiss", "Dismiss the paper.", ["x"], L, "dismiss", "Paper", advances=True),
    _a(
        "reset",
        "Back to new",
        "Undecide: the paper returns to the Inbox.",
        ["r"],
        L,
        "reset",
        "Paper",
    ),
    _a(
        "add_tag",
        "Tag…",
        "Add a tag (Enter applies, Esc cancels; '-name' removes one).",
        ["t"],
        L,
        "tag",
        "Paper",
    ),
    _a(
        "edit_note",
        "Edit note",
        "Write a note (saved as you type; Esc returns to the list).",
        ["n"],
        L,
        "note",
        "Paper",
    ),
    _a(
        "open_arxiv",
        "Open on arXiv",
        "Open the paper's arXiv page (without an arXiv id, search its title) in the browser.",
        ["o"],
        L,
        "open",
        "Paper",
    ),
    _a(
        "open_scholar",
        "Open on Google Scholar",
        "Search the title on Google Scholar.",
        ["O"],
        L,
        "scholar",
        "Paper",
    ),
    _a(
        "edit_highlights",
        "Highlight words…",
        "Edit the words to highlight for and against (saved with the library).",
        ["h"],
        L,
        "highlight",
        "Paper",
    ),
    # -- edit
    _a(
        "undo",
        "Undo",
        "Undo the last decision or edit, on any paper.",
        ["u", "Ctrl+Z"],
        G,
        "undo",
        "Edit",
    ),
    _a("redo", "Redo", "Redo what was undone.", ["Ctrl+Shift+Z"], G, "redo", "Edit"),
    _a(
        "toggle_advance",
        "Advance after a decision",
        "Rating, keep and dismiss move to the next paper.",
        [],
        G,
        "advance",
        "Edit",
        checkable=True,
    ),
    _a(
        "toggle_dark",
        "Dark palette",
        "Switch between the light and dark palette.",
        [],
        G,
        "theme",
        "View",
        checkable=True,
    ),
    # -- file
    _a(
        "import_files",
        "Import files…",
        "Import listing files or backups.",
        ["Ctrl+I"],
        G,
        "import",
        "File",
    ),
    _a(
        "import_clipboard",
        "Import from clipboard",
        "Import a listing copied to the clipboard.",
        ["Ctrl+V"],
        L,
        "paste",
        "File",
    ),
    _a(
        "fetch_feeds",
        "Fetch feeds",
        "Fetch the library's feeds (arXiv categories, feed URLs) in the background.",
        [],
        G,
        "batch",
        "File",
    ),
    _a(
        "manage_feeds",
        "Feeds and watched folder…",
        "Subscribe to arXiv categories or feed URLs, fetch daily, watch a folder for files.",
        [],
        G,
        "feeds",
        "File",
    ),
    _a("export", "Export…", "Export the papers of this view.", ["Ctrl+E"], G, "export", "File"),
    _a(
        "quit",
        "Quit",
        "Close the window (everything is already saved).",
        ["Ctrl+Q"],
        G,
        "quit",
        "File",
    ),
    # -- help
    _a("help", "Keyboard help", "Show every key.", ["?", "F1"], G, "help", "Help"),
)

MENUS = ("File", "Edit", "View", "Go", "Paper", "Help")


def by_id(actions: Iterable[Action] = ACTIONS) -> dict[str, Action]:
    return {a.id: a for a in actions}
