"""CSV export: exact cells, spreadsheet safety, csv-module and re-import round trips."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.export_library import paper, paper_object, restore
from triage_app.core.export.csv_table import write_csv
from triage_app.core.export.service import export_papers
from triage_app.core.ingest.csv_readback import read_csv_backup
from triage_app.core.ingest.entries import ParseProblem
from triage_app.core.ingest.importer import _text_lines, import_path, import_source, open_bytes
from triage_app.core.records import CSV_COLUMNS, join_items, neutralise, split_items
from triage_app.core.store import open_library
from triage_app.core.triage.decisions import clean_tag

HEADER = (
    "id,title,authors,et_al,affiliations,category,published,score,has_code,status,"
    "starred,rating,tags,note,abstract,sources,included,year,url,arxiv_id,doi,arxiv_version,journal_ref"
)


def csv_text(*papers, excel: bool = False) -> str:
    out = io.StringIO(newline="")
    write_csv(papers, out, excel=excel)
    return out.getvalue()


def read_back(text: str):
    # The lines exactly as the importer hands them to the reader.
    lines = _text_lines(io.BytesIO(text.encode("utf-8")), [], keep_ends=True)
    return list(read_csv_backup(lines, "t.csv"))


def test_header_and_row_cells_are_exact() -> None:
    text = csv_text(
        paper(
            arxiv_id="2502.12345",
            doi="10.1000/trust.2025",
            arxiv_version=2,
            journal_ref="Trust Journal 3, 14 (2025)",
        )
    )
    assert text.split("\r\n")[0] == HEADER
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == [
        "1",
        "Trust Me, I Am Wrong: LLMs Hallucinate",
        "Adi Simhi; Jan van der Berg",
        "true",
        "Technion",
        "CL",
        "2025-02-17",
        "7.5",
        "true",
        "kept",
        "true",
        "4",
        "survey; llm",
        "read §3",
        "We study hallucinations.",
        "004_b.txt:7@abc123 2026-11-24T08:00:00.000000+00:00",
        "1",
        "2025",
        "https://arxiv.org/abs/2502.12345",  # its arXiv id known: the abstract page
        "2502.12345",
        "10.1000/trust.2025",
        "2",
        "Trust Journal 3, 14 (2025)",
    ]
    assert rows[0] == list(CSV_COLUMNS)


def test_empty_values_are_empty_cells() -> None:
    row = next(
        csv.reader(
            [
                csv_text(
                    paper(
                        title=None,
                        authors=(),
                        et_al=False,
                        affiliations=(),
                        category=None,
                        published=None,
                        score=None,
                        has_code=False,
                        status="new",
                        starred=False,
                        rating=None,
                        note="",
                        tags=(),
                        sources=(),
                    )
                )[len(HEADER) + 2 :]
            ]
        )
    )
    assert row == [
        "1",
        "",
        "",
        "false",
        "",
        "",
        "",
        "",
        "false",
        "new",
        "false",
        "",
        "",
        "",
        "We study hallucinations.",
        "",
        "",
        "",
        "https://arxiv.org/search/?query=We%20study%20hallucinations.&searchtype=abstract",
        "",
        "",
        "",
        "",
    ]


def test_formula_prefixes_are_neutralised_and_restored() -> None:
    """Only what a spreadsheet evaluates is guarded (Excel: a cell starting with `=`, `+`,
    `-` or `@`; OWASP's CSV-injection page adds tab and CR); a signed number, a lone sign
    and text that merely starts with `'` show as typed."""
    hostile = ["=1+1", "+SUM(A1)", "-2+3+cmd|' /C calc'!A0", "@cmd", "\tx", "\rx", "- item"]
    assert [neutralise(h) for h in hostile] == ["'" + h for h in hostile]
    shown = ["-2", "+1.5e3", "-", "'quoted'", "''", "a=b", "'", "it's"]
    assert [neutralise(s) for s in shown] == shown
    assert neutralise("=") == "'="
    assert neutralise("'=x") == "''=x"  # a typed `'` before a formula: ours comes off alone
    hostile += [*shown, "=", "'=x", "''-y"]
    papers = [paper(i + 1, title=h, note=h, tags=(h,), authors=(h,)) for i, h in enumerate(hostile)]
    records = read_back(csv_text(*papers))
    assert [(r.row["title"], r.note, r.tags, r.row["authors"]) for r in records] == [
        (h, h, (h,), f'["{h}"]'.replace("\t", "\\t").replace("\r", "\\r")) for h in hostile
    ]


def test_list_items_with_separators_and_backslashes_round_trip() -> None:
    items = ["a; b", "c;d", "back\\slash", "\\", ";", " lead", "trail\\;", "plain"]
    joined = join_items(items)
    # Only a `;` in an item, and a `\` before `;`, `\` or the item's end, are escaped.
    assert joined == "a\\; b; c\\;d; back\\slash; \\\\; \\;;  lead; trail\\\\\\;; plain"
    assert split_items(joined) == items
    assert join_items(["C:\\data", "to read", "x\\y"]) == "C:\\data; to read; x\\y"
    # Older files doubled every backslash; the same reader reads them.
    assert split_items("back\\\\slash; \\\\; trail\\\\\\;") == ["back\\slash", "\\", "trail\\;"]
    assert split_items("x;y; z") == ["x", "y", "z"]  # edited by hand without spaces


def test_multiline_note_survives_quoting_and_the_csv_module() -> None:
    note = 'line one\nline "two", with comma\r\nline three\rend'
    text = csv_text(paper(note=note))
    assert list(csv.reader(io.StringIO(text, newline="")))[1][13] == note
    (record,) = read_back(text)
    assert record.note == note


def test_bom_variant_starts_with_a_bom_and_still_imports() -> None:
    text = csv_text(paper(title="Über Äpfel"), excel=True)
    assert text.startswith("\ufeff" + HEADER)
    with tempfile.TemporaryDirectory() as tmp, open_library(Path(tmp) / "lib") as lib:
        report = import_source(lib, open_bytes("x.csv", text.encode("utf-8")))
        assert (report.new, report.problems) == (1, [])
        assert lib.get_paper(lib.all_ids()[0]).title == "Über Äpfel"


def test_bad_rows_are_reported_with_their_line_and_the_rest_imports() -> None:
    good = csv_text(paper(1), paper(2, title="Second Paper", abstract="Other."))
    lines = good.split("\r\n")
    bad_rating = lines[2].replace(",true,4,", ",true,9,")
    text = "\r\n".join([lines[0], lines[1], "1,only,three", bad_rating, ""])
    items = read_back(text)
    assert [type(i).__name__ for i in items] == ["BackupRecord", "ParseProblem", "ParseProblem"]
    assert items[1] == ParseProblem(3, "expected 23 cells, found 3")
    assert items[2] == ParseProblem(4, "rating must be 1-5 or null, not 9")


def test_reimport_into_an_empty_library_restores_papers_and_decisions(tmp_path: Path) -> None:
    with open_library(tmp_path / "a") as lib:
        restore(
            lib,
            tmp_path,
            [
                paper_object(
                    1,
                    status="kept",
                    starred=True,
                    rating=5,
                    tags=["survey", "to read"],
                    note="=cmd|' /C calc'!A0\nsecond line",
                    authors=["Ada Lovelace", "Alan Turing"],
                    et_al=True,
                    affiliations=["Cambridge; UK"],
                    score=-3.25,
                ),
                paper_object(2, status="dismissed", title="-Minus Title", abstract="A, b; c."),
                paper_object(3),
            ],
        )
        first = [p.to_json() for p in lib.iter_papers()]
        export_papers(lib, "csv", tmp_path / "out.csv")
    with open_library(tmp_path / "b") as lib:
        report = import_path(lib, tmp_path / "out.csv")
        assert (report.new, report.skipped, report.problems) == (3, 0, [])
        second = [p.to_json() for p in lib.iter_papers()]
        export_papers(lib, "csv", tmp_path / "again.csv")
    compared = (
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
    )
    assert [{k: p[k] for k in compared} for p in second] == [
        {k: p[k] for k in compared} for p in first
    ]
    assert (tmp_path / "again.csv").read_text() == (tmp_path / "out.csv").read_text()
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbfid,title,")


# ------------------------------------------------------------------ hostile text
HOSTILE = st.sampled_from(
    [*"\"',;\n\r\t{}\\%$#&_~^<>=+-@|é漢😀\u2028\x0b\x1c ab", "<b>x</b>", "=HYPERLINK(", "\r\n"]
)
hostile_text = st.lists(
    st.one_of(HOSTILE, st.text(max_size=5).filter(lambda s: "\x00" not in s)), max_size=12
).map("".join)
tags = st.lists(hostile_text.map(clean_tag).filter(bool), max_size=4, unique_by=str.casefold)


@settings(max_examples=300, deadline=None)
@given(
    title=hostile_text,
    note=hostile_text,
    tag_list=tags,
    authors=st.lists(hostile_text.filter(bool), max_size=3),
)
def test_hostile_fields_round_trip_through_the_csv_reader(title, note, tag_list, authors) -> None:
    original = paper(
        title=title or "t", note=note, tags=tuple(tag_list), authors=tuple(authors), abstract=title
    )
    (record,) = read_back(csv_text(original))
    assert (record.row["title"], record.note, list(record.tags), record.row["abstract"]) == (
        title or "t",
        note,
        tag_list,
        title,
    )
    assert split_items(join_items(authors)) == authors


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=hostile_text, note=hostile_text, tag_list=tags)
def test_hostile_fields_survive_export_and_reimport(title, note, tag_list) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with open_library(folder / "a") as lib:
            restore(
                lib,
                folder,
                [
                    paper_object(
                        1, title=title + "x", note=note, tags=tag_list, status="kept", rating=2
                    )
                ],
            )
            export_papers(lib, "csv", folder / "out.csv")
        with open_library(folder / "b") as lib:
            report = import_path(lib, folder / "out.csv")
            assert (report.new, report.problems) == (1, [])
            (back,) = lib.iter_papers()
    assert (back.title, back.note, sorted(back.tags), back.status, back.rating) == (
        title + "x",
        note,
        sorted(tag_list),
        "kept",
        2,
    )
