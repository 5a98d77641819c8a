"""BibTeX and BibLaTeX files (JabRef, Zotero/Better BibTeX, arXiv, Google Scholar),
read with bibtexparser 2 in chunks of entries, so memory stays flat and every entry
keeps its line.

bibtexparser (maintained, tolerant of real-world files) finds the blocks: entries,
`@string`, `@comment`, `@preamble`, and blocks it cannot read (reported as `FILE:LINE`).
Values are resolved here (`@string` macros across chunks, `#` concatenation, month
names), TeX becomes Unicode with math kept (foreign_text.tex_to_text), and `crossref`
fills the year from the referenced entry. JabRef's own fields carry decisions:
`ranking = {rankN}` a rating, `relevance = {relevant}` a star, `keywords` tags (without
JabRef's special-field words), `comment` the note; this app's export adds `triage`.

The journal reference (where an arXiv paper was published) comes from a `journal_ref` or
`journal-ref` field, else from `note`, where this app's export writes it, but only from an
entry that is this app's (it has `triage`) or that carries an arXiv eprint (`eprint` with
`archivePrefix` or `eprinttype` arXiv) and whose note reads as no arXiv comment: one that
mentions arXiv (`arXiv: 2409.01234 [cs.CL]`, Zotero's) or starts `Comment:` or counts pages,
figures or tables (`12 pages, 3 figures`, what arXiv search tools copy there) is left out.
Any other tool's note (`Accepted at ICML` on an ordinary entry) is no journal reference.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from triage_app.core.ingest.bibtex_fast import split_regular
from triage_app.core.ingest.entries import ParseProblem
from triage_app.core.ingest.foreign_record import ForeignRecord, make_record
from triage_app.core.ingest.foreign_text import (
    arxiv_category,
    display_name,
    iso_day,
    split_tags,
    tex_to_text,
)
from triage_app.core.ingest.identity import arxiv_id, ids_from

CHUNK_ENTRIES = 500
CHUNK_CHARS = 2 << 20
MAX_PENDING = 50_000
_BLOCK_START = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]")
_MONTHS = {
    m: m.capitalize()
    for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
}
# JabRef writes its special fields into `keywords` when it syncs them: not the user's tags.
JABREF_SPECIAL = {
    *(f"rank{n}" for n in range(1, 6)),
    *(f"prio{n}" for n in range(1, 4)),
    "relevant",
    "qualityassured",
    "printed",
    "read",
    "skimmed",
}
# The fields this reader maps (and `comment*`); the others are not even unquoted.
_READ = {
    "title",
    "author",
    "abstract",
    "year",
    "date",
    "month",
    "doi",
    "eprint",
    "version",
    "archiveprefix",
    "eprinttype",
    "arxivid",
    "url",
    "journal",
    "note",
    "journal_ref",
    "journal-ref",
    "primaryclass",
    "keywords",
    "ranking",
    "relevance",
    "triage",
    "crossref",
    "annote",
    "annotation",
}
_CROSSREF_TARGETS = {
    "proceedings",
    "mvproceedings",
    "book",
    "mvbook",
    "collection",
    "mvcollection",
    "reference",
    "mvreference",
    "periodical",
}


def looks_like_bibtex(lines: list[str]) -> bool:
    """The first line that is not blank or a `%` comment opens a block (`@article{`)."""
    for line in lines[:200]:
        text = line.strip().lstrip("\ufeff")
        if not text or text.startswith("%"):
            continue
        return bool(_BLOCK_START.match(text))
    return False


def read_bibtex(
    lines: Iterable[str], name: str, *, fast: bool = True
) -> Iterator[ForeignRecord | ParseProblem]:
    reader = _Reader(fast)
    chunk: list[str] = []
    chunk_start = 1
    entries = 0
    size = 0
    for number, line in enumerate(lines, 1):
        if "@" in line and _BLOCK_START.match(line):
            if entries >= CHUNK_ENTRIES or size >= CHUNK_CHARS:
                yield from reader.parse(chunk, chunk_start)
                chunk, chunk_start, entries, size = [], number, 0, 0
            entries += 1
        if not chunk:
            chunk_start = number
        chunk.append(line)
        size += len(line)
    if chunk:
        yield from reader.parse(chunk, chunk_start)
    yield from reader.finish()


class _Reader:
    def __init__(self, fast: bool = True) -> None:
        self.fast = fast  # the regular-shape splitter first (bibtex_fast), else bibtexparser only
        self.strings: dict[str, str] = dict(_MONTHS)
        self.parents: dict[str, dict[str, str]] = {}  # crossref targets: key -> year/month
        self.pending: list[tuple[int, dict[str, str]]] = []  # children waiting for a parent

    def parse(self, lines: list[str], first_line: int) -> Iterator[ForeignRecord | ParseProblem]:
        text = "\n".join(lines)
        blocks = split_regular(text) if self.fast else None
        if blocks is None:
            yield from self.parse_slow(text, first_line)
            return
        for kind, key, raw, fields, line in blocks:
            if kind == "string":
                self.strings[key.lower()] = self.value(raw)
            else:
                yield from self.entry(kind, key, fields, first_line + line)

    def parse_slow(self, text: str, first_line: int) -> Iterator[ForeignRecord | ParseProblem]:
        """The chunk read by bibtexparser, the parser of record."""
        import bibtexparser
        from bibtexparser import model

        # bibtexparser logs each block it gives up on; the import reports them itself.
        logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
        try:
            library = bibtexparser.parse_string(text, parse_stack=[])
        except Exception as exc:  # never a traceback: the chunk is reported and skipped
            yield ParseProblem(first_line, f"BibTeX could not be read ({type(exc).__name__})")
            return
        for found in library.blocks:
            line = first_line + (found.start_line or 0)
            block: Any = found
            if isinstance(found, model.DuplicateBlockKeyBlock):
                block = found.ignore_error_block  # a repeated key: read all the same
                if not isinstance(block, model.Entry):
                    continue
            if isinstance(block, model.String):
                self.strings[block.key.lower()] = self.value(str(block.value))
            elif isinstance(block, model.Entry):
                fields = [(f.key, f.value) for f in block.fields]
                yield from self.entry(str(block.entry_type).lower(), str(block.key), fields, line)
            elif isinstance(block, model.ParsingFailedBlock):
                reason = str(block.error).split("\n")[0][:200] or "unbalanced braces or quotes"
                yield ParseProblem(line, f"BibTeX block could not be read: {reason}")

    def entry(
        self, kind: str, key: str, raw_fields: list[tuple[str, Any]], line: int
    ) -> Iterator[ForeignRecord | ParseProblem]:
        fields: dict[str, str] = {}
        for name, raw in raw_fields:
            name = name.strip().lower()
            if name not in fields and (name in _READ or name.startswith("comment")):
                fields[name] = self.value(raw)
        if kind in _CROSSREF_TARGETS:
            self.parents[key.lower()] = {
                k: fields[k] for k in ("year", "date", "month") if k in fields
            }
            if not fields.get("abstract") and kind.startswith("mv"):
                return  # a multi-volume container is not a paper
        parent_key = fields.get("crossref", "").strip().lower()
        if parent_key:
            parent = self.parents.get(parent_key)
            if parent is None and len(self.pending) < MAX_PENDING:
                self.pending.append((line, {**fields, "_crossref": parent_key}))
                return
            for k, v in (parent or {}).items():
                fields.setdefault(k, v)
        volume = kind in ("proceedings", "book", "collection")
        if volume and not fields.get("author") and not fields.get("abstract"):
            return  # a volume others cross-reference, not a paper to triage
        yield _record(fields, line)

    def finish(self) -> Iterator[ForeignRecord | ParseProblem]:
        for line, fields in self.pending:
            for k, v in self.parents.get(fields.pop("_crossref"), {}).items():
                fields.setdefault(k, v)
            yield _record(fields, line)
        self.pending = []

    def value(self, raw: str) -> str:
        """A field's text: braces or quotes removed, macros resolved, `#` joined."""
        raw = raw.strip()
        if raw[:1] == "{" and raw[-1:] == "}" and len(raw) >= 2 and "#" not in raw:
            return raw[1:-1]  # the common case, as the loop below would read it
        parts = _split_concat(raw)
        out: list[str] = []
        for part in parts:
            part = part.strip()
            if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
                out.append(part[1:-1])
            elif part.isdigit():
                out.append(part)
            else:
                out.append(self.strings.get(part.lower(), part))
        return "".join(out)


