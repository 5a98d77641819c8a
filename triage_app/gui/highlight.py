"""Paints search terms and the highlight-for/against words over plain text.

Text is always set with `setPlainText`: markup in a listing is shown, never interpreted.
The colours are chosen per palette (light or dark) so highlighted words stay readable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from triage_app.core.triage import compile_terms
from triage_app.gui.icons import is_dark

# (light palette, dark palette) backgrounds; text keeps the palette's own colour.
BACKGROUNDS = {
    "search": ("#ffe066", "#806600"),
    "for": ("#b7ebc0", "#1e6b34"),
    "against": ("#ffc9c9", "#7a2525"),
}


SpanFn = Callable[[str, str, str], list[tuple[int, int]]]  # (query, text, field) -> spans


@dataclass(frozen=True)
class Patterns:
    """What to paint: the search (spans from the search engine, stemming-aware) and the
    user's word lists (compiled patterns). Search paints last, over the lists."""

    query: str = ""
    for_: re.Pattern[str] | None = None
    against: re.Pattern[str] | None = None

    @classmethod
    def build(cls, query: str, for_words: list[str], against_words: list[str]) -> Patterns:
        return cls(query.strip(), compile_terms(for_words), compile_terms(against_words))

    def spans(
        self, text: str, field: str, search_spans: SpanFn | None
    ) -> list[tuple[str, int, int]]:
        out: list[tuple[str, int, int]] = []
        for kind, pattern in (("for", self.for_), ("against", self.against)):
            if pattern is not None:
                out.extend((kind, *m.span()) for m in pattern.finditer(text))
        if self.query and search_spans is not None:
            out.extend(("search", a, b) for a, b in search_spans(self.query, text, field))
        return out


def char_format(kind: str, dark: bool | None = None) -> QTextCharFormat:
    dark = is_dark() if dark is None else dark
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(BACKGROUNDS[kind][1 if dark else 0]))
    if kind == "search":
        fmt.setFontWeight(QFont.Weight.Bold)
    if kind == "against":
        fmt.setFontUnderline(True)
    return fmt


class Highlighter(QSyntaxHighlighter):
    """Highlights a plain-text QTextDocument with the current patterns."""

    def __init__(
        self, document: QTextDocument, field: str, search_spans: SpanFn | None = None
    ) -> None:
        super().__init__(document)
        self.field = field
        self.search_spans = search_spans
        self.patterns = Patterns()
        self._formats: dict[str, QTextCharFormat] = {}
        self.refresh_colours()

    def refresh_colours(self) -> None:
        self._formats = {kind: char_format(kind) for kind in BACKGROUNDS}

    def set_patterns(self, patterns: Patterns) -> None:
        if patterns != self.patterns:
            self.patterns = patterns
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        for kind, start, end in self.patterns.spans(text, self.field, self.search_spans):
            self.setFormat(start, end - start, self._formats[kind])
