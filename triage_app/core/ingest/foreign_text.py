"""Small text codecs the readers of other tools' files share: TeX to Unicode, person
names to the form the app shows (`Given Family`), dates to ISO days, tag lists.

TeX goes through pylatexenc (a maintained LaTeX-to-text converter that knows accents,
ligatures and special characters) with math kept as typed; text without a backslash, `$`
or `~` only loses its grouping braces, which is the common case and much faster.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date
from functools import lru_cache
from typing import Any

_TAG = re.compile(r"<[^>]{0,200}>")


def one_line(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


@lru_cache(maxsize=1)
def _converter() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


def tex_to_text(text: str | None) -> str:
    """Unicode text of a BibTeX value: accents composed, braces dropped, math kept."""
    if not text:
        return ""
    if "\\" in text:
        text = _ACCENT.sub(_accented, text)  # the common accents without a full parse
    if "\\" in text:
        # pylatexenc is lenient; anything odd keeps the typed text.
        with contextlib.suppress(Exception):
            text = _converter().latex_to_text(text)
        text = text.replace("\xa0", " ")
    elif "$" in text or "~" in text or "--" in text:
        text = _plain_tex(text)
    return one_line(text.replace("{", "").replace("}", ""))


_COMBINING = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
}
# {\"o}, \"{o}, \"o, {\'\i}, \c{c}, \v{s}: an accent command on one letter.
_ACCENT = re.compile(
    r"\{?\\(?:([\"'`^~=.])\s*|([uvHckr])\s+(?=[A-Za-z]\b)|([uvHckr])(?=\{))"
    r"(?:\{(\\?[A-Za-z])\}|(\\?[A-Za-z]))\}?"
)


def _accented(found: re.Match[str]) -> str:
    import unicodedata

    mark = _COMBINING[found[1] or found[2] or found[3]]
    letter = found[4] or found[5]
    letter = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    if letter.startswith("\\"):
        return found[0]  # another macro: left to the full parse
    text = unicodedata.normalize("NFC", letter + mark)
    opened, closed = found[0].startswith("{"), found[0].endswith("}")
    if opened and not closed:
        return "{" + text
    if closed and not opened and not found[4]:
        return text + "}"
    return text


def _plain_tex(text: str) -> str:
    """Dashes and ties of TeX without a macro in sight, math left as typed: the common case,
    which needs no full parse."""
    parts = text.split("$")
    for i in range(0, len(parts), 2):  # outside math
        parts[i] = parts[i].replace("---", "\u2014").replace("--", "\u2013").replace("~", " ")
    return "$".join(parts)


def strip_markup(text: str) -> str:
    """Notes from Zotero arrive as HTML (`<p>ASReview_relevant</p>`)."""
    if "<" not in text:
        return text
    import html

    return html.unescape(_TAG.sub(" ", text))


def display_name(raw: str) -> str:
    """`Family, Given` (and `von Family, Jr, Given`) as `Given von Family Jr`; a name
    without a comma is already in that order; an organisation in braces stays whole."""
    name = one_line(raw)
    if not name:
        return ""
    if name.startswith("{") and name.endswith("}") and name.count("{") == 1:
        return one_line(name[1:-1])
    if "," not in name:
        return name
    parts = _split_top_level(name, ",") if "{" in name else [p.strip() for p in name.split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return ""  # commas only (`AU  - ,`): no person
    if len(parts) == 1:
        return name
    family = parts[0]
    given = parts[-1]
    suffix = " ".join(parts[1:-1])
    # The parts are stripped pieces of a one-line text: joined, they are one line too.
    return " ".join(p for p in (given, family, suffix) if p)


def _split_top_level(text: str, sep: str) -> list[str]:
    """Split at `sep` outside braces."""
    out: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == sep and depth == 0:
            out.append(text[start:i].strip())
            start = i + 1
    out.append(text[start:].strip())
    return [p for p in out if p]


_ET_AL = {"others", "et al", "et al.", "and others", "etal"}


def author_list(names: list[str]) -> tuple[tuple[str, ...], bool]:
    """Display names and whether the list ends in `others` / `et al.`"""
    shown: list[str] = []
    et_al = False
    for raw in names:
        name = _listed_name(raw)
        if name is None:
            et_al = True
        elif name:
            shown.append(name)
    return tuple(shown), et_al


@lru_cache(maxsize=4096)
def _listed_name(raw: str) -> str | None:
    """None for `others` / `et al.`, else the display name (the same people sign many
    records of a file)."""
    if one_line(raw).strip("{}").casefold() in _ET_AL:
        return None
    return display_name(raw)


_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|2[01]\d\d)(?!\d)")
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}


def iso_day(*texts: str | None, month: str | None = None) -> str | None:
    """An ISO day from the first text that holds a date or a year (`2021/02/01/`,
    `2014//`, `2019`, `2007-10-12T11:18:49Z`). A year alone is its 1 January and a month
    alone its 1st: the store keeps days, and `year:` searches still match."""
    for text in texts:
        if not text:
            continue
        found = _ISO.search(text)
        if found:
            year, mon, day = int(found[1]), int(found[2]), int(found[3] or 1)
            try:
                return date(year, mon, day).isoformat()
            except ValueError:
                pass
        year_match = _YEAR.search(text)
        if year_match:
            month_number = _month_number(month) or 1
            return date(int(year_match[1]), month_number, 1).isoformat()
    return None


def _month_number(month: str | None) -> int | None:
    if not month:
        return None
    text = month.strip().lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    return _MONTHS.get(text[:3])


def split_tags(text: str | None, seps: str = ",;") -> list[str]:
    if not text:
        return []
    return [t for t in (one_line(p) for p in re.split(f"[{re.escape(seps)}]", text)) if t]


def arxiv_category(term: str | None) -> str | None:
    """The store keeps computer-science categories bare (`CL`), as the listings show them
    and as `category:CL` searches; other archives keep their full name (`math.CO`)."""
    if not term:
        return None
    term = term.strip()
    return term[3:] if term.lower().startswith("cs.") else term or None
