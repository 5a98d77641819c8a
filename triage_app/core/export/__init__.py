"""Writing papers out: BibTeX, RIS, CSV and JSON, to a file or a stream."""

from __future__ import annotations

from typing import TYPE_CHECKING

from triage_app.core.lazy import lazy_face

if TYPE_CHECKING:
    from triage_app.core.export.formats import (
        FORMATS,
    )
    from triage_app.core.export.service import (
        export_papers,
    )

_NAMES = {
    "FORMATS": "formats",
    "export_papers": "service",
}
__all__ = [
    "FORMATS",
    "export_papers",
]
__getattr__, __dir__ = lazy_face(globals(), _NAMES)
