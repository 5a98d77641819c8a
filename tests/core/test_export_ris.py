"""RIS export: exact records and read-back with rispy, hostile text included."""

from __future__ import annotations

import io

import rispy
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.export_library import paper
from triage_app.core.export.ris import parse_decisions_note, write_ris
from triage_app.core.triage.decisions import clean_tag

TRUST_URL = (
    "https://arxiv.org/search/?query=Trust%20Me%2C%20I%20Am%20Wrong%3A%20LLMs%20Hallucinate"
    "&searchtype=title"
)


def ris(*papers) -> str:
    out = io.StringIO()
    write_ris(papers, out)
    return out.getvalue()


def test_record_is_exact() -> None:
    assert ris(
        paper(authors=("Adi Simhi", "Jan van der Berg", "OpenAI Team"), note="line one\nline two")
    ) == (
        "TY  - MANSCPT\n"
        "ID  - 1\n"
        "AU  - Simhi, Adi\n"
        "AU  - van der Berg, Jan\n"
        "AU  - OpenAI Team\n"
        "TI  - Trust Me, I Am Wrong: LLMs Hallucinate\n"
        "AB  - We study hallucinations.\n"
        "PY  - 2025\n"
        "DA  - 2025/02/17/\n"
        "M3  - Preprint\n"
        f"UR  - {TRUST_URL}\n"
        "KW  - survey\n"
        "KW  - llm\n"
        "AD  - Technion\n"
        "N1  - triage: kept; rating 4; starred\n"
        "N1  - ASReview_relevant\n"
        "N1  - et al.: the listing named only these 3 authors\n"
        "N1  - line one\n"
        "line two\n"
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
            et_al=False,
        ),
        paper(3, status="new", starred=False, rating=2, note="x", affiliations=()),
    )
    first, second, third = rispy.loads(text)
    assert first == {
        "type_of_reference": "MANSCPT",
        "id": "1",
        "authors": ["Simhi, Adi", "van der Berg, Jan"],
        "title": "Trust Me, I Am Wrong: LLMs Hallucinate",
        "abstract": "We study hallucinations.",
        "year": "2025",
        "date": "2025/02/17/",
        "type_of_work": "Preprint",
        "urls": [TRUST_URL],
        "keywords": ["survey", "llm"],
        "author_address": "Technion",
        "notes": [
            "triage: kept; rating 4; starred",
            "ASReview_relevant",
            "et al.: the listing named only these 2 authors",
            "read §3",
        ],
    }
    assert (second["title"], second["notes"], "keywords" in second, "year" in second) == (
        "Second",
        ["triage: dismissed", "ASReview_irrelevant"],
        False,
        False,
    )
    assert third["notes"][0] == "triage: new; rating 2" and third["notes"][-1] == "x"
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
    """Title and abstract arrive on one line; the note arrives line by line (rispy lists a
    continuation line as a further note and strips each line)."""
    (record,) = rispy.loads(
        ris(paper(title=title, note=note, tags=tuple(tags), abstract=note, et_al=False))
    )
    assert record["title"] == one_line(title)
    assert record["abstract"] == one_line(note)
    lines = note.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    shown = "\n".join(line.strip() for line in lines).strip("\n")
    assert record["notes"][:2] == ["triage: kept; rating 4; starred", "ASReview_relevant"]
    assert "\n".join(record["notes"][2:]) == shown
    assert record.get("keywords", []) == tags
