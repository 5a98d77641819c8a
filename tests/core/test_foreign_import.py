"""Other tools' files through the importer: one paper per arXiv id or DOI across files and
versions, fields filled from the richer source, decisions that only ever fill in."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.data import FOREIGN
from triage_app.core.ingest.importer import ImportReport, import_source, open_bytes
from triage_app.core.store import open_library
from triage_app.core.store.library import Library
from triage_app.core.triage import DecisionPatch, mark

AS_OF = date(2026, 11, 24)
ABSTRACT = (
    "We show that small models can reason about $k$-step problems when they are trained "
    "on short chains of thought."
)
# One paper as a scored listing shows it (three authors and "et al.", no identifier) and as
# arXiv's API returns it.
LISTING = (
    "91.0AISep 30, 2024\nLearning to Reason with Small Models"
    f"Adi Simhi, Fazl Barez, Martin Tutek et al.\n{ABSTRACT}\n"
)
AUTHORS = ["Adi Simhi", "Fazl Barez", "Martin Tutek", "Grace Hopper"]
FEED = (
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
    "<entry><id>http://arxiv.org/abs/2409.01234v1</id>"
    "<published>2024-09-30T17:58:06Z</published>"
    "<title>Learning to Reason with\n  Small Models</title>"
    f"<summary>  {ABSTRACT}\n</summary>"
    + "".join(f"<author><name>{a}</name></author>" for a in AUTHORS)
    + '<arxiv:primary_category term="cs.AI"/></entry></feed>\n'
)
BIBTEX = """@misc{lovelace2024learning,
  title = {Learning to Reason with Small Models},
  author = {Simhi, Adi and Barez, Fazl and others},
  year = {2024}, eprint = {2409.01234v2}, archivePrefix = {arXiv}, primaryClass = {cs.AI},
  doi = {10.5555/reason.2024}, keywords = {reasoning}, ranking = {rank5},
}
"""


COLUMNS = (
    "id title authors et_al arxiv_id doi category published status starred rating note sources"
)


def imp(library: Library, name: str, text: str | bytes) -> ImportReport:
    data = text.encode() if isinstance(text, str) else text
    return import_source(library, open_bytes(name, data), as_of=AS_OF)


def rows(library: Library) -> list[dict[str, Any]]:
    with library.read() as conn:
        result = conn.exec_driver_sql(
            "SELECT id, title, authors, et_al, arxiv_id, doi, category, published, status, "
            "starred, rating, note, (SELECT count(*) FROM source s WHERE s.paper_id = p.id) "
            "FROM paper p ORDER BY id"
        )
        keys = [
            "id",
            "title",
            "authors",
            "et_al",
            "arxiv_id",
            "doi",
            "category",
            "published",
            "status",
            "starred",
            "rating",
            "note",
            "sources",
        ]
        return [dict(zip(keys, r, strict=True)) for r in result]


def tags(library: Library, pid: int) -> list[str]:
    with library.read() as conn:
        return [
            n
            for (n,) in conn.exec_driver_sql(
                "SELECT t.name FROM tag t JOIN paper_tag pt ON pt.tag_id = t.id "
                "WHERE pt.paper_id = ? ORDER BY t.name",
                (pid,),
            )
        ]


def test_one_paper_from_a_listing_a_feed_and_a_bibtex_file(library: Library) -> None:
    assert imp(library, "digest.txt", LISTING).new == 1
    feed = imp(library, "query.xml", FEED)
    assert (feed.new, feed.merged) == (0, 1)
    bib = imp(library, "refs.bib", BIBTEX)
    assert (bib.new, bib.merged) == (0, 1)
    paper = rows(library)[0]
    assert paper == {
        "id": 1,
        "title": "Learning to Reason with Small Models",
        # The listing's "et al." is filled from the feed's full list; nothing else changes.
        "authors": json.dumps(AUTHORS),
        "et_al": 0,
        "arxiv_id": "2409.01234",
        "doi": "10.5555/reason.2024",
        "category": "AI",
        "published": "2024-09-30",
        "status": "kept",  # rank5 in the BibTeX file: a rating keeps a new paper
        "starred": 0,
        "rating": 5,
        "note": "",
        "sources": 3,
    }
    assert tags(library, 1) == ["reasoning"]
    assert bib.summary() == "refs.bib: 0 new, 1 merged, 0 already known, 0 skipped; " + (
        "decisions taken: 1 kept, 1 rated, 1 tagged"
    )


def test_versions_are_one_paper_and_other_ids_with_the_same_title_are_not(
    library: Library,
) -> None:
    v1 = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        "<id>http://arxiv.org/abs/2401.00001v1</id><title>A</title>"
        "<summary>First version of the abstract, long enough.</summary></entry></feed>"
    )
    v2 = (
        v1.replace("v1<", "v2<")
        .replace("First version", "Second version")
        .replace("<title>A<", "<title>A, revised<")
    )
    other = v1.replace("2401.00001v1", "2401.00002v1").replace("First", "Another")
    assert imp(library, "v1.xml", v1).new == 1
    assert (imp(library, "v2.xml", v2).merged, imp(library, "other.xml", other).new) == (1, 1)
    assert [(r["arxiv_id"], r["title"], r["sources"]) for r in rows(library)] == [
        ("2401.00001", "A", 2),
        ("2401.00002", "A", 1),
    ]


def test_a_doi_joins_files_whatever_its_case_and_resolver(library: Library) -> None:
    ris = "TY  - JOUR\nTI  - Some Paper\nDO  - 10.1038/S42256-020-00287-7\nER  - \n"
    bib = "@article{k, title={Some Paper, extended}, doi={https://doi.org/10.1038/s42256-020-00287-7}}\n"
    assert imp(library, "a.ris", ris).new == 1
    assert imp(library, "b.bib", bib).merged == 1
    assert [r["doi"] for r in rows(library)] == ["10.1038/s42256-020-00287-7"]


def test_a_feed_fetched_twice_adds_nothing(library: Library) -> None:
    first = (FOREIGN / "arxiv_api.xml").read_bytes()
    assert imp(library, "query.xml", first).new == 3
    # The next response of the same query differs in its envelope: new bytes, same papers.
    again = first.replace(b"2015-08-16T00:00:00-04:00", b"2015-08-17T00:00:00-04:00")
    report = imp(library, "query.xml", again)
    assert (report.new, report.merged) == (0, 3)
    assert len(rows(library)) == 3


def test_decisions_from_a_file_never_undo_one_made_here(library: Library) -> None:
    ris = "".join(
        f"TY  - JOUR\nTI  - Paper {n}\nAB  - The abstract of paper number {n}, long enough.\n"
        f"{extra}ER  - \n\n"
        for n, extra in enumerate(
            ["", "N1  - ASReview_relevant\n", "", "KW  - from-zotero\nN1  - their note\n"]
        )
    )
    assert imp(library, "first.ris", ris).new == 4
    mark(library, [1], DecisionPatch(status="kept", rating=2))
    mark(library, [4], DecisionPatch(note="my own note"))
    labels = ris.replace(
        "TI  - Paper 0\n", "TI  - Paper 0\nN1  - ASReview_irrelevant\nKW  - later\n"
    ).replace("TI  - Paper 2\n", "TI  - Paper 2\nN1  - ASReview_irrelevant\n")
    labels = labels.replace("ASReview_relevant", "ASReview_irrelevant")
    report = imp(library, "labelled.ris", labels)
    got = {r["title"]: (r["status"], r["rating"], r["note"]) for r in rows(library)}
    assert got == {
        "Paper 0": ("kept", 2, ""),  # kept here: the file's "irrelevant" is left
        "Paper 1": ("kept", None, ""),  # kept by the first file; the second's label is left
        "Paper 2": ("dismissed", None, ""),  # new: the file decides
        "Paper 3": ("new", None, "my own note"),  # a note here is not replaced
    }
    assert tags(library, 1) == ["later"]  # tags are only ever added
    assert report.decisions == {"dismissed": 1, "tagged": 1, "left as decided here": 3}
    assert report.summary().endswith(
        "decisions taken: 1 dismissed, 1 tagged; 3 left as decided here"
    )


def test_our_bibtex_and_ris_exports_come_back_with_their_decisions(library: Library) -> None:
    from triage_app.core.export import export_papers

    imp(library, "digest.txt", LISTING)
    mark(library, [1], DecisionPatch(starred=True, rating=4, add_tags=("rl",), note="Read"))
    out = {}
    for fmt in ("bibtex", "ris"):
        buffer = io.StringIO()
        export_papers(library, fmt, None, stdout=buffer)
        out[fmt] = buffer.getvalue()
    for fmt, text in out.items():
        fresh_folder = library.folder.parent / f"fresh-{fmt}"
        with open_library(fresh_folder) as fresh:
            report = imp(fresh, f"export.{'bib' if fmt == 'bibtex' else 'ris'}", text)
            assert report.new == 1, (fmt, report)
            (paper,) = rows(fresh)
            assert (paper["status"], paper["starred"], paper["rating"], paper["note"]) == (
                "kept",
                1,
                4,
                "Read",
            ), fmt
            assert tags(fresh, paper["id"]) == ["rl"], fmt


FRAGMENTS = [
    "TY  - JOUR\n",
    "TI  - A title\n",
    "AU  - Doe, J.\n",
    "ER  - \n",
    "N1  - ASReview_relevant\n",
    "@article{k,\n",
    'title = {A {B} \\"o $x$},\n',
    "}\n",
    "@string{a = ",
    "<feed xmlns='http://www.w3.org/2005/Atom'>",
    "<entry><title>T</title>",
    "</entry>",
    "<!DOCTYPE x [<!ENTITY e 'e'>]>",
    "title,authors,included\n",
    '"x","y",1\n',
    '"unclosed\n',
    "\x00",
    "\ufeff",
    "\r\n",
]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    parts=st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), min_size=1, max_size=25
    ),
    name=st.sampled_from(["x.ris", "x.bib", "x.csv", "x.xml"]),
)
def test_broken_files_of_every_format_import_or_refuse_cleanly(
    library: Library, parts: list[str], name: str
) -> None:
    before = len(rows(library))
    report = imp(library, name, "".join(parts).encode("utf-8", "surrogatepass"))
    after = len(rows(library))
    if report.refused:
        assert after == before and report.new == 0
    else:
        assert after == before + report.new
    assert all(p.startswith(f"{name}:") for p in report.problems)


def test_the_same_title_with_other_dois_is_two_papers(library: Library) -> None:
    one = "TY  - JOUR\nTI  - Introduction\nDO  - 10.5555/first\nER  - \n"
    two = "TY  - JOUR\nTI  - Introduction\nDO  - 10.5555/second\nER  - \n"
    bare = "TY  - JOUR\nTI  - Introduction\nER  - \n"
    assert imp(library, "one.ris", one).new == 1
    assert imp(library, "two.ris", two).new == 1
    assert imp(library, "bare.ris", bare).merged == 1  # no identifier: the title decides
    assert [r["doi"] for r in rows(library)] == ["10.5555/first", "10.5555/second"]


def test_a_tools_tags_are_one_tag_each_by_the_tag_tables_rule() -> None:
    """A tool's tags merge into a paper's as `mark` merges them: `STRASSE` beside `straße`
    is a second tag (SQLite NOCASE folds ASCII letters only), `Sae` beside `sae` is not."""
    from collections import Counter

    from triage_app.core.ingest.foreign_decisions import merged_state
    from triage_app.core.ingest.foreign_record import make_record
    from triage_app.core.records import DecisionState

    state = DecisionState(1, "kept", False, None, "", ("sae", "straße"), "2026-01-01")
    item = make_record(1, title="A paper", tags=["STRASSE", "Sae", "  "])
    counts: Counter[str] = Counter()
    after = merged_state(state, item, "2026-02-01", counts)
    assert after.tags == ("sae", "straße", "STRASSE")
    assert counts == Counter({"tagged": 1})
    same = merged_state(after, make_record(1, title="A paper", tags=["SAE"]), "now", Counter())
    assert same.tags == after.tags


def test_tags_that_differ_beyond_ascii_case_stay_on_their_papers(library: Library) -> None:
    """`straße` on one new paper, `STRASSE` on another (and both on a third): the tag rows
    are created by the tag table's own key, so no paper loses its tag."""
    ris = "".join(
        f"TY  - JOUR\nTI  - Paper {n}\n{kws}ER  - \n\n"
        for n, kws in (
            ("one", "KW  - straße\n"),
            ("two", "KW  - STRASSE\n"),
            ("three", "KW  - straße\nKW  - STRASSE\nKW  - Straße\n"),
        )
    )
    assert imp(library, "tags.ris", ris).new == 3
    with library.read() as conn:
        tagged = conn.exec_driver_sql(
            "SELECT p.title, t.name FROM paper_tag pt JOIN paper p ON p.id = pt.paper_id "
            "JOIN tag t ON t.id = pt.tag_id ORDER BY p.id, t.name"
        ).fetchall()
    assert [tuple(r) for r in tagged] == [
        ("Paper one", "straße"),
        ("Paper two", "STRASSE"),
        ("Paper three", "STRASSE"),
        ("Paper three", "straße"),
    ]
