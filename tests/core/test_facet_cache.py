"""The filter columns kept in the index folder between runs: loaded and caught up with the
store they equal a full read, whatever changed in between; a damaged, foreign or stale file
is ignored (a full read), never a wrong filter."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.perf.corpus import write_listing
from triage_app.core.ingest.importer import import_path
from triage_app.core.search.facet_cache import COLUMNS, FILE_NAME
from triage_app.core.search.facets import Facets
from triage_app.core.search.query import parse_query
from triage_app.core.search.service import SearchService
from triage_app.core.store import open_library
from triage_app.core.triage.decisions import DecisionPatch, mark


def _same(a: Facets, b: Facets) -> None:
    """The same columns for every paper id (category codes compared by their names)."""
    n = int(max(np.flatnonzero(a.present).max(initial=0), np.flatnonzero(b.present).max())) + 1
    for name in COLUMNS:
        if name != "category":
            left, right = getattr(a, name)[:n], getattr(b, name)[:n]
            assert np.array_equal(left, right, equal_nan=left.dtype.kind == "f"), name

    def names(f: Facets) -> np.ndarray:
        by_code = np.array([None, *sorted(f._categories, key=f._categories.__getitem__)])
        return by_code[f.category[:n] + 1]

    assert (names(a) == names(b)).all()


@pytest.fixture
def lib(tmp_path: Path):
    library = open_library(tmp_path / "lib")
    import_path(library, write_listing(tmp_path / "a.txt", 300, seed=14))
    library.index_dir.mkdir(exist_ok=True)
    yield library
    library.close()


PATCHES = st.sampled_from(
    [
        DecisionPatch(status="kept"),
        DecisionPatch(status="dismissed"),
        DecisionPatch(starred=True),
        DecisionPatch(rating=4),
        DecisionPatch(note="a note"),
    ]
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    changes=st.lists(st.tuples(st.integers(1, 300), PATCHES), max_size=8),
    more=st.integers(0, 3),
)
def test_a_cached_read_equals_a_full_read_whatever_changed_in_between(
    tmp_path_factory: pytest.TempPathFactory, changes, more: int
) -> None:
    folder = tmp_path_factory.mktemp("facets")
    with open_library(folder / "lib") as library:
        import_path(library, write_listing(folder / "a.txt", 300, seed=14))
        cache = folder / FILE_NAME
        Facets(library.db_path, cache=cache).close()  # a first run writes the file
        assert cache.is_file()
        for pid, patch in changes:
            mark(library, [pid], patch)
        if more:
            import_path(library, write_listing(folder / "b.txt", more, seed=more))
        cached, full = Facets(library.db_path, cache=cache), Facets(library.db_path)
        try:
            _same(cached, full)
            for q in ("is:new", "is:starred OR rating:>=4", "has:note", "category:cs.CL"):
                node = parse_query(q)
                size = min(len(cached.present), len(full.present))
                assert np.array_equal(cached.mask(node)[:size], full.mask(node)[:size]), q
        finally:
            cached.close()
            full.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "pickled", "foreign", "bad codes"])
def test_a_damaged_or_foreign_cache_file_means_a_full_read(
    lib, tmp_path: Path, damage: str
) -> None:
    cache = tmp_path / FILE_NAME
    Facets(lib.db_path, cache=cache).close()
    if damage == "garbage":
        cache.write_bytes(b"PK\x03\x04 garbage" * 100)
    elif damage == "truncated":
        cache.write_bytes(cache.read_bytes()[:1000])
    elif damage == "pickled":
        with open(cache, "wb") as fh:
            np.savez(fh, meta=np.array([{"x": 1}], dtype=object), present=np.ones(3, bool))
    elif damage == "foreign":  # another library's file: other papers, other decisions
        with open_library(tmp_path / "other") as other:
            import_path(other, write_listing(tmp_path / "b.txt", 290, seed=99))
            mark(other, other.all_ids()[:50], DecisionPatch(starred=True))
            Facets(other.db_path, cache=tmp_path / "other.npz").close()
        shutil.copy(tmp_path / "other.npz", cache)
    else:
        data = dict(np.load(cache))
        data["category"] = data["category"] + 10_000
        with open(cache, "wb") as fh:
            np.savez(fh, **data)
    cached, full = Facets(lib.db_path, cache=cache), Facets(lib.db_path)
    try:
        _same(cached, full)
        assert not cached.starred.any()
    finally:
        cached.close()
        full.close()


def test_a_paper_removed_behind_the_caches_back_means_a_full_read(lib, tmp_path: Path) -> None:
    cache = tmp_path / FILE_NAME
    Facets(lib.db_path, cache=cache).close()
    conn = sqlite3.connect(lib.db_path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DELETE FROM paper WHERE id = 7")
    conn.commit()
    conn.close()
    cached = Facets(lib.db_path, cache=cache)
    try:
        assert not cached.present[7] and int(cached.present.sum()) == 299
    finally:
        cached.close()


def test_the_service_keeps_the_file_in_the_index_folder(lib) -> None:
    with SearchService(lib) as service:
        assert service.search("is:new").total == 300
        mark(lib, [3], DecisionPatch(status="kept"))
    assert (lib.index_dir / FILE_NAME).is_file()
    with SearchService(lib) as service:
        assert service.search("is:new").total == 299
        assert service.search("is:kept").ids == [3]


def test_the_rows_of_the_last_import_are_compared_by_stamp_not_read_again(
    lib, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All 300 papers were stamped within the clock margin of the newest: a run after the
    first reads none of them again, and a change to one reads that one."""
    cache = tmp_path / FILE_NAME
    Facets(lib.db_path, cache=cache).close()
    reads: list[int] = []
    real_read = Facets._read

    def counted(self: Facets, cursor: sqlite3.Cursor, stamps: dict[int, str]) -> int:
        reads.append(real_read(self, cursor, stamps))
        return reads[-1]

    monkeypatch.setattr(Facets, "_read", counted)
    facets = Facets(lib.db_path, cache=cache)
    try:
        assert sum(reads) == 0 and len(facets._recent) == 300
        mark(lib, [5], DecisionPatch(starred=True))
        assert facets.refresh() == 1 and facets.starred[5]
        assert facets.refresh() == 0
        mark(lib, [6, 7], DecisionPatch(status="dismissed"))
        assert facets.refresh() == 2 and (facets.status[[6, 7]] == 2).all()
    finally:
        facets.close()
