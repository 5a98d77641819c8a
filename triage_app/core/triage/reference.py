"""Reference text generated from the single declarations (action table, query help).

The README, `triage-app keys` and the tests all read these, so a key or a query form is
documented exactly as the program binds or parses it.
"""

from __future__ import annotations

from collections.abc import Iterable

from triage_app.core.triage.actions import ACTIONS, MENUS, Action


def _keys(action: Action) -> str:
    return " / ".join(f"`{k}`" for k in action.keys)


def keys_markdown(actions: Iterable[Action] = ACTIONS) -> str:
    """A Markdown table of every bound action, grouped by menu."""
    rows = ["| keys | action | what it does |", "| --- | --- | --- |"]
    bound = [a for a in actions if a.keys]
    for menu in MENUS:
        for action in (a for a in bound if a.menu == menu):
            title = action.title.rstrip("…")
            rows.append(f"| {_keys(action)} | {title} | {action.help} |")
    return "\n".join(rows)


def keys_text(actions: Iterable[Action] = ACTIONS) -> str:
    """The same table for a terminal."""
    bound = [a for a in actions if a.keys]
    width = max(len(" / ".join(a.keys)) for a in bound)
    lines = []
    for menu in MENUS:
        group = [a for a in bound if a.menu == menu]
        if group:
            lines.append(f"{menu}:")
            lines.extend(
                f"  {' / '.join(a.keys):{width}}  {a.title.rstrip('…')}: {a.help}" for a in group
            )
    return "\n".join(lines)


def query_markdown() -> str:
    from triage_app.core.search import QUERY_HELP

    return "```text\n" + QUERY_HELP.rstrip() + "\n```"
