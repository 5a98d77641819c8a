"""A small library of hostile and international papers, as the export consumers' tests see it.

Written by hand for these tests: real arXiv title shapes (TeX math, `\\textsc`, mixed-case
product names, acronyms), names with accents, particles, dotless i and Vietnamese double
diacritics, tags holding `;` and `\\`, notes with braces, umlauts and line breaks, every
decision (kept, dismissed, undecided, ratings 1-5, stars) and an abstract-only paper.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from triage_app.core.records.paper_record import PaperRecord


def _paper(pid: int, **kw: Any) -> PaperRecord:
    fields: dict[str, Any] = dict(
        id=pid,
        title=None,
        authors=(),
        et_al=False,
        affiliations=(),
        category="CL",
        published=date(2025, 2, 17),
        year_inferred=False,
        score=None,
        has_code=False,
        abstract="",
        status="new",
        starred=False,
        rating=None,
        note="",
        tags=(),
        sources=(),
    )
    fields.update(kw)
    return PaperRecord(**fields)


PAPERS = (
    _paper(
        1,
        title="GPT-4o and BERT Meet LLMs: Why Mixed-Case Words Keep Their Case",
        authors=("Vinícius García", "José María García", "Łukasz Kaiser"),
        et_al=True,
        affiliations=("Universidade de São Paulo", "Google DeepMind; London"),
        abstract="We compare GPT-4o with BERT on 50% of the data & more.",
        status="kept",
        starred=True,
        rating=5,
        tags=("survey", "to read; later", "C:\\data"),
        note="Übersicht: see {SAE} probes\n- first point\n- second point",
        arxiv_id="2502.01234",
        doi="10.1000/gpt_4o-2025(7)",
        arxiv_version=2,
        journal_ref="Phys. Rev. D 76, 013009 & 50% more (2025)",
    ),
    _paper(
        2,
        title="$\\pi$-Flow: S$^2$ Reasoning in $\\mathbb{R}^n$ with (ST) Estimators",
        authors=("Nguyễn Văn Thành", "Zoë Müller-Straße", "Jan van der Berg"),
        published=date(2024, 11, 3),
        category="LG",
        abstract="We show $O(n^2)$ bounds for the estimator {under} noise.",
        status="dismissed",
        rating=1,
        tags=("math",),
        note="'quoted' aside",
    ),
    _paper(
        3,
        title="\\textsc{GUI-Spotlight}: Adaptive Iterative Focus for GUI Agents",
        authors=("Ömer Faruk Şahin", "Søren Ødegård"),
        published=date(2025, 10, 1),
        category="AI",
        abstract="An agent that zooms.",
        status="kept",
        rating=3,
        note='=HYPERLINK("http://evil.example")',
    ),
    _paper(
        4,
        title="Costs Under a $5 Budget: 100% Recall, #Tags, under_scores and ~Tildes^",
        authors=("OpenAI Team",),
        published=date(2023, 5, 9),
        abstract="Cheap.",
        status="new",
        starred=True,
        rating=2,
        tags=("budget",),
        note="unbalanced { brace",
    ),
    _paper(
        5,
        title="Naïve Bayes für Everyone: Çok Güzel Results in Tiếng Việt",
        authors=("Dmitrii Ivanov", "Ana de la Cruz", "Kıvanç Yılmaz"),
        published=date(2025, 1, 31),
        abstract="Accents everywhere: Ångström, œuvre, façade.",
        status="kept",
        rating=4,
        tags=("international",),
    ),
    _paper(
        6,
        title=None,
        authors=(),
        published=None,
        category=None,
        abstract=(
            "Large language models can be steered by adding vectors to their activations, "
            "which we study in detail."
        ),
        status="dismissed",
    ),
)
