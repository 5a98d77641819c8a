"""Files the tools wrote themselves (provenance in tests/data/README.md): a Rayyan project
export, a JabRef library with its ranking fields, a recorded arXiv API answer. Every title,
author list, year, identifier and decision is asserted as the file holds it."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from tests.core.test_foreign_readers import records
from tests.data import FOREIGN
from triage_app.core.ingest.foreign_record import ForeignRecord
from triage_app.core.ingest.importer import import_source, open_bytes
from triage_app.core.store.library import Library


def seen(record: ForeignRecord) -> dict[str, Any]:
    row = record.row
    return {
        "title": row["title"],
        "authors": json.loads(row["authors"]),
        "year": int(row["published"][:4]) if row["published"] else None,
        "arxiv_id": row["arxiv_id"],
        "doi": row["doi"],
    }


def decided(record: ForeignRecord) -> tuple[Any, ...]:
    return (record.status, record.starred, record.rating, record.note, record.tags)


# ------------------------------------------------------------------------- Rayyan
def test_a_rayyan_project_export_brings_every_title_doi_and_vote() -> None:
    got = records("rayyan_pilot_export.csv")
    text = (FOREIGN / "rayyan_pilot_export.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(got) == len(rows) == 13
    # Titles as the file holds them (Rayyan keeps the journals' final full stop).
    assert [r.row["title"] for r in got] == [row["title"] for row in rows]
    assert got[0].row["title"] == (
        "A novel scoring system to predict short-term mortality after living donor liver "
        "transplantation for acute liver failure."
    )
    assert got[7].row["title"] == (
        "Impact of preoperative haemoglobin, albumin, lymphocyte, and platelet score on oral "
        "cancer prognosis."
    )
    # This project's export has no authors and no years (their cells are empty), only DOIs.
    assert {(s["year"], tuple(s["authors"]), s["arxiv_id"]) for s in map(seen, got)} == {
        (None, (), None)
    }
    assert [r.row["doi"] for r in got] == [
        "10.1016/j.ajt.2024.04.016",
        "10.1016/j.compbiomed.2024.108496",
        "10.3389/fmed.2024.1359414",
        "10.3390/jcm13072037",
        "10.1007/s10238-024-01333-z",
        "10.1111/ejh.14218",
        "10.1016/j.clinph.2024.03.033",
        "10.1111/odi.14950",
        "10.1177/19476035241244491",
        "10.1016/j.heliyon.2024.e30268",
        "10.1016/j.pacs.2024.100606",
        "10.1002/jmri.29399",
        "10.1016/j.breast.2024.103737",
    ]
    # One reviewer ("Alexander"): Included -> kept, Excluded -> dismissed, no vote -> none.
    assert [r.status for r in got] == [
        "kept",
        "kept",
        "dismissed",
        "kept",
        "kept",
        "kept",
        "kept",
        "dismissed",
        "kept",
        "kept",
        None,
        None,
        None,
    ]
    assert {decided(r)[1:] for r in got} == {(False, None, "", ())}
    # The abstracts arrive with the file's own mis-decoded characters, as Rayyan wrote them.
    assert "patients â‰¥18 years old" in got[0].row["abstract"]


def test_the_rayyan_export_imports_with_its_decisions(library: Library) -> None:
    data = (FOREIGN / "rayyan_pilot_export.csv").read_bytes()
    report = import_source(library, open_bytes("articles.csv", data))
    assert (report.new, report.skipped, report.problems) == (13, 0, [])
    assert report.summary() == (
        "articles.csv: 13 new, 0 merged, 0 already known, 0 skipped; "
        "decisions taken: 8 kept, 2 dismissed"
    )


# ------------------------------------------------------------------------- JabRef
JABREF = [
    # (title, authors, year, doi, rating, tags)
    (
        "CORDIC II: A New Improved CORDIC Algorithm",
        ["Mario Garrido", "Petter Kallstrom", "Martin Kumm", "Oscar Gustafsson"],
        2016,
        "10.1109/tcsii.2015.2483422",
        None,
        (),
    ),
    (
        "Decimation filters for high-speed delta-sigma modulators with passband constraints: "
        "General versus CIC-based FIR filters",
        ["Oscar Gustafsson", "Håkan Johansson"],
        2015,
        "10.1109/iscas.2015.7169119",
        None,
        (),
    ),
    (
        "Filter-bank based all-digital channelizers and aggregators for multi-standard video "
        "distribution",
        ["Håkan Johansson", "Oscar Gustafsson"],
        2015,
        "10.1109/icdsp.2015.7252052",
        4,
        (),
    ),
    (
        "On the Evolution of BPMN 2.0 Support and Implementation",
        ["Matthias Geiger", "Simon Harrer", "Jörg Lenhard", "Guido Wirtz"],
        2016,
        "10.1109/sose.2016.39",
        4,
        (),
    ),
    (
        "Improving the Static Analysis Conformance of BPEL Engines with BPELlint",
        [
            "Simon Harrer",
            "Matthias Geiger",
            "Christian R. Preißinger",
            "David Bimamisa",
            "Stephan J.A. Schuberth",
            "Guido Wirtz",
        ],
        2015,
        "10.1109/sose.2015.21",
        5,
        (),
    ),
    (
        "Automated and Isolated Tests for Complex Middleware Products: The Case of BPEL Engines",
        ["Simon Harrer", "Cedric Röck", "Guido Wirtz"],
        2014,
        "10.1109/icstw.2014.45",
        2,
        (),
    ),
    (
        "Process Engine Selection Support",
        ["Simon Harrer"],
        2014,
        "10.1007/978-3-662-45550-0_3",
        None,
        ("BPMS selection", "evaluation"),
    ),
    (
        "Has WS-I's Work Resulted in WS-* Interoperability?",
        ["Andreas Schönberger", "Johannes Schwalb", "Guido Wirtz"],
        2011,
        None,
        None,
        (
            "Web Services Interoperability",
            "Interoperability Testing",
            "WS-Security",
            "WS-ReliableMessaging",
        ),
    ),
    (
        "QoS-Enabled Business-to-Business Integration Using ebBP to WS-BPEL Translations",
        [
            "Andreas Schönberger",
            "Thomas Benker",
            "Stefan Fritzemeier",
            "Matthias Geiger",
            "Simon Harrer",
            "Tristan Kessner",
            "Johannes Schwalb",
            "Guido Wirtz",
        ],
        2009,
        "10.1109/scc.2009.56",
        None,
        ("B2Bi", "ebXML BPSS", "WS-BPEL", "Quality of Service", "NES", "conformance"),
    ),
    (
        "Streamlining DevOps automation for Cloud applications using TOSCA as standardized "
        "metamodel",
        ["Johannes Wettinger", "Uwe Breitenbücher", "Oliver Kopp", "Frank Leymann"],
        2016,
        "10.1016/j.future.2015.07.017",
        4,
        (),
    ),
    (
        "A Modelling Concept to Integrate Declarative and Imperative Cloud Application "
        "Provisioning Technologies",
        ["Uwe Breitenbücher", "Tobias Binz", "Oliver Kopp", "Frank Leymann", "Johannes Wettinger"],
        2015,
        "10.5220/0005495104870496",
        3,
        (),
    ),
    (
        "Service Outsourcing with Process Views",
        ["Rik Eshuis", "Alex Norta", "Oliver Kopp", "Esa Pitkanen"],
        2015,
        "10.1109/tsc.2013.51",
        2,
        (),
    ),
    (
        "Markdown Architectural Decision Records: Format and Tool Support",
        ["Oliver Kopp", "Anita Armbruster", "Olaf Zimmermann"],
        2018,
        None,
        None,
        (
            "ADR",
            "MADR",
            "architecture decision records",
            "architectural decision records",
            "Nygard",
        ),
    ),
]


def test_a_jabref_library_brings_names_years_dois_ratings_and_keywords() -> None:
    got = records("jabref_authors.bib")
    assert [
        (s["title"], s["authors"], s["year"], s["doi"], r.rating, r.tags)
        for r, s in ((r, seen(r)) for r in got)
    ] == [tuple(e) for e in JABREF]
    # JabRef's `priority` and `readstatus` are no decisions of this app; nothing else is set.
    assert {(r.status, r.starred, r.note) for r in got} == {(None, False, "")}
    assert {r.row["arxiv_id"] for r in got} == {None}
    assert [r.line for r in got][:3] == [3, 18, 31]


# -------------------------------------------------------------------------- arXiv
ARXIV = [
    # (arXiv id, version, title, authors, year, doi, journal reference, category)
    (
        "1501.05039",
        1,
        "Defining Data Science",
        ["Yangyong Zhu", "Yun Xiong"],
        2015,
        None,
        None,
        "DB",
    ),
    (
        "1503.01162",
        1,
        "Report on a Boston University Conference December 7-8, 2012 on 'How Can the History "
        "and Philosophy of Science Contribute to Contemporary U.S. Science Teaching?'",
        ["Peter Garik", "Yann Benétreau-Dupin"],
        2015,
        "10.1007/s11191-014-9716-8",
        "Science & Education, September 2014, 23(9): 1853-1873",
        "physics.ed-ph",
    ),
    (
        "quant-ph/0210005",
        1,
        "Quantum information science and complex quantum systems",
        ["Michael A. Nielsen"],
        2002,
        None,
        None,
        "quant-ph",
    ),
    (
        "0808.0631",
        1,
        "Comment: The 2005 Neyman Lecture: Dynamic Indeterminism in Science",
        ["Hans R. Künsch"],
        2008,
        "10.1214/07-sts246b",
        "Statistical Science 2008, Vol. 23, No. 1, 65-68",
        "stat.ME",
    ),
    (
        "0808.0638",
        1,
        "Comment: The 2005 Neyman Lecture: Dynamic Indeterminism in Science",
        ["Grace L. Yang"],
        2008,
        "10.1214/07-sts246a",
        "Statistical Science 2008, Vol. 23, No. 1, 69-75",
        "stat.ME",
    ),
    (
        "0808.0639",
        1,
        "Rejoinder: The 2005 Neyman Lecture: Dynamic Indeterminism in Science",
        ["David R. Brillinger"],
        2008,
        "10.1214/08-sts246rej",
        "Statistical Science 2008, Vol. 23, No. 1, 76-77",
        "stat.ME",
    ),
    (
        "0705.1367",
        1,
        "Logic Column 18: Alternative Logics: A Book Review",
        ["Riccardo Pucella"],
        2007,
        None,
        None,
        "LO",
    ),
    (
        "1802.03292",
        1,
        "Mathematical Logic in Computer Science",
        ["Assaf Kfoury"],
        2018,
        None,
        None,
        "LO",
    ),
    (
        "physics/0507092",
        1,
        "Science,technology and society",
        ["G. Giacomelli", "R. Giacomelli"],
        2005,
        "10.1142/9789812701893_0020",
        None,
        "physics.soc-ph",
    ),
    (
        "1312.7288",
        1,
        "The Science of al-Biruni",
        ["Amelia Carolina Sparavigna"],
        2013,
        "10.18483/ijsci.364",
        "International Journal of Sciences 2(12), 52-60, 2013",
        "physics.hist-ph",
    ),
]


def test_a_recorded_arxiv_api_answer_brings_every_field() -> None:
    got = records("arxiv_api_science.xml")
    assert [
        (
            r.row["arxiv_id"],
            r.row["arxiv_version"],
            s["title"],
            s["authors"],
            s["year"],
            s["doi"],
            r.row["journal_ref"],
            r.row["category"],
        )
        for r, s in ((r, seen(r)) for r in got)
    ] == [tuple(e) for e in ARXIV]
    assert [r.row["published"] for r in got][:3] == ["2015-01-21", "2015-03-03", "2002-10-01"]
    assert json.loads(got[8].row["affiliations"]) == ["Bologna University and INFN"]
    assert got[3].row["abstract"] == (
        "Comment on ``The 2005 Neyman Lecture: Dynamic Indeterminism in Science'' [arXiv:0808.0620]"
    )
    assert {decided(r) for r in got} == {(None, False, None, "", ())}
