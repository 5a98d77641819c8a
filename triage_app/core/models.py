"""The store's tables, declared once as SQLAlchemy Core tables (reads and writes are Core).

Plain Core rather than SQLModel classes: nothing uses ORM objects, and SQLModel brought
pydantic and `sqlalchemy.orm` into every start (~0.3 s of the window's start-up at
100,000 papers). The DDL is the one SQLModel emitted (tests/core/test_schema_ddl.py).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
)

SCHEMA_VERSION = 3
STATUSES = ("new", "kept", "dismissed")

metadata = MetaData()


def _text(name: str, *, default: str | None = None, nullable: bool = False,
          **kwargs: object) -> Column:
    """A text column: NOT NULL unless `nullable`, with a Python-side default for inserts."""
    return Column(name, String, nullable=nullable, default=default, **kwargs)


def _flag(name: str) -> Column:
    return Column(name, Boolean, nullable=False, default=False)


# One distinct paper: what the listings said plus the researcher's decisions.
paper = Table(
    "paper", metadata,
    Column("id", Integer, primary_key=True),
    _text("title", nullable=True),
    # Normalised title and a hash of the normalised abstract: the de-duplication keys.
    _text("title_key", nullable=True, index=True),
    _text("abstract_key", nullable=True, index=True),
    _text("authors", default="[]"),  # JSON list, as shown in the listing, in order
    _flag("et_al"),
    _text("affiliations", default="[]"),  # JSON list
    _text("category", nullable=True),
    _text("published", nullable=True),  # ISO date
    _flag("year_inferred"),
    Column("score", Float),
    _flag("has_code"),
    _text("abstract", default=""),
    _text("status", default="new"),
    _flag("starred"),
    Column("rating", Integer),
    _text("note", default=""),
    _text("created_at", default=""),  # ISO UTC timestamps
    _text("updated_at", default=""),
    _text("decided_at", nullable=True),  # when the status last left `new` (triage pace)
    # When a decision last changed (not metadata): the "newer decision wins" clock of restores.
    _text("decisions_at", nullable=True),
    Index("ix_paper_status", "status"),
    Index("ix_paper_published", "published"),
    Index("ix_paper_starred", "starred"),
    # What changed since a moment: how search's filter arrays catch up in milliseconds.
    Index("ix_paper_updated_at", "updated_at"),
)

# A tag name; unique without regard to case.
tag = Table(
    "tag", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(collation="NOCASE"), unique=True, nullable=False),
)

paper_tag = Table(
    "paper_tag", metadata,
    Column("paper_id", Integer, ForeignKey("paper.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

# One import of one file; `finished` is set in the batch's last transaction.
import_batch = Table(
    "import_batch", metadata,
    Column("id", Integer, primary_key=True),
    _text("file_name"),
    _text("content_hash", index=True),
    _text("imported_at"),
    _flag("finished"),
    *(Column(name, Integer, nullable=False, default=0)
      for name in ("new", "merged", "known", "skipped")),
)

# Where a paper was seen: file, content hash, line and import time.
source = Table(
    "source", metadata,
    Column("id", Integer, primary_key=True),
    Column("paper_id", Integer, ForeignKey("paper.id", ondelete="CASCADE"), index=True),
    Column("batch_id", Integer, ForeignKey("import_batch.id")),
    _text("file_name"),
    _text("content_hash"),
    Column("line", Integer, nullable=False),
    _text("imported_at"),
    Index("ix_source_hash_line", "content_hash", "line", unique=True),
)

# Papers changed in the store whose search entry is not yet rewritten (written in the same
# transaction as the change, emptied after the index commit: a kill in between is healed at
# the next start).
index_outbox = Table(
    "index_outbox", metadata,
    Column("paper_id", Integer, primary_key=True),
)

# Small per-library key/value settings (e.g. highlight word lists).
meta = Table(
    "meta", metadata,
    _text("key", primary_key=True),
    _text("value", default=""),
)
