"""Turn the text half of a parsed query into a Whoosh query (filters go to `facets`).

Text leaves become Whoosh queries analysed exactly like the indexed field (stemmed prose,
unstemmed names); prefixes are not stemmed and expand to a bounded number of terms, as do
typos, each expansion a scored term.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from whoosh import query as wq

from triage_app.core.search.fields import TEXT_FIELDS
from triage_app.core.search.query_nodes import And, Node, Not, Or, Text

PREFIX_SCAN = 2000  # candidate terms looked at for one prefix in one field
PREFIX_TERMS = 16  # most frequent of them kept: each more term is one more posting read


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
        fields = (node.field,) if node.field else TEXT_FIELDS
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
        fuzzy = wq.FuzzyTerm(
            field, terms[0], maxdist=fuzzy_distance(terms[0], node.maxdist), prefixlength=1
        )
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
    terms = [
        wq.Term(field, w.decode("utf-8") if isinstance(w, bytes) else w) for w in sorted(set(words))
    ]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else wq.Or(terms)


SORTS = ("relevance", "date", "score", "rating")
