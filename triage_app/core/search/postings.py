"""A Whoosh index read as numpy arrays: postings, field lengths, paper ids, live documents.

Why: Whoosh walks postings one document at a time in Python, so a word found in most
abstracts of a big library is slow to count and as slow again to rank. Read a block at a
time into arrays instead, and a search becomes a few vectorised operations. A segment never
changes once written (only its deletion list grows), so what is read from it is cached by
segment: the per-document columns always, the postings of frequent words up to a byte budget.
Deletions are applied when a searcher's view is assembled, never baked into the cache.

This reads the `whoosh-reloaded` 2.7.5 on-disk format (pinned exactly in pyproject.toml) a
block at a time; any other matcher (e.g. a single inlined posting) goes through Whoosh's
public per-document interface.
"""

from __future__ import annotations

import io
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

from triage_app.core.search.safe_pickle import load as safe_load
from triage_app.core.search.safe_pickle import loads as safe_loads
from triage_app.core.search.segment_arrays import SegmentArrays, load_arrays

CACHE_BYTES = 96 * 1024 * 1024  # decoded postings kept for reuse (8 bytes a posting)
CACHE_MIN_POSTINGS = 2_000  # shorter lists decode in well under a millisecond: not cached
CHECK_EVERY_BLOCKS = 64  # blocks decoded between two cancel checks

_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


@dataclass(frozen=True)
class TermPostings:
    """One term's postings in one field over a whole searcher: global docnums, weights."""

    docs: np.ndarray  # int64, ascending, live documents only
    weights: np.ndarray  # float32: term frequency times the field boost


@dataclass(frozen=True)
class _Entry:
    """A term's postings in one segment (deleted documents included)."""

    ids: np.ndarray  # int32 segment-local docnums, ascending
    weights: np.ndarray  # float32
    counts: np.ndarray | None = None  # int32 positions per posting, when read
    positions: np.ndarray | None = None  # int32, every posting's positions one after another

    @property
    def nbytes(self) -> int:
        extra = (
            0
            if self.counts is None or self.positions is None
            else (self.counts.nbytes + self.positions.nbytes)
        )
        return self.ids.nbytes + self.weights.nbytes + extra


class _Segment:
    """What is read once from one segment: its per-document columns, and its posting arrays
    kept beside it (`segment_arrays`) when they are there and sound."""

    def __init__(self, reader: Any, fields: tuple[str, ...], folder: Path | None) -> None:
        self.count = reader.doc_count_all()
        self.lengths = {f: _length_column(reader, f, self.count) for f in fields}
        self.pids = _numeric_column(reader, "pid", self.count)
        self.arrays: SegmentArrays | None = None
        if folder is not None:
            self.arrays = load_arrays(folder, reader.segment().segment_id(), self.count)


