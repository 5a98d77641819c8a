"""The exports' fast paths write exactly what the plain, word-by-word code writes."""

from __future__ import annotations

import io
from random import Random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.core.export_library import paper
from triage_app.core.export import bibtex
from triage_app.core.export.author_names import split_name
from triage_app.core.export.bibtex import _name_part, author_name, bibtex_name
from triage_app.core.export.bibtex_keys import assign_keys, key_table
from triage_app.core.export.latex_escape import (
    _PART_BREAK,
    _parts_keep_case,
    protect_title,
    protect_words,
)

# Pieces that exercise every branch of the case check: capitals after the first letter,
# hyphen/slash/dash parts, the pronoun I, non-ASCII capitals, TeX specials, odd spaces.
_PIECES = st.sampled_from(
    [
        *"abcIXZ-/–—.,;:()[]{}&%#_~^<>|'\"0 \t\n\u00a0éÉßİıαΣ≤ǅⅠ",
        "LLMs",
        "GPT-4o",
        "I",
        "Q-",
        "iPhone",
        " I ",
        "(ST)",
        "e.g.",
    ]
)
_TEXT = st.lists(_PIECES, max_size=24).map("".join)


@settings(max_examples=400)
@given(_TEXT.filter(lambda t: t.split() != []))
@example("Large GPT-4o models: I (ST) iPhone Müller abc/def LLMs I, x Q-Learning Ilya")
def test_protect_title_braces_the_words_the_word_by_word_check_braces(title: str) -> None:
    assert protect_title(title) == protect_words(title)


def _plain_author_name(name: str) -> str:
    person = split_name(name)
    if not person.family.strip():
        return "{" + _name_part(name) + "}"
    return bibtex_name(person)


@settings(max_examples=400)
@given(_TEXT | st.sampled_from(["Jan van der Berg", "OpenAI Team", "Ada Lovelace Jr.", ", x"]))
@example("Riiko T. Hoang")
def test_author_name_is_the_name_parts_escaped_one_by_one(name: str) -> None:
    author_name.cache_clear()
    assert author_name(name) == _plain_author_name(name)


# Bases that collide, and bases that a collision suffix can produce (`x` + `a` = `xa`).
_BASES = st.lists(
    st.sampled_from(["x", "xa", "xaa", "xb", "xz", "xab", "x1", "x1a", "y", "ya", "anon", "anona"]),
    max_size=60,
)


@settings(max_examples=400)
@given(_BASES, st.randoms(use_true_random=False))
def test_key_table_gives_the_keys_assign_keys_gives(bases: list[str], rng: Random) -> None:
    ids = sorted(rng.sample(range(1, 10_000), len(bases)))
    pairs = list(zip(ids, bases, strict=True))
    table = key_table(pairs)
    expected = assign_keys(pairs)
    assert dict(table) == expected
    assert len(set(table.values())) == len(bases)
    assert table.get(10_001) is None


def _plain_parts_keep_case(word: str) -> bool:
    """latex_escape._parts_keep_case letter by letter, as first written."""
    parts = [p for p in _PART_BREAK.split(word) if p]
    for part in parts:
        letters = [c for c in part if c.isalpha()]
        if any(c.isupper() for c in letters[1:]):
            return True
        if len(parts) > 1 and len(letters) == 1 and letters[0].isupper():
            return True
    return "".join(c for c in word if c.isalpha()) == "I"


@settings(max_examples=600)
@given(_TEXT.map(lambda t: "".join(t.split())))
@example("Clarity-Aware")
@example("Q-Learning")
def test_parts_keep_case_checks_letters_as_the_letter_by_letter_check(word: str) -> None:
    assert _parts_keep_case(word) == _plain_parts_keep_case(word)


@pytest.mark.parametrize("papers", [0, 1, 3, 4, 5, 9])
def test_bibtex_entries_written_in_batches_read_as_written_one_by_one(
    papers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [paper(i, title=f"Title {i}") for i in range(1, papers + 1)]
    whole = io.StringIO()
    monkeypatch.setattr(bibtex, "WRITE_BATCH", 1_000)
    bibtex.write_bibtex(records, whole)
    for batch in (1, 2, 4):
        monkeypatch.setattr(bibtex, "WRITE_BATCH", batch)
        out = io.StringIO()
        assert bibtex.write_bibtex(records, out) == papers
        assert out.getvalue() == whole.getvalue()
    assert whole.getvalue().count("@misc{") == papers
    assert whole.getvalue().endswith("}\n" if papers else "UTF-8\n\n")
