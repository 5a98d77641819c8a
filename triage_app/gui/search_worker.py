"""The GUI's door to the search package: one long-lived SearchService on the search lane.

Everything here runs on the search lane's thread except `validate` and `spans`, which are
cheap enough for the UI thread (parsing a query; analysing one title or abstract).
"""

from __future__ import annotations

import importlib.util
import subprocess
import threading
from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

from triage_app.core.search import Node, is_current
from triage_app.core.store import Library
from triage_app.gui.latency import freeze_heap
from triage_app.workers import run_index_child

if TYPE_CHECKING:
    from triage_app.core.search import SearchService


@cache
def _engine() -> ModuleType | None:
    """The search package with its engine loaded, on first use: Whoosh is not a start-up cost."""
    try:
        import triage_app.core.search as search

        search.SearchService  # noqa: B018 - loads Whoosh, which a build may lack
    except ImportError:  # a build without the search engine: the field says so
        return None
    return search


@cache
def _freeze_engine_once() -> None:
    """The engine's modules and tables, loaded by the first warm-up, live as long as the
    process: out of the collector's full passes with what start-up loaded."""
    freeze_heap()


class SearchUnavailable(Exception):
    pass


# Up to this many changed papers are indexed on the index lane's thread once the searcher is
# open (a commit of a few documents is quick); more, or a first build, go to a child process
# (see index_process).
IN_PROCESS_MAX = 200


def query_error_types() -> tuple[type[BaseException], ...]:
    from triage_app.core.search import QueryError

    return (QueryError,)


def cancelled_types() -> tuple[type[BaseException], ...]:
    engine = _engine()
    return (engine.SearchCancelled,) if engine is not None else ()


class SearchAdapter:
    """Owns the SearchService; created lazily on the lane's thread, closed on exit."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._service: SearchService | None = None
        # The index lane (sync) and the search lane (queries) both reach the service; the
        # first build of the index must happen once, not twice side by side.
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        self._cancelled = False

    @property
    def available(self) -> bool:
        return importlib.util.find_spec("triage_app.core.search.service") is not None

    def _ensure(self) -> SearchService:
        engine = _engine()
        if engine is None:
            raise SearchUnavailable("search is not part of this build")
        with self._lock:
            if self._service is None:
                self._service = engine.SearchService(self.library, sync=False)
            return self._service

    def prepare(self, hold: Callable[[], bool] = lambda: False) -> None:
        """Open the service and warm it (on the search lane, once the index is current), so
        the first search of the session does not pay for loading. No word is read ahead:
        the index's posting arrays are memory-mapped, a word's first use costs what the next
        does (core/search/segment_arrays.py).

        `hold()` is true while the window runs heavier work (an import, an index sync; the
        rules are IndexSync's, in index_sync.py). Warming then waits for the next call
        (each index sync ends with one): beside such work it only made the window's threads
        wait for the CPU and the GIL."""
        if not self.available or hold() or not self._index_current() or self._pending():
            return
        service = self._ensure()
        service.warm()
        _freeze_engine_once()

    def searcher_open(self) -> bool:
        return self._service is not None

    def ids(
        self, query: str, cancel: Callable[[], bool] | None = None, within: Node | None = None
    ) -> list[int]:
        """Every hit by relevance; raises QueryError, SearchCancelled or SearchTimeout.

        Edits the index has not committed yet are searched from the store (see
        core/search/overlay.py): no index commit on this lane before a search."""
        service = self._ensure()
        return service.search(query, limit=None, cancel=cancel, within=within).ids

    def sync(
        self,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> object:
        """Bring the index up to date with the store (new imports, edited notes and tags)."""
        if not self.available:
            return None
        self._cancelled = False
        pending = self._pending()
        current = self._index_current()
        if pending == 0 and current:
            return 0
        with self._lock:
            service = self._service
        if service is None or pending > IN_PROCESS_MAX or not current:
            # Before the first search the searcher is not loaded here, and a big batch
            # would hold the GIL for seconds: both go to a child process. The next search
            # opens the fresh index.
            return self._sync_in_child(progress)
        return service.sync(progress=progress, cancel=cancel)

    def _index_current(self) -> bool:
        """An index of the current schema exists (so opening it will not rebuild it)."""
        return is_current(self.library.index_dir)

    def _pending(self) -> int:
        with self.library.read() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM index_outbox").scalar() or 0)

    def _sync_in_child(self, progress: Callable[[int, int], None] | None) -> int:
        def started(child: subprocess.Popen[bytes] | None) -> None:
            self._child = child

        return run_index_child(
            self.library.folder,
            progress=progress,
            cancelled=lambda: self._cancelled,
            started=started,
        )

    def in_child(self) -> bool:
        return self._child is not None

    def cancel_sync(self) -> None:
        """Stop a running child indexer at once (called from the UI thread at exit)."""
        self._cancelled = True
        child = self._child
        if child is not None and child.poll() is None:
            child.terminate()

    def close(self) -> None:
        with self._lock:
            if self._service is not None:
                self._service.close()
                self._service = None

    # ------------------------------------------------------- UI-thread helpers
    def validate(self, query: str) -> None:
        if query.strip():
            from triage_app.core.search import parse_query

            parse_query(query)

    def spans(self, query: str, text: str, field: str) -> list[tuple[int, int]]:
        engine = _engine() if query.strip() else None
        if engine is None:
            return []
        try:
            return engine.highlight_spans(query, text, field)
        except (ValueError, LookupError):
            return []
