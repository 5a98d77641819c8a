"""The link every export gives a paper: the arXiv search the window opens with `o`.

Built from the title (else the abstract's first words) as `triage.links.arxiv_url` builds
it (triage's face does not offer its parts), but from plain strings, so the SQLite row
streams need no PaperRecord; a test holds the two equal.
"""

from __future__ import annotations

from urllib.parse import quote_plus

ABSTRACT_WORDS = 14  # as triage.links: enough words to find a paper without a title


def arxiv_search_url(title: str | None, abstract: str | None) -> str:
    if title:
        return f"https://arxiv.org/search/?query={quote_plus(title)}&searchtype=title"
    words = " ".join((abstract or "").split()[:ABSTRACT_WORDS])
    return f"https://arxiv.org/search/?query={quote_plus(words)}&searchtype=abstract"
