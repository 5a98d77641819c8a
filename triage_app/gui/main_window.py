"""The triage window: composes the sidebar, list, reader, search field and status bar,
builds the controllers that act on them (one per concern, bundled in `commands.py`) and
wires their signals. Controllers get the widgets and lanes they use, never the window."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QUrl
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.store import Library
from triage_app.core.triage import ACTIONS, Action, ViewSpec
from triage_app.gui import icons
from triage_app.gui.action_set import ActionSet
from triage_app.gui.commands import WindowCommands
from triage_app.gui.daily_backup import DailyBackup
from triage_app.gui.decision_commands import DecisionCommands
from triage_app.gui.detail_pane import DetailPane
from triage_app.gui.help_overlay import HelpOverlay
from triage_app.gui.import_panel import EmptyLibraryPage, ImportReportLine
from triage_app.gui.index_sync import IndexSync
from triage_app.gui.key_dispatcher import KeyDispatcher
from triage_app.gui.list_view import PaperListView
from triage_app.gui.paper_cursor import PaperCursor
from triage_app.gui.paper_table_model import PaperTableModel
from triage_app.gui.preference_commands import PreferenceCommands
from triage_app.gui.progress_view import ProgressCommands
from triage_app.gui.search_bar import SearchBar
from triage_app.gui.search_commands import SearchCommands
from triage_app.gui.search_worker import SearchAdapter
from triage_app.gui.settings import Preferences, WindowState
from triage_app.gui.sidebar import Sidebar
from triage_app.gui.status_counts import StatusCounts
from triage_app.gui.transfers import Transfers, WorkProgress
from triage_app.gui.triage_controller import TriageController
from triage_app.gui.view_commands import ViewCommands
from triage_app.gui.view_loader import ViewLoader
from triage_app.gui.workers import Job, Lane


class MainWindow(QMainWindow):
    def __init__(
        self,
        library: Library,
        qsettings: QSettings,
        *,
        actions: Sequence[Action] = ACTIONS,
        synchronous: bool = False,
        open_url: Callable[[str], object] | None = None,
        keymap_error: str | None = None,
        daily_backup: bool = False,
    ) -> None:
        super().__init__()
        self.library = library
        self.qsettings = qsettings
        self.prefs = Preferences(qsettings)
        self.state = WindowState(qsettings)
        self.open_url = open_url or (lambda url: QDesktopServices.openUrl(QUrl(url)))
        self.setWindowTitle(f"Triage — {library.display_name}")
        self.setAcceptDrops(True)

        # ---- background lanes and services
        self.writer = Lane("writer", synchronous=synchronous, parent=self)
        self.search_lane = Lane("search", synchronous=synchronous, parent=self)
        # Index writes get a lane of their own: indexing a big import takes minutes and must
        # hold up neither decisions (writer lane) nor view loads (search lane).
        self.index_lane = Lane("index", synchronous=synchronous, parent=self)
        self.search = SearchAdapter(library)

        # ---- widgets
        self.action_set = ActionSet(actions, self)
        self.model = PaperTableModel(library, self)
        self.list_view = PaperListView(self.model)
        self.detail = DetailPane(
            self.action_set,
            note_delay_ms=self.prefs.get("note_save_delay_ms"),
            search_spans=self.search.spans,
        )
        self.sidebar = Sidebar()
        self.search_bar = SearchBar(delay_ms=self.prefs.get("search_delay_ms"))
        self.report = ImportReportLine()
        self.empty_page = EmptyLibraryPage()
        self.center = QStackedWidget()
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(4)
        list_layout.addWidget(self.search_bar)
        list_layout.addWidget(self.report.details)
        list_layout.addWidget(self.list_view, 1)
        self.center.addWidget(list_page)
        self.center.addWidget(self.empty_page)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(self.center)
        self.right.addWidget(self.detail)
        self.right.setStretchFactor(0, 3)
        self.right.setStretchFactor(1, 2)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 1100])
        self.right.setSizes([430, 400])
        container = QWidget()
        outer = QHBoxLayout(container)
        outer.setContentsMargins(4, 4, 4, 0)
        outer.addWidget(self.splitter)
        self.setCentralWidget(container)
        self.help_overlay = HelpOverlay(self)
        self.help_overlay.set_actions(self.action_set.table)

        # ---- status bar
        self.counts_label = QLabel()
        self.counts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QToolButton()
        self.cancel_button.setIcon(icons.icon("cancel"))
        self.cancel_button.setToolTip("Cancel")
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.hide()
        status = self.statusBar()
        status.addWidget(self.report, 1)
        status.addPermanentWidget(self.progress)
        status.addPermanentWidget(self.cancel_button)
        status.addPermanentWidget(self.counts_label)

        # ---- behaviour
        self.undo_stack = QUndoStack(self)
        self.controller = TriageController(library, self.writer, self.model, self.undo_stack, self)
        self.loader = ViewLoader(library, self.search_lane, self.model, self.search, self)
        self.dispatcher = KeyDispatcher(self.action_set.table, self)
        self.dispatcher.attach(self.list_view, "list")
        self.dispatcher.attach(self.search_bar.edit, "search")
        self.dispatcher.attach(self.detail.note, "reader")
        self.dispatcher.attach(self.detail.tag_input, "reader")
        self.dispatcher.attach(self.sidebar, "other")
        self.dispatcher.attach(self.detail.title, "other")
        self.dispatcher.attach(self.detail.abstract, "other")
        self.dispatcher.attach(self, "other")
        self.dispatcher.triggered.connect(self.action_set.activate)
        self.commands = self._build_commands()
        self.action_set.bind(
            self.commands.handlers(
                select_all=self.list_view.selectAll,
                undo=self.undo_stack.undo,
                redo=self.undo_stack.redo,
                quit=self.close,
                help=self.help_overlay.open,
            )
        )
        self.action_set.build_menus(self.menuBar())
        self._wire()
        self._restore_state()
        self.commands.start(self._saved_view())
        if keymap_error:
            self.statusBar().showMessage(keymap_error, 15000)
        self.backup = DailyBackup(library, self.statusBar(), self, sync=synchronous)
        if daily_backup:
            self.backup.start()

    # ------------------------------------------------------------ controllers
    def _build_commands(self) -> WindowCommands:
        library, status_bar = self.library, self.statusBar()
        cursor = PaperCursor(
            self.list_view,
            self.model,
            self.detail,
            library,
            writes_in_flight=self.controller.in_flight,
            open_url=self.open_url,
        )
        status = StatusCounts(
            library,
            self.search_lane,
            self.sidebar,
            self.counts_label,
            self.center,
            self.model,
            per_minute=self.controller.pace.per_minute,
            parent=self,
        )
        search = SearchCommands(
            self.search_bar,
            self.search,
            self.loader,
            self.detail,
            library,
            self.writer,
            focus_list=cursor.focus_list,
            dialog_parent=self,
            current_id=cursor.current_id,
        )
        views = ViewCommands(
            self.loader,
            self.list_view,
            self.model,
            cursor,
            self.sidebar,
            self.center,
            self.detail,
            self.search_bar,
            status,
            library,
            refresh_patterns=search.refresh_patterns,
            status_bar=status_bar,
        )
        decisions = DecisionCommands(
            cursor,
            self.list_view,
            self.model,
            self.detail,
            self.controller,
            library,
            self.prefs,
            update_status=status.update_status,
        )
        preferences = PreferenceCommands(
            self.prefs,
            self.action_set["toggle_advance"],
            self.action_set["toggle_dark"],
            restyle=(
                self.action_set.refresh_icons,
                self.sidebar.refresh_icons,
                self.detail.refresh_colours,
                self.model.restyle,
            ),
        )
        progress = WorkProgress(self.progress, self.cancel_button, status_bar)
        index_sync = IndexSync(
            self.search,
            self.index_lane,
            self.search_lane,
            transfer_running=progress.running,
            status_bar=status_bar,
            parent=self,
        )
        transfers = Transfers(
            library,
            self.writer,
            self.loader,
            self.model,
            self.report,
            progress,
            current_id=cursor.current_id,
            refresh_counts=status.refresh_counts,
            imported=index_sync.import_finished,
            status_bar=status_bar,
            dialog_parent=self,
        )
        charts = ProgressCommands(library, status_bar, self, synchronous=self.writer.synchronous)
        return WindowCommands(
            cursor,
            decisions,
            views,
            search,
            status,
            preferences,
            progress,
            transfers,
            index_sync,
            charts,
        )

    def _wire(self) -> None:
        c = self.commands
        selection = self.list_view.selectionModel()
        selection.currentRowChanged.connect(c.cursor.current_changed)

        def count_selected(*_args: object) -> None:
            ranges = selection.selection()
            c.status.set_selected(sum(ranges.at(i).height() for i in range(ranges.count())))

        selection.selectionChanged.connect(count_selected)
        self.model.modelReset.connect(count_selected)
        self.list_view.doubleClicked.connect(lambda _i: c.cursor.open_arxiv())
        self.list_view.horizontalHeader().sortIndicatorChanged.connect(c.views.header_sort)
        self.model.sortRequested.connect(c.views.sort_requested)
        self.loader.loaded.connect(c.views.view_loaded)
        self.loader.failed.connect(c.views.view_failed)
        self.sidebar.viewChosen.connect(c.views.choose_view)
        self.search_bar.queryChanged.connect(c.search.search_changed)
        self.search_bar.edit.textChanged.connect(c.search.search_typed)
        self.detail.noteEdited.connect(c.decisions.save_note)
        self.detail.tag_input.applied.connect(c.decisions.apply_tags)
        self.detail.tag_input.cancelled.connect(c.cursor.focus_list)
        # A commit: the reader shows it, then the counts and the index catch up.
        self.controller.committed.connect(c.cursor.store_committed)
        self.controller.committed.connect(lambda _ids: c.status.schedule())
        self.controller.committed.connect(lambda _ids: c.index_sync.changes_committed())
        self.controller.committed.connect(lambda _ids: c.charts.changed())
        self.loader.loaded.connect(lambda *_: c.charts.changed())
        self.controller.message.connect(lambda m: self.statusBar().showMessage(m, 10000))
        self.controller.undone.connect(c.decisions.after_undo)
        self.writer.failed.connect(lambda m: self.statusBar().showMessage(m, 10000))
        self.search_lane.failed.connect(lambda m: self.statusBar().showMessage(m, 10000))
        self.index_lane.failed.connect(lambda m: self.statusBar().showMessage(m, 10000))
        self.cancel_button.clicked.connect(c.progress.cancel)
        self.empty_page.demoRequested.connect(c.transfers.load_demo)
        self.empty_page.importRequested.connect(c.transfers.import_files)
        self.undo_stack.canUndoChanged.connect(self.action_set["undo"].setEnabled)
        self.undo_stack.canRedoChanged.connect(self.action_set["redo"].setEnabled)
        self.action_set["undo"].setEnabled(False)
        self.action_set["redo"].setEnabled(False)

    def counts_pending(self) -> bool:
        return self.commands.status.pending()

    def timers_pending(self) -> bool:
        """Deferred work not yet queued (counts, index sync): tests wait for it."""
        return self.commands.timers_pending()

    def _shutdown(self) -> None:
        """Stop what is scheduled and cancel what runs, then close the lanes: the writer
        first (its queued writes land), the search service last, on its own lane."""
        self.search_bar.commit_timer_stop()
        self.commands.stop()
        self.writer.close()
        self.backup.close()
        search = self.search

        def close_search(_job: Job) -> None:
            search.close()

        self.index_lane.close()
        self.search_lane.submit(close_search)
        self.search_lane.close()
        self.controller.close()

    # ------------------------------------------------------------ persistence
    def _saved_view(self) -> ViewSpec:
        return ViewSpec.from_key(self.state.value("view", "inbox"))

    def _fit_first_window(self) -> None:
        """A first window of 1360x860, shrunk to fit (and centred on) a smaller screen."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1360, 860)
            return
        area = screen.availableGeometry()
        width = min(1360, int(area.width() * 0.95))
        height = min(860, int(area.height() * 0.92))
        self.resize(width, height)
        self.move(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2)

    def _restore_state(self) -> None:
        geometry = self.state.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self._fit_first_window()
        for name, splitter in (("splitter", self.splitter), ("right_splitter", self.right)):
            saved = self.state.value(name)
            if isinstance(saved, QByteArray) and not saved.isEmpty():
                splitter.restoreState(saved)
        header = self.state.value("header")
        if isinstance(header, QByteArray) and not header.isEmpty():
            horizontal = self.list_view.horizontalHeader()
            horizontal.blockSignals(True)  # its sort indicator is not a request to sort
            horizontal.restoreState(header)
            horizontal.blockSignals(False)
        order = self.state.value("sort_order", "")
        self.loader.order = str(order) or None
        self.loader.descending = str(self.state.value("sort_descending", "false")) == "true"
        self.commands.views.sync_sort_indicator()
        self.action_set["toggle_advance"].setChecked(self.prefs.get("advance_after_decision"))
        self.action_set["toggle_dark"].setChecked(
            self.prefs.get("theme") == "dark" or icons.is_dark()
        )

    def save_state(self) -> None:
        self.state.set("geometry", self.saveGeometry())
        self.state.set("splitter", self.splitter.saveState())
        self.state.set("right_splitter", self.right.saveState())
        self.state.set("header", self.list_view.horizontalHeader().saveState())
        self.state.set("view", self.loader.spec.key())
        self.state.set("sort_order", self.loader.order or "")
        self.state.set("sort_descending", "true" if self.loader.descending else "false")
        self.state.sync()

    # ----------------------------------------------------------------- events
    def closeEvent(self, event: QCloseEvent) -> None:
        self.detail.flush_note()  # the last keystrokes of a note go on the writer lane now
        self.save_state()
        self._shutdown()
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.commands.transfers.import_paths(paths)
