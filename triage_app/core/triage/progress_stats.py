"""The numbers of the Progress view: decisions per day, what is left, the split by category
and by tag. Qt-free: the window draws them, tests check them.

A paper's decision day is the local day of its `decided_at` (when its status last left
`new`): a paper decided twice counts on the later day, one sent back to the Inbox not at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from triage_app.core.store import Library

DAYS = 28  # four weeks of bars
TOP = 12  # categories and tags shown; the rest are summed as "other"


@dataclass(frozen=True)
class DayCount:
    day: date
    kept: int
    dismissed: int

    @property
    def decided(self) -> int:
        return self.kept + self.dismissed


@dataclass(frozen=True)
class Split:
    """One category or tag: its papers still in the Inbox, kept and dismissed."""

    name: str
    new: int
    kept: int
    dismissed: int

    @property
    def total(self) -> int:
        return self.new + self.kept + self.dismissed


@dataclass(frozen=True)
class ProgressStats:
    days: tuple[DayCount, ...]  # oldest first, `today` last, one per day
    inbox: int
    kept: int
    dismissed: int
    categories: tuple[Split, ...]  # most papers first
    tags: tuple[Split, ...]

    @property
    def total(self) -> int:
        return self.inbox + self.kept + self.dismissed

    @property
    def decided_in_period(self) -> int:
        return sum(d.decided for d in self.days)

    def per_day(self) -> float:
        """The average of decisions a day over the days shown."""
        return self.decided_in_period / len(self.days) if self.days else 0.0


def load_progress(
    library: Library,
    *,
    today: date | None = None,
    days: int = DAYS,
    tz: tzinfo | None = None,
    top: int = TOP,
) -> ProgressStats:
    """The Progress view's numbers for the `days` days up to `today` (local days in `tz`,
    default the machine's own zone)."""
    zone = tz or datetime.now().astimezone().tzinfo or UTC
    today = today or datetime.now(zone).date()
    first = today - timedelta(days=days - 1)
    # A day's decisions lie within a day of its UTC date: read only those rows.
    since = datetime.combine(first - timedelta(days=1), datetime.min.time(), UTC).isoformat()
    per_day: dict[date, Counter[str]] = {}

    def count(day: date | None, status: str, n: int) -> None:
        if day is not None and first <= day <= today:
            per_day.setdefault(day, Counter())[status] += n

    with library.read() as conn:
        # Our own stamps are UTC (`+00:00`): SQLite counts them by quarter hour (every
        # zone's offset is whole quarters), so 50,000 decisions are ~2,700 rows, not 50,000
        # parsed in Python; a stamp with another offset (a restored backup's) is its own row.
        for status, stamp, n in conn.exec_driver_sql(
            "SELECT status, CASE WHEN decided_at LIKE '%+00:00' THEN substr(decided_at, 1, 14) "
            "|| printf('%02d', CAST(substr(decided_at, 15, 2) AS INTEGER) / 15 * 15) "
            "|| ':00+00:00' ELSE decided_at END, count(*) FROM paper "
            "WHERE status != 'new' AND decided_at >= ? GROUP BY 1, 2",
            (since[:10],),
        ):
            count(_local_day(stamp, zone), str(status), int(n))
        by_status: dict[str, int] = {
            str(status): int(n)
            for status, n in conn.exec_driver_sql(
                "SELECT status, count(*) FROM paper GROUP BY status"
            )
        }
        categories = conn.exec_driver_sql(
            "SELECT coalesce(nullif(category, ''), '(none)'), status, count(*) FROM paper "
            "GROUP BY 1, status"
        ).all()
        tags = conn.exec_driver_sql(
            "SELECT t.name, p.status, count(*) FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id "
            "JOIN paper p ON p.id = pt.paper_id GROUP BY t.id, p.status"
        ).all()
    return ProgressStats(
        days=tuple(
            DayCount(d, per_day.get(d, Counter())["kept"], per_day.get(d, Counter())["dismissed"])
            for d in (first + timedelta(days=i) for i in range(days))
        ),
        inbox=int(by_status.get("new", 0)),
        kept=int(by_status.get("kept", 0)),
        dismissed=int(by_status.get("dismissed", 0)),
        categories=_splits(categories, top),
        tags=_splits(tags, top),
    )


def _local_day(stamp: str | None, zone: tzinfo) -> date | None:
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


def _splits(rows: Iterable[Sequence[Any]], top: int) -> tuple[Split, ...]:
    """(name, status, count) rows -> one Split a name, most papers first (then by name);
    past `top`, the rest are summed into "other"."""
    counts: dict[str, Counter[str]] = {}
    for name, status, n in rows:
        counts.setdefault(str(name), Counter())[str(status)] += int(n)
    splits = sorted(
        (Split(name, c["new"], c["kept"], c["dismissed"]) for name, c in counts.items()),
        key=lambda s: (-s.total, s.name.casefold()),
    )
    if len(splits) <= top:
        return tuple(splits)
    rest = splits[top - 1 :]
    other = Split(
        f"{len(rest)} others",
        sum(s.new for s in rest),
        sum(s.kept for s in rest),
        sum(s.dismissed for s in rest),
    )
    return (*splits[: top - 1], other)
