"""User preferences declared once (name, type, default), apart from the window's state.

Both live in one INI file in the user config folder (`window.ini`), preferences under
`[preferences]` and window state (geometry, splitters, sort, last view) under `[window]`,
so a test that points XDG_CONFIG_HOME at tmp_path never touches the real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

THEMES = ("system", "light", "dark")


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "advance_after_decision", bool, True, "Rating, keep and dismiss move to the next paper."
    ),
    Setting("theme", str, "system", "Palette: system, light or dark."),
    Setting("note_save_delay_ms", int, 400, "Pause in typing after which a note is saved."),
    Setting("search_delay_ms", int, 150, "Pause in typing after which the search runs."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def settings_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("triage-app", appauthor=False) / "window.ini"


def open_qsettings(path: Path | None = None) -> QSettings:
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def _coerce(setting: Setting, value: Any) -> Any:
    if value is None:
        return setting.default
    if setting.type is bool:
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on")
        return bool(value)
    try:
        value = setting.type(value)
    except (TypeError, ValueError):
        return setting.default
    if setting.name == "theme" and value not in THEMES:
        return setting.default
    return value


class Preferences:
    """Typed access to the declared settings; unknown names are a programming error."""

    GROUP = "preferences"

    def __init__(self, qsettings: QSettings) -> None:
        self._qs = qsettings

    def get(self, name: str) -> Any:
        setting = _BY_NAME[name]
        return _coerce(setting, self._qs.value(f"{self.GROUP}/{name}"))

    def set(self, name: str, value: Any) -> None:
        setting = _BY_NAME[name]
        self._qs.setValue(f"{self.GROUP}/{name}", _coerce(setting, value))
        self._qs.sync()


class WindowState:
    """Geometry, splitter sizes, header, sort and last view: restored at the next start."""

    GROUP = "window"

    def __init__(self, qsettings: QSettings) -> None:
        self._qs = qsettings

    def value(self, name: str, default: Any = None) -> Any:
        value = self._qs.value(f"{self.GROUP}/{name}")
        return default if value is None else value

    def set(self, name: str, value: Any) -> None:
        self._qs.setValue(f"{self.GROUP}/{name}", value)

    def sync(self) -> None:
        self._qs.sync()
