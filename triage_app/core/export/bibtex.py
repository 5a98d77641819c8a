"""The BibTeX export: one @misc entry a paper, with the decisions in JabRef's fields.

The file starts with `% Encoding: UTF-8` (JabRef's header; biber and BibTeX skip it) and
keeps letters as UTF-8. Fields, in order (each only when it has a value): author (else
key), title, year, month, url, doi, eprint, archivePrefix, version, primaryClass, note,
abstract, keywords, comment, ranking, relevance, triage. Conventions:
- `author`: `Family, Given` joined with ` and `, `and others` when the listing said et al.;
  a family name of several words is braced (`{van der Berg}, Jan`), an organisation is
  braced whole (`{OpenAI Team}`).
- `title`: braces only around words whose case a style must keep (`{GPT-4o}`, `{LLMs}`,
  `{(ST)}`), never a group that starts with a control sequence; TeX math and text-style
  commands from arXiv titles stay TeX. An abstract-only paper gets `[its first words…]`.
- `url`: the link the window opens with `o`: the arXiv abstract page (versionless) when
  the arXiv id is known, else the arXiv search for the title.
- `keywords`: the tags as typed, `, `-separated (JabRef, Zotero, biblatex; a tag holding a
  comma is braced), then JabRef's special-field keywords `rank1`..`rank5` and `relevant`.
- `ranking = {rank1}`..`{rank5}` (the rating) and `relevance = {relevant}` (the star):
  JabRef's special fields. Writing them both ways keeps them through any JabRef: 5.2 and
  older (keyword sync on by default) set the fields from `keywords` on opening and would
  clear a field whose keyword is missing; 5.3 and later read the fields and offer to move
  such keywords into them, dropping a keyword only where the field already holds it.
- `comment`: the researcher's note as typed (JabRef's field; `note` would be printed).
- `triage = {kept}` or `{dismissed}` holds keep/dismiss (JabRef has no such field); none of
  the decision fields is written for an undecided value.
- `key`: for an entry without authors, its title (else the abstract's first words), which
  BibTeX sorts and labels by.
- `primaryClass`: the full arXiv category (`CL` is written `cs.CL`).
- `eprint` (the versionless arXiv id), `archivePrefix = {arXiv}` and `version` (the latest
  version seen): what biblatex prints as "arXiv: 2409.01234 [cs.CL]. Version 3", and what
  JabRef, Zotero and this app's import read as the paper's identity; `doi` likewise.
- `note`: arXiv's journal reference (where the paper was published), which plain BibTeX
  and biblatex print for a @misc.
- Typeset fields go through latex_escape (specials escaped, math symbols as
  `\\ensuremath`); `comment` and `keywords` carry text as typed, only an unbalanced brace
  escaped (and in `keywords` `%` and `#`, which biblatex's .bbl would read as TeX).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import IO

from triage_app.core.export.author_names import PersonName, split_name
from triage_app.core.export.bibtex_keys import assign_keys, base_key, library_keys
from triage_app.core.export.cited_title import cited_title
from triage_app.core.export.latex_escape import (
    escape_latex,
    escape_tex_text,
    needs_escape,
    protect_title,
    raw_value,
)
from triage_app.core.export.paper_links import paper_url
from triage_app.core.records import PaperRecord
from triage_app.core.store import Library

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
STATUS_FIELD = "triage"
HEADER = "% Encoding: UTF-8\n\n"
WRITE_BATCH = 256
# An identifier is written verbatim (biblatex reads `doi` and `eprint` so): one holding a
# brace or backslash, which would end or escape the field, is left out.
_UNSAFE_ID = re.compile(r"[{}\\\s]")
# Bare category codes as listings show them, and their arXiv archive. Codes not listed
# (and categories that already name their archive) are written as they are.
_CS_CODES = (
    "AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA "
    "NE NI OH OS PF PL RO SC SD SE SI SY"
)
ARCHIVES = {
    **{code: "cs" for code in _CS_CODES.split()},
    "ML": "stat",
    "AP": "stat",
    "CO": "stat",
    "ME": "stat",
    "TH": "stat",
    "NC": "q-bio",
    "QM": "q-bio",
    "BM": "q-bio",
    "GN": "q-bio",
    "PE": "q-bio",
    "SP": "eess",
    "IV": "eess",
    "AS": "eess",
    "OC": "math",
    "ST": "math",
    "PR": "math",
}


def arxiv_category(category: str) -> str:
    if "." in category:
        return category
    archive = ARCHIVES.get(category.upper())
    return f"{archive}.{category.upper()}" if archive else category


def _name_part(text: str) -> str:
    # A comma inside a name part must not read as BibTeX's `Family, Given` separator.
    return escape_latex(" ".join(text.split())).replace(",", "{,}")


def bibtex_name(name: PersonName) -> str:
    if name.corporate:
        return "{" + _name_part(name.family) + "}"
    family = _name_part(name.family)
    if " " in family:
        family = "{" + family + "}"
    parts = [family]
    if name.suffix:
        parts.append(_name_part(name.suffix))
    if name.given:
        parts.append(_name_part(name.given))
    return ", ".join(parts)


@lru_cache(maxsize=16384)  # names recur across a library; bounded, so memory stays flat
def author_name(name: str) -> str:
    person = split_name(name)
    if "," not in name and not needs_escape(name):
        # Most names: split_name's parts are single-spaced and need no escaping.
        if person.corporate:
            return "{" + person.family + "}"
        family = person.family
        if not family:  # `, x`: an empty family name crashes biber's btparse
            return "{" + _name_part(name) + "}"
        parts = ["{" + family + "}" if " " in family else family]
        if person.suffix:
            parts.append(person.suffix)
        if person.given:
            parts.append(person.given)
        return ", ".join(parts)
    if not person.family.strip():  # `, x`: an empty family name crashes biber's btparse
        return "{" + _name_part(name) + "}"
    return bibtex_name(person)


def author_field(authors: Iterable[str], et_al: bool) -> str:
    names = [author_name(a) for a in authors if a.strip()]
    if et_al and names:
        names.append("others")
    return " and ".join(names)


_TEX_COMMENT = re.compile(r"\\(?=[%#])|[%#]")


def keyword_text(tag: str) -> str:
    """A tag as typed, except what breaks biblatex, which copies keywords into TeX
    (`\\keyw{...}` in the .bbl): `%` and `#` are escaped (and a `\\` before them)."""
    text = raw_value(tag)
    if "%" not in text and "#" not in text:
        return text
    return _TEX_COMMENT.sub(lambda m: "\\textbackslash{}" if m[0] == "\\" else "\\" + m[0], text)


def keywords_field(tags: Iterable[str], rating: int | None = None, starred: bool = False) -> str:
    words = [keyword_text(t) for t in tags]
    words = ["{" + t + "}" if "," in t else t for t in words]
    if rating:
        words.append(f"rank{rating}")
    if starred:
        words.append("relevant")
    return ", ".join(words)


def sort_key(paper: PaperRecord) -> str:
    """What an authorless entry sorts by: its title, else the abstract's first words."""
    words = (paper.title or paper.abstract).split()
    return " ".join(words[:8]) or "Anonymous"


