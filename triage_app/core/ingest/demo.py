"""The bundled sample listings, for a first look at the app without one's own feed."""

from __future__ import annotations

from datetime import date
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

from triage_app.core.ingest.importer import ImportReport, import_path

# The importer's own key for "this file was already imported".
from triage_app.core.ingest.sources import content_hash
from triage_app.core.store import DB_NAME, Library, open_library

# The samples' dates without a year were written relative to this day.
DEMO_AS_OF = date(2026, 11, 24)
DEMO_LIBRARY_NAME = "demo-library"


def _demo_folder() -> Traversable:
    """The bundled samples: `triage_app.resources` in a wheel or an editable install; run
    from a source checkout (`python -m triage_app` in its root), resources/ beside the package."""
    try:
        return files("triage_app.resources").joinpath("demo")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[3] / "resources" / "demo"


def demo_listing_names() -> list[str]:
    """The samples in import order: scored feeds first, then the abstract-only listing, whose
    papers without a twin have no title: they come last in the list, not on the first screen
    (and those with a titled twin merge into it)."""
    folder = _demo_folder()
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".txt"))
    return sorted(names, key=lambda name: name.startswith("abstracts"))


def load_demo(library: Library) -> list[ImportReport]:
    """Import every bundled sample listing; a second call changes nothing."""
    reports = []
    folder = _demo_folder()
    for name in demo_listing_names():
        with as_file(folder.joinpath(name)) as path:
            report = import_path(library, Path(path), as_of=DEMO_AS_OF)
        report.file = name  # the sample's name, not where the package happens to be installed
        reports.append(report)
    return reports


def demo_listing_hashes() -> list[str]:
    """The import keys of the bundled listings, as the importer records them."""
    folder = _demo_folder()
    hashes = []
    for name in demo_listing_names():
        with folder.joinpath(name).open("rb") as stream:
            hashes.append(content_hash(stream))
    return hashes


def holds_own_papers(library: Library) -> bool:
    """Whether any paper was seen somewhere else than in the bundled listings."""
    hashes = demo_listing_hashes()
    marks = ", ".join("?" * len(hashes))
    with library.read() as conn:
        row = conn.exec_driver_sql(
            "SELECT 1 FROM paper AS p WHERE NOT EXISTS (SELECT 1 FROM source AS s "
            f"WHERE s.paper_id = p.id AND s.content_hash IN ({marks})) LIMIT 1",
            tuple(hashes),
        ).first()
    return row is not None


def demo_target(default_dir: Path) -> Path:
    """Where `demo` loads: the default library, unless it holds papers of the user's own
    (then a separate demo library beside it, so nothing of theirs is touched). A default
    library holding only the demo stays the target: loading it again changes nothing."""
    if not (default_dir / DB_NAME).exists():
        return default_dir
    with open_library(default_dir) as library:
        if not holds_own_papers(library):
            return default_dir
    return default_dir.parent / DEMO_LIBRARY_NAME
