"""Two processes writing one library: both succeed and every decision lands, or the second
gets a clear message and exit status 2 within the busy timeout (never a wait without end)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.run import REPO, triage
from tests.perf.corpus import write_listing
from triage_app.core.store import open_library
from triage_app.core.store.library import BUSY_TIMEOUT_MS

AS_OF = ["--as-of", "2026-11-24"]


def _cli(library: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "triage_app", "--library", str(library), *args]


def _papers(library: Path) -> int:
    db = library / "library.sqlite"
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=10)
    try:
        return conn.execute("SELECT count(*) FROM paper").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0
    finally:
        conn.close()


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    first = write_listing(tmp_path / "first.txt", 30, seed=21)
    assert triage("import", str(first), *AS_OF, library=folder).returncode == 0
    return folder


MARKS = [
    ("1", "--star"),
    ("2", "--rating", "4"),
    ("3", "--tag", "both"),
    ("4", "--dismiss"),
    ("5", "--note", "written while importing"),
]
EXPECTED = [
    (1, "kept", 1, None, "", ""),
    (2, "kept", 0, 4, "", ""),
    (3, "new", 0, None, "", "both"),
    (4, "dismissed", 0, None, "", ""),
    (5, "new", 0, None, "written while importing", ""),
]


def _decisions(folder: Path) -> list[tuple]:
    conn = sqlite3.connect(folder / "library.sqlite")
    try:
        return conn.execute(
            "SELECT p.id, status, starred, rating, note, coalesce(group_concat(t.name), '') "
            "FROM paper p LEFT JOIN paper_tag pt ON pt.paper_id = p.id "
            "LEFT JOIN tag t ON t.id = pt.tag_id WHERE p.id <= 5 GROUP BY p.id ORDER BY p.id"
        ).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("first", ["import", "marks"])
def test_an_import_and_marks_at_once_both_land(seeded: Path, tmp_path: Path, first: str) -> None:
    listing = write_listing(tmp_path / "big.txt", 600, seed=22)
    marks_cmds = [_cli(seeded, "mark", *m) for m in MARKS]
    # The marks run one after another in a second process (a shell loop, as a script would).
    loop = (
        f"import subprocess, sys\nfor cmd in {marks_cmds!r}:\n"
        "    r = subprocess.run(cmd)\n    if r.returncode: sys.exit(r.returncode)\n"
    )
    if first == "import":
        importer = subprocess.Popen(
            _cli(seeded, "import", str(listing), *AS_OF),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while _papers(seeded) <= 30 and importer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # the import has committed its first batch: it is writing now
        marker = subprocess.Popen(
            [sys.executable, "-c", loop],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    else:
        marker = subprocess.Popen(
            [sys.executable, "-c", loop],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(0.5)
        importer = subprocess.Popen(
            _cli(seeded, "import", str(listing), *AS_OF),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    _, marked_err = marker.communicate(timeout=300)
    imported_out, imported_err = importer.communicate(timeout=300)

    assert marker.returncode == 0, marked_err
    assert importer.returncode == 0, imported_err
    assert "600 new" in imported_out
    assert _decisions(seeded) == EXPECTED
    assert _papers(seeded) == 630


HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE meta SET value = value")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


@pytest.mark.parametrize("command", [("mark", "6", "--star"), ("import", "more.txt", *AS_OF)])
def test_a_writer_that_holds_the_lock_too_long_gives_exit_2(
    seeded: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    more = write_listing(tmp_path / "more.txt", 50, seed=23)
    args = [str(more) if a == "more.txt" else a for a in command]
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(seeded / "library.sqlite"), "30"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    refused = subprocess.run(
        _cli(seeded, *args), cwd=REPO, capture_output=True, text=True, timeout=60
    )
    waited = time.monotonic() - started
    holder.kill()
    holder.communicate()

    assert refused.returncode == 2, refused.stderr
    assert "is busy" in refused.stderr and "Try again" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert BUSY_TIMEOUT_MS / 1000 <= waited < BUSY_TIMEOUT_MS / 1000 + 20
    assert _papers(seeded) == 30  # nothing half-written
    again = subprocess.run(
        _cli(seeded, *args), cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0, again.stderr
    assert _papers(seeded) == (80 if command[0] == "import" else 30)


OPEN_AND_WAIT = """
import sys, time
from triage_app.core.store import open_library
library = open_library(sys.argv[1])
print("open", flush=True)
time.sleep(60)
"""


def test_restore_refuses_while_another_process_has_the_library_open(
    seeded: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "b.sqlite"
    assert triage("backup", "-o", str(backup), library=seeded).returncode == 0
    other = subprocess.Popen(
        [sys.executable, "-c", OPEN_AND_WAIT, str(seeded)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "open"
        refused = triage("restore", str(backup), library=seeded)
    finally:
        other.kill()
        other.communicate()
    assert refused.returncode == 2 and "open in another triage-app process" in refused.stderr
    assert "Traceback" not in refused.stderr
    done = triage("restore", str(backup), library=seeded)  # the other one is gone (killed)
    assert done.returncode == 0, done.stderr


HOLD_EXCLUSIVE = """
import sys, time
from pathlib import Path
from triage_app.core.store import lock as library_lock
lock = library_lock.acquire(Path(sys.argv[1]), exclusive=True)
print("restoring", flush=True)
time.sleep(60)
"""


def test_a_command_during_a_restore_gets_exit_2(seeded: Path) -> None:
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_EXCLUSIVE, str(seeded)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "restoring"
        started = time.monotonic()
        refused = triage("mark", "1", "--star", library=seeded)
        waited = time.monotonic() - started
    finally:
        other.kill()
        other.communicate()
    assert refused.returncode == 2 and "being restored" in refused.stderr
    assert waited < BUSY_TIMEOUT_MS / 1000 + 20
    with open_library(seeded) as library:
        assert library.get_paper(1).starred is False