class PostingCache:
    """Per-segment arrays shared by every searcher of one index (thread-safe). `folder`, the
    index folder, is where the posting arrays kept beside the segments are looked for."""

    def __init__(
        self,
        fields: tuple[str, ...],
        budget: int = CACHE_BYTES,
        min_postings: int = CACHE_MIN_POSTINGS,
        folder: Path | None = None,
    ) -> None:
        self.fields = fields
        self.folder = folder
        self.budget = budget
        self.min_postings = min_postings
        self._segments: dict[str, _Segment] = {}
        self._postings: OrderedDict[tuple[str, str, str], _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def segment(self, key: str, reader: Any) -> _Segment:
        with self._lock:
            found = self._segments.get(key)
        if found is None:
            found = _Segment(reader, self.fields, self.folder)
            with self._lock:
                self._segments[key] = found
        return found

    def forget_except(self, live: set[str]) -> None:
        """Drop what belongs to segments no longer in the index (merged away)."""
        with self._lock:
            for key in [k for k in self._segments if k not in live]:
                del self._segments[key]
            for term in [k for k in self._postings if k[0] not in live]:
                self._bytes -= self._postings.pop(term).nbytes

    def postings(
        self,
        key: str,
        reader: Any,
        field: str,
        btext: bytes,
        check: Callable[[], None],
        *,
        positions: bool = False,
    ) -> _Entry:
        """A term's postings in one segment, with positions when asked: sliced from the
        segment's posting arrays when it has sound ones, else decoded from Whoosh's blocks."""
        mapped = self.segment(key, reader).arrays
        if mapped is not None:
            info = reader._terms.term_info(field, btext)
            run = mapped.run(field, btext, info, positions)
            if run is not None:
                return _Entry(*run)
        ck = (key, field, btext.decode("utf-8", "surrogatepass"))
        with self._lock:
            hit = self._postings.get(ck)
            if hit is not None and (hit.positions is not None or not positions):
                self._postings.move_to_end(ck)
                return hit
        entry = _read_postings(reader, field, btext, check, positions)
        if len(entry.ids) >= self.min_postings and entry.nbytes <= self.budget:
            with self._lock:
                old = self._postings.pop(ck, None)
                if old is not None:
                    self._bytes -= old.nbytes
                self._postings[ck] = entry
                self._bytes += entry.nbytes
                while self._bytes > self.budget:
                    _, dropped = self._postings.popitem(last=False)
                    self._bytes -= dropped.nbytes
        return entry

    @property
    def cached_bytes(self) -> int:
        return self._bytes


class IndexArrays:
    """One searcher's view: global docnum arrays over all its segments, deletions applied."""

    def __init__(self, searcher: Any, cache: PostingCache) -> None:
        self.searcher = searcher
        self.cache = cache
        self.leaves: list[tuple[str, Any, int]] = []
        lengths: dict[str, list[np.ndarray]] = {f: [] for f in cache.fields}
        pids: list[np.ndarray] = []
        live: list[np.ndarray] = []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            segment = reader.segment()
            if segment is None:  # an index nothing was ever written to: no segment at all
                continue
            key = segment.segment_id()
            seg = cache.segment(key, reader)
            self.leaves.append((key, reader, offset))
            for f in cache.fields:
                lengths[f].append(seg.lengths[f])
            pids.append(seg.pids)
            alive = np.ones(seg.count, dtype=bool)
            if reader.has_deletions():
                gone = np.fromiter(reader.deleted_docs_set, dtype=np.int64)
                alive[gone[gone < seg.count]] = False
            live.append(alive)
        cache.forget_except({k for k, _, _ in self.leaves})
        self.lengths = {f: _concat(parts, np.float32) for f, parts in lengths.items()}
        self.pids = _concat(pids, np.int64)
        self.live = _concat(live, bool)
        self.doc_count_all = int(searcher.doc_count_all())
        self.avg_length = {f: (searcher.avg_field_length(f) or 1.0) for f in cache.fields}
        self.field_total = {f: float(searcher.field_length(f)) for f in cache.fields}

    def term(
        self,
        field: str,
        text: str,
        check: Callable[[], None],
        *,
        positions: bool = False,
        live: np.ndarray | None = None,
    ) -> TermPostings:
        """The term's postings in live documents (those of `live` when given, else the index's);
        `positions` also reads (and caches) where it occurs, so a phrase decodes each of its
        words once."""
        btext = text.encode("utf-8", "surrogatepass")
        docs: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for key, reader, offset in self.leaves:
            if (field, btext) not in reader:
                continue
            entry = self.cache.postings(key, reader, field, btext, check, positions=positions)
            docs.append(entry.ids.astype(np.int64) + offset)
            weights.append(entry.weights)
        if not docs:
            return TermPostings(np.empty(0, np.int64), np.empty(0, np.float32))
        all_docs = np.concatenate(docs)
        all_weights = np.concatenate(weights)
        keep = (self.live if live is None else live)[all_docs]
        return TermPostings(all_docs[keep], all_weights[keep])

    def phrase_docs(
        self, field: str, words: list[str], candidates: np.ndarray, check: Callable[[], None]
    ) -> np.ndarray:
        """Those of `candidates` (global docnums holding every word) where the words stand
        side by side in order, found by intersecting (document, position - i) keys."""
        found: list[np.ndarray] = []
        for key, reader, offset in self.leaves:
            count = len(self.cache.segment(key, reader).pids)
            local = candidates[(candidates >= offset) & (candidates < offset + count)] - offset
            if not len(local):
                continue
            keys: np.ndarray | None = None
            for i, word in enumerate(words):
                entry = self.cache.postings(
                    key, reader, field, word.encode("utf-8", "surrogatepass"), check, positions=True
                )
                mine = _position_keys(entry, local, shift=i)
                keys = mine if keys is None else np.intersect1d(keys, mine, assume_unique=True)
                if not len(keys):
                    break
            if keys is not None and len(keys):
                found.append(_ordered_unique(keys >> 32) + offset)
        return np.concatenate(found) if found else np.empty(0, np.int64)

    def doc_frequency(self, field: str, text: str) -> int:
        """As Whoosh counts it for idf (deleted documents included until merged away)."""
        return int(self.searcher.doc_frequency(field, text))


def _concat(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype)


def _read_postings(
    reader: Any, field: str, btext: bytes, check: Callable[[], None], positions: bool
) -> _Entry:
    """A term's postings, read in one piece and decoded a block at a time."""
    fmt = reader.schema[field].format
    info = reader._terms.term_info(field, btext)
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        blocks = [(np.asarray(ids, np.int64), weights, values)]
    else:
        offset, length = info.extent()
        if isinstance(length, tuple):  # whoosh3 keeps the byte length as a 1-tuple
            length = length[0]
        blocks = list(_blocks(reader._terms._postfile.get(offset, length), check))
    if not blocks:
        return _Entry(np.empty(0, np.int32), np.empty(0, np.float32))
    ids = np.concatenate([b[0] for b in blocks]).astype(np.int32)
    weights = np.concatenate([_weights(w, len(i)) for i, w, _ in blocks])
    if not positions:
        return _Entry(ids, weights)
    values = [v for _, _, vs in blocks for v in vs]
    counts, flat = decode_positions(values, fmt)
    return _Entry(ids, weights, counts, flat)


def raw_blocks(raw: bytes) -> Iterator[tuple[list[int], Any, list[bytes]]]:
    """(delta-coded docnums, weights, values) of each block of a whoosh3 posting list.

    Layout: a 4-byte magic, then per block a signed big-endian length (negative for the
    last block), a pickled info tuple whose fourth item is the zlib level, and the pickled
    (delta-encoded ids, weights, values), compressed when that level is non-zero."""
    stream = io.BytesIO(raw)
    pos = 4
    while pos < len(raw):
        size = int.from_bytes(raw[pos : pos + 4], "big", signed=True)
        pos += 4
        stream.seek(pos)
        block_info = safe_load(stream)
        data = raw[stream.tell() : pos + abs(size)]
        if block_info[3]:
            data = zlib.decompress(data)
        delta_ids, weights, values = safe_loads(data)
        yield delta_ids, weights, values
        pos += abs(size)
        if size < 0:
            break


def _blocks(raw: bytes, check: Callable[[], None]) -> Iterator[tuple[np.ndarray, Any, Any]]:
    """`raw_blocks` with the docnums summed up, calling `check` every few blocks."""
    for n, (delta_ids, weights, values) in enumerate(raw_blocks(raw), 1):
        yield np.cumsum(np.array(delta_ids, dtype=np.int64)), weights, values
        if n % CHECK_EVERY_BLOCKS == 0:
            check()


def _weights(weights: Any, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n, np.float32)
    if isinstance(weights, float):
        return np.full(n, weights, np.float32)
    return np.asarray(weights, np.float32)


def decode_positions(values: list[bytes], fmt: Any) -> tuple[np.ndarray, np.ndarray]:
    """Counts and concatenated positions of postings' encoded position lists.

    Each value is a 4-byte count and a protocol-2 pickle of the position deltas. When every
    delta is under 256 (nearly always) that pickle is a fixed header (b"\\x80\\x02]q\\x00",
    then "(" if there are several), `K<byte>` pairs and an end: read straight from the
    bytes, all values at once. Any other value goes through Whoosh's own decoder."""
    sizes = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    buf = np.frombuffer(b"".join(values), dtype=np.uint8).astype(np.int64)
    starts = np.cumsum(sizes) - sizes
    counts = (
        (buf[starts] << 24) | (buf[starts + 1] << 16) | (buf[starts + 2] << 8) | (buf[starts + 3])
    )
    body = starts + np.where(counts == 1, 9, 10)
    simple = np.where(counts == 1, sizes == 13, sizes == 12 + 2 * counts)
    first = np.cumsum(counts) - counts  # where each value's positions go
    deltas = np.zeros(int(counts.sum()), dtype=np.int64)
    for part in range(2):  # the simple values at once, then any others one by one
        chosen = np.flatnonzero(simple) if part == 0 else np.flatnonzero(~simple)
        if part == 0 and len(chosen):
            n = counts[chosen]
            runs = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
            at = np.repeat(body[chosen], n) + 2 * runs
            ok = buf[at] == ord("K")
            deltas[np.repeat(first[chosen], n) + runs] = buf[at + 1]
            if not ok.all():  # an opcode that only looked simple: decode those properly
                bad = np.unique(np.repeat(chosen, n)[~ok])
                simple[bad] = False
        elif part == 1:
            for j in chosen.tolist():
                ps = fmt.decode_positions(values[j])
                deltas[first[j] : first[j] + counts[j]] = np.diff(ps, prepend=0)
    # A running sum of deltas, restarted at each posting.
    total = np.cumsum(deltas)
    before = (
        np.repeat(np.concatenate([[0], total[np.cumsum(counts)[:-1] - 1]]), counts)
        if len(counts)
        else total
    )
    return counts.astype(np.int32), (total - before).astype(np.int32)


def _position_keys(entry: _Entry, docs: np.ndarray, shift: int) -> np.ndarray:
    """(doc << 32) | (position - shift) for every position of the term in `docs`."""
    assert entry.counts is not None and entry.positions is not None
    at = np.searchsorted(entry.ids, docs)
    inside = at < len(entry.ids)
    at = at[inside]
    at = at[entry.ids[at] == docs[inside]]
    counts = entry.counts[at].astype(np.int64)
    starts = (np.cumsum(entry.counts, dtype=np.int64) - entry.counts)[at]
    # Gather each chosen posting's run of positions.
    idx = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())
    pos = entry.positions[idx].astype(np.int64) - shift
    doc = np.repeat(entry.ids[at].astype(np.int64), counts)
    keep = pos >= 0
    return _ordered_unique((doc[keep] << 32) | pos[keep])


