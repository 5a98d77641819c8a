"""The window's views (Inbox, For you, Starred, a tag, ...): which papers, in which order.

Qt-free so the same definitions serve tests and any front end; loading returns plain ids,
cheap to build off the UI thread and to hand to the paper list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from triage_app.core.search import Filter, MatchAll, Node
from triage_app.core.store import Library

if TYPE_CHECKING:
    from triage_app.core.triage.recommend import Ranked

VIEW_KINDS = ("inbox", "for_you", "starred", "kept", "dismissed", "all", "tag", "category", "batch")
_TITLES = {
    "inbox": "Inbox",
    "for_you": "For you",
    "starred": "Starred",
    "kept": "Kept",
    "dismissed": "Dismissed",
    "all": "All",
}


@dataclass(frozen=True)
class ViewSpec:
    kind: str = "inbox"
    arg: str | int | None = None

    def __post_init__(self) -> None:
        if self.kind not in VIEW_KINDS:
            raise ValueError(f"unknown view {self.kind!r}")

    @property
    def title(self) -> str:
        if self.kind in _TITLES:
            return _TITLES[self.kind]
        return f"{self.kind.capitalize()}: {self.arg}"

    @property
    def status(self) -> str | None:
        """The status this view filters on, if any (a decision may take a paper out)."""
        return {"inbox": "new", "for_you": "new", "kept": "kept", "dismissed": "dismissed"}.get(
            self.kind
        )

    def filter_node(self) -> Node:
        """This view as a filter of the query language: a search inside the view is one
        query, the view's filter and the search's terms evaluated together."""
        if self.kind == "all":
            return MatchAll()
        if self.kind == "starred":
            return Filter("is", "=", "starred", 0)
        if self.kind in ("tag", "category"):
            return Filter(self.kind, "=", str(self.arg), 0)
        if self.kind == "batch":
            return Filter("batch", "=", int(self.arg or 0), 0)
        return Filter("is", "=", self.status, 0)

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of `Library.list_ids` selecting this view's papers (its filter
        as SQL, which the window's first list reads before the search arrays are loaded)."""
        if self.kind == "starred":
            return {"starred": True}
        if self.kind == "tag":
            return {"tag": str(self.arg)}
        if self.kind == "category":
            return {"category": str(self.arg)}
        if self.kind == "batch":
            return {"batch_id": int(self.arg or 0)}
        status = self.status
        return {"status": status} if status else {}

    def key(self) -> str:
        """A string for settings: `inbox`, `tag:to read`, `batch:3`."""
        return self.kind if self.arg is None else f"{self.kind}:{self.arg}"

    @classmethod
    def from_key(cls, key: str | None) -> ViewSpec:
        if not key:
            return cls()
        kind, _, arg = key.partition(":")
        try:
            if kind == "batch":
                return cls(kind, int(arg))
            return cls(kind, arg or None) if kind in ("tag", "category") else cls(kind)
        except ValueError:
            return cls()


class Ranking:
    """The "For you" order with each paper's reasons, looked up by paper id.

    Built off the UI thread with the order itself; the one-line explanation of a paper is
    formatted only when asked for (the reader, a tooltip), not for all 100,000. The reasons
    are held as plain tuples, which the garbage collector stops tracking, rather than 100,000
    `Ranked` objects that every full collection would walk while holding the GIL."""

    def __init__(self, ranked: Sequence[Ranked]) -> None:
        self.ids = [r.paper_id for r in ranked]
        self._position = {pid: i for i, pid in enumerate(self.ids)}
        self._why = [(r.up, r.down, r.feed, r.by_feed_only) for r in ranked]

    def explain(self, paper_id: int) -> str | None:
        """`For you #3 · up: diffusion, reward · down: survey`; None when not ranked."""
        i = self._position.get(paper_id)
        if i is None:
            return None
        from triage_app.core.triage.recommend import Ranked, explain

        up, down, feed, by_feed_only = self._why[i]
        return explain(i + 1, Ranked(paper_id, 0.0, up, down, feed, by_feed_only))


@dataclass(frozen=True)
class ViewResult:
    """What the list shows: ids in order and how many of them are still new."""

    spec: ViewSpec
    query: str
    ids: list[int]
    new_count: int
    order: str | None
    descending: bool
    ranking: Ranking | None = field(default=None, compare=False)  # For you: why each paper


# (query, the view's filter) -> the ids of the view that match, by relevance; may raise
# QueryError.
SearchFn = Callable[[str, Node], Sequence[int]]
RankFn = Callable[[Library], Ranking | Sequence[int]]


