"""BibTeX export: exact entries, stable keys, bibtexparser read-back, pdflatex + bibtex."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.export_library import paper, paper_object, restore
from triage_app.core.export.author_names import split_name
from triage_app.core.export.bibtex import write_bibtex
from triage_app.core.export.bibtex_keys import base_key
from triage_app.core.export.latex_escape import latex_to_text
from triage_app.core.export.service import export_papers
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import clean_tag


def bib(*papers) -> str:
    out = io.StringIO()
    write_bibtex(papers, out)
    return out.getvalue()


def split_top(value: str, sep: str) -> list[str]:
    """Split at `sep` outside braces (how BibTeX reads author and keyword lists)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(value):
        c = value[i]
        if c == "\\":
            i += 2
            continue
        depth += c == "{"
        depth -= c == "}"
        if depth == 0 and value.startswith(sep, i):
            parts.append(value[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    parts.append(value[start:])
    return parts


def parse(text: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return {e.key: {f.key: f.value for f in e.fields} for e in library.entries}


def test_entry_is_exact() -> None:
    assert bib(paper(note="see {3} & 100%", tags=("survey", "a, b"))) == (
        "% Encoding: UTF-8\n\n"
        "@misc{simhi2025trust,\n"
        "  author = {Simhi, Adi and {van der Berg}, Jan and others},\n"
        "  title = {Trust Me, {I} Am Wrong: {LLMs} Hallucinate},\n"
        "  year = {2025},\n"
        "  month = feb,\n"
        "  url = {https://arxiv.org/search/?query=Trust%20Me%2C%20I%20Am%20Wrong%3A%20LLMs%20"
        "Hallucinate&searchtype=title},\n"
        "  primaryClass = {cs.CL},\n"
        "  abstract = {We study hallucinations.},\n"
        "  keywords = {survey, {a, b}, rank4, relevant},\n"
        "  comment = {see {3} & 100%},\n"
        "  ranking = {rank4},\n"
        "  relevance = {relevant},\n"
        "  triage = {kept},\n"
        "}\n"
    )


def test_undecided_paper_has_no_decision_fields_and_authorless_gets_a_key() -> None:
    text = bib(
        paper(
            status="new",
            starred=False,
            rating=None,
            note="",
            tags=(),
            authors=(),
            et_al=False,
            category="stat.ML",
        )
    )
    fields = parse(text)["anon2025trust"]
    assert fields == {
        "key": "Trust Me, I Am Wrong: LLMs Hallucinate",
        "title": "Trust Me, {I} Am Wrong: {LLMs} Hallucinate",
        "year": "2025",
        "month": "feb",
        "url": "https://arxiv.org/search/?query=Trust%20Me%2C%20I%20Am%20Wrong%3A%20LLMs%20"
        "Hallucinate&searchtype=title",
        "primaryClass": "stat.ML",
        "abstract": "We study hallucinations.",
    }


def test_key_rule() -> None:
    assert base_key(["Adi Simhi"], 2025, "Trust Me, I Am Wrong") == "simhi2025trust"
    assert base_key(["Łukasz Kaiser"], 2017, "Attention Is All You Need") == "kaiser2017attention"
    assert base_key(["Jan van der Berg"], None, "The Ödön Problem") == "vanderbergodon"
    assert base_key([], 2024, None, "We propose a thing") == "anon2024propose"
    assert base_key(["Müller"], 2020, "") == "muller2020"


def test_keys_collide_into_suffixes_by_id_and_are_stable_across_scopes(
    library: Library, tmp_path: Path
) -> None:
    same = dict(authors=["Adi Simhi"], published="2025-01-02")
    ids = restore(
        library,
        tmp_path,
        [
            paper_object(1, title="Trust in LLMs", **same),
            paper_object(2, title="Trust in Agents", **same),
            paper_object(3, title="Other Topic", **same),
            paper_object(4, title="Trust in Robots", **same),
        ],
    )
    export_papers(library, "bibtex", tmp_path / "all.bib")
    assert list(parse((tmp_path / "all.bib").read_text())) == [
        "simhi2025trust",
        "simhi2025trusta",
        "simhi2025other",
        "simhi2025trustb",
    ]
    export_papers(library, "bibtex", tmp_path / "some.bib", ids=[ids[3], ids[1]])
    assert list(parse((tmp_path / "some.bib").read_text())) == [
        "simhi2025trustb",
        "simhi2025trusta",
    ]


def raw_text(value: str) -> str:
    """Inverse of latex_escape.raw_value (comment, keywords)."""
    for macro, char in (("textbackslash", "\\"), ("textbraceleft", "{"), ("textbraceright", "}")):
        value = value.replace(f"\\{macro}{{}}", char)
    return value


def keyword_list(value: str) -> list[str]:
    """The tags of a keywords field (a tag holding a comma is braced once; `%`, `#`
    escaped)."""
    parts = split_top(value, ", ")
    tags = [p[1:-1] if "," in p else p for p in parts]
    return [raw_text(t.replace("\\%", "%").replace("\\#", "#")) for t in tags]


def _names(value: str) -> tuple[list[tuple[str, str]], bool]:
    names, et_al = [], False
    for part in split_top(value, " and "):
        if part == "others":
            et_al = True
            continue
        pieces = [latex_to_text(p) for p in split_top(part, ", ")]
        names.append((pieces[-1] if len(pieces) > 1 else "", pieces[0]))
    return names, et_al


def test_every_field_reads_back_with_bibtexparser() -> None:
    original = paper(
        authors=(
            "Adi Simhi",
            "Jan van der Berg",
            "José Ölçer",
            "OpenAI Team",
            "Jean-Pierre Dupont Jr.",
        ),
        title="Ünïcode & Acronyms: GPT-4 beats π ≤ 3",
        tags=("a, b", "x_y"),
        note="two\nlines {braced} 50% $5 #1 ~ ^ \\ <b>html</b>",
    )
    (fields,) = parse(bib(original)).values()
    assert _names(fields["author"]) == (
        [
            ("Adi", "Simhi"),
            ("Jan", "van der Berg"),
            ("José", "Ölçer"),
            ("", "OpenAI Team"),
            ("Jean-Pierre", "Dupont"),
        ],
        True,
    )
    assert fields["author"].split(" and ")[4] == "Dupont, Jr., Jean-Pierre"
    assert latex_to_text(fields["title"]) == original.title
    assert keyword_list(fields["keywords"]) == ["a, b", "x_y", "rank4", "relevant"]
    assert raw_text(fields["comment"]) == original.note
    assert latex_to_text(fields["abstract"]) == original.abstract
    assert (fields["year"], fields["month"], fields["primaryClass"]) == ("2025", "feb", "cs.CL")
    assert (fields["ranking"], fields["relevance"], fields["triage"]) == (
        "rank4",
        "relevant",
        "kept",
    )


HOSTILE = st.sampled_from(
    [
        *"\"',;\n\t{}\\%$#&_~^<>=+-@|éÅŁßπ≤漢😀 aB",
        "<b>x</b>",
        "@misc{",
        "}}",
        "{{",
        " and ",
        "\\end{document}",
    ]
)
hostile_text = st.lists(st.one_of(HOSTILE, st.text(max_size=4)), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    title=hostile_text.filter(str.strip),
    note=hostile_text,
    tags=st.lists(hostile_text.map(clean_tag).filter(bool), max_size=4),
    authors=st.lists(hostile_text.filter(str.strip), min_size=1, max_size=3),
)
def test_hostile_fields_read_back_equal(title, note, tags, authors) -> None:
    original = paper(
        title=title, note=note, tags=tuple(tags), authors=tuple(authors), abstract=note or "x"
    )
    (fields,) = parse(bib(original)).values()
    assert latex_to_text(fields["title"]) == " ".join(title.split())
    assert latex_to_text(fields["abstract"]) == (note or "x")
    assert raw_text(fields.get("comment", "")) == note
    assert keyword_list(fields["keywords"]) == [*tags, "rank4", "relevant"]
    expected = [
        (split_name(a).given, split_name(a).family)
        if split_name(a).family.strip()
        else ("", " ".join(a.split()))  # no family name: braced whole
        for a in authors
    ]
    assert _names(fields["author"]) == (expected, True)


# ---------------------------------------------------------------- LaTeX compile
DOC = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\begin{document}
\nocite{*}
\bibliographystyle{plain}
\bibliography{refs}
\end{document}
"""
HOSTILE_PAPERS = [
    paper(
        1,
        title="Trust Me, I Am Wrong: LLMs & 100% {Braces} $x_1^2$ ~ #3 \\ <b>|</b>",
        note="=cmd()\n\nsecond paragraph } {",
        tags=("a, b", "%", "c_d"),
    ),
    paper(2, title="Ünïcode Łódź Straße Ærø: π ≤ λ at 360°", authors=("José Ölçer", "Øystein Ærø")),
    paper(
        3,
        title=None,
        authors=(),
        et_al=False,
        abstract="We study abstract-only papers.",
        published=None,
        category=None,
        status="new",
        starred=False,
        rating=None,
    ),
    paper(
        4,
        title="Corporate Authors and Particles",
        authors=(
            "OpenAI Team",
            "Ludwig van Beethoven",
            "Guy Van den Broeck",
            "Martin Luther King Jr.",
        ),
    ),
]


def compile_bib(folder: Path, bib_text: str) -> tuple[str, str]:
    (folder / "refs.bib").write_text(bib_text, encoding="utf-8")
    (folder / "doc.tex").write_text(DOC, encoding="utf-8")
    env = {
        **os.environ,
        "TEXMFVAR": str(folder / "texmf-var"),
        "TEXMFCONFIG": str(folder / "texmf-config"),
    }
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    for cmd in (latex, ["bibtex", "doc"], latex, latex):
        done = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (cmd, done.stdout[-3000:])
    return (folder / "doc.blg").read_text(), (folder / "doc.log").read_text(errors="replace")


@pytest.mark.skipif(
    not (shutil.which("pdflatex") and shutil.which("bibtex")),
    reason="TeX is not installed (pdflatex + bibtex); .ci/run installs it",
)
def test_pdflatex_and_bibtex_compile_every_entry_without_warnings(tmp_path: Path) -> None:
    text = bib(*HOSTILE_PAPERS, paper(5, published=date(2024, 12, 1)))
    blg, log = compile_bib(tmp_path, text)
    assert "Warning" not in blg and "error message" not in blg, blg
    assert "! " not in log and "Citation" not in log and "undefined" not in log
    assert log.count("Output written on doc.pdf") == 1
    bbl = (tmp_path / "doc.bbl").read_text()
    assert bbl.count("\\bibitem") == 5
    # UTF-8 letters arrive as typed; plain's sentence case lowercases capitalised words.
    assert "{LLMs}" in bbl and "Ünïcode Łódź straße Ærø" in bbl and "me, {I} am wrong" in bbl
