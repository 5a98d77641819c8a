"""The JSON export: a list of paper objects, one a line, written as a stream."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO

from triage_app.core.records import PaperRecord


def write_json(papers: Iterable[PaperRecord], out: IO[str]) -> int:
    """Stream papers as a JSON list, one object a line; returns how many were written."""
    count = 0
    out.write("[")
    for paper in papers:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(paper.to_json(), ensure_ascii=False, allow_nan=False))
        count += 1
    out.write("\n]\n")
    return count
