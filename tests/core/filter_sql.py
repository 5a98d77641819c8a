"""The filter language as SQL over the `paper` table: the reference the search's filter
arrays (triage_app.core.search.facets) are held to. Each leaf is wrapped in COALESCE so NULL (no
rating, no date) counts as false and NOT is a true complement."""

from __future__ import annotations

from typing import Any

from triage_app.core.search.query_nodes import And, Filter, MatchAll, Node, Not, Or

TAG_IDS = (
    "p.id IN (SELECT pt.paper_id FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
    "WHERE t.name {cmp})"
)

IS_SQL = {
    "starred": "p.starred = 1",
    "new": "p.status = 'new'",
    "kept": "p.status = 'kept'",
    "dismissed": "p.status = 'dismissed'",
    "rated": "p.rating IS NOT NULL",
    "unrated": "p.rating IS NULL",
}
HAS_SQL = {
    "code": "p.has_code = 1",
    "note": "p.note != ''",
    "tags": "EXISTS (SELECT 1 FROM paper_tag pt WHERE pt.paper_id = p.id)",
    "rating": "p.rating IS NOT NULL",
    "abstract": "p.abstract != ''",
    "title": "coalesce(p.title, '') != ''",
}
_OPS = {">": ">", ">=": ">=", "<": "<", "<=": "<=", "=": "="}


def filter_sql(node: Node, params: list[Any]) -> str:
    """SQL boolean expression for a filter-only subtree; appends its parameters."""
    if isinstance(node, Filter):
        return f"coalesce(({_leaf_sql(node, params)}), 0)"
    if isinstance(node, And):
        return "(" + " AND ".join(filter_sql(c, params) for c in node.children) + ")"
    if isinstance(node, Or):
        return "(" + " OR ".join(filter_sql(c, params) for c in node.children) + ")"
    if isinstance(node, Not):
        return f"NOT {filter_sql(node.child, params)}"
    if isinstance(node, MatchAll):
        return "1"
    raise TypeError(f"not a filter node: {node!r}")


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _leaf_sql(f: Filter, params: list[Any]) -> str:
    if f.field == "is":
        return IS_SQL[str(f.value)]
    if f.field == "has":
        return HAS_SQL[str(f.value)]
    if f.field in ("tag", "category"):
        params.append(_like(str(f.value)) if f.op == "prefix" else f.value)
        cmp = "LIKE ? ESCAPE '\\'" if f.op == "prefix" else "= ? COLLATE NOCASE"
        return TAG_IDS.format(cmp=cmp) if f.field == "tag" else f"p.category {cmp}"
    if f.field in ("year", "date"):
        return _date_sql(f, params)
    column = "p.rating" if f.field == "rating" else "p.score"
    if f.op == "range":
        parts = []
        if f.value is not None:
            parts.append(f"{column} >= ?")
            params.append(f.value)
        if f.high is not None:
            parts.append(f"{column} <= ?")
            params.append(f.high)
        return " AND ".join(parts)
    params.append(f.value)
    return f"{column} {_OPS[f.op]} ?"


def _date_sql(f: Filter, params: list[Any]) -> str:
    """Dates are ISO text: a year or month is a prefix, and `P || '~'` sorts after it."""

    def prefix(v: object) -> str:
        return f"{v:04d}" if isinstance(v, int) else str(v)

    if f.op == "range":
        parts = []
        if f.value is not None:
            parts.append("p.published >= ?")
            params.append(prefix(f.value))
        if f.high is not None:
            parts.append("p.published < ?")
            params.append(prefix(f.high) + "~")
        return " AND ".join(parts)
    p = prefix(f.value)
    if f.op == "=":
        params.extend((p, p + "~"))
        return "p.published >= ? AND p.published < ?"
    bound, op = {">=": (p, ">="), ">": (p + "~", ">="), "<": (p, "<"), "<=": (p + "~", "<")}[f.op]
    params.append(bound)
    return f"p.published {op} ?"


ORDER_SQL = {
    "date": "p.published DESC NULLS LAST, p.id DESC",
    "score": "p.score DESC NULLS LAST, p.published DESC NULLS LAST, p.id DESC",
    "rating": "p.rating DESC NULLS LAST, p.published DESC NULLS LAST, p.id DESC",
}
