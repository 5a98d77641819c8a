"""Decisions from another tool's file, written without ever undoing one made here.

Such a file has no clock the app can trust (an export's date says nothing about when a
label was set), so, as with a CSV restore, its decisions only fill in: a status where the
paper is still new, a rating where it has none, a star, tags added, a note where there is
none. Starring or rating a new paper keeps it, as a key press would. What differs from a
decision made here is left as it is and counted (`left as decided here`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from triage_app.core.ingest.foreign_record import ForeignRecord
from triage_app.core.records import DecisionState
from triage_app.core.store import WriteTxn
from triage_app.core.triage import clean_tag, load_states, merge_tags, write_states

KEPT_HERE = "left as decided here"


def merged_state(
    state: DecisionState, item: ForeignRecord, now: str, counts: Counter[str]
) -> DecisionState:
    """`state` with what `item` adds; `counts` says what was taken and what was left."""
    status, starred, rating, note = state.status, state.starred, state.rating, state.note
    if item.status and item.status != status:
        if status == "new":
            status = item.status
            counts[item.status] += 1
        else:
            counts[KEPT_HERE] += 1
    if item.rating is not None and item.rating != rating:
        if rating is None:
            rating = item.rating
            counts["rated"] += 1
        else:
            counts[KEPT_HERE] += 1
    if item.starred and not starred:
        starred = True
        counts["starred"] += 1
    if status == "new" and (starred or rating is not None):
        status = "kept"
        counts["kept"] += 1
    tags = merge_tags(state.tags, [t for t in item.tags if clean_tag(t)], ())
    if len(tags) > len(state.tags):
        counts["tagged"] += 1
    if item.note and item.note != note:
        if not note.strip():
            note = item.note
            counts["noted"] += 1
        elif item.note not in note:
            counts[KEPT_HERE] += 1
    decided_at = state.decided_at
    if status != state.status:
        decided_at = now
    # The constructor, not dataclasses.replace: this runs once a record of a tool's file.
    return DecisionState(
        state.paper_id,
        status,
        starred,
        rating,
        note,
        tags,
        decided_at,
    )


def apply_foreign_decisions(
    txn: WriteTxn, pairs: Sequence[tuple[int, ForeignRecord]], now: str
) -> Counter[str]:
    ids = list(dict.fromkeys(pid for pid, _ in pairs))
    old = {s.paper_id: s for s in load_states(txn.conn, ids)}
    wanted: dict[int, DecisionState] = {}
    counts: Counter[str] = Counter()
    for pid, item in pairs:
        wanted[pid] = merged_state(wanted.get(pid) or old[pid], item, now, counts)
    states = list(wanted.values())
    txn.touch(write_states(txn.conn, states, [old[s.paper_id] for s in states], now))
    return counts


def new_paper_states(
    pairs: Sequence[tuple[int, ForeignRecord]], now: str, counts: Counter[str]
) -> dict[int, DecisionState]:
    """The decisions of papers this batch creates: written with their rows (one INSERT),
    not read back and updated one by one."""
    states: dict[int, DecisionState] = {}
    for pid, item in pairs:
        blank = states.get(pid) or DecisionState(pid, "new", False, None, "", (), None)
        states[pid] = merged_state(blank, item, now, counts)
    return states
