"""Evaluate a Whoosh text query over posting arrays: every match with its BM25F score.

The score is Whoosh's own (BM25F, B=0.75, K1=1.2, idf = log(N / (df + 1)) + 1, field boosts
folded into the posting weights at index time, AND and OR summing their parts), computed for a
whole posting list at once instead of one document at a time. Exact totals come for free:
every match is in the arrays.

One walk of the query serves every source of documents (`Source`: the index read as arrays,
and the papers edited since its last commit, `overlay`): each numbers its documents in its
own range of one docnum space and answers the leaves (a term's postings with the statistics
its scores use, where a phrase's words stand side by side, every live document); the
booleans combine the sources' matches together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import log
from typing import Any, Protocol

import numpy as np
from whoosh import query as wq

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Hits:
    docs: np.ndarray  # int64 global docnums, ascending, unique
    scores: np.ndarray  # float64, aligned with docs

    def __len__(self) -> int:
        return len(self.docs)


EMPTY = Hits(np.empty(0, np.int64), np.empty(0, np.float64))


@dataclass(frozen=True)
class TermMatches:
    """One source's documents holding a term, with what their BM25F scores need."""

    docs: np.ndarray  # int64 docnums, ascending, inside the source's range
    weights: np.ndarray  # term frequency times the field boost
    lengths: np.ndarray  # the field's length in each of those documents
    doc_count: int  # N of the idf
    df: int  # documents holding the term, as the idf counts them
    avg_length: float  # the field's average length


class Source(Protocol):
    """Documents numbered in a range of docnums of their own, after the sources before."""

    def term(
        self, field: str, text: str, check: Callable[[], None], *, positions: bool = False
    ) -> TermMatches | None:
        """The term's live postings (None if none); `positions`: a phrase follows."""
        ...

    def phrase_docs(
        self, field: str, words: list[str], candidates: np.ndarray, check: Callable[[], None]
    ) -> np.ndarray:
        """Those of `candidates` in this source where the words stand side by side."""
        ...

    def live_docs(self) -> np.ndarray:
        """Every live document, ascending."""
        ...


def evaluate(q: wq.Query, sources: Sequence[Source], check: Callable[[], None]) -> Hits:
    """All live documents of the sources matching `q` with their scores."""
    check()
    if isinstance(q, wq.Term):
        return _term(q, sources, check)
    if isinstance(q, wq.Or):
        return _union([evaluate(c, sources, check) for c in q.subqueries])
    if isinstance(q, wq.And):
        positive = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        negative = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        hits = (
            _intersection([evaluate(c, sources, check) for c in positive])
            if positive
            else _everything(sources)
        )
        for c in negative:
            hits = _without(hits, evaluate(c, sources, check).docs)
        return hits
    if isinstance(q, wq.Not):
        return _without(_everything(sources), evaluate(q.query, sources, check).docs)
    if isinstance(q, wq.Phrase):
        return _phrase(q, sources, check)
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
def _term(
    q: wq.Term, sources: Sequence[Source], check: Callable[[], None], *, positions: bool = False
) -> Hits:
    parts = []
    for source in sources:
        found = source.term(q.fieldname, q.text, check, positions=positions)
        if found is None or not len(found.docs):
            continue
        tf = found.weights.astype(np.float64)
        fl = found.lengths.astype(np.float64)
        scores = bm25(tf, fl, found.doc_count, found.df, found.avg_length)
        if q.boost != 1.0:
            scores *= q.boost
        parts.append(Hits(found.docs, scores))
    return _concat(parts)


def _phrase(q: wq.Phrase, sources: Sequence[Source], check: Callable[[], None]) -> Hits:
    """Documents holding every word, then those where the words stand side by side (slop 1,
    as Whoosh's Phrase); scored as the sum of the words' scores."""
    words = [_term(wq.Term(q.fieldname, w), sources, check, positions=True) for w in q.words]
    candidates = _intersection(words)
    if not len(candidates):
        return EMPTY
    docs = np.concatenate(
        [s.phrase_docs(q.fieldname, list(q.words), candidates.docs, check) for s in sources]
    )
    keep = np.isin(candidates.docs, docs, assume_unique=True)
    return Hits(candidates.docs[keep], candidates.scores[keep] * q.boost)


# -------------------------------------------------------------- combining
def _concat(parts: list[Hits]) -> Hits:
    """Hits of sources in docnum order, one after another."""
    if not parts:
        return EMPTY
    if len(parts) == 1:
        return parts[0]
    return Hits(np.concatenate([p.docs for p in parts]), np.concatenate([p.scores for p in parts]))


def _everything(sources: Sequence[Source]) -> Hits:
    docs = (
        np.concatenate([s.live_docs() for s in sources]).astype(np.int64, copy=False)
        if sources
        else np.empty(0, np.int64)
    )
    return Hits(docs, np.zeros(len(docs)))


def _union(parts: list[Hits]) -> Hits:
    parts = [p for p in parts if len(p)]
    if not parts:
        return EMPTY
    if len(parts) == 1:
        return parts[0]
    docs, where = np.unique(np.concatenate([p.docs for p in parts]), return_inverse=True)
    scores = np.bincount(
        where, weights=np.concatenate([p.scores for p in parts]), minlength=len(docs)
    )
    return Hits(docs, scores)


def _intersection(parts: list[Hits]) -> Hits:
    """Documents in every part, found from the shortest part by binary search in the others;
    scores summed in the query's order, so a document's score does not depend on how many
    other documents hold each word."""
    if not parts or any(not len(p) for p in parts):
        return EMPTY
    if len(parts) == 1:
        return parts[0]
    by_size = sorted(range(len(parts)), key=lambda i: len(parts[i]))
    docs = parts[by_size[0]].docs
    where = {by_size[0]: np.arange(len(docs))}  # part -> positions of `docs` in it
    for i in by_size[1:]:
        other = parts[i].docs
        at = np.minimum(np.searchsorted(other, docs), len(other) - 1)
        found = other[at] == docs
        docs = docs[found]
        if not len(docs):
            return EMPTY
        where = {j: w[found] for j, w in where.items()}
        where[i] = at[found]
    scores = parts[0].scores[where[0]]
    for i in range(1, len(parts)):
        scores = scores + parts[i].scores[where[i]]
    return Hits(docs, scores)


def _without(hits: Hits, docs: np.ndarray) -> Hits:
    if not len(docs) or not len(hits):
        return hits
    keep = ~np.isin(hits.docs, docs, assume_unique=True)
    return Hits(hits.docs[keep], hits.scores[keep])
