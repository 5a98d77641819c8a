"""Starting the window: the QApplication, the palette, the library and the key table."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import cast

from triage_app.core.store import LibraryError, open_library
from triage_app.core.triage import ACTIONS, KeymapError, load_actions
from triage_app.gui.latency import freeze_heap, prefer_ui_thread

THEME_ENV = "TRIAGE_APP_THEME"  # light, dark or system: overrides the saved preference


def run_app(library_dir: Path) -> int:
    """Open (creating if needed) the library at `library_dir` in the window; the exit code."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    from triage_app.gui.main_window import MainWindow
    from triage_app.gui.settings import Preferences, open_qsettings
    from triage_app.gui.theme import apply_theme

    prefer_ui_thread()
    QCoreApplication.setOrganizationName("triage-app")
    QCoreApplication.setApplicationName("triage-app")
    # The instance, when there is one, is a QApplication too: only this function makes one.
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    qsettings = open_qsettings()
    prefs = Preferences(qsettings)
    theme = os.environ.get(THEME_ENV) or prefs.get("theme")
    apply_theme(app, theme)
    try:
        library = open_library(library_dir)
    except LibraryError as exc:
        QMessageBox.critical(None, "Triage: cannot open the library", str(exc))
        print(f"triage-app: {exc}", file=sys.stderr)
        return 2
    actions, keymap_error = ACTIONS, None
    try:
        actions = load_actions()
    except KeymapError as exc:
        keymap_error = f"Default keys in use: {exc}"
        print(f"triage-app: {exc}", file=sys.stderr)
    window = MainWindow(
        library, qsettings, actions=actions, keymap_error=keymap_error, daily_backup=True
    )
    window.show()
    freeze_heap()  # what start-up loaded lives as long as the window
    try:
        return int(app.exec())
    finally:
        library.close()
