"""The user's key remapping (`keys.toml`), and the bindings in force in each focus."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from triage_app.core.triage.actions import ACTIONS, Action, by_id
from triage_app.core.triage.key_names import (
    FOCUS_CONTEXTS,
    TEXT_CONTEXTS,
    KeymapError,
    is_typing_key,
    normalize_key,
)


def effective_bindings(actions: Iterable[Action], focus: str) -> list[tuple[str, str]]:
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


MAX_KEYS_FILE_BYTES = 64 * 1024  # a remapping of every action is a few KiB


def _read_small_text(path: Path) -> str | None:
    """The file's text, or None when there is no file. Only a regular file of at most
    MAX_KEYS_FILE_BYTES is read: a FIFO or a device (`/dev/zero`) is refused without a
    read that could block or never end; raises KeymapError with the reason."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KeymapError(f"{path}: cannot read the key remapping: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise KeymapError(f"{path}: the key remapping is not a regular file")
        data = file.read(MAX_KEYS_FILE_BYTES + 1)
    if len(data) > MAX_KEYS_FILE_BYTES:
        raise KeymapError(
            f"{path}: the key remapping is larger than {MAX_KEYS_FILE_BYTES >> 10} KiB"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KeymapError(f"{path}: the key remapping is not UTF-8 text") from exc


def read_keymap_file(path: Path) -> dict[str, list[str]]:
    """`{action id: [keys]}` from `[keys]` in TOML (or a JSON object); {} when absent."""
    text = _read_small_text(path)
    if text is None:
        return {}
    try:
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except ValueError as exc:
        reason = " ".join(str(exc).split())
        raise KeymapError(f"{path}: cannot read the key remapping: {reason}") from exc
    except RecursionError as exc:  # arrays or tables nested thousands deep
        raise KeymapError(f"{path}: the key remapping is nested too deeply") from exc
    if isinstance(data, dict) and isinstance(data.get("keys"), dict):
        data = data["keys"]
    if not isinstance(data, dict):
        raise KeymapError(f"{path}: expected a table of action = [keys]")
    out: dict[str, list[str]] = {}
    for action_id, keys in data.items():
        if isinstance(keys, str):
            keys = [keys]
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise KeymapError(f"{path}: {action_id:.60} must be a key or a list of keys")
        out[str(action_id)] = keys
    return out


def apply_keymap(
    overrides: Mapping[str, Iterable[str]],
    actions: Iterable[Action] = ACTIONS,
    *,
    source: str = "key remapping",
) -> tuple[Action, ...]:
    """The table with the user's keys; refuses unknown actions, bad keys and double binds."""
    actions = tuple(actions)
    known = by_id(actions)
    for action_id in overrides:
        if action_id not in known:
            raise KeymapError(
                f"{source}: no action called {action_id!r:.60} (actions: {', '.join(known)})"
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
