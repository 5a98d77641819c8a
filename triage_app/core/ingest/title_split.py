"""Split a scored-feed line 2 (title glued to authors) into title, authors and tags."""

from __future__ import annotations

import gzip
import itertools
import json
import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import cast

AFFILIATION_SEP = " · "
ET_AL = " et al."
AUTHOR_SEP = ", "

# Lowercase name particles (a closed grammatical class, not a list of examples).
_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "dei",
        "degli",
        "di",
        "da",
        "das",
        "dos",
        "do",
        "du",
        "la",
        "le",
        "les",
        "lo",
        "ten",
        "ter",
        "bin",
        "binti",
        "ibn",
        "al",
        "el",
        "y",
        "e",
        "zu",
        "af",
        "av",
    ]
)
# Last words that make an author a collective ("Qwen Team", "Meituan LongCat Team").
_CORPORATE_TAILS = frozenset(
    [
        "team",
        "lab",
        "labs",
        "group",
        "consortium",
        "collaboration",
        "project",
        "committee",
        "inc.",
        "ltd.",
        "ai",
    ]
)
# Surname/given-name prefixes that keep a capital after them (MacDiarmid, DeLuca).
_NAME_PREFIXES = frozenset(
    ["Mc", "Mac", "De", "Di", "Da", "Del", "Della", "La", "Le", "Van", "Von", "Du", "Fitz"]
)
_NAME_PUNCT = frozenset("'’-‐.")
_TITLE_BAD_END = frozenset(",;:-‐(/[{&")
_MAX_AUTHOR_TOKENS = 7
_MAX_AUTHOR_CHARS = 120
_BODY_WINDOW = 400
# Where an author can start: a capital letter glued to what precedes it. One C-level scan
# instead of a Python loop over every character (the parser's hot spot).
_GLUED_CAPITAL = re.compile(
    "(?<=\\S)[" + re.escape("".join(chr(c) for c in range(0x10000) if chr(c).isupper())) + "]"
)
_MAX_WORD_CHARS = 60  # only a word's end matters when judging where a title stops
# Author-length prior: most first authors show two or three name tokens.
_LEN_PRIOR = {1: -2.5, 2: 0.0, 3: -0.3, 4: -1.2, 5: -2.0, 6: -3.0, 7: -4.0}


@dataclass(frozen=True, slots=True)
class TitleSplit:
    """The parts of a scored-feed line 2."""

    title: str
    authors: tuple[str, ...]
    et_al: bool
    affiliations: tuple[str, ...]


# --------------------------------------------------------------------------- lexicons


@cache
def _english() -> dict[str, float]:
    """English word -> log10 frequency, from pyspellchecker's bundled list (loaded once)."""
    path = resources.files("spellchecker") / "resources" / "en.json.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        counts: dict[str, int] = json.load(fh)
    return {w: math.log10(c + 1) for w, c in counts.items()}


# gender-guesser's per-country frequency columns (line[30:]) for China, Korea, Vietnam:
# those conventions build given names from syllables written CamelCase ('ZiHao').
_EAST_ASIAN_COLUMNS = (49, 52, 53)


@cache
def _name_lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """(all given names, East Asian syllable names), lowercased, from gender-guesser's data."""
    path = resources.files("gender_guesser") / "data" / "nam_dict.txt"
    names: set[str] = set()
    syllables: set[str] = set()
    with path.open("r", encoding="utf-8") as fh:
        for line in fh:
            if not line or line[0] in "#=":
                continue
            parts = line.split()
            if len(parts) < 2:
                continue
            name = parts[1].lower()
            forms = [name.replace("+", sep) for sep in ("", " ", "-")] if "+" in name else [name]
            names.update(forms)
            names.update(name.split("+"))
            freqs = line[30:]
            if "+" not in name and any(
                c < len(freqs) and not freqs[c].isspace() for c in _EAST_ASIAN_COLUMNS
            ):
                syllables.add(name)
    return frozenset(names), frozenset(syllables)


def _given_names() -> frozenset[str]:
    return _name_lexicon()[0]


def word_freq(word: str) -> float | None:
    """log10 corpus count of an English word, or None if unknown."""
    return _english().get(word.lower())


def is_given_name(token: str) -> bool:
    """Whether a token is a known given name (case-insensitive, hyphen parts allowed)."""
    names = _given_names()
    low = token.lower()
    if low in names:
        return True
    parts = [p for p in low.replace("‐", "-").split("-") if p]
    return len(parts) > 1 and all(p in names for p in parts)


# --------------------------------------------------------------------------- word shapes


