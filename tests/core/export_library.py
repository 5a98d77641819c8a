"""Helpers of the export tests: papers built in memory or restored into a library."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from triage_app.core.ingest.importer import import_path
from triage_app.core.records.paper_record import PaperRecord, SourceRecord
from triage_app.core.store.library import Library


def paper(pid: int = 1, **kw: Any) -> PaperRecord:
    fields: dict[str, Any] = dict(
        id=pid,
        title="Trust Me, I Am Wrong: LLMs Hallucinate",
        authors=("Adi Simhi", "Jan van der Berg"),
        et_al=True,
        affiliations=("Technion",),
        category="CL",
        published=date(2025, 2, 17),
        year_inferred=False,
        score=7.5,
        has_code=True,
        abstract="We study hallucinations.",
        status="kept",
        starred=True,
        rating=4,
        note="read §3",
        tags=("survey", "llm"),
        sources=(SourceRecord("004_b.txt", "abc123", 7, "2026-11-24T08:00:00.000000+00:00"),),
    )
    fields.update(kw)
    return PaperRecord(**fields)


def restore(library: Library, folder: Path, objects: list[dict[str, Any]]) -> list[int]:
    """Import papers (with decisions) from a JSON backup; returns the ids in order."""
    path = folder / "seed.json"
    path.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    report = import_path(library, path)
    assert report.refused is None and not report.problems, report.summary()
    return library.all_ids()


def paper_object(n: int, **kw: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "title": f"Paper {n}: Scaling Sparse Autoencoders",
        "authors": [f"Ada Lovelace{n}"],
        "et_al": False,
        "affiliations": [],
        "category": "LG",
        "published": "2025-03-14",
        "score": None,
        "has_code": False,
        "abstract": f"Abstract number {n}.",
        "status": "new",
        "starred": False,
        "rating": None,
        "tags": [],
        "note": "",
        "sources": [],
    }
    obj.update(kw)
    return obj
