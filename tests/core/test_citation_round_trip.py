"""A paper's link and identity survive the citation exports: RIS's `UR` is the abstract page
when the arXiv id is known, and the id and DOI come back from a RIS file; BibTeX's `note`
brings the journal reference back, while other tools' notes stay notes."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.core.export_library import paper_object, restore
from triage_app.core.export import export_papers
from triage_app.core.export.csv_table import write_csv
from triage_app.core.export.rows import stream_csv
from triage_app.core.ingest import import_path
from triage_app.core.ingest.bibtex_reader import read_bibtex
from triage_app.core.ingest.entries import ParseProblem
from triage_app.core.ingest.ris_reader import read_ris
from triage_app.core.store import open_library
from triage_app.core.store.library import Library

SEARCH = "https://arxiv.org/search/?query=Paper%20{}%3A%20Scaling%20Sparse%20Autoencoders"
PAPERS = [
    paper_object(
        1,
        arxiv_id="2409.01234",
        arxiv_version=3,
        doi="10.1000/xyz",
        journal_ref="Phys. Rev. D 76, 013009 & 50% more (2025)",
    ),
    paper_object(2, arxiv_id="hep-th/9901001", journal_ref="Nucl. Phys. B 550 (1999) 1-20"),
    # No arXiv id: the search is its link; the decision marks the entry as this app's.
    paper_object(3, doi="10.1038/s41586-021-03819-2", status="kept", journal_ref="Nature 1"),
    paper_object(4),
]
LINKS = [
    "https://arxiv.org/abs/2409.01234",
    "https://arxiv.org/abs/hep-th/9901001",
    SEARCH.format(3) + "&searchtype=title",
    SEARCH.format(4) + "&searchtype=title",
]
IDENTITY = "SELECT title, arxiv_id, doi, arxiv_version, journal_ref FROM paper ORDER BY title"


def _identities(library: Library) -> list[tuple[Any, ...]]:
    with library.read() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(IDENTITY)]


def _round_trip(library: Library, tmp_path: Path, fmt: str) -> tuple[str, list[tuple[Any, ...]]]:
    restore(library, tmp_path, PAPERS)
    path = tmp_path / f"out.{fmt}"
    assert export_papers(library, fmt, path) == len(PAPERS)
    with open_library(tmp_path / "fresh") as fresh:
        report = import_path(fresh, path)
        assert (report.new, report.skipped, report.problems) == (len(PAPERS), 0, [])
        return path.read_text(encoding="utf-8"), _identities(fresh)


def test_ris_links_the_abstract_page_and_brings_the_ids_back(
    library: Library, tmp_path: Path
) -> None:
    text, back = _round_trip(library, tmp_path, "ris")
    assert [line[6:] for line in text.splitlines() if line.startswith("UR  - ")] == LINKS
    # RIS has no place for the version or the journal reference: those stay behind.
    assert [row[:4] for row in back] == [
        ("Paper 1: Scaling Sparse Autoencoders", "2409.01234", "10.1000/xyz", None),
        ("Paper 2: Scaling Sparse Autoencoders", "hep-th/9901001", None, None),
        ("Paper 3: Scaling Sparse Autoencoders", None, "10.1038/s41586-021-03819-2", None),
        ("Paper 4: Scaling Sparse Autoencoders", None, None, None),
    ]


def test_the_csv_stream_links_as_the_record_writer(library: Library, tmp_path: Path) -> None:
    restore(library, tmp_path, PAPERS)
    fast, slow = io.StringIO(newline=""), io.StringIO(newline="")
    stream_csv(library, None, fast)
    write_csv(library.iter_papers(None), slow)
    assert fast.getvalue() == slow.getvalue()
    assert [row["url"] for row in csv.DictReader(io.StringIO(fast.getvalue()))] == LINKS


def test_bibtex_brings_the_journal_reference_back(library: Library, tmp_path: Path) -> None:
    text, back = _round_trip(library, tmp_path, "bibtex")
    assert "url = {https://arxiv.org/abs/2409.01234}," in text
    assert "url = {https://arxiv.org/abs/hep-th/9901001}," in text
    assert back == [
        (
            "Paper 1: Scaling Sparse Autoencoders",
            "2409.01234",
            "10.1000/xyz",
            3,
            "Phys. Rev. D 76, 013009 & 50% more (2025)",
        ),
        (
            "Paper 2: Scaling Sparse Autoencoders",
            "hep-th/9901001",
            None,
            None,
            "Nucl. Phys. B 550 (1999) 1-20",
        ),
        (
            "Paper 3: Scaling Sparse Autoencoders",
            None,
            "10.1038/s41586-021-03819-2",
            None,
            "Nature 1",
        ),
        ("Paper 4: Scaling Sparse Autoencoders", None, None, None, None),
    ]


def _ris_row(url: str) -> dict[str, Any]:
    (got,) = read_ris(f"TY  - JOUR\nTI  - A paper\nUR  - {url}\nER  - \n".splitlines(), "x")
    assert not isinstance(got, ParseProblem)
    return got.row


@pytest.mark.parametrize(
    ("url", "arxiv_id", "version"),
    [
        ("https://arxiv.org/abs/2409.01234v2", "2409.01234", 2),
        ("http://arxiv.org/pdf/hep-th/9901001v4.pdf", "hep-th/9901001", 4),
        ("https://arxiv.org/abs/2409.01234", "2409.01234", None),
        ("https://example.org/paper-v2", None, None),
    ],
)
def test_a_ris_link_gives_the_version_it_names(url: str, arxiv_id: str | None, version) -> None:
    row = _ris_row(url)
    assert (row["arxiv_id"], row["arxiv_version"]) == (arxiv_id, version)


def _journal_ref(fields: str) -> str | None:
    entry = "@article{k,\n  title = {A paper},\n  author = {Doe, Jane},\n" + fields + "\n}\n"
    (got,) = read_bibtex(entry.splitlines(), "x.bib")
    assert not isinstance(got, ParseProblem)
    return got.row["journal_ref"]


ARXIV = "  eprint = {2409.01234},\n  archivePrefix = {arXiv},\n"


@pytest.mark.parametrize(
    ("fields", "journal_ref"),
    [
        # JabRef's or any tool's ordinary note, on an entry without an arXiv eprint.
        ("  note = {Accepted at ICML},", None),
        ("  eprint = {2409.01234},\n  note = {Accepted at ICML},", None),  # no arXiv prefix
        # The fields arXiv itself names so, whatever else the entry holds.
        ("  journal_ref = {JHEP 05 (2009) 012},", "JHEP 05 (2009) 012"),
        ("  journal-ref = {JHEP 05 (2009) 012},\n  note = {Other},", "JHEP 05 (2009) 012"),
        # An arXiv eprint's note: this app's export, unless it reads as an arXiv comment.
        (ARXIV + "  note = {Phys. Rev. D 76, 013009 (2007)},", "Phys. Rev. D 76, 013009 (2007)"),
        (ARXIV + "  note = {arXiv: 2409.01234 [cs.CL]},", None),
        (ARXIV + "  note = {12 pages, 3 figures},", None),
        (ARXIV + "  note = {Comment: to appear},", None),
        # This app's own entry (the `triage` field) without an arXiv id.
        ("  note = {Nature 600 (2021)},\n  triage = {kept},", "Nature 600 (2021)"),
    ],
)
def test_only_a_journal_reference_becomes_one(fields: str, journal_ref: str | None) -> None:
    assert _journal_ref(fields) == journal_ref
