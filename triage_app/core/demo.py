"""The bundled sample listings, for a first look at the app without one's own feed."""

from __future__ import annotations

from datetime import date
from importlib.resources import as_file, files
from pathlib import Path

from triage_app.core.importer import ImportReport, import_path
from triage_app.core.store import Library

# The samples' dates without a year were written relative to this day.
DEMO_AS_OF = date(2026, 11, 24)


def demo_listing_names() -> list[str]:
    folder = files("triage_app.resources").joinpath("demo")
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".txt"))


def load_demo(library: Library) -> list[ImportReport]:
    """Import every bundled sample listing; a second call changes nothing."""
    reports = []
    folder = files("triage_app.resources").joinpath("demo")
    for name in demo_listing_names():
        with as_file(folder.joinpath(name)) as path:
            reports.append(import_path(library, Path(path), as_of=DEMO_AS_OF))
    return reports


def demo_target(default_dir: Path) -> Path:
    """Where `demo` loads: the default library unless it already holds papers."""
    db = default_dir / "library.sqlite"
    if not db.exists():
        return default_dir
    with Library.open(default_dir) as library:
        if library.count() == 0:
            return default_dir
    return default_dir.parent / "demo-library"
