"""The BibTeX export as its consumers read it: bibtexparser, pybtex, JabRef's special-field
rules, biber + biblatex and pdflatex + bibtex, and Citation.js through node."""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from pybtex.database import parse_string as pybtex_parse
from pybtex.richtext import Text

from tests.core.consumer_library import PAPERS
from tests.core.test_export_links import same_link
from triage_app.core.export.author_names import split_name
from triage_app.core.export.bibtex import write_bibtex
from triage_app.core.export.cited_title import cited_title
from triage_app.core.export.latex_escape import latex_to_text
from triage_app.core.triage import arxiv_url

REPO = Path(__file__).resolve().parents[2]
NPM_PREFIX = REPO / "build" / "npm"  # .ci/run installs Citation.js there (not committed)
# What each paper's title is once read: `\textsc{X}` is written as plain `X`.
SHOWN_TITLES = [
    cited_title(p.title, p.abstract).replace("\\textsc{GUI-Spotlight}", "GUI-Spotlight")
    for p in PAPERS
]


def bib_text(papers=PAPERS) -> str:
    out = io.StringIO()
    write_bibtex(papers, out)
    return out.getvalue()


def entries() -> list[dict[str, str]]:
    library = bibtexparser.parse_string(bib_text())
    assert library.failed_blocks == []
    return [{f.key: f.value for f in e.fields} for e in library.entries]


def unbrace(name: str) -> str:
    return name.replace("{", "").replace("}", "")


def test_the_file_says_utf8_and_keeps_letters_as_typed() -> None:
    text = bib_text()
    assert text.startswith("% Encoding: UTF-8\n\n@misc{")
    assert "García, Vinícius" in text and "Yılmaz, Kıvanç" in text and "Thành, Nguyễn Văn" in text
    assert "\\'" not in text and '\\"' not in text


def test_titles_brace_only_what_must_keep_its_case_and_keep_arxiv_tex() -> None:
    titles = [e["title"] for e in entries()]
    assert titles[:4] == [
        "{GPT-4o} and {BERT} Meet {LLMs:} Why Mixed-Case Words Keep Their Case",
        "{$\\pi$-Flow:} {S$^2$} Reasoning in {$\\mathbb{R}^n$} with {(ST)} Estimators",
        "{GUI-Spotlight:} Adaptive Iterative Focus for {GUI} Agents",
        "Costs Under a \\$5 Budget: 100\\% Recall, \\#Tags, under\\_scores and "
        "\\textasciitilde{}Tildes\\textasciicircum{}",
    ]
    assert titles[5] == (
        "{[Large language models can be steered by adding vectors to their activations…]}"
    )
    # A group that starts with a control sequence is one "special character" to BibTeX,
    # whose case it changes: `{\textsc{...}}` would print `gui-spotlight`.
    assert not any(re.search(r"(^|[^\\]){\\", t) for t in titles)


def test_cite_keys_come_from_real_words() -> None:
    keys = [e.key for e in bibtexparser.parse_string(bib_text()).entries]
    assert keys == [
        "garcia2025gpt",
        "thanh2024flow",
        "sahin2025gui",
        "openaiteam2023costs",
        "ivanov2025naive",
        "anonlarge",
    ]


def test_notes_and_tags_arrive_as_typed_in_the_fields_nothing_typesets() -> None:
    first, second, _, fourth, *_ = entries()
    assert first["comment"] == PAPERS[0].note  # braces, umlaut and line breaks as typed
    assert first["keywords"] == "survey, to read; later, C:\\data, rank5, relevant"
    assert second["comment"] == "'quoted' aside"
    # Only a brace that would unbalance the entry is written as a macro.
    assert fourth["comment"] == "unbalanced \\textbraceleft{} brace"


def test_bibtexparser_reads_every_title_name_date_link_and_decision() -> None:
    found = entries()
    assert [latex_to_text(e["title"]) for e in found] == SHOWN_TITLES
    assert [e.get("year") for e in found] == [
        str(p.published.year) if p.published else None for p in PAPERS
    ]
    assert all(same_link(e["url"], arxiv_url(p)) for e, p in zip(found, PAPERS, strict=True))
    assert [(e.get("ranking"), e.get("relevance"), e.get("triage")) for e in found] == [
        (
            f"rank{p.rating}" if p.rating else None,
            "relevant" if p.starred else None,
            p.status if p.status != "new" else None,
        )
        for p in PAPERS
    ]
    # The paper's identity and arXiv details (JabRef and this app read them back).
    assert [
        (e.get("doi"), e.get("eprint"), e.get("archivePrefix"), e.get("version")) for e in found
    ] == [
        (
            p.doi,
            p.arxiv_id,
            "arXiv" if p.arxiv_id else None,
            p.arxiv_version and str(p.arxiv_version),
        )
        for p in PAPERS
    ]
    library = bibtexparser.parse_string(
        bib_text(), append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    )
    names = [
        [(" ".join(n.first), unbrace(" ".join(n.von + n.last))) for n in e["author"]]
        for e in library.entries
        if "author" in e
    ]
    expected = [
        [(split_name(a).given, split_name(a).family) for a in p.authors]
        + ([("", "others")] if p.et_al else [])
        for p in PAPERS
        if p.authors
    ]
    assert names == expected


