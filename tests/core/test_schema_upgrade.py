"""Opening a first-release (schema 1) library: backup first, then every paper and decision kept."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.cli.run import REPO
from triage_app.core.store import file_backups as backups
from triage_app.core.store import open_library
from triage_app.core.store import tables as models
from triage_app.core.store.migrations import SCHEMA_V1

PAPERS = [
    # id, title, authors, status, starred, rating, note, updated_at
    (
        1,
        "Sparse Autoencoders Find Features",
        '["Ann Lee", "Bo Chen"]',
        "kept",
        1,
        5,
        "read <b>twice</b>",
        "2025-01-02T10:00:00+00:00",
    ),
    (
        2,
        "Risks of Open Models",
        '["Zoë Müller"]',
        "dismissed",
        0,
        None,
        "",
        "2025-01-03T10:00:00+00:00",
    ),
    (3, None, "[]", "new", 0, None, "", "2025-01-04T10:00:00+00:00"),
    (
        4,
        "Understanding Addition in Transformers",
        '["Philip Quirke"]',
        "kept",
        0,
        3,
        "עברית 🧪\nsecond line",
        "2025-01-05T10:00:00+00:00",
    ),
]
TAGS = [(1, "Survey"), (2, "méthodes")]
PAPER_TAGS = [(1, 1), (1, 2), (4, 1)]


def build_v1(folder: Path) -> Path:
    folder.mkdir(parents=True)
    db = folder / "library.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript(SCHEMA_V1)
    conn.executemany(
        "INSERT INTO paper(id, title, title_key, abstract_key, authors, et_al, affiliations, "
        "category, published, year_inferred, score, has_code, abstract, status, starred, "
        "rating, note, created_at, updated_at) VALUES (?, ?, lower(?), NULL, ?, 0, '[]', 'LG', "
        "'2024-05-17', 0, 93.1, 1, 'An abstract of paper ' || ?, ?, ?, ?, ?, "
        "'2024-12-01T00:00:00+00:00', ?)",
        [(i, t, t, a, i, s, st, r, n, u) for i, t, a, s, st, r, n, u in PAPERS],
    )
    conn.executemany("INSERT INTO tag(id, name) VALUES (?, ?)", TAGS)
    conn.executemany("INSERT INTO paper_tag(paper_id, tag_id) VALUES (?, ?)", PAPER_TAGS)
    conn.executemany(
        "INSERT INTO source(paper_id, file_name, content_hash, line, imported_at) "
        "VALUES (?, 'old.txt', 'abc', ?, '2024-12-01T00:00:00+00:00')",
        [(i, 3 * i - 2) for i, *_ in PAPERS],
    )
    conn.commit()
    conn.close()
    return db


def _v1_rows(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT id, title, authors, status, starred, rating, note, updated_at FROM paper "
            "ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def test_upgrade_backs_up_first_and_keeps_everything(tmp_path: Path) -> None:
    db = build_v1(tmp_path / "lib")
    original = _v1_rows(db)

    with open_library(tmp_path / "lib") as library:
        made = backups.list_backups(library.backup_dir)
        assert [b.reason for b in made] == ["before-upgrade-v1"]
        conn = sqlite3.connect(made[0].path)
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
        conn.close()
        assert _v1_rows(made[0].path) == original == PAPERS

        with library.read() as conn:
            version = conn.exec_driver_sql("PRAGMA user_version").scalar()
            outbox = [
                r[0]
                for r in conn.exec_driver_sql("SELECT paper_id FROM index_outbox ORDER BY paper_id")
            ]
        assert version == models.SCHEMA_VERSION
        assert outbox == [1, 2, 3, 4]  # the old index is rebuilt from the store
        papers = library.get_papers([1, 2, 3, 4])
        got = [
            (p.id, p.title, list(p.authors), p.status, p.starred, p.rating, p.note, p.updated_at)
            for p in papers
        ]
        assert got == [
            (i, t, json.loads(a), s, bool(st), r, n, u) for i, t, a, s, st, r, n, u in PAPERS
        ]
        assert [p.tags for p in papers] == [("méthodes", "Survey"), (), (), ("Survey",)]
        assert [p.decided_at for p in papers] == [PAPERS[0][7], PAPERS[1][7], None, PAPERS[3][7]]
        assert [len(p.sources) for p in papers] == [1, 1, 1, 1]
        assert papers[3].sources[0].line == 10

    with open_library(tmp_path / "lib") as again:  # a second open does not upgrade twice
        assert [b.reason for b in backups.list_backups(again.backup_dir)] == ["before-upgrade-v1"]


UPGRADE_SCRIPT = """
import sys
from triage_app.core.store import open_library
with open_library(sys.argv[1]) as library:
    print(library.count())
"""


def test_two_processes_opening_an_old_library_at_once(tmp_path: Path) -> None:
    build_v1(tmp_path / "lib")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", UPGRADE_SCRIPT, str(tmp_path / "lib")],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [(p.returncode, out.strip()) for p, (out, _) in zip(procs, results, strict=True)] == [
        (0, "4"),
        (0, "4"),
    ], results
    with open_library(tmp_path / "lib") as library:
        assert library.get_paper(1).rating == 5
        with library.read() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar() == models.SCHEMA_VERSION
