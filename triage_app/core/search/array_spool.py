"""One segment's posting arrays as they are written: spooled a chunk at a time, saved whole.

Both writers of the arrays go through here, so they write the same files: `array_encode`,
which decodes a finished segment's Whoosh blocks (a sync's or a merge's segment), and the
rebuild's `segment_writer`, which hands over the postings it holds in memory as it writes
the segment. Fields come in name order, each field's terms in byte order, each term's
postings in document order; the caller may cut them into chunks anywhere between terms.

The postings go to spool files a chunk at a time and become `.npy` files at the end, so the
memory used is a chunk's, not the segment's (held whole, they grow with the library). The
arrays are saved under temporary names, then renamed, the meta file last,
so a reader never sees half of them; `close` removes whatever a failure left.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

import numpy as np

from triage_app.core.search.array_files import FORMAT, part_path
from triage_app.core.search.postings import decode_positions

# What is spooled, and as what, before it becomes a .npy file.
_SPOOLED = {
    "ids": np.dtype("<i4"),
    "weights": np.dtype("<f4"),
    "counts": np.dtype("<i4"),
    "positions": np.dtype("<i4"),
}
SPOOL_READ = 1 << 20  # values converted at a time from a spool file
ARRAY_CHUNK = 50_000  # postings to the arrays at a time (each is decoded in memory a moment)


class ArraySpool:
    """The arrays of segment `segid` in `folder`, written field by field, then `finish`ed."""

    def __init__(self, folder: Path, segid: str) -> None:
        self.folder, self.segid = folder, segid
        self.token = f".tmp-{os.getpid()}-{secrets.token_hex(4)}"
        self.terms: list[bytes] = []
        self.fields: dict[str, list[int]] = {}
        self.post_sizes: list[int] = []
        self.pos_sizes: list[np.ndarray] = []
        self.top = dict.fromkeys(_SPOOLED, 0)
        self.spools = {name: folder / f"{self.token}.{segid}.{name}.raw" for name in _SPOOLED}
        self.temps: list[tuple[Path, Path]] = []
        self.files: dict[str, Any] = {}
        try:
            for name, path in self.spools.items():
                self.files[name] = open(path, "wb")  # noqa: SIM115 - closed by finish/close
        except OSError:
            self.close()
            raise

    def start_field(self, field: str, terms: list[bytes]) -> None:
        """The next field (in name order) and its terms (in byte order)."""
        self.fields[field] = [len(self.terms), len(self.terms) + len(terms)]
        self.terms.extend(terms)

    def add(self, chunk: tuple[np.ndarray, ...], sizes: list[int]) -> None:
        """The postings of the next terms: (docnums, weights, position counts, positions)
        and how many postings each term has."""
        for (name, dtype), values in zip(_SPOOLED.items(), chunk, strict=True):
            values = values.astype(dtype, copy=False)
            if name in ("counts", "positions") and len(values):
                low, high = int(values.min()), int(values.max())
                self.top[name] = max(self.top[name], high if low >= 0 else 1 << 31)
            self.files[name].write(values.tobytes())
        ends = np.cumsum(np.asarray(sizes, np.int64))
        running = np.concatenate([[0], np.cumsum(chunk[2], dtype=np.int64)])
        self.pos_sizes.append(running[ends] - running[ends - np.asarray(sizes)])
        self.post_sizes.extend(sizes)

    def add_postings(
        self, ids: list[int], weights: list[float], values: list[bytes], sizes: list[int], fmt: Any
    ) -> None:
        """`add` from Python lists, the positions still encoded as `fmt` encodes them."""
        if values:
            counts, positions = decode_positions(values, fmt)
        else:
            counts, positions = np.empty(0, np.int32), np.empty(0, np.int32)
        chunk = (np.array(ids, np.int32), np.array(weights, np.float32), counts, positions)
        self.add(chunk, sizes)

    def finish(self, doc_count: int, seg_size: int) -> None:
        """Save the arrays and the meta that makes them readable (the segment's document
        count and compound file size, which `segment_arrays` checks)."""
        for file in self.files.values():
            file.close()
        folder, segid, token = self.folder, self.segid, self.token
        pos_sizes = self.pos_sizes
        positions_per_term = (
            np.concatenate(pos_sizes).astype(np.int64) if pos_sizes else np.zeros(0, np.int64)
        )
        small = {
            "ids": np.dtype("<i4"),
            "weights": np.dtype("<f4"),
            "counts": _small(self.top["counts"]),
            "positions": _small(self.top["positions"]),
        }
        terms, post_sizes = self.terms, self.post_sizes
        header = {
            "terms": np.frombuffer(b"".join(terms), dtype=np.uint8),
            "term_off": np.concatenate([[0], np.cumsum([len(t) for t in terms])]).astype("<i8"),
            "post_off": np.concatenate([[0], np.cumsum(post_sizes, dtype=np.int64)]).astype("<i8"),
            "pos_off": np.concatenate([[0], np.cumsum(positions_per_term)]).astype("<i8"),
        }
        sizes_of = {name: len(a) for name, a in header.items()}
        for name, array in header.items():
            tmp = folder / f"{token}.{segid}.{name}.npy"
            self.temps.append((tmp, part_path(folder, segid, name)))
            with open(tmp, "wb") as fh:
                np.save(fh, array, allow_pickle=False)
        for name, dtype in small.items():
            tmp = folder / f"{token}.{segid}.{name}.npy"
            self.temps.append((tmp, part_path(folder, segid, name)))
            sizes_of[name] = _npy_from_spool(self.spools[name], _SPOOLED[name], dtype, tmp)
        meta = {
            "format": FORMAT,
            "segment": segid,
            "doc_count": doc_count,
            "seg_size": seg_size,
            "fields": self.fields,
            "sizes": sizes_of,
        }
        tmp = folder / f"{token}.{segid}.json"
        self.temps.append((tmp, folder / f"{segid}.json"))
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        for src, dst in self.temps:  # the meta last: arrays without it are never read
            os.replace(src, dst)

    def close(self) -> None:
        """Remove the spool files and any temporary file a failure left."""
        for file in self.files.values():
            with contextlib.suppress(OSError):
                file.close()
        for src in [*self.spools.values(), *(src for src, _ in self.temps)]:
            with contextlib.suppress(OSError):
                src.unlink()


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


class SpoolFeed:
    """A segment's posting arrays gathered term by term from the lists written to its
    blocks, handed to an `ArraySpool` a chunk of `ARRAY_CHUNK` postings at a time. A failure
    to write them (a full disk) leaves the segment without arrays: `write_arrays` tries
    again after the commit, and searches read Whoosh's blocks if it fails too."""

    def __init__(self, folder: Path, segid: str) -> None:
        self.spool: ArraySpool | None = None
        with contextlib.suppress(OSError):
            self.spool = ArraySpool(folder, segid)
        self._clear()

    def _clear(self) -> None:
        self.ids: list[int] = []
        self.weights: list[float] = []
        self.values: list[bytes] = []
        self.sizes: list[int] = []

    def start_field(self, name: str, terms: list[bytes], fmt: Any) -> None:
        self.fmt = fmt
        if self.spool is not None:
            self.spool.start_field(name, terms)

    def term(self, ids: list, weights: list, values: list) -> None:
        self.ids += ids
        self.weights += weights
        self.values += values
        self.sizes.append(len(ids))
        if len(self.ids) >= ARRAY_CHUNK:
            self._hand_over()

    def end_field(self) -> None:
        if self.sizes:
            self._hand_over()

    def _hand_over(self) -> None:
        if self.spool is not None:
            try:
                self.spool.add_postings(self.ids, self.weights, self.values, self.sizes, self.fmt)
            except OSError:
                self.close()
        self._clear()

    def finish(self, doc_count: int, size: int) -> None:
        if self.spool is not None:
            with contextlib.suppress(OSError):
                self.spool.finish(doc_count, size)

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()
            self.spool = None
