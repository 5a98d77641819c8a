"""Words to highlight: the user's highlight-for/against lists and the terms of a search.

Qt-free: returns compiled patterns and (start, end) spans; the GUI paints them. Lists are
saved per library in its meta table so they travel with the library.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from triage_app.core.store import Library

META_FOR = "highlight_for"
META_AGAINST = "highlight_against"
_OPERATORS = {"and", "or", "not", "to"}


def parse_word_list(text: str) -> list[str]:
    """Words and phrases separated by commas, semicolons or new lines, de-duplicated."""
    words = (" ".join(part.split()) for part in re.split(r"[,;\n]", text))
    return list(dict.fromkeys(w for w in words if w and w != "*"))


def compile_terms(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any term as whole words; `net*` is a prefix."""
    parts = []
    for term in sorted(set(terms), key=len, reverse=True):  # longest first: phrases win
        prefix = term.endswith("*")
        core = term.rstrip("*").strip()
        if not core:
            continue
        body = r"\s+".join(re.escape(w) for w in core.split())
        tail = r"\w*" if prefix else r"(?!\w)"
        parts.append(r"(?<!\w)" + body + tail)
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE)


def spans(text: str, pattern: re.Pattern[str] | None) -> list[tuple[int, int]]:
    if pattern is None or not text:
        return []
    return [m.span() for m in pattern.finditer(text)]


def load_lists(library: Library) -> tuple[list[str], list[str]]:
    """(highlight-for, highlight-against) saved with the library."""
    return _load(library, META_FOR), _load(library, META_AGAINST)


def save_lists(library: Library, for_words: Iterable[str], against: Iterable[str]) -> None:
    library.set_meta(META_FOR, json.dumps(list(for_words), ensure_ascii=False))
    library.set_meta(META_AGAINST, json.dumps(list(against), ensure_ascii=False))


def _load(library: Library, key: str) -> list[str]:
    raw = library.get_meta(key)
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []
