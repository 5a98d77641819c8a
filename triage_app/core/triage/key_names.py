"""Key strings in one canonical notation, and where a key may fire.

Qt-free: the CLI, the docs and the tests read keys as plain strings (`Ctrl+Shift+Z`, `Esc`,
`j`); `normalize_key` is the one reader of a key string.
"""

from __future__ import annotations

CONTEXTS = ("list", "reader", "search", "global")
# Where the focus can be; `other` is any non-text widget (the sidebar, a button).
FOCUS_CONTEXTS = ("list", "reader", "search", "other")
TEXT_CONTEXTS = frozenset({"reader", "search"})

MODIFIERS = ("Ctrl", "Alt", "Shift", "Meta")
_MODIFIER_ALIASES = {
    "ctrl": "Ctrl",
    "control": "Ctrl",
    "alt": "Alt",
    "option": "Alt",
    "shift": "Shift",
    "meta": "Meta",
    "cmd": "Meta",
    "super": "Meta",
}
NAMED_KEYS = (
    "Esc",
    "Return",
    "Enter",
    "Tab",
    "Backtab",
    "Backspace",
    "Delete",
    "Insert",
    "Space",
    "Up",
    "Down",
    "Left",
    "Right",
    "Home",
    "End",
    "PgUp",
    "PgDown",
    *(f"F{i}" for i in range(1, 13)),
)
_NAMED_ALIASES = {k.casefold(): k for k in NAMED_KEYS} | {
    "escape": "Esc",
    "del": "Delete",
    "ins": "Insert",
    "pageup": "PgUp",
    "pagedown": "PgDown",
    "page_up": "PgUp",
    "page_down": "PgDown",
    "backspace": "Backspace",
    "spacebar": "Space",
}
# Keys a text box needs for itself: a global action bound to one never fires while typing.
TEXT_EDIT_KEYS = frozenset(
    {
        "Ctrl+Z",
        "Ctrl+Shift+Z",
        "Ctrl+Y",
        "Ctrl+X",
        "Ctrl+C",
        "Ctrl+V",
        "Ctrl+A",
        "Ctrl+Left",
        "Ctrl+Right",
        "Ctrl+Backspace",
        "Ctrl+Delete",
        "Shift+Insert",
        "Up",
        "Down",
        "Left",
        "Right",
        "Home",
        "End",
        "PgUp",
        "PgDown",
        "Backspace",
        "Delete",
        "Return",
        "Enter",
        "Tab",
        "Backtab",
        "Space",
        "Shift+Space",
        "Shift+Left",
        "Shift+Right",
        "Shift+Up",
        "Shift+Down",
        "Shift+Home",
        "Shift+End",
    }
)


class KeymapError(ValueError):
    """A key remapping that cannot be used; the message says which key and why."""


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
