"""Listing parser: exact recovery of the real listings, tolerance, refusals, dates, problems."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date
from pathlib import Path

import pytest

from tests.core.entries import ENTRY, ENTRY2
from tests.data import LISTINGS
from triage_app.core.ingest.entries import ListingEntry, ListingError, ParseProblem
from triage_app.core.ingest.listing_parser import (
    detect_format,
    infer_date,
    parse_listing,
    render_entry,
)
from triage_app.core.ingest.sources import decode_lines

AS_OF = date(2026, 11, 24)


def parse(text: str, as_of: date = AS_OF) -> list[ListingEntry | ParseProblem]:
    return list(parse_listing(io.StringIO(text), as_of=as_of))


def parse_path(path: Path) -> list[ListingEntry | ParseProblem]:
    """A listing file's entries, its bytes decoded as the importer decodes them."""
    with path.open("rb") as stream:
        return list(parse_listing((text for _, text, _ in decode_lines(stream)), as_of=AS_OF))


def entries(items: list) -> list[ListingEntry]:
    return [x for x in items if isinstance(x, ListingEntry)]


def problems(items: list) -> list[ParseProblem]:
    return [x for x in items if isinstance(x, ParseProblem)]


def _as_truth(entry: ListingEntry) -> dict:
    return {
        "title": entry.title,
        "authors": list(entry.authors),
        "et_al": entry.et_al,
        "affiliations": list(entry.affiliations),
        "category": entry.category,
        "published": entry.published.isoformat() if entry.published else None,
        "year_in_listing": entry.year_in_listing,
        "score": entry.score,
        "has_code": entry.has_code,
        "abstract": entry.abstract,
    }


def _truth_files() -> list[tuple[Path, list[dict]]]:
    truth = json.loads((LISTINGS / "seeds-truth.json").read_text(encoding="utf-8"))
    truth += json.loads((LISTINGS / "dev" / "dev-truth.json").read_text(encoding="utf-8"))
    by_file: dict[str, list[dict]] = {}
    for item in truth:
        by_file.setdefault(item["file"], []).append(item)
    out = []
    for name, items in sorted(by_file.items()):
        path = LISTINGS / name if (LISTINGS / name).exists() else LISTINGS / "dev" / name
        out.append((path, items))
    return out


# --------------------------------------------------------------------------- real files


@pytest.mark.parametrize(("path", "expected"), _truth_files(), ids=lambda v: getattr(v, "name", ""))
def test_real_listing_recovered_exactly(path: Path, expected: list[dict]) -> None:
    got = parse_path(path)
    assert problems(got) == []
    assert [_as_truth(e) for e in entries(got)] == [
        {k: v for k, v in item.items() if k != "file"} for item in expected
    ]


@pytest.mark.parametrize(("path", "_"), _truth_files())
def test_real_entries_round_trip_through_render(path: Path, _: list) -> None:
    for entry in entries(parse_path(path)):
        again = parse(render_entry(entry))
        assert again == [dataclasses.replace(entry, line=1)]


def test_entry_line_numbers_point_at_headers() -> None:
    got = entries(parse_path(LISTINGS / "dev" / "dev-103.txt"))
    assert [e.line for e in got[:3]] == [1, 5, 9]  # a blank line after every entry


# --------------------------------------------------------------------------- tolerance


def test_fields_of_a_scored_entry() -> None:
    (entry,) = parse(ENTRY)
    assert entry == ListingEntry(
        line=1,
        title="Old Habits Die Hard: How Conversational History Geometrically Traps LLMs",
        authors=("Adi Simhi", "Fazl Barez", "Martin Tutek"),
        et_al=True,
        affiliations=(),
        category="CL",
        published=date(2026, 5, 17),
        year_in_listing=False,
        score=93.1,
        has_code=True,
        abstract="How does the conversational past of large language models influence them?",
    )


@pytest.mark.parametrize(
    "variant",
    [
        "\ufeff" + ENTRY + ENTRY2,  # BOM
        (ENTRY + ENTRY2).replace("\n", "\r\n"),  # CRLF
        "\n\n" + ENTRY + "\n\n\n" + ENTRY2 + "\n\n",  # blank lines around entries
        (ENTRY + ENTRY2).replace("\n", "   \n"),  # trailing spaces
        (ENTRY + ENTRY2).rstrip("\n"),  # no final newline
        "\ufeff" + (ENTRY + "\n" + ENTRY2).replace("\n", " \t\r\n").rstrip(),  # all at once
    ],
)
def test_layout_variants_give_the_same_entries(variant: str) -> None:
    want = [(e.title, e.authors, e.abstract, e.published) for e in entries(parse(ENTRY + ENTRY2))]
    got = parse(variant)
    assert problems(got) == []
    assert [(e.title, e.authors, e.abstract, e.published) for e in entries(got)] == want


def test_abstract_only_listing() -> None:
    got = parse("\ufeffAbstract:First one.\r\n\r\nAbstract: Second one.  \nAbstract:Third")
    assert [(e.line, e.abstract, e.title, e.published) for e in got] == [
        (1, "First one.", None, None),
        (3, "Second one.", None, None),
        (4, "Third", None, None),
    ]