def default_rank(library: Library) -> list[int]:
    """The "For you" order: the recommender's if present, else the feed score."""
    ranking = rank_with_reasons(library)
    return ranking if isinstance(ranking, list) else ranking.ids


def rank_with_reasons(library: Library) -> Ranking | list[int]:
    """The "For you" order with its reasons; only ids (by feed score) without the
    recommender's libraries (numpy, scipy)."""
    try:
        from triage_app.core.triage.recommend import rank_inbox
    except ModuleNotFoundError:
        return library.list_ids(status="new", order="score", descending=True)
    return Ranking(rank_inbox(library))


def load_view(
    library: Library,
    spec: ViewSpec,
    *,
    query: str = "",
    order: str | None = None,
    descending: bool = False,
    search: SearchFn | None = None,
    rank: RankFn = rank_with_reasons,
) -> ViewResult:
    """The ids of `spec` (narrowed to the hits of `query`), sorted in SQL when `order`.

    A search inside a view is one query: the view's filter and the search's terms, evaluated
    together by the search engine; its hits come by relevance, or in a column's order. The
    For you view carries its ranking (the reasons) when it ranked: not
    when sorted by a column, which would cost a ranking (seconds at 100,000 papers) for an
    order not shown."""
    filters = spec.filters()
    query = query.strip()
    ranking: Ranking | None = None
    if query and search is not None:
        hits = list(search(query, spec.filter_node()))
        if order:
            hit_set = set(hits)
            ids = [i for i in library.list_ids(order=order, descending=descending) if i in hit_set]
        else:
            ids = hits
            if spec.kind == "for_you":  # hits by relevance, each with its For you reasons
                ranking = _natural_ids(library, spec, rank)[1]
    elif order:
        ids = library.list_ids(**filters, order=order, descending=descending)
    else:
        ids, ranking = _natural_ids(library, spec, rank)
    return ViewResult(spec, query, ids, count_new(library, spec, ids), order, descending, ranking)


def load_newer(
    library: Library,
    spec: ViewSpec,
    shown: Sequence[int],
    *,
    query: str = "",
    order: str | None = None,
    descending: bool = False,
) -> ViewResult | None:
    """`shown` followed by the view's papers with higher ids (those an import just added),
    when the view lists in id order; else None (load the view whole).

    After an import the list keeps its rows and appends the new papers: reading only those
    spares reading the whole view again (100,000 ids) in the seconds the window is busiest."""
    if query.strip() or spec.kind == "for_you" or order not in (None, "id") or descending:
        return None
    filters = spec.filters()
    after = max(shown) if shown else None
    ids = [*shown, *library.list_ids(**filters, after_id=after)]
    if spec.status not in (None, "new"):
        new_count = 0
    else:
        new_count = library.count_ids(**(filters | {"status": "new"}))
    return ViewResult(spec, query, ids, new_count, order, descending)


def _natural_ids(
    library: Library, spec: ViewSpec, rank: RankFn
) -> tuple[list[int], Ranking | None]:
    if spec.kind == "for_you":
        ranked = rank(library)
        if isinstance(ranked, Ranking):
            return list(ranked.ids), ranked
        return list(ranked), None
    return library.list_ids(**spec.filters()), None


def count_new(library: Library, spec: ViewSpec, ids: Sequence[int]) -> int:
    """How many of the view's papers are still new ("left in this view")."""
    if spec.status == "new":
        # The view was just loaded from the store: every id is new.
        return len(ids)
    if spec.status is not None or not ids:
        return 0
    total = 0
    with library.read() as conn:
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            total += int(
                conn.exec_driver_sql(
                    f"SELECT count(*) FROM paper WHERE status = 'new' AND id IN "
                    f"({','.join('?' * len(chunk))})",
                    tuple(chunk),
                ).scalar()
                or 0
            )
    return total


@dataclass(frozen=True)
class SidebarCounts:
    """Everything the sidebar and the status bar count, read in one go off the UI thread."""

    status: dict[str, int]
    starred: int
    total: int
    tags: list[tuple[str, int]]
    categories: list[tuple[str, int]]
    batches: list[tuple[int, str, str, int]]
    decided_today: int


def sidebar_counts(library: Library, today_start_iso: str) -> SidebarCounts:
    status = library.status_counts()
    with library.read() as conn:
        starred = int(
            conn.exec_driver_sql("SELECT count(*) FROM paper WHERE starred").scalar() or 0
        )
    return SidebarCounts(
        status=status,
        starred=starred,
        total=sum(status.values()),
        tags=library.tag_counts(),
        categories=library.category_counts(),
        batches=library.batches(),
        decided_today=library.decided_since(today_start_iso),
    )
