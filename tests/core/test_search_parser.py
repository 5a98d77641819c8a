"""The query parser: its AST for each form, and never anything but a QueryError."""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from triage_app.core.search.query import parse_query
from triage_app.core.search.query_nodes import And, Filter, MatchAll, Not, Or, QueryError, Text


def test_forms_parse_to_the_expected_tree() -> None:
    assert parse_query("  ") == MatchAll()
    assert parse_query('a OR "b c" -d') == Or(
        (
            Text(None, "word", "a", 0),
            And((Text(None, "phrase", "b c", 5), Not(Text(None, "word", "d", 12)))),
        )
    )
    assert parse_query("TITLE:(x OR yak*)") == Or(
        (Text("title", "word", "x", 7), Text("title", "prefix", "yak", 12))
    )
    assert parse_query("year:>=2024 Rating:2..4 is:Starred") == And(
        (
            Filter("year", ">=", 2024, 5),
            Filter("rating", "range", 2, 19, 4),
            Filter("is", "=", "starred", 27),
        )
    )
    assert parse_query("word~2 and or not") == And(
        (
            Text(None, "fuzzy", "word", 0, 2),
            Text(None, "word", "and", 7),
            Text(None, "word", "or", 11),
            Text(None, "word", "not", 14),
        )
    )
    assert parse_query("NOT NOT a") == Text(None, "word", "a", 8)


ALPHABET = st.sampled_from(
    [*'abcXY:()"*~-<>=.. 0129', "AND", "OR", "NOT", "title:", "year:", "is:", "tag:", "foo:"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=12).map("".join))
def test_any_text_parses_or_fails_with_a_position_inside_it(query: str) -> None:
    try:
        parse_query(query)
    except QueryError as exc:
        assert 0 <= exc.position <= len(query)
        assert exc.message


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_unicode_never_raises_anything_else(query: str) -> None:
    with contextlib.suppress(QueryError):
        parse_query(query)
