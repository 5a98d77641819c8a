"""Property tests: the parser never raises but ListingError; render -> parse round-trips."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage_app.core.ingest import title_split
from triage_app.core.ingest.entries import ListingEntry, ListingError
from triage_app.core.ingest.listing_parser import parse_listing, render_entry
from triage_app.core.ingest.title_split import split_title_line

AS_OF = date(2026, 11, 24)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------- hostile input

_VALID_LINES = [
    "93.1CLMay 17Code",
    "LGDec 3, 2025",
    "6.0CVFeb 29",
    "Old Habits Die Hard: How Conversational History Traps LLMsAdi Simhi, Fazl Barez et al.",
    "An abstract line.",
    "Abstract:An abstract-only line.",
    "",
]
_weird_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("\x00\r\n\t\x0b\x0c\u200f\u202e\u2028\ufeff·🙂עברית"),
    ),
    max_size=200,
)
_lines = st.lists(st.one_of(st.sampled_from(_VALID_LINES), _weird_text), max_size=20)


def _consume(lines: list[str]) -> None:
    try:
        for item in parse_listing(lines, as_of=AS_OF):
            assert item.line >= 1
    except ListingError:
        pass


@FAST
@given(_lines)
def test_random_lines_never_raise_other_errors(lines: list[str]) -> None:
    _consume(lines)


@FAST
@given(st.sampled_from(["93.1CLMay 17Code", "Abstract:x"]), _lines)
def test_random_lines_after_a_valid_start_never_raise(first: str, lines: list[str]) -> None:
    _consume([first, *lines])


@FAST
@given(_weird_text)
def test_title_split_never_raises(text: str) -> None:
    split_title_line(text)


def _glued_line(units: int) -> str:
    """A title of `units` x 25 characters with glued capitals all along ('GraphRAG',
    'VideoLLMs': each a place an author could start), then two glued authors."""
    return "GraphRAG Meets VideoLLMs " * units + "for AgentsAdi Simhi, Fazl Barez"


class _Work:
    """Counts characters the splitter's candidate loop handles: the stretch it scans for
    split points, at each split point the author string it cuts off (seg[i:], scanned for
    its spaces), and for each candidate kept its title (a new string; title_end_score sees
    it whole) and the stretch of it title_body_score judges."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.chars = 0

    def finditer(self, text: str, pos: int = 0) -> Iterator[re.Match[str]]:
        self.chars += len(text) - pos
        for match in self.pattern.finditer(text, pos):
            self.chars += len(text) - match.start()
            yield match

    def judged(self, score: Callable[[str], float]) -> Callable[[str], float]:
        def counted(title: str) -> float:
            self.chars += len(title)
            return score(title)

        return counted


