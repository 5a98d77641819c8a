"""The title a citation format gives a paper, devised from the abstract when it has none.

An abstract-only paper gets its abstract's first words in square brackets, the
cataloguers' mark of a title supplied by someone other than the author (AACR2 1.1B7, RDA
2.3.2.11), so a reference manager lists it by its content and nobody mistakes it for the
authors' own title.
"""

from __future__ import annotations

DEVISED_WORDS = 12


def devised_title(abstract: str) -> str:
    words = abstract.split()
    head = " ".join(words[:DEVISED_WORDS]).rstrip(",;:")
    if not head:
        return ""
    return f"[{head}…]" if len(words) > DEVISED_WORDS else f"[{head}]"


def cited_title(title: str | None, abstract: str) -> str:
    """The paper's own title (whitespace runs as one space), else a devised one."""
    own = " ".join((title or "").split())
    return own or devised_title(abstract)
