"""The index build: papers in, Whoosh segments out, in one process or several, then one
table of contents that makes them the index.

With several processes the parent reads the papers and hands them out in chunks of about
1,000, each to the child whose queue has room (round robin when all have); each child builds
its own segments (`SegmentBuilder`) in the same folder and sends them back when it has
written its last. The children are forked, never spawned: a forked child runs the code
already loaded, which a PyInstaller bundle needs too (a spawned child would start the
bundle's executable again); where fork is missing the build runs in one process. A child's
failure (a full disk) comes back as its exception and is raised in the parent; a failure or
a cancel in the parent ends the children, and a child whose parent was killed ends
by itself. `tick(done)` is called after every chunk handed
out, for progress and cancel checks.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import queue
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from triage_app.core.search.segment_writer import Row, SegmentBuilder, write_toc

CHUNK = 1000  # papers per hand-out, and per progress tick
QUEUED_CHUNKS = 2  # chunks waiting for each child
POLL_S = 0.5  # how often a waiting parent looks whether its children still live


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def build_index(
    ix: Any,
    schema: Any,
    codec: Any,
    rows: Iterable[Row],
    *,
    total: int,
    procs: int,
    tick: Callable[[int], None],
    arrays_in: Path | None = None,
) -> int:
    """Write `rows` as the whole contents of the new, empty index `ix`; returns how many.
    With `arrays_in` (the index's folder), each segment big enough gets its posting arrays
    as it is written (`SegmentBuilder`)."""
    temp = ix.storage.temp_storage(f"{ix.indexname}.tmp")  # shared by the codec's writers
    make = partial(SegmentBuilder, ix.storage, ix.indexname, schema, codec, arrays_in=arrays_in)
    try:
        if procs > 1 and can_fork():
            size = max(1, min(CHUNK, -(-total // procs)))
            segments, done = _in_children(make, _chunks(rows, size), procs, tick)
        else:
            segments, done = _here(make, rows, tick)
        write_toc(ix, schema, segments)
    finally:
        temp.destroy()
    return done


def _here(
    make: Callable[[], SegmentBuilder], rows: Iterable[Row], tick: Callable[[int], None]
) -> tuple[list[Any], int]:
    """The build in this process, the garbage collector paused (the postings gathered are
    hundreds of thousands of lists, walked again at every full collection)."""
    builder = make()
    done = 0
    collecting = gc.isenabled()
    gc.disable()
    try:
        for chunk in _chunks(rows, CHUNK):
            builder.add_rows(chunk)
            done += len(chunk)
            tick(done)
        return builder.finish(), done
    finally:
        if collecting:
            gc.enable()


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _child(
    jobs: Any, every: list[Any], results: Any, me: int, make: Callable[[], SegmentBuilder]
) -> None:
    """A child's life: build segments from the chunks of `jobs` until None comes."""
    gc.disable()  # its objects live until it ends: collections would only walk them again
    parent = os.getppid()
    for queue_ in every:  # only the parent writes chunks: when it dies mid-chunk, the read
        queue_._writer.close()  # ends (EOFError) instead of waiting for the chunk's rest
    try:
        builder = make()
        while True:
            try:
                chunk = jobs.get(timeout=POLL_S)
            except queue.Empty:
                if os.getppid() != parent:  # killed (a cancel by SIGTERM): nobody waits
                    return
                continue
            if chunk is None:
                break
            builder.add_rows(chunk)
        results.put((me, True, builder.finish()))
    except BaseException as exc:  # the parent raises it
        try:
            failure = pickle.dumps(exc)
        except Exception:
            failure = pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))
        results.put((me, False, failure))


def _in_children(
    make: Callable[[], SegmentBuilder],
    chunks: Iterator[list[Row]],
    procs: int,
    tick: Callable[[int], None],
) -> tuple[list[Any], int]:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    jobs = [context.Queue(QUEUED_CHUNKS) for _ in range(procs)]
    children = [
        context.Process(target=_child, args=(jobs[me], jobs, results, me, make))
        for me in range(procs)
    ]
    for child in children:
        child.daemon = True
        child.start()
    try:
        done = 0
        for turn, chunk in enumerate(chunks):
            _hand_out(jobs, turn % procs, chunk, results, children)
            done += len(chunk)
            tick(done)
        for job in jobs:
            job.put(None)
        by_child: dict[int, list[Any]] = {}
        while len(by_child) < procs:
            me, segments = _result(results, children)
            by_child[me] = segments
        for child in children:
            child.join()
    except BaseException:
        for child in children:
            if child.is_alive():
                child.terminate()
        for child in children:
            child.join()
        for waiting in (*jobs, results):  # chunks no child will read: drop them, do not
            waiting.cancel_join_thread()  # wait at exit for a pipe nobody empties
            waiting.close()
        raise
    return [segment for me in sorted(by_child) for segment in by_child[me]], done


def _hand_out(
    jobs: list[Any], first: int, chunk: list[Row], results: Any, children: list[Any]
) -> None:
    """Give `chunk` to the first child from `first` on whose queue has room, or wait for
    room in `first`'s."""
    order = jobs[first:] + jobs[:first]
    for job in order:
        try:
            job.put_nowait(chunk)
            return
        except queue.Full:
            continue
    while True:
        try:
            order[0].put(chunk, timeout=POLL_S)
            return
        except queue.Full:
            _check(results, children)


def _result(results: Any, children: list[Any]) -> tuple[int, list[Any]]:
    """The next child's segments; its exception raised when it failed."""
    while True:
        try:
            me, ok, value = results.get(timeout=POLL_S)
        except queue.Empty:
            _check(results, children, finishing=True)
            continue
        if not ok:
            raise pickle.loads(value)
        return me, value


def _check(results: Any, children: list[Any], finishing: bool = False) -> None:
    """Raise a child's failure, or say that a child died without a word."""
    if not finishing and not results.empty():  # before the end, only failures come back
        me, ok, value = results.get()
        if not ok:
            raise pickle.loads(value)
        raise RuntimeError(f"index build child {me} finished early")
    for child in children:
        if not child.is_alive() and child.exitcode != 0:
            raise RuntimeError(f"an index build child died (exit status {child.exitcode})")
