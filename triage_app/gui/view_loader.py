"""Loads what the list shows (a view, narrowed by the search, in the chosen order) off the
UI thread; a newer request supersedes an older one, whose result is dropped."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from triage_app.core.store import Library
from triage_app.core.triage import Ranking, ViewResult, ViewSpec, load_newer, load_view
from triage_app.gui.paper_table_model import PaperTableModel, row_map
from triage_app.gui.search_worker import SearchAdapter, cancelled_types, query_error_types
from triage_app.gui.workers import Job, Lane


class ViewLoader(QObject):
    loaded = Signal(object, object)  # ViewResult, paper id to keep current (or None)
    failed = Signal(str, int)  # message, position in the query (-1 when not a query error)

    def __init__(
        self,
        library: Library,
        lane: Lane,
        model: PaperTableModel,
        search: SearchAdapter,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.lane = lane
        self.model = model
        self.search = search
        self.spec = ViewSpec()
        self.query = ""
        self.order: str | None = None
        self.descending = False
        self.loading = False
        self._job: Job | None = None
        # The last For you ranking: a sort by column keeps showing its reasons.
        self._ranking: Ranking | None = None
        # What the list shows now: (view, query, order, descending).
        self.shown_view: tuple[ViewSpec, str, str | None, bool] | None = None

    def load(
        self,
        spec: ViewSpec | None = None,
        *,
        query: str | None = None,
        keep: int | None = None,
        sync: bool = False,
        append: bool = False,
    ) -> None:
        """Show `spec` (default: the current view); `keep` is a paper id to stay on.

        `append` (after an import): when the view's order puts every new paper after the
        ones shown, they are appended and the rows shown stay, decided ones dimmed until a
        refresh, as always. That spares a big list a reset (relayout and re-reading the
        rows in sight, on the UI thread) and the reader its place.
        In id order only the new papers are read (`load_newer`)."""
        if spec is not None:
            self.spec = spec
        if query is not None:
            self.query = query.strip()
        spec, text, order, desc = self.spec, self.query, self.order, self.descending
        library, search = self.library, self.search
        same = self.shown_view == (spec, text, order, desc)
        shown = self.model.ids if append and same else None
        shown_rows = self.model.shown_row_map() if shown is not None else None
        if self._job is not None:
            self._job.cancel()

        def run(job: Job) -> ViewResult:
            return load_view(
                library,
                spec,
                query=text,
                order=order,
                descending=desc,
                search=lambda q, within: search.ids(q, within=within, cancel=job.is_cancelled),
            )

        def run_with_rows(job: Job) -> tuple[ViewResult, dict[int, int], list[int] | None]:
            if shown is not None:
                newer = load_newer(library, spec, shown, query=text, order=order, descending=desc)
                if newer is not None:
                    # The whole id -> row map, built here off the UI thread: the model then
                    # takes the new rows as they are.
                    rows = dict(shown_rows) if shown_rows is not None else row_map(shown)
                    rows.update(row_map(newer.ids[len(shown) :], len(shown)))
                    return newer, rows, shown
            result = run(job)
            if shown is not None:
                ids = appended(shown, result.ids)
                if ids is not None:  # a list of its own: shown, then the new papers
                    result = replace(result, ids=ids)
                    return result, row_map(ids), shown
            return result, row_map(result.ids), None

        self.loading = True
        if sync:
            job = Job(run)
            self._apply(run(job), keep=keep)
            return
        self._job = self.lane.submit(
            run_with_rows,
            key="view",
            label="Loading the view",
            on_done=lambda found: self._apply(*found, keep=keep),
            on_error=self._error,
        )

    def set_order(self, order: str | None, descending: bool, *, keep: int | None) -> None:
        self.order, self.descending = order or None, descending
        self.load(keep=keep)

    def _apply(
        self,
        result: ViewResult,
        row_of: dict[int, int] | None = None,
        appends: list[int] | None = None,
        *,
        keep: int | None,
    ) -> None:
        self.loading = False
        self._job = None
        self.shown_view = (result.spec, result.query, result.order, result.descending)
        # Kept while For you shows (it is big), dropped when another view does.
        self._ranking = (result.ranking or self._ranking) if result.spec.kind == "for_you" else None
        ranking = self._ranking
        self.model.set_ids(
            result.ids,
            view_status=result.spec.status,
            new_count=result.new_count,
            ranking=ranking,
            row_of=row_of,
            appends=appends,
        )
        if self.model.needs_row_map():  # loaded on this thread (at start): map off it
            ids, model = self.model.ids, self.model
            self.lane.submit(
                lambda _job: row_map(ids),
                key="row-map",
                on_done=lambda rows: model.adopt_row_map(ids, rows),
            )
        self.loaded.emit(result, keep)

    def _error(self, exc: BaseException) -> None:
        self.loading = False
        self._job = None
        if isinstance(exc, cancelled_types()):
            if type(exc).__name__ == "SearchTimeout":
                self.failed.emit(str(exc), -1)
            return
        if isinstance(exc, query_error_types()):
            self.failed.emit(getattr(exc, "message", str(exc)), getattr(exc, "position", -1))
            return
        self.failed.emit(f"the view could not be loaded: {exc}", -1)


def appended(shown: list[int], ids: list[int]) -> list[int] | None:
    """`shown` followed by the papers of `ids` it lacks, when `ids` keeps the order of the
    papers they share and puts every other paper after them; else None."""
    have = set(shown)
    k = 0
    while k < len(ids) and ids[k] in have:
        k += 1
    tail = ids[k:]
    if any(pid in have for pid in tail):
        return None
    head = ids[:k]
    kept = set(head)
    if head != [pid for pid in shown if pid in kept]:
        return None
    return shown + tail
