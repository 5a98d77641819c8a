"""The real listings (tests/data) with a few decisions, exported to every format and checked."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import bibtexparser
import pytest
import rispy

from tests.conftest import SEED_AS_OF
from tests.core.test_export_bibtex import compile_bib
from tests.data import LISTINGS
from triage_app.core.export.cited_title import devised_title
from triage_app.core.export.service import export_papers
from triage_app.core.ingest.importer import import_path
from triage_app.core.records.paper_record import JSON_KEYS
from triage_app.core.store import open_library
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import DecisionPatch, mark


@pytest.fixture
def decided(library: Library) -> Library:
    for name in (
        "002_e1e6b264440ae296.txt",
        "003_fa884e0c8d87af1f.txt",
        "004_b89f686bb3a49483.txt",
    ):
        assert import_path(library, LISTINGS / name, as_of=SEED_AS_OF).usable
    ids = library.all_ids()
    assert len(ids) == 64
    mark(library, ids[:3], DecisionPatch(status="kept", add_tags=("survey", "to read, soon")))
    mark(library, ids[3:5], DecisionPatch(status="dismissed"))
    mark(library, ids[10:12], DecisionPatch(toggle_star=True))
    mark(library, ids[20:24], DecisionPatch(rating=4))
    mark(library, ids[30:32], DecisionPatch(note='=SUM(A1)\n"quoted", {braced} 100% & more'))
    return library


def test_every_format_opens_in_its_tools(decided: Library, tmp_path: Path) -> None:
    for fmt, suffix in (("csv", "csv"), ("bibtex", "bib"), ("ris", "ris"), ("json", "json")):
        assert export_papers(decided, fmt, tmp_path / f"out.{suffix}") == 64
    truth = [p.to_json() for p in decided.iter_papers()]

    with (tmp_path / "out.csv").open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["id"]) for r in rows] == [p["id"] for p in truth]
    # Starring or rating a new paper keeps it: 3 kept + 2 starred + 4 rated.
    assert [r["status"] for r in rows].count("kept") == 9
    assert sum(r["starred"] == "true" for r in rows) == 2
    assert rows[30]["note"] == '\'=SUM(A1)\n"quoted", {braced} 100% & more'

    entries = bibtexparser.parse_string((tmp_path / "out.bib").read_text()).entries
    assert len(entries) == 64 and len({e.key for e in entries}) == 64
    assert sum("relevance" in e.fields_dict for e in entries) == 2
    assert (
        sum(
            e.fields_dict["ranking"].value == "rank4" for e in entries if "ranking" in e.fields_dict
        )
        == 4
    )

    records = rispy.loads((tmp_path / "out.ris").read_text())
    assert [int(r["id"]) for r in records] == [p["id"] for p in truth]
    assert [r["title"] for r in records] == [
        " ".join(p["title"].split()) if p["title"] else devised_title(p["abstract"]) for p in truth
    ]

    for fmt, suffix in (("csv", "csv"), ("json", "json")):
        with open_library(tmp_path / f"re-{fmt}") as again:
            report = import_path(again, tmp_path / f"out.{suffix}")
            assert (report.new, report.problems) == (64, [])
            back = [p.to_json() for p in again.iter_papers()]
        assert [{k: p[k] for k in JSON_KEYS if k != "sources"} for p in back] == [
            {k: p[k] for k in JSON_KEYS if k != "sources"} for p in truth
        ]
        assert [
            [(s["file"], s["line"], s["content_hash"]) for s in p["sources"]] for p in back
        ] == [[(s["file"], s["line"], s["content_hash"]) for s in p["sources"]] for p in truth]
    assert json.loads((tmp_path / "out.json").read_text())[30]["note"].startswith("=SUM")


@pytest.mark.skipif(
    not (shutil.which("pdflatex") and shutil.which("bibtex")),
    reason="TeX is not installed (pdflatex + bibtex); .ci/run installs it",
)
def test_listings_bib_compiles_without_warnings(decided: Library, tmp_path: Path) -> None:
    export_papers(decided, "bibtex", tmp_path / "refs.bib")
    blg, log = compile_bib(tmp_path, (tmp_path / "refs.bib").read_text())
    assert "Warning" not in blg and "error message" not in blg, blg
    assert "! " not in log and "undefined" not in log
    assert (tmp_path / "doc.bbl").read_text().count("\\bibitem") == 64
