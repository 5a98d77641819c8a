"""Web of Science "plain text" exports: a real export read field by field (wosfile's own
test file, provenance in tests/data/README.md), detection, and broken files reported in
one line each."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.test_foreign_readers import read, records
from tests.data import FOREIGN
from triage_app.core.ingest.entries import ListingError, ParseProblem
from triage_app.core.ingest.foreign_record import ForeignRecord
from triage_app.core.ingest.importer import import_source, open_bytes
from triage_app.core.store.library import Library

WOS = [
    (
        "Knowledge networks as channels and conduits: The effects of spillovers in the "
        "Boston biotechnology community",
        ["J Owen-Smith", "WW Powell"],
        2004,
        "10.1287/orsc.1030.0054",
        ("knowledge networks", "economic geography", "spillovers", "biotechnology", "patenting"),
    ),
    (
        "IntAct - open source resource for molecular interaction data",
        [
            "S. Kerrien",
            "Y. Alam-Faruque",
            "B. Aranda",
            "I. Bancarz",
            "A. Bridge",
            "C. Derow",
            "E. Dimmer",
            "M. Feuermann",
            "A. Friedrichsen",
            "R. Huntley",
            "C. Kohler",
            "J. Khadake",
            "C. Leroy",
            "A. Liban",
            "C. Lieftink",
            "L. Montecchi-Palazzi",
            "S. Orchard",
            "J. Risse",
            "K. Robbe",
            "B. Roechert",
            "D. Thorneycroft",
            "Y. Zhang",
            "R. Apweiler",
            "H. Hermjakob",
        ],
        2007,
        "10.1093/nar/gkl958",
        (),
    ),
    (
        "Reactome: a database of reactions, pathways and biological processes",
        [
            "David Croft",
            "Gavin O'Kelly",
            "Guanming Wu",
            "Robin Haw",
            "Marc Gillespie",
            "Lisa Matthews",
            "Michael Caudy",
            "Phani Garapati",
            "Gopal Gopinath",
            "Bijay Jassal",
            "Steven Jupe",
            "Irina Kalatskaya",
            "Shahana Mahajan",
            "Bruce May",
            "Nelson Ndegwa",
            "Esther Schmidt",
            "Veronica Shamovsky",
            "Christina Yung",
            "Ewan Birney",
            "Henning Hermjakob",
            "Peter D'Eustachio",
            "Lincoln Stein",
        ],
        2011,
        "10.1093/nar/gkq1018",
        (),
    ),
    (
        "Cerebellar circuitry as a neuronal machine",
        ["Masao Ito"],
        2006,
        "10.1016/j.pneurobio.2006.02.006",
        (
            "adaptation",
            "basket cell",
            "cerebellum",
            "climbing fiber",
            "JC Eccles",
            "Golgi cell",
            "internal model",
            "long-term depression",
            "Lugaro cell",
            "Purkinje cell",
        ),
    ),
    (
        "PID: the Pathway Interaction Database",
        [
            "Carl F. Schaefer",
            "Kira Anthony",
            "Shiva Krupa",
            "Jeffrey Buchoff",
            "Matthew Day",
            "Timo Hannay",
            "Kenneth H. Buetow",
        ],
        2009,
        "10.1093/nar/gkn653",
        (),
    ),
    (
        "Visualizing knowledge domains",
        ["K Borner", "CM Chen", "KW Boyack"],
        2003,
        "10.1002/aris.1440370106",
        (),
    ),
]


def summary(got: list) -> list[tuple]:
    """(title, authors, year, DOI, tags) of each record, as `WOS` lists them."""
    return [
        (
            r.row["title"],
            json.loads(r.row["authors"]),
            int(r.row["published"][:4]),
            r.row["doi"],
            r.tags,
        )
        for r in got
    ]


def test_a_real_export_brings_every_title_author_year_doi_and_keyword() -> None:
    kind, _ = read("wos_plaintext.txt")
    assert kind == "wos"
    got = records("wos_plaintext.txt")
    assert summary(got) == WOS
    # `PD JAN-FEB` / `FEB-APR`: the first month; the file's BOM and `FN`/`VR` header skipped.
    assert [r.row["published"] for r in got] == [
        "2004-01-01",
        "2007-01-01",
        "2011-01-01",
        "2006-02-01",
        "2009-01-01",
        "2003-01-01",
    ]
    assert [r.line for r in got] == [3, 109, 209, 339, 719, 787]
    # C1 addresses, `[Authors]` dropped, once each, in the file's order.
    assert json.loads(got[2].row["affiliations"])[:3] == [
        "Ontario Inst Canc Res Informat & Biocomp, Toronto, ON M5G 0A3, Canada.",
        "Wellcome Trust Genome Campus, European Bioinformat Inst, Cambridge CB10 1SD, England.",
        "St Johns Univ, Coll Pharm & Allied Hlth Profess, Queens, NY 11439 USA.",
    ]
    assert got[0].row["abstract"].startswith("We contend that two important, nonrelational,")
    assert got[5].row["abstract"] == ""  # no AB in that record
    assert {(r.status, r.starred, r.rating, r.note) for r in got} == {(None, False, None, "")}


def test_the_export_imports_once(library: Library) -> None:
    data = (FOREIGN / "wos_plaintext.txt").read_bytes()
    first = import_source(library, open_bytes("savedrecs.txt", data))
    assert (first.new, first.skipped, first.problems) == (6, 0, [])
    again = import_source(library, open_bytes("again.txt", data.replace(b"\nEF", b"\n\nEF")))
    assert (again.new, again.merged) == (0, 6)  # by DOI


HEAD = "FN Clarivate Analytics Web of Science\nVR 1.0\n"
GOOD = "PT J\nAU Doe, J\nTI A title\n   over two lines\nPY 2020\nDI 10.1000/abc\nER\n"


def test_broken_files_are_one_line_each() -> None:
    kind, items = read("cut.txt", (HEAD + GOOD).encode())  # no EF: cut short
    assert kind == "wos"
    assert isinstance(items[0], ForeignRecord)
    assert items[0].row["title"] == "A title over two lines"
    assert items[1] == ParseProblem(9, "Encountered EOF before 'EF' marker")
    _, items = read("bare.txt", (HEAD + "PT J\nAB\nTI x\nER\n" + GOOD + "EF\n").encode())
    assert items[0] == ParseProblem(3, "a line holds a tag without a value")
    assert [i.row["title"] for i in items[1:] if isinstance(i, ForeignRecord)] == [
        "A title over two lines"
    ]
    _, items = read("notitle.txt", (HEAD + "PT J\nPY 2020\nER\nEF\n").encode())
    assert items == [ParseProblem(3, "a record needs a title or an abstract")]
    endless = HEAD + GOOD + "PT J\nTI never ends\n" + "   more\n" * 20_000
    _, items = read("endless.txt", endless.encode())
    assert items[1:] == [
        ParseProblem(10, "a record longer than 20,000 lines (no ER): the rest was skipped")
    ]


def test_another_version_is_refused() -> None:
    try:
        read("v2.txt", (HEAD.replace("VR 1.0", "VR 2.0") + GOOD + "EF\n").encode())
    except ListingError as exc:
        assert str(exc).startswith("not a Web of Science plain text file (Unknown version")
    else:
        raise AssertionError("a file of another version was read")


@settings(max_examples=150, deadline=None)
@given(
    body=st.lists(
        st.one_of(
            st.sampled_from(["ER", "EF", "PT J", "TI x", "AU Doe, J", "   more", "", "AB", "XX y"]),
            st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
        ),
        max_size=30,
    )
)
def test_any_body_after_the_header_reads_or_reports_never_raises(body: list[str]) -> None:
    try:
        kind, items = read("x.txt", (HEAD + "\n".join(body) + "\n").encode())
    except ListingError:
        return  # refused whole (control characters read as a binary file): one line too
    assert kind == "wos"
    assert all(isinstance(i, ForeignRecord | ParseProblem) for i in items)


def test_the_tab_delimited_export_of_the_same_records_reads_the_same() -> None:
    # WoS's "Tab-delimited file" is a table: the tool-table reader maps its tags as columns
    # (`TI`, `AF` before `AU`, `AB`, `PY` + `PD`, `DI`, `DE`).
    kind, _ = read("wos_tab_delimited.txt")
    assert kind == "toolcsv"
    got = records("wos_tab_delimited.txt")
    assert summary(got) == WOS
    assert [r.row["published"] for r in got] == [
        r.row["published"] for r in records("wos_plaintext.txt")
    ]
