"""A query cannot exhaust the parser or the engine: nesting, terms and expansions have
limits, and a query over them is refused with a message that names the limit."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.cli.run import triage
from triage_app.core.search.query import MAX_DEPTH, MAX_EXPANDED, MAX_TERMS, parse_query
from triage_app.core.search.query_nodes import QueryError


@pytest.mark.parametrize(
    "query",
    [
        "(" * 250 + "word" + ")" * 250,
        "NOT " * 1000 + "word",
        " ".join(["NOT"] * (MAX_DEPTH + 1)) + " word",
        "(" * (MAX_DEPTH + 1) + "word" + ")" * (MAX_DEPTH + 1),
    ],
    ids=["250 parentheses", "1000 NOTs", "NOTs over the limit", "parentheses over the limit"],
)
def test_deep_nesting_is_refused_by_name(query: str) -> None:
    with pytest.raises(QueryError, match=f"more than {MAX_DEPTH} levels"):
        parse_query(query)


def test_nesting_up_to_the_limit_parses() -> None:
    parse_query("(" * MAX_DEPTH + "word" + ")" * MAX_DEPTH)
    parse_query(" ".join(["NOT"] * MAX_DEPTH) + " word")


def test_too_many_terms_or_expansions_are_refused_by_name() -> None:
    parse_query(" ".join(f"w{i}" for i in range(MAX_TERMS)))
    with pytest.raises(QueryError, match=f"more than {MAX_TERMS} terms"):
        parse_query(" ".join(f"w{i}" for i in range(MAX_TERMS + 1)))
    with pytest.raises(QueryError, match=f"more than {MAX_TERMS} terms"):
        parse_query(" ".join(f"year:{2000 + i}" for i in range(MAX_TERMS + 1)))
    parse_query(" ".join(f"word{i}~" for i in range(MAX_EXPANDED)))
    with pytest.raises(QueryError, match=f"more than {MAX_EXPANDED} prefix"):
        parse_query(" ".join(f"word{i}~" for i in range(5000)))
    with pytest.raises(QueryError, match=f"more than {MAX_EXPANDED} prefix"):
        parse_query(" OR ".join(f"abc{i}*" for i in range(MAX_EXPANDED + 1)))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "(",
                ")",
                "NOT",
                "-",
                "OR",
                "AND",
                "word",
                "w*x",
                "abc*",
                "typo~",
                '"a b"',
                "year:2024",
                "tag:x",
            ]
        ),
        max_size=400,
    )
)
def test_any_sequence_of_operators_and_terms_parses_or_is_refused_cleanly(
    parts: list[str],
) -> None:
    """Never a RecursionError or another exception: a tree, or a QueryError."""
    with contextlib.suppress(QueryError):
        parse_query(" ".join(parts))


def test_the_cli_refuses_a_hostile_query_in_one_line(tmp_path) -> None:
    folder = tmp_path / "lib"
    assert triage("demo", "--no-gui", library=folder).returncode == 0
    done = triage("search", "(" * 300 + "model" + ")" * 300, library=folder)
    assert done.returncode == 2
    assert "levels of parentheses" in done.stderr and "Traceback" not in done.stderr
