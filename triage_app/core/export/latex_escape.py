"""Text to BibTeX/LaTeX and back: special characters, TeX kept as TeX, protected case.

Letters stay UTF-8 (the file says `% Encoding: UTF-8`): biber reads them natively and
pdflatex prints Latin-1 and Latin Extended-A with `\\usepackage[T1]{fontenc}`; accent
macros such as `{\\'{\\i}}` are what biber turned into "Vinıcius". Greek letters and common
math symbols become `\\ensuremath{...}` so pdflatex prints them. TeX that arXiv titles
carry (`$\\pi$`, `S$^2$`, `\\emph{x}`) is kept as TeX when it is well formed, except
`\\textsc{GUI}`, which becomes plain `GUI`.
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
    if char in MATH:
        return "\\ensuremath{\\" + MATH[char] + "}"
    return char


_NEEDS = re.compile("[\\\\{}&%$#_~^<>|" + "".join(MATH) + "]")
# TeX kept as it is: a math span (no space inside its edges, nothing that breaks BibTeX or
# math mode), or a text-style command with a plain argument.
_MATH = r"\$(?=[^\s$])[^$%#&\n]*?(?<=[^\s$\\])\$"
_COMMANDS = "textsc|textbf|textit|texttt|textrm|textsf|emph|underline|mathrm|mathbf|mathcal"
_COMMAND = rf"\\(?:{_COMMANDS})\{{[^{{}}\\$%#&_^~<>|]*\}}"
_TEX = re.compile(f"{_MATH}|{_COMMAND}")
_WORD = re.compile(rf"(?:{_MATH}|{_COMMAND}|\S)+")  # a math span may hold spaces


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def needs_escape(text: str) -> bool:
    """Whether escape_latex would change `text`."""
    return _NEEDS.search(text) is not None


def escape_latex(text: str) -> str:
    """`text` as a BibTeX field value that LaTeX prints as written (no TeX kept)."""
    if not _NEEDS.search(text):
        return text
    return "".join(_char(c) for c in text)


def escape_tex_text(text: str) -> str:
    """Like escape_latex, but well-formed math and text-style commands stay TeX
    (`\\textsc{X}` becomes plain `X`)."""
    if "$" not in text and "\\" not in text:
        return escape_latex(text)
    out: list[str] = []
    last = 0
    for found in _TEX.finditer(text):
        if not _balanced(found.group()):
            continue
        out.append(escape_latex(text[last : found.start()]))
        tex = found.group()
        # Small capitals have no italic shape in the usual fonts (a font warning under
        # italic titles): the argument is printed plain.
        out.append(escape_latex(tex[8:-1]) if tex.startswith("\\textsc{") else tex)
        last = found.end()
    out.append(escape_latex(text[last:]))
    return "".join(out)


def _keeps_case(word: str) -> bool:
    """A word whose case a style must not change: a capital after its first letter in
    one of its hyphen/slash parts (`GPT-4o`, `LLMs`, `iPhone`, `(ST)`), a lone capital
    joined to another part (`Q-Learning`), the pronoun `I`, or TeX inside it (`S$^2$`,
    `\\textsc{...}`)."""
    if ("$" in word or "\\" in word) and any(_balanced(tex.group()) for tex in _TEX.finditer(word)):
        return True
    rest = word[1:]
    if rest == rest.lower():  # most words: no capital after the first character
        joint = _PART_BREAK.search(word)
        if joint:  # only a first part that is one capital letter can need braces
            head = [c for c in word[: joint.start()] if c.isalpha()]
            return len(head) == 1 and head[0].isupper()
        return word[0] == "I" and not any(c.isalpha() for c in rest)
    return _parts_keep_case(word)


def _parts_keep_case(word: str) -> bool:
    parts = [p for p in _PART_BREAK.split(word) if p]
    for part in parts:
        if part.isalpha():  # most parts: the letters are the part, checked by str methods
            rest = part[1:]
            if rest and not rest.islower() and any(c.isupper() for c in rest):
                return True
            if not rest and len(parts) > 1 and part.isupper():
                return True
            continue
        letters = [c for c in part if c.isalpha()]
        if any(c.isupper() for c in letters[1:]):
            return True
        if len(parts) > 1 and len(letters) == 1 and letters[0].isupper():
            return True
    return "".join(c for c in word if c.isalpha()) == "I"  # `I,` or `(I)`


_PART_BREAK = re.compile(r"[-/–—]")


def _braced(escaped: str) -> str:
    return "{" + ("{}" if escaped.startswith("\\") else "") + escaped + "}"


def _open_start(value: str) -> str:
    """A title that starts with one protected group and ends with another loses both
    braces in papis (its `_strip_braces` takes them for the value's own); a title's first
    character needs no protection (sentence case keeps it), so it moves out of the first
    group: `A{ILuminate:} ... {MLCommons}`."""
    if not (value.startswith("{") and value.endswith("}")) or value[1:2] in ("{", "}", "\\", "$"):
        return value
    depth, end = 0, 0
    for end, c in enumerate(value):  # noqa: B007  # `end`: where the first group closes
        depth += 1 if c == "{" else -1 if c == "}" else 0
        if depth == 0:
            break
    if end == len(value) - 1:  # one group, the whole title
        return value
    if value[2] == "}":  # `{I} ...`
        return value[1] + value[3:]
    return value[1] + "{" + value[2:]


def protect_title(title: str) -> str:
    """Escape a title and brace only the words whose case must survive a style's sentence
    case; a braced group never starts with a control sequence (BibTeX would take it for
    one "special character" and change the case inside it), so such a word gets `{}`."""
    if "$" in title or "\\" in title:
        return protect_words(title)
    # Escaping maps characters one by one and adds no spaces, so the words that may keep
    # their case are found in the plain text and escaped apart from the stretches between.
    text = " ".join(title.split())
    out: list[str] = []
    last = 0
    for found in _CASE_CANDIDATE.finditer(text):
        word = found.group()
        if _keeps_case(word):
            out.append(escape_latex(text[last : found.start()]))
            out.append(_braced(escape_latex(word)))
            last = found.end()
    if not out:
        return escape_latex(text)
    out.append(escape_latex(text[last:]))
    return _open_start("".join(out))


def protect_words(title: str) -> str:
    """protect_title word by word (TeX titles; tests hold the fast path to it)."""
    if "$" in title or "\\" in title:
        words = _WORD.findall(title)
        escaped_words = [escape_tex_text(w) for w in words]
    else:
        words = title.split()
        escaped_words = escape_latex(" ".join(words)).split(" ")
    out = []
    for word, escaped in zip(words, escaped_words, strict=True):
        out.append(_braced(escaped) if _keeps_case(word) else escaped)
    return _open_start(" ".join(out))


# A word _keeps_case can only say yes to: one starting with `I`, or with a character after
# its first that is not a lower-case ASCII letter, a digit or ASCII punctuation other than
# `-` and `/` (so: a capital, a hyphen or slash, any non-ASCII character). Words of a
# TeX-free title are separated by single spaces here.
_PLAIN_TAIL = "a-z0-9" + re.escape("!\"#$%&'()*+,.:;<=>?@[\\]^_`{|}~")
_CASE_CANDIDATE = re.compile(rf"(?<![^ ])(?:I|[^ ][{_PLAIN_TAIL}]*[^ {_PLAIN_TAIL}])[^ ]*")


def raw_value(text: str) -> str:
    """Text as typed for a field nothing typesets (comment, keywords): only a brace that
    would unbalance the entry is written `\\textbraceleft{}`/`\\textbraceright{}`, and a
    backslash before a brace or at the end (which parsers read as escaping the brace that
    closes the field) `\\textbackslash{}`."""
    if "{" not in text and "}" not in text and not text.endswith("\\"):
        return text
    unmatched: set[int] = set()
    opened: list[int] = []
    for i, char in enumerate(text):
        if char == "{":
            opened.append(i)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                unmatched.add(i)
    unmatched.update(opened)
    out = []
    for i, char in enumerate(text):
        if i in unmatched or (char == "\\" and text[i + 1 : i + 2] in ("", "{", "}")):
            out.append(SPECIAL[char])
        else:
            out.append(char)
    return "".join(out)


# ------------------------------------------------------------------ reading back
_REVERSE_SPECIAL = {v: k for k, v in SPECIAL.items()}
_REVERSE_LETTERS = {v: k for k, v in LETTERS.items()}
_REVERSE_MATH = {v: k for k, v in MATH.items()}
_COMBINING = {v: k for k, v in ACCENTS.items()}
_TOKEN = re.compile(
    rf"({_MATH}|{_COMMAND})"
    r"|\\text(?:backslash|asciitilde|asciicircum|less|greater|bar|braceleft|braceright)\{\}"
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
    """Inverse of escape_latex/escape_tex_text/protect_title for what they write (braces
    are dropped, except inside the TeX that was kept; older files' accent macros read too)."""
    out: list[str] = []
    pending: list[str] = []  # accent marks waiting for their letter
    for match in _TOKEN.finditer(value):
        whole = match.group(0)
        tex, math, special, letter, sym_accent, word_accent, brace, plain = match.groups()
        if tex:
            piece = tex
        elif whole.startswith("\\text"):
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
