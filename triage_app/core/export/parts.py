"""A big export written by two processes: this one writes the first half of the papers
while a child process writes the second half to a temporary file, copied in after it.

One process formats a BibTeX or RIS export at a fixed rate a CPU-second; on a shared
machine a second process gets a second share of the cores. The two pieces (rows.Part)
joined are the one-process export byte for byte, still streamed (each process holds a
chunk of rows, and the copy goes a megabyte at a time). Progress counts both halves,
cancel stops the child, and when the child cannot start or fails this process writes the
second half itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from triage_app.core.export.rows import Part
from triage_app.core.store import Library

# Below this many papers a process's start (about half a second of imports) costs more
# than the half it takes over.
SPLIT_MIN = 20_000
Stream = Callable[..., int]
Tick = Callable[[int], None]


def halves(
    library: Library, ids: Sequence[int] | None, total: int
) -> tuple[tuple[Part, Sequence[int] | None], tuple[Part, Sequence[int] | None]] | None:
    """The two pieces of an export of `total` papers, or None when it stays whole."""
    if total < max(SPLIT_MIN, 2) or getattr(sys, "frozen", False):
        # A frozen bundle has no interpreter to start a child with.
        return None
    if ids is not None:
        half = len(ids) // 2
        return (Part(closes=False), ids[:half]), (Part(opens=False), ids[half:])
    with library.read() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None  # a checked-out pooled connection is always open
        row = driver.execute(
            "SELECT id FROM paper ORDER BY id LIMIT 1 OFFSET ?", (total // 2 - 1,)
        ).fetchone()
    if row is None:
        return None
    return (Part(upto=row[0], closes=False), None), (Part(after=row[0], opens=False), None)


def write_in_halves(
    library: Library,
    fmt: str,
    stream: Stream,
    ids: Sequence[int] | None,
    total: int,
    out: IO[str],
    tick: Tick | None,
    options: dict[str, Any],
) -> int | None:
    """The export written by this process and a child; None when it is not worth one."""
    pieces = halves(library, ids, total)
    if pieces is None:
        return None
    (first, first_ids), (second, second_ids) = pieces
    job_options: dict[str, Any] = dict(options)
    if fmt == "bibtex":  # the keys are the whole library's: computed once, here
        from triage_app.core.export.bibtex_keys import library_keys

        keys = library_keys(library)
        options = {**options, "keys": keys}
        job_options["keys"] = _keys_of(keys, second, second_ids)
    with tempfile.TemporaryDirectory(prefix="triage-export-") as tmp:
        path = Path(tmp) / "second-half"
        child = _start(library, fmt, second, second_ids, path, job_options)
        counted = [0]  # the child's progress lines, read on a thread as they come
        reader = None
        if child is not None:
            reader = threading.Thread(target=_count, args=(child, counted), daemon=True)
            reader.start()
        try:
            both = None if tick is None else (lambda n: tick(n + counted[0]))
            count = stream(library, first_ids, out, both, part=first, **options)
            if child is not None and reader is not None:
                reader.join(0.1)
                while reader.is_alive():
                    if tick is not None:
                        tick(count + counted[0])
                    reader.join(0.1)
                child.wait()
            if child is None or child.returncode != 0:
                later = None if tick is None else (lambda n: tick(n + count))
                return count + stream(library, second_ids, out, later, part=second, **options)
            with path.open(encoding="utf-8", newline="") as half:
                shutil.copyfileobj(half, out, 1 << 20)
            return count + counted[0]
        finally:
            if child is not None:
                if child.poll() is None:  # cancelled, or failed writing
                    child.terminate()
                    child.wait()
                if reader is not None:
                    reader.join()
                if child.stdout is not None:
                    child.stdout.close()


def _keys_of(keys: Mapping[int, str], part: Part, ids: Sequence[int] | None) -> list[Any]:
    """[id, key] of the papers of a piece (a paper without a key gets one as it is written)."""
    if ids is None:
        ids = [pid for pid in keys if pid > part.after]
    return [[pid, keys[pid]] for pid in ids if pid in keys]


def _start(
    library: Library,
    fmt: str,
    part: Part,
    ids: Sequence[int] | None,
    path: Path,
    options: dict[str, Any],
) -> subprocess.Popen[str] | None:
    """The child, started on this very package (its folder leads the child's path), its
    ids sent on stdin; None when it cannot start."""
    package_root = str(Path(__file__).resolve().parents[3])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    job = {
        "folder": str(library.folder),
        "format": fmt,
        "part": asdict(part),
        "ids": None if ids is None else list(ids),
        "path": str(path),
        "options": options,
    }
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "triage_app.core.export.parts"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
    except OSError:
        return None
    assert child.stdin is not None
    try:
        child.stdin.write(json.dumps(job))
        child.stdin.close()
    except OSError:  # it died at once: the parent writes the half itself
        child.kill()
        child.wait()
        return None
    return child


def _count(child: subprocess.Popen[str], counted: list[int]) -> None:
    """The child's stdout: a line with its count of papers written every thousand papers,
    and the last when it is done."""
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip().isdigit():
            counted[0] = int(line)


def write_half() -> int:
    """The child process: one piece of the export, as the job on stdin says."""
    from triage_app.core.export.formats import FORMATS
    from triage_app.core.store import open_library

    job = json.load(sys.stdin)
    stream = FORMATS[job["format"]].stream
    assert stream is not None
    options = job["options"]
    if "keys" in options:
        options["keys"] = {pid: key for pid, key in options["keys"]}

    def tick(n: int) -> None:
        print(n, flush=True)

    # No newline translation: the parent's copy into its own stream translates.
    with (
        open_library(job["folder"], create=False) as library,
        open(job["path"], "w", encoding="utf-8", newline="") as out,
    ):
        written = stream(library, job["ids"], out, tick, part=Part(**job["part"]), **options)
    print(written, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(write_half())
