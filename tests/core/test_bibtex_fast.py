"""The fast BibTeX splitter (bibtex_fast) against bibtexparser, the parser of record: for
any file, hostile or regular, the import gives the same records and the same
`FILE:LINE: reason` problems with the fast path as with bibtexparser alone."""

from __future__ import annotations

import io
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.data import FOREIGN
from triage_app.core.ingest import bibtex_reader
from triage_app.core.ingest.bibtex_fast import split_regular
from triage_app.core.ingest.bibtex_reader import read_bibtex, split_authors
from triage_app.core.ingest.foreign_record import ForeignRecord
from triage_app.core.ingest.sources import decode_lines

# Pieces of values, hostile ones included: TeX accents and math, braces (also unbalanced
# and escaped), quotes, separators, `@`, `#`, comment signs, CR, tabs, non-ASCII.
PIECES = [
    "Deep",
    " learning",
    " of LLMs",
    "{LLMs}",
    "{{Nested} {Braces}}",
    '{\\"o}',
    "\\'e",
    "\\'{e}",
    "{\\ss}",
    "$x^2_{i}$",
    "$\\alpha$",
    "~",
    "--",
    "\\,",
    "\\\\",
    "\\&",
    "\\%",
    "{",
    "}",
    "\\{",
    "\\}",
    '"',
    '{"}',
    ",",
    " = ",
    " @ ",
    "\n@misc{",
    "\n  @",
    "#",
    "%",
    "\n",
    "\r",
    "\t",
    "  ",
    "Übersicht",
    "naïve",
    "中文",
    "x" * 300,
]
NAMES = [
    "Smith, John",
    "John Smith",
    "van der Berg, Jan",
    "Ludwig van Beethoven",
    "{Corporate Author}",
    "{\\'E}mile Zola",
    'M{\\"u}ller, J.',
    "de la Cruz, Maria",
    "others",
    "Jr, Sammy Davis",
]
FIELDS = [
    "title",
    "Title",
    "author",
    "abstract",
    "year",
    "date",
    "month",
    "doi",
    "eprint",
    "archivePrefix",
    "primaryClass",
    "keywords",
    "ranking",
    "relevance",
    "crossref",
    "comment",
    "note",
    "url",
    "booktitle",
    "file",
]
TYPES = ["article", "Article", "inproceedings", "proceedings", "mvbook", "misc", "book"]
SPACE = st.sampled_from(["", " ", "  ", "\n", "\n  ", "\t", " \n "])

text_values = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
bare_values = st.sampled_from(["2021", "1999", "jan", "Dec", "neurips", "rank3", "x_y-z"])
author_values = st.lists(st.sampled_from(NAMES), min_size=1, max_size=5).map(" and ".join)


@st.composite
def field_values(draw: st.DrawFn, name: str) -> str:
    text = draw(author_values if name == "author" else text_values)
    form = draw(st.sampled_from(["brace", "brace", "quote", "bare", "concat", "raw"]))
    if form == "brace":
        return "{" + text + "}"
    if form == "quote":
        return '"' + text + '"'
    if form == "bare":
        return draw(bare_values)
    if form == "concat":
        return draw(bare_values) + " # {" + text + "}"
    return text  # whatever the text is, unwrapped


@st.composite
def entries(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from([*TYPES, *TYPES, "string", "String", "comment", "preamble"]))
    key = draw(st.sampled_from(["key1", "key2", "Smith:2020", "a b", "", "10.1/x", "vol1"]))
    if kind.lower() == "string":
        name = draw(st.sampled_from(["neurips", "jan", "NeurIPS", "my-macro"]))
        return f"@{kind}{{{name} = {draw(field_values('title'))}}}"
    if kind in ("comment", "preamble"):
        return f"@{kind}{{{draw(text_values)}}}"
    names = draw(st.lists(st.sampled_from(FIELDS), max_size=7))
    sp = [draw(SPACE) for _ in range(4)]
    body = ",".join(f"{sp[0]}{n}{sp[1]}={sp[2]}{draw(field_values(n))}{sp[3]}" for n in names)
    opening = draw(st.sampled_from(["{", "{", "{", "(", " {", "\t{"]))
    closing = draw(st.sampled_from(["}", "}", ",\n}", ",}", " }", ")", "\n}\n"]))
    return f"@{kind}{opening}{draw(SPACE)}{key},{body}{closing}"


gaps = st.sampled_from(["\n", "\n\n", "\n% a comment\n", "\n% mail me@example.org\n", "\nx "])


@st.composite
def bib_files(draw: st.DrawFn) -> bytes:
    parts = draw(st.lists(st.tuples(gaps, entries()), max_size=8))
    text = "".join(g + e for g, e in parts)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if draw(st.booleans()) else data


def _read(data: bytes, fast: bool) -> list[object]:
    lines = (text for _, text, _ in decode_lines(io.BytesIO(data)))
    return list(read_bibtex(lines, "x.bib", fast=fast))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=bib_files(), chunk=st.sampled_from([1, 2, 500]))
def test_the_fast_path_reads_any_file_as_bibtexparser_does(data: bytes, chunk: int) -> None:
    # Small chunks mix fast and bibtexparser-read chunks, `@string`s and crossrefs across them.
    with patch.object(bibtex_reader, "CHUNK_ENTRIES", chunk):
        assert _read(data, fast=True) == _read(data, fast=False)