def test_pybtex_reads_the_same_titles_and_names() -> None:
    data = pybtex_parse(bib_text(), "bibtex")
    assert [latex_to_text(e.fields["title"]) for e in data.entries.values()] == SHOWN_TITLES
    # pybtex renders plain titles to the text the app shows (its LaTeX decoding does not
    # cover `\$` or `\textasciicircum`, and turns math into unicode).
    rendered = [Text.from_latex(e.fields["title"]).render_as("text") for e in data.entries.values()]
    assert [rendered[i] for i in (0, 2, 4, 5)] == [SHOWN_TITLES[i] for i in (0, 2, 4, 5)]
    assert rendered[1] == "π-Flow: S² Reasoning in $\\mathbb R^n$ with (ST) Estimators"
    names = [
        [
            (
                " ".join(p.first_names + p.middle_names),
                unbrace(" ".join(p.prelast_names + p.last_names)),
            )
            for p in e.persons.get("author", [])
        ]
        for e in data.entries.values()
    ]
    assert names == [
        [(split_name(a).given, split_name(a).family) for a in p.authors]
        + ([("", "others")] if p.et_al else [])
        for p in PAPERS
    ]


# ------------------------------------------------------------------ JabRef's rules
# JabRef's special fields (org.jabref.model.entry.field.SpecialField / SpecialFieldValue):
# ranking = rank1..rank5, relevance = relevant, priority = prio1..prio3, readstatus = read |
# skimmed, qualityassured, printed.
SPECIAL_KEYWORDS = {
    "ranking": [f"rank{n}" for n in range(1, 6)],
    "relevance": ["relevant"],
    "priority": ["prio1", "prio2", "prio3"],
    "readstatus": ["read", "skimmed"],
}


def keywords_of(entry: dict[str, str]) -> list[str]:
    return [k.strip() for k in entry.get("keywords", "").split(",") if k.strip()]


def jabref_52_open_and_save(entry: dict[str, str]) -> dict[str, str]:
    """JabRef 5.2 and older with its default preferences (JabRefPreferences:
    SPECIALFIELDSENABLED true, AUTOSYNCSPECIALFIELDSTOKEYWORDS true, SERIALIZESPECIALFIELDS
    false). Opening runs SpecialFieldsUtils.syncSpecialFieldsFromKeywords
    (src/main/java/org/jabref/logic/specialfields/SpecialFieldsUtils.java): for an entry
    that has `keywords`, each special field is set to its keyword found there, or cleared;
    saving writes the special fields only as keywords."""
    opened = dict(entry)
    if "keywords" in opened:
        words = keywords_of(opened)
        for field, values in SPECIAL_KEYWORDS.items():
            found = next((v for v in values if v in words), None)
            if found:
                opened[field] = found
            else:
                opened.pop(field, None)
    saved = {k: v for k, v in opened.items() if k not in SPECIAL_KEYWORDS}
    words = keywords_of(opened)
    for field in SPECIAL_KEYWORDS:
        if field in opened and opened[field] not in words:
            words.append(opened[field])
    if words:
        saved["keywords"] = ", ".join(words)
    return saved


def jabref_53_migrate(entry: dict[str, str]) -> dict[str, str]:
    """JabRef 5.3 and later: special fields are fields; on opening, the post-open migration
    org.jabref.migrations.SpecialFieldsToSeparateFields (src/main/java/org/jabref/migrations/
    SpecialFieldsToSeparateFields.java) moves special-field keywords into an empty field and
    drops a keyword only where the field already holds that value."""
    migrated = dict(entry)
    kept = []
    for word in keywords_of(entry):
        field = next((f for f, values in SPECIAL_KEYWORDS.items() if word in values), None)
        if field is None:
            kept.append(word)
            continue
        migrated.setdefault(field, word)
        if migrated[field] != word:
            kept.append(word)
    if kept:
        migrated["keywords"] = ", ".join(kept)
    else:
        migrated.pop("keywords", None)
    return migrated


