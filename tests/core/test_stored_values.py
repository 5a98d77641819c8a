"""Non-finite scores never enter a library (JSON or CSV restore), every JSON export is strict
JSON, and a store written before validation (a text score, an infinite score, a week date)
breaks nothing: papers load, search, facets, sorting and exports treat such a value as
missing, and the exports restore."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.core.export_library import paper_object
from triage_app.core.export import export_papers
from triage_app.core.ingest import import_path
from triage_app.core.search.service import SearchService
from triage_app.core.store import open_library
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import DecisionPatch, mark


def _strict_json(text: str) -> object:
    def refuse(name: str) -> object:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("score", ["1e999", "inf", "-inf", "Infinity", "nan", "1e400", "NaN"])
def test_a_csv_restore_refuses_a_non_finite_score(library: Library, tmp_path: Path, score: str):
    objects = [paper_object(n) for n in range(1, 4)]
    with open_library(tmp_path / "src") as source:
        (tmp_path / "in.json").write_text(json.dumps(objects), encoding="utf-8")
        import_path(source, tmp_path / "in.json")
        export_papers(source, "csv", tmp_path / "out.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    rows[2][rows[0].index("score")] = score
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    (tmp_path / "bad.csv").write_text(buffer.getvalue(), encoding="utf-8")
    report = import_path(library, tmp_path / "bad.csv")
    assert (report.new, report.skipped) == (2, 1), report.summary()
    assert "score" in report.problems[0]


@pytest.mark.parametrize(
    "score", ["1e400", "-1e400", "Infinity", "-Infinity", "NaN", "-" + "9" * 30, str(2**63)]
)
def test_a_json_restore_refuses_a_non_finite_score(library: Library, tmp_path: Path, score: str):
    text = json.dumps([paper_object(1), paper_object(2)])
    text = text.replace('"score": null', f'"score": {score}', 1)
    (tmp_path / "bad.json").write_text(text, encoding="utf-8")
    report = import_path(library, tmp_path / "bad.json")
    assert (report.new, report.skipped) == (1, 1), report.summary()


MALFORMED = [
    ("score", "abc"),
    ("score", '=HYPERLINK("http://x")'),
    ("score", float("inf")),
    ("score", float("-inf")),
    ("published", "2025-W01-1"),
    ("published", "2025-02-30"),
    ("published", "0000-01-01"),
    ("published", "yesterday"),
    ("published", 20250314),
]


@pytest.mark.parametrize(("column", "value"), MALFORMED, ids=[f"{c}={v!r}" for c, v in MALFORMED])
def test_a_malformed_stored_value_reads_as_missing_everywhere(
    lib: Library, tmp_path: Path, column: str, value: object
) -> None:
    ids = lib.all_ids()
    victim = ids[3]
    mark(lib, [victim], DecisionPatch(note="still here", rating=4))
    with lib.write() as txn:  # as an older version or a hand edit left it
        txn.conn.exec_driver_sql(f"UPDATE paper SET {column} = ? WHERE id = ?", (value, victim))
    paper = lib.get_paper(victim)
    assert paper is not None and getattr(paper, column) is None
    assert paper.note == "still here"
    assert len(lib.get_papers(ids)) == len(ids)
    with SearchService(lib) as service:
        for query in ("year:>=2000", "score:>=0", "date:2025-02", "rating:4 is:kept", ""):
            service.search_ids(query)
        for sort in ("date", "score", "rating"):
            assert victim in service.search_ids("", sort=sort)
        assert victim in service.search_ids("rating:4")
        assert victim not in service.search_ids("score:>=0") or column != "score"
    for fmt in ("json", "csv"):
        out = tmp_path / f"out.{fmt}"
        export_papers(lib, fmt, out)
        if fmt == "json":
            papers = _strict_json(out.read_text(encoding="utf-8"))
            assert isinstance(papers, list)
            exported = next(p for p in papers if p["id"] == victim)
            assert exported[column] is None
        with open_library(tmp_path / f"back-{fmt}") as back:
            report = import_path(back, out)
            assert (report.skipped, report.problems) == (0, []), report.summary()
            assert back.count() == len(ids)
            assert back.get_paper(victim).note == "still here"  # type: ignore[union-attr]


def test_the_json_export_of_any_paper_is_strict_json(lib: Library, tmp_path: Path) -> None:
    mark(lib, lib.all_ids()[:3], DecisionPatch(note='\x01\u2028\ud7ff"', add_tags=("ß",)))
    for ids in (None, lib.all_ids()[:5]):
        out = tmp_path / "out.json"
        export_papers(lib, "json", out, ids=ids)
        _strict_json(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "raw",
    ["9" * 5000, "[" * 50_000 + "]" * 50_000, '{"a":' * 20_000 + "1" + "}" * 20_000, "true"],
    ids=["5000 digits", "deep list", "deep object", "sources true"],
)
def test_an_undecodable_record_is_skipped_and_the_rest_restored(
    library: Library, tmp_path: Path, raw: str
) -> None:
    good = [json.dumps(paper_object(n)) for n in range(1, 4)]
    key = "sources" if raw == "true" else "score"
    bad = json.dumps(paper_object(9)).replace(f'"{key}": ', f'"{key}": {raw}, "was": ', 1)
    (tmp_path / "r.json").write_text("[" + ",\n".join([good[0], bad, *good[1:]]) + "]\n")
    report = import_path(library, tmp_path / "r.json")
    assert (report.refused, report.new, report.skipped) == (None, 3, 1), report.summary()
    assert report.problems[0].startswith(f"{tmp_path / 'r.json'}:2:")


@pytest.mark.parametrize("pid", [48_902_507_845, 2**63 - 1])
def test_an_id_far_past_the_library_is_renumbered_and_search_works(
    library: Library, tmp_path: Path, pid: int
) -> None:
    objects = [paper_object(1, id=1), paper_object(2, id=pid, note="far away")]
    (tmp_path / "r.json").write_text(json.dumps(objects), encoding="utf-8")
    report = import_path(library, tmp_path / "r.json")
    assert (report.new, report.skipped) == (2, 0), report.summary()
    assert library.all_ids() == [1, 2]
    assert library.get_paper(2).note == "far away"  # type: ignore[union-attr]
    with SearchService(library) as service:
        assert service.search_ids("year:2025 has:note") == [2]
