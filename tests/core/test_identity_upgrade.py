"""A schema-3 library (before arXiv ids and DOIs) upgrades in place: the new columns and
their indexes appear, nothing else changes, and the next import finds papers by DOI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine

from tests.core.test_schema_upgrade import build_v1
from triage_app.core.ingest.importer import import_source, open_bytes
from triage_app.core.store import open_library
from triage_app.core.store.migrations import UPGRADES
from triage_app.core.store.version import SCHEMA_VERSION


def build_v3(folder: Path) -> Path:
    db = build_v1(folder)
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        UPGRADES[1](conn)
        UPGRADES[2](conn)
        conn.exec_driver_sql("PRAGMA user_version = 3")
    engine.dispose()
    return db


def test_a_v3_library_gains_identity_columns_and_keeps_everything(tmp_path: Path) -> None:
    db = build_v3(tmp_path / "lib")
    before = sqlite3.connect(db)
    query = "SELECT id, title, status, rating, note FROM paper ORDER BY id"
    rows = before.execute(query).fetchall()
    before.close()
    with open_library(tmp_path / "lib") as library:
        with library.read() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar() == SCHEMA_VERSION
            columns = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(paper)")}
            indexes = {r[1] for r in conn.exec_driver_sql("PRAGMA index_list(paper)")}
            after = conn.exec_driver_sql(query).fetchall()
        assert {"arxiv_id", "doi"} <= columns
        assert {"ix_paper_arxiv_id", "ix_paper_doi"} <= indexes
        assert [tuple(r) for r in after] == rows
        ris = b"TY  - JOUR\nTI  - Risks of Open Models\nDO  - 10.5555/RISKS.2025\nER  - \n"
        first = import_source(library, open_bytes("a.ris", ris))
        assert first.merged == 1  # by title: the old paper now has its DOI
        renamed = ris.replace(b"Risks of Open Models", b"Risks of open-weight models")
        second = import_source(library, open_bytes("b.ris", renamed))
        assert (second.new, second.merged) == (0, 1)  # by DOI, whatever the title says
