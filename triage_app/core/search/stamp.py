"""The search index's stamp: what wrote it, readable without importing Whoosh.

The index is derived data in Whoosh's on-disk format, which `postings` reads directly: an
index written by another Whoosh version, with another codec or for another schema is rebuilt
from the store, never read. The stamp records all three as JSON; a missing, garbled or
different stamp means the index is not current.

Whoosh-free because the window asks "is the index current?" before every sync, and importing
Whoosh there stalled its UI thread (the import's Python competes for the GIL). The installed
Whoosh's version comes from its top-level package (a version and a function, none of its
modules), at writing as at checking.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

# 2: posting arrays beside each segment, which only a rebuild starts (`array_writer`): an
# index stamped 1 was written before them and is rebuilt once, with them.
INDEX_SCHEMA_VERSION = 2
VERSION_FILE = "triage-index-version"
# The codec the index is written with and `postings` reads: whoosh3's, whose format version
# is the magic heading each posting list (`index.codec_stamp` reads both from Whoosh).
CODEC = "W3Codec"
CODEC_VERSION = "W3Bl"


class IndexWriteError(Exception):
    """The search index could not be written (a full disk, a read-only folder): the store
    is intact; the message says where and why."""


@lru_cache(maxsize=1)
def whoosh_version() -> str:
    """The installed Whoosh's version, from its top-level package, which holds only that
    (none of Whoosh's modules is loaded, nor importlib.metadata)."""
    import whoosh

    return str(whoosh.versionstring())


def expected_stamp() -> dict[str, object]:
    """The stamp of an index this program writes and reads."""
    return {
        "schema": INDEX_SCHEMA_VERSION,
        "whoosh": whoosh_version(),
        "codec": CODEC,
        "codec_version": CODEC_VERSION,
    }


def read_stamp(folder: Path) -> dict[str, object] | None:
    """The stamp written in `folder`, or None when there is none or it is garbled."""
    try:
        stamp = json.loads((folder / VERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # unreadable, not UTF-8 or not JSON
        return None
    return stamp if isinstance(stamp, dict) else None


def stamp_problem(folder: Path) -> str:
    """'' when the index in `folder` is stamped as this program writes it; else why not."""
    if not (folder / VERSION_FILE).is_file():
        return "missing"
    stamp = read_stamp(folder)
    if stamp is None:
        return "garbled index stamp"
    wrong = [
        f"{key} {stamp.get(key)!r}, expected {value!r}"
        for key, value in expected_stamp().items()
        if stamp.get(key) != value
    ]
    return "index stamped with " + "; ".join(wrong) if wrong else ""


def is_current(folder: Path) -> bool:
    """An index this program can read is in `folder` (so opening it will not rebuild it)."""
    return not stamp_problem(folder)


def write_stamp(folder: Path, codec: str, codec_version: str) -> None:
    """Stamp the index just written in `folder` with the codec its writer used."""
    stamp = {**expected_stamp(), "codec": codec, "codec_version": codec_version}
    (folder / VERSION_FILE).write_text(json.dumps(stamp, sort_keys=True) + "\n", encoding="utf-8")
