"""The link every export gives a paper: the page the window opens with `o`.

A paper with an arXiv id links to its abstract page (`triage.arxiv_abs_url`, which the
window uses too); one without links to the arXiv search for its title (else the abstract's
first words), built as `triage.arxiv_url` builds it but from plain strings, so the SQLite
row streams need no PaperRecord; a test holds the two to the same link.
"""

from __future__ import annotations

import string
from urllib.parse import quote

from triage_app.core.triage import ABSTRACT_WORDS, arxiv_abs_url

_UNRESERVED = string.ascii_letters + string.digits + "_.-~"
# quote(text, safe="") for ASCII text, as one str.translate instead of quote's Python loop.
_ESCAPES = {c: f"%{c:02X}" for c in range(128) if chr(c) not in _UNRESERVED}


def _quote(text: str) -> str:
    return text.translate(_ESCAPES) if text.isascii() else quote(text, safe="")


def arxiv_search_url(title: str | None, abstract: str | None) -> str:
    """The window's search with spaces as `%20` rather than `+` (the same query): Citation.js
    re-encodes a URL whose only escapes are of reserved characters, so `LLMs%3A+Why` would
    arrive as `LLMs%253A+Why`."""
    if title:
        return f"https://arxiv.org/search/?query={_quote(title)}&searchtype=title"
    words = " ".join((abstract or "").split()[:ABSTRACT_WORDS])
    return f"https://arxiv.org/search/?query={_quote(words)}&searchtype=abstract"


def paper_url(arxiv_id: str | None, title: str | None, abstract: str | None) -> str:
    """The abstract page when the arXiv id is known, else the search."""
    return arxiv_abs_url(arxiv_id) if arxiv_id else arxiv_search_url(title, abstract)
