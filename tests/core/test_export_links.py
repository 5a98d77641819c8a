"""Every export's link is what the window opens with `o`: the paper's arXiv abstract page
when its arXiv id is known, else the arXiv search for its title (the same query)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.consumer_library import PAPERS
from tests.core.export_library import paper
from triage_app.core.export.paper_links import arxiv_search_url, paper_url
from triage_app.core.triage import arxiv_url


def same_link(a: str, b: str) -> bool:
    one, two = urlsplit(a), urlsplit(b)
    return one[:3] == two[:3] and parse_qs(one.query) == parse_qs(two.query)


def test_consumer_papers_link_to_what_the_window_opens() -> None:
    assert any(p.arxiv_id for p in PAPERS) and not all(p.arxiv_id for p in PAPERS)
    for p in PAPERS:
        assert same_link(paper_url(p.arxiv_id, p.title, p.abstract), arxiv_url(p))
    assert "%20" in arxiv_search_url("Two words", "") and "+" not in arxiv_search_url("a b", "")


def test_a_known_arxiv_id_links_to_its_abstract_page_without_a_version() -> None:
    new = paper(arxiv_id="2409.01234", arxiv_version=3)
    old = paper(arxiv_id="hep-th/9901001", title=None)
    assert (
        arxiv_url(new)
        == paper_url("2409.01234", new.title, "")
        == "https://arxiv.org/abs/2409.01234"
    )
    # An old-style id's slash is part of the path, not escaped.
    assert (
        arxiv_url(old)
        == paper_url("hep-th/9901001", None, old.abstract)
        == "https://arxiv.org/abs/hep-th/9901001"
    )


def test_without_an_arxiv_id_the_link_is_the_search() -> None:
    record = paper()
    assert record.arxiv_id is None
    assert paper_url(None, record.title, record.abstract) == (
        "https://arxiv.org/search/?query=Trust%20Me%2C%20I%20Am%20Wrong%3A%20LLMs%20Hallucinate"
        "&searchtype=title"
    )
    assert arxiv_url(record) == (
        "https://arxiv.org/search/?query=Trust+Me%2C+I+Am+Wrong%3A+LLMs+Hallucinate"
        "&searchtype=title"
    )


ARXIV_IDS = st.one_of(
    st.none(),
    st.from_regex(r"\d{4}\.\d{4,5}", fullmatch=True),
    st.from_regex(r"[a-z]{2,8}(-[a-z]{2,5})?(\.[A-Z]{2})?/\d{7}", fullmatch=True),
)


@settings(max_examples=200, deadline=None)
@given(
    title=st.one_of(st.none(), st.text(max_size=30)),
    abstract=st.text(max_size=200),
    arxiv_id=ARXIV_IDS,
)
def test_any_paper_links_to_the_same_page(title, abstract, arxiv_id) -> None:
    record = paper(title=title, abstract=abstract, arxiv_id=arxiv_id)
    link = paper_url(record.arxiv_id, record.title, record.abstract)
    assert same_link(link, arxiv_url(record))
    assert link.startswith("https://arxiv.org/abs/" if arxiv_id else "https://arxiv.org/search/")


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_the_fast_ascii_quoting_is_urllib_quote(text) -> None:
    from urllib.parse import quote

    from triage_app.core.export.paper_links import _quote

    assert _quote(text) == quote(text, safe="")