def humps(word: str) -> list[str]:
    """Split a CamelCase / acronym word into its humps: 'VideoLLMs' -> ['Video', 'LLMs']."""
    out: list[str] = []
    start = 0
    n = len(word)
    for i in range(1, n):
        prev, cur = word[i - 1], word[i]
        boundary = False
        if cur.isupper():
            if prev.islower() or prev.isdigit():
                boundary = True
            elif prev.isupper() and i + 1 < n and word[i + 1].islower():
                # 'LLMs' keeps its plural s; 'RAGJohn' splits before 'J'.
                boundary = not (word[i + 1] == "s" and (i + 2 == n or not word[i + 2].isalpha()))
        elif cur.isdigit() and prev.isalpha():
            boundary = True
        if boundary:
            out.append(word[start:i])
            start = i
    out.append(word[start:])
    return out


def _is_acronym(chunk: str) -> bool:
    """'RL', 'LLMs', '3D', 'GPT4' look like acronyms."""
    core = chunk[:-1] if len(chunk) > 2 and chunk.endswith("s") else chunk
    letters = [c for c in core if c.isalpha()]
    return (
        bool(letters)
        and all(c.isupper() for c in letters)
        and (len(letters) >= 2 or any(c.isdigit() for c in core))
    )


def _word_strength(freq: float) -> float:
    """Known English words score 2..3; frequency matters little (technical words are rare)."""
    return 2.0 + min(freq, 4.0) / 4.0


def _chunk_score(chunk: str) -> float:
    """How plausible one hump is as a piece of a title word."""
    if not chunk:
        return -3.0
    if len(chunk) == 1 and chunk.isalpha():
        return 0.0  # single letters are in every word list; they prove nothing
    if chunk.isdigit():
        return 1.5
    if _is_acronym(chunk):
        return 1.5
    freq = word_freq(chunk)
    if freq is not None and (chunk.islower() or chunk.istitle() or chunk.isupper()):
        return _word_strength(freq)
    if len(chunk) == 1 and chunk.isupper():
        return 0.0
    return -1.5


def title_end_score(title: str) -> float:
    """How plausible it is that a title ends exactly here (its last word is complete)."""
    title = title.rstrip()
    if not title or title[-1] in _TITLE_BAD_END:
        return -20.0
    return _last_word_score(title[-_MAX_WORD_CHARS:].rsplit(" ", 1)[-1])


@lru_cache(maxsize=1 << 16)
def _last_word_score(last: str) -> float:
    """title_end_score for the title's last word (cached: titles share their ends)."""
    core = last.rstrip(").?!\"'’”]}%*+").lstrip("([{\"'‘“")
    if not core:
        return 1.0
    if core[-1].isdigit():
        return 2.0
    if not core[-1].isalpha():
        return -2.0
    piece = core.replace("‐", "-").replace("/", "-").rsplit("-", 1)[-1]
    if not piece.isalnum():
        # 'Report?Ho', '(ADA)?Ho': letters glued after closing punctuation belong to a name.
        inner = piece.rstrip("".join(c for c in piece if c.isalpha()))
        return -6.0 if inner and inner[-1] in '?!)]}"”’:;,' else -1.0
    if piece[0].isdigit():
        parts = humps(piece)
        tail = parts[-1]
        if tail[:1].isupper() and tail[1:].islower():
            return -1.0  # '6Min': a digit glued to a capitalised word is a split point
        return sum(_chunk_score(p) for p in parts[1:]) / max(1, len(parts) - 1)
    if _is_acronym(piece):
        return 2.0
    if len(piece) == 1:
        return 0.5  # 'Part A', 'Plan B': possible, but a lone capital is weak evidence
    freq = word_freq(piece)
    if freq is not None and (piece.islower() or piece.istitle() or piece.isupper()):
        return _word_strength(freq)
    parts = humps(piece)
    if len(parts) == 1:
        if piece.istitle() and is_given_name(piece):
            return -1.0  # 'Eun': a given name that is no English word likely starts an author
        if piece.istitle() or piece.islower():
            return 0.0  # an unknown but ordinary word ('Localizationer', 'splatting')
        return -1.5
    scores = [_chunk_score(p) for p in parts]
    # CamelCase ends are rarer than plain words; judge mostly by their weakest/last hump.
    # Each extra hump costs (a CamelCase end competes with a CamelCase given name), an
    # acronym hump less so: 'GraphRAG', 'VideoLLMs', 'MiniGPT' are common in titles.
    cost = sum(1.0 if _is_acronym(p) or p.isdigit() else 2.5 for p in parts[1:])
    return -cost + min(scores) * 0.5 + scores[-1] * 0.5


