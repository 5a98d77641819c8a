"""Every query form on the shared seed listings, checked against exact expected id sets.

Expected sets come from a plain-Python oracle over the stored papers (regexes and
predicates), independent of Whoosh and of the SQL the search builds, plus a few fixed
title sets read off the listings by hand.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.test_support import seed_template
from triage_app.core.records.paper_record import PaperRecord
from triage_app.core.search.index import sync_index
from triage_app.core.search.service import QueryError, SearchService, search, search_ids
from triage_app.core.store import open_library
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import DecisionPatch, mark

TRANSFORM = r"\btransform(s|ed|ers?|ing|ations?|ative)?\b"  # what the stem `transform` covers


def _decide(library: Library) -> None:
    """A few decisions, tags and notes so filters have something to find."""
    ids = library.all_ids()
    mark(library, ids[0:3], DecisionPatch(starred=True))
    mark(library, ids[3:5], DecisionPatch(rating=5))
    mark(library, ids[5:7], DecisionPatch(rating=3, add_tags=("Interp",)))
    mark(library, ids[7:12], DecisionPatch(status="dismissed"))
    mark(library, ids[12:14], DecisionPatch(status="kept", add_tags=("to-read", "RL theory")))
    mark(library, [ids[20]], DecisionPatch(note="Compare with the mixture-of-experts routing"))
    mark(library, [ids[21]], DecisionPatch(note="great baseline for chess engines"))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = seed_template(tmp_path_factory)
    _decide(library)
    sync_index(library)
    library.close()
    return library.folder


_services: dict[int, SearchService] = {}  # one long-lived service per open test library


@pytest.fixture(scope="module")
def seeded(template: Path):
    library = open_library(template)
    _services[id(library)] = SearchService(library, time_limit=None)
    yield library
    _services.pop(id(library)).close()
    library.close()


@pytest.fixture
def fresh(template: Path, tmp_path: Path):
    """A private copy of the seeded library (for tests that change it)."""
    folder = tmp_path / "copy"
    shutil.copytree(template, folder)
    library = open_library(folder)
    yield library
    library.close()


def papers(library: Library) -> list[PaperRecord]:
    return library.get_papers(library.all_ids(), with_sources=False)


def text_of(p: PaperRecord) -> str:
    return " ".join((p.title or "", ", ".join(p.authors), p.abstract, p.note, " ; ".join(p.tags)))


def oracle(library: Library, pred: Callable[[PaperRecord], bool]) -> set[int]:
    return {p.id for p in papers(library) if pred(p)}


def has(pattern: str) -> Callable[[PaperRecord], bool]:
    rx = re.compile(pattern, re.IGNORECASE)
    return lambda p: bool(rx.search(text_of(p)))


def got(library: Library, query: str) -> set[int]:
    """All hits, through the library's long-lived service (as the GUI searches)."""
    ids = _services[id(library)].search_ids(query)
    assert len(ids) == len(set(ids)), "duplicate hits"
    return set(ids)


def year(p: PaperRecord) -> int | None:
    return p.published.year if p.published else None


def test_seed_library_shape(seeded: Library) -> None:
    assert seeded.count() == 64
    assert got(seeded, "") == set(seeded.all_ids())


# ------------------------------------------------------------------ text
TEXT_CASES = [
    ("autoencoders", r"\bautoencoders?\b"),
    ("autoencoder", r"\bautoencoders?\b"),
    ("transformers", TRANSFORM),
    ('"sparse autoencoders"', r"\bsparse autoencoders?\b"),
    ('"language models"', r"\blanguage models?\b"),
    ("chess", r"\bchess\b"),
    ("interp*", r"\binterp\w*"),
    ("transfromer~", TRANSFORM),
    ("mixture", r"\bmixtures?\b"),
]


@pytest.mark.parametrize(("query", "pattern"), TEXT_CASES)
def test_free_text_matches_oracle(seeded: Library, query: str, pattern: str) -> None:
    expected = oracle(seeded, has(pattern))
    assert expected, "the oracle must find something for the case to mean anything"
    assert got(seeded, query) == expected


def test_stemming_finds_singular_and_plural(seeded: Library) -> None:
    assert got(seeded, "autoencoders") == got(seeded, "autoencoder") == got(seeded, "AutoEncoder")


def test_title_field_exact_titles(seeded: Library) -> None:
    titles = {p.title for p in seeded.get_papers(search_ids(seeded, "title:addition"))}
    assert titles == {
        "Understanding Addition in Transformers",
        "Understanding Addition and Subtraction in Transformers",
    }
    phrase = 'title:"addition and subtraction"'  # `and` is a stop word, in index and query
    titles = {p.title for p in seeded.get_papers(search_ids(seeded, phrase))}
    assert titles == {"Understanding Addition and Subtraction in Transformers"}


