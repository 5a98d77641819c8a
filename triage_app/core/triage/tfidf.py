"""The TF-IDF rows of every paper in a library, built once and kept for the For-you order.

Decisions never change a paper's text; only imports do (a merge fills in a title). So the
matrix of the whole library is built once per state of its texts and kept: in memory for
the process (the window re-ranks after each decision with the model alone) and in the
library's `cache/` folder for the next process (the command line). Its key is the papers'
count and largest id with the last import batch, which every change of text goes with.
A key that does not match, or a file that cannot be read, means building it again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from triage_app.core.search import stem

if TYPE_CHECKING:
    from triage_app.core.store import Library

MIN_DF = 2
CACHE_DIR = "cache"
CACHE_NAME = "for-you"  # a folder: meta.json and the arrays as .npy files
FORMAT = 1  # bump when the features change: an older file is then rebuilt
_WORD = re.compile(r"[a-z][a-z0-9]{2,}")
_STOP_WORDS = """the and for with that this from are was were our we their which these
using use used based can has have been into also its not but such than then there they
them more most other over under between via while when where both each all any one two
new show shows propose proposed approach method methods paper results work"""
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class Terms:
    """Row i of `matrix` is paper `ids[i]` (ids ascending); column j is the term `names[j]`."""

    key: str
    ids: np.ndarray
    names: list[str]
    matrix: sparse.csr_matrix

    def rows(self, paper_ids: list[int]) -> np.ndarray:
        return np.searchsorted(self.ids, np.asarray(paper_ids, dtype=np.int64))


_memory: dict[Path, Terms] = {}
_lock = threading.Lock()


def library_terms(library: Library) -> Terms:
    """The library's TF-IDF rows: from memory, from its cache file, or built (and kept)."""
    key = _text_key(library)
    folder = Path(library.folder)
    with _lock:
        held = _memory.get(folder)
        if held is not None and held.key == key:
            return held
        terms = _read(folder / CACHE_DIR / CACHE_NAME, key)
        if terms is None:
            ids, texts = _texts(library)
            names, matrix = tfidf(texts)
            built = Terms(key, ids, names, matrix)
            _write(folder / CACHE_DIR / CACHE_NAME, built)
            # Mapped from the files just written, so the process does not keep the matrix
            # in its own memory (the folder may not be writable: keep it then).
            terms = _read(folder / CACHE_DIR / CACHE_NAME, key) or built
        _memory.clear()  # one library at a time
        _memory[folder] = terms
        return terms


def _text_key(library: Library) -> str:
    with library.read() as conn:
        count, top = conn.exec_driver_sql("SELECT count(*), max(id) FROM paper").fetchall()[0]
        batch = conn.exec_driver_sql(
            "SELECT id, content_hash, imported_at, finished FROM import_batch "
            "ORDER BY id DESC LIMIT 1"
        ).fetchall()
    return json.dumps([FORMAT, count, top, [list(b) for b in batch]])


def _texts(library: Library) -> tuple[np.ndarray, list[str]]:
    with library.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, coalesce(title, '') || ' ' || coalesce(title, '') || ' ' || abstract "
            "FROM paper ORDER BY id"
        ).fetchall()
    return np.array([r[0] for r in rows], dtype=np.int64), [r[1] for r in rows]


_ARRAYS = ("ids", "data", "indices", "indptr")