def title_body_score(title: str) -> float:
    """Penalty for odd glued tokens inside a title (all but its last word).

    Shared words cancel out between candidates, so this only judges the words that one
    reading gives to the title and another to the first author ('ReportMeituan Long').
    """
    penalty = 0.0
    for part in title.split(AUTHOR_SEP)[1:-1]:
        if author_score(part, first=True) > -2.5:
            penalty -= 2.0  # a comma-separated name inside the title: authors were cut
    for word in title.split()[:-1]:
        penalty += _body_word_penalty(word)
    return penalty


@lru_cache(maxsize=1 << 16)
def _body_word_penalty(word: str) -> float:
    """Penalty for one title word that looks like two things glued together."""
    penalty = 0.0
    if any(a in "?!)]:;," and b.isupper() for a, b in itertools.pairwise(word)):
        penalty -= 4.0  # 'Connectome?G.': closing punctuation glued to a capital
    if any(
        a.islower() and b.isupper() and c == "."
        for a, b, c in zip(word, word[1:], word[2:], strict=False)
    ):
        penalty -= 4.0  # 'GraphM.': an initial glued to a title word
    for piece in word.replace("‐", "-").replace("/", "-").split("-"):
        piece = "".join(c for c in piece if c.isalnum())
        parts = humps(piece) if piece else []
        if len(parts) > 1:
            penalty += 2.0 * sum(min(0.0, _chunk_score(h)) for h in parts)
    return penalty


# --------------------------------------------------------------------------- name shapes


def _is_initial(tok: str) -> bool:
    """'J.', 'J.-P.', 'A.J.' are initials."""
    body = tok.replace("-", "").replace("‐", "")
    if len(body) < 2 or len(body) % 2 or not tok.endswith("."):
        return False
    return all(
        body[i].isalpha() and body[i].isupper() and body[i + 1] == "."
        for i in range(0, len(body), 2)
    )


def _shape_ok(tok: str) -> bool:
    """Letters plus name punctuation only; no digits, brackets, colons."""
    return all(c.isalpha() or c in _NAME_PUNCT for c in tok) and any(c.isalpha() for c in tok)


@lru_cache(maxsize=1 << 16)
def name_token_score(tok: str, *, first: bool, corporate: bool) -> float:
    """Plausibility of one token of a person's (or collective's) name."""
    if _is_initial(tok):
        return 1.0
    if tok.lower() in _PARTICLES and tok.islower():
        return -4.0 if first else -0.2
    if len(tok) > 1 and tok[1] in "'’" and tok[0].islower() and tok[2:3].isupper():
        tok = tok[2:]  # d'Alessandro
    if not _shape_ok(tok) or not tok[0].isupper() or tok.endswith((".", "-")):
        if corporate and tok[:1].isupper() and tok.replace("-", "").isalnum():
            return -1.0
        return -12.0
    pieces = [p for p in tok.replace("‐", "-").replace("'", "-").replace("’", "-").split("-") if p]
    total = 0.0
    for piece in pieces:
        total += _name_piece_score(piece, first=first, corporate=corporate)
    return total / len(pieces) if pieces else -12.0


def _name_piece_score(piece: str, *, first: bool, corporate: bool) -> float:
    """Score one hyphen-free piece of a name token."""
    known = first and not corporate and is_given_name(piece)
    if piece[0].isupper() and (len(piece) == 1 or piece[1:].islower()):
        score = 2.0 if known else 0.0
        freq = word_freq(piece)
        if first and not known and freq is not None and freq > 4.0 and not corporate:
            score -= min(3.0, freq - 4.0 + 1.0)  # a frequent English word is not a first name
        return score
    if piece.isupper():
        if corporate:
            return 0.0
        return -1.0 if len(piece) <= 3 and not first else -6.0
    parts = humps(piece)
    if len(piece) > 2 and piece[1].isupper() and any(c.islower() for c in piece[2:]):
        # 'LMonte', 'RAGJohn': an uppercase run glued to a name is a split error.
        return -6.0 if corporate else -8.0
    if corporate:
        return -1.0 * max(0, len(parts) - 2)  # brands: 'GigaWorld', rarely more humps
    if is_given_name(piece):
        return 1.5  # listed as one name: 'YoungJae', 'DeAndre'
    if len(parts) == 2 and parts[0] in _NAME_PREFIXES and parts[1][1:].islower():
        return 0.0 if not first else -1.0  # MacDiarmid, McKenzie, DiCaprio, LaToya
    if _syllable_name(parts):
        return 0.5  # made of short name syllables: 'ZiHao', 'SuBeen'
    return -6.0 - max(0, len(parts) - 2)


