"""Where an export may go: never over the library's own files; through a symlink to its
target; into a FIFO or device by streaming, never by replacing it; with an ordinary mode."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from tests.cli.run import triage
from tests.core.export_library import paper_object, restore
from triage_app.core.export.service import ExportDestinationError, export_papers
from triage_app.core.store.library import Library


@pytest.fixture
def filled(library: Library, tmp_path: Path) -> Library:
    restore(library, tmp_path, [paper_object(n) for n in range(1, 31)])
    return library


@pytest.mark.parametrize(
    "name",
    [
        "library.sqlite",
        "library.sqlite-wal",
        "library.sqlite-shm",
        "library.lock",
        "index/out.json",
        "backups/out.json",
    ],
)
def test_the_library_s_own_files_are_refused(filled: Library, name: str) -> None:
    target = filled.folder / name
    before = target.read_bytes() if target.is_file() else None
    with pytest.raises(ExportDestinationError, match="the library's own"):
        export_papers(filled, "json", target)
    assert (target.read_bytes() if target.is_file() else None) == before
    assert filled.count() == 30


def test_a_symlink_into_the_library_is_refused_too(filled: Library, tmp_path: Path) -> None:
    link = tmp_path / "innocent.json"
    link.symlink_to(filled.db_path)
    with pytest.raises(ExportDestinationError, match=r"library\.sqlite"):
        export_papers(filled, "json", link)
    assert filled.count() == 30 and link.is_symlink()


def test_a_symlink_is_written_through_and_stays_a_link(filled: Library, tmp_path: Path) -> None:
    real = tmp_path / "exports" / "real.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    assert export_papers(filled, "json", link) == 30
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert len(json.loads(real.read_text(encoding="utf-8"))) == 30


def test_a_fifo_is_streamed_into_not_replaced(filled: Library, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    assert export_papers(filled, "csv", fifo) == 30
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert got and got[0].count(b"\r\n") == 31  # the header and 30 papers


def test_an_export_gets_an_ordinary_mode_and_keeps_a_replaced_file_s(
    filled: Library, tmp_path: Path
) -> None:
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.ris"
        export_papers(filled, "ris", fresh)
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "kept.ris"
        kept.write_text("old")
        kept.chmod(0o640)
        export_papers(filled, "ris", kept)
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    finally:
        os.umask(umask)


def test_the_cli_refuses_to_export_over_the_library(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    assert triage("demo", "--no-gui", library=folder).returncode == 0
    before = (folder / "library.sqlite").stat().st_size
    done = triage("export", "-f", "json", "-o", str(folder / "library.sqlite"), library=folder)
    assert done.returncode == 2
    assert "the library's own library.sqlite" in done.stderr and "Traceback" not in done.stderr
    assert (folder / "library.sqlite").stat().st_size == before
    listed = triage("list", library=folder)
    assert listed.returncode == 0, listed.stderr
