"""The posting arrays kept beside each segment: written after a rebuild's and a sync's commit,
gone with the segments Whoosh merges away, and answering exactly what Whoosh's own blocks
answer; missing, damaged, truncated or foreign arrays are ignored, never a wrong answer."""

from __future__ import annotations

import errno
import json
import os
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.perf.corpus import write_listing
from triage_app.core.ingest.importer import import_path
from triage_app.core.search import array_writer, postings
from triage_app.core.search.array_files import arrays_dir
from triage_app.core.search.fields import TEXT_FIELDS
from triage_app.core.search.postings import PostingCache
from triage_app.core.search.segment_arrays import load_arrays
from triage_app.core.search.service import SearchService
from triage_app.core.store import open_library
from triage_app.core.triage.decisions import DecisionPatch, mark


@pytest.fixture(scope="module", autouse=True)
def every_segment_gets_arrays():
    """The libraries here are small: every segment gets arrays, whatever its size."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(array_writer, "MIN_DOCS", 0)
        yield


def _segments(service: SearchService) -> list[str]:
    service.index.refresh()
    return [s.reader().segment().segment_id() for s, _ in service.index.searcher().leaf_searchers()]


def _with_arrays_in(folder: Path) -> set[str]:
    return {p.name.split(".")[0] for p in arrays_dir(folder).glob("*.json")}


def _blocks_only(service: SearchService) -> SearchService:
    """The service reading Whoosh's blocks only, as before the arrays."""
    service._forget_index()
    service._postings = PostingCache(TEXT_FIELDS)
    return service


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory):
    """900 generated papers indexed by a rebuild, then notes and tags changed in three
    syncs: segments written by syncs, and some merged by Whoosh on commit."""
    folder = tmp_path_factory.mktemp("segment-arrays")
    library = open_library(folder / "lib")
    import_path(library, write_listing(folder / "a.txt", 900, seed=31))
    with SearchService(library) as service:
        service.index.rebuild()
        for round_ in range(3):
            for pid in range(1 + round_ * 20, 21 + round_ * 20):
                mark(
                    library,
                    [pid],
                    DecisionPatch(note=f"zebra note {round_} on attention", add_tags=("later",)),
                )
            service.sync()
    yield library
    library.close()


@pytest.fixture(scope="module")
def vocabulary(library) -> list[str]:
    papers = library.get_papers(library.all_ids()[:200], with_sources=False)
    words: set[str] = set()
    for p in papers:
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", f"{p.title} {p.abstract}"))
    picked = random.Random(4).sample(sorted(words), min(300, len(words)))
    return [*picked, "zebra", "attention", "later", "note"]


def test_every_segment_has_arrays_and_no_other_arrays_are_kept(library) -> None:
    with SearchService(library) as service:
        live = set(_segments(service))
        assert _with_arrays_in(service.index.dir) == live
        stems = {p.name.split(".")[0] for p in arrays_dir(service.index.dir).iterdir()}
        assert stems == live  # the arrays of merged-away segments went with them


def test_a_sync_writes_the_new_segments_arrays_and_drops_the_merged_ones(tmp_path: Path) -> None:
    with open_library(tmp_path / "lib") as library:
        import_path(library, write_listing(tmp_path / "a.txt", 300, seed=5))
        with SearchService(library) as service:
            seen: set[str] = set(_segments(service))
            for i in range(12):  # enough small commits for Whoosh to merge some
                mark(library, [i + 1], DecisionPatch(note=f"okapi{i} sighting"))
                service.sync()
                live = set(_segments(service))
                seen |= live
                assert _with_arrays_in(service.index.dir) == live
            assert seen - live, "Whoosh merged no segment: the test proves nothing"
            assert service.search("okapi7").ids == [8]
            # Every word here was answered from the arrays.
            assert all(s.arrays is not None for s in service._postings._segments.values())


def _query(words: list[str]) -> st.SearchStrategy[str]:
    word = st.sampled_from(words)
    phrase = st.tuples(word, word).map(lambda t: f'"{t[0]} {t[1]}"')
    field = st.tuples(st.sampled_from(["title", "abstract", "note", "tags"]), word).map(
        lambda t: f"{t[0]}:{t[1]}"
    )
    atom = st.one_of(word, word, phrase, field, word.map(lambda w: f"{w[:4]}*"))
    return st.lists(st.tuples(st.sampled_from(["", "OR ", "-"]), atom), min_size=1, max_size=4).map(
        lambda parts: " ".join(f"{op}{a}" for op, a in parts).removeprefix("OR ")
    )


