"""Turn a parsed query into its two halves: a Whoosh query for text, SQL for filters.

Text leaves become Whoosh queries analysed exactly like the indexed field (stemmed prose,
unstemmed names); prefixes are not stemmed and expand to a bounded number of terms. Filter
leaves become SQL over the `paper` table aliased `p`; each leaf is wrapped in COALESCE so
NULL (no rating, no date) counts as false and NOT is a true complement.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from whoosh import query as wq

from triage_app.core.query_parser import And, Filter, MatchAll, Node, Not, Or, Text

FREE_FIELDS = ("title", "authors", "abstract", "note", "tags")
PREFIX_SCAN = 2000  # candidate terms looked at for one prefix in one field
PREFIX_TERMS = 16  # most frequent of them kept (64 put p95 of `word*` near 2 s at 100k)


def fold(text: str) -> str:
    """Lower case without accents, as the analyzers index."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def analyze(schema: Any, field: str, text: str) -> list[str]:
    return [t for t in schema[field].process_text(text, mode="query")]


def fuzzy_distance(term: str, asked: int) -> int:
    """Edits a `word~` tolerates: 1 for stems under 7 letters (else `aligment` -> `alig`
    would match `all`), 2 for longer ones, or what `word~N` asked for."""
    return asked or (1 if len(term) < 7 else 2)


# ----------------------------------------------------------------- Whoosh
def text_query(node: Node, searcher: Any) -> wq.Query:
    """The Whoosh query of a text-only subtree."""
    if isinstance(node, Text):
        fields = (node.field,) if node.field else FREE_FIELDS
        parts = [q for f in fields if (q := _leaf(node, f, searcher)) is not None]
        if not parts:
            return wq.NullQuery
        return parts[0] if len(parts) == 1 else wq.Or(parts)
    if isinstance(node, And):
        return wq.And([text_query(c, searcher) for c in node.children])
    if isinstance(node, Or):
        return wq.Or([text_query(c, searcher) for c in node.children])
    if isinstance(node, Not):
        return wq.Not(text_query(node.child, searcher))
    raise TypeError(f"not a text node: {node!r}")


def _leaf(node: Text, field: str, searcher: Any) -> wq.Query | None:
    schema = searcher.schema
    if node.kind == "prefix":
        return _prefix(field, fold(node.text), searcher)
    terms = analyze(schema, field, node.text)
    if not terms:
        return None  # a stop word
    if node.kind == "fuzzy" and len(terms) == 1:
        fuzzy = wq.FuzzyTerm(field, terms[0], maxdist=fuzzy_distance(terms[0], node.maxdist),
                             prefixlength=1)
        return _any_of(field, [t for _, t in fuzzy.expanded_terms(searcher.reader())])
    if len(terms) == 1:
        return wq.Term(field, terms[0])
    return wq.Phrase(field, terms)


def _prefix(field: str, prefix: str, searcher: Any) -> wq.Query | None:
    reader = searcher.reader()
    candidates: list[tuple[int, str]] = []
    for n, btext in enumerate(reader.expand_prefix(field, prefix)):
        if n >= PREFIX_SCAN:
            break
        term = btext.decode("utf-8") if isinstance(btext, bytes) else btext
        candidates.append((reader.doc_frequency(field, term), term))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (-c[0], c[1]))
    return _any_of(field, [t for _, t in candidates[:PREFIX_TERMS]])


def _any_of(field: str, words: list[str | bytes]) -> wq.Query | None:
    """One scored Term per expansion of a prefix or a typo (each its own BM25F weight)."""
    terms = [wq.Term(field, w.decode("utf-8") if isinstance(w, bytes) else w)
             for w in sorted(set(words))]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else wq.Or(terms)


# -------------------------------------------------------------------- SQL
TAG_IDS = ("p.id IN (SELECT pt.paper_id FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
           "WHERE t.name {cmp})")

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
SORTS = ("relevance", *ORDER_SQL)
