"""Search over arrays gives exactly what Whoosh and SQLite give: the same matches, the same
scores and order, the same filtered sets, on an index with several segments and deletions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.formats import Positions

from tests.core.filter_sql import ORDER_SQL, filter_sql
from tests.perf.corpus import write_listing
from triage_app.core.ingest.importer import import_path
from triage_app.core.search.facets import Facets
from triage_app.core.search.fields import TEXT_FIELDS
from triage_app.core.search.index import SearchIndex
from triage_app.core.search.plan import text_query
from triage_app.core.search.postings import (
    IndexArrays,
    PostingCache,
    _numeric_column,
    decode_positions,
)
from triage_app.core.search.query import parse_query
from triage_app.core.search.scores import evaluate, top
from triage_app.core.search.service import SearchService
from triage_app.core.search.sources import Corpus
from triage_app.core.store import open_library
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import DecisionPatch, mark

NO_CHECK = lambda: None  # noqa: E731

QUERIES = [
    "model",
    "learning",
    "models",
    "title:learning",
    "abstract:robust",
    "author:smith",
    "model learning",
    "robust OR efficient",
    "learning -model",
    "model NOT robust",
    '"language models"',
    '"reinforcement learning"',
    '"large language model"',
    "title:(graph OR diffusion)",
    "learn*",
    "transfor*",
    "robsut~",
    "modle~",
    "note:attention",
    "note:benchmark",
    '"benchmark note"',
    "later",
    "(model OR learning) AND NOT robust",
    "diffusion (image OR video)",
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory):
    """1,500 generated papers, indexed, then notes changed on 40 of them: the index has a
    second segment and deletions in the first, as after days of use."""
    folder = tmp_path_factory.mktemp("arrays")
    library = open_library(folder / "lib")
    import_path(library, write_listing(folder / "a.txt", 1500, seed=21))
    index = SearchIndex(library)
    index.rebuild()
    for pid in range(1, 41):
        mark(
            library,
            [pid],
            DecisionPatch(
                note=f"benchmark note on attention {pid}", add_tags=("later",) if pid % 3 else ()
            ),
        )
    index.sync()
    # Whoosh merges small segments on commit; this one keeps a fresh segment beside the big
    # one and three deleted documents in it (the store does not matter to these tests).
    writer = index._ix.writer()
    writer.update_document(
        pid=800,
        sig="x",
        title="fresh segment",
        authors="",
        abstract="",
        note="benchmark note",
        tags="",
    )
    for pid in (5, 6, 700):
        writer.delete_by_term("pid", pid)
    writer.commit(merge=False)
    index.refresh()
    searcher = index.searcher()
    try:
        assert len(searcher.leaf_searchers()) >= 2
        assert any(s.reader().has_deletions() for s, _ in searcher.leaf_searchers())
    except AssertionError:
        index.close()
        library.close()
        raise
    yield library, index
    index.close()
    library.close()


@pytest.mark.parametrize("query", QUERIES)
def test_matches_scores_and_order_are_whooshs(library, query: str) -> None:
    _, index = library
    searcher = index.searcher()
    arrays = IndexArrays(searcher, PostingCache(TEXT_FIELDS))
    q = text_query(parse_query(query), searcher)
    hits = evaluate(q, Corpus(arrays).sources, NO_CHECK)
    expected = sorted(searcher.docs_for_query(q))
    assert hits.docs.tolist() == expected
    # Whoosh's own top-N (limit=25) skips blocks by their best possible score and misses
    # documents on an index with several segments; its exhaustive ranking is the reference.
    ranked = searcher.search(q, limit=None)[:25]
    best = top(hits, 25)
    assert hits.docs[best].tolist() == [h.docnum for h in ranked]
    # Whoosh scores each NOT clause as 1.0 for every document it lets through; the arrays
    # add nothing for it, which orders the same.
    offset = str(q).count("NOT ")
    assert np.allclose(hits.scores[best] + offset, [h.score for h in ranked], rtol=1e-6)


def test_a_second_read_comes_from_the_cache_and_gives_the_same(library) -> None:
    _, index = library
    searcher = index.searcher()
    cache = PostingCache(TEXT_FIELDS, min_postings=100)
    first = IndexArrays(searcher, cache).term("abstract", "model", NO_CHECK, positions=True)
    assert cache.cached_bytes > 0
    again = IndexArrays(searcher, cache).term("abstract", "model", NO_CHECK)
    assert again.docs.tolist() == first.docs.tolist()
    assert again.weights.tolist() == first.weights.tolist()


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(-(2**31), 2**31 - 1), min_size=1, max_size=40),
    st.lists(st.integers(0, 2**62), min_size=1, max_size=40),
)
def test_integer_columns_read_whole_equal_whooshs_values(
    signed: list[int], unsigned: list[int]
) -> None:
    from whoosh.fields import NUMERIC, Schema
    from whoosh.filedb.filestore import RamStorage

    schema = Schema(
        a=NUMERIC(int, bits=32, signed=True, sortable=True),
        b=NUMERIC(int, bits=64, signed=False, sortable=True),
    )
    index = RamStorage().create_index(schema)
    with index.writer() as writer:
        for a, b in zip(signed, unsigned, strict=False):
            writer.add_document(a=a, b=b)
    reader = index.reader()
    count = reader.doc_count_all()
    for field in ("a", "b"):
        assert _numeric_column(reader, field, count).tolist() == list(reader.column_reader(field))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(0, 3000), min_size=1, max_size=30, unique=True),
        min_size=1,
        max_size=60,
    )
)
def test_positions_decode_as_whoosh_encodes_them(lists: list[list[int]]) -> None:
    fmt = Positions()
    lists = [sorted(ps) for ps in lists]
    counts, flat = decode_positions([fmt.encode(ps) for ps in lists], fmt)
    assert counts.tolist() == [len(ps) for ps in lists]
    assert flat.tolist() == [p for ps in lists for p in ps]


# ------------------------------------------------------------------ facets
@pytest.fixture(scope="module")
def decided(tmp_path_factory: pytest.TempPathFactory):
    """300 papers with every kind of decision on some of them."""
    folder = tmp_path_factory.mktemp("facets")
    library = open_library(folder / "lib")
    import_path(library, write_listing(folder / "a.txt", 300, seed=5))
    for pid in range(1, 300, 7):
        mark(library, [pid], DecisionPatch(starred=pid % 2 == 0, rating=pid % 5 or None))
    for pid in range(2, 300, 11):
        mark(library, [pid], DecisionPatch(status="dismissed", add_tags=("Survey", "to_read")))
    for pid in range(3, 300, 13):
        mark(library, [pid], DecisionPatch(note="n", add_tags=("survey-2",)))
    yield library
    library.close()


LEAVES = [
    "is:starred",
    "is:new",
    "is:kept",
    "is:dismissed",
    "is:rated",
    "is:unrated",
    "has:code",
    "has:note",
    "has:tags",
    "has:rating",
    "has:abstract",
    "has:title",
    "tag:survey",
    "tag:surv*",
    "tag:to_*",
    "tag:TO_READ",
    "category:CL",
    "category:lg",
    "category:c*",
    "year:2025",
    "year:>=2025",
    "year:<2025",
    "year:2024..2025",
    "date:2025-05",
    "date:>=2025-05-01",
    "date:<=2025-03",
    "date:>2025-06",
    "rating:>=3",
    "rating:2..4",
    "rating:<2",
    "rating:=1",
    "score:>=90",
    "score:<50",
    "score:40..80",
]


@st.composite
def filter_queries(draw) -> str:
    def tree(depth: int) -> str:
        if depth == 0 or draw(st.booleans()):
            leaf = draw(st.sampled_from(LEAVES))
            return f"NOT {leaf}" if draw(st.integers(0, 4)) == 0 else leaf
        op = draw(st.sampled_from([" AND ", " OR ", " "]))
        return "(" + op.join(tree(depth - 1) for _ in range(draw(st.integers(2, 3)))) + ")"

    return tree(3)


@settings(max_examples=300, deadline=None)
@given(filter_queries())
def test_filter_arrays_match_the_sql(decided: Library, query: str) -> None:
    node = parse_query(query)
    params: list = []
    sql = f"SELECT p.id FROM paper p WHERE {filter_sql(node, params)} ORDER BY p.id"
    conn = sqlite3.connect(decided.db_path)
    try:
        expected = [r[0] for r in conn.execute(sql, params)]
    finally:
        conn.close()
    facets = _facets(decided)
    assert np.flatnonzero(facets.mask(node)).tolist() == expected


@pytest.mark.parametrize("sort", ["date", "score", "rating"])
def test_orders_match_the_sql(decided: Library, sort: str) -> None:
    conn = sqlite3.connect(decided.db_path)
    try:
        expected = [
            r[0] for r in conn.execute(f"SELECT p.id FROM paper p ORDER BY {ORDER_SQL[sort]}")
        ]
    finally:
        conn.close()
    facets = _facets(decided)
    assert facets.order(np.flatnonzero(facets.present), sort).tolist() == expected


def test_facets_read_in_small_chunks_equal_one_read(decided: Library, monkeypatch) -> None:
    from triage_app.core.search import facets as facets_module

    whole = Facets(decided.db_path)
    monkeypatch.setattr(facets_module, "CHUNK_ROWS", 7)
    chunked = Facets(decided.db_path)
    try:
        size = len(whole.present)  # the chunked arrays grew in steps: maybe longer
        assert not chunked.present[size:].any()
        for name in (
            "present",
            "status",
            "starred",
            "rating",
            "published",
            "score",
            "category",
            "has_code",
            "has_note",
            "has_abstract",
            "has_title",
        ):
            assert np.array_equal(
                getattr(chunked, name)[:size],
                getattr(whole, name),
                equal_nan=name in ("rating", "score"),
            ), name
        assert chunked._newest == whole._newest and chunked._categories == whole._categories
    finally:
        whole.close()
        chunked.close()


_FACETS: dict[Path, Facets] = {}


def _facets(library: Library) -> Facets:
    if library.db_path not in _FACETS:
        _FACETS[library.db_path] = Facets(library.db_path)
    return _FACETS[library.db_path]


def test_facets_catch_up_with_another_connection(tmp_path: Path) -> None:
    with open_library(tmp_path / "lib") as library:
        import_path(library, write_listing(tmp_path / "a.txt", 30, seed=8))
        facets = Facets(library.db_path)
        assert int(facets.present.sum()) == 30
        with open_library(tmp_path / "lib") as other:  # another writer, as a CLI would be
            mark(other, [4], DecisionPatch(starred=True, rating=5))
            import_path(other, write_listing(tmp_path / "b.txt", 5, seed=9))
        facets.refresh()
        assert int(facets.present.sum()) == 35
        assert np.flatnonzero(facets.mask(parse_query("is:starred rating:5"))).tolist() == [4]
        facets.close()


def test_a_search_sees_a_decision_made_by_another_process_at_once(tmp_path: Path) -> None:
    with open_library(tmp_path / "lib") as library:
        import_path(library, write_listing(tmp_path / "a.txt", 50, seed=4))
        with SearchService(library) as service:
            assert service.search("is:starred").total == 0
            with open_library(tmp_path / "lib") as other:
                mark(other, [7, 9], DecisionPatch(starred=True))
            assert sorted(service.search("is:starred").ids) == [7, 9]


def test_a_changed_note_stops_matching_in_a_long_lived_service(tmp_path: Path) -> None:
    # A big first segment that the note changes do not merge away: the old version of the
    # paper is only marked deleted in it, and a refreshed searcher must see that.
    with open_library(tmp_path / "lib") as library:
        import_path(library, write_listing(tmp_path / "a.txt", 1500, seed=4))
        with SearchService(library) as service:
            mark(library, [3], DecisionPatch(note="zebrafish assay"))
            service.sync()
            assert service.search("zebrafish").ids == [3]
            mark(library, [3], DecisionPatch(note="nothing aquatic"))
            service.sync()
            assert service.search("zebrafish").ids == []
            assert service.search("note:aquatic").ids == [3]
            assert service.search("note:aquatic OR note:assay").total == 1
