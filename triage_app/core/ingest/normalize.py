"""De-duplication keys: two entries are one paper when a key matches exactly."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


# ASCII letters and digits stay, every other ASCII character becomes a space.
_ASCII_FOLD = str.maketrans(
    {chr(c): (chr(c).lower() if chr(c).isalnum() else " ") for c in range(128)}
)


def normalize_text(text: str) -> str:
    """Case, accents-as-composed, punctuation and spacing folded away; words kept in order.

    Exact equality after this folding is deliberately strict: "Understanding Addition in
    Transformers" and "Understanding Addition and Subtraction in Transformers" stay apart.
    """
    if text.isascii():
        # Same result as the general path, much faster on abstracts (the importer
        # folds every title and abstract it reads).
        return " ".join(text.translate(_ASCII_FOLD).split())
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", folded).strip()


def title_key(title: str | None) -> str | None:
    if not title:
        return None
    key = normalize_text(title)
    return key or None


def abstract_key(abstract: str | None) -> str | None:
    """A hash, not the text: an index over 100k full abstracts would double the file."""
    if not abstract:
        return None
    key = normalize_text(abstract)
    if len(key) < 20:  # too short to identify a paper on its own
        return None
    return hashlib.sha1(key.encode("utf-8")).hexdigest()
