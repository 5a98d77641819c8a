"""Bringing papers in: listings, read-back of the app's own exports, merging, the demo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from triage_app.core.lazy import lazy_face

if TYPE_CHECKING:
    from triage_app.core.ingest.demo import (
        demo_listing_names,
        demo_target,
        load_demo,
    )
    from triage_app.core.ingest.importer import (
        ImportReport,
        import_path,
        import_source,
    )
    from triage_app.core.ingest.sources import (
        open_bytes,
    )

_NAMES = {
    "ImportReport": "importer",
    "demo_listing_names": "demo",
    "demo_target": "demo",
    "import_path": "importer",
    "import_source": "importer",
    "load_demo": "demo",
    "open_bytes": "sources",
}
__all__ = [
    "ImportReport",
    "demo_listing_names",
    "demo_target",
    "import_path",
    "import_source",
    "load_demo",
    "open_bytes",
]
__getattr__, __dir__ = lazy_face(globals(), _NAMES)
