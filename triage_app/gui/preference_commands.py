"""The View menu's switches: moving on after a decision, and the dark palette."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from triage_app.gui.settings import Preferences


class PreferenceCommands:
    """Saves what the checkable actions say; `restyle` redraws what the palette colours
    (icons, highlights, dimmed rows) after the theme changed."""

    def __init__(
        self,
        prefs: Preferences,
        advance: QAction,
        dark: QAction,
        restyle: Sequence[Callable[[], object]],
    ) -> None:
        self.prefs = prefs
        self.advance = advance
        self.dark = dark
        self.restyle = tuple(restyle)

    def toggle_advance(self) -> None:
        self.prefs.set("advance_after_decision", self.advance.isChecked())

    def toggle_dark(self) -> None:
        from triage_app.gui.theme import apply_theme

        theme = "dark" if self.dark.isChecked() else "light"
        self.prefs.set("theme", theme)
        apply_theme(cast(QApplication, QApplication.instance()), theme)  # the window's app
        for redraw in self.restyle:
            redraw()
