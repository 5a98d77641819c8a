"""The search index's schema stamp, readable without importing Whoosh.

The window asks "is the index current?" before every sync; importing Whoosh for two
constants cost its UI thread a 130 ms stall (the import's ~0.3 s of Python competes for the
GIL), measured at the first sync after a 20,000-paper import.
"""

from __future__ import annotations

from pathlib import Path

INDEX_SCHEMA_VERSION = 1
VERSION_FILE = "triage-index-version"


def stamped_version(folder: Path) -> str | None:
    """The schema version written in `folder`, or None when there is none to read."""
    try:
        return (folder / VERSION_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def is_current(folder: Path) -> bool:
    return stamped_version(folder) == str(INDEX_SCHEMA_VERSION)


def write_stamp(folder: Path) -> None:
    (folder / VERSION_FILE).write_text(f"{INDEX_SCHEMA_VERSION}\n", encoding="utf-8")
