"""De-duplication inside one import transaction: match, fill in, insert, record sources.

Two entries are one paper when they carry the same arXiv id (whatever the version) or
DOI, or else when their normalised titles or normalised abstracts are equal (but never two
papers whose arXiv ids or DOIs differ). A merge only fills in what the paper lacks (a
title for an abstract-only paper, a year the listing showed over an inferred one, the
whole author list for an "et al.", an identifier) and never touches the researcher's
decisions, except when restoring a backup whose decisions are newer; another tool's file
only fills decisions in (foreign_decisions).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from triage_app.core.ingest.entries import ListingEntry
from triage_app.core.ingest.foreign_decisions import apply_foreign_decisions, new_paper_states
from triage_app.core.ingest.foreign_record import ForeignRecord
from triage_app.core.ingest.readback_record import BackupRecord
from triage_app.core.ingest.rows import META_COLUMNS, entry_to_row
from triage_app.core.records import DecisionState
from triage_app.core.store import WriteTxn
from triage_app.core.triage import insert_tags, load_states, write_states

# A restored paper keeps its id unless the id lies this far past the library's largest: the
# search's filter columns are arrays indexed by id, so an id of 48,902,507,845 from a hostile
# file asked for gigabytes. Ids this program gives out are consecutive, so its own backups
# keep every id.
MAX_ID_GAP = 1_000_000


@dataclass
class MergeTarget:
    """Where one file's items go: its import batch, and the lines of it already stored."""

    batch_id: int
    file_name: str
    content_hash: str
    known_lines: dict[int, int]  # line -> paper id; merging adds the lines it stores


@dataclass
class MergeCounts:
    new: int = 0
    merged: int = 0
    known: int = 0
    paper_ids: set[int] = field(default_factory=set)
    decisions: Counter[str] = field(default_factory=Counter)  # what a tool's file changed
    replaced: list[int] = field(default_factory=list)  # papers whose decisions a restore replaced


Item = ListingEntry | BackupRecord | ForeignRecord


