"""Backups: online copies, rolling daily ones, and a restore that checks before it replaces."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.cli.run import triage
from tests.test_support import seed_library
from triage_app.core.store import file_backups as backups
from triage_app.core.store import open_library
from triage_app.core.store import tables as models
from triage_app.core.store.library import Library, LibraryBusyError, LibraryError
from triage_app.core.triage.decisions import DecisionPatch, mark


def _decide(library: Library) -> None:
    mark(library, [1, 2], DecisionPatch(starred=True, add_tags=("Survey", "méthodes")))
    mark(library, [3], DecisionPatch(rating=4, note='quote " comma , newline\n<b>x</b>'))
    mark(library, [4], DecisionPatch(status="dismissed"))


def _snapshot(library: Library) -> tuple:
    return (list(library.iter_papers()), library.tag_counts(), library.get_meta("k"))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template") / "lib"
    with seed_library(folder) as library:
        _decide(library)
        library.set_meta("k", "v")
    return folder


@pytest.fixture
def seeded(template: Path, tmp_path: Path):
    folder = tmp_path / "lib"
    shutil.copytree(template, folder)
    library = open_library(folder)
    yield library
    library.close()


def test_backup_holds_decisions_still_in_the_wal(seeded: Library, tmp_path: Path) -> None:
    # A connection held open (as another process's would be) keeps the last closer from
    # folding the WAL into the file: the next decision then lives only in the WAL.
    keeper = sqlite3.connect(seeded.db_path)
    keeper.execute("SELECT count(*) FROM paper").fetchone()
    mark(seeded, [4], DecisionPatch(rating=2))
    assert Path(f"{seeded.db_path}-wal").stat().st_size > 0
    copy = backups.backup_to(seeded, tmp_path / "out" / "copy.sqlite")
    keeper.close()
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.sqlite"]  # one file
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    rows = conn.execute(
        "SELECT id, starred, rating, status FROM paper WHERE id <= 4 ORDER BY id"
    ).fetchall()
    conn.close()
    assert rows == [
        (1, 1, None, "kept"),
        (2, 1, None, "kept"),
        (3, 0, 4, "kept"),
        (4, 0, 2, "dismissed"),
    ]


def test_restore_brings_back_every_paper_and_keeps_what_it_replaced(
    seeded: Library, tmp_path: Path
) -> None:
    before = _snapshot(seeded)
    copy = backups.backup_to(seeded, tmp_path / "b.sqlite")
    mark(seeded, [5, 6], DecisionPatch(starred=True, add_tags=("later",)))
    mark(seeded, [1], DecisionPatch(remove_tags=("Survey",), note="changed"))
    seeded.set_meta("k", "w")
    after = _snapshot(seeded)
    folder = seeded.folder
    seeded.close()

    result = backups.restore_from(folder, copy)

    assert (result.papers, result.schema_version) == (64, models.SCHEMA_VERSION)
    with open_library(folder) as restored:
        assert _snapshot(restored) == before
    assert result.previous is not None and result.previous.parent == folder / "backups"
    prev_folder = tmp_path / "prev"
    backups.restore_from(prev_folder, result.previous)
    with open_library(prev_folder) as previous:
        assert _snapshot(previous) == after
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".restore")]
    assert leftovers == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"hello, this is not a database at all" * 10, "not an SQLite database"),
        (None, "not a triage-app library"),  # SQLite, but someone else's
        ("newer", "newer triage-app"),
        ("damaged", "database disk image is malformed"),
    ],
)
def test_restore_refuses_a_bad_file_and_changes_nothing(
    seeded: Library, tmp_path: Path, content: bytes | str | None, reason: str
) -> None:
    bad = tmp_path / "bad.sqlite"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    elif content is None:
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE t(x)")
        conn.commit()
        conn.close()
    else:
        backups.backup_to(seeded, bad)
        conn = sqlite3.connect(bad)
        if content == "newer":
            conn.execute("PRAGMA user_version = 99")
            conn.close()
        else:
            root = conn.execute(
                "SELECT rootpage FROM sqlite_master WHERE name = 'paper'"
            ).fetchone()
            conn.close()
            data = bytearray(bad.read_bytes())
            start = (root[0] - 1) * 4096
            data[start : start + 4096] = b"\x0d" + b"\xff" * 4095
            bad.write_bytes(bytes(data))
    before = _snapshot(seeded)
    db_bytes = seeded.db_path.read_bytes()
    folder = seeded.folder
    seeded.close()
    with pytest.raises(LibraryError) as err:
        backups.restore_from(folder, bad)
    assert reason in str(err.value) and "Nothing was changed" in str(err.value)
    assert seeded.db_path.read_bytes() == db_bytes
    assert not [p for p in folder.iterdir() if p.name.startswith(".restore")]
    assert not list((folder / "backups").glob("*before-restore*"))
    with open_library(folder) as again:
        assert _snapshot(again) == before


def test_restore_refuses_while_the_library_is_open(seeded: Library, tmp_path: Path) -> None:
    copy = backups.backup_to(seeded, tmp_path / "b.sqlite")
    mark(seeded, [7], DecisionPatch(rating=1))
    with pytest.raises(LibraryBusyError) as err:
        backups.restore_from(seeded.folder, copy)
    assert "open in another triage-app process" in str(err.value)
    assert seeded.get_paper(7).rating == 1  # still the same, still usable
    assert not list(seeded.backup_dir.glob("*before-restore*"))


def test_restore_over_a_damaged_store_keeps_its_bytes(seeded: Library, tmp_path: Path) -> None:
    copy = backups.backup_to(seeded, tmp_path / "b.sqlite")
    folder = seeded.folder
    seeded.close()
    garbage = b"\x00garbage, not SQLite\xff" * 500
    (folder / "library.sqlite").write_bytes(garbage)
    with pytest.raises(LibraryError) as err:
        open_library(folder)
    assert "not an SQLite database" in str(err.value) and "triage-app restore" in str(err.value)
    assert (folder / "library.sqlite").read_bytes() == garbage  # never overwritten

    result = backups.restore_from(folder, copy)

    assert result.previous is not None and result.previous.name.endswith("-damaged.sqlite")
    assert result.previous.read_bytes() == garbage
    with open_library(folder) as restored:
        assert restored.count() == 64 and restored.get_paper(3).rating == 4


def test_daily_backup_once_a_day_keeping_the_newest_n(seeded: Library) -> None:
    backups.set_keep_count(seeded, 3)
    day = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    made = []
    for n in range(5):
        now = day + timedelta(days=n)
        made.append(backups.daily_backup_if_due(seeded, now=now))
        assert backups.daily_backup_if_due(seeded, now=now + timedelta(minutes=5)) is None
    manual = backups.backup_library(seeded)
    kept = backups.list_backups(seeded.backup_dir)
    assert [b.path for b in kept if b.reason == "daily"] == made[:1:-1]
    assert [b.path for b in kept if b.reason == "manual"] == [manual]
    for old in made[:2]:
        assert not old.exists()


def test_no_daily_backup_of_an_empty_library(library: Library) -> None:
    assert backups.daily_backup_if_due(library) is None
    assert not library.backup_dir.exists()


def test_a_damaged_library_fails_the_daily_check(seeded: Library) -> None:
    seeded.close()
    conn = sqlite3.connect(seeded.db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'source'").fetchone()[0]
    conn.close()
    data = bytearray(seeded.db_path.read_bytes())
    data[(root - 1) * 4096 : root * 4096] = b"\x0d" + b"\xff" * 4095
    seeded.db_path.write_bytes(bytes(data))
    with open_library(seeded.folder) as damaged:
        with pytest.raises(LibraryError) as err:
            backups.daily_backup_if_due(damaged)
        assert "failed its daily check" in str(err.value)
        assert "triage-app restore" in str(err.value)
        kinds = [b.reason for b in backups.list_backups(damaged.backup_dir)]
        assert kinds == ["daily-damaged"]


def test_an_empty_store_beside_backups_is_refused(seeded: Library) -> None:
    backups.backup_library(seeded)
    folder = seeded.folder
    seeded.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{folder / 'library.sqlite'}{suffix}").unlink(missing_ok=True)
    with pytest.raises(LibraryError) as err:
        open_library(folder)
    assert "is missing" in str(err.value) and "triage-app restore" in str(err.value)
    (folder / "library.sqlite").write_bytes(b"")
    with pytest.raises(LibraryError) as err:
        open_library(folder)
    assert "is empty" in str(err.value)
    assert (folder / "library.sqlite").read_bytes() == b""


def test_cli_backup_list_keep_and_restore(seeded: Library, tmp_path: Path) -> None:
    folder = seeded.folder
    seeded.close()
    out = tmp_path / "cli.sqlite"
    made = triage("backup", "-o", str(out), library=folder)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == f"backed up 64 papers to {out}"
    kept = triage("backup", "--keep", "2", library=folder)
    assert kept.returncode == 0 and "newest 2" in kept.stdout
    assert triage("backup", library=folder).returncode == 0
    listed = triage("backup", "--list", library=folder)
    assert listed.returncode == 0 and "manual" in listed.stdout
    assert triage("mark", "9", "--star", library=folder).returncode == 0

    restored = triage("restore", str(out), library=folder)

    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith(f"restored 64 papers from {out}")
    with open_library(folder) as lib:
        assert lib.get_paper(9).starred is False and lib.get_meta("backup.keep") is None
    refused = triage("restore", str(tmp_path / "missing.sqlite"), library=folder)
    assert refused.returncode == 2 and "no backup file at" in refused.stderr
    assert "Traceback" not in refused.stderr
