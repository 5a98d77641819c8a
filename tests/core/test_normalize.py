"""De-duplication keys: the ASCII fast path folds exactly like the general path."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from triage_app.core.ingest.normalize import abstract_key, normalize_text, title_key

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def _general(text: str) -> str:
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_fast_path_equals_the_general_fold(text: str) -> None:
    assert normalize_text(text) == _general(text)


def test_keys_fold_case_punctuation_and_spacing_but_not_words() -> None:
    assert title_key("Understanding Addition in Transformers") == title_key(
        "understanding  addition in transformers."
    )
    assert title_key("Understanding Addition in Transformers") != title_key(
        "Understanding Addition and Subtraction in Transformers"
    )
    assert normalize_text("Émigré—Ünïcode_Test") == "émigré ünïcode test"
    assert abstract_key("too short") is None
    assert title_key("  ") is None
