"""kill -9 of the real window while a note is typed (after the save delay) and while an import
runs: on restart nothing committed is gone and the window opens."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.run import triage
from tests.perf.corpus import write_listing
from tests.reliability.gui_driver import NOTE
from tests.reliability.torture_kit import (
    AS_OF,
    canonical_papers,
    drive_window,
    generated_library,
    index_differences,
    integrity_problems,
    read_states,
)
from triage_app.core.ingest.importer import import_path
from triage_app.core.store import open_library
from triage_app.core.triage.decisions import DecisionPatch, mark

pytestmark = pytest.mark.gui


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    folder = generated_library(tmp_path, 30, seed=41)
    with open_library(folder) as library:
        mark(library, [2, 3], DecisionPatch(starred=True, add_tags=("before the kill",)))
        mark(library, [4], DecisionPatch(status="dismissed", note="decided earlier"))
    return folder


def _kill_after(proc: subprocess.Popen, line: str, delay: float) -> str:
    assert proc.stdout is not None
    got = proc.stdout.readline().strip()
    if not got.startswith(line):
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"the window said {got!r}, expected {line!r}: {err[-2000:]}")
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    return got


def _window_opens(folder: Path) -> None:
    """The window starts on the inbox: one row per paper still new."""
    inbox = sum(1 for s in read_states(folder / "library.sqlite").values() if s[0] == "new")
    opened = drive_window("open", str(folder))
    out, err = opened.communicate(timeout=120)
    assert opened.returncode == 0, err
    assert out.strip() == f"shown {inbox}", err


EARLIER = {
    2: ("kept", True, None, "", ("before the kill",)),
    3: ("kept", True, None, "", ("before the kill",)),
    4: ("dismissed", False, None, "decided earlier", ()),
}


def test_kill_while_typing_a_note(library_dir: Path) -> None:
    said = _kill_after(
        drive_window("note", str(library_dir)), "committed", random.Random(5).uniform(0.1, 0.5)
    )
    pid = int(said.split()[1])

    assert integrity_problems(library_dir / "library.sqlite") == []
    states = read_states(library_dir / "library.sqlite")
    assert states[pid][3].startswith(NOTE)  # what was saved, maybe a little more, never less
    assert set(states[pid][3][len(NOTE) :]) <= {"x"}
    assert {p: states[p] for p in EARLIER} == EARLIER
    _window_opens(library_dir)


def test_kill_while_the_window_imports(library_dir: Path, tmp_path: Path) -> None:
    listing = write_listing(tmp_path / "big.txt", 3000, seed=42)
    _kill_after(drive_window("import", str(library_dir), str(listing)), "importing", 0.0)

    db = library_dir / "library.sqlite"
    assert integrity_problems(db) == []
    states = read_states(db)
    assert {p: states[p] for p in EARLIER} == EARLIER
    assert 30 < len(states) < 3030  # killed part-way: some batches committed, not all
    _window_opens(library_dir)

    again = triage("import", str(listing), "--as-of", AS_OF.isoformat(), library=library_dir)
    assert again.returncode == 0, again.stderr
    clean = tmp_path / "clean"
    with open_library(clean) as library:
        import_path(library, tmp_path / "first.txt", as_of=AS_OF)
        import_path(library, listing, as_of=AS_OF)
    assert canonical_papers(db) == canonical_papers(clean / "library.sqlite")
    assert {p: read_states(db)[p] for p in EARLIER} == EARLIER
    assert index_differences(library_dir, tmp_path / "rebuilt", ["learning", "model"]) == []
