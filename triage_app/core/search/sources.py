"""The documents one search is evaluated over: the index's, and the papers edited since its
last commit (`overlay`), numbered in one docnum space so one walk of the query serves both.

Index documents keep their docnums; the overlay's follow them in paper-id order, so equal
scores rank index hits first, then the queued papers by id. The queued papers' stale index
documents are left out of the index's live set: their current text is the overlay's.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from triage_app.core.search.overlay import OverlayDoc, OverlaySource
from triage_app.core.search.postings import IndexArrays
from triage_app.core.search.scores import Source, TermMatches


class IndexSource:
    """The index read as arrays, without the documents of the paper ids `hidden`."""

    def __init__(self, arrays: IndexArrays, hidden: np.ndarray | None = None) -> None:
        self.arrays = arrays
        self.live = arrays.live
        if hidden is not None and len(hidden):
            self.live = arrays.live & ~np.isin(arrays.pids, hidden)

    def term(
        self, field: str, text: str, check: Callable[[], None], *, positions: bool = False
    ) -> TermMatches | None:
        postings = self.arrays.term(field, text, check, positions=positions, live=self.live)
        if not len(postings.docs):
            return None
        return TermMatches(
            postings.docs,
            postings.weights,
            self.arrays.lengths[field][postings.docs],
            self.arrays.doc_count_all,
            self.arrays.doc_frequency(field, text),
            self.arrays.avg_length[field],
        )

    def phrase_docs(
        self, field: str, words: list[str], candidates: np.ndarray, check: Callable[[], None]
    ) -> np.ndarray:
        return self.arrays.phrase_docs(field, words, candidates, check)

    def live_docs(self) -> np.ndarray:
        return np.flatnonzero(self.live).astype(np.int64)


class Corpus:
    """What a query is evaluated over: the sources, and the paper id of every docnum."""

    def __init__(self, arrays: IndexArrays, overlay: list[OverlayDoc] | None = None) -> None:
        self.arrays = arrays
        self.overlay = list(overlay or ())
        extra = OverlaySource(self.overlay, arrays) if self.overlay else None
        index = IndexSource(arrays, None if extra is None else extra.pids)
        self.sources: tuple[Source, ...] = (index,) if extra is None else (index, extra)
        self.pids = arrays.pids if extra is None else np.concatenate([arrays.pids, extra.pids])

    def serves(self, arrays: IndexArrays, overlay: list[OverlayDoc] | None) -> bool:
        """Whether this is the corpus of `arrays` and `overlay` (the same documents)."""
        docs = overlay or ()
        return (
            self.arrays is arrays
            and len(docs) == len(self.overlay)
            and all(a is b for a, b in zip(docs, self.overlay, strict=True))
        )
