"""Title/author splitting of scored-feed line 2: real listings, edge cases, synthetic accuracy."""

from __future__ import annotations

import json
import random

import pytest

from tests.data import LISTINGS
from triage_app.core.ingest.title_split import (
    TitleSplit,
    _english,
    _given_names,
    join_title_line,
    split_title_line,
)


def _truth() -> list[dict]:
    seeds = json.loads((LISTINGS / "seeds-truth.json").read_text(encoding="utf-8"))
    dev = json.loads((LISTINGS / "dev" / "dev-truth.json").read_text(encoding="utf-8"))
    return seeds + dev


def _title_lines(name: str) -> list[str]:
    """Line 2 of every entry of a scored listing file (entries are 3 non-blank lines)."""
    path = LISTINGS / name if (LISTINGS / name).exists() else LISTINGS / "dev" / name
    lines = [x.strip() for x in path.read_text(encoding="utf-8-sig").splitlines() if x.strip()]
    return lines[1::3]


def _scored_files() -> list[str]:
    return sorted({e["file"] for e in _truth() if e["title"] is not None})


@pytest.mark.parametrize("name", _scored_files())
def test_real_listing_lines_split_exactly(name: str) -> None:
    expected = [e for e in _truth() if e["file"] == name]
    lines = _title_lines(name)
    assert len(lines) == len(expected)
    wrong = []
    for line, e in zip(lines, expected, strict=True):
        want = TitleSplit(e["title"], tuple(e["authors"]), e["et_al"], tuple(e["affiliations"]))
        got = split_title_line(line)
        if got != want:
            wrong.append((line, got, want))
    assert wrong == []


@pytest.mark.parametrize(
    ("line", "title", "authors", "et_al", "affiliations"),
    [
        (
            "Old Habits Die Hard: How Conversational History Geometrically Traps LLMs"
            "Adi Simhi, Fazl Barez, Martin Tutek et al.",
            "Old Habits Die Hard: How Conversational History Geometrically Traps LLMs",
            ("Adi Simhi", "Fazl Barez", "Martin Tutek"),
            True,
            (),
        ),
        (
            "Natural Emergent Misalignment from Reward Hacking in Production RL"
            "Monte MacDiarmid, Benjamin Wright, Jonathan Uesato et al.",
            "Natural Emergent Misalignment from Reward Hacking in Production RL",
            ("Monte MacDiarmid", "Benjamin Wright", "Jonathan Uesato"),
            True,
            (),
        ),
        (
            "Fairness in AI and Its Long-Term Implications on SocietyOndrej Bohdal, "
            "Timothy Hospedales, Philip H. S. Torr et al.",
            "Fairness in AI and Its Long-Term Implications on Society",
            ("Ondrej Bohdal", "Timothy Hospedales", "Philip H. S. Torr"),
            True,
            (),
        ),
        (
            "Evaluating GPT-4J. Smith, Anna d'Alessandro",
            "Evaluating GPT-4",
            ("J. Smith", "Anna d'Alessandro"),
            False,
            (),
        ),
        (
            "Scaling Laws for DeepSeekWei Zhang · deepmind, max planck",
            "Scaling Laws for DeepSeek",
            ("Wei Zhang",),
            False,
            ("deepmind", "max planck"),
        ),
        (
            "Retrieval with GraphRAGLaurens van der Maaten, Guido de Croon",
            "Retrieval with GraphRAG",
            ("Laurens van der Maaten", "Guido de Croon"),
            False,
            (),
        ),
        (
            "Qwen3 Technical ReportQwen Team",
            "Qwen3 Technical Report",
            ("Qwen Team",),
            False,
            (),
        ),
        (
            "DeepSeek-V3 Technical ReportDeepSeek-AI",
            "DeepSeek-V3 Technical Report",
            ("DeepSeek-AI",),
            False,
            (),
        ),
        (
            "Can LLMs Read the Room? Yes, Sometimes: A Study of Hidden StatesJiaHao Wu, "
            "Denny O'Shea",
            "Can LLMs Read the Room? Yes, Sometimes: A Study of Hidden States",
            ("JiaHao Wu", "Denny O'Shea"),
            False,
            (),
        ),
        (
            "Robust Grasping (RG)?Zi-Chen Xi, Iker García-Ferrero, Väinö Karjalainen",
            "Robust Grasping (RG)?",
            ("Zi-Chen Xi", "Iker García-Ferrero", "Väinö Karjalainen"),
            False,
            (),
        ),
    ],
)
def test_hard_shapes(
    line: str, title: str, authors: tuple[str, ...], et_al: bool, affiliations: tuple[str, ...]
) -> None:
    assert split_title_line(line) == TitleSplit(title, authors, et_al, affiliations)


def test_line_without_a_glued_author_keeps_the_whole_title() -> None:
    got = split_title_line("a title in lowercase only")
    assert got == TitleSplit("a title in lowercase only", (), False, ())


@pytest.mark.parametrize("text", ["", " ", "·", " · ", "X", ", , ,", " et al.", "A" * 5000])
def test_degenerate_lines_do_not_raise(text: str) -> None:
    assert isinstance(split_title_line(text), TitleSplit)


def test_join_is_the_inverse_of_split() -> None:
    parts = TitleSplit("Embodied AI", ("GigaWorld Team", "Angen Ye", "Boyuan Wang"), True, ("mit",))
    line = join_title_line(parts.title, parts.authors, parts.et_al, parts.affiliations)
    assert line == "Embodied AIGigaWorld Team, Angen Ye, Boyuan Wang et al. · mit"
    assert split_title_line(line) == parts


# --------------------------------------------------------------------------- synthetic

