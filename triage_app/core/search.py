"""Searching a library: the public API used by the CLI and (through SearchService) the GUI.

A query's top-level conjunction is split: positive text parts run in Whoosh (ranked by
BM25F), filters run in SQLite, anything mixed (`word OR is:starred`) is evaluated as id sets.
Text hits are enumerated once (that is the exact count), intersected with the SQL filter in
SQLite, then either ranked by Whoosh restricted to the survivors or ordered in SQL. Queries
without positive text are answered by SQLite alone, sorted by date unless told otherwise.

Highlighting is per shown paper: `highlight_spans(query, text, field)` analyses one field's
text (a few hundred words, well under a millisecond) and returns character spans of matched
words, so a GUI showing one paper at a time pays for one paper, not for the whole page.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from whoosh import query as wq
from whoosh.collectors import (
    Collector,
    FilterCollector,
    TopCollector,
    UnlimitedCollector,
    WrappingCollector,
)

from triage_app.core.query_parser import (
    And,
    MatchAll,
    Node,
    Not,
    QueryError,
    is_filter_only,
    is_text_only,
    parse_query,
)
from triage_app.core.search_highlight import Highlighter
from triage_app.core.search_index import SearchIndex, SyncReport
from triage_app.core.search_plan import ORDER_SQL, SORTS, filter_sql, text_query
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

CHECK_EVERY = 1024  # documents between two cancel/time checks


class SearchCancelled(Exception):
    """A newer search superseded this one, or its cancel token fired."""


class SearchTimeout(SearchCancelled):
    """The search ran past its time limit (a very broad query)."""


@dataclass(frozen=True)
class SearchResult:
    """One page of hits: paper ids in rank order, and how many papers match in all."""

    ids: list[int]
    total: int
    sort: str  # the order actually used ("relevance" falls back to "date" without text)
    offset: int = 0
    elapsed_ms: float = 0.0


class _CancelCollector(WrappingCollector):
    """Wraps a collector; checks a cancel callback every CHECK_EVERY candidate documents."""

    def __init__(self, child: Collector, check: Callable[[], None]) -> None:
        super().__init__(child)
        self.check = check
        self.n = 0

    def matches(self) -> Any:
        for docnum in self.child.matches():
            self.n += 1
            if self.n % CHECK_EVERY == 0:
                self.check()
            yield docnum


class SearchService:
    """Searches one open library: a long-lived searcher, safe to call from a worker thread.

    Each `search()` supersedes the one before it: a running search notices at its next
    check (every ~1,000 documents) and raises `SearchCancelled`, so a fast typist never
    waits for the results of a query they already changed. `cancel()` does the same without
    a new search. Searches are serialised (Whoosh readers are not thread-safe).
    """

    def __init__(self, library: Library, *, time_limit: float | None = 5.0,
                 sync: bool = True) -> None:
        self.library = library
        self.index = SearchIndex(library)
        self.time_limit = time_limit
        self._generation = 0
        self._gen_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self.index.open()
        if sync:
            self.sync()

    def close(self) -> None:
        self.cancel()
        with self._run_lock:
            self.index.close()

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
                return self.index.sync(progress=progress, cancel=cancel)
        except LockError:
            return SyncReport(reason="index locked by another process; synced later")

    # --------------------------------------------------------------- search
    def search(self, query: str, *, sort: str = "relevance", limit: int | None = 50,
               offset: int = 0, cancel: Callable[[], bool] | None = None) -> SearchResult:
        """One page of hits; raises QueryError, SearchCancelled or SearchTimeout."""
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; one of {', '.join(SORTS)}")
        node = parse_query(query)
        with self._gen_lock:
            self._generation += 1
            generation = self._generation
        start = time.perf_counter()
        deadline = None if self.time_limit is None else start + self.time_limit

        def check() -> None:
            if self._generation != generation or (cancel is not None and cancel()):
                raise SearchCancelled("superseded by a newer search")
            if deadline is not None and time.perf_counter() > deadline:
                raise SearchTimeout(f"the search took longer than {self.time_limit:g} s; "
                                    f"narrow the query")

        with self._run_lock:
            check()
            self.index.refresh()
            ids, total, used = _Run(self, node, check).execute(sort, limit, offset)
        return SearchResult(ids, total, used, offset, (time.perf_counter() - start) * 1000)

    def search_ids(self, query: str, *, sort: str = "relevance") -> list[int]:
        return self.search(query, sort=sort, limit=None).ids

    def similar(self, paper_id: int, *, limit: int = 10) -> list[tuple[int, float]]:
        """Papers most like one paper: its key terms of title and abstract, weighted."""
        paper = self.library.get_paper(paper_id)
        if paper is None:
            raise KeyError(f"no paper with id {paper_id}")
        with self._run_lock:
            self.index.refresh()
            searcher = self.index.searcher()
            text = f"{paper.title or ''}\n{paper.abstract}"
            terms = searcher.key_terms_from_text("abstract", text, numterms=25)
            if not terms:
                return []
            top = max(w for _, w in terms)
            q = wq.Or([wq.Term(f, t, boost=w / top) for t, w in terms
                       for f in ("title", "abstract")])
            mask = {d for d in [searcher.document_number(pid=paper_id)] if d is not None}
            hits = searcher.search(q, limit=limit, mask=mask or None)
            pids = self.index.pid_array(searcher)
            return [(pids[h.docnum], float(h.score)) for h in hits]


class _Run:
    """One query execution against the service's current searcher."""

    def __init__(self, service: SearchService, node: Node, check: Callable[[], None]) -> None:
        self.service = service
        self.library = service.library
        self.index = service.index
        self.searcher = service.index.searcher()
        self.node = node
        self.check = check

    def execute(self, sort: str, limit: int | None, offset: int) -> tuple[list[int], int, str]:
        conj: list[Node] = [] if isinstance(self.node, MatchAll) else (
            list(self.node.children) if isinstance(self.node, And) else [self.node])
        texts = [c for c in conj if is_text_only(c) and not isinstance(c, Not)]
        filters = [c for c in conj if is_filter_only(c)]
        rest = [c for c in conj if not (is_filter_only(c) or (is_text_only(c) and
                                                              not isinstance(c, Not)))]
        params: list[Any] = []
        where = [filter_sql(f, params) for f in filters]
        include: set[int] | None = None
        exclude: set[int] = set()
        for c in rest:
            if isinstance(c, Not):
                exclude |= self.id_set(c.child)
            else:
                found = self.id_set(c)
                include = found if include is None else include & found
        if not texts:
            used = "date" if sort == "relevance" else sort
            return (*self._sql_page(where, params, include, exclude, used, limit, offset), used)

        q = text_query(And(tuple(texts)) if len(texts) > 1 else texts[0], self.searcher)
        docs = self.matching_docs(q)
        pids = self.index.pid_array(self.searcher)
        doc_of = {pids[d]: d for d in docs}
        allowed = set(doc_of)
        if include is not None:
            allowed &= include
        allowed -= exclude
        if where:
            allowed = self._sql_filter(allowed, where, params)
        total = len(allowed)
        if sort != "relevance":
            ids, _ = self._sql_page([], [], allowed, set(), sort, limit, offset, total=total)
            return ids, total, sort
        keep = None if total == len(doc_of) else {doc_of[p] for p in allowed}
        ranked = self.ranked_docs(q, keep, None if limit is None else offset + limit)
        page = ranked[offset:] if limit is None else ranked[offset : offset + limit]
        return [pids[d] for d in page], total, "relevance"

    # ---------------------------------------------------------------- Whoosh
    def matching_docs(self, q: wq.Query) -> list[int]:
        docs: list[int] = []
        for n, docnum in enumerate(self.searcher.docs_for_query(q)):
            if n % CHECK_EVERY == 0:
                self.check()
            docs.append(docnum)
        return docs

    def ranked_docs(self, q: wq.Query, keep: set[int] | None, top: int | None) -> list[int]:
        inner: Collector = UnlimitedCollector() if top is None else TopCollector(limit=top)
        collector: Collector = _CancelCollector(inner, self.check)
        if keep is not None:
            collector = FilterCollector(collector, allow=keep)
        self.searcher.search_with_collector(q, collector)
        return [docnum for _, docnum in collector.results().top_n]

    # ------------------------------------------------------------------- SQL
    def id_set(self, node: Node) -> set[int]:
        """All paper ids matching any subtree (used for mixed text/filter booleans)."""
        self.check()
        if is_filter_only(node) or isinstance(node, MatchAll):
            params: list[Any] = []
            sql = f"SELECT p.id FROM paper p WHERE {filter_sql(node, params)}"
            with self.library.read() as conn:
                return {r[0] for r in conn.exec_driver_sql(sql, tuple(params))}
        if isinstance(node, Not):
            return self.id_set(MatchAll()) - self.id_set(node.child)
        if is_text_only(node):
            pids = self.index.pid_array(self.searcher)
            return {pids[d] for d in self.matching_docs(text_query(node, self.searcher))}
        sets = [self.id_set(c) for c in node.children]  # type: ignore[union-attr]
        if isinstance(node, And):
            return set.intersection(*sets)
        return set.union(*sets)

    def _sql_filter(self, ids: set[int], where: list[str], params: list[Any]) -> set[int]:
        if not ids:
            return ids
        sql = (f"SELECT p.id FROM paper p WHERE p.id IN (SELECT value FROM json_each(?)) "
               f"AND {' AND '.join(where)}")
        with self.library.read() as conn:
            rows = conn.exec_driver_sql(sql, (json.dumps(sorted(ids)), *params))
            return {r[0] for r in rows}

    def _sql_page(self, where: list[str], params: list[Any], include: set[int] | None,
                  exclude: set[int], sort: str, limit: int | None, offset: int,
                  total: int | None = None) -> tuple[list[int], int]:
        clauses, args = list(where), list(params)
        if include is not None:
            clauses.append("p.id IN (SELECT value FROM json_each(?))")
            args.append(json.dumps(sorted(include)))
        if exclude:
            clauses.append("p.id NOT IN (SELECT value FROM json_each(?))")
            args.append(json.dumps(sorted(exclude)))
        cond = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self.library.read() as conn:
            if total is None:
                total = int(conn.exec_driver_sql(
                    f"SELECT count(*) FROM paper p{cond}", tuple(args)).scalar() or 0)
            sql = f"SELECT p.id FROM paper p{cond} ORDER BY {ORDER_SQL[sort]}"
            page_args = list(args)
            if limit is not None or offset:
                sql += " LIMIT ? OFFSET ?"
                page_args += [-1 if limit is None else limit, offset]
            self.check()
            ids = [r[0] for r in conn.exec_driver_sql(sql, tuple(page_args))]
        return ids, total


