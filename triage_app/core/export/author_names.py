"""Split an author name as a listing shows it into family and given names (BibTeX, RIS)."""

from __future__ import annotations

from typing import NamedTuple

# Lower-case particles belong to the family name (BibTeX's "von" part); these also do when
# capitalised ("Van den Broeck", "De Luca", "Le Roux"), as the names' owners cite them.
_PARTICLE_WORDS = (
    "van von der den de del della dei di da das dos du la le lo ten ter bin ibn al el zu af"
)
PARTICLES = frozenset(_PARTICLE_WORDS.split())
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# Words that mark an organisation rather than a person ("OpenAI Team", "The X Consortium").
_CORPORATE_WORDS = (
    "team consortium collaboration group lab labs laboratory institute university inc inc. "
    "ltd ltd. corporation corp corp. project committee council association foundation "
    "initiative organization organisation society center centre alliance network"
)
CORPORATE_WORDS = frozenset(_CORPORATE_WORDS.split())


class PersonName(NamedTuple):  # a tuple: built several times a paper by a big export
    given: str
    family: str
    suffix: str = ""
    corporate: bool = False


_CORPORATE_MARKS = CORPORATE_WORDS | {"and"}


def is_corporate(words: list[str]) -> bool:
    return len(words) > 6 or not _CORPORATE_MARKS.isdisjoint(map(str.lower, words))


# Not cached here: each format caches the form it writes (one cache, not two, a name).
def split_name(name: str) -> PersonName:
    """Family name = the last word plus the particles before it; `Family, Given` is kept."""
    words = name.split()
    if not words:
        return PersonName("", "")
    if is_corporate(words):
        return PersonName("", " ".join(words), corporate=True)
    if "," in name:
        family, _, given = name.partition(",")
        return PersonName(" ".join(given.split()), " ".join(family.split()))
    suffix = ""
    if len(words) > 2 and words[-1].lower() in SUFFIXES:
        suffix = words.pop()
    start = len(words) - 1
    while start > 1 and (words[start - 1].lower() in PARTICLES or words[start - 1][:1].islower()):
        start -= 1
    return PersonName(" ".join(words[:start]), " ".join(words[start:]), suffix)
