"""Decisions from the window: shown at once, written on the writer lane, undoable.

A decision updates the list's cached rows immediately (the same `DecisionPatch.apply_to`
the core uses), queues `decisions.mark` on the writer lane and pushes one undo command. Rows
with writes in flight ignore store refreshes until their last write lands, so the screen
never flickers back to an older state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from triage_app.core.records import Change, DecisionState
from triage_app.core.store import Library, utc_now
from triage_app.core.triage import DecisionPatch, PaceTracker, mark, redo
from triage_app.core.triage import undo as undo_change
from triage_app.gui.paper_columns import state_of
from triage_app.gui.paper_table_model import PaperTableModel
from triage_app.gui.undo_commands import ChangeCommand
from triage_app.gui.workers import Job, Lane


class StoreBridge(QObject):
    """Carries the library's after-commit notifications (any thread) to the UI thread."""

    changed = Signal(object)  # set[int]

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        library.add_listener(self._notify)

    def _notify(self, ids: set[int]) -> None:
        self.changed.emit(ids)

    def detach(self) -> None:
        self.library.remove_listener(self._notify)


class TriageController(QObject):
    """Applies decisions and replays undo/redo; knows nothing about widgets."""

    committed = Signal(object)  # set of paper ids whose rows now show the store's state
    message = Signal(str)
    undone = Signal(object)  # tuple of paper ids an undo/redo touched (to re-select them)

    def __init__(
        self,
        library: Library,
        writer: Lane,
        model: PaperTableModel,
        undo_stack: QUndoStack,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.writer = writer
        self.model = model
        self.undo_stack = undo_stack
        self.pace = PaceTracker()
        self._pending: Counter[int] = Counter()
        self.bridge = StoreBridge(library, self)
        self.bridge.changed.connect(self._store_changed)

    # ---------------------------------------------------------------- deciding
    def decide(
        self,
        ids: Sequence[int],
        patch: DecisionPatch,
        label: str,
        *,
        merge_key: object | None = None,
    ) -> Job | None:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return None
        now = utc_now()
        self.model.apply_states(
            patch.apply_to(state_of(rec), now)
            for rec in (self.model.cached(i) for i in ids)
            if rec is not None
        )
        self._pending.update(ids)
        library = self.library

        def run(_job: Job) -> Change:
            return mark(library, ids, patch, label=label)

        job = self.writer.submit(
            run,
            label=label,
            on_done=lambda change: self._written(ids, change.before, change.after),
            on_error=lambda exc: self._failed(ids, label, exc),
        )
        self.undo_stack.push(ChangeCommand(self, job, label, merge_key))
        return job

    def replay(self, jobs: list[Job], *, undo: bool, label: str = "") -> None:
        """Undo (write `before` in reverse order) or redo (write `after`) the jobs' changes."""
        done = [j.result for j in jobs if j.done.is_set() and isinstance(j.result, Change)]
        if len(done) == len(jobs) and done:
            states = done[0].before if undo else done[-1].after
            self.model.apply_states(states)
        ids = list(dict.fromkeys(i for j in jobs for i in _job_ids(j)))
        self._pending.update(ids)
        library = self.library

        def run(_job: Job) -> tuple[tuple[DecisionState, ...], tuple[DecisionState, ...]]:
            changes = [j.result for j in jobs if isinstance(j.result, Change)]
            if not changes:
                return (), ()
            for change in reversed(changes) if undo else changes:
                (undo_change if undo else redo)(library, change)
            first, last = changes[0], changes[-1]
            return (last.after, first.before) if undo else (first.before, last.after)

        def finished(result: tuple[tuple[DecisionState, ...], tuple[DecisionState, ...]]) -> None:
            before, after = result
            self._written(ids, before, after, count_pace=False)
            self.message.emit(self._replayed(label, ids, undo=undo))
            self.undone.emit(tuple(s.paper_id for s in after))

        self.writer.submit(
            run,
            label="Undo" if undo else "Redo",
            on_done=finished,
            on_error=lambda exc: self._failed(ids, "Undo", exc),
        )

    def _replayed(self, label: str, ids: Sequence[int], *, undo: bool) -> str:
        """`Undone: Keep · Title of the paper`: what an undo or redo changed, and on what."""
        said = f"{'Undone' if undo else 'Redone'}: {label or 'the last change'}"
        if len(ids) != 1:
            return said if "papers)" in label else f"{said} ({len(ids)} papers)"
        record = self.model.cached(ids[0])
        title = (record.title if record is not None else "") or f"paper {ids[0]}"
        return f"{said} · {title}"

    # ---------------------------------------------------------------- results
    def _written(
        self,
        ids: Iterable[int],
        before: Sequence[DecisionState],
        after: Sequence[DecisionState],
        *,
        count_pace: bool = True,
    ) -> None:
        ids = list(ids)
        self._pending.subtract(ids)
        settled = [i for i in ids if self._pending[i] <= 0]
        for i in settled:
            del self._pending[i]
        was_new = {s.paper_id for s in before if s.status == "new"}
        now_new = {s.paper_id for s in after if s.status == "new"}
        in_view = [
            i for i, row in zip(ids, self.model.rows_of(ids), strict=True) if row is not None
        ]
        self.model.new_count += sum(i in now_new for i in in_view) - sum(
            i in was_new for i in in_view
        )
        if count_pace:
            self.pace.record(len(was_new - now_new))
        self.model.refresh(settled)
        self.committed.emit(set(settled))

    def _failed(self, ids: Sequence[int], label: str, exc: BaseException) -> None:
        self._pending.subtract(ids)
        for i in ids:
            if self._pending[i] <= 0:
                del self._pending[i]
        self.model.refresh(ids)
        self.committed.emit(set(ids))
        self.message.emit(f"{label} was not saved: {exc}")

    def _store_changed(self, ids: set[int]) -> None:
        """A commit by anyone (an import, another lane): refresh rows not in flight."""
        quiet = [i for i in ids if not self._pending[i]]
        if quiet:
            self.model.refresh(quiet)
            self.committed.emit(set(quiet))

    def in_flight(self) -> bool:
        return bool(+self._pending)

    def close(self) -> None:
        self.bridge.detach()


def _job_ids(job: Job) -> list[int]:
    change = job.result
    if isinstance(change, Change):
        return list(change.paper_ids)
    return []
