"""Papers whose text changed since the last index commit, searched from the store directly.

Why: a Whoosh commit costs ~90 ms at best and ~200 ms at p95 (an fsync and a segment), so a
note typed a moment ago cannot wait for one before a search finds it. Every store write
queues the paper in `index_outbox`; while few are queued, a search reads those papers'
current text, runs each field through the index's own analysis (`FieldType.index`: the same
terms, weights and length the next commit will write) and scores the query on them with the
index's statistics. Their stale index documents are left out. The commit follows, batched,
off the path of the keystroke.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.util.numeric import byte_to_length, length_to_byte

from triage_app.core.search.fields import TEXT_FIELDS
from triage_app.core.search.index import ROW_SQL
from triage_app.core.search.postings import IndexArrays
from triage_app.core.search.scores import bm25
from triage_app.core.store import Library

MAX_OVERLAY = 500  # queued papers searched this way; more means a bulk job: the index waits


@dataclass(frozen=True)
class _Field:
    length: float  # as the index stores it (quantised to a byte)
    terms: dict[str, tuple[float, list[int]]]  # term -> (weight, positions)


@dataclass(frozen=True)
class OverlayDoc:
    pid: int
    stamp: str
    fields: dict[str, _Field]


class Overlay:
    """The queued papers' analysed text, re-read only when a paper's stamp moves."""

    def __init__(self, library: Library, schema: Any) -> None:
        self.library = library
        self.schema = schema
        self._docs: dict[int, OverlayDoc] = {}

    def current(self) -> list[OverlayDoc] | None:
        """The queued papers now, or None when too many are queued to search this way."""
        with self.library.read() as conn:
            queued = [r[0] for r in conn.exec_driver_sql(
                f"SELECT paper_id FROM index_outbox LIMIT {MAX_OVERLAY + 1}")]
            if len(queued) > MAX_OVERLAY:
                return None
            if not queued:
                self._docs.clear()
                return []
            marks = ",".join("?" * len(queued))
            rows = conn.exec_driver_sql(f"{ROW_SQL} WHERE p.id IN ({marks})",
                                        tuple(queued)).fetchall()
        docs: dict[int, OverlayDoc] = {}
        for pid, title, authors, abstract, note, tags, stamp in rows:
            known = self._docs.get(pid)
            if known is None or known.stamp != stamp:
                texts = {"title": title or "", "abstract": abstract or "", "note": note or "",
                         "authors": ", ".join(json.loads(authors or "[]")), "tags": tags or ""}
                known = OverlayDoc(pid, stamp, {f: self._analyse(f, texts[f])
                                                for f in TEXT_FIELDS})
            docs[pid] = known
        self._docs = docs
        return list(docs.values())

    def _analyse(self, field: str, text: str) -> _Field:
        fieldtype = self.schema[field]
        length = 0
        terms = {}
        for btext, freq, weight, value in fieldtype.index(text):  # as the writer adds it
            length += freq
            term = btext.decode("utf-8") if isinstance(btext, bytes) else btext
            terms[term] = (float(weight), fieldtype.format.decode_positions(value))
        return _Field(float(byte_to_length(length_to_byte(length))) if length else 0.0, terms)


def evaluate_overlay(q: wq.Query, docs: list[OverlayDoc],
                     arrays: IndexArrays) -> dict[int, float]:
    """pid -> score for the queued papers matching `q`, scored as `text_scores` scores
    them once committed: with the statistics the index will have then (a commit adds each
    document to the counts and lengths; the stale one is still counted until a merge)."""
    if isinstance(q, wq.Term):
        having = [(doc, doc.fields[q.fieldname]) for doc in docs
                  if q.text in doc.fields[q.fieldname].terms]
        if not having:
            return {}
        n = arrays.doc_count_all + len(docs)
        df = arrays.doc_frequency(q.fieldname, q.text) + len(having)
        total = arrays.field_total[q.fieldname] + sum(d.fields[q.fieldname].length
                                                      for d in docs)
        avg = total / n or 1.0
        out: dict[int, float] = {}
        for doc, field in having:
            weight = field.terms[q.text][0]
            out[doc.pid] = bm25(weight, field.length, n, df, avg) * q.boost
        return out
    if isinstance(q, wq.Or):
        out = {}
        for child in q.subqueries:
            for pid, score in evaluate_overlay(child, docs, arrays).items():
                out[pid] = out.get(pid, 0.0) + score
        return out
    if isinstance(q, wq.And):
        positive = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        found = ([evaluate_overlay(c, docs, arrays) for c in positive] if positive
                 else [{d.pid: 0.0 for d in docs}])
        common = set.intersection(*(set(f) for f in found))
        for c in q.subqueries:
            if isinstance(c, wq.Not):
                common -= set(evaluate_overlay(c.query, docs, arrays))
        return {pid: sum(f[pid] for f in found) for pid in common}
    if isinstance(q, wq.Not):
        excluded = evaluate_overlay(q.query, docs, arrays)
        return {d.pid: 0.0 for d in docs if d.pid not in excluded}
    if isinstance(q, wq.Phrase):
        words = evaluate_overlay(wq.And([wq.Term(q.fieldname, w) for w in q.words]), docs, arrays)
        out = {}
        for doc in docs:
            if doc.pid in words and _adjacent(doc.fields[q.fieldname], list(q.words)):
                out[doc.pid] = words[doc.pid] * q.boost
        return out
    return {}


def merge(pids: np.ndarray, scores: np.ndarray, docs: np.ndarray,
          overlay: dict[int, float], queued: set[int], doc_count_all: int
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index hits without the queued papers' stale documents, plus the queued papers' own
    hits (numbered after every index document, so equal scores rank index hits first)."""
    if queued:
        keep = ~np.isin(pids, np.fromiter(queued, dtype=np.int64, count=len(queued)))
        pids, scores, docs = pids[keep], scores[keep], docs[keep]
    if not overlay:
        return pids, scores, docs
    extra = sorted(overlay)
    return (np.concatenate([pids, np.array(extra, dtype=np.int64)]),
            np.concatenate([scores, np.array([overlay[p] for p in extra], np.float64)]),
            np.concatenate([docs, doc_count_all + np.arange(len(extra), dtype=np.int64)]))


def _adjacent(field: _Field, words: list[str]) -> bool:
    starts = set(field.terms[words[0]][1])
    for i, word in enumerate(words[1:], start=1):
        starts &= {p - i for p in field.terms[word][1]}
    return bool(starts)
