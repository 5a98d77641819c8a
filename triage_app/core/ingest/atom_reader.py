"""arXiv's Atom API responses and its RSS/Atom category feeds (and other Atom or RSS
feeds of papers), read as a stream of entries.

XML from the network is untrusted, so it is parsed by the standard library's expat
through defusedxml's parser, which refuses DTDs, entity declarations and external
references (the billion-laughs and XXE attacks); plain `xml.etree` would expand them.
feedparser was not chosen: it drops arXiv's namespaced fields into loosely named keys and
sanitises HTML we do not need. Lines are fed one at a time, so each entry keeps the line
it starts on and only one entry is held in memory.

Per entry: the arXiv id and version (from `id`, `link` or `guid`), title and abstract
with whitespace folded and TeX as typed, every author, the primary category, the
published date (the first version's), the DOI and journal reference; RSS descriptions of the form
`arXiv:ID Announce Type: new Abstract: ...` give the abstract after `Abstract:`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from email.utils import parsedate_to_datetime
from typing import Any, cast

from triage_app.core.ingest.entries import ListingError, ParseProblem
from triage_app.core.ingest.foreign_record import ForeignRecord, make_record
from triage_app.core.ingest.foreign_text import (
    arxiv_category,
    iso_day,
    one_line,
    strip_markup,
)
from triage_app.core.ingest.identity import arxiv_id, ids_from

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
RSS1 = "{http://purl.org/rss/1.0/}"
_ENTRY_TAGS = {f"{ATOM}entry", "item", f"{RSS1}item"}
_ANNOUNCE = re.compile(r"^\s*arXiv:\S+\s+Announce Type:\s*\S+\s*(?:Abstract:\s*)?", re.I)
_OLD_TITLE = re.compile(r"\s*\(arXiv:[^)]*\)\s*$")


def looks_like_feed(text: str) -> bool:
    head = text.lstrip()[:2000].lower()
    if not head.startswith("<"):
        return False
    return any(tag in head for tag in ("<feed", "<rss", "<rdf:rdf"))


def read_feed(lines: Iterable[str], name: str) -> Iterator[ForeignRecord | ParseProblem]:
    import xml.etree.ElementTree as ET

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    parser = ET.XMLPullParser(
        events=("start", "end"), _parser=DefusedXMLParser(target=ET.TreeBuilder())
    )
    depth = 0
    entry_line = 0
    root: Any = None
    seen_root = False
    number = 0
    try:
        for number, line in enumerate(lines, 1):
            parser.feed(line + "\n")
            for event_node in parser.read_events():
                event, elem = cast(tuple[str, Any], event_node)
                if not seen_root:
                    seen_root = True
                    root = elem
                    if _local(elem.tag) not in ("feed", "rss", "RDF"):
                        raise ListingError(f"XML file is not an Atom or RSS feed ({elem.tag})")
                if elem.tag in _ENTRY_TAGS:
                    if event == "start":
                        depth += 1
                        if depth == 1:
                            entry_line = number
                    else:
                        depth -= 1
                        if depth == 0:
                            yield _entry(elem, entry_line)
                            elem.clear()
                            if root is not None:
                                _drop_children(root)
        parser.close()
    except DefusedXmlException as exc:
        raise ListingError(f"XML refused: {type(exc).__name__} (DTDs and entities)") from exc
    except ET.ParseError as exc:
        if not seen_root:
            raise ListingError(f"not a feed: malformed XML ({exc})") from exc
        yield ParseProblem(number, f"malformed XML, the rest of the feed was skipped ({exc})")


def _drop_children(root: Any) -> None:
    # Entries already read hang off the channel/feed element: let them go.
    for parent in (root, *root):
        for child in list(parent):
            if child.tag in _ENTRY_TAGS and not len(child):
                parent.remove(child)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(elem: Any, *tags: str) -> str | None:
    for tag in tags:
        found = elem.find(tag)
        if found is not None and (found.text or "").strip():
            return str(found.text)
    return None


def _entry(elem: Any, line: int) -> ForeignRecord | ParseProblem:
    try:
        ident = _text(elem, f"{ATOM}id", "guid", "link", f"{RSS1}link") or ""
        links = [ln.get("href", "") for ln in elem.findall(f"{ATOM}link")]
        about = elem.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about", "")
        found = (
            arxiv_id(ident)
            or arxiv_id(about)
            or next((a for a in (arxiv_id(h) for h in links) if a), None)
        )
        title = _text(elem, f"{ATOM}title", "title", f"{RSS1}title") or ""
        title = _OLD_TITLE.sub("", one_line(title))
        summary = _text(elem, f"{ATOM}summary", "description", f"{RSS1}description") or ""
        summary = _ANNOUNCE.sub("", strip_markup(summary))
        authors = [one_line(a.findtext(f"{ATOM}name") or "") for a in elem.findall(f"{ATOM}author")]
        affiliations = [one_line(a.text or "") for a in elem.iter(f"{ARXIV}affiliation") if a.text]
        for creator in elem.findall(f"{DC}creator"):
            authors += _creators(strip_markup(creator.text or ""))
        primary = elem.find(f"{ARXIV}primary_category")
        category = primary.get("term") if primary is not None else None
        if category is None:
            first = elem.find(f"{ATOM}category")
            category = first.get("term") if first is not None else _text(elem, "category")
        doi_text = _text(elem, f"{ARXIV}doi", f"{ARXIV}DOI")
        doi_links = [ln.get("href", "") for ln in elem.findall(f"{ATOM}link")]
        _, doi = ids_from(doi_text, *(h for h in doi_links if "doi.org" in h))
        published = _text(elem, f"{ATOM}published", f"{DC}date", f"{ATOM}updated")
        if published is None:
            pub_date = _text(elem, "pubDate")
            published = _rfc822_day(pub_date) if pub_date else None
        return make_record(
            line,
            title=title,
            authors=[a for a in authors if a],
            abstract=one_line(summary),
            published=iso_day(published),
            category=arxiv_category(category),
            arxiv_id=found[0] if found else None,
            doi=doi,
            arxiv_version=found[1] if found else None,
            journal_ref=_text(elem, f"{ARXIV}journal_ref", f"{ARXIV}journal_reference"),
            affiliations=list(dict.fromkeys(affiliations)),
            names_done=True,
        )
    except ValueError as exc:
        return ParseProblem(line, str(exc))


def _creators(text: str) -> list[str]:
    """`A, B and C` (arXiv's RSS) as three names."""
    text = one_line(text)
    if not text:
        return []
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", text)
    return [p.strip() for p in parts if p.strip()]


def _rfc822_day(text: str) -> str | None:
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None
