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
    from triage_app.core.records.limits import (
        NOTE_MAX_CHARS,
        RESTORE_LINE_BYTES,
        TAG_MAX_CHARS,
        text_problem,
    )
    from triage_app.core.records.paper_record import (
        JSON_KEYS,
        STATUSES,
        Change,
        DecisionState,
        PaperRecord,
        SourceRecord,
    )
    from triage_app.core.records.stored_values import (
        json_score,
        stored_date,
        stored_day_number,
        stored_score,
    )

_NAMES = {
    "BOM": "csv_cells",
    "NOTE_MAX_CHARS": "limits",
    "RESTORE_LINE_BYTES": "limits",
    "TAG_MAX_CHARS": "limits",
    "text_problem": "limits",
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
    "json_score": "stored_values",
    "neutralise": "csv_cells",
    "parse_source": "csv_cells",
    "source_cell": "csv_cells",
    "split_items": "csv_cells",
    "stored_date": "stored_values",
    "stored_day_number": "stored_values",
    "stored_score": "stored_values",
    "unneutralise": "csv_cells",
}
__all__ = [
    "BOM",
    "CSV_COLUMNS",
    "JSON_KEYS",
    "NOTE_MAX_CHARS",
    "RESTORE_LINE_BYTES",
    "STATUSES",
    "TAG_MAX_CHARS",
    "Change",
    "DecisionState",
    "PaperRecord",
    "SourceRecord",
    "escape_item",
    "guarded",
    "join_items",
    "json_score",
    "neutralise",
    "parse_source",
    "source_cell",
    "split_items",
    "stored_date",
    "stored_day_number",
    "stored_score",
    "text_problem",
    "unneutralise",
]
__getattr__, __dir__ = lazy_face(globals(), _NAMES)
