"""A restore file is validated value by value before anything is written: a bad record is one
`FILE:LINE: reason` line and is skipped, the rest is imported, and nothing stored can later
break search; a decision clock from the future cannot wipe what a researcher wrote."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.export_library import paper_object
from triage_app.core.ingest.importer import import_path
from triage_app.core.search import search_ids
from triage_app.core.store import open_library
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import DecisionPatch, mark

BAD_VALUES: list[tuple[str, Any]] = [
    ("score", "abc"),
    ("score", 1e999),  # json.dumps writes Infinity
    ("score", float("nan")),
    ("score", 10**400),
    ("published", "2025-W01-1"),
    ("published", "2025-13-01"),
    ("published", 20250314),
    ("id", 2**63),
    ("title", "\ud800 lone surrogate"),
    ("tags", ["ok", "\udfff"]),
    ("starred", "false"),
    ("decisions_at", "not a time"),
    ("decisions_at", 12),
    ("sources", [{"file": "a.txt", "content_hash": "h", "line": "7"}]),
    ("sources", [{"file": "a.txt", "content_hash": "h", "line": 2**70}]),
]


def _write(path: Path, objects: list[dict[str, Any]]) -> Path:
    # ensure_ascii keeps lone surrogates as \\ud800 escapes, as a hostile file would have them
    path.write_text(json.dumps(objects), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("key", "value"), BAD_VALUES, ids=[f"{k}={v!r:.20}" for k, v in BAD_VALUES]
)
def test_a_bad_value_skips_its_record_and_the_rest_is_imported(
    library: Library, tmp_path: Path, key: str, value: Any
) -> None:
    objects = [paper_object(n) for n in range(1, 6)]
    objects[2] = {**objects[2], key: value}
    report = import_path(library, _write(tmp_path / "restore.json", objects))
    assert report.refused is None
    assert (report.new, report.skipped) == (4, 1), report.summary()
    assert report.problems and report.problems[0].startswith(f"{tmp_path / 'restore.json'}:")
    assert len(search_ids(library, "scaling year:2025 score:>=0 OR autoencoders")) == 4


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    key=st.sampled_from(
        [
            "title",
            "abstract",
            "note",
            "category",
            "score",
            "rating",
            "published",
            "starred",
            "id",
            "tags",
            "authors",
            "created_at",
            "decisions_at",
        ]
    ),
    value=st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=30),
        st.lists(st.one_of(st.text(max_size=5), st.integers()), max_size=3),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    ),
)
def test_any_value_is_stored_or_refused_and_search_keeps_working(
    tmp_path_factory: pytest.TempPathFactory, key: str, value: Any
) -> None:
    folder = tmp_path_factory.mktemp("lib")
    with open_library(folder / "lib") as library:
        objects = [paper_object(1), {**paper_object(2), key: value}]
        report = import_path(library, _write(folder / "r.json", objects))
        assert report.refused is None
        assert report.new + report.skipped == 2 and report.new >= 1
        for query in ("scaling", "year:2025", "score:>=0", "rating:>=1", "is:starred", "tag:x"):
            search_ids(library, query)  # never raises on anything a restore stored


def test_a_decision_clock_from_the_future_cannot_wipe_decisions(
    library: Library, tmp_path: Path
) -> None:
    genuine = paper_object(1)
    assert import_path(library, _write(tmp_path / "a.json", [genuine])).new == 1
    [pid] = library.all_ids()
    mark(library, [pid], DecisionPatch(note="my reading notes", rating=5, add_tags=("keep",)))
    forged = {
        **genuine,
        "note": "",
        "rating": None,
        "tags": [],
        "status": "new",
        "decisions_at": "9999-12-31T00:00:00+00:00",
    }
    import_path(library, _write(tmp_path / "forged.json", [forged]))
    paper = library.get_paper(pid)
    assert paper is not None
    assert (paper.note, paper.rating, paper.tags) == ("my reading notes", 5, ("keep",))
    assert paper.decisions_at is not None and paper.decisions_at < "9999"
