"""Damaged stores of every shape get the "left untouched, restore a backup" line instead of a
traceback; once a command found the file damaged no later command writes into it, until a
restore replaces it; a full disk under the search index is one line and exit status 2."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.run import triage
from tests.data import LISTINGS
from tests.test_support import SEED_FILES

SEED = [str(LISTINGS / name) for name in SEED_FILES[:2]]


def _one_line(done: subprocess.CompletedProcess, *words: str) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], done.stderr
    return lines[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    assert triage("import", *SEED, library=lib).returncode == 0
    return lib


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", [["list"], ["search", "model"], ["mark", "1", "--star"]])
def test_a_folder_in_place_of_the_store_is_left_untouched(
    tmp_path: Path, command: list[str]
) -> None:
    lib = tmp_path / "lib"
    (lib / "library.sqlite").mkdir(parents=True)
    (lib / "library.sqlite" / "keep.txt").write_text("mine")
    _one_line(triage(*command, library=lib), "left untouched", "restore")
    assert (lib / "library.sqlite" / "keep.txt").read_text() == "mine"


def test_a_library_folder_that_is_a_symlink_loop_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    for command in (["list"], ["search", "x"], ["import", *SEED]):
        _one_line(triage(*command, library=tmp_path / "a"), "cannot open the library folder")


def _damage_pages(db: Path) -> None:
    """Overwrite every page after the schema's with garbage (the file still opens)."""
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[2 * page :] = b"\xa5" * (len(data) - 2 * page)
    db.write_bytes(bytes(data))


def test_no_command_writes_into_a_store_another_command_called_damaged(folder: Path) -> None:
    backup = triage("backup", library=folder)
    assert backup.returncode == 0
    backup_file = backup.stdout.strip().rsplit(" to ", 1)[1]
    db = folder / "library.sqlite"
    _damage_pages(db)
    before = _digest(db)
    _one_line(triage("search", "model", library=folder), "damaged", "left untouched")
    for command in (["mark", "1", "--star"], ["import", *SEED], ["list"], ["reindex"]):
        _one_line(triage(*command, library=folder), "an earlier command found it", "restore")
    assert _digest(db) == before
    restored = triage("restore", backup_file, library=folder)
    assert restored.returncode == 0, restored.stderr
    listed = triage("list", library=folder)
    assert listed.returncode == 0 and listed.stderr == ""


@pytest.mark.parametrize("command", [["search", "model"], ["reindex"], ["similar", "2"]])
def test_a_full_disk_under_the_index_is_one_line(
    folder: Path, command: list[str], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from triage_app.cli.main import main
    from triage_app.core.search import index

    def full(*_args: object, **_kw: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(index, "write_stamp", full)
    shutil.rmtree(folder / "index")  # the search rebuilds it, and the disk is full
    assert main(["--library", str(folder), *command]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err
    assert "cannot write the search index" in err
