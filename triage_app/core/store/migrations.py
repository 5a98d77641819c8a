"""Schema versions and in-place upgrades (opening.py backs the file up before one).

The version lives in SQLite's `PRAGMA user_version`. Version 1 was the first release's
schema (papers, tags, sources); version 2 added import batches, the index outbox, library
settings and the time a paper was decided; version 3 an index on `updated_at`; version 4
the arXiv id and DOI that identify a paper across files (indexed); version 5 the arXiv
version and journal reference.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection
from sqlmodel import SQLModel

from triage_app.core.store import tables as models
from triage_app.core.store.errors import LibraryError

# The first release's schema, kept to test upgrades against real old files.
SCHEMA_V1 = """
CREATE TABLE paper (
    id INTEGER PRIMARY KEY, title VARCHAR, title_key VARCHAR, abstract_key VARCHAR,
    authors VARCHAR NOT NULL, et_al BOOLEAN NOT NULL, affiliations VARCHAR NOT NULL,
    category VARCHAR, published VARCHAR, year_inferred BOOLEAN NOT NULL, score FLOAT,
    has_code BOOLEAN NOT NULL, abstract VARCHAR NOT NULL, status VARCHAR NOT NULL,
    starred BOOLEAN NOT NULL, rating INTEGER, note VARCHAR NOT NULL,
    created_at VARCHAR NOT NULL, updated_at VARCHAR NOT NULL
);
CREATE INDEX ix_paper_title_key ON paper (title_key);
CREATE INDEX ix_paper_abstract_key ON paper (abstract_key);
CREATE TABLE tag (id INTEGER PRIMARY KEY, name VARCHAR COLLATE NOCASE NOT NULL UNIQUE);
CREATE TABLE paper_tag (
    paper_id INTEGER REFERENCES paper(id) ON DELETE CASCADE,
    tag_id INTEGER REFERENCES tag(id) ON DELETE CASCADE,
    PRIMARY KEY (paper_id, tag_id)
);
CREATE TABLE source (
    id INTEGER PRIMARY KEY, paper_id INTEGER REFERENCES paper(id) ON DELETE CASCADE,
    file_name VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, line INTEGER NOT NULL,
    imported_at VARCHAR NOT NULL
);
CREATE UNIQUE INDEX ix_source_hash_line ON source (content_hash, line);
PRAGMA user_version = 1;
"""


def _v1_to_v2(conn: Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE paper ADD COLUMN decided_at VARCHAR")
    conn.exec_driver_sql("ALTER TABLE paper ADD COLUMN decisions_at VARCHAR")
    conn.exec_driver_sql("UPDATE paper SET decided_at = updated_at WHERE status != 'new'")
    conn.exec_driver_sql("UPDATE paper SET decisions_at = updated_at")
    conn.exec_driver_sql(
        "ALTER TABLE source ADD COLUMN batch_id INTEGER REFERENCES import_batch(id)"
    )
    SQLModel.metadata.create_all(conn, checkfirst=True)
    # The index was built by the old version: queue every paper to be indexed again.
    conn.exec_driver_sql("INSERT OR IGNORE INTO index_outbox(paper_id) SELECT id FROM paper")


def _v2_to_v3(conn: Connection) -> None:
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_paper_updated_at ON paper (updated_at)")


def _v3_to_v4(conn: Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE paper ADD COLUMN arxiv_id VARCHAR")
    conn.exec_driver_sql("ALTER TABLE paper ADD COLUMN doi VARCHAR")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_paper_arxiv_id ON paper (arxiv_id)")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_paper_doi ON paper (doi)")


def _v4_to_v5(conn: Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE paper ADD COLUMN arxiv_version INTEGER")
    conn.exec_driver_sql("ALTER TABLE paper ADD COLUMN journal_ref VARCHAR")


UPGRADES: dict[int, Callable[[Connection], None]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
    4: _v4_to_v5,
}


CURRENT = models.SCHEMA_VERSION


def schema_version(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)


def check_readable(db_path: Path, version: int) -> None:
    """Refuse a file written by a newer release: reading it could lose what it holds."""
    if version > CURRENT:
        raise LibraryError(
            f"{db_path} was written by a newer triage-app (schema {version}, this "
            f"version reads up to {CURRENT}). Upgrade triage-app; the file was left untouched."
        )


def check_empty(db_path: Path, conn: Connection) -> None:
    """Refuse to create a library inside another program's SQLite file."""
    tables = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
    if tables.scalar():
        raise LibraryError(
            f"{db_path} is an SQLite file but not a triage-app library; it was "
            f"left untouched. Choose another folder with --library."
        )


def create_schema(conn: Connection) -> None:
    SQLModel.metadata.create_all(conn)
    conn.exec_driver_sql(f"PRAGMA user_version = {CURRENT}")


def upgrade(conn: Connection) -> None:
    """Run every step from the file's version to the current one, in one transaction."""
    # Another process may have upgraded while this one made its backup.
    version = schema_version(conn)
    while version < CURRENT:
        UPGRADES[version](conn)
        version += 1
    conn.exec_driver_sql(f"PRAGMA user_version = {CURRENT}")