def decisions(entry: dict[str, str]) -> tuple[str | None, str | None]:
    return entry.get("ranking"), entry.get("relevance")


def test_every_rating_and_star_survives_a_round_trip_through_old_and_new_jabref() -> None:
    expected = [
        (f"rank{p.rating}" if p.rating else None, "relevant" if p.starred else None) for p in PAPERS
    ]
    found = entries()
    assert [decisions(e) for e in found] == expected
    # JabRef 5.2: open, save, open again; then a newer JabRef migrates that file.
    old = [jabref_52_open_and_save(e) for e in found]
    reopened = [jabref_52_open_and_save(e) for e in old]
    assert [decisions(jabref_53_migrate(e)) for e in reopened] == expected
    # JabRef 5.3+ straight away: fields read, keywords tidied, tags all kept.
    new = [jabref_53_migrate(e) for e in found]
    assert [decisions(e) for e in new] == expected
    assert [keywords_of(e) for e in new] == [list(p.tags) for p in PAPERS]


def test_the_previous_export_lost_ratings_in_jabref_52() -> None:
    """What the issue saw: fields without their keywords are cleared on opening."""
    entry = {"keywords": "survey", "ranking": "rank4", "relevance": "relevant"}
    assert decisions(jabref_52_open_and_save(entry)) == (None, None)


