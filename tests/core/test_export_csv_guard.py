"""The CSV formula guard covers every cell whatever its origin: a store written before
restores were validated may hold text in a number column, and a spreadsheet must not
evaluate it (such a value is exported as missing, as every reader of the store treats it)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.core.export_library import paper_object, restore
from triage_app.core.export.csv_table import write_csv
from triage_app.core.export.service import export_papers
from triage_app.core.store.library import Library

FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def poisoned(library: Library, tmp_path: Path) -> Library:
    restore(library, tmp_path, [paper_object(1), paper_object(2)])
    with library.write() as txn:  # what an unvalidated restore could leave behind
        txn.conn.exec_driver_sql(
            "UPDATE paper SET score = ?, published = ? WHERE id = 1",
            (FORMULA, "+cmd|' /C calc'!A0"),
        )
    return library


def _cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_streamed_csv_export_guards_number_and_date_cells(
    poisoned: Library, tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    export_papers(poisoned, "csv", out)
    first, second = _cells(out.read_text(encoding="utf-8"))
    assert (first["score"], first["published"]) == ("", "")
    assert second["score"] == "" and second["published"] == "2025-03-14"
    assert not any(cell.startswith(("=", "+")) for row in (first, second) for cell in row.values())


def test_the_record_csv_writer_guards_them_too(poisoned: Library) -> None:
    with poisoned.write() as txn:  # a record cannot be built from that date: keep the score
        txn.conn.exec_driver_sql("UPDATE paper SET published = '2025-03-14' WHERE id = 1")
    buffer = io.StringIO()
    write_csv(poisoned.get_papers([1, 2]), buffer)
    first, second = _cells(buffer.getvalue())
    assert first["score"] == "" and FORMULA not in buffer.getvalue()
    assert second["score"] == ""
