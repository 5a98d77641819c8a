"""Other tools' files read field by field: real exports of Zotero, ASReview, Scopus,
JabRef, arXiv, Rayyan (tests/data/foreign, provenance in tests/data/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.data import FOREIGN
from triage_app.core.ingest.entries import ListingError, ParseProblem
from triage_app.core.ingest.foreign_formats import read_foreign
from triage_app.core.ingest.foreign_record import ForeignRecord
from triage_app.core.ingest.sources import decode_lines, open_bytes, open_source, sniff


def read(name: str, data: bytes | None = None) -> tuple[str, list[ForeignRecord | ParseProblem]]:
    source = open_bytes(name, data) if data is not None else open_source(FOREIGN / name)
    with source.stream:
        kind = sniff(source)
        lines = (t for _, t, _ in decode_lines(source.stream, keep_ends=kind == "toolcsv"))
        return kind, list(read_foreign(kind, lines, name))


def records(name: str, data: bytes | None = None) -> list[ForeignRecord]:
    _, items = read(name, data)
    assert all(isinstance(i, ForeignRecord) for i in items), items
    return [i for i in items if isinstance(i, ForeignRecord)]


def fields(record: ForeignRecord) -> dict[str, Any]:
    row = record.row
    return {
        "title": row["title"],
        "authors": json.loads(row["authors"]),
        "et_al": row["et_al"],
        "published": row["published"],
        "arxiv_id": row["arxiv_id"],
        "doi": row["doi"],
        "category": row["category"],
    }


def decisions(record: ForeignRecord) -> tuple[Any, ...]:
    return (record.status, record.starred, record.rating, record.note, record.tags)


# ---------------------------------------------------------------------------- RIS
def test_rispy_full_example_numbered_records_a1_t1_y1_n2() -> None:
    got = records("rispy_example_full.ris")
    assert [fields(r) for r in got] == [
        {
            "title": "Title of reference",
            "authors": ["Karl Marx", "Astrid Lindgren"],
            "et_al": False,
            "published": "2014-01-01",
            "arxiv_id": None,
            "doi": None,
            "category": None,
        },
        {
            "title": "The title of the reference",
            "authors": ["Karlus Marxus", "Astrid Lindgren"],
            "et_al": False,
            "published": "2006-01-01",
            "arxiv_id": None,
            "doi": None,
            "category": None,
        },
    ]
    assert [r.line for r in got] == [2, 29]
    assert got[0].row["abstract"].startswith("BACKGROUND: Lorem ipsum dolor sit amet")
    assert [r.tags for r in got] == [
        ("Pippi", "Nordwind", "Piraten"),
        ("Pippi Langstrumpf", "Nordwind", "Piraten"),
    ]


def test_asreview_labels_in_ris_notes() -> None:
    got = records("asreview_tag_notes_labels.ris")
    assert [(r.status, r.note) for r in got] == [
        ("kept", ""),
        ("dismissed", ""),
        (None, ""),
        (None, "Additional notes"),
        ("kept", "Additional notes. Additional notes"),
        ("dismissed", "Additional notes"),
        (None, ""),
    ]


def test_zotero_ris_via_asreview_html_notes_dates_dois_particles() -> None:
    got = records("asreview_zotero.ris")
    first = fields(got[0])
    assert first["title"] == (
        "An open source machine learning framework for efficient and transparent systematic reviews"
    )
    assert first["authors"][:2] == ["Rens van de Schoot", "Jonathan de Bruin"]
    assert len(first["authors"]) == 17
    assert (first["published"], first["doi"]) == ("2021-02-01", "10.1038/s42256-020-00287-7")
    assert [fields(r)["published"] for r in got] == ["2021-02-01", "2020-01-01", "2015-07-24"]
    assert [r.status for r in got] == ["kept", "kept", None]  # <p>ASReview_not_seen</p>
    assert got[1].row["authors"] == json.dumps(
        [
            "Alice Veldkamp",
            "Liesbeth van de Grint",
            "Marie-Christine P. J. Knippels",
            "Wouter R. van Joolingen",
        ]
    )
    assert got[2].tags[:2] == ("Systematic review", "Meta-analysis")


def test_scopus_bookkeeping_notes_are_not_the_note() -> None:
    (got,) = records("scopus.ris")
    assert fields(got) == {
        "title": "Stress and the brain-gut axis in functional and chronic-inflammatory "
        "gastrointestinal diseases: A transdisciplinary challenge",
        "authors": ["A. Labanski", "J. Langhorst", "H. Engler", "S. Elsenbruch"],
        "et_al": False,
        "published": "2020-01-01",
        "arxiv_id": None,
        "doi": "10.1016/j.psyneuen.2019.104501",
        "category": None,
    }
    assert got.note == "" and got.status is None
    assert len(got.tags) == 9


def test_unknown_tags_and_a_comma_without_space() -> None:
    (got,) = records("rispy_multi_unknown_tags.ris")
    assert fields(got)["authors"] == ["Claude E. Shannon"]
    assert fields(got)["published"] == "1948-01-01"


def test_an_author_of_commas_only_is_no_author() -> None:
    # Both once failed on an IndexError: the RIS record was refused, the BibTeX file
    # raised a traceback.
    ris = b"TY  - JOUR\nTI  - A title here\nAU  - ,\nAU  - Shannon, Claude\nER  - \n"
    bib = b"@article{a,\n  title = {A title here},\n  author = {, and Shannon, Claude},\n}\n"
    for name, data in (("commas.ris", ris), ("commas.bib", bib)):
        (got,) = records(name, data)
        assert fields(got)["authors"] == ["Claude Shannon"], name


def test_bom_record_without_title_is_a_problem_with_its_line() -> None:
    kind, items = read("rispy_example_bom.ris")
    assert kind == "ris"
    assert items == [ParseProblem(1, "a record needs a title or an abstract")]


def test_crlf_odd_spacing_repeated_tags_and_no_final_er() -> None:
    data = (
        "\ufeffProvider: Example\r\n\r\nTY - JOUR\r\nTI  -First title\r\nTI  - Second title\r\n"
        "AU  - Doe, Jane\r\nAU  - Roe, R.\r\nAB  - An abstract that goes\r\n  on a second line.\r\n"
        "PY  - 2023///\r\nXY  - unknown tag\r\nUR  - https://arxiv.org/abs/2301.00001v3\r\n"
        "ER  - \r\n\r\nTY  - JOUR\r\nT1  - Last record\r\n"
    ).encode()
    got = records("x.ris", data)
    assert [fields(r) for r in got] == [
        {
            "title": "First title",
            "authors": ["Jane Doe", "R. Roe"],
            "et_al": False,
            "published": "2023-01-01",
            "arxiv_id": "2301.00001",
            "doi": None,
            "category": None,
        },
        {
            "title": "Last record",
            "authors": [],
            "et_al": False,
            "published": None,
            "arxiv_id": None,
            "doi": None,
            "category": None,
        },
    ]
    assert got[0].row["abstract"] == "An abstract that goes on a second line."
    assert [r.line for r in got] == [3, 15]


def test_our_own_ris_export_decisions_come_back() -> None:
    data = (
        b"TY  - UNPB\nID  - 4\nAU  - Turner, Alex\nTI  - Steering\nKW  - rl\n"
        b"N1  - triage: kept; rating 4; starred\nN1  - ASReview_relevant\nN1  - my note\nER  - \n"
    )
    (got,) = records("x.ris", data)
    assert decisions(got) == ("kept", True, 4, "my note", ("rl",))


# ------------------------------------------------------------------------- BibTeX
def test_arxiv_bibtex_exports() -> None:
    got = records("arxiv_export.bib")
    assert [fields(r) for r in got] == [
        {
            "title": "Personality Alignment of Large Language Models",
            "authors": ["Minjun Zhu", "Linyi Yang", "Yue Zhang"],
            "et_al": False,
            "published": "2024-01-01",
            "arxiv_id": "2408.11779",
            "doi": None,
            "category": "CL",
        },
        {
            "title": "Tucano: Advancing Neural Text Generation for Portuguese",
            "authors": ["Nicholas Kluge Corrêa", "Aniket Sen", "Sophia Falk", "Shiza Fatimah"],
            "et_al": False,
            "published": "2024-01-01",
            "arxiv_id": "2411.07854",
            "doi": None,
            "category": "CL",
        },
        {
            "title": "SummVis: Interactive Visual Analysis of Models, Data, and Evaluation "
            "for Text Summarization",
            "authors": ["Jesse Vig", "Wojciech Kryściński", "Karan Goel", "Nazneen Fatema Rajani"],
            "et_al": False,
            "published": "2021-01-01",
            "arxiv_id": "2104.07605",
            "doi": None,
            "category": "CL",
        },
    ]


def test_jabref_file_strings_comments_preamble_accents_particles() -> None:
    got = records("jabref_complex.bib")
    assert [fields(r)["title"] for r in got] == [
        "The trouble with login: on usability and computer security in ubiquitous computing",
        "Extending XP practices to support security requirements engineering",
        "Security and Usability",
        "Article with complex Authornames",
        "Two experiences designing for effective security",
        "Are Usability and Security Two Opposite Directions in Computer Systems?",
    ]
    assert fields(got[1])["authors"] == [
        "Gustav Boström",
        "Jaana Wäyrynen",
        "Marine Bodén",
        "Konstantin Beznosov",
        "Philippe Kruchten",
    ]
    # `von Last, Jr, First`: the particle and the suffix where a reader expects them.
    assert fields(got[3])["authors"][:2] == ["Eric von Hippel", "Joseph M. Reagle Jr."]
    assert fields(got[4])["authors"][0] == "Rogério de Paula"
    assert [fields(r)["doi"] for r in got[:2]] == [
        "10.1007/s00779-005-0347-6",
        "10.1145/1137627.1137631",
    ]
    assert [r.line for r in got] == [11, 27, 44, 52, 67, 84]


def test_jabref_special_fields_are_decisions_not_tags() -> None:
    got = records("jabref_decisions.bib")
    assert decisions(got[0]) == (
        None,
        True,
        4,
        "Re-read section 2 before the seminar.",
        ("information theory",),
    )
    assert decisions(got[1]) == (None, False, 2, "", ("transformers", "attention"))
    assert fields(got[1])["arxiv_id"] == "1706.03762"
    assert got[1].row["arxiv_version"] == 7  # eprint = {1706.03762v7}
    assert got[2].row["arxiv_version"] is None  # an id in `journal` names no version
    assert fields(got[1])["et_al"] is True  # `and others`
    assert fields(got[2])["authors"] == ["OpenAI"]  # {Corporate Author}
    assert fields(got[2])["title"] == "GPT-4 Technical Report"
    assert fields(got[2])["arxiv_id"] == "2303.08774"  # Google Scholar's journal field


def test_crossref_macros_concatenation_math_and_a_broken_block() -> None:
    data = rb"""@string{conf = "Proc. of "}
