"""The JSON export is a backup: export, import into an empty library, export again."""

from __future__ import annotations

import io
import json
from pathlib import Path

from tests.test_support import seed_library
from triage_app.core.export.json_list import write_json
from triage_app.core.ingest.importer import import_path, import_source, open_bytes
from triage_app.core.records.paper_record import JSON_KEYS
from triage_app.core.store import open_library
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import DecisionPatch, mark


def _export(library: Library) -> list[dict]:
    out = io.StringIO()
    write_json(library.iter_papers(), out)
    return json.loads(out.getvalue())


def _decided(library: Library) -> None:
    mark(library, [1, 2], DecisionPatch(starred=True, add_tags=("Survey", "méthodes")))
    mark(library, [3], DecisionPatch(rating=4, note='quote " comma , newline\n{brace} \\ 100%'))
    mark(library, [4], DecisionPatch(status="dismissed"))


def test_round_trip_into_an_empty_library(tmp_path: Path) -> None:
    lib = seed_library(tmp_path / "a")
    _decided(lib)
    first = _export(lib)
    assert list(first[0])[: len(JSON_KEYS)] == list(JSON_KEYS)
    (tmp_path / "backup.json").write_text(json.dumps(first), encoding="utf-8")
    other = open_library(tmp_path / "b")
    report = import_path(other, tmp_path / "backup.json")
    assert (report.new, report.skipped, report.problems) == (64, 0, [])
    second = _export(other)
    strip = lambda papers: [{k: p[k] for k in JSON_KEYS} for p in papers]  # noqa: E731
    assert strip(second) == strip(first)


def test_newer_decision_wins_on_restore(tmp_path: Path) -> None:
    lib = seed_library(tmp_path / "a")
    mark(lib, [5], DecisionPatch(rating=2))
    old_backup = _export(lib)
    mark(lib, [5], DecisionPatch(rating=5))  # newer than the backup
    mark(lib, [6], DecisionPatch(starred=True))
    newer = _export(lib)
    # Restore the old backup into the current library: the newer rating must stay.
    data = json.dumps(old_backup).encode()
    import_source(lib, open_bytes("old.json", data))
    assert lib.get_paper(5).rating == 5
    assert lib.get_paper(6).starred
    # Restore the newer backup into a library that only has the old state.
    fresh = open_library(tmp_path / "c")
    import_source(fresh, open_bytes("old.json", data))
    assert fresh.get_paper(5).rating == 2
    import_source(fresh, open_bytes("new.json", json.dumps(newer).encode()))
    assert fresh.get_paper(5).rating == 5 and fresh.get_paper(6).starred


def test_bad_records_are_reported_with_their_line(library: Library) -> None:
    good = {"title": "A paper", "abstract": "Some abstract that is long enough to count."}
    text = json.dumps([good, {"title": "x", "rating": 9}, 3], indent=1)
    report = import_source(library, open_bytes("b.json", text.encode()))
    assert report.new == 1 and report.skipped == 2
    assert report.problems[0].startswith("b.json:") and "rating" in report.problems[0]
    assert "expected a JSON object" in report.problems[1]


def test_broken_json_is_refused(library: Library) -> None:
    report = import_source(library, open_bytes("x.json", b'[{"title": "a", '))
    assert report.refused and "invalid JSON" in report.refused
    report = import_source(library, open_bytes("y.json", b'{"not": "a list"}'))
    assert report.refused and "not a list" in report.refused
    assert library.count() == 0


def test_older_exports_without_optional_keys_still_import(library: Library) -> None:
    minimal = [
        {
            "id": 7,
            "title": "Old export",
            "authors": ["A B"],
            "abstract": "",
            "status": "kept",
            "starred": True,
            "rating": None,
            "tags": ["x"],
            "note": "",
        }
    ]
    report = import_source(library, open_bytes("old.json", json.dumps(minimal).encode()))
    assert report.new == 1
    paper = library.get_paper(7)
    assert (paper.title, paper.status, paper.starred, paper.tags) == (
        "Old export",
        "kept",
        True,
        ("x",),
    )