def _fill_in(current: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """Columns of `incoming` that improve `current` without overwriting what it knows."""
    updates: dict[str, Any] = {}
    if not current["title"] and incoming["title"]:
        for col in ("title", "title_key", "authors", "et_al", "affiliations"):
            updates[col] = incoming[col]
    elif current["authors"] == "[]" and incoming["authors"] != "[]":
        updates["authors"] = incoming["authors"]
        updates["et_al"] = incoming["et_al"]
    elif current["et_al"] and not incoming["et_al"] and _longer(incoming, current):
        # A listing shows three authors and "et al."; a feed or BibTeX file has them all.
        updates["authors"] = incoming["authors"]
        updates["et_al"] = False
    for col in ("arxiv_id", "doi", "journal_ref"):
        if not current.get(col) and incoming.get(col):
            updates[col] = incoming[col]
    # The latest version seen: a v3 after a v1 is news, not an overwrite (the same id, or
    # the id this merge fills in: two different ids never merge).
    version = incoming.get("arxiv_version")
    if version and version > (current.get("arxiv_version") or 0):
        updates["arxiv_version"] = version
    if current["affiliations"] == "[]" and incoming["affiliations"] != "[]":
        updates["affiliations"] = incoming["affiliations"]
    if not current["abstract"] and incoming["abstract"]:
        updates["abstract"] = incoming["abstract"]
        updates["abstract_key"] = incoming["abstract_key"]
    elif not current["abstract_key"] and incoming["abstract_key"]:
        updates["abstract_key"] = incoming["abstract_key"]
    if not current["category"] and incoming["category"]:
        updates["category"] = incoming["category"]
    if incoming["published"] and (
        not current["published"] or (current["year_inferred"] and not incoming["year_inferred"])
    ):
        updates["published"] = incoming["published"]
        updates["year_inferred"] = incoming["year_inferred"]
    if current["score"] is None and incoming["score"] is not None:
        updates["score"] = incoming["score"]
    if incoming["has_code"] and not current["has_code"]:
        updates["has_code"] = True
    return {k: v for k, v in updates.items() if current.get(k) != v}


def _longer(incoming: dict[str, Any], current: dict[str, Any]) -> bool:
    return len(json.loads(incoming["authors"])) > len(json.loads(current["authors"]))


Keys = dict[str, dict[str, int]]  # column -> key -> paper id


def _load_matches(
    txn: WriteTxn, wanted: dict[str, set[str]]
) -> tuple[Keys, dict[int, dict[str, Any]]]:
    rows: dict[int, dict[str, Any]] = {}
    cols = ", ".join(META_COLUMNS)
    for column, values in wanted.items():
        key_list = sorted(values)
        for start in range(0, len(key_list), 900):
            chunk = key_list[start : start + 900]
            marks = ",".join("?" * len(chunk))
            result = txn.conn.exec_driver_sql(
                f"SELECT id, {cols}, decisions_at FROM paper WHERE {column} IN ({marks}) "
                f"ORDER BY id",
                tuple(chunk),
            )
            for row in result:
                record = dict(zip(("id", *META_COLUMNS, "decisions_at"), row, strict=True))
                rows[record["id"]] = record
    keys: Keys = {column: {} for column in wanted}
    for pid, record in sorted(rows.items()):
        _remember(keys, record, pid)
    return keys, rows


_KEY_COLUMNS = ("arxiv_id", "doi", "title_key", "abstract_key")


def _remember(keys: Keys, row: dict[str, Any], pid: int) -> None:
    for column in _KEY_COLUMNS:
        value = row.get(column)
        if value:
            keys[column].setdefault(value, pid)


_ID_COLUMNS = ("arxiv_id", "doi")


def _conflicts(row: dict[str, Any], other: dict[str, Any]) -> bool:
    """Both with an arXiv id, or both with a DOI, and different ones: two papers."""
    return any(row.get(c) and other.get(c) and row[c] != other[c] for c in _ID_COLUMNS)


def _match(keys: Keys, row: dict[str, Any], current: dict[int, dict[str, Any]]) -> int | None:
    """An identifier names the paper; no match (by the other identifier, a title or an
    abstract) may contradict one."""
    for column in (*_ID_COLUMNS, "title_key", "abstract_key"):
        pid = keys[column].get(row[column]) if row.get(column) else None
        if pid is not None and not _conflicts(row, current[pid]):
            return pid
    return None


def _own_ids(changes: dict[str, Any], keys: Keys, pid: int) -> dict[str, Any]:
    """`changes` without an identifier another paper holds: a paper matched by its arXiv
    id must not take a DOI that names another paper (two papers would share it, and a
    restore of the export would merge them)."""
    for column in _ID_COLUMNS:
        value = changes.get(column)
        if value and keys[column].get(value, pid) != pid:
            del changes[column]
            if column == "arxiv_id":
                changes.pop("arxiv_version", None)
    return changes


def merge_items(
    txn: WriteTxn,
    items: Sequence[Item],
    target: MergeTarget,
    before_replacing: Callable[[], None] | None = None,
) -> MergeCounts:
    """Insert the new papers among `items`, fill in the known ones, record their sources.

    `before_replacing()` is called before a restore replaces decisions a paper already had
    (the importer takes a backup of the library there)."""
    report = MergeCounts()
    prepared: list[tuple[Item, dict[str, Any], int]] = []
    for index, item in enumerate(items):
        if isinstance(item, ListingEntry | ForeignRecord):
            if item.line in target.known_lines:
                report.known += 1
                continue
            row = entry_to_row(item) if isinstance(item, ListingEntry) else item.row
            prepared.append((item, row, item.line))
        else:
            prepared.append((item, item.row, item.line or index + 1))
    if not prepared:
        return report
    keys, current = _load_matches(
        txn, {c: {row[c] for _, row, _ in prepared if row.get(c)} for c in _KEY_COLUMNS}
    )
    next_id = (txn.conn.exec_driver_sql("SELECT max(id) FROM paper").scalar() or 0) + 1
    inserts: list[dict[str, Any]] = []
    updates: dict[int, dict[str, Any]] = {}
    sources: list[tuple[Any, ...]] = []
    restored: list[tuple[int, BackupRecord]] = []
    foreign: list[tuple[int, ForeignRecord]] = []
    now = txn.now  # not the import's start: stamps must rise in commit order
    for item, row, line in prepared:
        pid = _match(keys, row, current)
        found = pid is not None
        if pid is not None:
            changes = _own_ids(_fill_in(current[pid], row), keys, pid)
            if changes:
                current[pid].update(changes)
                updates.setdefault(pid, {}).update(changes)
            report.merged += 1
        else:
            wanted = item.id if isinstance(item, BackupRecord) else None
            if (
                wanted
                and wanted < next_id + MAX_ID_GAP
                and wanted not in current
                and _id_free(txn, wanted, inserts)
            ):
                pid = wanted
            else:
                pid = next_id
            next_id = max(next_id, pid + 1)
            created = (item.created_at if isinstance(item, BackupRecord) else None) or now
            # One dict is both the row to insert and the paper as later items see it (a fill
            # in from them is then inserted and also updated, to the same values).
            current[pid] = {
                **row,
                "id": pid,
                "created_at": created,
                "updated_at": now,
                "decisions_at": None,
                "_new": True,
            }
            inserts.append(current[pid])
            report.new += 1
        _remember(keys, row, pid)
        if found:  # a new paper's keys are the row's
            _remember(keys, current[pid], pid)
        report.paper_ids.add(pid)
        if isinstance(item, ForeignRecord) and item.has_decisions:
            foreign.append((pid, item))
        if isinstance(item, ListingEntry | ForeignRecord):
            target.known_lines[line] = pid
            sources.append((pid, target.batch_id, target.file_name, target.content_hash, line, now))
        else:
            restored.append((pid, item))
            for src in item.sources:
                sources.append(
                    (
                        pid,
                        target.batch_id,
                        src["file"],
                        src["content_hash"],
                        src["line"],
                        src.get("imported_at") or now,
                    )
                )
    conn = txn.conn
    decided: dict[int, DecisionState] = {}
    if foreign:
        decided = new_paper_states(
            [(p, i) for p, i in foreign if current[p].get("_new")], now, report.decisions
        )
        foreign = [(p, i) for p, i in foreign if not current[p].get("_new")]
    if inserts:
        cols = ("id", *META_COLUMNS, "created_at", "updated_at", *_DECISION_COLUMNS)
        values = itemgetter(*cols[: -len(_DECISION_COLUMNS)])
        undecided = _decision_values(None, now)
        conn.exec_driver_sql(
            f"INSERT INTO paper({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [
                values(r)
                + (_decision_values(decided[r["id"]], now) if r["id"] in decided else undecided)
                for r in inserts
            ],
        )
        insert_tags(conn, decided.values())
    for pid, changes in updates.items():
        if current[pid].get("_new"):
            conn.exec_driver_sql(
                f"UPDATE paper SET {', '.join(f'{c} = ?' for c in changes)} WHERE id = ?",
                (*changes.values(), pid),
            )
        else:
            conn.exec_driver_sql(
                f"UPDATE paper SET {', '.join(f'{c} = ?' for c in changes)}, updated_at = ? "
                f"WHERE id = ?",
                (*changes.values(), now, pid),
            )
    if sources:
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO source(paper_id, batch_id, file_name, content_hash, line, "
            "imported_at) VALUES (?, ?, ?, ?, ?, ?)",
            sources,
        )
    if restored:
        report.replaced = _restore_decisions(txn, restored, current, now, before_replacing)
    if foreign:
        report.decisions.update(apply_foreign_decisions(txn, foreign, now))
    txn.touch(r["id"] for r in inserts)
    txn.touch(updates)
    return report


