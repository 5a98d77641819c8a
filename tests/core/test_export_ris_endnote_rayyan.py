"""The RIS export as EndNote and Rayyan file it, by the rules read from their sources
(neither runs here: EndNote is commercial desktop software, Rayyan a web service).

EndNote: the RIS Format Specification of 2011 (Thomson Reuters, EndNote's publisher), its
table of what each tag is for each reference type, as customcommander/ris reproduces it
(fields-matrix.csv, commit ebb1b136626f22376007dbc5ca4f62c168fb4990, MIT): the MANSCPT
column is EndNote's Manuscript reference type. ENDNOTE_MANSCPT is that column for the
tags the export writes; UNPB's column, for contrast, names TI "Title of Work" and has no
"Description of Material" or "Manuscript Number".

Rayyan: its importer is open source. rayyanqcri/ref_parsers (lib/ref_parsers/line_parser.rb
and ris_parser.rb, commit 4fef7734ca406fc0641955518311679d4b087f0d) splits a file into
records: a line `^(TAG)  -(\\s*(.*))?$` for a known tag starts a field, any other
non-blank line continues the previous one, joined by NEWLINE_MERGER (five spaces), and a
repeated tag becomes a list. hammady/rayyan-formats-plugins (plugins/refman.rb, commit
04c29a1b08c8e504778f0d1c9f9ba9b00e181534) makes the article: title = T1 || TI || CT || BT;
the date from PY (split at `/`, space, `-`); authors from AU, A1..A4 in order; the
abstract from AB and N2; a type other than JOUR/ELEC/ABST/EJOUR/THES becomes a
publication type of that name; each KW split at NEWLINE_MERGER, `--` and `;` into
keyphrases; url = UR; notes from N1; AD only as a publisher's location when there is a
PB (there is none here), and an affiliation only from AV.
"""

from __future__ import annotations

import re
from typing import Any

from tests.core.consumer_library import PAPERS
from tests.core.test_export_ris_consumers import exported
from triage_app.core.export.cited_title import cited_title
from triage_app.core.export.paper_links import paper_url
from triage_app.core.export.ris import RECORD_TYPE, decisions_note, ris_author

# EndNote's field for each tag the export writes, in a MANSCPT (Manuscript) record.
ENDNOTE_MANSCPT = {
    "AU": "Author",
    "TI": "Title",
    "AB": "Abstract",
    "PY": "Year",
    "DA": "Date",
    "M3": "Type of Work",
    "UR": "URL",
    "DO": "DOI",  # the table's DO row is DOI for every type
    "KW": "Keywords",
    "AD": "Author Address",
    "N1": "Notes",
}
# Tags every RIS reader takes as the record's frame or its own id, not as a field.
FRAME = {"TY", "ER", "ID"}

_RAYYAN_TAGS = (
    "A1|A2|A3|A4|AB|AD|AN|AU|AV|BT|C1|C2|C3|C4|C5|C6|C7|C8|CA|CN|CP|CT|CY|DA|DB|DO|DP|ED|EP|"
    "ER|ET|ID|IS|J1|J2|JA|JF|JO|KW|L1|L2|L3|L4|LA|LB|M1|M2|M3|N1|N2|NV|OP|PB|PY|RI|RN|RP|SE|"
    "SN|SP|ST|SV|T1|T2|T3|TA|TI|TT|TY|U1|U5|UR|VL|Y1|Y2|Y3"
)
_RAYYAN_LINE = re.compile(rf"^({_RAYYAN_TAGS})  -(\s*(.*))?$")
NEWLINE_MERGER = "     "
_KEYPHRASE_SPLIT = re.compile(rf"{NEWLINE_MERGER}|--|;")


def tags_written(text: str) -> set[str]:
    return {line[:2] for line in text.split("\n") if re.match(r"^[A-Z][A-Z0-9]  -", line)}


