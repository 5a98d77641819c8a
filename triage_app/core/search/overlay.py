"""Papers whose text changed since the last index commit, searched from the store directly.

Why: a Whoosh commit costs an fsync and a new segment, so a note typed a moment ago cannot
wait for one before a search finds it. Every store write queues the paper in
`index_outbox`; while few are queued, a search reads those papers' current text and runs
each field through the index's own analysis (`FieldType.index`: the same terms, weights and
length the next commit will write). The query's one evaluation walk (`scores.evaluate`)
reads them as one more source of postings beside the index (`sources`), their stale index
documents left out. The commit follows, batched, off the path of the keystroke.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh.util.numeric import byte_to_length, length_to_byte

from triage_app.core.search.fields import TEXT_FIELDS
from triage_app.core.search.index import ROW_SQL
from triage_app.core.search.postings import IndexArrays
from triage_app.core.search.scores import TermMatches

if TYPE_CHECKING:  # the command line passes a LiteLibrary: no SQLAlchemy to load
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
            queued = [
                r[0]
                for r in conn.exec_driver_sql(
                    f"SELECT paper_id FROM index_outbox LIMIT {MAX_OVERLAY + 1}"
                )
            ]
            if len(queued) > MAX_OVERLAY:
                return None
            if not queued:
                self._docs.clear()
                return []
            marks = ",".join("?" * len(queued))
            rows = conn.exec_driver_sql(
                f"{ROW_SQL} WHERE p.id IN ({marks})", tuple(queued)
            ).fetchall()
        docs: dict[int, OverlayDoc] = {}
        for pid, title, authors, abstract, note, tags, stamp in rows:
            known = self._docs.get(pid)
            if known is None or known.stamp != stamp:
                texts = {
                    "title": title or "",
                    "abstract": abstract or "",
                    "note": note or "",
                    "authors": ", ".join(json.loads(authors or "[]")),
                    "tags": tags or "",
                }
                known = OverlayDoc(pid, stamp, {f: self._analyse(f, texts[f]) for f in TEXT_FIELDS})
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


class OverlaySource:
    """The queued papers as one more source of postings (`scores.Source`), numbered after
    every index document in paper-id order, scored as `scores.evaluate` scores them once
    committed: with the statistics the index will have then (a commit adds each document to
    the counts and lengths; the stale one is still counted until a merge)."""

    def __init__(self, docs: list[OverlayDoc], arrays: IndexArrays) -> None:
        self.arrays = arrays
        self.docs = sorted(docs, key=lambda d: d.pid)
        self.pids = np.array([d.pid for d in self.docs], dtype=np.int64)
        self.start = arrays.doc_count_all
        self.doc_count = arrays.doc_count_all + len(docs)
        self.field_total = {
            f: arrays.field_total[f] + sum(d.fields[f].length for d in docs) for f in TEXT_FIELDS
        }

    def term(
        self, field: str, text: str, check: Callable[[], None], *, positions: bool = False
    ) -> TermMatches | None:
        having = [
            (i, doc.fields[field])
            for i, doc in enumerate(self.docs)
            if text in doc.fields[field].terms
        ]
        if not having:
            return None
        return TermMatches(
            self.start + np.array([i for i, _ in having], dtype=np.int64),
            np.array([f.terms[text][0] for _, f in having], dtype=np.float64),
            np.array([f.length for _, f in having], dtype=np.float64),
            self.doc_count,
            self.arrays.doc_frequency(field, text) + len(having),
            self.field_total[field] / self.doc_count or 1.0,
        )

    def phrase_docs(
        self, field: str, words: list[str], candidates: np.ndarray, check: Callable[[], None]
    ) -> np.ndarray:
        mine = candidates[candidates >= self.start]
        return np.array(
            [d for d in mine.tolist() if _adjacent(self.docs[d - self.start].fields[field], words)],
            dtype=np.int64,
        )

    def live_docs(self) -> np.ndarray:
        return self.start + np.arange(len(self.docs), dtype=np.int64)


def _adjacent(field: _Field, words: list[str]) -> bool:
    starts = set(field.terms[words[0]][1])
    for i, word in enumerate(words[1:], start=1):
        starts &= {p - i for p in field.terms[word][1]}
    return bool(starts)
