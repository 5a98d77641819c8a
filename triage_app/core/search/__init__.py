"""Full-text search: the query language, the Whoosh index (derived data) and ranking."""

from __future__ import annotations

from typing import TYPE_CHECKING

from triage_app.core.lazy import lazy_face
from triage_app.core.search.whoosh_light import install

install()  # before any module here imports Whoosh: its import without urllib and asyncio

if TYPE_CHECKING:
    from triage_app.core.search.index import (
        rebuild_index,
        sync_index,
    )
    from triage_app.core.search.query import parse_query
    from triage_app.core.search.query_help import QUERY_HELP
    from triage_app.core.search.query_nodes import (
        Filter,
        MatchAll,
        Node,
        QueryError,
        SearchCancelled,
        SearchTimeout,
    )
    from triage_app.core.search.service import (
        SearchService,
        highlight_spans,
        search_ids,
    )
    from triage_app.core.search.stamp import (
        IndexWriteError,
        is_current,
    )
    from triage_app.core.search.words import stem

_NAMES = {
    "Filter": "query_nodes",
    "IndexWriteError": "stamp",
    "MatchAll": "query_nodes",
    "Node": "query_nodes",
    "QUERY_HELP": "query_help",
    "QueryError": "query_nodes",
    "SearchCancelled": "query_nodes",
    "SearchTimeout": "query_nodes",
    "SearchService": "service",
    "highlight_spans": "service",
    "is_current": "stamp",
    "parse_query": "query",
    "rebuild_index": "index",
    "search_ids": "service",
    "stem": "words",
    "sync_index": "index",
}
__all__ = [
    "QUERY_HELP",
    "Filter",
    "IndexWriteError",
    "MatchAll",
    "Node",
    "QueryError",
    "SearchCancelled",
    "SearchService",
    "SearchTimeout",
    "highlight_spans",
    "is_current",
    "parse_query",
    "rebuild_index",
    "search_ids",
    "stem",
    "sync_index",
]
__getattr__, __dir__ = lazy_face(globals(), _NAMES)
