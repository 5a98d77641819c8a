"""Writes the posting arrays beside each segment (`segment_arrays`) after an index commit.

It works from a finished segment as Whoosh wrote it (a rebuild's or a sync's, merged or not),
writes the arrays of each segment of at least MIN_DOCS documents that has none
(`array_encode`), and deletes those of segments Whoosh merged away. Smaller segments (a few
papers synced after a decision) decode from Whoosh's blocks in well under a millisecond a
word: no arrays, and a `mark` that commits one does not even load numpy.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage

from triage_app.core.search.array_files import arrays_dir, seg_size

MIN_DOCS = 2_000  # a segment with fewer documents gets no arrays
STALE_TMP_S = 3600.0  # a temporary file this old is a killed writer's leftover


def write_arrays(ix: Any, index_dir: Path, *, start: bool = False) -> int:
    """Write the arrays of every segment of `ix`'s latest commit that has none, and delete
    those of segments whose files Whoosh has removed; returns how many segments were written.
    A failure to write (a full disk) leaves no partial arrays: searches then read Whoosh's
    blocks as before.

    Only a rebuild `start`s the arrays of an index: an index written before them has no
    arrays folder, and a sync's commit leaves it so (writing all of its segments' arrays
    would make one `mark` pay for a whole index); its next rebuild adds them."""
    folder = arrays_dir(index_dir)
    written = 0
    if not start and not folder.is_dir():
        return 0
    try:
        folder.mkdir(exist_ok=True)
        wanted = {
            segment.segment_id()
            for segment in ix._segments()  # the latest table of contents, read again
            if segment.doc_count_all() >= MIN_DOCS
        }
        if not any(not (folder / f"{segid}.json").is_file() for segid in wanted):
            _drop_orphans(folder, index_dir)  # the usual commit: a few papers, nothing to write
            return 0
        with _reopened(ix, index_dir).reader() as reader:
            todo = [
                (sub, sub.segment().segment_id())
                for sub, _ in reader.leaf_readers()
                if sub.segment() is not None and sub.doc_count_all() >= MIN_DOCS
            ]
            todo = [(sub, segid) for sub, segid in todo if not (folder / f"{segid}.json").is_file()]
            # The second core writes every other segment (a rebuild of 20,000 papers or more
            # writes two): only from a process of one thread, where a fork is safe.
            forked = [_fork(ix, index_dir, segid) for _, segid in todo[1::2]] if _may_fork() else []
            mine = todo[::2] if forked else todo
            try:
                for sub, segid in mine:
                    _write(sub, folder, index_dir, segid)
            finally:
                for child in forked:
                    child.join()
            written = len(mine) + sum(child.exitcode == 0 for child in forked)
        _drop_orphans(folder, index_dir)
    except OSError:
        pass
    return written


def _reopened(ix: Any, index_dir: Path) -> Any:
    """The index opened again without memory maps: through them Whoosh copies each segment
    into memory (a rebuild's own index object uses them)."""
    return FileStorage(str(index_dir), supports_mmap=False).open_index(schema=ix.schema)


def _write(sub: Any, folder: Path, index_dir: Path, segid: str) -> None:
    # Here, not at the top: numpy and the decoder load only when a segment is written.
    from triage_app.core.search.array_encode import write_segment

    write_segment(sub, folder, segid, seg_size(index_dir, segid))


def _may_fork() -> bool:
    return (
        (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


def _fork(ix: Any, index_dir: Path, segid: str) -> Any:
    """A child process writing one segment's arrays (it inherits `ix`: nothing is pickled)."""
    child = multiprocessing.get_context("fork").Process(
        target=_write_in_child, args=(ix, index_dir, segid), daemon=True
    )
    child.start()
    return child


def _write_in_child(ix: Any, index_dir: Path, segid: str) -> None:
    try:
        with _reopened(ix, index_dir).reader() as reader:
            for sub, _ in reader.leaf_readers():
                if sub.segment() is not None and sub.segment().segment_id() == segid:
                    _write(sub, arrays_dir(index_dir), index_dir, segid)
    except OSError:
        raise SystemExit(1) from None  # no arrays for this segment; quietly, as in one process


def _drop_orphans(folder: Path, index_dir: Path) -> None:
    """Delete arrays whose segment is gone (merged away), and a killed writer's leftovers.
    A segment's files are written before the commit that names it, so arrays whose segment
    file exists are kept even if another process committed it after this one looked."""
    now = time.time()
    for path in folder.iterdir():
        if path.name.startswith(".tmp-"):
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > STALE_TMP_S:
                    path.unlink()
            continue
        segid = path.name.split(".", 1)[0]
        if not any(index_dir.glob(f"{segid}.*")):
            with contextlib.suppress(OSError):
                path.unlink()