# ------------------------------------------------------------ module API
def search(library: Library, query: str, *, sort: str = "relevance", limit: int | None = 50,
           offset: int = 0) -> SearchResult:
    """One page of papers matching `query` (no time limit: for scripts and the CLI)."""
    with SearchService(library, time_limit=None) as service:
        return service.search(query, sort=sort, limit=limit, offset=offset)


def search_ids(library: Library, query: str, *, sort: str = "relevance") -> list[int]:
    """Every matching id in rank order: exactly `search(..., limit=None).ids`."""
    return search(library, query, sort=sort, limit=None).ids


def similar(library: Library, paper_id: int, *, limit: int = 10) -> list[tuple[int, float]]:
    with SearchService(library, time_limit=None) as service:
        return service.similar(paper_id, limit=limit)


@lru_cache(maxsize=32)
def _highlighter(query: str) -> Highlighter:
    return Highlighter(parse_query(query))


def highlight_spans(query: str, text: str, field: str) -> list[tuple[int, int]]:
    """Character spans of `text` (a paper's `field`) that the query's words matched.

    `field` is one of title, abstract, authors, note, tags. Raises QueryError like search.
    """
    return _highlighter(query).spans(text, field)


def validate(query: str) -> None:
    """Raise QueryError if `query` cannot be parsed (for live feedback in a search field)."""
    parse_query(query)