def entry_fields(paper: PaperRecord) -> list[tuple[str, str]]:
    """(field, raw value) pairs; a value is written braced unless it is a month macro."""
    fields: list[tuple[str, str]] = []
    authors = author_field(paper.authors, paper.et_al)
    if authors:
        fields.append(("author", authors))
    else:  # BibTeX's field for sorting and labelling an entry without authors
        fields.append(("key", escape_latex(sort_key(paper))))
    title = cited_title(paper.title, paper.abstract)
    if paper.title and title:
        fields.append(("title", protect_title(title)))
    elif title:  # devised from the abstract: kept as it is, brackets and all
        fields.append(("title", "{" + escape_tex_text(title) + "}"))
    if paper.published:
        fields.append(("year", str(paper.published.year)))
        fields.append(("month", MONTHS[paper.published.month - 1]))
    fields.append(("url", paper_url(paper.arxiv_id, paper.title, paper.abstract)))
    if paper.doi and not _UNSAFE_ID.search(paper.doi):
        fields.append(("doi", paper.doi))
    if paper.arxiv_id and not _UNSAFE_ID.search(paper.arxiv_id):
        fields.append(("eprint", paper.arxiv_id))
        fields.append(("archivePrefix", "arXiv"))
        if paper.arxiv_version:
            fields.append(("version", str(paper.arxiv_version)))
    if paper.category:
        fields.append(("primaryClass", escape_latex(arxiv_category(paper.category))))
    if paper.journal_ref:
        fields.append(("note", escape_tex_text(paper.journal_ref)))
    if paper.abstract:
        fields.append(("abstract", escape_tex_text(paper.abstract)))
    if paper.tags or paper.rating or paper.starred:
        fields.append(("keywords", keywords_field(paper.tags, paper.rating, paper.starred)))
    if paper.note:
        fields.append(("comment", raw_value(paper.note)))
    if paper.rating:
        fields.append(("ranking", f"rank{paper.rating}"))
    if paper.starred:
        fields.append(("relevance", "relevant"))
    if paper.status != "new":
        fields.append((STATUS_FIELD, paper.status))
    return fields


def format_entry(key: str, paper: PaperRecord) -> str:
    lines = [f"@misc{{{key},"]
    for name, value in entry_fields(paper):
        shown = value if name == "month" else "{" + value + "}"
        lines.append(f"  {name} = {shown},")
    lines.append("}\n")
    return "\n".join(lines)


def _base(paper: PaperRecord) -> str:
    year = paper.published.year if paper.published else None
    return base_key(paper.authors, year, paper.title, paper.abstract)


def write_bibtex(
    papers: Iterable[PaperRecord], out: IO[str], *, keys: Mapping[int, str] | None = None
) -> int:
    """Write one entry a paper; `keys` (from library_keys) keeps keys stable across exports.

    Without `keys` the exported papers alone decide the collision suffixes.
    """
    if keys is None:
        papers = list(papers)
        keys = assign_keys((p.id, _base(p)) for p in papers)
    count = 0
    out.write(HEADER)
    batch: list[str] = []  # a few hundred entries a write: a write call costs per call
    for paper in papers:
        # A paper imported after the keys were computed gets a key that cannot collide.
        key = keys.get(paper.id) or f"{_base(paper)}id{paper.id}"
        batch.append(format_entry(key, paper))
        count += 1
        if len(batch) >= WRITE_BATCH:
            out.write(("\n" if count > len(batch) else "") + "\n".join(batch))
            batch.clear()
    if batch:
        out.write(("\n" if count > len(batch) else "") + "\n".join(batch))
    return count


def bibtex_writer_for(library: Library) -> Callable[[Iterable[PaperRecord], IO[str]], int]:
    """The BibTeX writer with citation keys computed over the whole library."""
    keys = library_keys(library)

    def write(papers: Iterable[PaperRecord], out: IO[str]) -> int:
        return write_bibtex(papers, out, keys=keys)

    return write
