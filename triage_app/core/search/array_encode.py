"""Encodes one finished Whoosh segment's postings as the arrays `segment_arrays` maps.

Every term's blocks are decoded once, the lists of a chunk of blocks gathered first and turned
into arrays at once, and the arrays saved under temporary names, then renamed, the meta file
last, so a reader never sees half of them.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from triage_app.core.search.array_files import FORMAT, part_path
from triage_app.core.search.postings import decode_positions
from triage_app.core.search.safe_pickle import load as safe_load
from triage_app.core.search.safe_pickle import loads as safe_loads

CHUNK_POSTINGS = 200_000  # postings held as Python lists before they become arrays
_DTYPES = (np.dtype("<i4"), np.dtype("<f4"), np.dtype("<i4"), np.dtype("<i4"))


def write_segment(reader: Any, folder: Path, segid: str, size: int) -> None:
    terms: list[bytes] = []
    fields: dict[str, list[int]] = {}
    parts: list[tuple[np.ndarray, ...]] = []
    post_sizes: list[int] = []
    by_field: dict[str, list[tuple[bytes, Any]]] = {}
    for (field, btext), info in reader._terms.items():
        by_field.setdefault(field, []).append((btext, info))
    for field in sorted(by_field):
        fmt = reader.schema[field].format if field in reader.schema else None
        if fmt is None or not hasattr(fmt, "decode_positions"):
            continue  # no positions in this field: its terms are read from Whoosh
        items = sorted(by_field.pop(field), key=lambda item: item[0])
        fields[field] = [len(terms), len(terms) + len(items)]
        terms.extend(b for b, _ in items)
        parts.extend(_decode_field(reader, items, fmt, post_sizes))
    ids, weights, counts, positions = (
        _join([p[i] for p in parts], dtype) for i, dtype in enumerate(_DTYPES)
    )
    del parts
    post_off = np.concatenate([[0], np.cumsum(post_sizes, dtype=np.int64)]).astype("<i8")
    pos_off = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])[post_off]
    arrays = {
        "terms": np.frombuffer(b"".join(terms), dtype=np.uint8),
        "term_off": np.concatenate([[0], np.cumsum([len(t) for t in terms])]).astype("<i8"),
        "post_off": post_off,
        "pos_off": pos_off.astype("<i8"),
        "ids": ids,
        "weights": weights,
        "counts": _small(counts),
        "positions": _small(positions),
    }
    meta = {
        "format": FORMAT,
        "segment": segid,
        "doc_count": int(reader.doc_count_all()),
        "seg_size": size,
        "fields": fields,
        "sizes": {name: len(a) for name, a in arrays.items()},
    }
    token = f".tmp-{os.getpid()}-{secrets.token_hex(4)}"
    temps: list[tuple[Path, Path]] = []
    try:
        for name, array in arrays.items():
            tmp = folder / f"{token}.{segid}.{name}.npy"
            temps.append((tmp, part_path(folder, segid, name)))
            with open(tmp, "wb") as fh:
                np.save(fh, array, allow_pickle=False)
        tmp = folder / f"{token}.{segid}.json"
        temps.append((tmp, folder / f"{segid}.json"))
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        for src, dst in temps:  # the meta last: arrays without it are never read
            os.replace(src, dst)
    finally:
        for src, _ in temps:
            with contextlib.suppress(OSError):
                src.unlink()


def _join(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype)


def _small(values: np.ndarray) -> np.ndarray:
    """uint16 when every value fits (positions and counts nearly always do), else int32."""
    if not len(values) or (int(values.min()) >= 0 and int(values.max()) < 1 << 16):
        return values.astype("<u2")
    return values.astype("<i4")


def _decode_field(
    reader: Any, items: list[tuple[bytes, Any]], fmt: Any, sizes: list[int]
) -> list[tuple[np.ndarray, ...]]:
    """Every posting of one field's terms, in term order, as chunks of (docnums, weights,
    position counts, positions); each term's number of postings is appended to `sizes`.
    The blocks' lists are turned into arrays a chunk of about CHUNK_POSTINGS at a time (all
    at once they held gigabytes)."""
    postfile = reader._terms._postfile
    chunk = _Chunk()
    parts: list[tuple[np.ndarray, ...]] = []
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
            for block_ids, ws, vs in _raw_blocks(postfile.get(offset, length)):
                chunk.add(block_ids, ws, vs)
                n += len(block_ids)
        sizes.append(n)
        if len(chunk.deltas) >= CHUNK_POSTINGS:
            parts.append(chunk.arrays(fmt))
            chunk = _Chunk()
    parts.append(chunk.arrays(fmt))
    return parts


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


def _raw_blocks(raw: bytes) -> Iterator[tuple[list[int], Any, list[bytes]]]:
    """(delta-coded docnums, weights, values) of each block of a whoosh3 posting list (the
    layout `postings._blocks` reads)."""
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
