"""The window and a CLI writing one library at once, in both orders: every write lands."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.run import REPO, triage
from tests.perf.corpus import write_listing
from tests.reliability.torture_kit import (
    AS_OF,
    drive_window,
    generated_library,
    integrity_problems,
    read_states,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    return generated_library(tmp_path, 30, seed=51)


def _count(folder: Path) -> int:
    conn = sqlite3.connect(folder / "library.sqlite", timeout=10)
    try:
        return conn.execute("SELECT count(*) FROM paper").fetchone()[0]
    finally:
        conn.close()


def test_window_imports_while_the_cli_marks(library_dir: Path, tmp_path: Path) -> None:
    listing = write_listing(tmp_path / "big.txt", 2500, seed=52)
    window = drive_window("import-finish", str(library_dir), str(listing))
    assert window.stdout is not None
    assert window.stdout.readline().strip() == "importing"
    for args in (("2", "--star"), ("3", "--rating", "2"), ("4", "--tag", "from the shell")):
        done = triage("mark", *args, library=library_dir)
        assert done.returncode == 0, done.stderr
    out, err = window.communicate(timeout=300)
    assert window.returncode == 0, err
    assert out.strip() == "imported 2530"
    states = read_states(library_dir / "library.sqlite")
    assert [states[2][1], states[3][2], states[4][4]] == [True, 2, ("from the shell",)]
    assert integrity_problems(library_dir / "library.sqlite") == []


def test_cli_imports_while_the_window_writes_notes(library_dir: Path, tmp_path: Path) -> None:
    listing = write_listing(tmp_path / "big.txt", 2500, seed=53)
    cli = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "triage_app",
            "--library",
            str(library_dir),
            "import",
            str(listing),
            "--as-of",
            AS_OF.isoformat(),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while _count(library_dir) == 30 and cli.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    window = drive_window("notes", str(library_dir), "4")
    out, err = window.communicate(timeout=300)
    imported, import_err = cli.communicate(timeout=300)
    assert window.returncode == 0, err
    assert cli.returncode == 0, import_err
    assert "2500 new" in imported
    pid = int(out.split()[-1])
    assert read_states(library_dir / "library.sqlite")[pid][3] == "gui note 4"
    assert _count(library_dir) == 2530
