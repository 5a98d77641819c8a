"""Searching a library: the public API used by the CLI and (through SearchService) the GUI.

A query's top-level conjunction is split: positive text parts are scored by BM25F over the
Whoosh index read as arrays (`postings`, `text_scores`), filters are answered by the store's
columns held as arrays (`facets`), and anything mixed (`word OR is:starred`) becomes a mask
over paper ids. Every match is known, so totals are exact; the page is the best `limit` of
them by score, or ordered by date, score or rating. A search checks its cancel token between
posting lists, so a newer search supersedes a running one within milliseconds.

Highlighting is per shown paper: `highlight_spans(query, text, field)` analyses one field's
text (a few hundred words, well under a millisecond) and returns character spans of matched
words, so a GUI showing one paper at a time pays for one paper, not for the whole page.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import query as wq

from triage_app.core.search.facet_cache import FILE_NAME as FACETS_FILE
from triage_app.core.search.facets import Facets
from triage_app.core.search.fields import TEXT_FIELDS
from triage_app.core.search.index import IndexCancelled, SearchIndex, SyncReport
from triage_app.core.search.overlay import Overlay, OverlayDoc
from triage_app.core.search.plan import SORTS, text_query
from triage_app.core.search.postings import IndexArrays, PostingCache
from triage_app.core.search.query import parse_query
from triage_app.core.search.query_nodes import (
    And,
    MatchAll,
    Node,
    Not,
    QueryError,
    SearchCancelled,
    SearchTimeout,
    is_filter_only,
    is_text_only,
)
from triage_app.core.search.scores import Hits, evaluate, top
from triage_app.core.search.sources import Corpus

if TYPE_CHECKING:  # the command line passes a LiteLibrary: no SQLAlchemy to load
    from triage_app.core.search.highlight import Highlighter
    from triage_app.core.store import Library

__all__ = [
    "QueryError",
    "SearchCancelled",
    "SearchResult",
    "SearchService",
    "SearchTimeout",
    "highlight_spans",
    "search",
    "search_ids",
    "similar",
]


@dataclass(frozen=True)
class SearchResult:
    """One page of hits: paper ids in rank order, and how many papers match in all."""

    ids: list[int]
    total: int
    sort: str  # the order actually used ("relevance" falls back to "date" without text)
    offset: int = 0
    elapsed_ms: float = 0.0


class SearchService:
    """Searches one open library: a long-lived searcher, safe to call from a worker thread.

    Each `search()` supersedes the one before it: a running search notices at its next
    check (every ~1,000 documents) and raises `SearchCancelled`, so a fast typist never
    waits for the results of a query they already changed. `cancel()` does the same without
    a new search. Searches are serialised (Whoosh readers are not thread-safe).
    """

    def __init__(
        self, library: Library, *, time_limit: float | None = 5.0, sync: bool = True
    ) -> None:
        self.library = library
        self.index = SearchIndex(library)
        self.time_limit = time_limit
        self._postings = PostingCache(TEXT_FIELDS, folder=self.index.dir)
        self._arrays: IndexArrays | None = None
        self._facets: Facets | None = None
        self._overlay: Overlay | None = None
        self._corpus: Corpus | None = None
        self._closed = False
        self._generation = 0
        self._gen_lock = threading.Lock()
        self._run_lock = threading.Lock()
        # Why the index was rebuilt while this service ran (damage found in it), for the
        # front end to say in one line; a missing index is built without a word.
        self.repairs: list[str] = []
        self._note_repair(self.index.open())
        if sync:
            self.sync()

    def close(self) -> None:
        self._closed = True
        self.cancel()
        with self._run_lock:
            self.index.close()
            if self._facets is not None:
                self._facets.close()

    def warm(self) -> None:
        """Read what every search needs (the index's per-document columns, the store's
        filter columns) so the first search is as quick as the next."""

        def read() -> None:
            self.index.refresh()
            self.arrays(self.index.searcher())

        with self._run_lock:
            self._healing(read)
            self.facets()

    def arrays(self, searcher: Any) -> IndexArrays:
        """The searcher's postings and columns as arrays (rebuilt when the searcher is new)."""
        if self._arrays is None or self._arrays.searcher is not searcher:
            self._arrays = IndexArrays(searcher, self._postings)
        return self._arrays

    def overlay(self) -> list[OverlayDoc] | None:
        """Papers edited since the index's last commit (None: too many, the index waits)."""
        if self._overlay is None:
            self._overlay = Overlay(self.library, self.index.searcher().schema)
        return self._overlay.current()

    def corpus(self, searcher: Any) -> Corpus:
        """The searcher's documents with the papers edited since its commit in place of their
        indexed text: what a query is evaluated over (kept while neither changes)."""
        arrays, overlay = self.arrays(searcher), self.overlay()
        if self._corpus is None or not self._corpus.serves(arrays, overlay):
            self._corpus = Corpus(arrays, overlay)
        return self._corpus

    def facets(self) -> Facets:
        """The store's filter columns as arrays, caught up with the store's latest commit."""
        if self._facets is None:
            self._facets = Facets(self.library.db_path, cache=self.index.dir / FACETS_FILE)
        else:
            self._facets.refresh()
        return self._facets

    def __enter__(self) -> SearchService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cancel(self) -> None:
        """Make the running search (if any) stop with SearchCancelled."""
        with self._gen_lock:
            self._generation += 1

    def sync(self, progress: Any = None, cancel: Any = None) -> SyncReport:
        """Index what changed in the store (the outbox); a locked index is left for later."""
        from whoosh.index import LockError

        try:
            with self._run_lock:
                return self._healing(lambda: self.index.sync(progress=progress, cancel=cancel))
        except LockError:
            return SyncReport(reason="index locked by another process; synced later")

    # --------------------------------------------------------------- search
    def search(
        self,
        query: str,
        *,
        sort: str = "relevance",
        limit: int | None = 50,
        offset: int = 0,
        cancel: Callable[[], bool] | None = None,
        within: Node | None = None,
    ) -> SearchResult:
        """One page of hits, among the papers of the filter `within` (a view) when given;
        raises QueryError, SearchCancelled or SearchTimeout."""
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; one of {', '.join(SORTS)}")
        node = parse_query(query)
        if within is not None and not isinstance(within, MatchAll):
            node = within if isinstance(node, MatchAll) else And((within, node))
        with self._gen_lock:
            self._generation += 1
            generation = self._generation
        start = time.perf_counter()
        deadline = None if self.time_limit is None else start + self.time_limit

        def check() -> None:
            if self._generation != generation or (cancel is not None and cancel()):
                raise SearchCancelled("superseded by a newer search")
            if deadline is not None and time.perf_counter() > deadline:
                raise SearchTimeout(
                    f"the search took longer than {self.time_limit:g} s; narrow the query"
                )

        def run() -> tuple[list[int], int, str]:
            self.index.refresh()
            return _Run(self, node, check).execute(sort, limit, offset)

        with self._run_lock:
            check()
            ids, total, used = self._healing(run)
        return SearchResult(ids, total, used, offset, (time.perf_counter() - start) * 1000)

    def search_ids(self, query: str, *, sort: str = "relevance") -> list[int]:
        return self.search(query, sort=sort, limit=None).ids

    def similar(self, paper_id: int, *, limit: int = 10) -> list[tuple[int, float]]:
        """Papers most like one paper: its key terms of title and abstract, weighted."""
        paper = self.library.get_paper(paper_id)
        if paper is None:
            raise KeyError(f"no paper with id {paper_id}")
        with self._run_lock:
            return self._healing(
                lambda: self._similar(paper.title or "", paper.abstract, paper_id, limit)
            )

    def _similar(
        self, title: str, abstract: str, paper_id: int, limit: int
    ) -> list[tuple[int, float]]:
        self.index.refresh()
        searcher = self.index.searcher()
        text = f"{title}\n{abstract}"
        terms = searcher.key_terms_from_text("abstract", text, numterms=25)
        if not terms:
            return []
        strongest = max(w for _, w in terms)
        q = wq.Or(
            [wq.Term(f, t, boost=w / strongest) for t, w in terms for f in ("title", "abstract")]
        )
        # Scored over the arrays like any search: Whoosh's own top-N misses documents on
        # an index of several segments.
        arrays = self.arrays(searcher)
        hits = evaluate(q, Corpus(arrays).sources, lambda: None)
        others = arrays.pids[hits.docs] != paper_id
        hits = Hits(hits.docs[others], hits.scores[others])
        best = top(hits, limit)
        return [
            (int(arrays.pids[d]), float(score))
            for d, score in zip(hits.docs[best], hits.scores[best], strict=True)
        ]

    # -------------------------------------------------------------- healing
    def _healing(self, work: Callable[[], Any]) -> Any:
        """Run `work` over the index; if reading the index fails (a damaged or forged
        segment: anything but a refused, cancelled or overlong query), rebuild the index
        from the store and run it once more. Called with the run lock held."""
        try:
            return work()
        except CONTROL_FLOW:
            raise
        except Exception as exc:  # any failure to read the derived index means: rebuild
            from whoosh.index import LockError

            if isinstance(exc, LockError):
                raise
            reason = f"unreadable ({type(exc).__name__}: {exc})"
        self._forget_index()
        self._note_repair(self.index.rebuild(reason=reason))
        return work()

    def _forget_index(self) -> None:
        """Drop everything read from the old index (the next read takes the new one)."""
        self._arrays = None
        self._corpus = None
        self._overlay = None
        self._postings = PostingCache(TEXT_FIELDS, folder=self.index.dir)

    def _note_repair(self, report: SyncReport) -> None:
        if report.rebuilt and report.reason not in ("missing", "asked"):
            self.repairs.append(report.reason)


