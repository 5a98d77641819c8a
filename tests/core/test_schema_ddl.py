"""The schema a new library gets, exactly. The tables are declared as Core tables; the DDL
is the one the earlier SQLModel declarations emitted, so libraries made before and after are
alike (a change here is a schema change: bump SCHEMA_VERSION and add an upgrade)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from triage_app.core.store import Library

SCHEMA = [
    ('index', 'ix_import_batch_content_hash', 'import_batch',
     'CREATE INDEX ix_import_batch_content_hash ON import_batch (content_hash)'),
    ('index', 'ix_paper_abstract_key', 'paper',
     'CREATE INDEX ix_paper_abstract_key ON paper (abstract_key)'),
    ('index', 'ix_paper_published', 'paper',
     'CREATE INDEX ix_paper_published ON paper (published)'),
    ('index', 'ix_paper_starred', 'paper', 'CREATE INDEX ix_paper_starred ON paper (starred)'),
    ('index', 'ix_paper_status', 'paper', 'CREATE INDEX ix_paper_status ON paper (status)'),
    ('index', 'ix_paper_tag_tag_id', 'paper_tag',
     'CREATE INDEX ix_paper_tag_tag_id ON paper_tag (tag_id)'),
    ('index', 'ix_paper_title_key', 'paper',
     'CREATE INDEX ix_paper_title_key ON paper (title_key)'),
    ('index', 'ix_paper_updated_at', 'paper',
     'CREATE INDEX ix_paper_updated_at ON paper (updated_at)'),
    ('index', 'ix_source_hash_line', 'source',
     'CREATE UNIQUE INDEX ix_source_hash_line ON source (content_hash, line)'),
    ('index', 'ix_source_paper_id', 'source',
     'CREATE INDEX ix_source_paper_id ON source (paper_id)'),
    ('index', 'sqlite_autoindex_meta_1', 'meta', None),
    ('index', 'sqlite_autoindex_paper_tag_1', 'paper_tag', None),
    ('index', 'sqlite_autoindex_tag_1', 'tag', None),
    ('table', 'import_batch', 'import_batch', "\n".join([
        'CREATE TABLE import_batch (',
        '\tid INTEGER NOT NULL, ',
        '\tfile_name VARCHAR NOT NULL, ',
        '\tcontent_hash VARCHAR NOT NULL, ',
        '\timported_at VARCHAR NOT NULL, ',
        '\tfinished BOOLEAN NOT NULL, ',
        '\tnew INTEGER NOT NULL, ',
        '\tmerged INTEGER NOT NULL, ',
        '\tknown INTEGER NOT NULL, ',
        '\tskipped INTEGER NOT NULL, ',
        '\tPRIMARY KEY (id)',
        ')',
    ])),
    ('table', 'index_outbox', 'index_outbox', "\n".join([
        'CREATE TABLE index_outbox (',
        '\tpaper_id INTEGER NOT NULL, ',
        '\tPRIMARY KEY (paper_id)',
        ')',
    ])),
    ('table', 'meta', 'meta', "\n".join([
        'CREATE TABLE meta (',
        '\t"key" VARCHAR NOT NULL, ',
        '\tvalue VARCHAR NOT NULL, ',
        '\tPRIMARY KEY ("key")',
        ')',
    ])),
    ('table', 'paper', 'paper', "\n".join([
        'CREATE TABLE paper (',
        '\tid INTEGER NOT NULL, ',
        '\ttitle VARCHAR, ',
        '\ttitle_key VARCHAR, ',
        '\tabstract_key VARCHAR, ',
        '\tauthors VARCHAR NOT NULL, ',
        '\tet_al BOOLEAN NOT NULL, ',
        '\taffiliations VARCHAR NOT NULL, ',
        '\tcategory VARCHAR, ',
        '\tpublished VARCHAR, ',
        '\tyear_inferred BOOLEAN NOT NULL, ',
        '\tscore FLOAT, ',
        '\thas_code BOOLEAN NOT NULL, ',
        '\tabstract VARCHAR NOT NULL, ',
        '\tstatus VARCHAR NOT NULL, ',
        '\tstarred BOOLEAN NOT NULL, ',
        '\trating INTEGER, ',
        '\tnote VARCHAR NOT NULL, ',
        '\tcreated_at VARCHAR NOT NULL, ',
        '\tupdated_at VARCHAR NOT NULL, ',
        '\tdecided_at VARCHAR, ',
        '\tdecisions_at VARCHAR, ',
        '\tPRIMARY KEY (id)',
        ')',
    ])),
    ('table', 'paper_tag', 'paper_tag', "\n".join([
        'CREATE TABLE paper_tag (',
        '\tpaper_id INTEGER NOT NULL, ',
        '\ttag_id INTEGER NOT NULL, ',
        '\tPRIMARY KEY (paper_id, tag_id), ',
        '\tFOREIGN KEY(paper_id) REFERENCES paper (id) ON DELETE CASCADE, ',
        '\tFOREIGN KEY(tag_id) REFERENCES tag (id) ON DELETE CASCADE',
        ')',
    ])),
    ('table', 'source', 'source', "\n".join([
        'CREATE TABLE source (',
        '\tid INTEGER NOT NULL, ',
        '\tpaper_id INTEGER, ',
        '\tbatch_id INTEGER, ',
        '\tfile_name VARCHAR NOT NULL, ',
        '\tcontent_hash VARCHAR NOT NULL, ',
        '\tline INTEGER NOT NULL, ',
        '\timported_at VARCHAR NOT NULL, ',
        '\tPRIMARY KEY (id), ',
        '\tFOREIGN KEY(paper_id) REFERENCES paper (id) ON DELETE CASCADE, ',
        '\tFOREIGN KEY(batch_id) REFERENCES import_batch (id)',
        ')',
    ])),
    ('table', 'tag', 'tag', "\n".join([
        'CREATE TABLE tag (',
        '\tid INTEGER NOT NULL, ',
        '\tname VARCHAR COLLATE "NOCASE" NOT NULL, ',
        '\tPRIMARY KEY (id), ',
        '\tUNIQUE (name)',
        ')',
    ])),
]


def test_a_new_library_has_exactly_this_schema(tmp_path: Path) -> None:
    Library.open(tmp_path / "lib").close()
    con = sqlite3.connect(tmp_path / "lib" / "library.sqlite")
    try:
        rows = con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    finally:
        con.close()
    assert rows == SCHEMA


def test_the_store_loads_neither_sqlmodel_nor_pydantic() -> None:
    """The window and every command open the store first: no ORM or validation library on
    that path (~0.3 s of start-up)."""
    code = ("import sys, triage_app.core.store, triage_app.core.schema_migrations, "
            "triage_app.core.views, triage_app.core.decisions; "
            "print(sorted(m for m in ('sqlmodel', 'pydantic', 'sqlalchemy.orm') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "[]"
