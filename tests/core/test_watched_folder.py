"""The watched folder: complete files are imported once each, a half-written file waits."""

from __future__ import annotations

import os
from pathlib import Path

from tests.data import FOREIGN
from triage_app.core.ingest import FolderWatch, set_watched_folder, watched_folder
from triage_app.core.store.library import Library

RIS = (FOREIGN / "asreview_zotero.ris").read_bytes()


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def write(path: Path, data: bytes, mtime: float) -> None:
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))


def test_files_are_ready_once_complete_and_only_once(library: Library, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    set_watched_folder(library, drop)
    assert watched_folder(library) == drop.resolve()
    clock = Clock()
    watch = FolderWatch.for_library(library, clock=clock, settle=2.0)
    assert watch is not None
    write(drop / "digest.ris", RIS[:200], clock.now)  # being written
    write(drop / ".hidden.ris", RIS, clock.now - 60)
    write(drop / "download.ris.part", RIS, clock.now - 60)
    assert watch.ready() == []
    clock.now += 1
    write(drop / "digest.ris", RIS[:900], clock.now)  # still growing
    assert watch.ready() == []
    clock.now += 1
    assert watch.ready() == []  # unchanged, but only for a second
    clock.now += 2
    assert watch.ready() == [drop / "digest.ris"]
    watch.done(library, [drop / "digest.ris"])
    clock.now += 3
    assert watch.ready() == []
    # A new watch (the next start) remembers what was imported.
    again = FolderWatch.for_library(library, clock=clock, settle=2.0)
    assert again is not None and again.ready() == []
    # Saved again with new content: imported again.
    write(drop / "digest.ris", RIS, clock.now - 10)
    again.ready()
    clock.now += 3
    assert again.ready() == [drop / "digest.ris"]


def test_no_folder_no_watch(library: Library) -> None:
    assert FolderWatch.for_library(library) is None
    set_watched_folder(library, None)
    assert watched_folder(library) is None
