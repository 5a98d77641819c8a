"""The store: creating libraries, refusing damaged files, reads in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage_app.core.models import SCHEMA_VERSION
from triage_app.core.schema_migrations import schema_version
from triage_app.core.store import Library, LibraryError


def test_new_folder_becomes_an_empty_library(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    with Library.open(folder) as lib:
        assert (folder / "library.sqlite").is_file()
        assert lib.count() == 0
        assert schema_version(lib) == SCHEMA_VERSION
        with lib.read() as conn:
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
        Library.open(folder)
    assert db.read_bytes() == before


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    import sqlite3

    folder = tmp_path / "lib"
    folder.mkdir()
    con = sqlite3.connect(folder / "library.sqlite")
    con.execute("CREATE TABLE other(x)")
    con.commit()
    con.close()
    with pytest.raises(LibraryError, match="not a triage-app library"):
        Library.open(folder)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    import sqlite3

    folder = tmp_path / "lib"
    Library.open(folder).close()
    con = sqlite3.connect(folder / "library.sqlite")
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(LibraryError, match="newer triage-app"):
        Library.open(folder)


def test_meta_round_trip(library: Library) -> None:
    assert library.get_meta("x") is None
    library.set_meta("x", "1")
    library.set_meta("x", "2")
    assert library.get_meta("x") == "2"
