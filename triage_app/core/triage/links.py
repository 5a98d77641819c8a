"""Where to read a paper: its arXiv page (else an arXiv search) and a Google Scholar search."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from triage_app.core.records import PaperRecord

ABSTRACT_WORDS = 14  # enough words to find a paper that has no title in the listing


def search_text(paper: PaperRecord) -> str:
    if paper.title:
        return paper.title
    return " ".join(paper.abstract.split()[:ABSTRACT_WORDS])


def arxiv_abs_url(arxiv_id: str) -> str:
    """The paper's abstract page, versionless (it opens the latest version); an old-style
    id's slash (`hep-th/9901001`) is part of the path."""
    return "https://arxiv.org/abs/" + quote(arxiv_id, safe="/")


def arxiv_url(paper: PaperRecord) -> str:
    """The abstract page when the arXiv id is known, else the arXiv search by title or,
    without one, the abstract's first words."""
    if paper.arxiv_id:
        return arxiv_abs_url(paper.arxiv_id)
    field = "title" if paper.title else "abstract"
    return "https://arxiv.org/search/?" + urlencode(
        {"query": search_text(paper), "searchtype": field}
    )


def scholar_url(paper: PaperRecord) -> str:
    text = search_text(paper)
    return "https://scholar.google.com/scholar?" + urlencode(
        {"q": f'"{text}"' if paper.title else text}
    )