@pytest.fixture(scope="module")
def services(library):
    with SearchService(library) as mapped, SearchService(library) as blocks:
        yield mapped, _blocks_only(blocks)


def test_same_results_with_and_without_the_arrays(library, vocabulary, services) -> None:
    mapped, blocks = services
    read_from_blocks: list[bytes] = []
    real = postings._read_postings

    def spy(reader, field, btext, check, positions):  # type: ignore[no-untyped-def]
        read_from_blocks.append(btext)
        return real(reader, field, btext, check, positions)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_query(vocabulary))
    def check(query: str) -> None:
        assert mapped.search(query, limit=None).ids == blocks.search(query, limit=None).ids

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(postings, "_read_postings", spy)
        before = len(read_from_blocks)
        mapped.search("zebra attention model", limit=None)
        assert len(read_from_blocks) == before  # the mapped service read no block
    check()


def _damage(kind: str) -> Callable[[Path, str], None]:
    def apply(folder: Path, segid: str) -> None:
        part = lambda name: folder / f"{segid}.{name}.npy"  # noqa: E731
        meta = folder / f"{segid}.json"
        if kind == "missing meta":
            meta.unlink()
        elif kind == "missing ids":
            part("ids").unlink()
        elif kind == "truncated ids":
            data = part("ids").read_bytes()
            part("ids").write_bytes(data[: len(data) // 2])
        elif kind == "garbage positions":
            part("positions").write_bytes(b"\x93NUMPY garbage" * 50)
        elif kind == "pickled object array":
            with open(part("weights"), "wb") as fh:
                np.save(fh, np.array([{"a": 1}] * 5, dtype=object), allow_pickle=True)
        elif kind == "ids shifted":
            ids = np.load(part("ids"))
            np.save(part("ids"), (ids + 1).astype("<i4"))
        elif kind == "weights changed":
            weights = np.load(part("weights"))
            np.save(part("weights"), (weights * 1.5).astype("<f4"))
        elif kind == "offsets out of range":
            off = np.load(part("post_off"))
            off[len(off) // 2] = 10**12
            np.save(part("post_off"), off)
        elif kind == "foreign meta":
            data = json.loads(meta.read_text())
            data["doc_count"] += 1
            meta.write_text(json.dumps(data))
        elif kind == "garbled meta":
            meta.write_text('{"format": 1, "fields": [[[')
        elif kind == "another segment's arrays":
            others = [p for p in folder.glob("*.json") if not p.name.startswith(segid)]
            other = others[0].name.split(".")[0]
            for p in folder.glob(f"{other}.*"):
                shutil.copy(p, folder / p.name.replace(other, segid))
            data = json.loads(meta.read_text())
            data["segment"] = segid
            meta.write_text(json.dumps(data))
        else:
            raise AssertionError(kind)

    return apply


DAMAGE = [
    "missing meta",
    "missing ids",
    "truncated ids",
    "garbage positions",
    "pickled object array",
    "ids shifted",
    "weights changed",
    "offsets out of range",
    "foreign meta",
    "garbled meta",
    "another segment's arrays",
]


@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_arrays_are_ignored_never_a_wrong_answer(tmp_path: Path, kind: str) -> None:
    queries = ["model", "learning data", '"language models"', "okapi", "title:learning", "lea*"]
    with open_library(tmp_path / "lib") as library:
        import_path(library, write_listing(tmp_path / "a.txt", 400, seed=12))
        with SearchService(library) as service:
            for i in range(3):
                mark(library, [i + 1], DecisionPatch(note=f"okapi sighting {i}"))
                service.sync()
            expected = {q: service.search(q, limit=None).ids for q in queries}
            segids = _segments(service)
        assert len(segids) >= 2
        folder = arrays_dir(library.index_dir)
        biggest = max(segids, key=lambda s: (folder / f"{s}.ids.npy").stat().st_size)
        _damage(kind)(folder, biggest)
        with SearchService(library) as service:
            assert {q: service.search(q, limit=None).ids for q in queries} == expected
            assert not service.repairs  # the index itself was sound: nothing rebuilt


def test_loading_refuses_what_does_not_belong_to_the_segment(library) -> None:
    with SearchService(library) as service:
        segid = _segments(service)[0]
        reader = service.index.searcher().leaf_searchers()[0][0].reader()
        count = reader.doc_count_all()
        assert load_arrays(service.index.dir, segid, count) is not None
        assert load_arrays(service.index.dir, segid, count + 1) is None
        assert load_arrays(service.index.dir, "MAIN_nosuchsegment", count) is None


def test_a_failure_to_write_the_arrays_leaves_the_index_and_its_searches_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_args: object, **_kw: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with open_library(tmp_path / "lib") as library:
        import_path(library, write_listing(tmp_path / "a.txt", 200, seed=3))
        with SearchService(library) as service:
            before = sorted(p.name for p in arrays_dir(service.index.dir).iterdir())
            monkeypatch.setattr(np, "save", full)  # the disk is full
            mark(library, [2], DecisionPatch(note="capybara"))
            service.sync()
            monkeypatch.undo()
            assert service.search("capybara").ids == [2]
            assert not service.index.pending()
            after = sorted(p.name for p in arrays_dir(service.index.dir).iterdir())
            assert after == before  # no partial arrays, no temporary files left
            live = _segments(service)
            assert len(live) > len(_with_arrays_in(service.index.dir))


def test_an_index_written_before_the_arrays_gets_none_until_its_rebuild(tmp_path: Path) -> None:
    with open_library(tmp_path / "lib") as library:
        import_path(library, write_listing(tmp_path / "a.txt", 200, seed=3))
        with SearchService(library) as service:
            shutil.rmtree(arrays_dir(service.index.dir))
            mark(library, [2], DecisionPatch(note="capybara"))
            service.sync()
            assert not arrays_dir(service.index.dir).exists()
            assert service.search("capybara").ids == [2]
            service.index.rebuild()
            assert _with_arrays_in(service.index.dir) == set(_segments(service))


def test_a_small_segment_gets_no_arrays_and_answers_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(array_writer, "MIN_DOCS", 250)
    with open_library(tmp_path / "lib") as library:
        import_path(library, write_listing(tmp_path / "a.txt", 300, seed=3))
        with SearchService(library) as service:
            assert len(_with_arrays_in(service.index.dir)) == 1  # the rebuild's 300 papers
            mark(library, [2], DecisionPatch(note="capybara"))
            service.sync()  # a segment of one paper: no arrays for it
            assert len(_segments(service)) == 2
            assert len(_with_arrays_in(service.index.dir)) == 1
            assert service.search("capybara").ids == [2]


def test_two_segments_written_side_by_side_equal_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild of two segments writes the second in a forked child: the same arrays."""
    with open_library(tmp_path / "lib") as library:
        import_path(library, write_listing(tmp_path / "a.txt", 300, seed=8))
        with SearchService(library) as service:
            writer = service.index._ix.writer()
            for pid in range(301, 341):
                writer.add_document(pid=pid, sig="x", title=f"okapi {pid}", abstract="model")
            writer.commit(merge=False)
            service.index.refresh()
            live = _segments(service)
            assert len(live) == 2
            ix, index_dir = service.index._ix, service.index.dir
            shutil.rmtree(arrays_dir(index_dir))
            forks: list[str] = []
            fork = array_writer._fork
            monkeypatch.setattr(array_writer, "_may_fork", lambda: True)
            monkeypatch.setattr(array_writer, "_fork", lambda *a: forks.append(a[2]) or fork(*a))
            assert array_writer.write_arrays(ix, index_dir, start=True) == 2
            assert len(forks) == 1
            monkeypatch.setattr(array_writer, "_may_fork", lambda: False)
            shutil.copytree(arrays_dir(index_dir), tmp_path / "forked")
            shutil.rmtree(arrays_dir(index_dir))
            assert array_writer.write_arrays(ix, index_dir, start=True) == 2
            for path in arrays_dir(index_dir).iterdir():
                other = tmp_path / "forked" / path.name
                if path.suffix == ".npy":
                    assert np.array_equal(np.load(path), np.load(other)), path.name
                else:
                    assert path.read_text() == other.read_text()
            assert sorted(p.name for p in (tmp_path / "forked").iterdir()) == sorted(
                p.name for p in arrays_dir(index_dir).iterdir()
            )
