"""RIS export: exact records and read-back with rispy, hostile text included."""

from __future__ import annotations

import io

import rispy
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.export_library import paper
from triage_app.core.export.ris import parse_decisions_note, write_ris
from triage_app.core.triage.decisions import clean_tag


def ris(*papers) -> str:
    out = io.StringIO()
    write_ris(papers, out)
    return out.getvalue()


def test_record_is_exact() -> None:
    assert ris(
        paper(authors=("Adi Simhi", "Jan van der Berg", "OpenAI Team"), note="line one\nline two")
    ) == (
        "TY  - UNPB\n"
        "ID  - 1\n"
        "AU  - Simhi, Adi\n"
        "AU  - van der Berg, Jan\n"
        "AU  - OpenAI Team\n"
        "TI  - Trust Me, I Am Wrong: LLMs Hallucinate\n"
        "AB  - We study hallucinations.\n"
        "PY  - 2025\n"
        "DA  - 2025/02/17/\n"
        "KW  - survey\n"
        "KW  - llm\n"
        "AD  - Technion\n"
        "N1  - triage: kept; rating 4; starred\n"
        "N1  - ASReview_relevant\n"
        "N1  - line one line two\n"
        "ER  - \n\n"
    )


def test_rispy_reads_every_field_back() -> None:
    text = ris(
        paper(1),
        paper(
            2,
            status="dismissed",
            starred=False,
            rating=None,
            note="",
            tags=(),
            published=None,
            title="Second",
        ),
        paper(3, status="new", starred=False, rating=2, note="x", affiliations=()),
    )
    first, second, third = rispy.loads(text)
    assert first == {
        "type_of_reference": "UNPB",
        "id": "1",
        "authors": ["Simhi, Adi", "van der Berg, Jan"],
        "title": "Trust Me, I Am Wrong: LLMs Hallucinate",
        "abstract": "We study hallucinations.",
        "year": "2025",
        "date": "2025/02/17/",
        "keywords": ["survey", "llm"],
        "author_address": "Technion",
        "notes": ["triage: kept; rating 4; starred", "ASReview_relevant", "read §3"],
    }
    assert (second["title"], second["notes"], "keywords" in second, "year" in second) == (
        "Second",
        ["triage: dismissed", "ASReview_irrelevant"],
        False,
        False,
    )
    assert third["notes"] == ["triage: new; rating 2", "x"]
    assert [parse_decisions_note(r["notes"][0]) for r in (first, second, third)] == [
        ("kept", 4, True),
        ("dismissed", None, False),
        ("new", 2, False),
    ]


HOSTILE = st.sampled_from(
    [
        *"\"',;\n\r\t{}\\%$#&_~^<>=+-@|é漢😀\u2028 aB",
        "ER  - ",
        "\nER  - \n",
        "TY  - JOUR",
        "\nAU  - x",
    ]
)
hostile_text = st.lists(st.one_of(HOSTILE, st.text(max_size=4)), max_size=12).map("".join)


def one_line(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=300, deadline=None)
@given(
    title=hostile_text.filter(str.strip),
    note=hostile_text.filter(str.strip),
    tags=st.lists(hostile_text.map(clean_tag).filter(bool), max_size=4),
)
def test_hostile_fields_read_back_equal_on_one_line(title, note, tags) -> None:
    (record,) = rispy.loads(ris(paper(title=title, note=note, tags=tuple(tags), abstract=note)))
    assert record["title"] == one_line(title)
    assert record["abstract"] == one_line(note)
    assert record["notes"] == [
        "triage: kept; rating 4; starred",
        "ASReview_relevant",
        one_line(note),
    ]
    assert record.get("keywords", []) == tags