def _syllable_name(parts: list[str]) -> bool:
    """'Zi'+'Hao', 'Young'+'Jae': every hump is a Chinese/Korean/Vietnamese given name."""
    syllables = _name_lexicon()[1]
    return len(parts) > 1 and all(p.lower() in syllables for p in parts)


@lru_cache(maxsize=1 << 16)
def author_score(author: str, *, first: bool) -> float:
    """Plausibility of a whole author string (person or collective)."""
    if len(author) > _MAX_AUTHOR_CHARS:
        return -50.0
    toks = author.split()
    if not toks or len(toks) > _MAX_AUTHOR_TOKENS:
        return -50.0
    corporate = toks[-1].lower() in _CORPORATE_TAILS or (
        len(toks) == 1 and any(c.isupper() for c in toks[0][1:])
    )
    score = _LEN_PRIOR.get(len(toks), -5.0)
    if len(toks[0]) == 1 and not corporate:
        score -= 5.0  # a bare capital letter does not start a name ('B AIssistant...')
    if len(toks) == 1 and not corporate:
        score -= 2.0  # mononyms are rare; a lone surname usually means a bad split
    if corporate:
        score += 0.5 if len(toks) > 1 else 1.0
    score += name_token_score(toks[0], first=True, corporate=corporate)
    for tok in toks[1:]:
        tok_score = name_token_score(tok, first=False, corporate=corporate)
        score += tok_score * 0.5 if tok_score > 0 else tok_score
    last = toks[-1]
    if len(toks) > 1 and (_is_initial(last) or last.islower()):
        score -= 4.0
    return score


# --------------------------------------------------------------------------- splitting


def _split_tail(line: str) -> tuple[str, bool, tuple[str, ...]]:
    """Peel ' · tags' and ' et al.' off the end of line 2."""
    head, affiliations = line, cast(tuple[str, ...], ())
    if AFFILIATION_SEP in line:
        before, tags = line.rsplit(AFFILIATION_SEP, 1)
        parsed = tuple(t.strip() for t in tags.split(",") if t.strip())
        if parsed and before.strip():
            head, affiliations = before.rstrip(), parsed
    et_al = head.endswith(ET_AL)
    if et_al:
        head = head[: -len(ET_AL)].rstrip()
    return head, et_al, affiliations


def _candidates(head: str, et_al: bool) -> list[tuple[float, str, tuple[str, ...]]]:
    """Every plausible (score, title, authors) reading of the glued head."""
    parts = head.split(AUTHOR_SEP)
    out: list[tuple[float, str, tuple[str, ...]]] = []
    # Title words are judged only near the end of the line: the same span for every
    # candidate, so shared words cancel and an enormous line stays cheap.
    window = max(0, len(head) - _BODY_WINDOW)
    for k in (3,) if et_al else (1, 2, 3):
        if len(parts) < k:
            continue
        rest = parts[len(parts) - k + 1 :]
        if any(not r.strip() for r in rest):
            continue
        rest_score = sum(author_score(r, first=True) for r in rest)
        seg = parts[len(parts) - k]
        prefix = AUTHOR_SEP.join(parts[: len(parts) - k])
        lo = max(1, len(seg) - _MAX_AUTHOR_CHARS)
        for match in _GLUED_CAPITAL.finditer(seg, lo):
            i = match.start()
            first = seg[i:]
            if first.count(" ") >= _MAX_AUTHOR_TOKENS:
                continue
            title = (prefix + AUTHOR_SEP if prefix else "") + seg[:i]
            if not title.strip():
                continue
            score = (
                title_end_score(title)
                + title_body_score(title[window:])
                + author_score(first, first=True)
                + rest_score
            )
            out.append((score, title, (first, *rest)))
    return out


def split_title_line(line: str) -> TitleSplit:
    """Split line 2 of a scored entry; authors are () when no glued author is found."""
    line = line.strip()
    head, et_al, affiliations = _split_tail(line)
    cands = _candidates(head, et_al)
    if not cands:
        return TitleSplit(title=head, authors=(), et_al=et_al, affiliations=affiliations)
    _, title, authors = max(cands, key=lambda c: c[0])
    return TitleSplit(
        title=title.strip(),
        authors=tuple(a.strip() for a in authors),
        et_al=et_al,
        affiliations=affiliations,
    )


def join_title_line(
    title: str, authors: tuple[str, ...], et_al: bool, affiliations: tuple[str, ...]
) -> str:
    """Inverse of split_title_line: glue the parts back as the feed shows them."""
    line = title + AUTHOR_SEP.join(authors)
    if et_al:
        line += ET_AL
    if affiliations:
        line += AFFILIATION_SEP + ", ".join(affiliations)
    return line