SAFE_PIECES = [p for p in PIECES if p not in ("{", "}", "\\{", "\\}", "\n@misc{", "\n  @")]


@st.composite
def near_regular_files(draw: st.DrawFn) -> bytes:
    """Regular in shape, hostile in values: most are the fast path's to read, some not."""
    out = []
    for i in range(draw(st.integers(1, 4))):
        names = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=6))
        pieces = st.sampled_from(SAFE_PIECES if draw(st.integers(0, 4)) else PIECES)
        fields = []
        for n in names:
            text = "".join(draw(st.lists(pieces, max_size=5)))
            form = draw(st.sampled_from(["{%s}", "{%s}", '"%s"', "2020", "neurips"]))
            value = form % text if "%s" in form else form
            fields.append(f"{draw(SPACE)}{n}{draw(SPACE)}={draw(SPACE)}{value}{draw(SPACE)}")
        closing = draw(st.sampled_from(["}", ",\n}", ",}", "\n}"]))
        out.append(f"\n@{draw(st.sampled_from(TYPES))}{{k{i},{','.join(fields)}{closing}\n")
    text = "".join(out)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=near_regular_files())
def test_regular_entries_with_hostile_values_read_as_bibtexparser_reads_them(data: bytes) -> None:
    assert _read(data, fast=True) == _read(data, fast=False)


@st.composite
def regular_files(draw: st.DrawFn) -> tuple[bytes, int]:
    """What nearly every tool writes: the shape the fast path must take on itself."""
    count = draw(st.integers(1, 6))
    out = ["% Encoding: UTF-8\n\n@String{neurips = {Advances in NeurIPS}}\n"]
    for i in range(count):
        title = draw(st.lists(st.sampled_from(PIECES[:14] + PIECES[34:]), max_size=5))
        year = draw(st.sampled_from(["2021", "{2021}", '"2021"']))
        abstract = draw(st.sampled_from(["", "Plain text.", "Two\nlines."]))
        fields = [
            f"  title = {{Paper {''.join(title)}}}",
            f"  author = {{{draw(author_values)}}}",
            "  booktitle = neurips",
            f"  year = {year}",
            f'  abstract = "{abstract}"',
        ]
        out.append(f"\n@{draw(st.sampled_from(TYPES[:3]))}{{key{i},\n" + ",\n".join(fields))
        out.append(draw(st.sampled_from([",\n}\n", "\n}\n"])))
    return "".join(out).encode("utf-8"), count


@settings(max_examples=100, deadline=None)
@given(case=regular_files())
def test_the_fast_path_takes_the_regular_shape_itself(case: tuple[bytes, int]) -> None:
    data, count = case
    text = "\n".join(t for _, t, _ in decode_lines(io.BytesIO(data)))
    blocks = split_regular(text)
    assert blocks is not None and [b[0] for b in blocks].count("string") == 1
    records = _read(data, fast=True)
    assert len(records) == count and all(isinstance(r, ForeignRecord) for r in records)
    assert records == _read(data, fast=False)


@pytest.mark.parametrize("path", sorted(FOREIGN.glob("*.bib")), ids=lambda p: p.name)
def test_the_genuine_samples_read_the_same_either_way(path: object) -> None:
    data = FOREIGN.joinpath(str(path)).read_bytes()
    assert _read(data, fast=True) == _read(data, fast=False)


def test_lines_are_those_of_each_entry_s_at_sign() -> None:
    data = b"% x\n\n@article{a,\n title = {One},\n year = 2020}\n\n\n@misc{b, title={Two}}\n"
    text = "\n".join(t for _, t, _ in decode_lines(io.BytesIO(data)))
    assert [b[4] for b in split_regular(text) or []] == [2, 7]
    assert [r.line for r in _read(data, fast=True)] == [3, 8]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "data",
    [
        b"@article{a,\n title = {Line \\\\\n break},\n year = 2020}\n\n@misc{b, title={Two}}\n",
        b'@article{a,\n title = "Quote \\" inside", year = 2020}\n@misc{b, title={Two}}\n',
        b"@article{a,\n title = {Brace \\{ escaped},\n}\n@misc{b, title={Two}}\n",
        b"@article{a,\n title = {Two},\n title = {Twice}}\n@misc{b, title={Two}}\n",
        b"@article{a,\n abstract = {x\n @misc{b, title={Two}}\n",
    ],
)
def test_what_bibtexparser_reads_its_own_way_reads_the_same(data: bytes) -> None:
    text = "\n".join(t for _, t, _ in decode_lines(io.BytesIO(data)))
    assert split_regular(text) is None
    assert _read(data, fast=True) == _read(data, fast=False)


@settings(max_examples=1000, deadline=None)
@given(
    raw=st.lists(
        st.sampled_from(["and", "AND", "aNd", "an", "nd", " ", "\t", "\r\n", "\xa0", "~"])
        | st.sampled_from(["Smith, J.", "van der Berg", "others", "{A and B}", "\\&", "a", "d"]),
        max_size=12,
    ).map("".join)
)
def test_author_lists_split_as_bibtexparser_splits_them(raw: str) -> None:
    from bibtexparser.middlewares.names import split_multiple_persons_names

    assert split_authors(raw) == split_multiple_persons_names(raw)
