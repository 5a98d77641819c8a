"""The filterable columns of every paper as numpy arrays indexed by paper id.

Why: a filter such as `is:new` or `year:>=2025` matches most of a library, and SQLite must
read every fat paper row (abstracts inline) to answer it before Python has seen one id. These
arrays answer any filter tree with a few vector operations and order any set of hits by date,
score or rating without a query.

They are a cache of the store, never a second truth: `refresh()` costs one `PRAGMA
data_version` when nothing changed, and re-reads only the rows whose `updated_at` moved
(an index serves that) when another connection committed. The stamps of the rows near the
newest are remembered, so that the rows of the last import, all stamped within the margin
below, are compared by stamp rather than read again at every refresh. Tags are few per
paper and are asked of SQLite when a query names one.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any, cast

import numpy as np

from triage_app.core.records import stored_day_number, stored_score
from triage_app.core.search.facet_cache import COLUMNS as CACHED_COLUMNS
from triage_app.core.search.facet_cache import load as load_cache
from triage_app.core.search.facet_cache import save as save_cache
from triage_app.core.search.query_nodes import And, Filter, MatchAll, Node, Not, Or

STATUS_CODES = {"new": 0, "kept": 1, "dismissed": 2}
# Writers stamp `updated_at` once they hold the write lock (store.WriteTxn), so stamps rise
# in commit order; rows stamped this long before the newest seen are read again on refresh
# all the same, for a clock stepped back a little.
CLOCK_MARGIN = "2 seconds"
CHUNK_ROWS = 4000
ID_CHUNK = 900  # ids a query names (SQLite's limit on parameters is 999 in old builds)
REWRITE_ROWS = 2000  # a catch-up that re-read this many rows saves the cache file again
COLUMNS = (
    "id, status, starred, rating, published, score, category, has_code, note != '', "
    "abstract != '', coalesce(title, '') != '', updated_at"
)


def date_number(iso: str | None) -> int:
    """'2025-03-07' -> 20250307; a missing or malformed date -> -1 (sorts last, matches
    nothing): a store from an older version may hold a date restores now refuse."""
    return stored_day_number(iso)


def date_bounds(value: object) -> tuple[int, int]:
    """The first and last date numbers a year (int) or an ISO prefix covers."""
    parts = [value] if isinstance(value, int) else [int(p) for p in str(value).split("-")]
    year, month, day = [*parts, None, None][:3]
    assert year is not None
    return (
        year * 10000 + (month or 0) * 100 + (day or 0),
        year * 10000 + (month or 99) * 100 + (day or 99),
    )


def _score(value: object) -> float:
    score = stored_score(value)
    return np.nan if score is None else float(score)


class Facets:
    """Arrays over paper ids; `present` marks ids that exist. Thread-safe."""

    def __init__(self, db_path: Any, cache: Path | None = None) -> None:
        """`cache`: the file the arrays are kept in between runs (see facet_cache.py)."""
        self._conn = sqlite3.connect(str(db_path), check_same_thread=False)
        self._conn.execute("PRAGMA busy_timeout = 5000")
        self._lock = threading.RLock()
        self._cache = cache
        self._reset()
        if cache is not None and self._restore(cache):
            return
        self.refresh()
        self._save()

    def _reset(self) -> None:
        self._data_version: int | None = None
        self._newest = ""
        self._recent: dict[int, str] = {}  # id -> stamp of the rows within the margin
        self._categories: dict[str, int] = {}
        self._size = 0
        self._allocate(0)

    def _restore(self, cache: Path) -> bool:
        """Take the arrays from the cache file and catch up with the store; False (and
        nothing kept) if there is no sound file or it does not add up to the store."""
        found = load_cache(cache)
        if found is None:
            return False
        columns, newest, categories, recent = found
        with self._lock:
            self._recent = recent
            for name, column in columns.items():
                setattr(self, name, column)
            self._size = len(columns["present"])
            self._categories = {name: code for code, name in enumerate(categories)}
            self._newest = newest
            read = self.refresh()
            ids = np.flatnonzero(self.present)
            count, total, top = self._conn.execute(
                "SELECT count(*), coalesce(sum(id), 0), coalesce(max(id), 0) FROM paper"
            ).fetchone()
            if (count, total, top) != (len(ids), int(ids.sum()), int(ids.max(initial=0))):
                self._reset()
                return False
            if read >= REWRITE_ROWS:
                self._save()
        return True

    def _save(self) -> None:
        if self._cache is None:
            return
        with self._lock:
            columns = {name: getattr(self, name)[: self._size] for name in CACHED_COLUMNS}
            save_cache(self._cache, columns, self._newest, list(self._categories), self._recent)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # ---------------------------------------------------------------- loading
    def _allocate(self, size: int) -> None:
        def grow(old: np.ndarray | None, fill: Any, dtype: Any) -> np.ndarray:
            new = np.full(size, fill, dtype=dtype)
            if old is not None:
                new[: len(old)] = old
            return new

        have = self._size > 0
        get = (lambda name: getattr(self, name)) if have else (lambda name: None)
        self.present = grow(get("present"), False, bool)
        self.status = grow(get("status"), -1, np.int8)
        self.starred = grow(get("starred"), False, bool)
        self.rating = grow(get("rating"), np.nan, np.float64)
        self.published = grow(get("published"), -1, np.int64)
        self.score = grow(get("score"), np.nan, np.float64)
        self.category = grow(get("category"), -1, np.int32)
        self.has_code = grow(get("has_code"), False, bool)
        self.has_note = grow(get("has_note"), False, bool)
        self.has_abstract = grow(get("has_abstract"), False, bool)
        self.has_title = grow(get("has_title"), False, bool)
        self._size = size

    def refresh(self) -> int:
        """Bring the arrays up to date with the store (cheap when nothing changed); returns
        how many rows it read.

        Papers are never deleted while a library is open (a restore needs it closed), so
        re-reading the rows stamped since the newest stamp seen is complete.
        """
        read = 0
        with self._lock:
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            if version == self._data_version:
                return 0
            self._data_version = version
            stamps: dict[int, str] = {}
            newest, since = self._newest, ""
            if newest:
                # The stamps alone (the index on updated_at holds them), then the rows
                # whose stamp is not the one remembered.
                since = self._since(newest)
                stamps = dict(
                    self._conn.execute(
                        "SELECT id, updated_at FROM paper WHERE updated_at >= ?", (since,)
                    ).fetchall()
                )
                recent = self._recent
                changed = [pid for pid, stamp in stamps.items() if recent.get(pid) != stamp]
                for at in range(0, len(changed), ID_CHUNK):
                    part = changed[at : at + ID_CHUNK]
                    marks = ",".join("?" * len(part))
                    sql = f"SELECT {COLUMNS} FROM paper WHERE id IN ({marks})"
                    read += self._read(self._conn.execute(sql, part), stamps)
            else:
                read = self._read(self._conn.execute(f"SELECT {COLUMNS} FROM paper"), stamps)
            if self._newest != newest:
                since = self._since(self._newest)
            self._recent = {pid: stamp for pid, stamp in stamps.items() if stamp >= since}
        return read

    def _read(self, cursor: sqlite3.Cursor, stamps: dict[int, str]) -> int:
        """Store the rows of `cursor`, their stamps into `stamps`; returns how many.
        In chunks (one statement, so one snapshot): a whole library in one fetchall and
        one zip held the GIL long enough to stall the window."""
        read = 0
        while rows := cursor.fetchmany(CHUNK_ROWS):
            top = max(r[0] for r in rows)
            if top + 1 > self._size:
                self._allocate(max(top + 1, self._size + self._size // 4))
            self._store(rows)
            stamps.update((r[0], r[-1]) for r in rows)
            read += len(rows)
        return read

    def _since(self, newest: str) -> str:
        """The stamp `CLOCK_MARGIN` before `newest`, as SQLite compares stamps."""
        row = self._conn.execute(
            f"SELECT strftime('%Y-%m-%dT%H:%M:%f', ?, '-{CLOCK_MARGIN}')", (newest[:23],)
        ).fetchone()
        return str(row[0] or "")

    def _store(self, rows: list[tuple]) -> None:
        if not rows:
            return
        cols = list(zip(*rows, strict=True))
        ids = np.array(cols[0], dtype=np.int64)
        self.present[ids] = True
        self.status[ids] = [STATUS_CODES.get(s, -1) for s in cols[1]]
        self.starred[ids] = np.array(cols[2], dtype=bool)
        self.rating[ids] = np.array([np.nan if r is None else r for r in cols[3]], np.float64)
        self.published[ids] = [date_number(p) for p in cols[4]]
        self.score[ids] = np.array([_score(s) for s in cols[5]], np.float64)
        self.category[ids] = [self._category_code(c) for c in cols[6]]
        self.has_code[ids] = np.array(cols[7], dtype=bool)
        self.has_note[ids] = np.array(cols[8], dtype=bool)
        self.has_abstract[ids] = np.array(cols[9], dtype=bool)
        self.has_title[ids] = np.array(cols[10], dtype=bool)
        self._newest = max(self._newest, max(cols[11]))

    def _category_code(self, name: str | None) -> int:
        if name is None:
            return -1
        return self._categories.setdefault(name, len(self._categories))

    # --------------------------------------------------------------- filters
    def mask(self, node: Node) -> np.ndarray:
        """Bool array over paper ids: the papers a filter-only subtree matches."""
        with self._lock:
            return self._mask(node) & self.present

    def _mask(self, node: Node) -> np.ndarray:
        if isinstance(node, MatchAll):
            return self.present.copy()
        if isinstance(node, Not):
            return ~self._mask(node.child)
        if isinstance(node, And):
            out = self._mask(node.children[0])
            for child in node.children[1:]:
                out &= self._mask(child)
            return out
        if isinstance(node, Or):
            out = self._mask(node.children[0])
            for child in node.children[1:]:
                out |= self._mask(child)
            return out
        if isinstance(node, Filter):
            return self._leaf(node)
        raise TypeError(f"not a filter node: {node!r}")

    def _leaf(self, f: Filter) -> np.ndarray:
        if f.field == "is":
            return {
                "starred": lambda: self.starred.copy(),
                "new": lambda: self.status == 0,
                "kept": lambda: self.status == 1,
                "dismissed": lambda: self.status == 2,
                "rated": lambda: ~np.isnan(self.rating),
                "unrated": lambda: np.isnan(self.rating) & self.present,
            }[str(f.value)]()
        if f.field == "has":
            if f.value == "tags":
                return self._ids_mask("SELECT DISTINCT paper_id FROM paper_tag", ())
            return {
                "code": self.has_code,
                "note": self.has_note,
                "rating": ~np.isnan(self.rating),
                "abstract": self.has_abstract,
                "title": self.has_title,
            }[str(f.value)].copy()
        if f.field == "tag":
            cmp, arg = self._text_match(f)
            return self._ids_mask(
                "SELECT pt.paper_id FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
                f"WHERE t.name {cmp}",
                (arg,),
            )
        if f.field == "category":
            wanted = str(f.value).lower()
            codes = [
                code
                for name, code in self._categories.items()
                if (name.lower().startswith(wanted) if f.op == "prefix" else name.lower() == wanted)
            ]
            return np.isin(self.category, codes)
        if f.field in ("year", "date"):
            return self._dates(f)
        if f.field == "batch":  # views only: the papers one import batch brought in
            return self._ids_mask(
                "SELECT paper_id FROM source WHERE batch_id = ?", (cast(int, f.value),)
            )
        column = self.rating if f.field == "rating" else self.score
        with np.errstate(invalid="ignore"):
            if f.op == "range":
                out = ~np.isnan(column)
                if f.value is not None:
                    out &= column >= f.value
                if f.high is not None:
                    out &= column <= f.high
                return out
            return {
                ">": np.greater,
                ">=": np.greater_equal,
                "<": np.less,
                "<=": np.less_equal,
                "=": np.equal,
            }[f.op](column, cast(float, f.value))

    def _dates(self, f: Filter) -> np.ndarray:
        d = self.published
        known = d >= 0
        if f.op == "range":
            out = known.copy()
            if f.value is not None:
                out &= d >= date_bounds(f.value)[0]
            if f.high is not None:
                out &= d <= date_bounds(f.high)[1]
            return out
        low, high = date_bounds(f.value)
        return (
            known
            & {
                "=": lambda: (d >= low) & (d <= high),
                ">=": lambda: d >= low,
                ">": lambda: d > high,
                "<": lambda: d < low,
                "<=": lambda: d <= high,
            }[f.op]()
        )

    @staticmethod
    def _text_match(f: Filter) -> tuple[str, str]:
        if f.op == "prefix":
            escaped = str(f.value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return "LIKE ? ESCAPE '\\'", escaped + "%"
        return "= ? COLLATE NOCASE", str(f.value)

    def _ids_mask(self, sql: str, params: tuple) -> np.ndarray:
        ids = np.array([r[0] for r in self._conn.execute(sql, params)], dtype=np.int64)
        out = np.zeros(self._size, dtype=bool)
        ids = ids[ids < self._size]
        out[ids] = True
        return out

    # --------------------------------------------------------------- orders
    def order(self, ids: np.ndarray, sort: str) -> np.ndarray:
        """`ids` ordered newest first (date), or by score or rating, ties by date then id."""
        with self._lock:
            pub = self.published[ids]
            keys: list[np.ndarray] = [-ids, -pub]  # np.lexsort: the last key is the first
            if sort in ("score", "rating"):
                column = (self.score if sort == "score" else self.rating)[ids]
                keys.append(np.where(np.isnan(column), np.inf, -column))
            elif sort != "date":
                raise ValueError(f"unknown order {sort!r}")
            return ids[np.lexsort(keys)]
