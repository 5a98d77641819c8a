"""The import path's one sniffer and one line decoder (ingest.sources), alone and together."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.entries import ENTRY, ENTRY2
from triage_app.core.ingest import sources
from triage_app.core.ingest.entries import ListingEntry, ListingError, ParseProblem
from triage_app.core.ingest.listing_parser import parse_listing
from triage_app.core.ingest.sources import (
    CUT,
    MAX_LINE_BYTES,
    REPLACED,
    SNIFF_BYTES,
    decode_lines,
    open_bytes,
    open_source,
    sniff,
)

AS_OF = date(2026, 11, 24)
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CSV_HEAD = b"id,title,authors,et_al,affiliations,category,published\r\n"


def kind_of(data: bytes) -> str:
    return sniff(open_bytes("x", data))


def refusal(data: bytes) -> str:
    with pytest.raises(ListingError) as caught:
        kind_of(data)
    return str(caught.value)


def decoded(data: bytes, keep_ends: bool = False) -> list[tuple[int, str, tuple[str, ...]]]:
    return list(decode_lines(io.BytesIO(data), keep_ends=keep_ends))


def read_listing(data: bytes) -> list[ListingEntry | ParseProblem]:
    """Sniff, decode and parse as the importer does, without a library."""
    source = open_bytes("x.txt", data)
    fmt = sniff(source)
    assert fmt in ("scored", "abstracts")
    texts = (text for _, text, _ in decode_lines(source.stream))
    return list(parse_listing(texts, as_of=AS_OF, fmt=fmt))


def entries(items: list[ListingEntry | ParseProblem]) -> list[ListingEntry]:
    return [e for e in items if isinstance(e, ListingEntry)]


def entry_lines(items: list[ListingEntry | ParseProblem]) -> list[int]:
    return [e.line for e in entries(items)]


# ------------------------------------------------------------------------------ sniffer


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (ENTRY.encode(), "scored"),
        (b"\xef\xbb\xbf" + ENTRY.replace("\n", "\r\n").encode(), "scored"),
        (b"stray first line\n" + ENTRY.encode(), "scored"),
        (b"Abstract:One.\nAbstract:Two.\n", "abstracts"),
        (b'[{"title": "A"}]', "json"),
        (b'\n  \r\n{"not": "a list"}', "json"),
        (b"\xef\xbb\xbf[]", "json"),
        (CSV_HEAD + b"1,A,B,false,,,\r\n", "csv"),
        (b"\xef\xbb\xbf" + CSV_HEAD.upper(), "csv"),
        (b"\n\n " + CSV_HEAD, "csv"),
        # Other tools' files (tests/core/test_foreign_formats.py reads them).
        (b"@article{key,\n  title={A},\n}\n", "bibtex"),
        (b"% Encoding: UTF-8\n\n@Comment{x}\n", "bibtex"),
        (b"<?xml version='1.0'?>\n<feed/>\n", "feed"),
        (b"1. \nTY  - JOUR\nTI  - A\nER  - \n", "ris"),
        (b"title,authors,abstract\nA,B,C\n", "toolcsv"),
        (b"Key;Item Type;Misc\n1;2;3\n", "toolcsv"),
    ],
)
def test_sniff_names_the_kind(data: bytes, kind: str) -> None:
    assert kind_of(data) == kind


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n", "empty file"),
        (b"\xef\xbb\xbf\xef\xbb\xbf\n", "not a listing: the file is empty"),
        (b"GIF89a\x00\x01", "binary file (NUL bytes), not a text listing"),
        (ENTRY.encode("utf-16"), "binary file (NUL bytes), not a text listing"),
        (b"\x89PNG\r\n\x1a\n\xff\xfe\xfd binary", "not UTF-8 text (byte 0)"),
        (ENTRY.replace("Adi", "Adé").encode("latin-1"), "not UTF-8 text (byte 91)"),
        (b"<html><body>A page</body></html>\n", "not a listing: looks like an XML/HTML file"),
        (b"Some prose, with a comma.\nMore.\n", "not a listing: expected a feed header like"),
        (b"Just some prose.\nMore prose.\n", "not a listing: expected a feed header like"),
    ],
)
def test_sniff_refuses_with_one_clear_reason(data: bytes, reason: str) -> None:
    assert refusal(data).startswith(reason)


def test_a_character_cut_by_the_sniff_window_is_not_a_refusal() -> None:
    pad = b"Abstract:" + b"x" * 200 + b"\n"
    head = pad * (SNIFF_BYTES // len(pad))
    data = head + b"Abstract:" + b"y" * (SNIFF_BYTES - len(head) - 10) + "é€".encode() + b"\n"
    assert data.index("é".encode()) == SNIFF_BYTES - 1
    assert kind_of(data) == "abstracts"


def test_the_listing_check_reads_past_the_window_when_it_must() -> None:
    # The first line alone is longer than the window: the lines after it decide.
    assert kind_of(b"x" * (SNIFF_BYTES * 2) + b"\n" + ENTRY.encode()) == "scored"
    message = refusal(b"x" * (2 * MAX_LINE_BYTES))
    assert message.startswith("not a listing: expected a feed header")
    assert len(message) < 200  # the line is shown cut, on one line


def test_a_long_blank_stretch_in_the_head_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_GAP_BYTES", 1 << 20)
    data = b"stray\n" + b"\n" * (3 << 19) + ENTRY.encode()
    assert refusal(data) == "1 MiB of text without a paper entry (not a listing)"


def test_lines_of_only_a_byte_order_mark_count_as_blank() -> None:
    # As the parser reads them: the header on the fourth non-blank line still decides.
    data = b"\xef\xbb\xbf\n\xef\xbb\xbf\ns1\ns2\ns3\n" + ENTRY.encode()
    assert kind_of(data) == "scored"


def test_sniff_leaves_the_stream_at_its_start() -> None:
    source = open_bytes("x.txt", b"stray\n" * 5000 + ENTRY.encode())
    with pytest.raises(ListingError):
        sniff(source)
    assert source.stream.tell() == 0
    source = open_bytes("x.txt", ENTRY.encode())
    sniff(source)
    assert source.stream.tell() == 0


def test_opening_refusals(tmp_path: Path) -> None:
    with pytest.raises(ListingError, match="no such file"):
        open_source(tmp_path / "nope.txt")
    with pytest.raises(ListingError, match="is a folder"):
        open_source(tmp_path)


@FAST
@given(st.binary(max_size=600))
def test_sniff_of_any_bytes_names_a_kind_or_refuses(raw: bytes) -> None:
    source = open_bytes("x", raw)
    try:
        assert sniff(source) in ("json", "csv", "scored", "abstracts")
    except ListingError as exc:
        assert str(exc) and "\n" not in str(exc)
    assert source.stream.tell() == 0


# ------------------------------------------------------------------------------ decoder


def test_line_endings_and_the_byte_order_mark() -> None:
    data = b"\xef\xbb\xbfa\r\nb\n\nc\rd\n\xef\xbb\xbfe"
    assert decoded(data) == [
        (1, "a", ()),
        (2, "b", ()),
        (3, "", ()),
        (4, "c\rd", ()),
        (5, "\ufeffe", ()),
    ]
    assert [t for _, t, _ in decoded(data, keep_ends=True)] == [
        "a\r\n",
        "b\n",
        "\n",
        "c\rd\n",
        "\ufeffe",
    ]
    assert decoded(b"") == []


def test_bytes_that_are_not_utf8_are_replaced_and_named() -> None:
    assert decoded(b"ok\nbad \xff\xfe here\n\xe2\x82") == [
        (1, "ok", ()),
        (2, "bad \ufffd\ufffd here", (REPLACED,)),
        (3, "\ufffd", (REPLACED,)),
    ]


def test_nul_bytes_stay_text_for_the_reader_to_judge() -> None:
    assert decoded(b"a\x00b\n") == [(1, "a\x00b", ())]


def test_an_over_long_line_is_cut_and_the_rest_of_it_skipped() -> None:
    exact = b"w" * MAX_LINE_BYTES
    over = b"x" * (3 * MAX_LINE_BYTES) + b"\xff"
    got = decoded(exact + b"\n" + over + b"\nnext\n")
    assert [(n, len(t), p) for n, t, p in got] == [
        (1, MAX_LINE_BYTES, ()),
        (2, MAX_LINE_BYTES + 1, (CUT,)),
        (3, 4, ()),
    ]
    # Cut inside a multi-byte character: both problems, on the one line.
    got = decoded(b"x" * MAX_LINE_BYTES + "é".encode() + b"tail\n")
    assert got[0][2] == (CUT, REPLACED)


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_decode_to_numbered_lines_that_rejoin_to_the_text(raw: bytes) -> None:
    lines = decoded(raw, keep_ends=True)
    assert [n for n, _, _ in lines] == list(range(1, len(lines) + 1))
    body = raw.removeprefix(b"\xef\xbb\xbf")
    assert "".join(t for _, t, _ in lines) == body.decode("utf-8", "replace")
    pieces = [piece + b"\n" for piece in raw.split(b"\n")]  # a line per LF, as read
    pieces[-1] = pieces[-1][:-1]
    if not pieces[-1]:
        pieces.pop()
    if pieces:
        pieces[0] = pieces[0].removeprefix(b"\xef\xbb\xbf")
    for (_, _, problems), piece in zip(lines, pieces, strict=True):
        assert (REPLACED in problems) == (piece != piece.decode("utf-8", "ignore").encode())
    assert [t for _, t, _ in decoded(raw)] == [t.rstrip("\r\n") for _, t, _ in lines]


@FAST
@given(
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)),
            max_size=30,
        ),
        max_size=20,
    ),
    st.sampled_from(["\n", "\r\n"]),
)
def test_text_written_with_either_ending_reads_back_line_for_line(
    lines: list[str], ending: str
) -> None:
    raw = "".join(line + ending for line in lines).encode("utf-8")
    expected = list(lines)
    if expected and expected[0].startswith("\ufeff"):
        expected[0] = expected[0][1:]  # the byte-order mark, not text
    assert [t for _, t, _ in decoded(raw)] == expected


# ------------------------------------------------------------------ sniff, decode, parse
# What the listing parser's own stream reader used to cover, now through the importer's path.


def test_bytes_with_bom_and_crlf_read_like_plain_text() -> None:
    raw = ("\ufeff" + ENTRY + ENTRY2).replace("\n", "\r\n").encode("utf-8")
    got = entries(read_listing(raw))
    assert [e.title for e in got] == [
        "Old Habits Die Hard: How Conversational History Geometrically Traps LLMs",
        "Fairness in AI",
    ]
    assert got[1].affiliations == ("mit", "eth")


def test_bad_bytes_later_in_the_file_keep_the_entry_and_nul_skips_only_its_entry() -> None:
    # Past the sniff window (inside it, either refuses the whole file).
    pad = ENTRY * (SNIFF_BYTES // len(ENTRY) + 1)
    first = pad.count("\n") + 1  # the line of ENTRY2's header
    raw = (pad + ENTRY2 + ENTRY).encode().replace(b"Successful", b"Succ\xff\xfeessful")
    got = read_listing(raw)
    assert entry_lines(got)[-3:] == [first - 3, first, first + 3]
    assert entries(got)[-2].abstract == "Succ\ufffd\ufffdessful deployment."
    raw = (pad + ENTRY2 + ENTRY).encode().replace(b"Successful", b"Succ\x00essful")
    got = read_listing(raw)
    assert [(p.line, p.reason) for p in got if isinstance(p, ParseProblem)] == [
        (first + 2, "NUL byte in line")
    ]
    assert entry_lines(got)[-2:] == [first - 3, first + 3]


def test_an_enormous_abstract_is_one_problem_and_the_rest_is_read() -> None:
    raw = (
        ENTRY.encode()
        + b"CVDec 3\nTitleJohn Smith\n"
        + b"x" * (3 * MAX_LINE_BYTES)
        + b"\n"
        + ENTRY2.encode()
    )
    got = read_listing(raw)
    assert [p.reason for p in got if isinstance(p, ParseProblem)] == [
        "line longer than 1000000 characters"
    ]
    assert len(entries(got)) == 2


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_after_a_header_parse_or_refuse_cleanly(raw: bytes) -> None:
    for data in (b"6.0CVDec 16\n" + raw, raw):
        try:
            kind = kind_of(data)
        except ListingError:
            continue
        if kind in ("scored", "abstracts"):
            assert all(item.line >= 1 for item in read_listing(data))


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("char", ["é", "€", "𝔸"])
@pytest.mark.parametrize("cut", [1, 2, 3])
def test_a_character_cut_by_the_sniff_window_after_a_bom_or_not(
    bom: bytes, char: str, cut: int
) -> None:
    """Our CSV export starts with a BOM; a note of accented text crossing the 64 KiB mark
    once made the whole file "not UTF-8 text"."""
    encoded = char.encode("utf-8")
    if cut >= len(encoded):
        return
    head = bom + b"id,title,authors\n1,"
    pad = SNIFF_BYTES - len(head) - cut  # the character starts `cut` bytes before the mark
    data = head + b"a" * pad + encoded * 4 + b"\n"
    assert kind_of(data) == "csv"
    broken = bom + b"id,title,authors\n1,\xff" + b"a" * SNIFF_BYTES
    with pytest.raises(ListingError, match=r"not UTF-8 text \(byte "):
        kind_of(broken)