# ------------------------------------------------------------------ LaTeX compiles
TEX_SETUP = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{amssymb}
% Vietnamese letters need T5 fonts (vntex) in pdflatex; a document without them
% declares the three this library holds.
\DeclareUnicodeCharacter{1EBF}{\'{\^e}}
\DeclareUnicodeCharacter{1EC5}{\~{\^e}}
\DeclareUnicodeCharacter{1EC7}{\d{\^e}}
"""
BIBTEX_DOC = (
    TEX_SETUP
    + r"""\begin{document}
\nocite{*}
\bibliographystyle{plain}
\bibliography{refs}
\end{document}
"""
)
BIBLATEX_DOC = (
    TEX_SETUP
    + r"""\usepackage[backend=biber]{biblatex}
\addbibresource{refs.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""
)


def run_tex(folder: Path, doc: str, tools: list[list[str]], papers=PAPERS) -> tuple[str, str]:
    (folder / "refs.bib").write_text(bib_text(papers), encoding="utf-8")
    (folder / "doc.tex").write_text(doc, encoding="utf-8")
    env = {
        **os.environ,
        "TEXMFVAR": str(folder / "texmf-var"),
        "TEXMFCONFIG": str(folder / "texmf-config"),
    }
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    output = []
    for cmd in [latex, *tools, latex, latex]:
        done = subprocess.run(
            cmd, cwd=folder, env=env, capture_output=True, text=True, errors="replace", timeout=180
        )
        assert done.returncode == 0, (cmd, done.stdout[-3000:])
        output.append(done.stdout)
    return "\n".join(output), (folder / "doc.log").read_text(errors="replace")


@pytest.mark.skipif(
    not (shutil.which("pdflatex") and shutil.which("bibtex")),
    reason="TeX is not installed (pdflatex + bibtex); .ci/run installs it",
)
def test_pdflatex_and_bibtex_compile_the_library_without_errors_or_warnings(
    tmp_path: Path,
) -> None:
    _, log = run_tex(tmp_path, BIBTEX_DOC, [["bibtex", "doc"]])
    blg = (tmp_path / "doc.blg").read_text()
    assert "Warning" not in blg and "error message" not in blg, blg
    assert "! " not in log and "Warning" not in log, log[-3000:]
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\bibitem") == len(PAPERS)
    assert "Vinícius García" in bbl and "{GPT-4o} and {BERT}" in bbl and "{(ST)}" in bbl
    # The journal reference, as `note`, is printed by plain's @misc.
    assert "\\newblock Phys. Rev. D 76, 013009 \\& 50\\% more (2025).\n" in bbl


NO_BIBER = not (shutil.which("pdflatex") and shutil.which("biber"))
BIBER_REASON = "biber is not installed; .ci/run installs it (apt: biber, texlive-bibtex-extra)"


@pytest.mark.skipif(NO_BIBER, reason=BIBER_REASON)
def test_biber_compiles_the_other_hostile_library_too(tmp_path: Path) -> None:
    from tests.core.test_export_bibtex import HOSTILE_PAPERS

    biber_out, log = run_tex(tmp_path, BIBLATEX_DOC, [["biber", "doc"]], HOSTILE_PAPERS)
    assert "WARN" not in biber_out and "ERROR" not in biber_out, biber_out
    assert "! " not in log and "Warning" not in log, log[-3000:]


@pytest.mark.skipif(NO_BIBER, reason=BIBER_REASON)
def test_biber_and_biblatex_compile_the_library_without_errors_or_warnings(
    tmp_path: Path,
) -> None:
    biber_out, log = run_tex(tmp_path, BIBLATEX_DOC, [["biber", "doc"]])
    assert "WARN" not in biber_out and "ERROR" not in biber_out, biber_out
    assert "! " not in log and "Warning" not in log, log[-3000:]
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\entry{") == len(PAPERS)
    assert "given={Vinícius}" in bbl and "family={Yılmaz}" in bbl
    assert not re.search(r"\\i(?![A-Za-z])", bbl)  # no dotless-i macro to print "Vinıcius"
    # arXiv id, version, DOI and journal reference, as biblatex prints them.
    for line in (
        "\\field{eprinttype}{arXiv}",
        "\\field{eprintclass}{cs.CL}",
        "\\field{version}{2}",
        "\\field{note}{Phys. Rev. D 76, 013009 \\& 50\\% more (2025)}",
        "\\verb 10.1000/gpt_4o-2025(7)\n",
        "\\verb 2502.01234\n",
    ):
        assert line in bbl, line


# ------------------------------------------------------------------ Citation.js
CITATION_JS = """
const { Cite } = require('@citation-js/core');
require('@citation-js/plugin-bibtex');
const data = new Cite(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(data.data));
"""


def citation_js_ready() -> bool:
    return (NPM_PREFIX / "node_modules" / "@citation-js" / "plugin-bibtex").is_dir()


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_citation_js_reads_the_same_titles_names_and_links() -> None:
    if not citation_js_ready():
        message = f"Citation.js missing: npm install --prefix {NPM_PREFIX} (see .ci/run)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run(
        ["node", "-e", CITATION_JS],
        input=bib_text(),
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NODE_PATH": str(NPM_PREFIX / "node_modules")},
    )
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    titles = [i["title"] for i in items]
    # Citation.js turns TeX math into unicode where it can (`$\pi$` -> π, `S$^2$` -> S²).
    assert [titles[i] for i in (0, 2, 3, 4, 5)] == [SHOWN_TITLES[i] for i in (0, 2, 3, 4, 5)]
    assert titles[1].startswith("π-Flow: S² Reasoning in ")
    assert [[(a.get("given", ""), a["family"]) for a in i.get("author", [])] for i in items] == [
        [(split_name(a).given, split_name(a).family) for a in p.authors]
        + ([("", "others")] if p.et_al else [])
        for p in PAPERS
    ]
    assert all(same_link(i["URL"], arxiv_url(p)) for i, p in zip(items, PAPERS, strict=True))
    assert [i.get("issued", {}).get("date-parts", [[None]])[0][0] for i in items] == [
        p.published.year if p.published else None for p in PAPERS
    ]


# ------------------------------------------------------------------ generated hostile text
PIECES = [
    *"\"',;\n\t{}\\%$#&_~^<>=+-@|éÅŁßπ≤ aBxyz",
    "<b>x</b>",
    "@misc{",
    "}}",
    "{{",
    " and ",
    "\\end{document}",
    "$x$",
    "\\textsc{A}",
    "GPT-4o",
    "\\emph{y}",
    "$a_1$",
]


def generated_library(seed: int, size: int = 60) -> list:
    """Papers made of hostile pieces (seed 7 once crashed biber's btparse with an author
    `, ;` and opened display math with `$$`)."""
    from tests.core.export_library import paper
    from triage_app.core.triage.decisions import clean_tag

    rng = random.Random(seed)

    def text(most: int) -> str:
        return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, most)))

    return [
        paper(
            i + 1,
            title=text(12).strip() or "t",
            abstract=text(20),
            note=text(12),
            tags=tuple(sorted({t for t in (clean_tag(text(5)) for _ in range(3)) if t})),
            authors=tuple(a for a in (text(6).strip(), "Ana de la Cruz") if a),
        )
        for i in range(size)
    ]


@pytest.mark.skipif(NO_BIBER or not shutil.which("bibtex"), reason=BIBER_REASON)
@pytest.mark.parametrize("seed", [7, 8])
def test_a_generated_hostile_library_compiles_under_both_engines(tmp_path: Path, seed) -> None:
    papers = generated_library(seed)
    for engine, doc in (("biber", BIBLATEX_DOC), ("bibtex", BIBTEX_DOC)):
        folder = tmp_path / engine
        folder.mkdir()
        output, log = run_tex(folder, doc, [[engine, "doc"]], papers)
        assert "WARN" not in output and "ERROR" not in output, output
        assert "! " not in log and "Warning" not in log, log[-3000:]
