"""Realistic generated papers for benchmarks and large-library tests.

Word choice follows real frequencies: titles and abstracts are drawn from the word
distribution of the real listings in tests/data, names from the given-name list the
importer itself uses plus common family names of many origins. Deterministic for a seed.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from tests.data import LISTINGS
from triage_app.core.ingest.entries import ListingEntry
from triage_app.core.store import open_library


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CATEGORIES = (
    "CL",
    "LG",
    "AI",
    "CV",
    "RO",
    "IR",
    "NE",
    "CR",
    "HC",
    "SE",
    "DB",
    "DC",
    "MA",
    "SD",
    "CY",
    "ET",
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FAMILY = _words(
    "Smith Johnson Garcia Müller Rossi Dubois Kowalski Nowak Ivanov Petrov Chen Wang Li Zhang "
    "Liu Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Kim Lee Park Choi Jung "
    "Kang Tanaka Suzuki Takahashi Watanabe Ito Nakamura Kobayashi Singh Kumar Sharma Patel "
    "Gupta Reddy Iyer Nair Das Banerjee Khan Ahmed Ali Hassan Rahman Silva Santos Oliveira "
    "Pereira Costa Fernandes Martínez López González Rodríguez Hernández Pérez Sánchez Ramírez "
    "Torres Flores Nguyen Tran Pham Hoang O'Brien O'Connor MacDonald McKenzie MacDiarmid "
    "Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein "
    "Wolf Schröder Neumann Zimmermann Braun Krüger Hofmann Hartmann Lange Werner Krause Lehmann "
    "Kowalczyk Wiśniewski Wójcik Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski "
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
    "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen "
    "Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De Luca Mancini Costa "
    "Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso Ferrara "
    "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan "
    "Cohen Levi Mizrahi Peretz Biton Friedman Katz Goldberg Rosenberg Shapiro Kaplan"
)
PARTICLE_FAMILY = (
    "van der Berg",
    "de Souza",
    "van Dijk",
    "da Silva",
    "von Neumann",
    "de la Cruz",
    "Van den Broeck",
    "di Stefano",
    "Le Roux",
    "dos Santos",
)


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[list[str], list[float], list[str], list[float]]:
    """(abstract words, cumulative weights, title words, cumulative weights) from the real
    listings."""
    abstracts, titles = Counter(), Counter()
    for truth in (LISTINGS / "seeds-truth.json", LISTINGS / "dev" / "dev-truth.json"):
        for entry in json.loads(truth.read_text(encoding="utf-8")):
            abstracts.update(re.findall(r"[A-Za-z][A-Za-z\-']*", entry["abstract"]))
            if entry["title"]:
                titles.update(re.findall(r"[A-Za-z][A-Za-z0-9\-']*", entry["title"]))
    a_words, a_weights = zip(*abstracts.items(), strict=True)
    t_words, t_weights = zip(*titles.items(), strict=True)
    # Cumulative weights: random.choices would otherwise re-add them on every call.
    return list(a_words), list(accumulate(a_weights)), list(t_words), list(accumulate(t_weights))


@lru_cache(maxsize=1)
def _given_names() -> list[str]:
    try:
        from gender_guesser import detector

        path = Path(detector.__file__).with_name("data") / "nam_dict.txt"
        names = []
        with path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("#") or len(line) < 30:
                    continue
                name = line[3:29].strip()
                if name.isalpha() and name[0].isupper() and len(name) > 2 and "+" not in name:
                    names.append(name)
        if names:
            return sorted(set(names))
    except (ImportError, OSError):
        pass
    return ["Ada", "Alan", "Grace", "Wei", "Priya", "Kenji", "Fatima", "Lars", "Olga", "Diego"]


def _name(rng: random.Random) -> str:
    given = rng.choice(_given_names())
    r = rng.random()
    if r < 0.08:
        given = f"{given} {rng.choice('ABCDEFGHJKLMNPRST')}."
    elif r < 0.12:
        given = f"{rng.choice('ABCDEFGHJKLMNPRST')}. {given}"
    family = rng.choice(PARTICLE_FAMILY) if rng.random() < 0.04 else rng.choice(FAMILY)
    if rng.random() < 0.03:
        family = f"{family}-{rng.choice(FAMILY)}"
    return f"{given} {family}"


def _title(rng: random.Random) -> str:
    _, _, words, weights = _vocabulary()
    n = rng.randint(6, 14)
    picked = rng.choices(words, cum_weights=weights, k=n)
    picked[0] = picked[0][:1].upper() + picked[0][1:]
    if rng.random() < 0.45:
        cut = rng.randint(1, min(3, n - 2))
        picked[cut - 1] += ":"
        picked[cut] = picked[cut][:1].upper() + picked[cut][1:]
    return " ".join(picked)


def _abstract(rng: random.Random) -> str:
    words, weights, _, _ = _vocabulary()
    sentences = []
    total = 0
    target = rng.randint(130, 210)
    while total < target:
        n = rng.randint(12, 30)
        sent = rng.choices(words, cum_weights=weights, k=n)
        sentences.append(sent[0][:1].upper() + " ".join(sent)[1:] + ".")
        total += n
    return " ".join(sentences)


def generate_entries(
    n: int, seed: int = 0, *, as_of: date = date(2026, 11, 24)
) -> Iterator[ListingEntry]:
    """`n` realistic papers; random 6-14 word titles and 130-210 word abstracts make
    accidental duplicates vanishingly rare."""
    rng = random.Random(seed)
    for i in range(n):
        authors = tuple(_name(rng) for _ in range(rng.choice((1, 2, 3, 3, 3, 3))))
        et_al = len(authors) == 3 and rng.random() < 0.75
        published = as_of - timedelta(days=rng.randint(0, 3 * 365))
        year_shown = rng.random() < 0.6 or (as_of - published).days > 300
        yield ListingEntry(
            line=3 * i + 1,
            title=_title(rng),
            authors=authors,
            et_al=et_al,
            affiliations=(),
            category=rng.choice(CATEGORIES),
            published=published,
            year_in_listing=year_shown,
            score=round(rng.uniform(1, 99), 1) if rng.random() < 0.6 else None,
            has_code=rng.random() < 0.3,
            abstract=_abstract(rng),
        )


def render_scored(entry: ListingEntry) -> str:
    """The scored-feed text of an entry (3 lines)."""
    d = entry.published
    assert d is not None
    header = (
        f"{entry.score if entry.score is not None else ''}{entry.category}"
        f"{MONTHS[d.month - 1]} {d.day}"
        + (f", {d.year}" if entry.year_in_listing else "")
        + ("Code" if entry.has_code else "")
    )
    authors = ", ".join(entry.authors) + (" et al." if entry.et_al else "")
    return f"{header}\n{entry.title}{authors}\n{entry.abstract}\n"


def write_listing(path: Path, n: int, seed: int = 0) -> Path:
    with Path(path).open("w", encoding="utf-8") as fh:
        for entry in generate_entries(n, seed):
            fh.write(render_scored(entry))
    return Path(path)


def build_library(folder: Path, n: int, seed: int = 0):
    """A library of `n` generated papers, imported through the real import path."""
    from triage_app.core.ingest.importer import import_path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    listing = folder.parent / f"{folder.name}-listing.txt"
    write_listing(listing, n, seed)
    library = open_library(folder)
    import_path(library, listing, as_of=date(2026, 11, 24))
    listing.unlink()
    return library
