"""The BibTeX export as papis reads it: papis's own reader (`papis.bibtex.bibtex_to_dict`,
bibtexparser 2 with pylatexenc's LaTeX decoding, braced groups kept)."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest

from tests.core.consumer_library import PAPERS
from tests.core.test_export_bibtex_consumers import SHOWN_TITLES, bib_text, entries
from tests.test_support import seed_library
from triage_app.core.export.author_names import split_name
from triage_app.core.export.cited_title import cited_title
from triage_app.core.export.service import export_papers

papis_bibtex = pytest.importorskip("papis.bibtex", reason="papis is not installed")


def read(text: str) -> list[dict]:
    return papis_bibtex.bibtex_to_dict(text)


def unprotect(title: str) -> str:
    """The title without the export's protecting groups (the braces at the top level;
    TeX's own, as in `$\\mathbb{R}$`, sit inside them)."""
    out, depth = [], 0
    for c in title:
        if c == "{":
            depth += 1
            if depth == 1:
                continue
        elif c == "}":
            depth -= 1
            if depth == 0:
                continue
        out.append(c)
    return "".join(out)


def test_papis_reads_every_name_as_the_app_splits_it() -> None:
    for paper, doc in zip(PAPERS, read(bib_text()), strict=True):
        names = [(a["family"], a["given"]) for a in doc.get("author_list", [])]
        expected = [(split_name(a).family, split_name(a).given) for a in paper.authors]
        if paper.et_al:
            expected.append(("others", ""))  # BibTeX's `and others`, as every reader sees it
        assert names == expected


def _two_end_groups(value: str) -> bool:
    """Whether a field value starts with one braced group and ends with another."""
    if not (value.startswith("{") and value.endswith("}")):
        return False
    depth = 0
    for i, c in enumerate(value):
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth == 0:
            return i < len(value) - 1
    return False


def test_papis_reads_titles_with_the_braces_that_keep_their_case() -> None:
    """papis keeps braced groups (so that `{OpenAI Team}` stays one name), so a word the
    export protects shows its braces there; without them every title is the app's."""
    titles = [doc["title"] for doc in read(bib_text())]
    # pylatexenc reads `\\textasciicircum{}` (`^` in a typeset title) as U+02C6.
    shown = [
        t.replace("^", "\u02c6") if "\\textasciicircum" in raw else t
        for t, raw in zip(SHOWN_TITLES, (e["title"] for e in entries()), strict=True)
    ]
    assert [unprotect(t) for t in titles] == shown
    assert [i for i, t in enumerate(titles) if "{" in t] == [0, 1, 2]


def test_papis_reads_the_decisions_dates_and_what_it_cuts(tmp_path: Path) -> None:
    for paper, doc, mine in zip(PAPERS, read(bib_text()), entries(), strict=True):
        assert doc.get("ranking") == (f"rank{paper.rating}" if paper.rating else None)
        assert doc.get("relevance") == ("relevant" if paper.starred else None)
        assert doc.get("triage") == (None if paper.status == "new" else paper.status)
        if paper.published:
            assert (int(doc["year"]), doc["month"]) == (
                paper.published.year,
                paper.published.month,
            )
        # papis decodes LaTeX in every field, `url` too: `%` starts a TeX comment there,
        # so the link ends before its first escape.
        assert doc["url"] == mine["url"].split("%")[0]
    first = read(bib_text())[0]
    assert first["keywords"] == "survey, to read; later, C:, rank5, relevant"  # `\data`: a macro


def test_papis_reads_a_real_listing_s_titles_and_names(tmp_path: Path) -> None:
    """The 64 papers of the seed listings (tests/data): every name as the app shows it,
    every title once its protecting braces are taken away. papis strips a first and a
    last brace from a whole value (`_strip_braces`): no title starts with one protected
    group and ends with another (`AILuminate: ... MLCommons` is `A{ILuminate:} ...
    {MLCommons}`)."""
    library = seed_library(tmp_path / "lib")
    try:
        papers = list(library.iter_papers())
        export_papers(library, "bibtex", tmp_path / "seed.bib")
    finally:
        library.close()
    text = (tmp_path / "seed.bib").read_text(encoding="utf-8")
    docs = read(text)
    ours = [{f.key: f.value for f in e.fields} for e in bibtexparser.parse_string(text).entries]
    assert len(docs) == len(papers) == len(ours) == 64
    for paper, doc, mine in zip(papers, docs, ours, strict=True):
        assert not _two_end_groups(mine["title"])
        assert unprotect(doc["title"]) == cited_title(paper.title, paper.abstract)
        names = [
            f"{a['given']} {a['family']}" if a["given"] else a["family"]
            for a in doc.get("author_list", [])
            if a["family"] != "others"
        ]
        assert names == [" ".join(a.split()) for a in paper.authors]
    assert any(m["title"].startswith("A{ILuminate:}") for m in ours)
    braced = sum("{" in doc["title"] for doc in docs)
    assert 0 < braced < len(docs) // 2  # only titles with words whose case must stay
