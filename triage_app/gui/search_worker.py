"""The GUI's door to `triage_app.core.search`: one long-lived SearchService on the search lane.

Everything here runs on the search lane's thread except `validate` and `spans`, which are
cheap enough for the UI thread (parsing a query; analysing one title or abstract).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from triage_app.core.store import Library

try:
    from triage_app.core import search as _search
except ImportError:  # a build without the search engine: the field says so
    _search = None  # type: ignore[assignment]


class SearchUnavailable(Exception):
    pass


def query_error_types() -> tuple[type[BaseException], ...]:
    return (_search.QueryError,) if _search is not None else ()


def cancelled_types() -> tuple[type[BaseException], ...]:
    return (_search.SearchCancelled,) if _search is not None else ()


class SearchAdapter:
    """Owns the SearchService; created lazily on the lane's thread, closed on exit."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._service: object | None = None
        # The index lane (sync) and the search lane (queries) both reach the service; the
        # first build of the index must happen once, not twice side by side.
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return _search is not None

    def _ensure(self) -> object:
        if _search is None:
            raise SearchUnavailable("search is not part of this build")
        with self._lock:
            if self._service is None:
                self._service = _search.SearchService(self.library, sync=False)
            return self._service

    def ids(self, query: str, cancel: Callable[[], bool] | None = None) -> list[int]:
        """Every hit by relevance; raises QueryError, SearchCancelled or SearchTimeout."""
        service = self._ensure()
        return service.search(query, limit=None, cancel=cancel).ids  # type: ignore[attr-defined]

    def sync(self, progress: Callable[[int, int], None] | None = None,
             cancel: Callable[[], bool] | None = None) -> object:
        """Bring the index up to date with the store (new imports, edited notes and tags)."""
        if _search is None:
            return None
        with self._lock:
            if self._service is None:
                # The first build (or a rebuild after a schema change) with progress and
                # cancel; SearchService's own open() would do it without either.
                from triage_app.core.search_index import sync_index

                report = sync_index(self.library, progress=progress, cancel=cancel)
                self._service = _search.SearchService(self.library, sync=False)
                return report
            service = self._service
        return service.sync(progress=progress, cancel=cancel)  # type: ignore[attr-defined]

    def close(self) -> None:
        with self._lock:
            if self._service is not None:
                self._service.close()  # type: ignore[attr-defined]
                self._service = None

    # ------------------------------------------------------- UI-thread helpers
    def validate(self, query: str) -> None:
        if _search is not None and query.strip():
            _search.validate(query)

    def spans(self, query: str, text: str, field: str) -> list[tuple[int, int]]:
        if _search is None or not query.strip():
            return []
        try:
            return _search.highlight_spans(query, text, field)
        except (ValueError, LookupError):
            return []
