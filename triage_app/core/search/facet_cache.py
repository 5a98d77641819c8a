"""The filter columns (`facets.Facets`) kept in one file in the index folder between runs.

Why: reading every paper's filter columns from the store takes about a second at 100,000
papers (each fat row is visited, each value converted in Python), which a command-line
search with a filter paid on every run. Saved after a full read, the next process loads the
arrays in milliseconds and reads from the store only the rows stamped since (as `refresh`
does for a long-lived service); the stamps of the rows near the newest go with them, so the
rows of the last import are compared by stamp rather than read again.

The file is a cache of the store in the index folder, dropped with the index (a restore or a
rebuild drops the folder). It is one `.npz` written under a temporary name and renamed, read
with `allow_pickle=False`; its sizes, types and codes are checked, and after the catch-up
the store's paper count, id sum and largest id must equal the arrays'. Anything else
means a full read, never a wrong filter.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = 2  # 2: with the recent rows' stamps
FILE_NAME = "facets.npz"
MAX_BYTES = 256 * 1024 * 1024
# name: dtype, as `Facets._allocate` makes them
COLUMNS: dict[str, np.dtype] = {
    "present": np.dtype(bool),
    "status": np.dtype(np.int8),
    "starred": np.dtype(bool),
    "rating": np.dtype(np.float64),
    "published": np.dtype(np.int64),
    "score": np.dtype(np.float64),
    "category": np.dtype(np.int32),
    "has_code": np.dtype(bool),
    "has_note": np.dtype(bool),
    "has_abstract": np.dtype(bool),
    "has_title": np.dtype(bool),
}


def save(
    path: Path,
    columns: dict[str, np.ndarray],
    newest: str,
    categories: list[str],
    recent: dict[int, str],
) -> None:
    """Write the columns (a failure to write only loses the cache)."""
    meta = json.dumps(
        {
            "format": FORMAT,
            "newest": newest,
            "categories": categories,
            "recent": [[pid, stamp] for pid, stamp in recent.items()],
        }
    )
    tmp = path.with_name(f".tmp-{os.getpid()}-{secrets.token_hex(4)}-{path.name}")
    try:
        arrays: dict[str, Any] = {"meta": np.frombuffer(meta.encode("utf-8"), np.uint8)}
        arrays.update(columns)
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


Loaded = tuple[dict[str, np.ndarray], str, list[str], dict[int, str]]


def load(path: Path) -> Loaded | None:
    """(columns, newest stamp, category names in code order, id -> stamp of the rows near
    the newest), or None if the file is missing or not a sound cache."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        # The file opened here: np.load leaves a file it opened itself open when it fails.
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            columns = {name: np.array(data[name]) for name in COLUMNS}
        return _checked(columns, meta)
    except Exception:  # derived data in a folder that may come from outside: any fault = unused
        return None


def _checked(columns: dict[str, np.ndarray], meta: Any) -> Loaded | None:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        return None
    newest, categories, pairs = meta.get("newest"), meta.get("categories"), meta.get("recent")
    if not isinstance(newest, str) or not isinstance(categories, list):
        return None
    if not isinstance(pairs, list) or not all(
        isinstance(pair, list)
        and len(pair) == 2
        and type(pair[0]) is int
        and isinstance(pair[1], str)
        for pair in pairs
    ):
        return None
    if not all(isinstance(c, str) for c in categories) or len(set(categories)) != len(categories):
        return None
    size = len(columns["present"])
    for name, dtype in COLUMNS.items():
        if columns[name].dtype != dtype or columns[name].shape != (size,):
            return None
    status, category = columns["status"], columns["category"]
    if size and (
        int(status.min()) < -1
        or int(status.max()) > 2
        or int(category.min()) < -1
        or int(category.max()) >= len(categories)
    ):
        return None
    return columns, newest, categories, {pid: stamp for pid, stamp in pairs}
