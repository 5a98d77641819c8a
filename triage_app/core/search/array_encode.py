"""Encodes one finished Whoosh segment's postings as the arrays `segment_arrays` maps.

Every term's blocks are decoded once, the lists of a chunk of blocks gathered first and turned
into arrays at once, and the arrays saved under temporary names, then renamed, the meta file
last, so a reader never sees half of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from triage_app.core.search.array_spool import ArraySpool
from triage_app.core.search.postings import decode_positions, raw_blocks

CHUNK_POSTINGS = 200_000  # postings held as Python lists before they become arrays


def write_segment(reader: Any, folder: Path, segid: str, size: int) -> None:
    """Write one segment's arrays, a chunk of decoded blocks at a time (`ArraySpool`)."""
    by_field: dict[str, list[tuple[bytes, Any]]] = {}
    for (field, btext), info in reader._terms.items():
        by_field.setdefault(field, []).append((btext, info))
    spool = ArraySpool(folder, segid)
    try:
        for field in sorted(by_field):
            fmt = reader.schema[field].format if field in reader.schema else None
            if fmt is None or not hasattr(fmt, "decode_positions"):
                continue  # no positions in this field: its terms are read from Whoosh
            items = sorted(by_field.pop(field), key=lambda item: item[0])
            spool.start_field(field, [b for b, _ in items])
            for chunk, sizes in _decode_field(reader, items, fmt):
                spool.add(chunk, sizes)
        spool.finish(int(reader.doc_count_all()), size)
    finally:
        spool.close()


def _decode_field(
    reader: Any, items: list[tuple[bytes, Any]], fmt: Any
) -> Iterator[tuple[tuple[np.ndarray, ...], list[int]]]:
    """One field's postings in term order, a chunk of about CHUNK_POSTINGS at a time (whole
    terms): (docnums, weights, position counts, positions) and each term's posting count."""
    postfile = reader._terms._postfile
    chunk = _Chunk()
    sizes: list[int] = []
    for _btext, info in items:
        n = 0
        if info.is_inlined():
            ids, ws, vs = info.inlined_postings()
            chunk.add(np.diff(np.asarray(ids, np.int64), prepend=0).tolist(), ws, vs)
            n = len(ids)
        else:
            offset, length = info.extent()
            if isinstance(length, tuple):  # whoosh3 keeps the byte length as a 1-tuple
                length = length[0]
            for block_ids, ws, vs in raw_blocks(postfile.get(offset, length)):
                chunk.add(block_ids, ws, vs)
                n += len(block_ids)
        sizes.append(n)
        if len(chunk.deltas) >= CHUNK_POSTINGS:
            yield chunk.arrays(fmt), sizes
            chunk, sizes = _Chunk(), []
    if sizes:
        yield chunk.arrays(fmt), sizes


class _Chunk:
    """Postings gathered as lists, block by block, until they are turned into arrays."""

    def __init__(self) -> None:
        self.deltas: list[int] = []
        self.starts: list[int] = []  # where each block's delta-coded docnums begin
        self.weights: list[float] = []
        self.values: list[bytes] = []

    def add(self, deltas: list[int], weights: Any, values: Any) -> None:
        self.starts.append(len(self.deltas))
        self.deltas.extend(deltas)
        _extend_weights(self.weights, weights, len(deltas))
        self.values.extend(values)

    def arrays(self, fmt: Any) -> tuple[np.ndarray, ...]:
        total = np.cumsum(np.array(self.deltas, dtype=np.int64))
        block_start = np.asarray(self.starts, dtype=np.int64)
        block_len = np.diff(np.append(block_start, len(total)))
        base = np.where(block_start > 0, total[np.maximum(block_start - 1, 0)], 0)
        ids = (total - np.repeat(base, block_len)).astype(np.int32)
        if self.values:
            counts, positions = decode_positions(self.values, fmt)
        else:
            counts, positions = np.empty(0, np.int32), np.empty(0, np.int32)
        return ids, np.asarray(self.weights, np.float32), counts, positions


def _extend_weights(out: list[float], weights: Any, n: int) -> None:
    if weights is None:
        out.extend([1.0] * n)
    elif isinstance(weights, float):
        out.extend([weights] * n)
    else:
        out.extend(weights)
