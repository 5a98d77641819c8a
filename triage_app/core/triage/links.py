"""Where to read a paper: arXiv and Google Scholar searches by title."""

from __future__ import annotations

from urllib.parse import urlencode

from triage_app.core.records import PaperRecord

ABSTRACT_WORDS = 14  # enough words to find a paper that has no title in the listing


def search_text(paper: PaperRecord) -> str:
    if paper.title:
        return paper.title
    return " ".join(paper.abstract.split()[:ABSTRACT_WORDS])


def arxiv_url(paper: PaperRecord) -> str:
    field = "title" if paper.title else "abstract"
    return "https://arxiv.org/search/?" + urlencode(
        {"query": search_text(paper), "searchtype": field}
    )


def scholar_url(paper: PaperRecord) -> str:
    text = search_text(paper)
    return "https://scholar.google.com/scholar?" + urlencode(
        {"q": f'"{text}"' if paper.title else text}
    )
