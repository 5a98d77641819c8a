"""A library that cannot be used says why and what to do, loses nothing and overwrites nothing.

Read-only folders are simulated for real even as root (who ignores permission bits): a
read-only bind mount of the folder (EROFS, what a read-only disk gives) when the test may
mount, else `chmod` for an ordinary user; otherwise the test skips. A full disk is
simulated two ways: RLIMIT_FSIZE in the child process (works everywhere: writes past the
limit fail with EFBIG, which SQLite reports as a disk I/O error or a full disk), and a
small tmpfs mounted for the test where mounting is allowed (real ENOSPC).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.cli.run import triage
from tests.perf.corpus import write_listing
from triage_app.core.store import open_library
from triage_app.core.store.library import LibraryError
from triage_app.core.triage.decisions import DecisionPatch, mark

AS_OF = ["--as-of", "2026-11-24"]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A closed library of 40 papers with decisions on papers 1-3."""
    listing = write_listing(tmp_path / "first.txt", 40, seed=11)
    folder = tmp_path / "lib"
    with open_library(folder) as library:
        from triage_app.core.ingest.importer import import_path

        assert import_path(library, listing).new == 40
        mark(library, [1, 2], DecisionPatch(starred=True, add_tags=("keep me",)))
        mark(library, [3], DecisionPatch(rating=5, note="months of judgement"))
    return folder


def _decisions(folder: Path) -> list[tuple]:
    conn = sqlite3.connect(folder / "library.sqlite")
    try:
        return conn.execute(
            "SELECT id, status, starred, rating, note FROM paper WHERE id <= 3 ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


EXPECTED = [
    (1, "kept", 1, None, ""),
    (2, "kept", 1, None, ""),
    (3, "kept", 0, 5, "months of judgement"),
]


def _clean_failure(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


# ------------------------------------------------------------- damaged files
def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    junk = b"%PDF-1.7 definitely not a database\n" * 200
    (folder / "library.sqlite").write_bytes(junk)
    for args in (["list"], ["mark", "1", "--star"], ["import", "x.txt"], ["backup"]):
        _clean_failure(
            triage(*args, library=folder), "not an SQLite database", "triage-app restore FILE"
        )
    assert (folder / "library.sqlite").read_bytes() == junk
    assert sorted(p.name for p in folder.iterdir()) == ["library.lock", "library.sqlite"]


def test_a_damaged_store_is_reported_never_rewritten(small: Path) -> None:
    db = small / "library.sqlite"
    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'paper'").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    data[(root - 1) * 4096 : root * 4096] = b"\x0d" + b"\xff" * 4095
    db.write_bytes(bytes(data))
    damaged = db.read_bytes()
    for args in (["list"], ["mark", "1", "--star"], ["export", "-f", "json"]):
        _clean_failure(triage(*args, library=small), "is damaged", "triage-app restore FILE")
    assert db.read_bytes() == damaged


def test_a_truncated_store_is_reported(small: Path) -> None:
    db = small / "library.sqlite"
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    result = triage("list", library=small)
    _clean_failure(result, "triage-app restore FILE")
    assert db.read_bytes() == data[: len(data) // 2]


# ----------------------------------------------------------- read-only folder
@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.iterdir()]}
        for p in modes:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    bind = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip(f"cannot simulate a read-only folder as root here: {bind.stderr!r}")
    try:
        ro = subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True)
        if ro.returncode != 0:
            pytest.skip(f"cannot remount read-only: {ro.stderr!r}")
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_folder_says_so_and_changes_nothing(small: Path, tmp_path: Path) -> None:
    listing = write_listing(tmp_path / "more.txt", 20, seed=12)
    before = (small / "library.sqlite").read_bytes()
    with read_only(small):
        with pytest.raises(OSError):
            (small / "probe").write_text("x")
        _clean_failure(triage("mark", "4", "--star", library=small), "writable")
        _clean_failure(triage("import", str(listing), *AS_OF, library=small), "writable")
    assert (small / "library.sqlite").read_bytes() == before
    assert _decisions(small) == EXPECTED


# ---------------------------------------------------------------- full disk
def _limited_cli(limit: int, *args: str) -> list[str]:
    """The CLI in a process that may not write any file past `limit` bytes."""
    code = (
        "import resource, runpy, sys; "
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
        f"sys.argv = ['triage-app', *{list(args)!r}]; "
        "runpy.run_module('triage_app', run_name='__main__')"
    )
    return [sys.executable, "-c", code]


def test_a_full_disk_during_an_import_loses_nothing(small: Path, tmp_path: Path) -> None:
    from tests.cli.run import REPO

    listing = write_listing(tmp_path / "big.txt", 600, seed=13)
    size = (small / "library.sqlite").stat().st_size
    cmd = _limited_cli(size + 256 * 1024, "--library", str(small), "import", str(listing), *AS_OF)
    full = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    _clean_failure(full, "disk")
    assert _decisions(small) == EXPECTED
    conn = sqlite3.connect(small / "library.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    again = triage("import", str(listing), *AS_OF, library=small)  # space freed: finishes
    assert again.returncode == 0, again.stderr
    with open_library(small) as library:
        assert library.count() == 40 + 600
    assert _decisions(small) == EXPECTED


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr!r}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_really_full_disk_says_free_some_space(
    small: Path, tiny_disk: Path, tmp_path: Path
) -> None:
    folder = tiny_disk / "lib"
    shutil.copytree(small, folder)
    listing = write_listing(tmp_path / "big.txt", 3000, seed=14)  # ~4 MB of papers: too much
    result = triage("import", str(listing), *AS_OF, library=folder)
    _clean_failure(result, "is full", "Free some space")
    assert _decisions(folder) == EXPECTED
    conn = sqlite3.connect(folder / "library.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()


def test_library_errors_from_reads_are_library_errors(small: Path) -> None:
    with open_library(small) as library:
        db = library.db_path
        data = bytearray(db.read_bytes())
        conn = sqlite3.connect(db)
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'source'").fetchone()[
            0
        ]
        conn.close()
        data[(root - 1) * 4096 : root * 4096] = b"\x0d" + b"\xff" * 4095
        db.write_bytes(bytes(data))
        with pytest.raises(LibraryError) as err:
            library.get_paper(1)
        assert "is damaged" in str(err.value)
