"""Every export's link is the arXiv search the window opens with `o` (the same query)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.consumer_library import PAPERS
from tests.core.export_library import paper
from triage_app.core.export.paper_links import arxiv_search_url
from triage_app.core.triage import arxiv_url


def same_link(a: str, b: str) -> bool:
    one, two = urlsplit(a), urlsplit(b)
    return one[:3] == two[:3] and parse_qs(one.query) == parse_qs(two.query)


def test_consumer_papers_link_to_what_the_window_opens() -> None:
    for p in PAPERS:
        assert same_link(arxiv_search_url(p.title, p.abstract), arxiv_url(p))
    assert "%20" in arxiv_search_url("Two words", "") and "+" not in arxiv_search_url("a b", "")


@settings(max_examples=200, deadline=None)
@given(title=st.one_of(st.none(), st.text(max_size=30)), abstract=st.text(max_size=200))
def test_any_paper_links_to_the_same_query(title, abstract) -> None:
    record = paper(title=title, abstract=abstract)
    assert same_link(arxiv_search_url(record.title, record.abstract), arxiv_url(record))


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_the_fast_ascii_quoting_is_urllib_quote(text) -> None:
    from urllib.parse import quote

    from triage_app.core.export.paper_links import _quote

    assert _quote(text) == quote(text, safe="")
