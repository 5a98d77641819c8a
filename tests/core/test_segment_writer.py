"""The build's segment writer writes the bytes Whoosh's own writer writes, and a build in
children fails, cancels and reports progress as the rebuild promises."""

from __future__ import annotations

import errno
import io
import os
import pickle
import signal
import struct
import subprocess
import sys
import time
import zlib
from datetime import date
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC

from tests.perf.corpus import write_listing
from triage_app.core.ingest.importer import import_path
from triage_app.core.search import segment_writer
from triage_app.core.search.index import IndexCancelled, SearchIndex, make_schema, open_whoosh
from triage_app.core.search.segment_writer import SegmentBuilder, write_toc
from triage_app.core.search.stamp import IndexWriteError
from triage_app.core.store import Library, open_library


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    folder = tmp_path_factory.mktemp("seg")
    listing = write_listing(folder / "listing.txt", 400, seed=11)
    library = open_library(folder / "lib")
    import_path(library, listing, as_of=date(2026, 11, 24))
    with library.write() as txn:  # notes and tags too, stop words first, a long text
        txn.conn.exec_driver_sql(
            "UPDATE paper SET note = 'The a of it. Übung macht den Meister' WHERE id % 3 = 0"
        )
        txn.conn.exec_driver_sql(
            "UPDATE paper SET note = ? WHERE id = 5", ("model data " * 1500 + "end",)
        )
    return library


def segment_files(folder: Path) -> dict[str, bytes]:
    """Every sub-file of the index's only segment, by extension, as bytes."""
    ix = open_whoosh(folder)
    (segment,) = ix._segments()
    compound = segment.open_compound_file(ix.storage)
    files = {}
    for name in compound.list():
        with compound.open_file(name) as f:
            files[name.split(".", 1)[1]] = f.read()
    compound.close()
    ix.close()
    return files


def blocks(postings: bytes, offset: int, length: int, levels: list[int]) -> list[tuple]:
    """A posting list's blocks as whoosh3 lays them out: (last?, block info, block data)."""
    raw = postings[offset : offset + length]
    assert raw[:4] == WHOOSH3_HEADER_MAGIC
    out, at = [], 4
    while at < len(raw):
        (size,) = struct.unpack("!i", raw[at : at + 4])
        stream = io.BytesIO(raw[at + 4 : at + 4 + abs(size)])
        info = pickle.load(stream)
        data = stream.read()
        levels.append(info[3])
        data = zlib.decompress(data) if info[3] else data
        # The zlib level aside (ours stores short blocks as they are), the info is Whoosh's.
        out.append((size < 0, info[:3] + info[4:], pickle.loads(data)))
        at += 4 + abs(size)
    return out


def postings_of(folder: Path, levels: list[int] | None = None) -> list[tuple]:
    """Every term with its term info (but where its postings lie) and its blocks; each
    block's zlib level appended to `levels`."""
    pst = segment_files(folder)["pst"]
    reader = open_whoosh(folder).reader()
    out = []
    for field, term in reader.all_terms():
        info = reader.term_info(field, term)
        stats = (info._weight, info._df, info._minlength, info._maxlength, info._maxweight)
        ids = (info._minid, info._maxid)
        offset, (length,) = info._offset, info._length
        out.append(
            (field, term, stats, ids, blocks(pst, offset, length, [] if levels is None else levels))
        )
    reader.close()
    return out


def test_a_segment_has_what_whoosh_writes(library: Library, tmp_path: Path) -> None:
    """Stored fields, lengths and columns byte for byte what Whoosh's SegmentWriter writes
    for the same papers (its own analysis, one segment); every term's info and postings
    blocks the same values (the pickles differ: this writer hands the same encoded positions
    over as one object, uses protocol 4 and leaves short blocks uncompressed)."""
    rows = list(SearchIndex(library)._iter_all_rows())
    whoosh_dir, ours_dir = tmp_path / "whoosh", tmp_path / "ours"
    for folder in (whoosh_dir, ours_dir):
        folder.mkdir()
    ix = whoosh_index.create_in(str(whoosh_dir), make_schema())
    writer = ix.writer(limitmb=256)
    for row in rows:
        writer.add_document(pid=row.pid, sig=row.sig, **row.fields)
    writer.commit()

    ix = whoosh_index.create_in(str(ours_dir), make_schema())
    builder = SegmentBuilder(ix.storage, ix.indexname, make_schema(), default_codec())
    builder.add_rows((row.pid, row.sig, row.fields) for row in rows)
    write_toc(ix, make_schema(), builder.finish())

    whoosh_files, ours = segment_files(whoosh_dir), segment_files(ours_dir)
    assert {"trm", "pst", "_stored.col", "pid.col", "_abstract_len.col"} <= set(ours)
    del ours["trm"], ours["pst"], whoosh_files["trm"], whoosh_files["pst"]
    assert ours == whoosh_files
    levels: list[int] = []
    theirs, mine = postings_of(whoosh_dir), postings_of(ours_dir, levels)
    assert 0 in levels and any(levels)  # short blocks stored as they are, long ones zlib
    assert len(mine) > 5000 and any(len(term[-1]) > 2 for term in mine)
    assert mine == theirs
    with open_whoosh(ours_dir).reader() as reader, open_whoosh(whoosh_dir).reader() as other:
        assert reader.doc_count() == 400
        assert reader.field_length("note") == other.field_length("note")


