"""Posting arrays kept beside each Whoosh segment, memory-mapped, so no word reads cold.

Why: the first use of a word otherwise decodes its Whoosh blocks (zlib and pickle, a block of
128 postings at a time), 10-100 ms for a common word at 100,000 papers. A segment never changes
once written, so after each commit every new segment's postings are decoded once, in bulk, and
saved as plain `.npy` arrays in `index/arrays/`; a search maps them and slices a term's run.

The arrays are derived data in a folder that may come from elsewhere: they are loaded with
`allow_pickle=False`, their sizes checked against each other and against the segment, and every
term's run against what Whoosh's own term dictionary says of it (document frequency, first and
last document). Anything missing, damaged or foreign is ignored and the term read from Whoosh's
blocks, never a wrong answer. Arrays of segments merged away are deleted at the next write
(`array_writer`, `array_encode`).
"""

from __future__ import annotations

import bisect
import json
from pathlib import Path
from typing import Any

import numpy as np

from triage_app.core.search.array_files import FORMAT, arrays_dir, part_path, seg_size

PARTS = ("terms", "term_off", "post_off", "pos_off", "ids", "weights", "counts", "positions")
META_MAX_BYTES = 1 << 20
_OFFSET_DTYPES = (np.dtype("<i8"),)
_INT_DTYPES = (np.dtype("<i4"), np.dtype("<u2"))


# ------------------------------------------------------------------ reading
class SegmentArrays:
    """One segment's posting arrays, memory-mapped; `run` answers a term or says None."""

    def __init__(self, arrays: dict[str, np.ndarray], fields: dict[str, tuple[int, int]]):
        self.a = arrays
        self.fields = fields
        self.broken = False

    def run(
        self, field: str, btext: bytes, info: Any, positions: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None] | None:
        """(ids int32, weights, counts, positions) of the term, the last two only when
        `positions` is asked, checked against Whoosh's term info (`info`); None when the
        arrays do not hold the field or disagree with it."""
        span = self.fields.get(field)
        if span is None or self.broken:
            return None
        a = self.a
        term_off = a["term_off"]
        lo, hi = span

        def key(i: int) -> bytes:
            return a["terms"][term_off[i] : term_off[i + 1]].tobytes()

        at = bisect.bisect_left(_Keys(key, lo, hi), btext) + lo
        if at >= hi or key(at) != btext:
            return self._refuse()
        p0, p1 = int(a["post_off"][at]), int(a["post_off"][at + 1])
        q0, q1 = int(a["pos_off"][at]), int(a["pos_off"][at + 1])
        ids = np.asarray(a["ids"][p0:p1]).astype(np.int32, copy=False)
        counts = np.asarray(a["counts"][p0:p1]).astype(np.int32)
        if (
            not 0 <= p0 < p1 <= len(a["ids"])
            or not 0 <= q0 <= q1 <= len(a["positions"])
            or p1 - p0 != info.doc_frequency()
            or int(ids[0]) != info.min_id()
            or int(ids[-1]) != info.max_id()
            or (len(ids) > 1 and not bool((np.diff(ids) > 0).all()))
            or int(counts.sum(dtype=np.int64)) != q1 - q0
            or bool((counts <= 0).any())
        ):
            return self._refuse()
        weights = np.asarray(a["weights"][p0:p1])
        total = float(weights.sum(dtype=np.float64))
        if (
            not bool(np.isfinite(weights).all())
            or not np.isclose(total, info.weight(), rtol=1e-4)
            or not np.isclose(float(weights.max()), info.max_weight(), rtol=1e-5)
        ):
            return self._refuse()
        if not positions:
            return ids, weights, None, None
        flat = np.asarray(a["positions"][q0:q1]).astype(np.int32)
        if len(flat) and int(flat.min()) < 0:
            return self._refuse()
        return ids, weights, counts, flat

    def _refuse(self) -> Any:
        """Arrays that disagree with their segment are ignored from then on."""
        self.broken = True
        return None


class _Keys:
    """A sorted run of terms as bisect sees a sequence."""

    def __init__(self, key: Any, lo: int, hi: int) -> None:
        self.key, self.lo, self.hi = key, lo, hi

    def __len__(self) -> int:
        return self.hi - self.lo

    def __getitem__(self, i: int) -> bytes:
        return self.key(self.lo + i)


def load_arrays(index_dir: Path, segid: str, doc_count: int) -> SegmentArrays | None:
    """The segment's arrays if they are there, whole and this segment's; else None."""
    folder = arrays_dir(index_dir)
    try:
        meta_path = folder / f"{segid}.json"
        if meta_path.stat().st_size > META_MAX_BYTES:
            return None
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if (
            not isinstance(meta, dict)
            or meta.get("format") != FORMAT
            or meta.get("segment") != segid
            or meta.get("doc_count") != doc_count
            or meta.get("seg_size") != seg_size(index_dir, segid)
        ):
            return None
        arrays = {
            name: np.load(part_path(folder, segid, name), mmap_mode="r", allow_pickle=False)
            for name in PARTS
        }
        return _checked(arrays, meta)
    except Exception:  # derived data from a folder that may come from outside: any fault = unused
        return None


def _checked(arrays: dict[str, np.ndarray], meta: dict) -> SegmentArrays | None:
    sizes = meta["sizes"]
    for name, array in arrays.items():
        if array.ndim != 1 or len(array) != sizes.get(name):
            return None
    a = arrays
    if a["terms"].dtype != np.uint8 or a["weights"].dtype != np.dtype("<f4"):
        return None
    if any(a[n].dtype not in _OFFSET_DTYPES for n in ("term_off", "post_off", "pos_off")):
        return None
    if any(a[n].dtype not in _INT_DTYPES for n in ("ids", "counts", "positions")):
        return None
    nterms = len(a["term_off"]) - 1
    if nterms < 0 or len(a["post_off"]) != nterms + 1 or len(a["pos_off"]) != nterms + 1:
        return None
    if len(a["counts"]) != len(a["ids"]) or len(a["weights"]) != len(a["ids"]):
        return None
    for name, end in (("term_off", "terms"), ("post_off", "ids"), ("pos_off", "positions")):
        off = np.asarray(a[name])
        if off[0] != 0 or off[-1] != len(a[end]) or bool((np.diff(off) < 0).any()):
            return None
    fields: dict[str, tuple[int, int]] = {}
    for field, span in meta["fields"].items():
        lo, hi = int(span[0]), int(span[1])
        if not 0 <= lo <= hi <= nterms:
            return None
        fields[str(field)] = (lo, hi)
    return SegmentArrays(arrays, fields)
