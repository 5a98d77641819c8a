"""What an import reports about a file's bytes and records: problems by line, refusals that
write nothing, and export records that are not papers."""

from __future__ import annotations

import json
from datetime import date

import pytest

from triage_app.core.ingest.importer import MAX_PROBLEMS, import_source, open_bytes
from triage_app.core.store.library import Library

AS_OF = date(2026, 11, 24)
ENTRY = "CVDec 3\nA Title {n}John Smith\nAn abstract {n}.\n"


def listing(count: int, start: int = 0) -> str:
    return "".join(ENTRY.format(n=n) for n in range(start, start + count))


def papers(library: Library) -> int:
    with library.read() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM paper").scalar() or 0)


def test_bad_bytes_are_reported_by_file_and_line_and_the_entry_kept(library: Library) -> None:
    head = listing(2000).encode()  # past the sniff window, where bad bytes are no refusal
    bad = listing(1, 2000).encode().replace(b"Title", b"T\xe9tle")
    raw = head + bad + listing(1, 2001).encode()
    report = import_source(library, open_bytes("feed.txt", raw), as_of=AS_OF)
    assert (report.new, report.skipped, report.refused) == (2002, 0, None)
    assert report.problems == ["feed.txt:6002: bytes that are not UTF-8 were replaced with \ufffd"]


def test_line_problems_are_listed_up_to_a_bound(library: Library) -> None:
    head = listing(2000).encode()
    bad = b"".join(
        ENTRY.format(n=n).encode().replace(b"Title", b"T\xe9tle")
        for n in range(2000, 2000 + MAX_PROBLEMS + 5)
    )
    report = import_source(library, open_bytes("feed.txt", head + bad), as_of=AS_OF)
    assert report.new == 2000 + MAX_PROBLEMS + 5
    assert len(report.problems) == MAX_PROBLEMS + 1
    assert report.problems[-1].endswith(": more lines have problems; they are not listed")


def test_an_over_long_line_is_cut_reported_and_its_entry_skipped(library: Library) -> None:
    raw = (
        listing(2) + "CVDec 4\nLong TitleJane Doe\n" + "x" * (2 << 20) + "\n" + listing(1, 9)
    ).encode()
    report = import_source(library, open_bytes("feed.txt", raw), as_of=AS_OF)
    assert (report.new, report.skipped) == (3, 1)
    assert report.problems == [
        "feed.txt:9: line longer than 1000000 characters",
        "feed.txt:9: line longer than 1 MiB; cut to 1 MiB",
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (listing(3).encode("utf-16"), "binary file (NUL bytes), not a text listing"),
        (b"Just prose.\nMore prose.\n", "not a listing: expected a feed header"),
        (b"@article{key,\n title={A}\n", "no paper in this BibTeX file: 1 entries could not"),
        (b"foo,bar,baz\n1,2,3\n", "CSV columns not recognised: a table needs a `title`"),
        (b'{"papers": []}', "JSON file is not a list of papers"),
        (b'id,title,authors\n1,"open', "not a listing: 1 entries could not be read"),
    ],
)
def test_a_refused_file_writes_nothing(library: Library, data: bytes, reason: str) -> None:
    report = import_source(library, open_bytes("x.csv", data), as_of=AS_OF)
    assert report.refused is not None and report.refused.startswith(reason), report.refused
    assert report.summary() == f"x.csv: refused: {report.refused}"
    assert papers(library) == 0


def test_export_records_of_the_wrong_types_are_problems_not_crashes(library: Library) -> None:
    objects = [
        {"title": 1},
        {"title": "A", "abstract": ["x"]},
        {"title": "B", "category": 5},
        {"title": "C", "note": []},
        {"title": "D", "score": "high"},
        {"title": "E", "score": True},
        {"title": "Fine", "score": 7},
    ]
    report = import_source(library, open_bytes("b.json", json.dumps(objects).encode()))
    assert (report.new, report.skipped) == (1, 6)
    assert report.problems == [
        "b.json:1: title must be text, not 1",
        "b.json:1: abstract must be text, not ['x']",
        "b.json:1: category must be text, not 5",
        "b.json:1: note must be text, not []",
        "b.json:1: score must be a number or null, not 'high'",
        "b.json:1: score must be a number or null, not True",
    ]


def test_json_line_numbers_hold_across_a_long_blank_stretch(library: Library) -> None:
    gap = "\n" * 200_000
    text = '[{"title": "A"},' + gap + '{"title": 2},' + gap + '{"title": "C"}]'
    report = import_source(library, open_bytes("b.json", text.encode()))
    assert (report.new, report.skipped) == (2, 1)
    assert report.problems == ["b.json:200001: title must be text, not 2"]