_AND = re.compile(r"[ \t\r\n]+and[ \t\r\n]+", re.IGNORECASE)


def split_authors(raw: str) -> list[str]:
    """The people of an `author` value as bibtexparser splits them; without braces or
    backslashes (nearly every value) by one regular expression, which gives the same."""
    if "{" in raw or "}" in raw or "\\" in raw:
        from bibtexparser.middlewares.names import split_multiple_persons_names

        return split_multiple_persons_names(raw)
    raw = raw.strip(" \r\n\t")
    return _AND.split(raw) if raw else []


_RANK = re.compile(r"rank[1-5]")
# What arXiv's comments line says (and a journal reference does not): its page, figure
# and table counts, or the `Comment:` some tools write before it.
_ARXIV_COMMENT = re.compile(
    r"^\s*comments?\s*:|\b\d+\s*(?:pages?|figures?|figs?\b|tables?)\b", re.IGNORECASE
)
_TEX_SIGN = re.compile(r"[\\{}$~]|--")


@lru_cache(maxsize=4096)
def _shown_name(raw: str) -> str:
    """A person as the app shows them; the same people sign many entries of a file."""
    name = display_name(raw)  # one line already: TeX-free, tex_to_text would return it
    return tex_to_text(name) if _TEX_SIGN.search(name) else name


