"""Deciding from the window: ratings, keep and dismiss, stars, tags and notes.

Each handler turns a key or click into one `TriageController.decide` call on the papers it
targets (the selection, else the current paper) and moves the cursor; the rules of a
decision live in the core.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt

from triage_app.core.store import Library
from triage_app.core.triage import DecisionPatch
from triage_app.gui.detail_pane import DetailPane
from triage_app.gui.list_view import PaperListView
from triage_app.gui.paper_cursor import PaperCursor
from triage_app.gui.paper_table_model import PaperTableModel
from triage_app.gui.settings import Preferences
from triage_app.gui.triage_controller import TriageController


class DecisionCommands:
    """Decisions on the targeted papers, the tag field and the note editor."""

    def __init__(
        self,
        cursor: PaperCursor,
        list_view: PaperListView,
        model: PaperTableModel,
        detail: DetailPane,
        controller: TriageController,
        library: Library,
        prefs: Preferences,
        update_status: Callable[[], None],
    ) -> None:
        self.cursor = cursor
        self.list_view = list_view
        self.model = model
        self.detail = detail
        self.controller = controller
        self.library = library
        self.prefs = prefs
        self.update_status = update_status

    def decide(
        self,
        patch: DecisionPatch,
        label: str,
        *,
        advance: bool = False,
        merge_key: object | None = None,
        ids: Sequence[int] | None = None,
    ) -> None:
        view = self.list_view
        ids = list(ids) if ids is not None else view.target_ids()
        if not ids:
            return
        if len(ids) > 1:
            label = f"{label} ({len(ids)} papers)"
        self.controller.decide(ids, patch, label, merge_key=merge_key)
        self.update_status()
        if advance and len(ids) == 1 and self.prefs.get("advance_after_decision"):
            row = view.current_row()
            if row + 1 < self.model.rowCount():
                view.go_to_row(row + 1)
                return
        self.cursor.show_current(reload=False)

    def rate(self, n: int) -> None:
        self.decide(DecisionPatch(rating=n), f"Rate {n}", advance=True)

    def clear_rating(self) -> None:
        self.decide(DecisionPatch(rating=None), "Clear rating")

    def keep(self) -> None:
        self.decide(DecisionPatch(status="kept"), "Keep", advance=True)

    def dismiss(self) -> None:
        self.decide(DecisionPatch(status="dismissed"), "Dismiss", advance=True)

    def reset(self) -> None:
        self.decide(DecisionPatch(status="new"), "Back to new")

    def toggle_star(self) -> None:
        ids = self.list_view.target_ids()
        if len(ids) == 1:
            self.decide(DecisionPatch(toggle_star=True), "Star", ids=ids)
            return
        records = [self.model.cached(i) for i in ids]
        all_starred = all(r is not None and r.starred for r in records)
        self.decide(
            DecisionPatch(starred=not all_starred), "Unstar" if all_starred else "Star", ids=ids
        )

    # ------------------------------------------------------------------- tags
    def add_tag(self) -> None:
        self._tag_targets = self.list_view.target_ids()
        if not self._tag_targets:
            return
        self.detail.tag_input.set_tags(self.library.all_tags())
        self.detail.tag_input.open()

    def apply_tags(self, add: tuple[str, ...], remove: tuple[str, ...]) -> None:
        label = "Tag " + ", ".join(add) if add else "Untag " + ", ".join(remove)
        self.decide(DecisionPatch(add_tags=add, remove_tags=remove), label, ids=self._tag_targets)
        self.cursor.focus_list()

    # ------------------------------------------------------------------ notes
    def edit_note(self) -> None:
        if self.cursor.current_id() is None:
            return
        note = self.detail.note
        note.setFocus(Qt.FocusReason.ShortcutFocusReason)
        note.moveCursor(note.textCursor().MoveOperation.End)

    def save_note(self, paper_id: int, text: str) -> None:
        cached = self.model.cached(paper_id)
        if cached is not None and cached.note == text:
            return
        self.decide(
            DecisionPatch(note=text), "Edit note", ids=[paper_id], merge_key=("note", paper_id)
        )

    def leave_editor(self) -> None:
        if self.detail.tag_input.isVisible():
            self.detail.tag_input.cancel()
        self.detail.flush_note()
        self.cursor.focus_list()

    # ------------------------------------------------------------------- undo
    def after_undo(self, ids: tuple[int, ...]) -> None:
        """Undo and redo show the paper they changed, so the user sees what happened."""
        if len(ids) == 1:
            self.cursor.go_to_paper(ids[0])
        self.cursor.show_current(reload=True)
        self.update_status()
