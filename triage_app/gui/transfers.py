"""Imports and exports from the window, and the progress the status bar shows for them.

Both run on the writer lane (an import in a child process); the one running is followed
by `WorkProgress`, whose bar and cancel button appear only when the work takes a while.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QProgressBar, QStatusBar, QToolButton, QWidget

from triage_app.core.ingest import FolderWatch, ImportReport
from triage_app.core.store import Library, utc_now
from triage_app.gui.import_panel import ImportReportLine
from triage_app.gui.paper_table_model import PaperTableModel
from triage_app.gui.view_loader import ViewLoader
from triage_app.gui.workers import Job, Lane
from triage_app.workers import run_import_child

WATCH_INTERVAL_MS = 3000  # how often the watched folder is looked at

PROGRESS_DELAY_MS = 500
# What the Import dialog offers: listings, and the app's own exports that import back.
IMPORT_FILTER = (
    "Listings, triage-app exports and other tools' files"
    " (*.txt *.json *.csv *.ris *.bib *.xml *.atom *.rss *.tsv);;All files (*)"
)
# How each export type is spelled for people (the CLI's names are lower case).
FORMAT_TITLES = {"json": "JSON", "csv": "CSV", "bibtex": "BibTeX", "ris": "RIS"}


def format_title(name: str) -> str:
    return FORMAT_TITLES.get(name, name.upper())


def with_suffix(path: str, suffix: str) -> str:
    """A name typed without an extension gets the chosen type's (`papers` -> `papers.csv`),
    so the file opens by type and the Import dialog shows it; a typed extension stays."""
    return path + suffix if path and not Path(path).suffix else path


FilesChooser = Callable[[], list[str]]
ExportChooser = Callable[[], tuple[str, str]]  # (path or "", format name)


class WorkProgress:
    """The import or export the status bar follows: its label at once, a progress bar and
    a cancel button after `PROGRESS_DELAY_MS`, all cleared when it ends."""

    def __init__(
        self, bar: QProgressBar, cancel_button: QToolButton, status_bar: QStatusBar
    ) -> None:
        self.bar = bar
        self.cancel_button = cancel_button
        self.status_bar = status_bar
        self._work: Job | None = None
        self._closing = False

    def running(self) -> bool:
        return self._work is not None

    def follow(self, job: Job, label: str) -> None:
        self._work = job
        self.status_bar.showMessage(label + "…")
        QTimer.singleShot(PROGRESS_DELAY_MS, lambda: self._show(job, label))

    def _show(self, job: Job, label: str) -> None:
        if self._work is job and not self._closing:
            self.bar.setFormat(f"{label}: %p%")
            self.bar.show()
            self.cancel_button.show()

    def progress(self, done: int, total: int) -> None:
        self.bar.setMaximum(max(1, total))
        self.bar.setValue(min(done, total))

    def done(self) -> None:
        self._work = None
        self.bar.hide()
        self.cancel_button.hide()
        self.status_bar.clearMessage()

    def failed(self, exc: BaseException) -> None:
        self.done()
        self.status_bar.showMessage(f"Failed: {exc}", 15000)

    def cancel(self) -> None:
        if self._work is not None:
            self._work.cancel()
            self.status_bar.showMessage("Cancelling…")

    def close(self) -> None:
        """At exit: the work is cancelled (an import keeps what it wrote) and not shown."""
        self._closing = True
        if self._work is not None:
            self._work.cancel()


class Transfers:
    """Imports (files, the clipboard, the demo) and the export of the list shown.

    After an import: its report, the new papers in the list (`loader`, staying on
    `current_id()`), `refresh_counts()`, then `imported()` (the index sync). `choose_files`
    and `choose_export` ask the user; tests replace them."""

    def __init__(
        self,
        library: Library,
        writer: Lane,
        loader: ViewLoader,
        model: PaperTableModel,
        report: ImportReportLine,
        progress: WorkProgress,
        current_id: Callable[[], int | None],
        refresh_counts: Callable[[], None],
        imported: Callable[[], None],
        status_bar: QStatusBar,
        dialog_parent: QWidget,
    ) -> None:
        self.library = library
        self.writer = writer
        self.loader = loader
        self.model = model
        self.report = report
        self.progress = progress
        self.current_id = current_id
        self.refresh_counts = refresh_counts
        self.imported = imported
        self.status_bar = status_bar
        self.dialog_parent = dialog_parent
        self.choose_files: FilesChooser = self._ask_files
        self.choose_export: ExportChooser = self._ask_export
        self._watch: FolderWatch | None = None
        self._watch_timer = QTimer(dialog_parent)
        self._watch_timer.setInterval(WATCH_INTERVAL_MS)
        self._watch_timer.timeout.connect(self.watch_tick)

    # ---------------------------------------------------------------- imports
    def _ask_files(self) -> list[str]:
        files, _ = QFileDialog.getOpenFileNames(
            self.dialog_parent,
            "Import listings",
            str(Path.home()),
            IMPORT_FILTER,
        )
        return files

    def import_files(self) -> None:
        files = self.choose_files()
        if files:
            self.import_paths([Path(f) for f in files])

    def import_clipboard(self) -> None:
        text = QGuiApplication.clipboard().text()
        if not text.strip():
            self.status_bar.showMessage("The clipboard holds no text to import.", 6000)
            return
        folder, data = self.library.folder, text.encode("utf-8")
        stamp = utc_now()[:19].replace(":", "-")

        def run(job: Job) -> list[ImportReport]:
            return run_import_child(
                folder, ["-", "--name", f"clipboard-{stamp}.txt"], job, stdin=data
            )

        self._run_import(run, "Importing from the clipboard")

    def import_paths(self, paths: Sequence[Path]) -> None:
        folder, names = self.library.folder, [str(p) for p in paths]

        def run(job: Job) -> list[ImportReport]:
            return run_import_child(folder, names, job)

        self._run_import(run, f"Importing {len(names)} file{'s' if len(names) != 1 else ''}")

    def fetch_feeds(self) -> None:
        """Fetch the library's feeds on the writer lane (the network waits release the
        GIL; each answer is imported like a file) and show the report as an import's."""
        from triage_app.core.ingest import feed_import_reports, fetch_feeds, load_subscriptions

        library = self.library
        if not load_subscriptions(library):
            self.status_bar.showMessage("No feeds yet: add one here, then fetch.", 8000)
            self.manage_feeds()
            return

        def run(job: Job) -> list[ImportReport]:
            def importer(name: str, data: bytes) -> ImportReport:
                # Parsing holds the GIL: each answer is imported in a child, as files are.
                reports = run_import_child(library.folder, ["-", "--name", name], job, data)
                return reports[0] if reports else ImportReport(file=name, cancelled=True)

            reports = fetch_feeds(library, cancel=job.is_cancelled, importer=importer)
            return feed_import_reports(reports)

        self._run_import(run, "Fetching feeds")

    def manage_feeds(self) -> None:
        """File > Feeds and watched folder…: the dialog edits a copy of the settings, saved on
        the writer lane when it is accepted (then fetched at once if it was asked)."""
        from triage_app.core.ingest import daily_enabled, load_subscriptions, watched_folder
        from triage_app.gui.feeds_dialog import FeedsDialog, FeedSettings

        library = self.library
        current = FeedSettings(
            load_subscriptions(library), daily_enabled(library), watched_folder(library)
        )
        dialog = FeedsDialog(current, self.dialog_parent)
        if not dialog.exec():
            return
        wanted = dialog.settings()

        def save(_job: Job) -> None:
            from triage_app.core.ingest import (
                replace_subscriptions,
                set_daily,
                set_watched_folder,
            )

            replace_subscriptions(library, wanted.subscriptions)
            set_daily(library, wanted.daily)
            set_watched_folder(library, wanted.folder)

        def saved(_result: None) -> None:
            count = len(wanted.subscriptions)
            watching = f"; watching {wanted.folder}" if wanted.folder else ""
            self.status_bar.showMessage(
                f"Feeds saved: {count} subscription{'s' if count != 1 else ''}"
                f"{', fetched daily' if wanted.daily and count else ''}{watching}.",
                8000,
            )
            if wanted.fetch_now and count:
                self.fetch_feeds()

        self.writer.submit(
            save, label="Saving the feeds", on_done=saved, on_error=self.progress.failed
        )

    def fetch_if_due(self) -> None:
        from triage_app.core.ingest import daily_fetch_due

        if daily_fetch_due(self.library):
            self.fetch_feeds()

    def start_watching(self) -> None:
        self._watch_timer.start()

    def stop_watching(self) -> None:
        self._watch_timer.stop()

    def watch_tick(self) -> None:
        """Import the watched folder's new, complete files (called by a timer); the
        report shows at the left of the status bar as for any import."""
        if self.writer.busy:
            return  # an import or a write is running: look again at the next tick
        from triage_app.core.ingest import FolderWatch, watched_folder

        folder = watched_folder(self.library)
        if folder is None:
            self._watch = None
            return
        if self._watch is None or self._watch.folder != folder:
            self._watch = FolderWatch.for_library(self.library)
        if self._watch is None:
            return
        ready = self._watch.ready()
        if not ready:
            return
        watch, library, names = self._watch, self.library, [str(p) for p in ready]

        def run(job: Job) -> list[ImportReport]:
            watch.done(library, ready)  # a write: on the writer lane, before the import
            return run_import_child(library.folder, names, job)

        count = f"{len(names)} file{'s' if len(names) != 1 else ''}"
        self._run_import(run, f"Importing {count} from the watched folder")

    def load_demo(self) -> None:
        try:
            from triage_app.core.ingest import load_demo
        except ImportError:
            self.status_bar.showMessage("No demo listings in this build.", 6000)
            return
        library = self.library
        self._run_import(lambda _job: load_demo(library), "Loading the demo listings")

    def _run_import(self, fn: Callable[[Job], list[ImportReport]], label: str) -> None:
        job = self.writer.submit(
            fn,
            label=label,
            on_done=self._imported,
            on_error=self.progress.failed,
            on_progress=self.progress.progress,
        )
        self.progress.follow(job, label)

    def _imported(self, reports: list[ImportReport]) -> None:
        self.progress.done()
        self.report.show_reports(reports)
        self.loader.load(keep=self.current_id(), append=True)
        self.refresh_counts()
        self.imported()

    # ----------------------------------------------------------------- export
    def _ask_export(self) -> tuple[str, str]:
        from triage_app.core.export import FORMATS

        filters = [
            f"{format_title(f.name)}: {f.description} (*{f.suffix})" for f in FORMATS.values()
        ]
        path, chosen = QFileDialog.getSaveFileName(
            self.dialog_parent, "Export this view", str(Path.home()), ";;".join(filters)
        )
        fmt = next(
            (f.name for f, label in zip(FORMATS.values(), filters, strict=True) if label == chosen),
            "json",
        )
        return path, fmt

    def export(self) -> None:
        path, fmt = self.choose_export()
        if not path:
            return
        from triage_app.core.export import FORMATS, export_papers

        if fmt in FORMATS:
            path = with_suffix(path, FORMATS[fmt].suffix)
        library, ids = self.library, list(self.model.ids)

        def run(job: Job) -> int:
            return export_papers(
                library, fmt, path, ids=ids, progress=job.progress, cancel=job.is_cancelled
            )

        def done(n: int) -> None:
            self.progress.done()
            self.status_bar.showMessage(f"Exported {n} papers to {path}", 10000)

        job = self.writer.submit(
            run,
            label="Export",
            on_done=done,
            on_error=self.progress.failed,
            on_progress=self.progress.progress,
        )
        self.progress.follow(job, f"Exporting {len(ids)} papers")
