"""Where a segment's posting arrays live: `index/arrays/<segment>.<part>.npy` and its meta,
`<segment>.json` (Whoosh ignores the folder: no name in it matches its patterns)."""

from __future__ import annotations

from pathlib import Path

FOLDER = "arrays"
FORMAT = 1


def arrays_dir(index_dir: Path) -> Path:
    return index_dir / FOLDER


def part_path(folder: Path, segid: str, name: str) -> Path:
    return folder / f"{segid}.{name}.npy"


def seg_size(index_dir: Path, segid: str) -> int:
    """The compound segment file's size (-1 when the segment is not one file)."""
    try:
        return (index_dir / f"{segid}.seg").stat().st_size
    except OSError:
        return -1
