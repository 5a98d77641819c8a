"""The query language's tree: text terms, filters and the boolean operators over them."""

from __future__ import annotations

from dataclasses import dataclass


class QueryError(ValueError):
    """A query that cannot be parsed; `position` is the 0-based offset of the problem."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at column {position + 1})")
        self.message = message
        self.position = position


class SearchCancelled(Exception):
    """A newer search superseded this one, or its cancel token fired."""


class SearchTimeout(SearchCancelled):
    """The search ran past its time limit (a very broad query)."""


# ------------------------------------------------------------------------ AST
@dataclass(frozen=True)
class Text:
    """Words to find; `field` None means title, authors, abstract, note and tags."""

    field: str | None
    kind: str  # "word" | "phrase" | "prefix" | "fuzzy"
    text: str
    pos: int
    maxdist: int = 0  # fuzzy: edits allowed; 0 means 1 for short stems, 2 for long ones


@dataclass(frozen=True)
class Filter:
    """A condition on a paper's metadata or decisions, answered from SQLite."""

    field: str  # tag, category, year, date, rating, score, is, has; batch (views only)
    op: str  # "=", ">", ">=", "<", "<=", "range", "prefix"
    value: object
    pos: int
    high: object = None  # upper bound of a range (inclusive)


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class MatchAll:
    """The empty query: every paper."""


Node = Text | Filter | And | Or | Not | MatchAll


def _only(node: Node, leaf: type[Text] | type[Filter]) -> bool:
    """Every leaf under `node` is of kind `leaf` (MatchAll counts as neither)."""
    if isinstance(node, Text | Filter | MatchAll):
        return isinstance(node, leaf)
    if isinstance(node, Not):
        return _only(node.child, leaf)
    return all(_only(c, leaf) for c in node.children)


def is_text_only(node: Node) -> bool:
    return _only(node, Text)


def is_filter_only(node: Node) -> bool:
    return _only(node, Filter)


def text_leaves(node: Node, *, positive: bool = True) -> list[Text]:
    """Text leaves not under a NOT (what highlighting and ranking care about)."""
    if isinstance(node, Text):
        return [node]
    if isinstance(node, Not):
        return [] if positive else text_leaves(node.child, positive=False)
    if isinstance(node, And | Or):
        return [leaf for c in node.children for leaf in text_leaves(c, positive=positive)]
    return []
