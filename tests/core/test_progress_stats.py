"""The Progress view's numbers: decisions per local day, what is left, category and tag splits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SEED_AS_OF
from tests.perf.corpus import write_listing
from triage_app.core.ingest.importer import import_path
from triage_app.core.store import open_library
from triage_app.core.store.library import Library
from triage_app.core.triage import DecisionPatch, load_progress, mark

TODAY = date(2026, 12, 3)
PAPERS = 40


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("progress")
    listing = write_listing(root / "feed.txt", PAPERS, seed=3)
    with open_library(root / "lib") as library:
        assert import_path(library, listing, as_of=SEED_AS_OF).new == PAPERS
    return root / "lib"


@pytest.fixture
def lib(template: Path, tmp_path: Path):
    import shutil

    shutil.copytree(template, tmp_path / "lib")
    with open_library(tmp_path / "lib") as library:
        yield library


def decide(library: Library, ids: list[int], status: str, at: str) -> None:
    mark(library, ids, DecisionPatch(status=status))
    with library.write() as txn:
        for pid in ids:
            txn.conn.exec_driver_sql("UPDATE paper SET decided_at = ? WHERE id = ?", (at, pid))


def test_decisions_per_day_over_four_weeks(lib: Library) -> None:
    decide(lib, [1, 2, 3], "kept", "2026-12-03T09:00:00.000000+00:00")
    decide(lib, [4], "dismissed", "2026-12-03T10:00:00.000000+00:00")
    decide(lib, [5, 6], "dismissed", "2026-11-20T12:00:00.000000+00:00")
    decide(lib, [7], "kept", "2026-11-06T12:00:00.000000+00:00")  # day 1 of 28: shown
    decide(lib, [8], "kept", "2026-11-05T12:00:00.000000+00:00")  # the day before: not
    decide(lib, [9], "kept", "2026-12-03T11:00:00.000000+00:00")
    mark(lib, [9], DecisionPatch(status="new"))  # back in the Inbox: no decision
    stats = load_progress(lib, today=TODAY, tz=UTC)
    assert len(stats.days) == 28
    assert stats.days[0].day == date(2026, 11, 6)
    assert stats.days[-1].day == TODAY
    shown = {d.day: (d.kept, d.dismissed) for d in stats.days if d.decided}
    assert shown == {
        date(2026, 12, 3): (3, 1),
        date(2026, 11, 20): (0, 2),
        date(2026, 11, 6): (1, 0),
    }
    assert stats.decided_in_period == 7
    assert stats.per_day() == pytest.approx(7 / 28)
    assert (stats.inbox, stats.kept, stats.dismissed) == (PAPERS - 8, 5, 3)
    assert stats.total == PAPERS


def test_a_day_is_the_local_day(lib: Library) -> None:
    decide(lib, [1], "kept", "2026-12-02T23:30:00.000000+00:00")
    east = timezone(timedelta(hours=1))
    west = timezone(timedelta(hours=-5))
    assert load_progress(lib, today=TODAY, tz=east).days[-1].kept == 1
    assert load_progress(lib, today=TODAY, tz=UTC).days[-2].kept == 1
    assert load_progress(lib, today=TODAY, tz=west).days[-2].kept == 1


def test_categories_and_tags_split_by_status(lib: Library) -> None:
    stats = load_progress(lib, today=TODAY, tz=UTC, top=100)
    with lib.read() as conn:
        by_cat = dict(
            conn.exec_driver_sql(
                "SELECT coalesce(nullif(category, ''), '(none)'), count(*) FROM paper GROUP BY 1"
            ).all()
        )
    assert {s.name: s.total for s in stats.categories} == by_cat
    assert [s.total for s in stats.categories] == sorted(by_cat.values(), reverse=True)
    assert all(s.kept == s.dismissed == 0 for s in stats.categories)
    assert stats.tags == ()

    mark(lib, [1, 2, 3], DecisionPatch(add_tags=("to-read",)))
    mark(lib, [3], DecisionPatch(add_tags=("survey",)))
    mark(lib, [2], DecisionPatch(status="dismissed"))
    tags = {s.name: (s.new, s.kept, s.dismissed) for s in load_progress(lib, top=100).tags}
    assert tags == {"to-read": (2, 0, 1), "survey": (1, 0, 0)}


def test_past_the_top_the_rest_are_summed(lib: Library) -> None:
    for i in range(1, 16):
        mark(lib, list(range(1, i + 1)), DecisionPatch(add_tags=(f"t{i:02d}",)))
    tags = load_progress(lib, top=5).tags
    assert [s.name for s in tags] == ["t15", "t14", "t13", "t12", "11 others"]
    assert [s.total for s in tags] == [15, 14, 13, 12, sum(range(1, 12))]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.integers(1, PAPERS),
            st.sampled_from(["kept", "dismissed", "new"]),
            st.integers(-40 * 24 * 60, 24 * 60),  # minutes from the start of TODAY (UTC)
        ),
        max_size=30,
    ),
    st.integers(-11 * 4, 12 * 4),  # the zone's offset in quarter hours
)
def test_the_days_add_up(lib: Library, decisions, offset_quarters) -> None:
    start = datetime.combine(TODAY, datetime.min.time(), UTC)
    for pid, status, minutes in decisions:
        decide(lib, [pid], status, (start + timedelta(minutes=minutes)).isoformat())
    zone = timezone(timedelta(minutes=15 * offset_quarters))
    stats = load_progress(lib, today=TODAY, tz=zone)
    papers = lib.get_papers(lib.all_ids(), with_sources=False)
    first = TODAY - timedelta(days=27)
    expected = sum(
        1
        for p in papers
        if p.status != "new"
        and p.decided_at
        and first <= datetime.fromisoformat(p.decided_at).astimezone(zone).date() <= TODAY
    )
    assert stats.decided_in_period == expected
    assert sum(s.total for s in stats.categories) == stats.total == PAPERS
    assert stats.inbox == sum(p.status == "new" for p in papers)
    # Undo everything for the next example.
    mark(lib, lib.all_ids(), DecisionPatch(status="new"))


def test_a_stamp_with_another_offset_counts_on_its_local_day(lib: Library) -> None:
    """A restored backup may carry stamps written with another UTC offset."""
    decide(lib, [1], "kept", "2026-12-03T00:30:00+02:00")  # 22:30 UTC on Dec 2
    decide(lib, [2], "dismissed", "2026-12-03T09:00:00Z")
    decide(lib, [3], "kept", "2026-12-02T23:59:59.999999+00:00")
    days = {d.day: (d.kept, d.dismissed) for d in progress_stats_utc(lib).days if d.decided}
    assert days == {date(2026, 12, 2): (2, 0), date(2026, 12, 3): (0, 1)}


def progress_stats_utc(library: Library):
    return load_progress(library, today=TODAY, tz=UTC)
