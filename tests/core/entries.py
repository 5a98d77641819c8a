"""Small hand-made listing entries for store and importer tests."""

from __future__ import annotations

from datetime import date

from triage_app.core.ingest.entries import ListingEntry

ABSTRACT_A = "We study sparse autoencoders on language model activations at scale."
ABSTRACT_B = "A benchmark for retrieval augmented generation in the legal domain."

# Two entries of a scored feed as the listing shows them (one with code, one with a year).
ENTRY = (
    "93.1CLMay 17Code\n"
    "Old Habits Die Hard: How Conversational History Geometrically Traps LLMs"
    "Adi Simhi, Fazl Barez, Martin Tutek et al.\n"
    "How does the conversational past of large language models influence them?\n"
)
ENTRY2 = "CYApr 16, 2023\nFairness in AIOndrej Bohdal · mit, eth\nSuccessful deployment.\n"


def entry(
    line: int = 1,
    title: str | None = "Sparse Autoencoders at Scale",
    abstract: str = ABSTRACT_A,
    **kw,
) -> ListingEntry:
    fields = dict(
        line=line,
        title=title,
        authors=("Ada Lovelace", "Alan Turing") if title else (),
        et_al=False,
        affiliations=(),
        category="LG" if title else None,
        published=date(2025, 12, 3) if title else None,
        year_in_listing=True,
        score=None,
        has_code=False,
        abstract=abstract,
    )
    fields.update(kw)
    return ListingEntry(**fields)