def test_author_field(seeded: Library) -> None:
    expected = oracle(seeded, lambda p: any("barez" in a.lower() for a in p.authors))
    assert len(expected) > 5
    assert got(seeded, "author:barez") == expected
    assert got(seeded, "AUTHOR:Barez") == expected


def test_abstract_and_note_fields(seeded: Library) -> None:
    assert got(seeded, "abstract:chess") == oracle(
        seeded, lambda p: bool(re.search(r"\bchess\b", p.abstract, re.I))
    )
    assert got(seeded, "note:chess") == oracle(seeded, lambda p: "chess" in p.note)
    assert len(got(seeded, "note:chess")) == 1
    assert got(seeded, "note:routing") == oracle(seeded, lambda p: "routing" in p.note)


def test_title_group(seeded: Library) -> None:
    expected = oracle(
        seeded, lambda p: bool(re.search(r"\b(addition|chess)\b", p.title or "", re.I))
    )
    assert got(seeded, "title:(addition OR chess)") == expected


# --------------------------------------------------------------- filters
FILTER_CASES: list[tuple[str, Callable[[PaperRecord], bool]]] = [
    ("category:CL", lambda p: p.category == "CL"),
    ("category:cl", lambda p: p.category == "CL"),
    ("Category:cs.LG", lambda p: p.category == "LG"),
    ("year:2024", lambda p: year(p) == 2024),
    ("year:>=2025", lambda p: (year(p) or 0) >= 2025),
    ("year:>2025", lambda p: (year(p) or 0) > 2025),
    ("year:<2024", lambda p: year(p) is not None and year(p) < 2024),
    ("year:<=2024", lambda p: year(p) is not None and year(p) <= 2024),
    ("year:2023..2024", lambda p: year(p) in (2023, 2024)),
    ("date:2025-05", lambda p: bool(p.published) and p.published.isoformat()[:7] == "2025-05"),
    ("date:>=2025-05-01", lambda p: bool(p.published) and p.published.isoformat() >= "2025-05-01"),
    ("score:>=90", lambda p: (p.score or 0) >= 90),
    ("score:<90", lambda p: p.score is not None and p.score < 90),
    ("score:82.5..92.3", lambda p: p.score is not None and 82.5 <= p.score <= 92.3),
    ("score:93.1", lambda p: p.score == 93.1),
    ("rating:>=4", lambda p: (p.rating or 0) >= 4),
    ("rating:3", lambda p: p.rating == 3),
    ("rating:1..3", lambda p: p.rating is not None and 1 <= p.rating <= 3),
    ("is:starred", lambda p: p.starred),
    ("is:new", lambda p: p.status == "new"),
    ("is:kept", lambda p: p.status == "kept"),
    ("IS:Dismissed", lambda p: p.status == "dismissed"),
    ("is:rated", lambda p: p.rating is not None),
    ("has:code", lambda p: p.has_code),
    ("has:note", lambda p: p.note != ""),
    ("has:tags", lambda p: bool(p.tags)),
    ("tag:interp", lambda p: "Interp" in p.tags),
    ('tag:"RL theory"', lambda p: "RL theory" in p.tags),
    ("tag:to*", lambda p: "to-read" in p.tags),
    ("-is:new", lambda p: p.status != "new"),
    ("NOT rating:>=4", lambda p: not (p.rating or 0) >= 4),
    ("is:kept OR is:dismissed", lambda p: p.status in ("kept", "dismissed")),
    ("has:code year:>=2025", lambda p: p.has_code and (year(p) or 0) >= 2025),
]


@pytest.mark.parametrize(("query", "pred"), FILTER_CASES, ids=[c[0] for c in FILTER_CASES])
def test_filters_match_oracle(seeded: Library, query: str, pred) -> None:
    expected = oracle(seeded, pred)
    assert expected, "the oracle must find something for the case to mean anything"
    assert got(seeded, query) == expected


def test_filter_counts_of_the_seed_listings(seeded: Library) -> None:
    assert len(got(seeded, "category:LG")) == 21
    assert len(got(seeded, "is:starred")) == 3
    assert len(got(seeded, "is:dismissed")) == 5
    assert len(got(seeded, "score:>=90")) == 2


