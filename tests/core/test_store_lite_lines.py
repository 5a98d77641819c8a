"""`list` of every paper reads its lines half-built by SQLite (`LiteLibrary.table_lines`):
the table equals the one Python builds from `table_rows`, whatever a store holds."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from triage_app.cli.list_cmd import format_lines, format_rows
from triage_app.core.store import LiteLibrary, daily_backup_if_due, open_lite


@pytest.fixture
def ready(lib) -> Path:
    daily_backup_if_due(lib)
    lib.close()
    return lib.folder


def _both(lite: LiteLibrary, width: int, **order) -> tuple[str, str]:
    lines = format_lines(lite.table_lines(**order), width, raw=lite.table_row)
    return lines, format_rows(lite.table_rows(**order), width)


def test_lines_equal_the_python_table(ready: Path) -> None:
    with sqlite3.connect(ready / "library.sqlite") as raw:  # what a hostile store can hold
        raw.execute("UPDATE paper SET category = 'C\x1b[31mL', rating = 7 WHERE id = 2")
        raw.execute("UPDATE paper SET published = '2025-02-30\x07x', rating = -1 WHERE id = 3")
        raw.execute("UPDATE paper SET title = '', status = 'kept', starred = 1 WHERE id = 4")
        raw.execute(
            "UPDATE paper SET authors = ?, et_al = 1, category = 'math.OC' WHERE id = 5",
            (json.dumps(["Maria\tdel Carmen García-Núñez de la Vega y Ruiz"]),),
        )
        raw.execute("UPDATE paper SET id = 1234567 WHERE id = 6")
        raw.execute("UPDATE paper SET rating = 5, status = 'dismissed' WHERE id = 7")
    lite = open_lite(ready)
    assert lite is not None
    with lite:
        for width in (60, 80, 120, 240):
            for order, desc in (("id", False), ("date", True), ("title", False)):
                for status in (None, "new", "kept"):
                    fast, python = _both(lite, width, status=status, order=order, descending=desc)
                    assert fast == python
        fast, _ = _both(lite, 120)
        assert "C\\x1b[31mL" in fast and "\x1b" not in fast  # the escape shown, not obeyed
        assert "1234567  " in fast and "*******" in fast


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=90)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    category=st.one_of(st.none(), _TEXT),
    published=st.one_of(st.none(), st.just("2024-06-01"), _TEXT),
    rating=st.one_of(st.none(), st.integers(-3, 9)),
    authors=st.lists(_TEXT, max_size=3),
    et_al=st.booleans(),
    title=_TEXT,
    width=st.integers(0, 200),
    ascii_json=st.booleans(),
    compact=st.booleans(),
)
@example(  # SQLite's printf stops at a NUL
    category="\x00",
    published=None,
    rating=None,
    authors=[],
    et_al=False,
    title="",
    width=0,
    ascii_json=True,
    compact=False,
)
@example(  # the first author cut out of the JSON text: quotes, separators, escapes inside
    category="cs.CL",
    published="2024-06-01\x00x",
    rating=2,
    authors=['Ann "The" O\'Neil, Jr', '", "', "back\\slash"],
    et_al=False,
    title="t",
    width=80,
    ascii_json=False,
    compact=True,
)
def test_any_row_is_the_python_row(
    ready: Path,
    category,
    published,
    rating,
    authors,
    et_al,
    title,
    width,
    ascii_json: bool,
    compact: bool,
) -> None:
    separators = (",", ":") if compact else (", ", ": ")
    stored = json.dumps(authors, ensure_ascii=ascii_json, separators=separators)
    with sqlite3.connect(ready / "library.sqlite") as raw:
        raw.execute(
            "UPDATE paper SET category = ?, published = ?, rating = ?, authors = ?, et_al = ?, "
            "title = ? WHERE id = 1",
            (category, published, rating, stored, et_al, title),
        )
    lite = open_lite(ready)
    assert lite is not None
    with lite:
        fast, python = _both(lite, width, limit=2)
    assert fast == python
