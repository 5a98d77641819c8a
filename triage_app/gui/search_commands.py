"""The search field's commands and what the reader paints: search terms and the user's
highlight-for and highlight-against words."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from triage_app.core.store import Library
from triage_app.core.triage import load_lists, save_lists
from triage_app.gui.detail_pane import DetailPane
from triage_app.gui.highlight import Patterns
from triage_app.gui.search_bar import SearchBar
from triage_app.gui.search_worker import SearchAdapter
from triage_app.gui.view_loader import ViewLoader
from triage_app.gui.workers import Lane


class SearchCommands:
    """Runs what the field asks for through the view loader; keeps the highlight lists.

    `focus_list` hands the keys back to the list; `dialog_parent` owns the highlight dialog.
    """

    def __init__(
        self,
        search_bar: SearchBar,
        search: SearchAdapter,
        loader: ViewLoader,
        detail: DetailPane,
        library: Library,
        writer: Lane,
        focus_list: Callable[[], None],
        dialog_parent: QWidget,
        current_id: Callable[[], int | None] = lambda: None,
    ) -> None:
        self.search_bar = search_bar
        self.search = search
        self.loader = loader
        self.detail = detail
        self.library = library
        self.writer = writer
        self.focus_list = focus_list
        self.dialog_parent = dialog_parent
        self.current_id = current_id
        self.highlight_for, self.highlight_against = load_lists(library)

    # ------------------------------------------------------------ the field
    def focus_search(self) -> None:
        edit = self.search_bar.edit
        edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        edit.selectAll()

    def clear_search(self) -> None:
        if self.search_bar.edit.text():
            self.search_bar.clear()
        self.focus_list()

    def to_list(self) -> None:
        self.search_bar.commit()
        self.focus_list()

    def search_typed(self, text: str) -> None:
        """Immediate feedback on a query that cannot parse (the search itself waits)."""
        try:
            self.search.validate(text)
        except ValueError as exc:
            self.search_bar.show_error(
                getattr(exc, "message", str(exc)), getattr(exc, "position", None)
            )
            return
        self.search_bar.clear_error()

    def search_changed(self, query: str) -> None:
        if self.search_bar.error_text:
            return  # the message under the field says why nothing runs
        if query and not self.search.available:
            self.search_bar.show_error("search is not available in this build")
            return
        # Leaving a search keeps the paper being read: the whole view comes back around it.
        self.loader.load(query=query, keep=None if query else self.current_id())

    # ------------------------------------------------------------ highlights
    def refresh_patterns(self) -> None:
        patterns = Patterns.build(self.loader.query, self.highlight_for, self.highlight_against)
        self.detail.set_patterns(patterns)

    def edit_highlights(self) -> None:
        from triage_app.gui.highlight_dialog import HighlightDialog

        dialog = HighlightDialog(self.highlight_for, self.highlight_against, self.dialog_parent)
        if dialog.exec():
            self.highlight_for, self.highlight_against = dialog.lists()
            library, for_, against = self.library, self.highlight_for, self.highlight_against
            self.writer.submit(
                lambda _j: save_lists(library, for_, against), label="Saving the highlight words"
            )
            self.refresh_patterns()
        self.focus_list()
