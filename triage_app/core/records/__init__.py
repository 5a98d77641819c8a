"""Paper records and the small codecs that import and export share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from triage_app.core.lazy import lazy_face

if TYPE_CHECKING:
    from triage_app.core.records.csv_cells import (
        BOM,
        CSV_COLUMNS,
        escape_item,
        guarded,
        join_items,
        neutralise,
        parse_source,
        source_cell,
        split_items,
        unneutralise,
    )
    from triage_app.core.records.paper_record import (
        JSON_KEYS,
        STATUSES,
        Change,
        DecisionState,
        PaperRecord,
        SourceRecord,
    )

_NAMES = {
    "BOM": "csv_cells",
    "CSV_COLUMNS": "csv_cells",
    "Change": "paper_record",
    "JSON_KEYS": "paper_record",
    "DecisionState": "paper_record",
    "PaperRecord": "paper_record",
    "STATUSES": "paper_record",
    "SourceRecord": "paper_record",
    "escape_item": "csv_cells",
    "guarded": "csv_cells",
    "join_items": "csv_cells",
    "neutralise": "csv_cells",
    "parse_source": "csv_cells",
    "source_cell": "csv_cells",
    "split_items": "csv_cells",
    "unneutralise": "csv_cells",
}
__all__ = [
    "BOM",
    "CSV_COLUMNS",
    "JSON_KEYS",
    "STATUSES",
    "Change",
    "DecisionState",
    "PaperRecord",
    "SourceRecord",
    "escape_item",
    "guarded",
    "join_items",
    "neutralise",
    "parse_source",
    "source_cell",
    "split_items",
    "unneutralise",
]
__getattr__, __dir__ = lazy_face(globals(), _NAMES)
