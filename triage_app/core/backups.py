"""Consistent copies of a live store through SQLite's online backup API."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from triage_app.core.store import Library


def backup_to(library: Library, destination: Path) -> Path:
    """Copy the store to `destination` (atomically: written beside it, then renamed)."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(library.db_path)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(destination)
    return destination


def backup_library(library: Library, *, reason: str = "manual") -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return backup_to(library, library.backup_dir / f"library-{stamp}-{reason}.sqlite")
