"""The index build's fast path to a field's postings: the schema's analyzer, word by word,
cached.

Whoosh analyses each field through a chain of generators (tokenizer, lowercase, stop words,
stemming, accent folding), several Python calls per word of every paper: most of a rebuild's
time. Each step after the tokenizer looks at one word alone, so a word's term is a function
of the word: it is computed once, by the analyzer itself, and then looked up. Positions
follow the analyzer's rule: the tokenizer numbers words 0, 1, 2...; the stop filter drops
stop words and renumbers, keeping the first kept word's number and counting on from it.

`fast_fields(schema)` lends a writer's text fields this path while documents are added and
takes it back before the commit pickles the schema, so the index's schema is Whoosh's own
(the incremental sync uses it; a rebuild writes its segments with `segment_writer.py`).
The postings are the ones Whoosh's `Positions.word_values` makes from the analyzer's tokens
(tests/core/test_search_terms.py compares them, and whole indexes built both ways).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from whoosh.analysis import CompositeAnalyzer, RegexTokenizer, StopFilter
from whoosh.formats import Positions

from triage_app.core.search.fields import TEXT_FIELDS

STOPPED = "\x00"  # a stop word's term in the cache: no word of the tokenizer makes it
CACHE_WORDS = 100_000  # distinct words remembered per analyzer (a few MB)


def _words_of(expression: re.Pattern) -> Callable[[str], list[str]]:
    """`text -> the words expression finds`: `findall` of the same pattern with its groups
    made non-capturing (findall returns groups), else one `group()` per match."""
    if not expression.groups:
        return expression.findall
    plain = re.compile(re.sub(r"(?<!\\)\((?!\?)", "(?:", expression.pattern), expression.flags)
    if plain.groups:
        finditer = expression.finditer
        return lambda text: [match.group() for match in finditer(text)]
    return plain.findall


class TermCutter:
    """`cutter(text)` is (position of the first term, terms) as `analyzer` yields them."""

    def __init__(self, analyzer: Any) -> None:
        items = analyzer.items if isinstance(analyzer, CompositeAnalyzer) else [analyzer]
        tokenizer = items[0]
        if type(tokenizer) is not RegexTokenizer or tokenizer.gaps:
            raise ValueError(f"no fast path for the analyzer {analyzer!r}")
        for item in items[1:]:  # terms numbered on from the first only if stops renumber
            if isinstance(item, StopFilter) and not item.renumber:
                raise ValueError(f"no fast path for the analyzer {analyzer!r}")
        self._analyzer = analyzer
        self._words = _words_of(tokenizer.expression)
        self._cache: dict[str, str] = {}  # word -> term, or STOPPED

    def _learn(self, words: list[str]) -> None:
        """Cache the terms of the `words` not cached yet, analysed in one run of the
        analyzer over them joined by spaces (each word is one token of its tokenizer, and
        every step after the tokenizer looks at one token alone); a word that yields no
        token is stopped."""
        cache = self._cache
        missing = list(dict.fromkeys(word for word in words if word not in cache))
        if len(cache) + len(missing) > CACHE_WORDS:
            cache.clear()
            missing = list(dict.fromkeys(words))
        starts: dict[int, str] = {}
        at = 0
        for word in missing:
            starts[at] = word
            at += len(word) + 1
        learnt: dict[str, str] = {}
        for token in self._analyzer(" ".join(missing), chars=True):
            found = starts.get(token.startchar)
            if found is None or found in learnt:
                raise ValueError(f"the analyzer cut a word into terms at {token.startchar}")
            learnt[found] = token.text
        for word in missing:
            cache[word] = learnt.get(word, STOPPED)

    def __call__(self, text: str) -> tuple[int, list[str]]:
        words = self._words(text)
        terms: list[str | None] = list(map(self._cache.get, words))
        if None in terms:  # words met for the first time
            self._learn(words)
            terms = list(map(self._cache.__getitem__, words))
        if STOPPED not in terms:
            return 0, terms  # type: ignore[return-value]
        first = 0
        for term in terms:
            if term != STOPPED:
                break
            first += 1
        return first, [term for term in terms if term != STOPPED]  # type: ignore[misc]


class FastIndex:
    """Stands in for `TextField.index(value)` on a field stored with `Positions`: the same
    (term bytes, frequency, weight, encoded positions) per distinct term."""

    def __init__(self, field: Any) -> None:
        self._cutter = TermCutter(field.analyzer)
        self._encode = field.format.encode
        self._boost = field.format.field_boost

    def __call__(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if kwargs or not isinstance(value, str):
            raise TypeError("the fast path indexes one string")
        first, terms = self._cutter(value)
        poses: dict[str, list[int]] = {}
        for pos, term in enumerate(terms, first):
            found = poses.get(term)
            if found is None:
                poses[term] = [pos]
            else:
                found.append(pos)
        encode, boost = self._encode, self._boost
        for term, poslist in poses.items():
            yield term.encode("utf-8"), len(poslist), float(len(poslist)) * boost, encode(poslist)


@contextmanager
def fast_fields(schema: Any, fieldnames: tuple[str, ...] = TEXT_FIELDS) -> Iterator[None]:
    """Index the named `Positions` fields of a writer's `schema` by the fast path while
    inside; the fields are Whoosh's own again on leaving (commit after leaving)."""
    lent = []
    try:
        for name in fieldnames:
            field = schema[name]
            if type(field.format) is Positions and not field.vector:
                field.index = FastIndex(field)
                lent.append(field)
        yield
    finally:
        for field in lent:
            del field.index