def _read(folder: Path, key: str) -> Terms | None:
    """The kept matrix, its arrays memory-mapped: pages come from the file as they are
    touched, and the system may drop them again (no 100 MB held by the window)."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("key") != key:
            return None
        arrays = {n: np.load(folder / f"{n}.npy", mmap_mode="r") for n in _ARRAYS}
        n_rows, n_cols = meta["shape"]
        matrix = sparse.csr_matrix(
            (arrays["data"], arrays["indices"], arrays["indptr"]), shape=(n_rows, n_cols)
        )
        if len(arrays["ids"]) != n_rows or len(meta["names"]) != n_cols:
            return None
        return Terms(key, arrays["ids"], list(meta["names"]), matrix)
    except (OSError, KeyError, ValueError, TypeError):  # missing, partial or foreign: rebuild
        return None


def _write(folder: Path, terms: Terms) -> None:
    """Written into a fresh folder that then replaces the old one; a library folder that
    cannot be written keeps no copy (the next process builds the matrix again)."""
    fresh = folder.with_name(f".{folder.name}.{os.getpid()}.partial")
    old = folder.with_name(f".{folder.name}.{os.getpid()}.old")
    try:
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        m = terms.matrix
        for name, array in zip(_ARRAYS, (terms.ids, m.data, m.indices, m.indptr), strict=True):
            np.save(fresh / f"{name}.npy", np.ascontiguousarray(array))
        meta = {"key": terms.key, "shape": list(m.shape), "names": terms.names}
        (fresh / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        if folder.exists():
            folder.rename(old)
        fresh.rename(folder)
    except OSError:
        pass
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def tfidf(texts: list[str]) -> tuple[list[str], sparse.csr_matrix]:
    """TF-IDF rows of `texts` (sublinear tf, smoothed idf, L2-normalised, float32) over the
    stems in at least MIN_DF of them, columns in stem order; and each column's name: the
    stem's most frequent surface word (the first seen on a tie).

    Whole-corpus array work: the Porter stemmer runs once per distinct word, and counting
    is one sort of (document, stem) keys, so a large library is not a Python loop per
    word."""
    lists = [_WORD.findall(t.lower()) for t in texts]
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = list(chain.from_iterable(lists))
    words = list(dict.fromkeys(flat))  # distinct words, first seen first
    word_ids = {word: i for i, word in enumerate(words)}
    ids = np.fromiter(map(word_ids.__getitem__, flat), dtype=np.int64, count=len(flat))
    word_stems = [None if word in _STOP else stem(word) for word in words]
    stems = sorted({s for s in word_stems if s is not None})
    stem_ids = {s: i for i, s in enumerate(stems)}
    stem_of = np.array(
        [-1 if s is None else stem_ids[s] for s in word_stems] or [-1], dtype=np.int64
    )
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    kept = stem_of[ids] >= 0 if len(ids) else np.zeros(0, dtype=bool)
    doc, ids = doc[kept], ids[kept]
    term = stem_of[ids]
    n_stems = max(len(stems), 1)
    pairs, counts = np.unique(doc * n_stems + term, return_counts=True)
    pair_doc, pair_term = pairs // n_stems, pairs % n_stems
    df = np.bincount(pair_term, minlength=n_stems)
    in_vocab = df >= MIN_DF
    column = np.cumsum(in_vocab) - 1
    chosen = in_vocab[pair_term]
    pair_doc, pair_term, counts = pair_doc[chosen], pair_term[chosen], counts[chosen]
    cols = column[pair_term]
    idf = np.log((1 + len(texts)) / (1 + df[in_vocab])) + 1
    vals = (1 + np.log(counts)) * idf[cols]
    norms = np.sqrt(np.bincount(pair_doc, weights=vals**2, minlength=len(texts)))
    vals = vals / np.where(norms > 0, norms, 1.0)[pair_doc]
    matrix = sparse.csr_matrix(
        (vals.astype(np.float32), (pair_doc, cols)),
        shape=(len(texts), int(in_vocab.sum())),
        dtype=np.float32,
    )
    # Column names: per stem, the word seen most often, the earliest on a tie.
    seen = np.bincount(ids, minlength=len(words))
    order = np.lexsort((np.arange(len(words)), -seen, stem_of[: len(words)]))
    first = order[np.r_[True, stem_of[order][1:] != stem_of[order][:-1]]] if len(order) else order
    best = {int(stem_of[i]): words[i] for i in first.tolist() if stem_of[i] >= 0}
    names = [best[i] for i in np.flatnonzero(in_vocab).tolist()]
    return names, matrix
