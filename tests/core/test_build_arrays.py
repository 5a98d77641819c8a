"""The rebuild writes each segment's posting arrays from the postings it holds, as it writes
the segment: byte for byte the files `array_encode` writes by decoding the finished segment,
accepted by `segment_arrays`' checks against Whoosh's term infos, and answering searches as
Whoosh's blocks do. `write_arrays` then decodes nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.codec import default_codec

from tests.perf.corpus import write_listing
from triage_app.core.ingest.importer import import_path
from triage_app.core.search import array_encode, array_writer
from triage_app.core.search.array_files import arrays_dir, seg_size
from triage_app.core.search.fields import TEXT_FIELDS
from triage_app.core.search.index import make_schema, open_whoosh
from triage_app.core.search.postings import PostingCache
from triage_app.core.search.segment_arrays import load_arrays
from triage_app.core.search.segment_writer import SegmentBuilder, write_toc
from triage_app.core.search.service import SearchService
from triage_app.core.store import open_library

Row = tuple[int, str, dict[str, str]]


def _build(folder: Path, rows: list[Row], budget: int) -> None:
    """`rows` as an index in `folder`, the arrays written by the segment writer."""
    ix = whoosh_index.create_in(str(folder), make_schema())
    builder = SegmentBuilder(
        ix.storage, ix.indexname, make_schema(), default_codec(), budget, arrays_in=folder
    )
    builder.add_rows(rows)
    write_toc(ix, make_schema(), builder.finish())
    ix.close()


def _decoded(folder: Path, out: Path) -> list[str]:
    """Every big enough segment's arrays as `array_encode` writes them from the finished segment, in
    `out`; returns the segments' ids."""
    segids = []
    with open_whoosh(folder).reader() as reader:
        for sub, _ in reader.leaf_readers():
            if sub.doc_count_all() < array_writer.MIN_DOCS:
                continue
            segid = sub.segment().segment_id()
            segids.append(segid)
            array_encode.write_segment(sub, out, segid, seg_size(folder, segid))
    return segids


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _same_as_decoded(folder: Path) -> int:
    """Assert the written arrays equal the decoded ones and pass every term's check against
    Whoosh's term info; returns how many terms were checked."""
    with tempfile.TemporaryDirectory() as out:
        segids = _decoded(folder, Path(out))
        written, decoded = _files(arrays_dir(folder)), _files(Path(out))
    assert {name.split(".")[0] for name in written} == set(segids)
    assert written.keys() == decoded.keys()
    for name in written:
        assert written[name] == decoded[name], name
    checked = 0
    with open_whoosh(folder).reader() as reader:
        for sub, _ in reader.leaf_readers():
            if sub.doc_count_all() < array_writer.MIN_DOCS:
                continue
            arrays = load_arrays(folder, sub.segment().segment_id(), sub.doc_count_all())
            assert arrays is not None
            for (field, btext), info in sub._terms.items():
                if field in TEXT_FIELDS:
                    assert arrays.run(field, btext, info, positions=True) is not None
                    checked += 1
    return checked


WORDS = ["attention", "model", "graph", "zebra", "x", "über", "naïve", "日本語", "a", "the"]
word = st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=8))
text = st.one_of(
    st.just(""),
    st.lists(word, max_size=12).map(" ".join),
    # a word again after 300 others: a position delta over 255 (Whoosh's own decoder)
    st.sampled_from(WORDS).map(lambda w: f"{w} {'filler ' * 300}{w} {w}"),
    st.text(max_size=40),
)
papers = st.lists(
    st.tuples(st.fixed_dictionaries({name: text for name in TEXT_FIELDS}), st.text(max_size=6)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(papers, st.sampled_from([40, 300, 10_000]))
def test_the_written_arrays_are_the_decoded_ones(papers, budget: int) -> None:
    rows = [(pid + 1, sig, texts) for pid, (texts, sig) in enumerate(papers)]
    with pytest.MonkeyPatch.context() as mp, tempfile.TemporaryDirectory() as tmp:
        mp.setattr(array_writer, "MIN_DOCS", 0)
        _build(Path(tmp), rows, budget)
        _same_as_decoded(Path(tmp))


def test_long_texts_take_wider_arrays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A word met 70,000 times in one paper: counts and positions beyond uint16."""
    monkeypatch.setattr(array_writer, "MIN_DOCS", 0)
    long = {name: "" for name in TEXT_FIELDS} | {"abstract": "zebra " * 70_000}
    short = {name: "zebra" for name in TEXT_FIELDS}
    _build(tmp_path, [(1, "s", short), (2, "t", long), (3, "u", short)], 10**7)
    assert _same_as_decoded(tmp_path) >= 3
    for part in ("counts", "positions"):
        [path] = arrays_dir(tmp_path).glob(f"*.{part}.npy")
        assert b"<i4" in path.read_bytes()[:80]


def test_small_segments_get_no_arrays(tmp_path: Path) -> None:
    rows = [(i, "s", {name: f"word{i} zebra" for name in TEXT_FIELDS}) for i in range(1, 50)]
    _build(tmp_path, rows, 10**7)
    assert not arrays_dir(tmp_path).exists() or not any(arrays_dir(tmp_path).iterdir())


def test_a_rebuild_decodes_nothing_and_searches_as_the_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2,600 papers in two children, at a budget that makes several segments of at least
    MIN_DOCS (300 here): each gets arrays from the writer, `write_arrays` decodes none."""
    from triage_app.core.search import segment_writer

    monkeypatch.setattr(array_writer, "MIN_DOCS", 300)
    monkeypatch.setattr(segment_writer, "BUDGET_POSTINGS", 60_000)
    decoded: list[str] = []
    real = array_encode.write_segment
    monkeypatch.setattr(
        array_encode,
        "write_segment",
        lambda sub, folder, segid, size: decoded.append(segid) or real(sub, folder, segid, size),
    )
    with open_library(tmp_path / "lib") as library:
        import_path(library, write_listing(tmp_path / "a.txt", 2_600, seed=19))
        with SearchService(library) as service:
            service.index.rebuild(procs=2)
            assert decoded == []
            folder = service.index.dir
            with open_whoosh(folder).reader() as reader:
                sizes = [sub.doc_count_all() for sub, _ in reader.leaf_readers()]
            assert sum(size >= 300 for size in sizes) >= 4 and min(sizes) < 300
            assert _same_as_decoded(folder) > 1000
            with SearchService(library) as blocks:
                blocks._forget_index()
                blocks._postings = PostingCache(TEXT_FIELDS)
                hits = 0
                for query in ["attention", '"neural network"', "graph -model", "title:learning"]:
                    found = service.search(query, limit=None).ids
                    assert found == blocks.search(query, limit=None).ids
                    hits += len(found)
            assert hits > 100
            mapped = [s.count for s in service._postings._segments.values() if s.arrays]
            assert sorted(mapped) == sorted(size for size in sizes if size >= 300)