def _candidate_work(line: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """_Work's count for splitting one line (which must split right)."""
    work = _Work(title_split._GLUED_CAPITAL)
    with monkeypatch.context() as patch:
        patch.setattr(title_split, "_GLUED_CAPITAL", work)
        patch.setattr(title_split, "title_end_score", work.judged(title_split.title_end_score))
        patch.setattr(title_split, "title_body_score", work.judged(title_split.title_body_score))
        split = split_title_line(line)
    assert split.authors == ("Adi Simhi", "Fazl Barez")
    assert split.title == line.split("Adi Simhi")[0]
    return work.chars


def test_title_split_work_grows_linearly_with_line_length(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A scored line can be enormous (a runaway title, a file with no line breaks): the
    split must stay linear in its length. Quadratic would be trying every glued capital
    of the line as an author start, each cutting off an author string (or building and
    judging a title) as long as the line; the splitter tries only those within an author's
    length of the end (_MAX_AUTHOR_CHARS) and judges only the last _BODY_WINDOW characters.
    Counted, not timed: 4x the line must cost about 4x the work; the bound, 8, is a growth
    exponent of 1.5, halfway between linear (4) and quadratic (16)."""
    short, long = (_candidate_work(_glued_line(units), monkeypatch) for units in (200, 800))
    assert short > 0
    assert long / short < 8, (short, long)


# --------------------------------------------------------------------------- round trip

_GIVEN = [
    "Adi", "Monte", "Philip", "Hadas", "Ondrej", "Yuxuan", "Tengjun", "Xunliang", "Väinö",
    "Iker", "León", "Chiara", "Sören", "Jean-Pierre", "Zi-Chen", "Aoife", "Kwame", "Priya",
]  # fmt: skip
_SURNAMES = [
    "Simhi", "MacDiarmid", "Torr", "van der Maaten", "de Croon", "García-Ferrero", "O'Shea",
    "d'Alessandro", "Karjalainen", "Nguyen", "Müller", "Zhang", "Okafor", "Silva",
]  # fmt: skip
_TITLE_WORDS = [
    "Learning", "Robust", "Sparse", "Models", "for", "of", "the", "in", "Vision", "Language",
    "Transformers", "Agents", "Benchmark:", "Towards", "Multi-Agent", "Reasoning", "with",
]  # fmt: skip
_TITLE_ENDS = [
    "LLMs", "RL", "GPT-4", "3D", "Society", "Transformers?", "(MARL)", "Self-Supervision",
    "Learning", "Models", "Data", "V2", "DeepSeek", "Reasoning",
]  # fmt: skip

_person = st.builds(
    lambda g, m, s: f"{g} {m + ' ' if m else ''}{s}",
    st.sampled_from(_GIVEN),
    st.sampled_from(["", "", "", "H.", "J. R."]),
    st.sampled_from(_SURNAMES),
)
_title = st.builds(
    lambda words, end: " ".join([*words, end]),
    st.lists(st.sampled_from(_TITLE_WORDS), min_size=1, max_size=8),
    st.sampled_from(_TITLE_ENDS),
)
_abstract = (
    st.text(st.characters(categories=["L", "N", "P", "Zs", "S"]), min_size=1, max_size=300)
    .map(str.strip)
    .filter(bool)
)


@st.composite
def _scored_entries(draw: st.DrawFn) -> ListingEntry:
    authors = tuple(draw(st.lists(_person, min_size=1, max_size=3)))
    year_in_listing = draw(st.booleans())
    if year_in_listing:
        published = draw(st.dates(date(1990, 1, 1), AS_OF))
    else:  # a year-less date must be one that inference gives back
        published = AS_OF - timedelta(days=draw(st.integers(0, 364)))
    return ListingEntry(
        line=1,
        title=draw(_title),
        authors=authors,
        et_al=len(authors) == 3 and draw(st.booleans()),
        affiliations=tuple(
            draw(st.lists(st.sampled_from(["mit", "allen ai", "max planck"]), unique=True))
        ),
        category=draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)),
        published=published,
        year_in_listing=year_in_listing,
        score=draw(st.none() | st.floats(0, 1000, allow_nan=False, allow_infinity=False)),
        has_code=draw(st.booleans()),
        abstract=draw(_abstract),
    )


@FAST
@given(st.lists(_scored_entries(), min_size=1, max_size=4), st.sampled_from(["\n", "\r\n"]))
def test_scored_entries_round_trip(items: list[ListingEntry], newline: str) -> None:
    text = "".join(render_entry(e) for e in items).replace("\n", newline)
    got = list(parse_listing(io.StringIO(text, newline=""), as_of=AS_OF))
    assert got == [dataclasses.replace(e, line=1 + 3 * i) for i, e in enumerate(items)]


@FAST
@given(st.lists(_abstract, min_size=1, max_size=5))
def test_abstract_entries_round_trip(abstracts: list[str]) -> None:
    items = [
        ListingEntry(i + 1, None, (), False, (), None, None, False, None, False, a)
        for i, a in enumerate(abstracts)
    ]
    text = "".join(render_entry(e) for e in items)
    assert list(parse_listing(io.StringIO(text), as_of=AS_OF)) == items
