"""The arXiv version and journal reference (schema 5): read from arXiv's feeds and BibTeX
eprints, kept without overwriting (the version rises to the latest seen), carried by every
export, restored checked, and added in place to a schema-4 library."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from tests.core.test_identity_upgrade import build_v3
from triage_app.core.export import export_papers
from triage_app.core.ingest import import_path
from triage_app.core.ingest.importer import import_source, open_bytes
from triage_app.core.store import open_library
from triage_app.core.store.library import Library
from triage_app.core.store.migrations import UPGRADES
from triage_app.core.store.version import SCHEMA_VERSION


def feed(version: int, journal: str | None = None, title: str = "Small Models Reason") -> str:
    ref = f"<arxiv:journal_ref>{journal}</arxiv:journal_ref>" if journal else ""
    return (
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
        f"<entry><id>http://arxiv.org/abs/2409.01234v{version}</id><title>{title}</title>"
        "<published>2024-09-30T17:58:06Z</published>"
        "<summary>Small models can reason about k-step problems.</summary>"
        f"<author><name>Adi Simhi</name></author>{ref}"
        '<arxiv:doi>10.5555/Reason.2025</arxiv:doi><arxiv:primary_category term="cs.AI"/>'
        "</entry></feed>\n"
    )


def imp(library: Library, name: str, text: str):
    return import_source(library, open_bytes(name, text.encode()))


def details(library: Library) -> list[tuple]:
    with library.read() as conn:
        return [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT arxiv_id, arxiv_version, journal_ref FROM paper ORDER BY id"
            )
        ]


def test_the_version_rises_and_the_journal_reference_is_never_overwritten(
    library: Library,
) -> None:
    assert imp(library, "v1.xml", feed(1)).new == 1
    assert details(library) == [("2409.01234", 1, None)]
    assert imp(library, "v3.xml", feed(3, "Phys. Rev. D 76, 013009 (2025)")).merged == 1
    assert details(library) == [("2409.01234", 3, "Phys. Rev. D 76, 013009 (2025)")]
    # An older version read later, with another reference: neither goes back.
    assert imp(library, "v2.xml", feed(2, "Another Journal 1 (2024)")).merged == 1
    assert details(library) == [("2409.01234", 3, "Phys. Rev. D 76, 013009 (2025)")]


def test_every_export_carries_them_and_the_restores_and_bibtex_bring_them_back(
    library: Library, tmp_path: Path
) -> None:
    assert imp(library, "v3.xml", feed(3, "J. Chem. Phys. 115, 1626 &amp; 1627 (2001)")).new == 1
    for fmt in ("json", "csv", "bibtex", "ris"):
        export_papers(library, fmt, tmp_path / f"out.{fmt}")
    bib = (tmp_path / "out.bibtex").read_text()
    assert "  doi = {10.5555/reason.2025},\n" in bib
    assert "  eprint = {2409.01234},\n  archivePrefix = {arXiv},\n  version = {3},\n" in bib
    assert "  note = {J. Chem. Phys. 115, 1626 \\& 1627 (2001)},\n" in bib
    assert "\nDO  - 10.5555/reason.2025\n" in (tmp_path / "out.ris").read_text()
    (obj,) = json.loads((tmp_path / "out.json").read_text())
    assert (obj["arxiv_version"], obj["journal_ref"]) == (
        3,
        "J. Chem. Phys. 115, 1626 & 1627 (2001)",
    )
    for fmt in ("json", "csv"):
        with open_library(tmp_path / f"back-{fmt}") as back:
            assert import_path(back, tmp_path / f"out.{fmt}").new == 1
            assert details(back) == details(library)
    with open_library(tmp_path / "back-bib") as back:
        (tmp_path / "out.bib").write_text(bib)
        assert import_path(back, tmp_path / "out.bib").new == 1
        # The `note` of an entry carrying an arXiv eprint is read back as the reference.
        assert details(back) == details(library)
    with open_library(tmp_path / "back-ris") as back:
        (tmp_path / "out.ris").rename(tmp_path / "refs.ris")
        assert import_path(back, tmp_path / "refs.ris").new == 1
        with back.read() as conn:
            found = conn.exec_driver_sql("SELECT doi, arxiv_id FROM paper").fetchall()
        # The DOI (`DO`) comes back, and the arXiv id from the abstract page in `UR`.
        assert [tuple(r) for r in found] == [("10.5555/reason.2025", "2409.01234")]


BAD = [
    ({"arxiv_version": "3"}, "arxiv_version must be a whole number or null, not '3'"),
    ({"arxiv_version": True}, "arxiv_version must be a whole number or null, not True"),
    ({"arxiv_version": 0}, "arxiv_version must be 1 to 10,000, not 0"),
    ({"arxiv_version": 10**30}, "arxiv_version must be 1 to 10,000, not " + "1" + "0" * 30),
    ({"arxiv_id": None, "arxiv_version": 2}, "arxiv_version without an arxiv_id"),
    ({"journal_ref": "J" * 1001}, "journal_ref is longer than 1,000 characters (1,001)"),
    ({"journal_ref": "J.\x00 Phys."}, "text holds a NUL character"),
    ({"journal_ref": 12}, "journal_ref must be text, not 12"),
]


@pytest.mark.parametrize(("bad", "reason"), BAD)
def test_a_bad_value_is_one_line_and_the_rest_restores(
    library: Library, tmp_path: Path, bad: dict, reason: str
) -> None:
    good = {"title": "Good", "abstract": "Fine.", "status": "new", "sources": []}
    good |= {"arxiv_id": "2409.01234", "arxiv_version": 2, "journal_ref": "J. 1 (2020)"}
    odd = {**good, "title": "Bad", "abstract": "Broken.", "arxiv_id": "2409.09999", **bad}
    path = tmp_path / "b.json"
    path.write_text("[\n" + ",\n".join(json.dumps(p) for p in (good, odd)) + "\n]\n")
    report = import_path(library, path)
    assert (report.new, report.skipped) == (1, 1)
    assert report.problems == [f"{path}:3: {reason}"]
    assert details(library) == [("2409.01234", 2, "J. 1 (2020)")]


def build_v4(folder: Path) -> Path:
    db = build_v3(folder)
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        UPGRADES[3](conn)
        conn.exec_driver_sql("UPDATE paper SET arxiv_id = '2409.01234' WHERE id = 1")
        conn.exec_driver_sql("PRAGMA user_version = 4")
    engine.dispose()
    return db


def test_a_v4_library_gains_the_columns_and_keeps_everything(tmp_path: Path) -> None:
    db = build_v4(tmp_path / "lib")
    before = sqlite3.connect(db)
    query = "SELECT id, title, arxiv_id, doi, status, rating, note FROM paper ORDER BY id"
    rows = before.execute(query).fetchall()
    before.close()
    assert rows and rows[0][2] == "2409.01234"
    with open_library(tmp_path / "lib") as library:
        with library.read() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar() == SCHEMA_VERSION == 5
            columns = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(paper)")}
            after = conn.exec_driver_sql(query).fetchall()
        assert {"arxiv_version", "journal_ref"} <= columns
        assert [tuple(r) for r in after] == rows
        assert imp(library, "later.xml", feed(4, "Nature 1 (2026)", title="Other")).merged == 1
        assert details(library)[0] == ("2409.01234", 4, "Nature 1 (2026)")
