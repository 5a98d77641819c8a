"""A view reloaded after an import: only the new papers are read, and the result is the one
a whole reload would append; id listings and their counts agree for every view."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED_AS_OF
from tests.perf.corpus import write_listing
from triage_app.core.ingest.importer import import_path
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import DecisionPatch, mark
from triage_app.core.triage.views import ViewSpec, load_newer, load_view

VIEWS = [
    ViewSpec("inbox"),
    ViewSpec("all"),
    ViewSpec("kept"),
    ViewSpec("dismissed"),
    ViewSpec("starred"),
    ViewSpec("tag", "reading"),
    ViewSpec("category", "LG"),
    ViewSpec("batch", 1),
]


@pytest.fixture
def lib(library: Library, tmp_path: Path) -> Library:
    report = import_path(library, write_listing(tmp_path / "a.txt", 40, seed=3), as_of=SEED_AS_OF)
    assert report.refused is None and library.count() == 40
    ids = library.all_ids()
    mark(library, ids[:5], DecisionPatch(status="dismissed"))
    mark(library, ids[5:9], DecisionPatch(starred=True, add_tags=("reading",)))
    return library


@pytest.mark.parametrize("spec", VIEWS, ids=lambda s: s.key())
def test_load_newer_after_an_import_equals_the_whole_view_reloaded(
    lib: Library, spec: ViewSpec, tmp_path: Path
) -> None:
    shown = load_view(lib, spec).ids
    report = import_path(lib, write_listing(tmp_path / "b.txt", 12, seed=4), as_of=SEED_AS_OF)
    assert report.refused is None and lib.count() > 40
    whole = load_view(lib, spec)
    newer = load_newer(lib, spec, shown)
    assert newer is not None
    assert newer.ids == whole.ids and newer.new_count == whole.new_count
    assert newer.ids[: len(shown)] == shown


def test_rows_decided_before_the_import_stay_and_are_not_counted_as_new(
    lib: Library, tmp_path: Path
) -> None:
    inbox = ViewSpec("inbox")
    shown = load_view(lib, inbox).ids
    mark(lib, shown[:3], DecisionPatch(status="kept"))  # still shown, dimmed, until a refresh
    import_path(lib, write_listing(tmp_path / "b.txt", 12, seed=4), as_of=SEED_AS_OF)
    newer = load_newer(lib, inbox, shown)
    added = [pid for pid in lib.list_ids(status="new") if pid not in shown]
    assert newer is not None and added
    assert newer.ids == shown + added
    assert newer.new_count == len(shown) - 3 + len(added) == lib.count_ids(status="new")


@pytest.mark.parametrize(
    "ask", [dict(query="model"), dict(order="score"), dict(order="id", descending=True)]
)
def test_views_not_in_id_order_are_loaded_whole(lib: Library, ask: dict) -> None:
    shown = load_view(lib, ViewSpec("inbox")).ids
    assert load_newer(lib, ViewSpec("inbox"), shown, **ask) is None
    assert load_newer(lib, ViewSpec("for_you"), shown) is None


@pytest.mark.parametrize("spec", VIEWS, ids=lambda s: s.key())
def test_count_ids_agrees_with_list_ids(lib: Library, spec: ViewSpec) -> None:
    middle = lib.all_ids()[20]
    for extra in ({}, {"after_id": middle}, {"after_id": 10**9}):
        listed = lib.list_ids(**spec.filters(), **extra)
        assert lib.count_ids(**spec.filters(), **extra) == len(listed)
        assert all(pid > extra.get("after_id", 0) for pid in listed)


QUERIES = ["model", "learning OR data", "-model", "year:>=2020", '"language model"', "lear*"]


@pytest.mark.parametrize("spec", VIEWS, ids=lambda s: s.key())
def test_a_search_inside_a_view_is_one_query_of_view_and_terms(
    lib: Library, spec: ViewSpec
) -> None:
    """The view's filter and the search's terms evaluated together give what the view's ids
    intersected with the library-wide hits gave: the same papers, in relevance order."""
    from triage_app.core.search import SearchService

    with SearchService(lib, time_limit=None) as service:
        service.sync()

        def search(query: str, within) -> list[int]:
            return service.search(query, limit=None, within=within).ids

        seen_any = False
        for query in QUERIES:
            everywhere = service.search(query, limit=None).ids
            in_view = set(load_view(lib, spec).ids)
            expected = [i for i in everywhere if i in in_view]
            got = load_view(lib, spec, query=query, search=search).ids
            assert got == expected, query
            seen_any = seen_any or bool(got)
            by_title = load_view(lib, spec, query=query, search=search, order="title").ids
            assert sorted(by_title) == sorted(expected)
        assert seen_any or spec.kind in ("kept",)