def rayyan_records(text: str) -> list[dict[str, Any]]:
    """ref_parsers' RISParser: records of tag -> value, or a list for a repeated tag."""
    records: list[dict[str, Any]] = []
    fields: list[list[str]] = []
    for line in re.split(r"\n\r|\r\n|\n|\r", text):
        if not line.strip():
            continue
        found = _RAYYAN_LINE.match(line)
        if found is None:
            if fields:
                fields[-1][1] += NEWLINE_MERGER + line
            continue
        key, value = found[1], (found[3] or "").strip()
        if key == "TY":
            fields = [[key, value]]
        elif key == "ER":
            record: dict[str, Any] = {"type": fields[0][1]}
            for k, v in fields[1:]:
                if k not in record:
                    record[k] = v
                elif isinstance(record[k], list):
                    record[k].append(v)
                else:
                    record[k] = [record[k], v]
            records.append(record)
            fields = []
        else:
            fields.append([key, value])
    return records


def _listed(value: Any) -> list[str]:
    return [] if value is None else value if isinstance(value, list) else [value]


def rayyan_article(record: dict[str, Any]) -> dict[str, Any]:
    """rayyan-formats-plugins' Refman plugin: what an article keeps of a record."""
    title = record.get("T1") or record.get("TI") or record.get("CT") or record.get("BT")
    date = record.get("PY")
    kind = record["type"]
    return {
        "title": title,
        "year": int(re.split(r"[/\s-]", date)[0]) if date else None,
        "authors": [a for k in ("AU", "A1", "A2", "A3", "A4") for a in _listed(record.get(k))],
        "abstracts": _listed(record.get("AB")) + _listed(record.get("N2")),
        "publication_type": "Journal Article"
        if kind in ("JOUR", "ELEC", "ABST", "EJOUR")
        else "Thesis"
        if kind == "THES"
        else kind,
        "keyphrases": [
            part.strip()
            for kw in _listed(record.get("KW"))
            for part in _KEYPHRASE_SPLIT.split(kw)
            if part.strip()
        ],
        "url": record.get("UR"),
        "notes": _listed(record.get("N1")),
        "affiliation": record.get("AV"),
    }


def test_endnote_files_every_field_of_a_manuscript() -> None:
    text = exported()
    assert {line for line in text.split("\n") if line.startswith("TY  -")} == {"TY  - MANSCPT"}
    assert RECORD_TYPE == "MANSCPT"
    written = tags_written(text) - FRAME
    # Every tag the export writes has a field in EndNote's Manuscript type.
    assert written <= set(ENDNOTE_MANSCPT), written - set(ENDNOTE_MANSCPT)
    assert written == set(ENDNOTE_MANSCPT)  # the hostile library uses every one of them


def test_rayyan_reads_titles_authors_years_abstracts_links_and_notes() -> None:
    articles = [rayyan_article(r) for r in rayyan_records(exported())]
    assert len(articles) == len(PAPERS)
    for paper, article in zip(PAPERS, articles, strict=True):
        assert article["title"] == cited_title(paper.title, paper.abstract)
        assert article["authors"] == [ris_author(a) for a in paper.authors]
        assert article["year"] == (paper.published.year if paper.published else None)
        assert article["abstracts"] == (
            [" ".join(paper.abstract.split())] if paper.abstract else []
        )
        assert article["url"] == paper_url(paper.arxiv_id, paper.title, paper.abstract)
        assert article["publication_type"] == "MANSCPT"  # not filed as a journal article
        assert article["notes"][0] == decisions_note(paper)  # decisions arrive as notes
        assert article["affiliation"] is None  # AD is not read without a publisher
        if paper.note:
            # The note's lines arrive joined by Rayyan's five-space line merger.
            assert NEWLINE_MERGER.join(
                line.strip() for line in paper.note.splitlines() if line.strip()
            ) in [
                NEWLINE_MERGER.join(p.strip() for p in n.split(NEWLINE_MERGER))
                for n in article["notes"]
            ]


def test_rayyan_splits_a_tag_holding_a_semicolon_as_zotero_does() -> None:
    first = rayyan_article(rayyan_records(exported())[0])
    assert PAPERS[0].tags == ("survey", "to read; later", "C:\\data")
    assert first["keyphrases"] == ["survey", "to read", "later", "C:\\data"]
