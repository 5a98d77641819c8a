"""The store: creating libraries, refusing damaged files, reads in order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from triage_app.core.store import open_library
from triage_app.core.store.library import Library, LibraryError
from triage_app.core.store.migrations import schema_version
from triage_app.core.store.tables import SCHEMA_VERSION


def test_new_folder_becomes_an_empty_library(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    with open_library(folder) as lib:
        assert (folder / "library.sqlite").is_file()
        assert lib.count() == 0
        with lib.read() as conn:
            assert schema_version(conn) == SCHEMA_VERSION
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_not_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    db = folder / "library.sqlite"
    db.write_bytes(b"this is not a database at all, just some text\n" * 10)
    before = db.read_bytes()
    with pytest.raises(LibraryError, match=r"not an SQLite database.*restore"):
        open_library(folder)
    assert db.read_bytes() == before


def _sqlite_file(tmp_path: Path, *statements: str) -> Path:
    """A library folder whose store is an SQLite file made by `statements`."""
    import sqlite3

    folder = tmp_path / "lib"
    folder.mkdir()
    con = sqlite3.connect(folder / "library.sqlite")
    for sql in statements:
        con.execute(sql)
    con.commit()
    con.close()
    return folder


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    folder = _sqlite_file(tmp_path, "CREATE TABLE other(x)")
    with pytest.raises(LibraryError, match="not a triage-app library"):
        open_library(folder)


def test_a_first_start_killed_before_its_schema_commit_starts_afresh(tmp_path: Path) -> None:
    # What a kill between SQLite creating the file (WAL set on connect) and the schema's one
    # transaction leaves: a valid database with no tables. Nothing was ever stored in it.
    from tests.perf.corpus import write_listing
    from triage_app.core.ingest.importer import import_path
    from triage_app.core.triage.decisions import DecisionPatch, mark

    folder = _sqlite_file(tmp_path, "PRAGMA journal_mode = WAL")
    with open_library(folder) as library:
        assert import_path(library, write_listing(tmp_path / "a.txt", 5, seed=2)).new == 5
        mark(library, [2], DecisionPatch(rating=4))
        assert [(p.id, p.rating) for p in library.get_papers([1, 2])] == [(1, None), (2, 4)]


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    import sqlite3

    folder = tmp_path / "lib"
    open_library(folder).close()
    con = sqlite3.connect(folder / "library.sqlite")
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(LibraryError, match="newer triage-app"):
        open_library(folder)


def test_meta_round_trip(library: Library) -> None:
    assert library.get_meta("x") is None
    library.set_meta("x", "1")
    library.set_meta("x", "2")
    assert library.get_meta("x") == "2"


def _write_in_another_process(folder: Path, kib: int) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from triage_app.core.store import open_library\n"
        "lib = open_library(Path(sys.argv[1]))\n"
        "for i in range(int(sys.argv[2]) // 64):\n"
        "    lib.set_meta(f'blob{i}', 'x' * 65536)\n"
        "lib.close()\n"
    )
    subprocess.run([sys.executable, "-c", code, str(folder), str(kib)], check=True, timeout=120)


def test_reads_never_checkpoint_another_process_writes(library: Library) -> None:
    """An import child's writes wait in the write-ahead log; a read on the window's UI
    thread must not be the one to copy them into the database (70-100 ms stalls)."""
    assert library.count() == 0  # the window has the library open and has read it
    _write_in_another_process(library.folder, 1024)
    wal = library.db_path.with_name(library.db_path.name + "-wal")
    size = wal.stat().st_size
    assert size > 1024 * 1024  # the writer could not checkpoint: the window holds the file
    for _ in range(20):
        assert library.get_meta("blob3") == "x" * 65536
        library.count()
    assert wal.stat().st_size == size
    library.close()
    assert not wal.exists() or wal.stat().st_size == 0  # the last one out checkpoints
    reopened = open_library(library.folder)
    try:
        assert reopened.get_meta("blob15") == "x" * 65536
    finally:
        reopened.close()