def test_a_budget_splits_the_build_into_segments(library: Library, tmp_path: Path) -> None:
    rows = [(r.pid, r.sig, r.fields) for r in SearchIndex(library)._iter_all_rows()]
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    builder = SegmentBuilder(ix.storage, ix.indexname, make_schema(), default_codec(), 20_000)
    builder.add_rows(rows)
    segments = builder.finish()
    write_toc(ix, make_schema(), segments)
    assert len(segments) > 2
    with open_whoosh(tmp_path).searcher() as searcher:
        assert searcher.doc_count() == 400
        found = {searcher.stored_fields(d)["pid"] for d in range(searcher.doc_count_all())}
        assert found == {pid for pid, _, _ in rows}


@pytest.mark.parametrize("procs", [1, 2])
def test_a_full_disk_while_building_leaves_the_old_index(
    library: Library, monkeypatch: pytest.MonkeyPatch, procs: int
) -> None:
    """An OSError while a segment is written (in a child too) is the rebuild's
    IndexWriteError, and the index in place stays as it was."""
    first = SearchIndex(library)
    first.rebuild(procs=1)
    first.close()
    before = sorted(p.name for p in library.index_dir.iterdir())

    def full(*_args: object, **_kw: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(segment_writer.SegmentBuilder, "flush", full)
    index = SearchIndex(library)
    with pytest.raises(IndexWriteError, match="No space left on device"):
        index.rebuild(procs=procs)
    index.close()
    assert sorted(p.name for p in library.index_dir.iterdir()) == before
    assert not library.index_dir.with_name(library.index_dir.name + ".building").exists()


@pytest.mark.parametrize("procs", [1, 2])
def test_a_build_reports_progress_and_can_be_cancelled(
    library: Library, monkeypatch: pytest.MonkeyPatch, procs: int
) -> None:
    monkeypatch.setattr("triage_app.core.search.index_build.CHUNK", 100)
    seen: list[tuple[int, int]] = []
    index = SearchIndex(library)
    report = index.rebuild(procs=procs, progress=lambda done, total: seen.append((done, total)))
    assert report.indexed == 400
    assert seen[-1] == (400, 400) and len(seen) >= 4
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    with pytest.raises(IndexCancelled):
        index.rebuild(procs=procs, cancel=lambda: len(seen) > 6, progress=lambda *a: seen.append(a))
    index.close()
    reopened = SearchIndex(library)
    assert reopened.searcher().doc_count() == 400  # the old index is in place
    reopened.close()


KILLED_BUILD = """
import multiprocessing, os, signal, sys
from pathlib import Path
from triage_app.core.search import index_build
from triage_app.core.search.index import SearchIndex
from triage_app.core.store import open_library

index_build.CHUNK = 50


def progress(done, total):
    if done >= 100:  # the children are busy: the build's process is killed, as a cancel does
        print(" ".join(str(c.pid) for c in multiprocessing.active_children()), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)


SearchIndex(open_library(Path(sys.argv[1]))).rebuild(procs=2, progress=progress)
"""


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # an orphan's zombie has ended


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_the_children_of_a_killed_build_end(library: Library) -> None:
    run = subprocess.run(
        [sys.executable, "-c", KILLED_BUILD, str(library.folder)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert run.returncode == -signal.SIGKILL, run.stderr
    pids = [int(pid) for pid in run.stdout.split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 30
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(pid) for pid in pids)