def test_abstract_only_problems_do_not_stop_the_import() -> None:
    got = parse("Abstract:One.\nstray line\nAbstract:\nAbstract:Two.\n")
    assert [e.abstract for e in entries(got)] == ["One.", "Two."]
    assert [p.line for p in problems(got)] == [2, 3]


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("\n\n   \n", "empty"),
        ("\ufeff", "empty"),
        ("@article{key,\n  title={A},\n}\n", "BibTeX"),
        ('{"papers": []}\n', "JSON"),
        ("[1, 2, 3]\n", "JSON"),
        ("title,authors,abstract\nA,B,C\n", "CSV"),
        ("<?xml version='1.0'?>\n<feed/>\n", "XML"),
        ("%PDF-1.7\n", "PDF"),
        ("GIF89a\x00\x01\x02\n", "NUL"),
        ("Just some prose.\nMore prose.\nAnd more.\n", "expected a feed header"),
    ],
)
def test_non_listings_are_refused_before_anything_is_yielded(text: str, reason: str) -> None:
    gen = parse_listing(io.StringIO(text), as_of=AS_OF)
    with pytest.raises(ListingError, match=reason):
        next(gen)


def test_detect_format() -> None:
    assert detect_format(["", "6.0CVDec 16", "Title"]) == "scored"
    assert detect_format(["Abstract:x"]) == "abstracts"
    assert detect_format(["garbage", "LGDec 3, 2025"]) == "scored"
    with pytest.raises(ListingError):
        detect_format(["", "  "])


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("month", "day", "as_of", "want"),
    [
        (12, 31, date(2026, 1, 5), date(2025, 12, 31)),  # year boundary: last year
        (1, 5, date(2026, 1, 5), date(2026, 1, 5)),  # the reference day itself
        (1, 6, date(2026, 1, 5), date(2025, 1, 6)),
        (11, 24, date(2026, 11, 24), date(2026, 11, 24)),
        (11, 25, date(2026, 11, 24), date(2025, 11, 25)),
        (2, 29, date(2026, 11, 24), date(2024, 2, 29)),  # most recent leap year
        (2, 29, date(2024, 2, 28), date(2020, 2, 29)),
        (2, 29, date(2024, 2, 29), date(2024, 2, 29)),
        (2, 29, date(2100, 12, 31), date(2096, 2, 29)),  # 2100 is no leap year
    ],
)
def test_infer_date(month: int, day: int, as_of: date, want: date) -> None:
    assert infer_date(month, day, as_of) == want


def test_year_less_dates_in_a_listing() -> None:
    text = "CVDec 31\nA TitleJohn Smith\nAbs.\nCVFeb 29\nB TitleJane Doe\nAbs.\n"
    got = entries(parse(text, as_of=date(2026, 1, 5)))
    assert [(e.published, e.year_in_listing) for e in got] == [
        (date(2025, 12, 31), False),
        (date(2024, 2, 29), False),
    ]


# --------------------------------------------------------------------------- problems


def test_bad_header_is_reported_and_parsing_resynchronises() -> None:
    text = ENTRY + "CVDex 16\nSome TitleJohn Smith\nAbstract text.\n" + ENTRY2
    got = parse(text)
    assert [p.line for p in problems(got)] == [4]
    assert "header" in problems(got)[0].reason
    assert [e.line for e in entries(got)] == [1, 7]


def test_invalid_dates_are_problems() -> None:
    got = parse(ENTRY + "CVFeb 30, 2025\nA TitleJohn Smith\nAbs.\n" + ENTRY2)
    assert [(p.line, p.reason) for p in problems(got)] == [(4, "invalid date Feb 30, 2025")]
    assert len(entries(got)) == 2


def test_missing_abstract_line() -> None:
    got = parse("CVDec 3\nA TitleJohn Smith\n" + ENTRY2)
    assert [p.line for p in problems(got)] == [1]
    assert "missing abstract" in problems(got)[0].reason
    assert [e.line for e in entries(got)] == [3]


def test_missing_title_line() -> None:
    got = parse("CVDec 3\n" + ENTRY2)
    assert "missing title" in problems(got)[0].reason
    assert [e.title for e in entries(got)] == ["Fairness in AI"]


def test_truncated_last_entry() -> None:
    got = parse(ENTRY + "CVDec 3\nA TitleJohn Smith")
    assert len(entries(got)) == 1
    assert [(p.line, p.reason) for p in problems(got)] == [
        (4, "truncated entry: missing abstract line")
    ]
    got = parse(ENTRY + "CVDec 3")
    assert problems(got)[0].reason == "truncated entry: missing title line"


def test_extra_lines_between_entries_are_one_problem() -> None:
    got = parse(ENTRY + "continued abstract\nmore\n" + ENTRY2)
    assert [p.line for p in problems(got)] == [4]
    assert len(entries(got)) == 2


def test_nul_and_undecodable_text_later_in_the_file_skip_only_that_entry() -> None:
    # Lone surrogates: text a caller decoded with surrogateescape from bytes not UTF-8.
    got = parse(ENTRY + ENTRY2.replace("Successful", "Successful \udcff\udcfe") + ENTRY)
    assert [(p.line, p.reason) for p in problems(got)] == [(6, "line is not valid UTF-8")]
    assert [e.line for e in entries(got)] == [1, 7]
    got = parse(ENTRY + ENTRY2.replace("Successful", "Succ\x00essful") + ENTRY)
    assert [p.reason for p in problems(got)] == ["NUL byte in line"]


def test_enormous_line_is_reported() -> None:
    got = parse(ENTRY + "CVDec 3\nTitleJohn Smith\n" + "x" * 1_000_001 + "\n" + ENTRY2)
    assert [p.reason for p in problems(got)] == ["line longer than 1000000 characters"]
    assert len(entries(got)) == 2


def test_render_year_less_and_abstract_entries() -> None:
    (entry,) = parse(ENTRY)
    assert render_entry(entry) == ENTRY
    (entry,) = parse(ENTRY2)
    assert render_entry(entry) == ENTRY2
    (entry,) = parse("Abstract:Just text.")
    assert render_entry(entry) == "Abstract:Just text.\n"
