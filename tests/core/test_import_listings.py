"""Importing the real listings (tests/data) gives exactly the truth's distinct papers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED_AS_OF
from tests.data import LISTINGS
from triage_app.core.ingest.importer import import_path
from triage_app.core.ingest.normalize import abstract_key
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import DecisionPatch, mark

SEED_FILES = ("002_e1e6b264440ae296.txt", "003_fa884e0c8d87af1f.txt", "004_b89f686bb3a49483.txt")
DEV_FILES = ("dev-101.txt", "dev-102.txt", "dev-103.txt", "dev-104.txt", "dev-abstracts.txt")


def _check_against_truth(library: Library, truth: list[dict]) -> None:
    by_abstract = {abstract_key(p.abstract): p for p in library.iter_papers()}
    expected_papers = {abstract_key(e["abstract"]) for e in truth}
    assert set(by_abstract) == expected_papers
    for e in truth:
        paper = by_abstract[abstract_key(e["abstract"])]
        assert paper.abstract == e["abstract"]
        assert Path(e["file"]).name in {s.file for s in paper.sources}
        if e["title"] is None:
            continue
        got = {
            "title": paper.title,
            "authors": list(paper.authors),
            "et_al": paper.et_al,
            "affiliations": list(paper.affiliations),
            "category": paper.category,
            "published": paper.published.isoformat() if paper.published else None,
            "year_in_listing": not paper.year_inferred,
            "score": paper.score,
            "has_code": paper.has_code,
        }
        want = {k: e[k] for k in got}
        assert got == want, e["title"]


def test_seed_listings_give_the_64_distinct_papers(library: Library):
    truth = json.loads((LISTINGS / "seeds-truth.json").read_text(encoding="utf-8"))
    reports = [import_path(library, LISTINGS / f, as_of=SEED_AS_OF) for f in SEED_FILES]
    assert [(r.new + r.merged, r.skipped, r.problems) for r in reports] == [
        (10, 0, []),
        (8, 0, []),
        (50, 0, []),
    ]
    assert library.count() == 64
    assert sum(r.new for r in reports) == 64
    _check_against_truth(library, truth)


def test_dev_listings_merge_to_400_papers(library: Library):
    truth = json.loads((LISTINGS / "dev" / "dev-truth.json").read_text(encoding="utf-8"))
    for name in DEV_FILES:
        report = import_path(library, LISTINGS / "dev" / name, as_of=SEED_AS_OF)
        assert report.skipped == 0 and not report.refused, report.summary()
    assert library.count() == 400
    _check_against_truth(library, truth)


def test_similar_titles_stay_apart(library: Library):
    for name in SEED_FILES:
        import_path(library, LISTINGS / name, as_of=SEED_AS_OF)
    titles = {p.title for p in library.iter_papers()}
    assert {
        "Risks and Opportunities of Open-Source Generative AI",
        "Near to Mid-term Risks and Opportunities of Open-Source Generative AI",
        "Understanding Addition in Transformers",
        "Understanding Addition and Subtraction in Transformers",
    } <= titles


def test_reimport_changes_nothing_and_says_so(library: Library):
    path = LISTINGS / SEED_FILES[2]
    import_path(library, path, as_of=SEED_AS_OF)
    with library.read() as conn:
        snapshot = conn.exec_driver_sql("SELECT * FROM paper ORDER BY id").fetchall()
    again = import_path(library, path, as_of=SEED_AS_OF)
    assert (again.new, again.merged, again.known, again.skipped) == (0, 0, 50, 0)
    assert "already imported" in again.summary() and "nothing changed" in again.summary()
    with library.read() as conn:
        assert conn.exec_driver_sql("SELECT * FROM paper ORDER BY id").fetchall() == snapshot


def test_merge_keeps_decisions_and_fills_in_a_title(library: Library, tmp_path: Path):
    """An abstract-only paper decided first, then its titled entry arrives."""
    import_path(library, LISTINGS / SEED_FILES[0], as_of=SEED_AS_OF)
    assert all(p.title is None for p in library.iter_papers())
    truth = json.loads((LISTINGS / "seeds-truth.json").read_text(encoding="utf-8"))
    titled_abstracts = {e["abstract"] for e in truth if e["title"]}
    target = next(p for p in library.iter_papers() if p.abstract in titled_abstracts)
    mark(library, [target.id], DecisionPatch(rating=5, note="read this", add_tags=("sae",)))
    for name in SEED_FILES[1:]:
        import_path(library, LISTINGS / name, as_of=SEED_AS_OF)
    merged = library.get_paper(target.id)
    assert merged.title is not None and merged.authors
    assert (merged.rating, merged.note, merged.tags, merged.status) == (
        5,
        "read this",
        ("sae",),
        "kept",
    )
    assert len(merged.sources) >= 2


def test_interrupted_import_finishes_on_rerun(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from triage_app.core.ingest import importer

    path = tmp_path / "feed.txt"
    shutil.copy(LISTINGS / SEED_FILES[2], path)
    monkeypatch.setattr(importer, "BATCH_SIZE", 7)
    calls = iter(range(100))
    report = import_path(library, path, as_of=SEED_AS_OF, cancel=lambda: next(calls) >= 2)
    assert report.cancelled and 0 < library.count() < 50
    rest = import_path(library, path, as_of=SEED_AS_OF)
    assert rest.known == 21 and rest.new == 29 and library.count() == 50
    assert library.batches()[0][1] == "feed.txt"
