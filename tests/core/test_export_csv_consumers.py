"""The CSV export as ASReview LAB and spreadsheets read it, and old files still restoring."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.core.consumer_library import PAPERS
from tests.core.export_library import paper
from tests.core.test_export_links import same_link
from triage_app.core.export.csv_table import write_csv
from triage_app.core.ingest.csv_readback import read_csv_backup
from triage_app.core.ingest.importer import _text_lines
from triage_app.core.triage import arxiv_url

# ASReview LAB 3.0.8 (PyPI wheel asreview-3.0.8; github.com/asreview/asreview, tag v3.0.8):
# asreview/data/base.py `BaseReader.__alternative_column_names__` and `standardize_column_names`
# (lower-cased, stripped header; an alias is used only when the column itself is absent),
# asreview/data/utils.py `standardize_included_label` ("" -> None, "0"/"1"/"yes"/"no"...),
# `convert_value_to_int` (year) and `convert_value_to_list` (authors, keywords: split on
# LIST_JOIN_CHAR = ";"), asreview/data/record.py `Record` (the columns it keeps: title,
# abstract, authors, keywords, year, doi, url, included; `included` must be 0, 1 or None),
# asreview/data/tabular.py `CSVReader.read_data` (pd.read_csv(sep=None, engine="python"),
# utf-8 first).
ALIASES = {
    "abstract": ["abstract", "notes_abstract", "abstract note"],
    "authors": ["authors", "first_authors", "author names"],
    "included": [
        "asreview_label",
        "included",
        "label",
        "final_included",
        "label_included",
        "included_label",
        "included_final",
        "included_flag",
        "include",
    ],
    "title": ["title", "primary_title"],
}
RECORD_COLUMNS = ("title", "abstract", "authors", "keywords", "year", "doi", "url", "included")
INCLUDED = {"": None, "0": 0, "1": 1, "yes": 1, "no": 0, "y": 1, "n": 0}


def asreview_records(data: bytes) -> list[dict[str, Any]]:
    """ASReview's CSV reader, rule by rule (the package pulls pandas, scikit-learn and a web
    stack, too much for this project's CI)."""
    text = data.decode("utf-8")
    first_line = text.split("\n", 1)[0]
    dialect = csv.Sniffer().sniff(first_line)  # what sep=None does with the python engine
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), dialect))
    header = [h.lower().strip() for h in rows[0]]
    records = []
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=True))
        for column, aliases in ALIASES.items():
            present = [a for a in aliases if a in cells]
            if column not in cells and present:
                cells[column] = cells[present[0]]  # the first alias found wins
        record: dict[str, Any] = {c: cells[c] or None for c in RECORD_COLUMNS if c in cells}
        record["included"] = INCLUDED[cells["included"]]
        record["year"] = int(cells["year"]) if cells["year"] else None
        record["authors"] = cells["authors"].split(";") if cells["authors"] else []
        records.append(record)
    return records


def exported(papers=PAPERS) -> bytes:
    out = io.StringIO(newline="")
    write_csv(papers, out, excel=True)
    return out.getvalue().encode("utf-8")


def test_asreview_reads_every_decision_year_title_author_and_link() -> None:
    records = asreview_records(exported())
    assert [r["included"] for r in records] == [
        {"kept": 1, "dismissed": 0, "new": None}[p.status] for p in PAPERS
    ]
    assert [r["year"] for r in records] == [p.published and p.published.year for p in PAPERS]
    assert [r["title"] for r in records] == [p.title for p in PAPERS]
    assert [r["abstract"] for r in records] == [p.abstract or None for p in PAPERS]
    # ASReview splits on ";" alone: each name arrives, after the separator's space.
    assert [[a.strip() for a in r["authors"]] for r in records] == [list(p.authors) for p in PAPERS]
    assert all(same_link(r["url"], arxiv_url(p)) for r, p in zip(records, PAPERS, strict=True))
    assert [r["doi"] for r in records] == [p.doi for p in PAPERS]


def test_the_file_says_utf8_to_spreadsheets_and_ordinary_text_shows_as_typed() -> None:
    data = exported()
    assert data.startswith(b"\xef\xbb\xbfid,")  # LibreOffice and Excel detect UTF-8 by it
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    first, second, third = rows[:3]
    assert first["tags"] == "survey; to read\\; later; C:\\data"  # only the `;` in a tag
    assert first["note"] == PAPERS[0].note  # a dash list: `- ` is not evaluated
    assert first["authors"] == "Vinícius García; José María García; Łukasz Kaiser"
    assert second["note"] == "'quoted' aside"
    assert third["note"] == "'" + PAPERS[2].note  # a formula: guarded


def test_ordinary_notes_and_tags_get_no_guard_or_escape() -> None:
    ordinary = ["- first\n- second", "+1 for this", "@alice said so", "'quoted'", "to read"]
    papers = [paper(i + 1, note=t, tags=(t.replace("\n", " "),)) for i, t in enumerate(ordinary)]
    rows = list(csv.DictReader(io.StringIO(exported(papers).decode("utf-8-sig"), newline="")))
    # Excel evaluates a cell that starts with `-`, `+` or `@` (`- first` is `=-first`): those
    # are guarded; a `'` or a word at the start is shown as typed.
    assert [r["note"] for r in rows] == ["'" + t for t in ordinary[:3]] + ordinary[3:]


LEGACY_CSV = (
    # A file written by the previous codec: every `'`, `-`, `+` cell guarded, every `\`
    # doubled, no BOM, no included/year/url columns.
    "id,title,authors,et_al,affiliations,category,published,score,has_code,status,"
    "starred,rating,tags,note,abstract,sources\r\n"
    "1,'-2,A B,false,,CL,2025-02-17,,false,kept,false,,back\\\\slash; a\\;b,''quoted,"
    "'- dash,\r\n"
)


def test_an_old_csv_still_restores_exactly() -> None:
    lines = _text_lines(io.BytesIO(LEGACY_CSV.encode()), [], keep_ends=True)
    (record,) = read_csv_backup(lines, "old.csv")
    assert (record.row["title"], record.tags, record.note, record.row["abstract"]) == (
        "-2",
        ("back\\slash", "a;b"),
        "'quoted",
        "- dash",
    )


@pytest.mark.parametrize("target", PAPERS)
def test_every_consumer_paper_restores_from_the_new_csv(target) -> None:
    data = exported((target,))
    lines = _text_lines(io.BytesIO(data), [], keep_ends=True)
    (record,) = read_csv_backup(lines, "new.csv")
    assert (record.row["title"], record.tags, record.note, record.row["abstract"]) == (
        target.title,
        target.tags,
        target.note,
        target.abstract,
    )
