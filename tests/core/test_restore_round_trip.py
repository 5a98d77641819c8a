"""Tags, notes, scores, sources and ids survive every export and restore exactly, whatever
their content: Unicode case (`straße` on one paper, `STRASSE` on another), control
characters, separators, quotes, backslashes. Written through the public export and restore
functions only, so a change of a format's separators is tested as it is."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage_app.core.export import export_papers
from triage_app.core.ingest import import_path
from triage_app.core.store import open_library
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import DecisionPatch, mark, tag_key, undo

# Every character a store can hold (no lone surrogates), with the troublesome ones weighted
# up: format separators, quotes, escapes, control characters, case-changing letters.
TRICKY = ";,:@\\\"'\n\r\t\x01\x1b\x07 =+-|{}ßẞſıİǅǆΣσς\u0130\u212a\ufeff\u2028\u00a0"
# NUL is refused where text is written (tested below): a CSV holding it reads as binary.
chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00") | st.sampled_from(
    TRICKY
)
texts = st.text(chars, max_size=12)
CASE_CLASHES = (
    "straße",
    "STRASSE",
    "Straße",
    "strasse",
    "é",
    "É",
    "ǅ",
    "ǆ",
    "Σ",
    "ς",
    "K",
    "\u212a",
)
tags = st.sampled_from(CASE_CLASHES) | texts.filter(lambda t: t.strip() != "")
scores = st.none() | st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**6), 10**6)
hashes = st.text("0123456789abcdef", min_size=1, max_size=64)
sources = st.fixed_dictionaries(
    {
        "file": texts.filter(lambda t: t != ""),
        "content_hash": hashes,
        "line": st.integers(1, 2**63 - 1),
        "imported_at": st.sampled_from(["2025-01-02T03:04:05+00:00", "2024-12-31T23:59:59"]),
    }
)


def _unique_tags(values: list[str]) -> list[str]:
    """One spelling per tag on a paper (the store's notion of one tag: SQLite NOCASE)."""
    return list({tag_key(t): t for t in values}.values())


papers = st.lists(
    st.fixed_dictionaries(
        {
            "title": texts,
            "abstract": texts,
            "note": texts,
            "tags": st.lists(tags, max_size=4).map(_unique_tags),
            "score": scores,
            "sources": st.lists(sources, max_size=2),
            "id": st.integers(1, 1_000_000),
            "status": st.sampled_from(["new", "kept", "dismissed"]),
            "rating": st.none() | st.integers(1, 5),
            "starred": st.booleans(),
        }
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda p: p["id"],
)

DECISIONS = ("id", "tags", "note", "score", "status", "rating", "starred", "title", "abstract")
_n = itertools.count()


def _prepared(generated: list[dict]) -> list[dict]:
    """Distinct papers (a numbered title and abstract: no two are merged as one paper)."""
    out = []
    seen_hash_lines: set[tuple[str, int]] = set()
    for i, paper in enumerate(generated):
        srcs = [
            s
            for s in paper["sources"]
            if (s["content_hash"], s["line"]) not in seen_hash_lines
            and not seen_hash_lines.add((s["content_hash"], s["line"]))  # type: ignore[func-returns-value]
        ]
        out.append(
            {
                **paper,
                "title": f"Paper {i} {paper['title']}",
                "abstract": f"Abstract {i} {paper['abstract']}",
                "sources": srcs,
            }
        )
    return out


def _export(library: Library, fmt: str, path: Path) -> Path:
    export_papers(library, fmt, path)
    return path


def _decisions(library: Library) -> list[dict]:
    out = []
    for p in library.iter_papers():
        record = p.to_json()
        out.append(
            {
                **{k: record[k] for k in DECISIONS},
                "tags": sorted(record["tags"]),
                "sources": sorted(
                    (s["file"], s["content_hash"], s["line"], s["imported_at"])
                    for s in record["sources"]
                ),
            }
        )
    return out


def _restore(folder: Path, backup: Path) -> Library:
    shutil.rmtree(folder, ignore_errors=True)
    library = open_library(folder)
    report = import_path(library, backup)
    assert report.problems == [] and not report.refused, (report.problems, report.refused)
    return library


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(generated=papers)
def test_every_export_restores_exactly(tmp_path: Path, generated: list[dict]) -> None:
    work = tmp_path / f"case{next(_n)}"
    work.mkdir()
    wanted = _prepared(generated)
    (work / "in.json").write_text(json.dumps(wanted), encoding="utf-8")
    first = _restore(work / "first", work / "in.json")
    try:
        stored = _decisions(first)
        # What the file said is what the store holds (tags, notes, scores, ids, sources).
        by_id = {p["id"]: p for p in stored}
        spellings: dict[str, set[str]] = {}
        for paper in wanted:
            for tag in paper["tags"]:
                spellings.setdefault(tag_key(tag), set()).add(tag)
        for paper in wanted:
            got = by_id[paper["id"]]
            # One tag is one spelling library-wide (ASCII case aside, as SQLite's NOCASE
            # says): exact wherever no other paper spells it differently.
            assert sorted(map(tag_key, got["tags"])) == sorted(map(tag_key, paper["tags"]))
            assert {t for t in got["tags"] if len(spellings[tag_key(t)]) == 1} == {
                t for t in paper["tags"] if len(spellings[tag_key(t)]) == 1
            }
            assert got["note"] == paper["note"]
            assert got["score"] == paper["score"]
            assert got["title"] == paper["title"] and got["abstract"] == paper["abstract"]
            assert got["sources"] == sorted(
                (s["file"], s["content_hash"], s["line"], s["imported_at"])
                for s in paper["sources"]
            )
        for fmt in ("json", "csv"):
            backup = _export(first, fmt, work / f"out.{fmt}")
            again = _restore(work / f"from-{fmt}", backup)
            try:
                assert _decisions(again) == stored, fmt
            finally:
                again.close()
    finally:
        first.close()


def test_unicode_case_twins_stay_on_their_papers_through_restore_and_undo(
    tmp_path: Path,
) -> None:
    twins = [
        {"id": 1, "title": "First paper", "abstract": "One.", "tags": ["straße"]},
        {"id": 2, "title": "Second paper", "abstract": "Two.", "tags": ["STRASSE"]},
        {"id": 3, "title": "Third paper", "abstract": "Three.", "tags": ["é", "ǅ"]},
        {"id": 4, "title": "Fourth paper", "abstract": "Four.", "tags": ["É", "ǆ"]},
    ]
    (tmp_path / "in.json").write_text(json.dumps(twins), encoding="utf-8")
    library = _restore(tmp_path / "lib", tmp_path / "in.json")
    expected = {1: ("straße",), 2: ("STRASSE",), 3: ("é", "ǅ"), 4: ("É", "ǆ")}

    def tags() -> dict[int, tuple[str, ...]]:
        return {p.id: tuple(sorted(p.tags)) for p in library.iter_papers()}

    assert tags() == expected
    for fmt in ("json", "csv"):
        again = _restore(tmp_path / fmt, _export(library, fmt, tmp_path / f"out.{fmt}"))
        assert {p.id: tuple(sorted(p.tags)) for p in again.iter_papers()} == expected
        again.close()
    # A bulk tag change over all four, undone: every paper has its own spelling back.
    change = mark(library, [1, 2, 3, 4], DecisionPatch(add_tags=("Strasse",)))
    undo(library, change)
    assert tags() == expected
    library.close()