# What a search raises on purpose: never a sign of a damaged index.
CONTROL_FLOW = (QueryError, SearchCancelled, SearchTimeout, IndexCancelled, KeyError)


class _Run:
    """One query execution against the service's current searcher, arrays and facets."""

    def __init__(self, service: SearchService, node: Node, check: Callable[[], None]) -> None:
        self.searcher = service.index.searcher()
        self.corpus = service.corpus(self.searcher)
        self._service = service
        self.node = node
        self.check = check

    @functools.cached_property
    def facets(self) -> Facets:
        """Read when a filter, a NOT or a sort needs them: a words-only search ranked by
        relevance never does (a command-line search then skips reading every paper's
        filter columns)."""
        return self._service.facets()

    def execute(self, sort: str, limit: int | None, offset: int) -> tuple[list[int], int, str]:
        conj: list[Node] = (
            []
            if isinstance(self.node, MatchAll)
            else (list(self.node.children) if isinstance(self.node, And) else [self.node])
        )
        texts = [c for c in conj if is_text_only(c) and not isinstance(c, Not)]
        filters = [c for c in conj if is_filter_only(c)]
        rest = [
            c
            for c in conj
            if not (is_filter_only(c) or (is_text_only(c) and not isinstance(c, Not)))
        ]
        mask: np.ndarray | None = self.facets.mask(And(tuple(filters))) if filters else None
        for c in rest:
            found = self.node_mask(c)
            mask = found if mask is None else mask & found
        end = None if limit is None else offset + limit
        if not texts:
            used = "date" if sort == "relevance" else sort
            ids = np.flatnonzero(self.facets.present if mask is None else mask)
            return self.facets.order(ids, used)[offset:end].tolist(), len(ids), used

        q = text_query(And(tuple(texts)) if len(texts) > 1 else texts[0], self.searcher)
        pids, hits = self.text_hits(q)
        if mask is not None:
            keep = _lookup(mask, pids)
            hits, pids = Hits(hits.docs[keep], hits.scores[keep]), pids[keep]
        self.check()
        if sort != "relevance":
            return self.facets.order(pids, sort)[offset:end].tolist(), len(pids), sort
        return pids[top(hits, end)][offset:].tolist(), len(pids), "relevance"

    def text_hits(self, q: wq.Query) -> tuple[np.ndarray, Hits]:
        """Paper ids and hits of a text query: the index's, with papers edited since its
        last commit read from the store instead (`overlay`), in one evaluation."""
        hits = evaluate(q, self.corpus.sources, self.check)
        return self.corpus.pids[hits.docs], hits

    def node_mask(self, node: Node) -> np.ndarray:
        """Bool array over paper ids for any subtree (mixed text and filter booleans)."""
        self.check()
        if is_filter_only(node) or isinstance(node, MatchAll):
            return self.facets.mask(node)
        if isinstance(node, Not):
            return ~self.node_mask(node.child) & self.facets.present
        if is_text_only(node):
            pids, _ = self.text_hits(text_query(node, self.searcher))
            out = np.zeros(len(self.facets.present), dtype=bool)
            out[pids[pids < len(out)]] = True
            return out
        masks = [self.node_mask(c) for c in node.children]  # type: ignore[union-attr]
        combine = np.logical_and if isinstance(node, And) else np.logical_or
        return functools.reduce(combine, masks)


