"""The library opened through sqlite3 alone (the command line's quick path): it opens only
a library ready as it is, and reads, decisions and searches on it equal the full store's."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from triage_app.cli.list_cmd import format_rows, format_table
from triage_app.core.search import SearchService
from triage_app.core.store import (
    LibraryError,
    LiteLibrary,
    daily_backup_if_due,
    open_library,
    open_lite,
)
from triage_app.core.triage import DecisionPatch, load_states, mark


@pytest.fixture
def ready(lib) -> Path:
    """The seeded library with today's daily backup, closed: what open_lite accepts."""
    daily_backup_if_due(lib)
    lib.close()
    return lib.folder


def test_opens_only_a_library_ready_as_it_is(tmp_path: Path, lib) -> None:
    assert open_lite(tmp_path / "nowhere") is None  # created by open_library
    (tmp_path / "garbage").mkdir()
    (tmp_path / "garbage" / "library.sqlite").write_text("not a database")
    assert open_lite(tmp_path / "garbage") is None  # open_library explains the damage
    assert open_lite(lib.folder) is None  # no daily backup yet today
    daily_backup_if_due(lib)
    lite = open_lite(lib.folder)
    assert isinstance(lite, LiteLibrary)
    lite.close()
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    assert open_lite(lib.folder, today=tomorrow) is None  # tomorrow's backup is due then
    with sqlite3.connect(lib.db_path) as raw:
        raw.execute("PRAGMA user_version = 2")  # an older schema: open_library upgrades it
    assert open_lite(lib.folder) is None


def test_an_empty_library_needs_no_daily_backup(tmp_path: Path) -> None:
    open_library(tmp_path / "empty").close()
    lite = open_lite(tmp_path / "empty")
    assert lite is not None
    assert lite.count() == 0 and lite.list_ids() == []
    lite.close()


def test_reads_equal_the_full_store(ready: Path) -> None:
    full = open_library(ready)
    with open_lite(ready) as lite:
        assert lite is not None
        for order, desc in (("id", False), ("date", True), ("author", False), ("rating", True)):
            for status in (None, "new"):
                ids = full.list_ids(status=status, order=order, descending=desc, limit=40)
                assert lite.list_ids(status=status, order=order, descending=desc, limit=40) == ids
                assert lite.get_papers(ids) == full.get_papers(ids)
                assert format_rows(
                    lite.table_rows(status=status, order=order, descending=desc, limit=40)
                ) == format_table(full.get_papers(ids, with_sources=False))
        some = [7, 3, 10**9, 5]
        assert format_rows(lite.table_rows_of(some)) == format_table(full.get_papers(some))
        assert lite.count() == full.count() and lite.count("new") == full.count("new")
        assert lite.get_paper(10**9) is None
    full.close()


def test_decisions_through_it_equal_the_full_store(ready: Path) -> None:
    patch = DecisionPatch(status="kept", starred=True, add_tags=("Lite", "cli"))
    with open_lite(ready) as lite:
        assert lite is not None
        change = mark(lite, [3, 5], patch)  # type: ignore[arg-type]  # the duck it is
    full = open_library(ready)
    with full.read() as conn:
        after = load_states(conn, [3, 5])
    assert tuple(after) == change.after
    assert after[0].tags == ("cli", "Lite") and after[0].starred
    with full.read() as conn:
        queued = [r[0] for r in conn.exec_driver_sql("SELECT paper_id FROM index_outbox")]
    assert sorted(queued) == [3, 5]  # queued for the index in the same transaction
    full.close()


def test_a_failed_write_leaves_nothing(ready: Path) -> None:
    with open_lite(ready) as lite:
        assert lite is not None
        before = lite.get_papers([3])
        with pytest.raises(KeyError), lite.write() as txn:
            txn.conn.exec_driver_sql("UPDATE paper SET note = 'x' WHERE id = 3")
            txn.touch([3])
            raise KeyError("a failure inside the transaction")
        assert lite.get_papers([3]) == before
        with lite.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM index_outbox").scalar() == 0


def test_a_busy_library_is_one_clear_error(ready: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import triage_app.core.store.lite as lite_module

    monkeypatch.setattr(lite_module, "BUSY_TIMEOUT_MS", 0)
    holder = sqlite3.connect(ready / "library.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with open_lite(ready) as lite:
            assert lite is not None
            lite._conn.execute("PRAGMA busy_timeout = 0")
            with pytest.raises(LibraryError, match="busy"), lite.write():
                pass
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_searches_through_it_equal_the_full_store(ready: Path) -> None:
    queries = ["sparse autoencoders", '"reward hacking"', "model -survey", "is:new year:>=2024"]
    full = open_library(ready)
    with SearchService(full) as service:
        expected = [service.search(q, limit=None).ids for q in queries]
    full.close()
    with open_lite(ready) as lite, SearchService(lite) as service:  # type: ignore[arg-type]
        assert [service.search(q, limit=None).ids for q in queries] == expected
    assert any(expected)


def test_the_quick_path_loads_no_sqlalchemy(ready: Path) -> None:
    code = (
        "import sys\n"
        "from triage_app.core.store import open_lite\n"
        "from triage_app.core.triage import DecisionPatch, mark\n"
        f"lite = open_lite({str(ready)!r})\n"
        "mark(lite, [2], DecisionPatch(starred=True))\n"
        "lite.list_ids(status='new'); lite.get_papers([1, 2])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