_DECISION_COLUMNS = ("status", "starred", "rating", "note", "decided_at", "decisions_at")


def _decision_values(state: DecisionState | None, now: str) -> tuple[Any, ...]:
    if state is None:
        return ("new", False, None, "", None, None)
    return (state.status, state.starred, state.rating, state.note, state.decided_at, now)


def _id_free(txn: WriteTxn, pid: int, pending: list[dict[str, Any]]) -> bool:
    if any(r["id"] == pid for r in pending):
        return False
    return txn.conn.exec_driver_sql("SELECT 1 FROM paper WHERE id = ?", (pid,)).first() is None


def _restore_decisions(
    txn: WriteTxn,
    restored: list[tuple[int, BackupRecord]],
    current: dict[int, dict[str, Any]],
    now: str,
    before_replacing: Callable[[], None] | None,
) -> list[int]:
    """Backup decisions win over the library's when they are newer (or the paper is new);
    returns the papers whose existing decisions were replaced."""
    ids = list(dict.fromkeys(pid for pid, _ in restored))
    old = {s.paper_id: s for s in load_states(txn.conn, ids)}
    wanted: dict[int, DecisionState] = {}
    stamps: dict[int, str] = {}
    for pid, item in restored:
        is_new = current[pid].get("_new", False)
        if not is_new and (item.decisions_at or "") <= (current[pid].get("decisions_at") or ""):
            continue
        wanted[pid] = DecisionState(
            paper_id=pid,
            status=item.status,
            starred=item.starred,
            rating=item.rating,
            note=item.note,
            tags=tuple(sorted(item.tags, key=str.casefold)),
            decided_at=item.decided_at,
        )
        stamps[pid] = item.decisions_at or now
    if not wanted:
        return []
    states = list(wanted.values())
    replacing = [
        s.paper_id
        for s in states
        if not current[s.paper_id].get("_new")
        and _decided(old[s.paper_id])
        and _decisions(old[s.paper_id]) != _decisions(s)
    ]
    if replacing and before_replacing is not None:
        before_replacing()
    written = write_states(txn.conn, states, [old[s.paper_id] for s in states], now)
    if not written:
        return []
    # Keep the backup's own decision clock so a second restore is a no-op, not a newer write.
    txn.conn.exec_driver_sql(
        "UPDATE paper SET decisions_at = ? WHERE id = ?", [(stamps[p], p) for p in written]
    )
    txn.touch(written)
    return [pid for pid in replacing if pid in set(written)]


def _decisions(state: DecisionState) -> tuple:
    return (state.status, state.starred, state.rating, state.note, state.tags)


def _decided(state: DecisionState) -> bool:
    """The paper carries a decision of the researcher's (anything beyond a new paper's)."""
    return bool(state.status != "new" or state.starred or state.rating or state.note or state.tags)
