"""What each action of the table does in the window, bound by action id.

Handlers turn a key or click into a core call (through the TriageController for decisions,
the lanes for imports, searches and counts) and move the cursor; they hold no business
rules of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog

from triage_app.core.ingest import ImportReport
from triage_app.core.store import utc_now
from triage_app.core.triage import (
    DecisionPatch,
    SidebarCounts,
    ViewResult,
    ViewSpec,
    arxiv_url,
    load_lists,
    local_midnight_utc_iso,
    save_lists,
    scholar_url,
    sidebar_counts,
)
from triage_app.gui.highlight import Patterns
from triage_app.gui.paper_table_model import COLUMNS, state_of, with_state
from triage_app.gui.workers import Job
from triage_app.workers import run_import_child

if TYPE_CHECKING:
    from triage_app.gui.main_window import MainWindow

PROGRESS_DELAY_MS = 500
INDEX_SYNC_DELAY_MS = 1500
# Before the first search, a sync means a child process (~1 s of CPU): let edits gather.
# A search syncs what is pending itself, so it never misses them.
IDLE_SYNC_DELAY_MS = 30_000

FilesChooser = Callable[[], list[str]]


class WindowCommands:
    """The handlers; `handlers()` maps every action id of the table to one of them."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.library = window.library
        self.counts: SidebarCounts | None = None
        self.highlight_for, self.highlight_against = load_lists(self.library)
        self.choose_files: FilesChooser = self._ask_files
        self.choose_export: Callable[[], tuple[str, str]] = self._ask_export
        self._work: Job | None = None  # the import/export the progress bar follows
        self._sync_job: Job | None = None
        self._sync_timer = QTimer(window)
        self._sync_timer.setSingleShot(True)
        self._sync_timer.setInterval(INDEX_SYNC_DELAY_MS)
        self._sync_timer.timeout.connect(self.sync_index)
        self._closing = False

    def handlers(self) -> dict[str, Callable[[], object]]:
        h: dict[str, Callable[[], object]] = {
            "next": lambda: self.move(1),
            "previous": lambda: self.move(-1),
            "select_all": self.w.list_view.selectAll,
            "focus_search": self.focus_search,
            "clear_search": self.clear_search,
            "to_list": self.to_list,
            "leave_editor": self.leave_editor,
            "refresh": self.refresh_view,
            "toggle_star": self.toggle_star,
            "clear_rating": lambda: self.decide(DecisionPatch(rating=None), "Clear rating"),
            "keep": lambda: self.decide(DecisionPatch(status="kept"), "Keep", advance=True),
            "dismiss": lambda: self.decide(DecisionPatch(status="dismissed"), "Dismiss",
                                           advance=True),
            "reset": lambda: self.decide(DecisionPatch(status="new"), "Back to new"),
            "add_tag": self.add_tag,
            "edit_note": self.edit_note,
            "open_arxiv": self.open_arxiv,
            "open_scholar": self.open_scholar,
            "edit_highlights": self.edit_highlights,
            "undo": self.w.undo_stack.undo,
            "redo": self.w.undo_stack.redo,
            "toggle_advance": self.toggle_advance,
            "toggle_dark": self.toggle_dark,
            "import_files": self.import_files,
            "import_clipboard": self.import_clipboard,
            "export": self.export,
            "quit": self.w.close,
            "help": self.w.help_overlay.open,
        }
        for n in range(1, 6):
            h[f"rate_{n}"] = lambda n=n: self.decide(DecisionPatch(rating=n), f"Rate {n}",
                                                     advance=True)
        for kind in ("inbox", "for_you", "starred", "kept", "dismissed", "all"):
            h[f"view_{kind}"] = lambda kind=kind: self.choose_view(ViewSpec(kind))
        return h

    # ------------------------------------------------------------------ start
    def start(self, spec: ViewSpec) -> None:
        self.refresh_patterns()
        self.w.sidebar.select_view(spec)
        # The recommender can take seconds on a big Inbox: that one view loads in the background.
        self.w.loader.load(spec, sync=spec.kind != "for_you")
        # Counting scans the library (0.3 s at 100,000 papers): the window shows first.
        self.refresh_counts()
        self.w.list_view.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.w.search.available:
            self._sync_timer.start(50)

    def shutdown(self) -> None:
        self._closing = True
        self._sync_timer.stop()
        self.w.stop_timers()
        if self._sync_job is not None:
            self._sync_job.cancel()
        self.w.search.cancel_sync()
        if self._work is not None:
            self._work.cancel()
        self.w.writer.close()
        search = self.w.search

        def close_search(_job: Job) -> None:
            search.close()

        self.w.index_lane.close()
        self.w.search_lane.submit(close_search)
        self.w.search_lane.close()
        self.w.controller.close()

    # ------------------------------------------------------------- the cursor
    def move(self, step: int) -> None:
        view = self.w.list_view
        rows = self.w.model.rowCount()
        if not rows:
            return
        row = view.current_row()
        view.go_to_row(0 if row < 0 else max(0, min(rows - 1, row + step)))

    def current_id(self) -> int | None:
        row = self.w.list_view.current_row()
        return self.w.model.paper_id(row) if row >= 0 else None

    def current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.show_current(reload=True)

    def show_current(self, *, reload: bool) -> None:
        """Fill the reader: from the store when the paper changed, else from the cache."""
        pid = self.current_id()
        detail = self.w.detail
        if pid is None:
            detail.show_paper(None)
            return
        reason = self.w.model.explanation(pid)
        cached = self.w.model.cached(pid)
        if not reload and cached is not None and detail.record is not None \
                and detail.record.id == pid:
            detail.show_paper(with_state(detail.record, state_of(cached)), reason=reason)
            return
        record = self.library.get_paper(pid)
        if record is not None and cached is not None and self.w.controller.in_flight():
            record = with_state(record, state_of(cached))  # a write is still on its way
        detail.show_paper(record, reason=reason)

    def focus_list(self) -> None:
        self.w.list_view.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.w.list_view.current_row() < 0 and self.w.model.rowCount():
            self.w.list_view.go_to_row(0)

    # ---------------------------------------------------------------- deciding
    def decide(self, patch: DecisionPatch, label: str, *, advance: bool = False,
               merge_key: object | None = None, ids: Sequence[int] | None = None) -> None:
        view = self.w.list_view
        ids = list(ids) if ids is not None else view.target_ids()
        if not ids:
            return
        if len(ids) > 1:
            label = f"{label} ({len(ids)} papers)"
        self.w.controller.decide(ids, patch, label, merge_key=merge_key)
        self.update_status()
        if advance and len(ids) == 1 and self.w.prefs.get("advance_after_decision"):
            row = view.current_row()
            if row + 1 < self.w.model.rowCount():
                view.go_to_row(row + 1)
                return
        self.show_current(reload=False)

    def toggle_star(self) -> None:
        ids = self.w.list_view.target_ids()
        if len(ids) == 1:
            self.decide(DecisionPatch(toggle_star=True), "Star", ids=ids)
            return
        records = [self.w.model.cached(i) for i in ids]
        all_starred = all(r is not None and r.starred for r in records)
        self.decide(DecisionPatch(starred=not all_starred),
                    "Unstar" if all_starred else "Star", ids=ids)

    def save_note(self, paper_id: int, text: str) -> None:
        cached = self.w.model.cached(paper_id)
        if cached is not None and cached.note == text:
            return
        self.decide(DecisionPatch(note=text), "Edit note", ids=[paper_id],
                    merge_key=("note", paper_id))

    def apply_tags(self, add: tuple[str, ...], remove: tuple[str, ...]) -> None:
        label = "Tag " + ", ".join(add) if add else "Untag " + ", ".join(remove)
        self.decide(DecisionPatch(add_tags=add, remove_tags=remove), label,
                    ids=self._tag_targets)
        self.focus_list()

    def add_tag(self) -> None:
        self._tag_targets = self.w.list_view.target_ids()
        if not self._tag_targets:
            return
        self.w.detail.tag_input.set_tags(self.library.all_tags())
        self.w.detail.tag_input.open()

    def edit_note(self) -> None:
        if self.current_id() is None:
            return
        note = self.w.detail.note
        note.setFocus(Qt.FocusReason.ShortcutFocusReason)
        note.moveCursor(note.textCursor().MoveOperation.End)

    def leave_editor(self) -> None:
        if self.w.detail.tag_input.isVisible():
            self.w.detail.tag_input.cancel()
        self.w.detail.flush_note()
        self.focus_list()

    def store_committed(self, ids: set[int]) -> None:
        pid = self.current_id()
        if pid is not None and pid in ids and not self.w.detail.note.hasFocus():
            self.show_current(reload=True)
        elif pid is not None and pid in ids:
            self.show_current(reload=False)
        self.w.schedule_counts()
        if self.w.search.available:
            self._sync_timer.start(INDEX_SYNC_DELAY_MS if self.w.search.searcher_open()
                                   else IDLE_SYNC_DELAY_MS)

    def after_undo(self, ids: tuple[int, ...]) -> None:
        """Undo and redo show the paper they changed, so the user sees what happened."""
        if len(ids) == 1:
            row = self.w.model.row_of(ids[0])
            if row is not None and row != self.w.list_view.current_row():
                self.w.list_view.go_to_row(row)
        self.show_current(reload=True)
        self.update_status()

    # ------------------------------------------------------------------ views
    def choose_view(self, spec: ViewSpec) -> None:
        self.w.sidebar.select_view(spec)
        self.w.loader.load(spec)
        self.focus_list()

    def refresh_view(self) -> None:
        self.w.loader.load(keep=self.current_id())
        self.refresh_counts()

    def header_sort(self, section: int, order: Qt.SortOrder) -> None:
        self.w.model.sort(section, order)

    def sort_requested(self, order: str, descending: bool) -> None:
        if (order or None, descending) == (self.w.loader.order, self.w.loader.descending):
            return
        if not order:  # a column that cannot be sorted: back to the view's own order
            self.w.loader.order = None
            self.sync_sort_indicator()
        self.w.loader.set_order(order, descending, keep=self.current_id())

    def sync_sort_indicator(self) -> None:
        header = self.w.list_view.horizontalHeader()
        header.blockSignals(True)
        section = next((i for i, c in enumerate(COLUMNS) if c.order == self.w.loader.order
                        and c.order), -1)
        header.setSortIndicator(section, Qt.SortOrder.DescendingOrder if self.w.loader.descending
                                else Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)

    def view_loaded(self, result: ViewResult, keep: int | None) -> None:
        view = self.w.list_view
        self.w.center.setCurrentIndex(1 if self._library_empty() else 0)
        row = self.w.model.row_of(keep) if keep is not None else None
        if self.w.model.rowCount():
            view.go_to_row(row if row is not None else 0)
            pid = self.current_id()  # the row may not have changed, its reason may have
            self.w.detail.set_reason(self.w.model.explanation(pid) if pid is not None else None)
        else:
            self.w.detail.show_paper(None)
        self.refresh_patterns()
        self.update_status()

    def _library_empty(self) -> bool:
        if self.counts is not None and self.counts.total:
            return False
        return not self.w.loader.query and self.w.model.rowCount() == 0 and \
            self.library.count() == 0

    def view_failed(self, message: str, position: int) -> None:
        if position >= 0 or self.w.loader.query:
            self.w.search_bar.show_error(message, position if position >= 0 else None)
        else:
            self.w.statusBar().showMessage(message, 10000)

    # ----------------------------------------------------------------- search
    def focus_search(self) -> None:
        edit = self.w.search_bar.edit
        edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        edit.selectAll()

    def clear_search(self) -> None:
        if self.w.search_bar.edit.text():
            self.w.search_bar.clear()
        self.focus_list()

    def to_list(self) -> None:
        self.w.search_bar.commit()
        self.focus_list()

    def search_typed(self, text: str) -> None:
        """Immediate feedback on a query that cannot parse (the search itself waits)."""
        try:
            self.w.search.validate(text)
        except ValueError as exc:
            self.w.search_bar.show_error(getattr(exc, "message", str(exc)),
                                         getattr(exc, "position", None))
            return
        self.w.search_bar.clear_error()

    def search_changed(self, query: str) -> None:
        if self.w.search_bar.error_text:
            return  # the message under the field says why nothing runs
        if query and not self.w.search.available:
            self.w.search_bar.show_error("search is not available in this build")
            return
        self.w.loader.load(query=query)

    def refresh_patterns(self) -> None:
        patterns = Patterns.build(self.w.loader.query, self.highlight_for,
                                  self.highlight_against)
        self.w.detail.set_patterns(patterns)

    def edit_highlights(self) -> None:
        from triage_app.gui.highlight_dialog import HighlightDialog

        dialog = HighlightDialog(self.highlight_for, self.highlight_against, self.w)
        if dialog.exec():
            self.highlight_for, self.highlight_against = dialog.lists()
            library, for_, against = self.library, self.highlight_for, self.highlight_against
            self.w.writer.submit(lambda _j: save_lists(library, for_, against),
                                 label="Saving the highlight words")
            self.refresh_patterns()
        self.focus_list()

    # ----------------------------------------------------------------- status
    def refresh_counts(self, *, sync: bool = False) -> None:
        if self._closing:
            return
        library = self.library
        midnight = local_midnight_utc_iso()

        def run(_job: Job) -> SidebarCounts:
            return sidebar_counts(library, midnight)

        if sync:
            self._counts_ready(run(Job(run)))
        else:
            self.w.search_lane.submit(run, key="counts", on_done=self._counts_ready,
                                      label="Counting")

    def _counts_ready(self, counts: SidebarCounts) -> None:
        if self._closing:
            return
        self.counts = counts
        self.w.sidebar.set_counts(counts)
        self.update_status()
        if counts.total and self.w.center.currentIndex() == 1:
            self.w.center.setCurrentIndex(0)

    def status_text(self) -> str:
        counts = self.counts
        inbox = counts.status.get("new", 0) if counts else 0
        today = counts.decided_today if counts else 0
        parts = [f"Inbox {inbox}", f"{self.w.model.new_count} left in this view",
                 f"today {today} triaged", f"{self.w.controller.pace.per_minute():.1f}/min"]
        return " · ".join(parts)

    def update_status(self) -> None:
        self.w.counts_label.setText(self.status_text())

    # --------------------------------------------------------------- browser
    def _open(self, make_url: Callable[..., str]) -> None:
        pid = self.current_id()
        record = self.w.detail.record if self.w.detail.record and \
            self.w.detail.record.id == pid else (self.library.get_paper(pid) if pid else None)
        if record is not None:
            self.w.open_url(make_url(record))

    def open_arxiv(self) -> None:
        self._open(arxiv_url)

    def open_scholar(self) -> None:
        self._open(scholar_url)

    # --------------------------------------------------------------- settings
    def toggle_advance(self) -> None:
        self.w.prefs.set("advance_after_decision", self.w.action_set["toggle_advance"].isChecked())

    def toggle_dark(self) -> None:
        from triage_app.gui.theme import apply_theme

        theme = "dark" if self.w.action_set["toggle_dark"].isChecked() else "light"
        self.w.prefs.set("theme", theme)
        apply_theme(QApplication.instance(), theme)  # type: ignore[arg-type]
        self.w.action_set.refresh_icons()
        self.w.sidebar.refresh_icons()
        self.w.detail.refresh_colours()
        self.w.model.restyle()

    # ---------------------------------------------------------------- imports
    def _ask_files(self) -> list[str]:
        files, _ = QFileDialog.getOpenFileNames(
            self.w, "Import listings", str(Path.home()),
            "Listings and backups (*.txt *.json *.csv);;All files (*)")
        return files

    def import_files(self) -> None:
        files = self.choose_files()
        if files:
            self.import_paths([Path(f) for f in files])

    def import_clipboard(self) -> None:
        text = QGuiApplication.clipboard().text()
        if not text.strip():
            self.w.statusBar().showMessage("The clipboard holds no text to import.", 6000)
            return
        folder, data = self.library.folder, text.encode("utf-8")
        stamp = utc_now()[:19].replace(":", "-")

        def run(job: Job) -> list[ImportReport]:
            return run_import_child(folder, ["-", "--name", f"clipboard-{stamp}.txt"], job,
                                    stdin=data)

        self._run_import(run, "Importing from the clipboard")

    def import_paths(self, paths: Sequence[Path]) -> None:
        folder, names = self.library.folder, [str(p) for p in paths]

        def run(job: Job) -> list[ImportReport]:
            return run_import_child(folder, names, job)

        self._run_import(run, f"Importing {len(names)} file{'s' if len(names) != 1 else ''}")

    def load_demo(self) -> None:
        try:
            from triage_app.core.ingest import load_demo
        except ImportError:
            self.w.statusBar().showMessage("No demo listings in this build.", 6000)
            return
        library = self.library
        self._run_import(lambda _job: load_demo(library), "Loading the demo listings")

    def _run_import(self, fn: Callable[[Job], list[ImportReport]], label: str) -> None:
        job = self.w.writer.submit(fn, label=label, on_done=self._imported,
                                   on_error=self._work_failed, on_progress=self._progress)
        self._follow(job, label)

    def _imported(self, reports: list[ImportReport]) -> None:
        self._work_done()
        self.w.report.show_reports(reports)
        self.w.loader.load(keep=self.current_id(), append=True)
        self.refresh_counts()
        # At once, so the search warm-up stays held (heavy_work) from the import to the end
        # of its indexing: resuming in between cost the window 40-70 ms stalls.
        self.sync_index()

    # ----------------------------------------------------------------- export
    def _ask_export(self) -> tuple[str, str]:
        from triage_app.core.export import FORMATS

        filters = [f"{f.name.upper()}: {f.description} (*{f.suffix})" for f in FORMATS.values()]
        path, chosen = QFileDialog.getSaveFileName(self.w, "Export this view", str(Path.home()),
                                                   ";;".join(filters))
        fmt = next((f.name for f, label in zip(FORMATS.values(), filters, strict=True)
                    if label == chosen), "json")
        return path, fmt

    def export(self) -> None:
        path, fmt = self.choose_export()
        if not path:
            return
        from triage_app.core.export import export_papers

        library, ids = self.library, list(self.w.model.ids)

        def run(job: Job) -> int:
            return export_papers(library, fmt, path, ids=ids, progress=job.progress,
                                 cancel=job.is_cancelled)

        def done(n: int) -> None:
            self._work_done()
            self.w.statusBar().showMessage(f"Exported {n} papers to {path}", 10000)

        job = self.w.writer.submit(run, label="Export", on_done=done,
                                   on_error=self._work_failed, on_progress=self._progress)
        self._follow(job, f"Exporting {len(ids)} papers")

    # --------------------------------------------------------- long work UI
    def _follow(self, job: Job, label: str) -> None:
        self._work = job
        self.w.statusBar().showMessage(label + "…")
        QTimer.singleShot(PROGRESS_DELAY_MS, lambda: self._show_progress(job, label))

    def _show_progress(self, job: Job, label: str) -> None:
        if self._work is job and not self._closing:
            self.w.progress.setFormat(f"{label}: %p%")
            self.w.progress.show()
            self.w.cancel_button.show()

    def _progress(self, done: int, total: int) -> None:
        self.w.progress.setMaximum(max(1, total))
        self.w.progress.setValue(min(done, total))

    def _work_done(self) -> None:
        self._work = None
        self.w.progress.hide()
        self.w.cancel_button.hide()
        self.w.statusBar().clearMessage()

    def _work_failed(self, exc: BaseException) -> None:
        self._work_done()
        self.w.statusBar().showMessage(f"Failed: {exc}", 15000)

    def cancel_work(self) -> None:
        if self._work is not None:
            self._work.cancel()
            self.w.statusBar().showMessage("Cancelling…")

    # ---------------------------------------------------------------- index
    def heavy_work(self) -> bool:
        """An import, export or index sync is running (read from the prewarm thread too):
        background warm-ups of the search wait for it to end. A child indexer runs only
        inside the index lane's sync job, so a busy lane covers it."""
        return self._work is not None or self.w.index_lane.busy

    def sync_pending(self) -> bool:
        return self._sync_timer.isActive()

    def sync_index(self) -> None:
        """Bring the search index up to date, on the search lane, after changes settle."""
        if self._closing or not self.w.search.available:
            return
        if self._work is not None:
            # An import is writing (or an export reading): indexing beside it would put a
            # second child process on the CPU the window needs. Asked again in a moment (an
            # import's end also starts a sync).
            self._sync_timer.start(INDEX_SYNC_DELAY_MS)
            return
        self._sync_timer.stop()  # this sync takes every change committed so far
        search = self.w.search

        def run(job: Job) -> object:
            return search.sync(progress=job.progress, cancel=job.is_cancelled)

        def failed(exc: BaseException) -> None:
            if type(exc).__name__ != "IndexCancelled":  # cancelled at exit: resumes next time
                self.w.statusBar().showMessage(f"The search index could not be updated: {exc}",
                                               15000)

        def done(_result: object) -> None:
            # Warm the service for the index as it now is (the first time, or after an
            # import's new segment); cheap when it is warm already.
            if not self._closing:
                hold = self.heavy_work
                self.w.search_lane.submit(lambda _job: search.prepare(hold), key="prepare")

        self._sync_job = self.w.index_lane.submit(run, key="sync", label="Indexing",
                                                  on_done=done, on_error=failed)

