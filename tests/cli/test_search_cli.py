"""`triage-app search`, `similar` and `reindex` through the real entry point."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.data import LISTINGS
from tests.test_support import SEED_FILES


def triage(library: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "triage_app", "--library", str(library), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "lib"
    done = triage(
        folder, "import", "--as-of", "2026-11-24", *(str(LISTINGS / f) for f in SEED_FILES)
    )
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture
def lib(template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    shutil.copytree(template, folder)
    return folder


def test_search_json_lists_papers_in_rank_order(lib: Path) -> None:
    done = triage(lib, "search", "title:addition", "--json")
    assert done.returncode == 0, done.stderr
    papers = json.loads(done.stdout)
    assert [p["title"] for p in papers] == [
        "Understanding Addition in Transformers",
        "Understanding Addition and Subtraction in Transformers",
    ]
    assert list(papers[0])[:16] == [
        "id",
        "title",
        "authors",
        "et_al",
        "affiliations",
        "category",
        "published",
        "score",
        "has_code",
        "abstract",
        "status",
        "starred",
        "rating",
        "tags",
        "note",
        "sources",
    ]


def test_search_table_and_paging(lib: Path) -> None:
    done = triage(lib, "search", '"sparse autoencoders"', "--limit", "3")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 5  # header, 3 papers, summary
    assert lines[-1] == "1-3 of 9 papers (sorted by relevance)"
    assert "Do Sparse Autoencoders" in lines[1]


def test_filters_sort_and_mark_query_agree(lib: Path) -> None:
    done = triage(lib, "mark", "--query", "author:barez year:2023", "--star", "--yes")
    assert done.returncode == 0, done.stderr
    starred = json.loads(triage(lib, "search", "is:starred", "--json", "--limit", "0").stdout)
    matched = json.loads(
        triage(
            lib, "search", "author:barez year:2023", "--json", "--sort", "date", "--limit", "0"
        ).stdout
    )
    assert {p["id"] for p in starred} == {p["id"] for p in matched}
    assert len(matched) == 6
    dates = [p["published"] for p in matched]
    assert dates == sorted(dates, reverse=True)
    assert all(p["status"] == "kept" for p in starred)  # starring a new paper keeps it


def test_note_written_by_mark_is_found(lib: Path) -> None:
    assert triage(lib, "mark", "1", "--note", "ocelot sightings").returncode == 0
    papers = json.loads(triage(lib, "search", "note:ocelot", "--json").stdout)
    assert [p["id"] for p in papers] == [1]


def test_bad_query_exits_2_with_a_pointed_message(lib: Path) -> None:
    done = triage(lib, "search", "title:(sae OR lora")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "triage-app: bad query: '(' is never closed (at column 7)\n"
        "  title:(sae OR lora\n"
        "        ^\n"
    )


def test_similar_and_reindex(lib: Path) -> None:
    ids = [
        p["id"] for p in json.loads(triage(lib, "search", '"sparse autoencoders"', "--json").stdout)
    ]
    done = triage(lib, "similar", str(ids[0]), "--json", "--limit", "3")
    assert done.returncode == 0, done.stderr
    similar = [p["id"] for p in json.loads(done.stdout)]
    assert len(similar) == 3 and ids[0] not in similar
    assert set(similar) <= set(ids)  # the most similar papers are other SAE papers
    shutil.rmtree(lib / "index")
    done = triage(lib, "reindex")
    assert (done.returncode, done.stdout) == (0, "indexed 64 papers\n")
    assert triage(lib, "similar", "9999").returncode == 2
