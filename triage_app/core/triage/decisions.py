"""The researcher's decisions: one reversible operation that every front end calls.

`mark()` applies a `DecisionPatch` to any number of papers in one transaction and returns a
`Change`; `apply_states()` writes a change's `before` (undo) or `after` (redo) back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from triage_app.core.records import (
    NOTE_MAX_CHARS,
    STATUSES,
    TAG_MAX_CHARS,
    Change,
    DecisionState,
    text_problem,
)
from triage_app.core.store import load_tags

if TYPE_CHECKING:  # the command line's `mark` runs on a LiteLibrary, without SQLAlchemy
    from sqlalchemy import Connection

    from triage_app.core.store import Library


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


@dataclass(frozen=True)
class DecisionPatch:
    """What to change; fields left UNSET stay as they are. `rating=None` clears it."""

    status: str | _Unset = UNSET
    starred: bool | _Unset = UNSET
    toggle_star: bool = False
    rating: int | _Unset | None = UNSET
    note: str | _Unset = UNSET
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.status, _Unset) and self.status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        if isinstance(self.rating, int) and not 1 <= self.rating <= 5:
            raise ValueError("rating must be 1-5")
        for tag in (*self.add_tags, *self.remove_tags):
            if not clean_tag(tag):
                raise ValueError(f"empty tag name {tag!r}")
        problems = [text_problem(t, "a tag", TAG_MAX_CHARS) for t in self.add_tags]
        if isinstance(self.note, str):
            problems.append(text_problem(self.note, "the note", NOTE_MAX_CHARS))
        if any(problems):
            raise ValueError(next(p for p in problems if p))

    def apply_to(self, state: DecisionState, now: str) -> DecisionState:
        status, starred, rating, note = state.status, state.starred, state.rating, state.note
        if self.toggle_star:
            starred = not starred
        elif not isinstance(self.starred, _Unset):
            starred = self.starred
        if not isinstance(self.rating, _Unset):
            rating = self.rating
        if not isinstance(self.note, _Unset):
            note = self.note
        if not isinstance(self.status, _Unset):
            status = self.status
        elif status == "new" and (
            (starred and not state.starred) or (rating is not None and rating != state.rating)
        ):
            status = "kept"  # starring or rating a new paper is a decision to keep it
        tags = merge_tags(state.tags, self.add_tags, self.remove_tags)
        decided_at = state.decided_at
        if status != state.status:
            decided_at = None if status == "new" else now
        return replace(
            state,
            status=status,
            starred=starred,
            rating=rating,
            note=note,
            tags=tags,
            decided_at=decided_at,
        )


def clean_tag(tag: str) -> str:
    return " ".join(tag.split())


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def tag_key(name: str) -> str:
    """When two tag names are one tag: exactly when SQLite's NOCASE, the tag table's unique
    key, says so (ASCII letters without regard to case, every other character as it is).
    Not `str.casefold`: `straße` and `STRASSE` fold alike but are two rows of the table, so
    a fold there kept one of them and dropped the other paper's tag."""
    return name.translate(_ASCII_LOWER)


def merge_tags(
    current: tuple[str, ...], add: Iterable[str], remove: Iterable[str]
) -> tuple[str, ...]:
    """`current` less `remove`, plus `add` where no tag of the same key is there yet."""
    by_key = {tag_key(t): t for t in current}
    for tag in remove:
        by_key.pop(tag_key(clean_tag(tag)), None)
    for tag in add:
        name = clean_tag(tag)
        by_key.setdefault(tag_key(name), name)
    return tuple(sorted(by_key.values(), key=str.casefold))


def load_states(conn: Connection, ids: Sequence[int]) -> list[DecisionState]:
    states: dict[int, DecisionState] = {}
    for start in range(0, len(ids), 900):
        chunk = list(ids[start : start + 900])
        marks = ",".join("?" * len(chunk))
        tags = load_tags(conn, chunk)
        for pid, status, starred, rating, note, decided_at in conn.exec_driver_sql(
            f"SELECT id, status, starred, rating, note, decided_at FROM paper "
            f"WHERE id IN ({marks})",
            tuple(chunk),
        ):
            states[pid] = DecisionState(
                paper_id=pid,
                status=status,
                starred=bool(starred),
                rating=rating,
                note=note or "",
                tags=tuple(sorted(tags.get(pid, ()), key=str.casefold)),
                decided_at=decided_at,
            )
    missing = [i for i in ids if i not in states]
    if missing:
        raise KeyError(f"no paper with id {missing[0]}")
    return [states[i] for i in dict.fromkeys(ids)]


def write_states(
    conn: Connection, states: Sequence[DecisionState], old: Sequence[DecisionState], now: str
) -> list[int]:
    """Write the states that differ from `old`; returns the ids written."""
    old_by_id = {s.paper_id: s for s in old}
    changed = [s for s in states if old_by_id.get(s.paper_id) != s]
    if not changed:
        return []
    conn.exec_driver_sql(
        "UPDATE paper SET status = ?, starred = ?, rating = ?, note = ?, decided_at = ?, "
        "updated_at = ?, decisions_at = ? WHERE id = ?",
        [
            (s.status, int(s.starred), s.rating, s.note, s.decided_at, now, now, s.paper_id)
            for s in changed
        ],
    )
    retagged = [
        s
        for s in changed
        if old_by_id.get(s.paper_id, s).tags != s.tags or s.paper_id not in old_by_id
    ]
    if retagged:
        conn.exec_driver_sql(
            "DELETE FROM paper_tag WHERE paper_id = ?", [(s.paper_id,) for s in retagged]
        )
        insert_tags(conn, retagged)
        conn.exec_driver_sql(
            "DELETE FROM tag WHERE id NOT IN (SELECT DISTINCT tag_id FROM paper_tag)"
        )
    return [s.paper_id for s in changed]


def insert_tags(conn: Connection, states: Iterable[DecisionState]) -> None:
    """Add the states' tags to their papers, creating the tag rows they need (one row a
    `tag_key`, as the table's NOCASE key has it)."""
    rows = [(s.paper_id, t) for s in states for t in s.tags]
    if not rows:
        return
    names = {tag_key(t): t for _, t in rows}
    conn.exec_driver_sql(
        "INSERT OR IGNORE INTO tag(name) VALUES (?)", [(n,) for n in names.values()]
    )
    conn.exec_driver_sql(
        "INSERT OR IGNORE INTO paper_tag(paper_id, tag_id) "
        "SELECT ?, id FROM tag WHERE name = ? COLLATE NOCASE",
        rows,
    )


def mark(
    library: Library, ids: Sequence[int], patch: DecisionPatch, *, label: str = "Mark"
) -> Change:
    """Apply `patch` to every paper in `ids` as one transaction (one undo step)."""
    with library.write() as txn:
        before = load_states(txn.conn, ids)
        after = [patch.apply_to(s, txn.now) for s in before]
        txn.touch(write_states(txn.conn, after, before, txn.now))
    return Change(label=label, before=tuple(before), after=tuple(after))


def apply_states(library: Library, states: Sequence[DecisionState]) -> None:
    """Write back whole decision states (undo writes `before`, redo writes `after`)."""
    with library.write() as txn:
        current = load_states(txn.conn, [s.paper_id for s in states])
        txn.touch(write_states(txn.conn, states, current, txn.now))


def undo(library: Library, change: Change) -> None:
    apply_states(library, change.before)


def redo(library: Library, change: Change) -> None:
    apply_states(library, change.after)