def _split_concat(raw: str) -> list[str]:
    if "#" not in raw:
        return [raw]
    parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    for i, ch in enumerate(raw):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append(raw[start:i])
            start = i + 1
    parts.append(raw[start:])
    return parts


def _record(fields: dict[str, str], line: int) -> ForeignRecord | ParseProblem:
    try:
        authors_raw = fields.get("author") or ""
        names = split_authors(authors_raw) if authors_raw.strip() else []
        et_al = bool(names) and names[-1].strip().strip("{}").lower() == "others"
        authors = [_shown_name(n) for n in (names[:-1] if et_al else names)]
        eprint = fields.get("eprint", "")
        prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
        found_eprint = arxiv_id(eprint) if prefix == "arxiv" or not prefix else None
        arxiv = found_eprint[0] if found_eprint else None
        # biblatex's `version` (this app's export) or the eprint's own `v2`.
        version = fields.get("version", "").strip()
        arxiv_version = (int(version) if version.isdigit() and len(version) < 6 else None) or (
            found_eprint[1] if found_eprint else None
        )
        found_arxiv, doi = ids_from(
            fields.get("doi"),
            fields.get("arxivid"),
            fields.get("url"),
            fields.get("journal"),
            fields.get("note") if "arxiv" in fields.get("note", "").lower() else None,
        )
        journal_ref = _journal_ref(fields, own=bool(arxiv and prefix == "arxiv"))
        rating = None
        ranking = fields.get("ranking", "").strip().lower()
        if _RANK.fullmatch(ranking):
            rating = int(ranking[-1])
        triage = fields.get("triage", "").strip().lower()
        notes = [tex_to_text(v) for k, v in fields.items() if k.startswith("comment")]
        notes += [tex_to_text(fields[k]) for k in ("annote", "annotation") if k in fields]
        tags = [
            t
            for t in split_tags(tex_to_text(fields.get("keywords", "")))
            if t.casefold() not in JABREF_SPECIAL
        ]
        return make_record(
            line,
            title=tex_to_text(fields.get("title")),
            authors=authors,
            abstract=tex_to_text(fields.get("abstract")),
            published=iso_day(fields.get("date"), fields.get("year"), month=fields.get("month")),
            category=arxiv_category(fields.get("primaryclass")),
            arxiv_id=arxiv or found_arxiv,
            doi=doi,
            arxiv_version=arxiv_version if arxiv else None,
            journal_ref=journal_ref,
            status=triage if triage in ("kept", "dismissed") else None,
            starred=fields.get("relevance", "").strip().lower() == "relevant",
            rating=rating,
            note="\n".join(n for n in notes if n),
            tags=tags,
            names_done=True,
            et_al=et_al,
        )
    except ValueError as exc:
        return ParseProblem(line, str(exc))


def _journal_ref(fields: dict[str, str], *, own: bool) -> str | None:
    """The journal reference by the rule in the module's docstring; `own`: the entry
    carries an arXiv eprint."""
    named = fields.get("journal_ref") or fields.get("journal-ref")
    if named and named.strip():
        return tex_to_text(named) or None
    note = tex_to_text(fields.get("note"))
    if not note:
        return None
    if "triage" in fields:
        return note
    if own and "arxiv" not in note.lower() and not _ARXIV_COMMENT.search(note):
        return note
    return None
