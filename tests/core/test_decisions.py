"""Decisions: the keep-on-star rule, tags without case duplicates, undo and redo."""

from __future__ import annotations

import pytest

from tests.core.entries import ABSTRACT_B, entry
from triage_app.core.ingest.merge import MergeTarget, merge_items
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import DecisionPatch, mark, redo, undo


@pytest.fixture
def two(library: Library) -> Library:
    with library.write() as txn:
        batch = txn.conn.exec_driver_sql(
            "INSERT INTO import_batch(file_name, content_hash, imported_at, finished, new, "
            "merged, known, skipped) VALUES ('t.txt', 't', ?, 1, 2, 0, 0, 0) RETURNING id",
            (txn.now,),
        ).scalar_one()
        counts = merge_items(
            txn,
            [entry(1), entry(4, title="Legal RAG Benchmark", abstract=ABSTRACT_B)],
            MergeTarget(batch, "t.txt", "t", {}),
        )
    assert (counts.new, counts.merged, counts.known) == (2, 0, 0)
    return library


def test_star_or_rating_keeps_a_new_paper(two: Library) -> None:
    mark(two, [1], DecisionPatch(starred=True))
    mark(two, [2], DecisionPatch(rating=4))
    p1, p2 = two.get_papers([1, 2])
    assert (p1.status, p1.starred, p1.rating) == ("kept", True, None)
    assert (p2.status, p2.starred, p2.rating) == ("kept", False, 4)
    assert p1.decided_at and p2.decided_at


def test_star_does_not_undo_a_dismissal(two: Library) -> None:
    mark(two, [1], DecisionPatch(status="dismissed"))
    mark(two, [1], DecisionPatch(starred=True))
    assert two.get_paper(1).status == "dismissed"


def test_reset_clears_decided_at(two: Library) -> None:
    mark(two, [1], DecisionPatch(status="kept"))
    mark(two, [1], DecisionPatch(status="new"))
    assert two.get_paper(1).decided_at is None


def test_tags_are_case_insensitive_and_orphans_vanish(two: Library) -> None:
    mark(two, [1, 2], DecisionPatch(add_tags=("Survey", "to read")))
    mark(two, [2], DecisionPatch(add_tags=("SURVEY",)))
    assert two.get_paper(2).tags == ("Survey", "to read")
    assert two.tag_counts() == [("Survey", 2), ("to read", 2)]
    mark(two, [1, 2], DecisionPatch(remove_tags=("to READ",)))
    assert two.tag_counts() == [("Survey", 2)]
    assert two.all_tags() == ["Survey"]


def test_bulk_change_is_one_undo_step(two: Library) -> None:
    mark(two, [1], DecisionPatch(rating=2, note="first"))
    change = mark(two, [1, 2], DecisionPatch(status="dismissed", add_tags=("x",)))
    assert [p.status for p in two.get_papers([1, 2])] == ["dismissed", "dismissed"]
    undo(two, change)
    p1, p2 = two.get_papers([1, 2])
    assert (p1.status, p1.rating, p1.note, p1.tags) == ("kept", 2, "first", ())
    assert (p2.status, p2.tags) == ("new", ())
    redo(two, change)
    assert [p.tags for p in two.get_papers([1, 2])] == [("x",), ("x",)]


def test_toggle_star_and_note(two: Library) -> None:
    mark(two, [1], DecisionPatch(toggle_star=True))
    mark(two, [1], DecisionPatch(toggle_star=True, note="line 1\nline 2"))
    p = two.get_paper(1)
    assert (p.starred, p.note, p.status) == (False, "line 1\nline 2", "kept")


def test_unknown_id_changes_nothing(two: Library) -> None:
    with pytest.raises(KeyError):
        mark(two, [1, 99], DecisionPatch(status="kept"))
    assert two.get_paper(1).status == "new"


def test_changes_queue_papers_for_the_index(two: Library) -> None:
    with two.write() as txn:
        txn.conn.exec_driver_sql("DELETE FROM index_outbox")
    seen: list[set[int]] = []
    two.add_listener(seen.append)
    mark(two, [2], DecisionPatch(note="n"))
    mark(two, [2], DecisionPatch(note="n"))  # no change: nothing queued
    with two.read() as conn:
        assert [r[0] for r in conn.exec_driver_sql("SELECT paper_id FROM index_outbox")] == [2]
    assert seen == [{2}]


def test_invalid_patches_are_refused() -> None:
    with pytest.raises(ValueError):
        DecisionPatch(rating=6)
    with pytest.raises(ValueError):
        DecisionPatch(status="maybe")
    with pytest.raises(ValueError):
        DecisionPatch(add_tags=("  ",))
