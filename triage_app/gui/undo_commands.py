"""One generic QUndoCommand over the core's reversible `Change`.

`mark()` has already applied a decision when the command is pushed, so the first `redo()`
does nothing; later `undo()`/`redo()` ask the runner to write the change's `before` or
`after` states (on the writer lane, after the write that produced the change). Consecutive
edits of one paper's note merge into one step.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoCommand

from triage_app.gui.workers import Job

NOTE_MERGE_ID = 1


class ChangeRunner(Protocol):
    def replay(self, jobs: list[Job], *, undo: bool, label: str = "") -> None: ...


class ChangeCommand(QUndoCommand):
    """Undo/redo of the `Change`s that one or more writer jobs return."""

    def __init__(
        self, runner: ChangeRunner, job: Job, text: str, merge_key: object | None = None
    ) -> None:
        super().__init__(text)
        self.runner = runner
        self.jobs = [job]
        self.merge_key = merge_key
        self._applied = True  # mark() already wrote it

    def id(self) -> int:
        return NOTE_MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ChangeCommand) or other.merge_key != self.merge_key:
            return False
        self.jobs.extend(other.jobs)
        return True

    def redo(self) -> None:
        if self._applied:
            return
        self._applied = True
        self.runner.replay(self.jobs, undo=False, label=self.text())

    def undo(self) -> None:
        self._applied = False
        self.runner.replay(self.jobs, undo=True, label=self.text())
