"""The search query language: text -> a small AST of text leaves, filter leaves and booleans.

Grammar (operators are upper case; lower-case `and`/`or`/`not` are plain words):

    query   := or_expr
    or_expr := and_expr ("OR" and_expr)*
    and_expr:= unary (["AND"] unary)*          -- juxtaposition means AND
    unary   := ("NOT" | "-") unary | primary
    primary := "(" or_expr ")" | FIELD ":" value | "phrase" | word | word* | word~[N]

Text leaves (free words, phrases, title:, author:, abstract:, note:) are answered by the
Whoosh index; filter leaves (tag:, category:, year:, date:, rating:, score:, is:, has:) by
SQLite. Errors are `QueryError` with the 0-based character position of the culprit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from triage_app.core.search.fields import FIELD_ALIASES
from triage_app.core.search.query_nodes import (
    And,
    Filter,
    MatchAll,
    Node,
    Not,
    Or,
    QueryError,
    Text,
)

MIN_PREFIX = 3  # shorter prefixes expand to thousands of terms
# Limits that keep a hostile or mistyped query from exhausting the parser or the engine.
MAX_DEPTH = 32  # nested parentheses and NOTs
MAX_TERMS = 64  # words, phrases and filters
MAX_EXPANDED = 16  # prefix* and fuzzy~ terms, each read as many index words

FILTER_FIELDS = ("tag", "tags", "category", "cat", "year", "date", "rating", "score", "is", "has")
NUMERIC_FIELDS = ("year", "rating", "score")
IS_VALUES = ("starred", "new", "kept", "dismissed", "rated", "unrated")
HAS_VALUES = ("code", "note", "tags", "rating", "abstract", "title")
ALL_FIELDS = (*FIELD_ALIASES, *FILTER_FIELDS)


# ---------------------------------------------------------------------- lexer
@dataclass(frozen=True)
class _Tok:
    kind: str  # "(" ")" "AND" "OR" "NOT" "FIELD" "PHRASE" "WORD" "EOF"
    text: str
    pos: int


_FIELD_RE = re.compile(r"([A-Za-z_]+):")
_SPECIAL = '()"'


def _lex(query: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            toks.append(_Tok(ch, ch, i))
            i += 1
        elif ch in '"“”':
            end = _find_quote_end(query, i + 1)
            if end < 0:
                raise QueryError("unclosed quote", i)
            toks.append(_Tok("PHRASE", query[i + 1 : end], i))
            i = end + 1
        elif (
            ch == "-"
            and (not toks or toks[-1].kind != "FIELD")
            and i + 1 < n
            and not query[i + 1].isspace()
            and query[i + 1] != "-"
        ):
            toks.append(_Tok("NOT", "-", i))
            i += 1
        else:
            m = _FIELD_RE.match(query, i)
            if m and (not toks or toks[-1].kind != "FIELD"):
                name = m.group(1).lower()
                if name not in ALL_FIELDS:
                    raise QueryError(
                        f"unknown field '{m.group(1)}:'; fields are {', '.join(_SHOWN_FIELDS)} "
                        f"(quote the text to search for it literally)",
                        i,
                    )
                after = m.end()
                if after >= n or query[after].isspace() or query[after] == ")":
                    raise QueryError(f"'{m.group(0)}' needs a value right after the colon", i)
                toks.append(_Tok("FIELD", name, i))
                i = after
                continue
            j = i
            while j < n and not query[j].isspace() and query[j] not in _SPECIAL + "“”":
                j += 1
            word = query[i:j]
            after_field = bool(toks) and toks[-1].kind == "FIELD"
            kind = word if word in ("AND", "OR", "NOT") and not after_field else "WORD"
            toks.append(_Tok(kind, word, i))
            i = j
    toks.append(_Tok("EOF", "", n))
    return toks


_SHOWN_FIELDS = (
    "title",
    "author",
    "abstract",
    "note",
    "tag",
    "category",
    "year",
    "date",
    "rating",
    "score",
    "is",
    "has",
)


def _find_quote_end(query: str, start: int) -> int:
    for j in range(start, len(query)):
        if query[j] in '"“”':
            return j
    return -1


# --------------------------------------------------------------------- parser
class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.toks = _lex(query)
        self.i = 0
        self.depth = 0
        self.terms = 0
        self.expanded = 0

    def deeper(self, tok: _Tok) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(
                f"the query nests more than {MAX_DEPTH} levels of parentheses and NOTs", tok.pos
            )

    def counted(self, node: Node, tok: _Tok) -> Node:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QueryError(f"the query has more than {MAX_TERMS} terms", tok.pos)
        if isinstance(node, Text) and node.kind in ("prefix", "fuzzy"):
            self.expanded += 1
            if self.expanded > MAX_EXPANDED:
                raise QueryError(
                    f"the query has more than {MAX_EXPANDED} prefix* and fuzzy~ terms", tok.pos
                )
        return node

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        if self.peek().kind == "EOF":
            return MatchAll()
        node = self.or_expr(None)
        tok = self.peek()
        if tok.kind == ")":
            raise QueryError("')' without a matching '('", tok.pos)
        if tok.kind != "EOF":  # pragma: no cover - or_expr consumes everything else
            raise QueryError(f"unexpected {tok.text!r}", tok.pos)
        return node

    def or_expr(self, field: str | None) -> Node:
        parts = [self.and_expr(field)]
        while self.peek().kind == "OR":
            op = self.take()
            if self.peek().kind in ("EOF", ")", "OR", "AND"):
                raise QueryError("OR needs a term after it", op.pos)
            parts.append(self.and_expr(field))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self, field: str | None) -> Node:
        tok = self.peek()
        if tok.kind in ("AND", "OR"):
            raise QueryError(f"{tok.kind} needs a term before it", tok.pos)
        parts = [self.unary(field)]
        while True:
            tok = self.peek()
            if tok.kind == "AND":
                self.take()
                if self.peek().kind in ("EOF", ")", "OR", "AND"):
                    raise QueryError("AND needs a term after it", tok.pos)
                parts.append(self.unary(field))
            elif tok.kind in ("(", "NOT", "FIELD", "PHRASE", "WORD"):
                parts.append(self.unary(field))
            else:
                break
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self, field: str | None) -> Node:
        tok = self.peek()
        if tok.kind == "NOT":
            self.take()
            if self.peek().kind in ("EOF", ")", "OR", "AND"):
                raise QueryError(
                    f"{'NOT' if tok.text == 'NOT' else '-'} needs a term after it", tok.pos
                )
            self.deeper(tok)
            node = Not(self.unary(field))
            self.depth -= 1
            return node
        return self.primary(field)

    def primary(self, field: str | None) -> Node:
        tok = self.take()
        if tok.kind == "(":
            if self.peek().kind == ")":
                raise QueryError("empty parentheses", tok.pos)
            self.deeper(tok)
            node = self.or_expr(field)
            close = self.peek()
            if close.kind != ")":
                raise QueryError("'(' is never closed", tok.pos)
            self.take()
            self.depth -= 1
            return node
        if tok.kind == ")":
            raise QueryError("')' without a matching '('", tok.pos)
        if tok.kind == "FIELD":
            if field is not None:
                raise QueryError("a field inside a field group", tok.pos)
            return self.field_value(tok)
        if tok.kind == "PHRASE":
            return self.counted(_phrase(field, tok), tok)
        if tok.kind == "WORD":
            return self.counted(_word(field, tok), tok)
        raise QueryError("the query ends where a term was expected", tok.pos)  # EOF

    def field_value(self, ftok: _Tok) -> Node:
        name = ftok.text
        if name in FIELD_ALIASES:
            field = FIELD_ALIASES[name]
            if self.peek().kind == "(":
                open_tok = self.take()
                if self.peek().kind == ")":
                    raise QueryError("empty parentheses", open_tok.pos)
                node = self.or_expr(field)
                if self.peek().kind != ")":
                    raise QueryError("'(' is never closed", open_tok.pos)
                self.take()
                return node
            return self.primary(field)
        vtok = self.take()
        if vtok.kind == "PHRASE":
            value = vtok.text.strip()
        elif vtok.kind in ("WORD", "AND", "OR", "NOT"):
            value = vtok.text
        else:
            raise QueryError(f"'{name}:' needs a value", ftok.pos)
        if not value:
            raise QueryError(f"'{name}:' needs a value", ftok.pos)
        return self.counted(
            _filter(name, value, vtok.pos + (1 if vtok.kind == "PHRASE" else 0)), ftok
        )


def parse_query(query: str) -> Node:
    """Parse a query; raises QueryError with the position of the first problem."""
    return _simplify(_Parser(query).parse())


def _simplify(node: Node) -> Node:
    if isinstance(node, And | Or):
        kids: list[Node] = []
        for c in (_simplify(c) for c in node.children):
            kids.extend(c.children if type(c) is type(node) else (c,))
        return type(node)(tuple(kids))
    if isinstance(node, Not):
        inner = _simplify(node.child)
        return inner.child if isinstance(inner, Not) else Not(inner)
    return node


# ----------------------------------------------------------------- leaf forms
_FUZZY_RE = re.compile(r"^(.*?)~(\d?)$")


def _word(field: str | None, tok: _Tok) -> Text:
    word = tok.text
    if word.endswith("*"):
        stem = word.rstrip("*")
        if "*" in stem or "?" in stem:
            raise QueryError("'*' is allowed only at the end of a word", tok.pos)
        if len(stem) < MIN_PREFIX:
            raise QueryError(
                f"prefix '{word}' is too short: type at least {MIN_PREFIX} letters before '*'",
                tok.pos,
            )
        return Text(field, "prefix", stem.lower(), tok.pos)
    if "*" in word:
        raise QueryError("'*' is allowed only at the end of a word", tok.pos + word.index("*"))
    m = _FUZZY_RE.match(word)
    if m and "~" in word:
        base, digits = m.group(1), m.group(2)
        if not base:
            raise QueryError("'~' needs a word before it", tok.pos)
        maxdist = int(digits) if digits else 0  # 0: chosen by the stemmed word's length
        if digits and not 1 <= maxdist <= 2:
            raise QueryError("typo tolerance '~N' must be 1 or 2", tok.pos + len(base))
        return Text(field, "fuzzy", base, tok.pos, maxdist)
    return Text(field, "word", word, tok.pos)


def _phrase(field: str | None, tok: _Tok) -> Text:
    if not tok.text.strip():
        raise QueryError("empty phrase", tok.pos)
    return Text(field, "phrase", tok.text.strip(), tok.pos)


_COMPARE_RE = re.compile(r"^(>=|<=|>|<|=)?(.+)$")


def _filter(name: str, value: str, pos: int) -> Filter:
    name = {"tags": "tag", "cat": "category"}.get(name, name)
    if name in ("is", "has"):
        allowed = IS_VALUES if name == "is" else HAS_VALUES
        v = value.lower()
        if v not in allowed:
            raise QueryError(
                f"'{name}:{value}' is unknown; use {name}:" + f", {name}:".join(allowed), pos
            )
        return Filter(name, "=", v, pos)
    if name in ("tag", "category"):
        if value.endswith("*"):
            stem = value.rstrip("*")
            if not stem:
                raise QueryError(f"'{name}:*' needs letters before '*'", pos)
            return Filter(name, "prefix", stem, pos)
        if name == "category" and value.lower().startswith("cs."):
            value = value[3:]
        return Filter(name, "=", value, pos)
    m = _COMPARE_RE.match(value)
    assert m is not None
    op, rest = m.group(1) or "=", m.group(2)
    if ".." in rest and op == "=":
        low_s, _, high_s = rest.partition("..")
        low = _value(name, low_s, pos)
        high = _value(name, high_s, pos + len(low_s) + 2)
        if low is not None and high is not None and cast(Any, low) > high:
            raise QueryError(f"empty range {value!r}: the low end is above the high end", pos)
        if low is None and high is None:
            raise QueryError(f"'{name}:..' needs at least one bound", pos)
        return Filter(name, "range", low, pos, high)
    val = _value(name, rest, pos + (len(op) if m.group(1) else 0))
    if val is None:
        raise QueryError(f"'{name}:' needs a value", pos)
    return Filter(name, op, val, pos)


def _value(name: str, text: str, pos: int) -> object:
    if text == "":
        return None
    if name == "date":
        try:
            return _parse_date(text)
        except ValueError:
            raise QueryError(f"'{text}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", pos) from None
    try:
        number = float(text) if name == "score" else int(text)
    except ValueError:
        kind = "a number" if name == "score" else "a whole number"
        raise QueryError(f"'{text}' is not {kind} ({name}: compares numbers)", pos) from None
    if name == "rating" and not 0 <= int(number) <= 5:
        raise QueryError(f"rating {text} is out of range: ratings are 1-5", pos)
    return number


def _parse_date(text: str) -> str:
    """An ISO prefix (YYYY, YYYY-MM, YYYY-MM-DD), checked and kept as text."""
    parts = text.split("-")
    if len(parts) == 1 and len(text) == 4:
        int(text)
    elif len(parts) == 2:
        date(int(parts[0]), int(parts[1]), 1)
    elif len(parts) == 3:
        date.fromisoformat(text)
    else:
        raise ValueError(text)
    return text
