"""A fast splitter for the regular BibTeX nearly every tool writes, in front of bibtexparser.

`split_regular(text)` reads a chunk of a `.bib` file written in the regular shape
(`@type{key,` then `field = {value}` / `"value"` / a bare number or macro name, separated by
commas, then `}`; `@string{name = {value}}`; anything without an `@` between blocks) and
returns the same blocks bibtexparser's splitter would: the type, key, raw field values
(delimiters kept) and the 0-based line of each `@`. It returns None, and bibtexparser reads
the whole chunk, as soon as anything is not certain: `#` concatenation, braces nested deeper
than four levels or escaped (`\\{`), a quote escaped or followed by `}`, a line
ending in a backslash, an `@` that could
open a block inside or between blocks, `@comment`/`@preamble`, `(`-delimited blocks,
repeated field or `@string` keys, an entry without fields, or any other text.
bibtexparser stays the parser of record; tests/core/test_bibtex_fast.py checks the two agree.
"""

from __future__ import annotations

import re

# Balanced `{...}` content up to four levels deep, atomic (no backtracking on failure).
_INNER = r"[^{}]*+"
for _ in range(4):
    _INNER = r"(?:[^{}]++|\{" + _INNER + r"\})*+"
_NAME = r"[\w.:+/-]++"
_VALUE = r"(\{" + _INNER + r'\}|"[^"]*+"|' + _NAME + ")"
_HEAD = re.compile(r"@([A-Za-z]\w*+)[ \t]*+\{\s*+([^\s,{}\"=@\\#%()]++)\s*+,")
_FIELD = re.compile(r"\s*+(" + _NAME + r")\s*+=\s*+" + _VALUE + r"\s*+(,?)")
_CLOSE = re.compile(r"\s*+\}")
_STRING = re.compile(
    r"@string[ \t]*+\{\s*+(" + _NAME + r")\s*+=\s*+(\{" + _INNER + r'\}|"[^"{}]*+")\s*+\}',
    re.IGNORECASE,
)
# Text bibtexparser reads differently from the patterns above: left to it.
_UNSURE = re.compile(r"\\[{}]|\n\s*@")

Block = tuple[str, str, str, list[tuple[str, str]], int]  # kind, key, raw, fields, line


def split_regular(text: str) -> list[Block] | None:
    """The chunk's entries and `@string`s, or None when bibtexparser must read it."""
    blocks: list[Block] = []
    strings: set[str] = set()
    pos = 0
    line = 0
    size = len(text)
    if "\\\n" in text:
        return None  # bibtexparser does not count a newline after a backslash as a line
    while True:
        at = text.find("@", pos)
        if at < 0:
            return blocks
        line += text.count("\n", pos, at)
        head = _HEAD.match(text, at)
        if head is None:
            found = _STRING.match(text, at)
            if found is None or found[1] in strings or _UNSURE.search(text, at, found.end()):
                return None
            strings.add(found[1])
            blocks.append(("string", found[1], found[2], [], line))
            end = found.end()
        else:
            kind = head[1].lower()
            if kind.startswith(("comment", "preamble", "string")):
                return None
            fields: list[tuple[str, str]] = []
            end = head.end()
            while True:
                field = _FIELD.match(text, end)
                if field is None:
                    return None
                value = field[2]
                if value[0] == '"' and value[-2:-1] in ("\\", "{"):
                    return None
                fields.append((field[1], value))
                end = field.end()
                if not field[3] or (end < size and _CLOSE.match(text, end)):
                    break
            close = _CLOSE.match(text, end)
            if close is None or _UNSURE.search(text, at, close.end()):
                return None
            if len({k for k, _ in fields}) != len(fields):
                return None  # bibtexparser refuses repeated fields: its problem line
            blocks.append((kind, head[2], "", fields, line))
            end = close.end()
        line += text.count("\n", at, end)
        pos = end
