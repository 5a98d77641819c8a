"""The window's controllers side by side, and what each action of the table does.

Every action id (core.triage.actions) maps to one controller's method in `handlers()`; the
ActionSet runs it for a menu click, a key (through the KeyDispatcher) or a button. The
controllers hold no business rules of their own: they turn input into core calls (through
the TriageController for decisions, the lanes for imports, searches and counts) and move
the cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from triage_app.core.triage import ViewSpec
from triage_app.gui.decision_commands import DecisionCommands
from triage_app.gui.index_sync import IndexSync
from triage_app.gui.paper_cursor import PaperCursor
from triage_app.gui.preference_commands import PreferenceCommands
from triage_app.gui.progress_view import ProgressCommands
from triage_app.gui.search_commands import SearchCommands
from triage_app.gui.status_counts import StatusCounts
from triage_app.gui.transfers import Transfers, WorkProgress
from triage_app.gui.view_commands import ViewCommands

Handler = Callable[[], object]
T = TypeVar("T")
VIEW_KINDS = ("inbox", "for_you", "starred", "kept", "dismissed", "all")


@dataclass(frozen=True, eq=False)
class WindowCommands:
    """One controller per concern, built and wired by the window."""

    cursor: PaperCursor
    decisions: DecisionCommands
    views: ViewCommands
    search: SearchCommands
    status: StatusCounts
    preferences: PreferenceCommands
    progress: WorkProgress
    transfers: Transfers
    index_sync: IndexSync
    charts: ProgressCommands

    def handlers(
        self, *, select_all: Handler, undo: Handler, redo: Handler, quit: Handler, help: Handler
    ) -> dict[str, Handler]:
        """Action id -> handler, for every action of the table; the window's own actions
        (selecting every row, the undo stack, closing, the help overlay) come in."""
        cursor, decisions, views, search = self.cursor, self.decisions, self.views, self.search
        h: dict[str, Handler] = {
            "next": lambda: cursor.move(1),
            "previous": lambda: cursor.move(-1),
            "select_all": select_all,
            "focus_search": search.focus_search,
            "clear_search": search.clear_search,
            "to_list": search.to_list,
            "leave_editor": decisions.leave_editor,
            "refresh": views.refresh_view,
            "toggle_star": decisions.toggle_star,
            "clear_rating": decisions.clear_rating,
            "keep": decisions.keep,
            "dismiss": decisions.dismiss,
            "reset": decisions.reset,
            "add_tag": decisions.add_tag,
            "edit_note": decisions.edit_note,
            "open_arxiv": cursor.open_arxiv,
            "open_scholar": cursor.open_scholar,
            "edit_highlights": search.edit_highlights,
            "undo": undo,
            "redo": redo,
            "toggle_advance": self.preferences.toggle_advance,
            "toggle_dark": self.preferences.toggle_dark,
            "import_files": self.transfers.import_files,
            "import_clipboard": self.transfers.import_clipboard,
            "fetch_feeds": self.transfers.fetch_feeds,
            "manage_feeds": self.transfers.manage_feeds,
            "export": self.transfers.export,
            "view_progress": self.charts.show_progress,
            "quit": quit,
            "help": help,
        }
        for n in range(1, 6):
            h[f"rate_{n}"] = _bound(decisions.rate, n)
        for kind in VIEW_KINDS:
            h[f"view_{kind}"] = _bound(views.show_kind, kind)
        return h

    def start(self, spec: ViewSpec) -> None:
        """The window is shown on `spec`: its rows first, then the counts and the index."""
        self.search.refresh_patterns()
        self.views.show_first(spec)
        # Counting scans the library: the window shows first.
        self.status.refresh_counts()
        self.cursor.take_focus()
        self.index_sync.start()
        self.transfers.fetch_if_due()  # the daily fetch, when it is on
        self.transfers.start_watching()  # the watched folder, if one is set

    def stop(self) -> None:
        """At exit, before the lanes close: nothing more is scheduled, running work is
        cancelled and no result is shown."""
        self.status.close()
        self.charts.close()
        self.index_sync.close()
        self.progress.close()
        self.transfers.stop_watching()

    def timers_pending(self) -> bool:
        """Deferred work not yet queued (counts, index sync): tests wait for it."""
        return self.status.pending() or self.index_sync.pending() or self.charts.pending()

    def import_paths(self, paths: Sequence[Path]) -> None:
        """Import files, as a drop on the window does (scripts that drive the window too)."""
        self.transfers.import_paths(paths)


def _bound(method: Callable[[T], None], arg: T) -> Handler:
    return lambda: method(arg)
