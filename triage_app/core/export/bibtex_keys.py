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
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from itertools import count, pairwise
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
        lowered = text.lower()
        return lowered if lowered.isalnum() else _NON_KEY.sub("", lowered)
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


class KeyTable(Mapping[int, str]):
    """Every paper's key, compact: the base keys as one ASCII byte string in id order, and
    a dict only for the papers that a collision concerns: a few bytes a paper instead of a
    string object and a dict entry."""

    def __init__(self, ids: array[int], ends: array[int], blob: bytes, odd: dict[int, str]):
        self._ids, self._ends, self._blob = ids, ends, blob
        self.odd = odd  # the keys of the papers a collision concerns

    def __getitem__(self, pid: int) -> str:
        key = self.odd.get(pid)
        if key is not None:
            return key
        i = bisect_left(self._ids, pid)
        if i == len(self._ids) or self._ids[i] != pid:
            raise KeyError(pid)
        return self.base(i)

    def base(self, i: int) -> str:
        """The base key of the i-th paper in id order."""
        return self._blob[self._ends[i - 1] if i else 0 : self._ends[i]].decode("ascii")

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def key_table(bases: Iterable[tuple[int, str]]) -> KeyTable:
    """The keys assign_keys gives (paper id, base key) pairs in id order, kept compact.

    A paper keeps its base key unless its base is another's, or is such a shared base
    followed by letters (which a suffix could produce): only those papers go through
    assign_keys, and no other key can be one of theirs.
    """
    ids: array[int] = array("q")
    ends: array[int] = array("q")
    hashes: array[int] = array("q")
    blob = bytearray()
    for pid, base in bases:
        ids.append(pid)
        hashes.append(hash(base))
        blob += base.encode("ascii")
        ends.append(len(blob))
    table = KeyTable(ids, ends, bytes(blob), {})
    del blob
    ordered = sorted(hashes)
    shared_hashes = {a for a, b in pairwise(ordered) if a == b}
    del ordered
    if not shared_hashes:
        return table
    # (a hash shared by two different bases only adds papers that keep their base anyway)
    shared = {table.base(i) for i, h in enumerate(hashes) if h in shared_hashes}
    stems = {base.rstrip(ascii_lowercase) for base in shared}
    concerned = []
    for i, pid in enumerate(ids):
        base = table.base(i)
        stem = base.rstrip(ascii_lowercase)
        if stem in stems and any(base[:k] in shared for k in range(len(stem), len(base) + 1)):
            concerned.append((pid, base))
    table.odd.update(assign_keys(concerned))
    return table


def library_keys(library: Library) -> KeyTable:
    """Every paper's key; one pass over the library (about a second for 100,000 papers)."""
    with library.read() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None  # a checked-out pooled connection is always open
        # Only the first author counts: SQLite hands it over without decoding the list.
        rows = driver.execute(
            "SELECT id, json_extract(authors, '$[0]'), substr(published, 1, 4), title, "
            "CASE WHEN title IS NULL OR title = '' THEN substr(abstract, 1, 300) ELSE '' END "
            "FROM paper ORDER BY id"
        )
        return key_table(
            (
                pid,
                base_key(
                    (first,) if first else (), int(year) if year else None, title, abstract or ""
                ),
            )
            for pid, first, year, title, abstract in rows
        )
