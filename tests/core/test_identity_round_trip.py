"""A paper's identity (arXiv id, DOI) survives our own JSON and CSV exports: restored into a
new library, the same paper arriving later from a feed or a BibTeX file (under another
title and abstract, so only the identifier can join them) is still one paper; a malformed
identifier in a restore file is one `FILE:LINE: reason` and the rest is restored."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from triage_app.core.export import export_papers
from triage_app.core.ingest import import_path
from triage_app.core.ingest.importer import import_source, open_bytes
from triage_app.core.store import open_library
from triage_app.core.store.library import Library

AS_OF = date(2026, 11, 24)
RIS = (
    "TY  - JOUR\nTI  - Optical Memory in Living Cells\nAU  - Curie, Marie\n"
    "PY  - 2021\nDO  - 10.1038/S41586-021-03819-2\nER  - \n"
)
FEED_V1 = (
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
    "<id>http://arxiv.org/abs/2409.01234v1</id><published>2024-09-30T17:58:06Z</published>"
    "<title>Learning to Reason with Small Models</title>"
    "<summary>Small models can reason about k-step problems.</summary>"
    "<author><name>Adi Simhi</name></author></entry></feed>\n"
)
# The same paper a version later: another title and abstract, so only its id joins it.
FEED_V2 = (
    FEED_V1.replace("v1<", "v3<")
    .replace("Learning to Reason with Small Models", "Small Models Reason, Revisited")
    .replace("Small models can", "We show that compact models can")
)
BIBTEX = (
    "@article{curie2021optical, title = {Optical memories of living cells, extended},\n"
    "  author = {Curie, Marie}, year = {2022},\n"
    "  doi = {https://doi.org/10.1038/s41586-021-03819-2}}\n"
    "@misc{simhi2024, title = {Reasoning in small language models},\n"
    "  author = {Simhi, Adi}, eprint = {2409.01234v2}, archivePrefix = {arXiv}}\n"
)


def _imp(library: Library, name: str, text: str):
    return import_source(library, open_bytes(name, text.encode()), as_of=AS_OF)


def _papers(library: Library) -> list[tuple[str | None, str | None, int]]:
    with library.read() as conn:
        return [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT arxiv_id, doi, (SELECT count(*) FROM source s WHERE s.paper_id = p.id) "
                "FROM paper p ORDER BY id"
            )
        ]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_identity_survives_export_and_restore(library: Library, tmp_path: Path, fmt: str) -> None:
    assert _imp(library, "refs.ris", RIS).new == 1
    assert _imp(library, "query.xml", FEED_V1).new == 1
    backup = tmp_path / f"backup.{fmt}"
    export_papers(library, fmt, backup)
    fresh = open_library(tmp_path / "fresh")
    try:
        restored = import_path(fresh, backup)
        assert (restored.new, restored.skipped) == (2, 0)
        assert _papers(fresh) == [(None, "10.1038/s41586-021-03819-2", 1), ("2409.01234", None, 1)]
        feed = _imp(fresh, "later.xml", FEED_V2)
        bib = _imp(fresh, "refs.bib", BIBTEX)
        assert (feed.new, feed.merged, bib.new, bib.merged) == (0, 1, 0, 2)
        assert _papers(fresh) == [(None, "10.1038/s41586-021-03819-2", 2), ("2409.01234", None, 3)]
    finally:
        fresh.close()


def test_the_exports_carry_the_identifiers(library: Library, tmp_path: Path) -> None:
    _imp(library, "refs.ris", RIS)
    _imp(library, "query.xml", FEED_V1)
    export_papers(library, "json", tmp_path / "b.json")
    papers = json.loads((tmp_path / "b.json").read_text())
    assert [(p["arxiv_id"], p["doi"]) for p in papers] == [
        (None, "10.1038/s41586-021-03819-2"),
        ("2409.01234", None),
    ]
    export_papers(library, "csv", tmp_path / "b.csv")
    rows = (tmp_path / "b.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].endswith(",url,arxiv_id,doi,arxiv_version,journal_ref")
    assert rows[1].endswith(",,10.1038/s41586-021-03819-2,,")
    assert rows[2].endswith(",2409.01234,,1,")


BAD_IDS = [
    ({"arxiv_id": "2409"}, "arxiv_id is not an arXiv id (like 2309.08600): '2409'"),
    ({"arxiv_id": "2409.01234 and more"}, "arxiv_id is not an arXiv id"),
    ({"arxiv_id": 2409.01234}, "arxiv_id must be text, not 2409.01234"),
    ({"doi": "doi-less"}, "doi is not a DOI (like 10.1000/xyz): 'doi-less'"),
    ({"doi": "10.1000/a\x00b"}, "text holds a NUL character"),
    ({"doi": "10.1000/" + "x" * 5000}, "doi is not a DOI"),
    ({"doi": ["10.1000/x"]}, "doi must be text, not ['10.1000/x']"),
]


@pytest.mark.parametrize(("bad", "reason"), BAD_IDS)
def test_a_malformed_identifier_is_one_line_and_the_rest_restores(
    library: Library, tmp_path: Path, bad: dict, reason: str
) -> None:
    good = {"title": "Good", "abstract": "Fine.", "status": "kept", "sources": []}
    papers = [
        good,
        {**good, "title": "Bad", "abstract": "Broken.", **bad},
        {**good, "title": "Also"},
    ]
    path = tmp_path / "b.json"
    path.write_text("[\n" + ",\n".join(json.dumps(p) for p in papers) + "\n]\n")
    report = import_path(library, path)
    assert (report.new, report.skipped) == (2, 1)
    assert len(report.problems) == 1
    assert report.problems[0].startswith(f"{path}:3: {reason}")


def test_a_restore_normalises_what_a_hand_edited_file_gives(
    library: Library, tmp_path: Path
) -> None:
    paper = {"title": "T", "abstract": "A.", "status": "new", "sources": []}
    papers = [
        {**paper, "arxiv_id": "arXiv:2409.01234v2", "doi": "https://doi.org/10.1000/ABC"},
        {**paper, "title": "U", "abstract": "B.", "arxiv_id": "hep-TH/9901001", "doi": ""},
    ]
    path = tmp_path / "b.json"
    path.write_text(json.dumps(papers))
    assert import_path(library, path).new == 2
    assert _papers(library) == [("2409.01234", "10.1000/abc", 0), ("hep-th/9901001", None, 0)]


def test_two_papers_never_come_to_share_an_identifier(library: Library, tmp_path: Path) -> None:
    """A feed says the preprint 2409.01234 is the article 10.1038/...; the library holds the
    preprint and, apart, the article (from a RIS file). The feed's entry merges into the
    preprint (its arXiv id) without taking the article's DOI, and the export restores as two
    papers; an entry whose DOI names a paper with another arXiv id is a paper of its own."""
    assert _imp(library, "refs.ris", RIS).new == 1
    assert _imp(library, "query.xml", FEED_V1).new == 1
    both = FEED_V2.replace(
        "</entry>", "<arxiv:doi>10.1038/s41586-021-03819-2</arxiv:doi></entry>"
    ).replace("<feed ", '<feed xmlns:arxiv="http://arxiv.org/schemas/atom" ')
    assert _imp(library, "later.xml", both).merged == 1
    assert _papers(library) == [(None, "10.1038/s41586-021-03819-2", 1), ("2409.01234", None, 2)]
    # The same DOI with a new arXiv id: the article (no arXiv id) is that paper...
    other = both.replace("2409.01234v3", "2409.05555v1").replace("Revisited", "Again")
    assert _imp(library, "other.xml", other).merged == 1
    # ...and with a third arXiv id, the DOI's paper is contradicted: a paper of its own.
    third = both.replace("2409.01234v3", "2409.07777v1").replace("Revisited", "Thrice")
    assert _imp(library, "third.xml", third).new == 1
    assert _papers(library) == [
        ("2409.05555", "10.1038/s41586-021-03819-2", 2),
        ("2409.01234", None, 2),
        ("2409.07777", "10.1038/s41586-021-03819-2", 1),
    ]
    export_papers(library, "json", tmp_path / "b.json")
    with open_library(tmp_path / "back") as back:
        restored = import_path(back, tmp_path / "b.json")
        assert (restored.new, restored.merged) == (3, 0)
