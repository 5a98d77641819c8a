"""Which characters of a paper's title or abstract a query matched (for highlighting).

The text is analysed with the same analyzer the index uses, so a query `autoencoders`
highlights `autoencoder` and a phrase highlights only where its words stand together.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Levenshtein

from triage_app.core.search.fields import TEXT_FIELDS
from triage_app.core.search.index import make_schema
from triage_app.core.search.plan import fold, fuzzy_distance
from triage_app.core.search.query_nodes import Node, Text, text_leaves


@lru_cache(maxsize=1)
def _schema() -> Any:
    return make_schema()


@dataclass(frozen=True)
class _Tok:
    text: str  # analysed (stemmed, folded)
    start: int
    end: int
    pos: int


def _tokens(field: str, text: str) -> list[_Tok]:
    analyzer = _schema()[field].analyzer
    return [
        _Tok(t.text, t.startchar, t.endchar, t.pos)
        for t in analyzer(text, positions=True, chars=True, mode="index")
    ]


def _terms(field: str, text: str) -> list[str]:
    return list(_schema()[field].process_text(text, mode="query"))


class Highlighter:
    """Compiled once per query; `spans(text, field)` per shown field."""

    def __init__(self, node: Node) -> None:
        self.leaves: list[Text] = text_leaves(node)

    def spans(self, text: str, field: str) -> list[tuple[int, int]]:
        if field not in TEXT_FIELDS:
            raise ValueError(f"unknown field {field!r}; one of {', '.join(TEXT_FIELDS)}")
        leaves = [leaf for leaf in self.leaves if leaf.field in (None, field)]
        if not leaves or not text:
            return []
        toks = _tokens(field, text)
        found: list[tuple[int, int]] = []
        for leaf in leaves:
            found.extend(self._leaf_spans(leaf, field, text, toks))
        return _merge(found)

    def _leaf_spans(
        self, leaf: Text, field: str, text: str, toks: list[_Tok]
    ) -> list[tuple[int, int]]:
        if leaf.kind == "prefix":
            return [
                (t.start, t.end)
                for t in toks
                if t.text.startswith(leaf.text) or fold(text[t.start : t.end]).startswith(leaf.text)
            ]
        terms = _terms(field, leaf.text)
        if not terms:
            return []
        if leaf.kind == "fuzzy" and len(terms) == 1:
            term = terms[0]
            dist = fuzzy_distance(term, leaf.maxdist)
            return [
                (t.start, t.end)
                for t in toks
                if t.text[:1] == term[:1]
                and Levenshtein.distance(t.text, term, score_cutoff=dist) <= dist
            ]
        if len(terms) == 1:
            return [(t.start, t.end) for t in toks if t.text == terms[0]]
        out = []
        n = len(terms)
        for i in range(len(toks) - n + 1):
            window = toks[i : i + n]
            if all(w.text == term for w, term in zip(window, terms, strict=True)) and all(
                window[k + 1].pos == window[k].pos + 1 for k in range(n - 1)
            ):
                out.append((window[0].start, window[-1].end))
        return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