def _ordered_unique(values: np.ndarray) -> np.ndarray:
    """`np.unique(values)` without its sort when `values` are in order already (keys of
    documents in order, each one's positions ascending: the usual case, checked)."""
    if len(values) < 2 or not (values[1:] >= values[:-1]).all():
        return np.unique(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _raw_column(
    reader: Any, field: str, column: Any, count: int, *, translate: bool = True
) -> np.ndarray:
    """The column's fixed-size big-endian values as an array (one read), or its values one
    by one when it is stored some other way."""
    col = (
        reader._perdoc.column_reader(field, column)
        if column is not None
        else (reader.column_reader(field, translate=translate))
    )
    typecode = getattr(col, "_typecode", None)
    dbfile = getattr(col, "_dbfile", None)
    if typecode is None or dbfile is None:
        return np.fromiter(iter(col), dtype=np.float64, count=count)
    stored = int(col._count)
    raw = dbfile.get(col._basepos, stored * col._fixedlen) if stored else b""
    values = np.frombuffer(raw, dtype=np.dtype(typecode).newbyteorder(">"))
    if stored < count:
        values = np.concatenate([values, np.full(count - stored, col._default, dtype=values.dtype)])
    return values[:count]


def _length_column(reader: Any, field: str, count: int) -> np.ndarray:
    if not reader._perdoc.has_column(_lenfield(field)):
        return np.zeros(count, np.float32)
    raw = _raw_column(reader, _lenfield(field), LENGTHS_COLUMN, count)
    return _BYTE_TO_LENGTH[raw.astype(np.int64)]


def _numeric_column(reader: Any, field: str, count: int) -> np.ndarray:
    """An integer field's column. Whoosh stores it in sortable form and translates each value
    in Python on reading, one value at a time holding the GIL; the translation of
    an int is a shift, done here on the whole array."""
    spec = reader.schema[field]
    if spec.numtype is not int or spec.decimal_places:
        return _raw_column(reader, field, None, count).astype(np.int64)
    raw = _raw_column(reader, field, None, count, translate=False).astype(np.uint64)
    if spec.signed:  # stored as value + 2**(bits - 1); wraps back to negatives in int64
        raw = raw - np.uint64(1 << (spec.bits - 1))
    return raw.view(np.int64)
