"""Citation keys like `simhi2025trust`, unique and stable for a paper across exports.

The key is the first author's family name, the year and the first significant title word
(TeX commands and math skipped), ASCII-folded. Papers whose keys collide are told apart
by suffixes a, b, ... given in order of paper id over the whole library, so a paper's key
does not depend on what else is exported, and a paper imported later never takes an older
paper's key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from itertools import count
from string import ascii_lowercase

from triage_app.core.export.author_names import split_name
from triage_app.core.store import Library

_STOPWORDS = (
    "a an the on of in for to and or with from by at as via into onto toward towards is are "
    "be do does can what how why when which who where we our your you it its this that these "
    "those not no yet beyond about over under between through"
)
STOPWORDS = frozenset(_STOPWORDS.split())
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
        "ð": "d",
    }
)
_NON_KEY = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[^\W_]+")
# TeX in a title is not a word of it: `\textsc{GUI-Spotlight}` gives `gui`, not `textsc`.
_TEX = re.compile(r"\\[A-Za-z]+|\$[^$]*\$")


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: `Müller` -> `muller`, `Łukasz` -> `lukasz`."""
    if text.isascii():
        return _NON_KEY.sub("", text.lower())
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return _NON_KEY.sub("", decomposed.encode("ascii", "ignore").decode().lower())


def _first_word(text: str) -> str:
    if "\\" in text or "$" in text:
        text = _TEX.sub(" ", text)
    for found in _WORD.finditer(text):
        word = found.group()
        folded = ascii_fold(word)
        if folded and word.lower() not in STOPWORDS:
            return folded
    return ""


def base_key(
    authors: Iterable[str], year: int | None, title: str | None, abstract: str = ""
) -> str:
    """The key before collision suffixes; `anon` stands in for a missing author."""
    first = next(iter(authors), "")
    family = ascii_fold(split_name(first).family) if first else ""
    word = _first_word(title or "") or _first_word(abstract[:300])
    return f"{family or 'anon'}{year or ''}{word}"


def _suffixes() -> Iterator[str]:
    yield ""
    yield from ascii_lowercase
    for n in count(2):  # aa, ab, ... after z: never runs out
        yield from (a + b for a in _suffix_letters(n - 1) for b in ascii_lowercase)


def _suffix_letters(width: int) -> Iterator[str]:
    if width == 1:
        yield from ascii_lowercase
    else:
        yield from (a + b for a in _suffix_letters(width - 1) for b in ascii_lowercase)


def assign_keys(bases: Iterable[tuple[int, str]]) -> dict[int, str]:
    """Unique keys from (paper id, base key) pairs, suffixes given in id order."""
    keys: dict[int, str] = {}
    used: set[str] = set()
    # per base, the suffixes not yet tried (None until a second paper shares the base)
    pending: dict[str, Iterator[str] | None] = {}
    for pid, base in sorted(bases):
        if base not in used and base not in pending:  # most keys: no collision
            used.add(base)
            keys[pid] = base
            pending[base] = None
            continue
        suffixes = pending.get(base)
        if suffixes is None:  # the second paper of this base: suffixes from the start
            suffixes = pending[base] = _suffixes()
        key = next(base + s for s in suffixes if base + s not in used)
        used.add(key)
        keys[pid] = key
    return keys


def library_keys(library: Library) -> dict[int, str]:
    """Every paper's key; one pass over the library (about a second for 100,000 papers)."""
    with library.read() as conn:
        # Only the first author counts: SQLite hands it over without decoding the list.
        rows = conn.exec_driver_sql(
            "SELECT id, json_extract(authors, '$[0]'), substr(published, 1, 4), title, "
            "CASE WHEN title IS NULL OR title = '' THEN substr(abstract, 1, 300) ELSE '' END "
            "FROM paper"
        )
        bases = [
            (
                pid,
                base_key(
                    (first,) if first else (), int(year) if year else None, title, abstract or ""
                ),
            )
            for pid, first, year, title, abstract in rows
        ]
    return assign_keys(bases)