def _lookup(mask: np.ndarray, pids: np.ndarray) -> np.ndarray:
    """mask[pids], False for ids past its end (indexed before the facets saw them)."""
    inside = pids < len(mask)
    out = np.zeros(len(pids), dtype=bool)
    out[inside] = mask[pids[inside]]
    return out


# ------------------------------------------------------------ module API
def search(
    library: Library,
    query: str,
    *,
    sort: str = "relevance",
    limit: int | None = 50,
    offset: int = 0,
) -> SearchResult:
    """One page of papers matching `query`, within the window's time limit."""
    with SearchService(library) as service:
        return service.search(query, sort=sort, limit=limit, offset=offset)


def search_ids(library: Library, query: str, *, sort: str = "relevance") -> list[int]:
    """Every matching id in rank order: exactly `search(..., limit=None).ids`."""
    return search(library, query, sort=sort, limit=None).ids


def similar(library: Library, paper_id: int, *, limit: int = 10) -> list[tuple[int, float]]:
    with SearchService(library) as service:
        return service.similar(paper_id, limit=limit)


@lru_cache(maxsize=32)
def _highlighter(query: str) -> Highlighter:
    # Imported here: a command-line search never highlights (rapidfuzz stays unloaded).
    from triage_app.core.search.highlight import Highlighter

    return Highlighter(parse_query(query))


def highlight_spans(query: str, text: str, field: str) -> list[tuple[int, int]]:
    """Character spans of `text` (a paper's `field`) that the query's words matched.

    `field` is one of title, abstract, authors, note, tags. Raises QueryError like search.
    """
    return _highlighter(query).spans(text, field)


def validate(query: str) -> None:
    """Raise QueryError if `query` cannot be parsed (for live feedback in a search field)."""
    parse_query(query)
