"""The first start of the day copies the store and checks the copy; the window says so when
that fails (a desktop user never sees standard error)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

from triage_app.core.store import Library
from triage_app.gui.workers import Job, Lane

FAILED_TITLE = "Triage: the daily backup failed"


class DailyBackup(QObject):
    """Runs `daily_backup_if_due` on a lane of its own (seconds for a big library), so the
    window is usable at once and no decision waits for it."""

    def __init__(
        self, library: Library, status_bar: QStatusBar, dialog_parent: QWidget, *, sync: bool
    ) -> None:
        super().__init__(dialog_parent)
        self.library = library
        self.status_bar = status_bar
        self.dialog_parent = dialog_parent
        self.lane = Lane("backup", synchronous=sync, parent=self)
        self.dialog: QMessageBox | None = None

    def start(self) -> None:
        from triage_app.core.store import daily_backup_if_due

        library = self.library

        def run(_job: Job) -> object:
            return daily_backup_if_due(library)

        self.lane.submit(run, label="Daily backup", on_error=self.failed)

    def failed(self, exc: BaseException) -> None:
        message = f"The daily backup failed: {exc}"
        self.status_bar.showMessage(message)  # stays until another message replaces it
        self.dialog = QMessageBox(
            QMessageBox.Icon.Warning,
            FAILED_TITLE,
            message,
            QMessageBox.StandardButton.Ok,
            self.dialog_parent,
        )
        self.dialog.open()  # not modal to the application: the window stays usable

    def close(self) -> None:
        self.lane.close()
