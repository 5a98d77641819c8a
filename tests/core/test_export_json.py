"""JSON export: the backup keeps its keys, and export -> import -> export is stable."""

from __future__ import annotations

import json
from pathlib import Path

from tests.core.export_library import paper_object, restore
from triage_app.core.export.service import export_papers
from triage_app.core.ingest.importer import import_path
from triage_app.core.records.paper_record import JSON_KEYS
from triage_app.core.store import open_library


def test_round_trip_gives_the_same_papers_and_decisions(tmp_path: Path) -> None:
    with open_library(tmp_path / "a") as lib:
        restore(
            lib,
            tmp_path,
            [
                paper_object(
                    1,
                    status="kept",
                    starred=True,
                    rating=5,
                    tags=["b", "A"],
                    note='{"json": [1, 2]}\n\\n \u2028 😀',
                    title='=Formula, "Quotes"',
                ),
                paper_object(2, status="dismissed", authors=[], title=None),
                paper_object(3),
            ],
        )
        export_papers(lib, "json", tmp_path / "one.json")
    with open_library(tmp_path / "b") as lib:
        report = import_path(lib, tmp_path / "one.json")
        assert (report.new, report.problems) == (3, [])
        export_papers(lib, "json", tmp_path / "two.json")
    one = json.loads((tmp_path / "one.json").read_text())
    two = json.loads((tmp_path / "two.json").read_text())
    assert [list(p)[: len(JSON_KEYS)] for p in one] == [list(JSON_KEYS)] * 3
    # Papers and decisions (JSON_KEYS) must match; timestamps are the libraries' bookkeeping.
    assert [{k: p[k] for k in JSON_KEYS} for p in two] == [
        {k: p[k] for k in JSON_KEYS} for p in one
    ]
    assert (one[0]["note"], one[0]["tags"], one[1]["title"]) == (
        '{"json": [1, 2]}\n\\n \u2028 😀',
        ["A", "b"],
        None,
    )