# ----------------------------------------------------------- combinations
COMBO_CASES: list[tuple[str, Callable[[PaperRecord], bool]]] = [
    ("transformers AND NOT is:new", lambda p: has(TRANSFORM)(p) and p.status != "new"),
    (
        "(author:barez OR author:quirke) year:2023",
        lambda p: (
            any(n in a.lower() for a in p.authors for n in ("barez", "quirke")) and year(p) == 2023
        ),
    ),
    (
        "author:barez OR category:CY",
        lambda p: any("barez" in a.lower() for a in p.authors) or p.category == "CY",
    ),
    ("NOT transformers", lambda p: not has(TRANSFORM)(p)),
    (
        "model -transformers category:LG",
        lambda p: has(r"\bmodel(s|ed|ing)?\b")(p) and not has(TRANSFORM)(p) and p.category == "LG",
    ),
    (
        "(chess OR autoencoders) AND NOT is:dismissed",
        lambda p: (
            (has(r"\bchess\b")(p) or has(r"\bautoencoders?\b")(p)) and p.status != "dismissed"
        ),
    ),
    ("autoencoders OR is:starred", lambda p: has(r"\bautoencoders?\b")(p) or p.starred),
    ("NOT (is:new OR chess)", lambda p: p.status != "new" and not has(r"\bchess\b")(p)),
]


@pytest.mark.parametrize(("query", "pred"), COMBO_CASES, ids=[c[0] for c in COMBO_CASES])
def test_combinations_match_oracle(seeded: Library, query: str, pred) -> None:
    expected = oracle(seeded, pred)
    assert expected
    assert got(seeded, query) == expected


# ---------------------------------------------------------------- sorting
def test_empty_and_filter_only_queries_sort_by_date(seeded: Library) -> None:
    everything = sorted(
        papers(seeded),
        key=lambda p: (p.published is not None, p.published or 0, p.id),
        reverse=True,
    )
    result = search(seeded, "", limit=None)
    assert result.sort == "date"
    assert result.ids == [p.id for p in everything]
    new = [p.id for p in everything if p.status == "new"]
    assert search_ids(seeded, "is:new") == new


def test_sort_by_score_and_rating(seeded: Library) -> None:
    def key(p: PaperRecord, field: str) -> tuple:
        value = getattr(p, field)
        return (value is not None, value or 0, p.published is not None, p.published or 0, p.id)

    hits = seeded.get_papers(search_ids(seeded, "model", sort="score"))
    assert [p.id for p in hits] == [
        p.id for p in sorted(hits, key=lambda p: key(p, "score"), reverse=True)
    ]
    assert hits[0].score == 93.1
    rated = seeded.get_papers(search_ids(seeded, "", sort="rating"))
    assert [p.rating for p in rated[:6]] == [5, 5, 3, 3, None, None]


def test_relevance_ranks_title_matches_first(seeded: Library) -> None:
    ids = search_ids(seeded, "addition")
    first_two = {p.title for p in seeded.get_papers(ids[:2])}
    assert first_two == {
        "Understanding Addition in Transformers",
        "Understanding Addition and Subtraction in Transformers",
    }


@pytest.mark.parametrize(
    "query", ["model", "model is:new", "language OR chess", "is:new", "model -is:starred"]
)
@pytest.mark.parametrize("sort", ["relevance", "date", "score"])
def test_pages_agree_with_search_ids(seeded: Library, query: str, sort: str) -> None:
    every = search_ids(seeded, query, sort=sort)
    pages: list[int] = []
    for offset in range(0, len(every) + 7, 7):
        page = search(seeded, query, sort=sort, limit=7, offset=offset)
        assert page.total == len(every)
        pages.extend(page.ids)
    assert pages == every


# ------------------------------------------------------------------ errors
ERROR_CASES = [
    ("(sparse autoencoders", 0, "'(' is never closed"),
    ("sparse)", 6, "')' without a matching '('"),
    ("sparse AND", 7, "AND needs a term after it"),
    ("OR sparse", 0, "OR needs a term before it"),
    ("NOT", 0, "NOT needs a term after it"),
    ('title:"sparse', 6, "unclosed quote"),
    ("foo:bar", 0, "unknown field 'foo:'"),
    ("year:20x4", 5, "'20x4' is not a whole number"),
    ("rating:>=9", 9, "rating 9 is out of range"),
    ("score:abc", 6, "'abc' is not a number"),
    ("year:2025..2023", 5, "empty range"),
    ("is:great", 3, "'is:great' is unknown"),
    ("has:pdf", 4, "'has:pdf' is unknown"),
    ("tr*", 0, "prefix 'tr*' is too short"),
    ("a*b", 1, "'*' is allowed only at the end of a word"),
    ("title: sparse", 0, "needs a value right after the colon"),
    ("()", 0, "empty parentheses"),
    ("date:2025-13", 5, "not a date"),
]


@pytest.mark.parametrize(("query", "position", "message"), ERROR_CASES)
def test_unparseable_queries_say_what_and_where(
    seeded: Library, query: str, position: int, message: str
) -> None:
    with pytest.raises(QueryError) as info:
        search(seeded, query)
    assert info.value.position == position
    assert message in str(info.value)
    assert f"(at column {position + 1})" in str(info.value)
