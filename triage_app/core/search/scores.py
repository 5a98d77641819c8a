"""Evaluate a Whoosh text query over posting arrays: every match with its BM25F score.

The score is Whoosh's own (BM25F, B=0.75, K1=1.2, idf = log(N / (df + 1)) + 1, field boosts
folded into the posting weights at index time, AND and OR summing their parts), computed for a
whole posting list at once instead of one document at a time. Exact totals come for free:
every match is in the arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import log
from typing import Any

import numpy as np
from whoosh import query as wq

from triage_app.core.search.postings import IndexArrays

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Hits:
    docs: np.ndarray  # int64 global docnums, ascending, unique
    scores: np.ndarray  # float64, aligned with docs

    def __len__(self) -> int:
        return len(self.docs)


EMPTY = Hits(np.empty(0, np.int64), np.empty(0, np.float64))


def evaluate(q: wq.Query, arrays: IndexArrays, check: Callable[[], None]) -> Hits:
    """All live documents matching `q` with their scores."""
    check()
    if isinstance(q, wq.Term):
        return _term(q, arrays, check)
    if isinstance(q, wq.Or):
        return _union([evaluate(c, arrays, check) for c in q.subqueries])
    if isinstance(q, wq.And):
        positive = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        negative = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        hits = _intersection([evaluate(c, arrays, check) for c in positive]) if positive \
            else _everything(arrays)
        for c in negative:
            hits = _without(hits, evaluate(c, arrays, check).docs)
        return hits
    if isinstance(q, wq.Not):
        return _without(_everything(arrays), evaluate(q.query, arrays, check).docs)
    if isinstance(q, wq.Phrase):
        return _phrase(q, arrays, check)
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return EMPTY
    raise TypeError(f"no array evaluation for {type(q).__name__}")


def top(hits: Hits, n: int | None) -> np.ndarray:
    """Positions into `hits` of the best `n` (all if None): score down, then docnum up."""
    if n is not None and n < len(hits):
        # Everything scoring at least the n-th best, then an exact sort of those few.
        cut = np.partition(hits.scores, len(hits) - n)[len(hits) - n]
        candidates = np.flatnonzero(hits.scores >= cut)
    else:
        candidates = np.arange(len(hits))
    order = np.lexsort((hits.docs[candidates], -hits.scores[candidates]))
    chosen = candidates[order]
    return chosen if n is None else chosen[:n]


def bm25(weight: Any, length: Any, docs: int, df: int, avg_length: float) -> Any:
    """Whoosh's BM25F for a term's weight in a field of `length` words, per document
    (numbers or arrays), with the collection's document count and the term's frequency."""
    idf = log(docs / (df + 1)) + 1
    return idf * (weight * (K1 + 1)) / (weight + K1 * ((1 - B) + B * length / avg_length))


# ------------------------------------------------------------------ leaves
def _term(q: wq.Term, arrays: IndexArrays, check: Callable[[], None], *,
          positions: bool = False) -> Hits:
    postings = arrays.term(q.fieldname, q.text, check, positions=positions)
    if not len(postings.docs):
        return EMPTY
    df = arrays.doc_frequency(q.fieldname, q.text)
    tf = postings.weights.astype(np.float64)
    fl = arrays.lengths[q.fieldname][postings.docs].astype(np.float64)
    scores = bm25(tf, fl, arrays.doc_count_all, df, arrays.avg_length[q.fieldname])
    if q.boost != 1.0:
        scores *= q.boost
    return Hits(postings.docs, scores)


def _phrase(q: wq.Phrase, arrays: IndexArrays, check: Callable[[], None]) -> Hits:
    """Documents holding every word, then those where the words stand side by side (slop 1,
    as Whoosh's Phrase); scored as the sum of the words' scores."""
    words = [_term(wq.Term(q.fieldname, w), arrays, check, positions=True) for w in q.words]
    candidates = _intersection(words)
    if not len(candidates):
        return EMPTY
    docs = arrays.phrase_docs(q.fieldname, list(q.words), candidates.docs, check)
    keep = np.isin(candidates.docs, docs, assume_unique=True)
    return Hits(candidates.docs[keep], candidates.scores[keep] * q.boost)


# -------------------------------------------------------------- combining
def _everything(arrays: IndexArrays) -> Hits:
    docs = np.flatnonzero(arrays.live).astype(np.int64)
    return Hits(docs, np.zeros(len(docs)))


def _union(parts: list[Hits]) -> Hits:
    parts = [p for p in parts if len(p)]
    if not parts:
        return EMPTY
    if len(parts) == 1:
        return parts[0]
    docs, where = np.unique(np.concatenate([p.docs for p in parts]), return_inverse=True)
    scores = np.bincount(where, weights=np.concatenate([p.scores for p in parts]),
                         minlength=len(docs))
    return Hits(docs, scores)


def _intersection(parts: list[Hits]) -> Hits:
    if not parts or any(not len(p) for p in parts):
        return EMPTY
    parts = sorted(parts, key=len)
    result = parts[0]
    for other in parts[1:]:
        docs, mine, theirs = np.intersect1d(result.docs, other.docs, assume_unique=True,
                                            return_indices=True)
        result = Hits(docs, result.scores[mine] + other.scores[theirs])
        if not len(result):
            return EMPTY
    return result


def _without(hits: Hits, docs: np.ndarray) -> Hits:
    if not len(docs) or not len(hits):
        return hits
    keep = ~np.isin(hits.docs, docs, assume_unique=True)
    return Hits(hits.docs[keep], hits.scores[keep])
