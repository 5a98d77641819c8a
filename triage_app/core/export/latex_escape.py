"""Text to BibTeX/LaTeX and back: special characters, accented letters, protected capitals.

Accented Latin letters become accent macros (`{\\"o}`), which classic BibTeX sorts and
abbreviates correctly and biber decodes; Greek letters and common math symbols become
`\\ensuremath{...}` so pdflatex prints them; anything else non-ASCII stays UTF-8.
`latex_to_text` is the inverse, used to read our own output back.
"""

from __future__ import annotations

import re
import unicodedata

SPECIAL = {
    # BibTeX counts braces even after a backslash: `\{` would unbalance the entry.
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
LETTERS = {
    "ß": r"\ss",
    "æ": r"\ae",
    "Æ": r"\AE",
    "œ": r"\oe",
    "Œ": r"\OE",
    "ø": r"\o",
    "Ø": r"\O",
    "ł": r"\l",
    "Ł": r"\L",
    "ı": r"\i",
    "ȷ": r"\j",
}
ACCENTS = {  # combining mark -> accent macro
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0308": '"',
    "\u0304": "=",
    "\u0307": ".",
    "\u0306": "u",
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0327": "c",
    "\u0328": "k",
    "\u0323": "d",
    "\u0331": "b",
}
MATH = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "ς": "varsigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
    "Γ": "Gamma",
    "Δ": "Delta",
    "Θ": "Theta",
    "Λ": "Lambda",
    "Ξ": "Xi",
    "Π": "Pi",
    "Σ": "Sigma",
    "Υ": "Upsilon",
    "Φ": "Phi",
    "Ψ": "Psi",
    "Ω": "Omega",
    "≤": "leq",
    "≥": "geq",
    "≈": "approx",
    "≠": "neq",
    "→": "rightarrow",
    "←": "leftarrow",
    "↔": "leftrightarrow",
    "∞": "infty",
    "∼": "sim",
    "∈": "in",
    "∑": "sum",
    "∏": "prod",
    "∂": "partial",
    "∇": "nabla",
    "∀": "forall",
    "∃": "exists",
    "⊂": "subset",
    "⊆": "subseteq",
    "∪": "cup",
    "∩": "cap",
    "⋅": "cdot",
    "∘": "circ",
    "ℓ": "ell",
    "√": "surd",
    "≡": "equiv",
}
_LETTER_ACCENTS = frozenset("uvHcdkrb")  # a letter macro needs braces around its argument


def _accented(char: str) -> str | None:
    base, *marks = list(unicodedata.normalize("NFD", char))
    if not marks or not (base.isascii() and base.isalpha()) or not all(m in ACCENTS for m in marks):
        return None
    if unicodedata.normalize("NFC", base + "".join(marks)) != char:
        return None  # e.g. the Angstrom sign: reading back would give another code point
    out = r"\i" if base == "i" and marks[0] in ("\u0301", "\u0300", "\u0302", "\u0308") else base
    for mark in marks:
        macro = ACCENTS[mark]
        out = (
            f"\\{macro}{{{out}}}" if macro in _LETTER_ACCENTS or len(out) > 1 else f"\\{macro}{out}"
        )
    return "{" + out + "}"


def _char(char: str) -> str:
    if char in SPECIAL:
        return SPECIAL[char]
    if char.isascii():
        return char
    if char in LETTERS:
        return "{" + LETTERS[char] + "}"
    if char in MATH:
        return "\\ensuremath{\\" + MATH[char] + "}"
    return _accented(char) or char


_NEEDS = re.compile(r"[\\{}&%$#_~^<>|]|[^\x00-\x7f]")


def escape_latex(text: str) -> str:
    """`text` as a BibTeX field value that LaTeX prints as written."""
    if not _NEEDS.search(text):
        return text
    return "".join(_char(c) for c in text)


def protect_title(title: str) -> str:
    """Escape a title and brace every word holding a capital, so styles keep `LLMs`."""
    words = title.split()
    return " ".join(
        "{" + escape_latex(w) + "}" if any(c.isupper() for c in w) else escape_latex(w)
        for w in words
    )


# ------------------------------------------------------------------ reading back
_REVERSE_SPECIAL = {v: k for k, v in SPECIAL.items()}
_REVERSE_LETTERS = {v: k for k, v in LETTERS.items()}
_REVERSE_MATH = {v: k for k, v in MATH.items()}
_COMBINING = {v: k for k, v in ACCENTS.items()}
_TOKEN = re.compile(
    r"\\text(?:backslash|asciitilde|asciicircum|less|greater|bar|braceleft|braceright)\{\}"
    r"|\\ensuremath\{\\([A-Za-z]+)\}"
    r"|\\([&%$#_{}])"
    r"|\\(ss|ae|AE|oe|OE|o|O|l|L|i|j)(?![A-Za-z])"
    r"|\\([`'^~\"=.])"
    r"|\\([uvHcdkrb])(?![A-Za-z])"
    r"|([{}])"
    r"|([^\\{}]+|\\)",
    re.DOTALL,
)


def latex_to_text(value: str) -> str:
    """Inverse of escape_latex/protect_title for what they write (braces are dropped)."""
    out: list[str] = []
    pending: list[str] = []  # accent marks waiting for their letter
    for match in _TOKEN.finditer(value):
        whole = match.group(0)
        math, special, letter, sym_accent, word_accent, brace, plain = match.groups()
        if whole.startswith("\\text"):
            piece = _REVERSE_SPECIAL[whole]
        elif math:
            piece = _REVERSE_MATH.get(math, whole)
        elif special:
            piece = special
        elif letter:
            # `\i` under an accent is the dotted i's base (`{\'\i}` is í), alone it is ı.
            piece = "i" if letter == "i" and pending else _REVERSE_LETTERS["\\" + letter]
        elif sym_accent or word_accent:
            pending.append(_COMBINING[sym_accent or word_accent])
            continue
        elif brace:
            continue
        else:
            piece = plain
        if pending and piece:
            piece = unicodedata.normalize("NFC", piece[0] + "".join(reversed(pending))) + piece[1:]
            pending = []
        out.append(piece)
    return "".join(out)
