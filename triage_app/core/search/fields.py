"""The indexed text fields, and the query language's words for them: named once."""

from __future__ import annotations

# The text fields of the index, in the order the index and the highlighter list them.
TEXT_FIELDS = ("title", "authors", "abstract", "note", "tags")

# A query's `name:` words that search one text field (`tag:` and the rest are filters).
FIELD_ALIASES = {
    "title": "title",
    "author": "authors",
    "authors": "authors",
    "abstract": "abstract",
    "note": "note",
    "notes": "note",
}
