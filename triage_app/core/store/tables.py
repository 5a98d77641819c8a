"""The store's tables, declared once with SQLModel; bulk paths use their `__table__` with Core."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String
from sqlmodel import Field, SQLModel

# Re-exported: migrations and backups read it here.
from triage_app.core.store.version import SCHEMA_VERSION as SCHEMA_VERSION


class Paper(SQLModel, table=True):
    """One distinct paper: what the listings said plus the researcher's decisions."""

    __tablename__ = "paper"
    __table_args__ = (
        Index("ix_paper_status", "status"),
        Index("ix_paper_published", "published"),
        Index("ix_paper_starred", "starred"),
        # What changed since a moment: how search's filter arrays catch up in milliseconds.
        Index("ix_paper_updated_at", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str | None = None
    # Normalised title and a hash of the normalised abstract: the de-duplication keys.
    title_key: str | None = Field(default=None, index=True)
    abstract_key: str | None = Field(default=None, index=True)
    authors: str = "[]"  # JSON list, as shown in the listing, in order
    et_al: bool = False
    affiliations: str = "[]"  # JSON list
    category: str | None = None
    published: str | None = None  # ISO date
    year_inferred: bool = False
    score: float | None = None
    has_code: bool = False
    abstract: str = ""
    # Identity across sources: the versionless arXiv id and the lower-cased DOI.
    arxiv_id: str | None = Field(default=None, index=True)
    doi: str | None = Field(default=None, index=True)
    # What arXiv says of the paper besides: its latest version seen, and where it was
    # published (`arxiv:journal_ref`, as typed).
    arxiv_version: int | None = None
    journal_ref: str | None = None
    status: str = "new"
    starred: bool = False
    rating: int | None = None
    note: str = ""
    created_at: str = ""  # ISO UTC timestamps
    updated_at: str = ""
    decided_at: str | None = None  # when the status last left `new` (triage pace)
    # When a decision last changed (not metadata): the "newer decision wins" clock of restores.
    decisions_at: str | None = None


class Tag(SQLModel, table=True):
    """A tag name; unique without regard to case."""

    __tablename__ = "tag"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(collation="NOCASE"), unique=True, nullable=False))


class PaperTag(SQLModel, table=True):
    __tablename__ = "paper_tag"

    paper_id: int = Field(
        sa_column=Column(Integer, ForeignKey("paper.id", ondelete="CASCADE"), primary_key=True)
    )
    tag_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )


class ImportBatch(SQLModel, table=True):
    """One import of one file; `finished` is set in the batch's last transaction."""

    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str
    content_hash: str = Field(index=True)
    imported_at: str
    finished: bool = False
    new: int = 0
    merged: int = 0
    known: int = 0
    skipped: int = 0


class Source(SQLModel, table=True):
    """Where a paper was seen: file, content hash, line and import time."""

    __tablename__ = "source"
    __table_args__ = (Index("ix_source_hash_line", "content_hash", "line", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(
        sa_column=Column(Integer, ForeignKey("paper.id", ondelete="CASCADE"), index=True)
    )
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    file_name: str
    content_hash: str
    line: int
    imported_at: str


class IndexOutbox(SQLModel, table=True):
    """Papers changed in the store whose search entry is not yet rewritten (written in the
    same transaction as the change, emptied after the index commit: a kill in between is
    healed at the next start)."""

    __tablename__ = "index_outbox"

    paper_id: int = Field(primary_key=True)


class Meta(SQLModel, table=True):
    """Small per-library key/value settings (e.g. highlight word lists)."""

    __tablename__ = "meta"

    key: str = Field(primary_key=True)
    value: str = ""