@inproceedings{child, title = {On $\alpha$-nets and {\"U}bermodels}, author = {Doe, J.},
  booktitle = conf # "ACL", crossref = {parent}, month = mar}
@misc{broken, title = {never closed
@proceedings{parent, title = {Proceedings}, year = 2021}
@article{late, title = "Late " # "title", year = {2020}, doi = {https://doi.org/10.1/ABCD.5}}
"""
    kind, items = read("x.bib", data)
    assert kind == "bibtex"
    problems = [i for i in items if isinstance(i, ParseProblem)]
    assert [p.line for p in problems] == [4]
    got = {r.row["title"]: r for r in items if isinstance(r, ForeignRecord)}
    assert set(got) == {"On $\\alpha$-nets and Übermodels", "Late title"}
    assert got["On $\\alpha$-nets and Übermodels"].row["published"] == "2021-03-01"
    assert got["Late title"].row["doi"] is None  # 10.1 is no DOI prefix
    assert got["On $\\alpha$-nets and Übermodels"].line == 2


# ------------------------------------------------------------------ tool CSV files
def test_asreview_csv_labels_authors_keywords() -> None:
    got = records("asreview_generic_labels.csv")
    assert [fields(r)["authors"] for r in got] == [
        ["Karl Marx", "Astrid Lindgren"],
        ["Karlus Marxus", "Astrid Lindgren"],
    ]
    assert [(r.status, r.tags) for r in got] == [
        ("kept", ("Pippi", "Nordwind", "Piraten")),
        ("dismissed", ("Pippi Langstrumpf", "Nordwind", "Piraten")),
    ]
    assert [r.note for r in got] == ["", ""]  # ASReview's `note` column is RIS's M1
    assert [r.line for r in got] == [2, 3]


def test_asreview_semicolon_csv_without_labels() -> None:
    got = records("asreview_generic_semicolon.csv")
    assert [fields(r)["title"] for r in got] == ["Title of reference", "The title of the reference"]
    assert [r.status for r in got] == [None, None]


def test_rayyan_inclusion_labels_and_user_notes() -> None:
    got = records("rayyan_articles.csv")
    assert [decisions(r) for r in got] == [
        ("kept", False, None, "", ("POMS", "handebol")),
        ("dismissed", False, None, "", ()),
        (None, False, None, "", ()),  # the reviewers disagree: no decision
        ("dismissed", False, None, "check the definition\nsecond note", ("ML", "Hospital")),
    ]
    assert fields(got[0])["doi"] == "10.1080/02640414.2023.1234567"
    assert fields(got[0])["authors"] == ["G.T. Vilarino", "A. Andrade"]


def test_a_table_without_usable_columns_names_what_it_needs() -> None:
    with pytest.raises(ListingError) as caught:
        read("x.csv", b"Key,Journal,Volume\n1,Nature,3\n")
    assert str(caught.value) == (
        "CSV columns not recognised: a table needs a `title` or an `abstract` column "
        "(also read: authors, year, doi, url, keywords, notes, included or label_included); "
        "this file has: Key, Journal, Volume"
    )


# -------------------------------------------------------------------------- feeds
def test_arxiv_api_response() -> None:
    got = records("arxiv_api.xml")
    assert [fields(r) for r in got] == [
        {
            "title": "On coincidence of Alday-Maldacena-regularized $σ$-model and Nambu-Goto "
            "areas of minimal surfaces",
            "authors": ["A. Popolitov"],
            "et_al": False,
            "published": "2007-10-10",
            "arxiv_id": "0710.2073",
            "doi": "10.1134/s0021364007210011",
            "category": "hep-th",
        },
        {
            "title": "Impact of Electron-Electron Cusp on Configuration Interaction Energies",
            "authors": ["David Prendergast", "M. Nolan", "J. C. Greer"],
            "et_al": False,
            "published": "2001-02-28",
            "arxiv_id": "cond-mat/0102536",
            "doi": "10.1063/1.1383585",
            "category": "cond-mat.str-el",
        },
        {
            "title": "Landau--Kolmogorov inequality revisited",
            "authors": ["Alexei Shadrin"],
            "et_al": False,
            "published": "2012-10-29",
            "arxiv_id": "1210.7708",
            "doi": None,
            "category": "math.NA",
        },
    ]
    assert got[0].row["abstract"].startswith("For the $\\sigma$-model and Nambu-Goto actions, ")
    assert "\n" not in got[0].row["abstract"]
    assert json.loads(got[1].row["affiliations"]) == [
        "Department of Physics",
        "NMRC, University College, Cork, Ireland",
    ]
    assert [r.line for r in got] == [10, 34, 63]
    assert [(r.row["arxiv_version"], r.row["journal_ref"]) for r in got] == [
        (2, "JETP Lett.86:559-561,2008"),
        (1, "J. Chem. Phys. 115, 1626 (2001)"),
        (1, None),
    ]


def test_arxiv_rss_category_feed() -> None:
    got = records("arxiv_rss_cs_ai.xml")
    assert [fields(r) for r in got] == [
        {
            "title": "Learning to Reason with Small Models",
            "authors": ["Ada Lovelace", "Alan Turing", "Grace Hopper"],
            "et_al": False,
            "published": "2024-09-30",
            "arxiv_id": "2409.01234",
            "doi": None,
            "category": "AI",
        },
        {
            "title": "SVDformer: Direction-Aware Spectral Graph Embedding Learning via SVD "
            "and Transformer",
            "authors": ["Jiayu Fang", "Zhiqi Shao", "S T Boris Choy", "Junbin Gao"],
            "et_al": False,
            "published": "2024-09-30",
            "arxiv_id": "2508.13435",
            "doi": "10.1234/journal.2026.12345",
            "category": "AI",
        },
    ]
    assert got[0].row["abstract"] == (
        "We show that small models can reason about $k$-step problems when they are "
        "trained on short chains of thought."
    )
    # arXiv's RSS names the journal reference `arxiv:journal_reference`, its API `journal_ref`.
    assert [(r.row["arxiv_version"], r.row["journal_ref"]) for r in got] == [
        (1, None),
        (2, "J. Graph Learn. 1, 2 (2026)"),
    ]


def test_xml_with_entities_is_refused_not_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&b;</title></entry></feed>\n'
    )
    with pytest.raises(ListingError) as caught:
        read("bomb.xml", bomb)
    assert str(caught.value).startswith("XML refused: EntitiesForbidden")


def test_a_feed_cut_short_keeps_the_entries_before_the_cut() -> None:
    data = (FOREIGN / "arxiv_api.xml").read_bytes()
    cut = data[: data.index(b"<entry>", data.index(b"<entry>") + 1) + 40]
    _, items = read("cut.xml", cut)
    assert [type(i).__name__ for i in items] == ["ForeignRecord", "ParseProblem"]
    assert isinstance(items[1], ParseProblem) and "malformed XML" in items[1].reason


def test_every_sample_file_is_listed_in_the_provenance_readme() -> None:
    readme = (FOREIGN.parent / "README.md").read_text()
    missing = [p.name for p in sorted(Path(FOREIGN).iterdir()) if p.name not in readme]
    assert missing == []
