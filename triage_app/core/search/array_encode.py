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


def write_segment(reader: Any, folder: Path, segid: str, size: int) -> None:
    """Write one segment's arrays. The postings go to spool files a chunk at a time and
    become `.npy` files at the end, so the memory used is a chunk's, not the segment's
    (held whole, the two segments of 100,000 papers took 500 MB)."""
    terms: list[bytes] = []
    fields: dict[str, list[int]] = {}
    post_sizes: list[int] = []
    pos_sizes: list[np.ndarray] = []
    by_field: dict[str, list[tuple[bytes, Any]]] = {}
    for (field, btext), info in reader._terms.items():
        by_field.setdefault(field, []).append((btext, info))
    token = f".tmp-{os.getpid()}-{secrets.token_hex(4)}"
    temps: list[tuple[Path, Path]] = []
    spools = {name: folder / f"{token}.{segid}.{name}.raw" for name in _SPOOLED}
    top = dict.fromkeys(_SPOOLED, 0)
    try:
        with contextlib.ExitStack() as stack:
            files = {name: stack.enter_context(open(path, "wb")) for name, path in spools.items()}
            for field in sorted(by_field):
                fmt = reader.schema[field].format if field in reader.schema else None
                if fmt is None or not hasattr(fmt, "decode_positions"):
                    continue  # no positions in this field: its terms are read from Whoosh
                items = sorted(by_field.pop(field), key=lambda item: item[0])
                fields[field] = [len(terms), len(terms) + len(items)]
                terms.extend(b for b, _ in items)
                for chunk, sizes in _decode_field(reader, items, fmt):
                    _spool(files, top, chunk)
                    ends = np.cumsum(np.asarray(sizes, np.int64))
                    running = np.concatenate([[0], np.cumsum(chunk[2], dtype=np.int64)])
                    pos_sizes.append(running[ends] - running[ends - np.asarray(sizes)])
                    post_sizes.extend(sizes)
        positions_per_term = (
            np.concatenate(pos_sizes).astype(np.int64) if pos_sizes else np.zeros(0, np.int64)
        )
        small = {
            "ids": np.dtype("<i4"),
            "weights": np.dtype("<f4"),
            "counts": _small(top["counts"]),
            "positions": _small(top["positions"]),
        }
        header = {
            "terms": np.frombuffer(b"".join(terms), dtype=np.uint8),
            "term_off": np.concatenate([[0], np.cumsum([len(t) for t in terms])]).astype("<i8"),
            "post_off": np.concatenate([[0], np.cumsum(post_sizes, dtype=np.int64)]).astype("<i8"),
            "pos_off": np.concatenate([[0], np.cumsum(positions_per_term)]).astype("<i8"),
        }
        sizes_of = {name: len(a) for name, a in header.items()}
        for name, array in header.items():
            tmp = folder / f"{token}.{segid}.{name}.npy"
            temps.append((tmp, part_path(folder, segid, name)))
            with open(tmp, "wb") as fh:
                np.save(fh, array, allow_pickle=False)
        for name, dtype in small.items():
            tmp = folder / f"{token}.{segid}.{name}.npy"
            temps.append((tmp, part_path(folder, segid, name)))
            sizes_of[name] = _npy_from_spool(spools[name], _SPOOLED[name], dtype, tmp)
        meta = {
            "format": FORMAT,
            "segment": segid,
            "doc_count": int(reader.doc_count_all()),
            "seg_size": size,
            "fields": fields,
            "sizes": sizes_of,
        }
        tmp = folder / f"{token}.{segid}.json"
        temps.append((tmp, folder / f"{segid}.json"))
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        for src, dst in temps:  # the meta last: arrays without it are never read
            os.replace(src, dst)
    finally:
        for src in [*spools.values(), *(src for src, _ in temps)]:
            with contextlib.suppress(OSError):
                src.unlink()


# What is spooled, and as what, before it becomes a .npy file.
_SPOOLED = {
    "ids": np.dtype("<i4"),
    "weights": np.dtype("<f4"),
    "counts": np.dtype("<i4"),
    "positions": np.dtype("<i4"),
}
SPOOL_READ = 1 << 20  # values converted at a time from a spool file


def _spool(files: dict[str, Any], top: dict[str, int], chunk: tuple[np.ndarray, ...]) -> None:
    for (name, dtype), values in zip(_SPOOLED.items(), chunk, strict=True):
        values = values.astype(dtype, copy=False)
        if name in ("counts", "positions") and len(values):
            low, high = int(values.min()), int(values.max())
            top[name] = max(top[name], high if low >= 0 else 1 << 31)
        files[name].write(values.tobytes())


def _npy_from_spool(spool: Path, stored: np.dtype, dtype: np.dtype, out: Path) -> int:
    """Write the spooled values as a .npy file of `dtype`; returns how many there were."""
    n = spool.stat().st_size // stored.itemsize
    with open(spool, "rb") as src, open(out, "wb") as dst:
        np.lib.format.write_array_header_1_0(
            dst, {"descr": dtype.str, "fortran_order": False, "shape": (n,)}
        )
        while True:
            values = np.fromfile(src, dtype=stored, count=SPOOL_READ)
            if not len(values):
                break
            dst.write(values.astype(dtype, copy=False).tobytes())
    return n


def _small(top: int) -> np.dtype:
    """uint16 when every value fits (positions and counts nearly always do), else int32."""
    return np.dtype("<u2") if top < 1 << 16 else np.dtype("<i4")


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
            for block_ids, ws, vs in _raw_blocks(postfile.get(offset, length)):
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