# Romanised Chinese/Korean syllables, to build given names that no name list holds.
_SYLLABLES = [
    "zhang",
    "wang",
    "li",
    "liu",
    "chen",
    "yang",
    "zhao",
    "huang",
    "zhou",
    "wu",
    "xu",
    "sun",
    "hu",
    "zhu",
    "gao",
    "lin",
    "guo",
    "ma",
    "luo",
    "liang",
    "song",
    "zheng",
    "xie",
    "han",
    "tang",
    "feng",
    "yu",
    "dong",
    "xiao",
    "cao",
    "deng",
    "fu",
    "shen",
    "peng",
    "su",
    "lu",
    "jiang",
    "cai",
    "jia",
    "ding",
    "wei",
    "xue",
    "ye",
    "yan",
    "pan",
    "du",
    "xia",
    "zhong",
    "tian",
    "ren",
    "fan",
    "fang",
    "shi",
    "yao",
    "tan",
    "liao",
    "jin",
    "hao",
    "kun",
    "hong",
    "qiang",
    "ming",
    "jun",
    "jie",
    "xin",
    "yi",
    "zi",
    "rui",
    "hui",
    "ning",
    "bo",
    "lei",
    "xiang",
]
_KOREAN = [
    "young",
    "jae",
    "min",
    "su",
    "seo",
    "hyun",
    "ji",
    "woo",
    "jin",
    "hee",
    "sung",
    "kyung",
    "ho",
    "yeon",
    "eun",
    "hye",
    "soo",
]
_UPPER = "ABCDEFGHIJKLMNOPRSTUVWXYZ"


class _Synth:
    """Real-looking hard cases: lexicon names and syllable names glued to tricky title ends."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names = sorted(n.capitalize() for n in _given_names() if n.isalpha() and len(n) > 2)
        self.words = sorted(w for w, f in _english().items() if f > 3.5 and w.isalpha())

    def acronym(self, lo: int = 2, hi: int = 5) -> str:
        return "".join(self.rng.choice(_UPPER) for _ in range(self.rng.randint(lo, hi)))

    def word(self) -> str:
        return self.rng.choice(self.words).capitalize()

    def given(self) -> str:
        r, rng = self.rng.random(), self.rng
        if r < 0.5:
            return rng.choice(self.names)
        if r < 0.7:
            return (rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES)).capitalize()
        if r < 0.78:
            return f"{rng.choice(_SYLLABLES).capitalize()}-{rng.choice(_SYLLABLES).capitalize()}"
        if r < 0.84:
            return rng.choice(_KOREAN).capitalize() + rng.choice(_KOREAN).capitalize()
        return rng.choice(_UPPER) + "."

    def surname(self) -> str:
        r, rng = self.rng.random(), self.rng
        base = rng.choice(self.names) if r < 0.6 else rng.choice(_SYLLABLES).capitalize()
        if r > 0.94:
            return "O'" + base
        if r > 0.9:
            return base + "-" + rng.choice(self.names)
        return base

    def person(self) -> str:
        parts = [self.given()]
        r = self.rng.random()
        if r < 0.15:
            parts.append(self.rng.choice(_UPPER) + ".")
        elif r < 0.22:
            parts.append(self.rng.choice(["van der", "de", "da", "von", "van", "di"]))
        parts.append(self.surname())
        return " ".join(parts)

    def corporate(self) -> str:
        brand = self.rng.choice(_SYLLABLES).capitalize() + self.rng.choice(["", "n", "Bot", "AI"])
        return self.rng.choice([f"{brand} Team", f"{brand}-AI"])

    def title(self) -> str:
        rng = self.rng
        words = [self.word() for _ in range(rng.randint(2, 9))]
        r = rng.random()
        if r < 0.2:
            words[-1] = self.acronym() + rng.choice(["", "", "s"])
        elif r < 0.28:
            words[-1] = self.word() + self.word()
        elif r < 0.34:
            words[-1] = self.word() + self.acronym(2, 4)
        elif r < 0.4:
            words[-1] = f"{self.acronym(2, 4)}-{rng.randint(1, 99)}"
        elif r < 0.48:
            words[-1] = f"{self.word()}-{self.word()}"
        elif r < 0.53:
            words[-1] += "?"
        elif r < 0.57:
            words[-1] = f"({self.acronym(2, 4)})"
        if rng.random() < 0.3:
            words.insert(rng.randint(1, len(words) - 1), self.acronym() + ":")
        return " ".join(words)

    def case(self) -> tuple[str, TitleSplit]:
        k = self.rng.choice([1, 2, 3, 3, 3])
        authors = tuple(
            self.corporate() if self.rng.random() < 0.03 else self.person() for _ in range(k)
        )
        et_al = k == 3 and self.rng.random() < 0.7
        tags = ("mit", "deepmind", "allen ai", "max planck")
        affs = (
            tuple(self.rng.sample(tags, self.rng.randint(1, 2))) if self.rng.random() < 0.3 else ()
        )
        want = TitleSplit(self.title(), authors, et_al, affs)
        return join_title_line(want.title, authors, et_al, affs), want


def synthetic_accuracy(seed: int, n: int) -> float:
    synth = _Synth(seed)
    cases = [synth.case() for _ in range(n)]
    return sum(split_title_line(line) == want for line, want in cases) / n


def test_synthetic_hard_cases_accuracy() -> None:
    # Adversarial mix (CamelCase/acronym title ends, syllable names): measured ~99%.
    accuracy = synthetic_accuracy(seed=7, n=1500)
    print(f"synthetic split accuracy: {accuracy:.4f}")
    assert accuracy >= 0.98
