"""Feed subscriptions and fetching, against a local server of recorded feeds (no internet):
HTTP caching, politeness, one-line failures, and a feed fetched twice adding nothing."""

from __future__ import annotations

import socket
from datetime import date

import pytest

from tests.data import FOREIGN
from tests.feed_server import feed_server
from triage_app.core.ingest import (
    PoliteFetcher,
    add_subscription,
    daily_fetch_due,
    feed_url,
    fetch_feeds,
    load_subscriptions,
    remove_subscription,
    set_daily,
)
from triage_app.core.ingest.http_fetch import FetchError, user_agent
from triage_app.core.store.library import Library

API = (FOREIGN / "arxiv_api.xml").read_bytes()
RSS = (FOREIGN / "arxiv_rss_cs_ai.xml").read_bytes()


def papers(library: Library) -> int:
    with library.read() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM paper").scalar() or 0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_categories_and_urls_become_subscriptions(library: Library) -> None:
    assert feed_url("cs.CL") == "https://rss.arxiv.org/atom/cs.CL"
    assert feed_url("math.CO") == "https://rss.arxiv.org/atom/math.CO"
    assert feed_url("https://example.org/x.bib") == "https://example.org/x.bib"
    with pytest.raises(ValueError, match="neither an arXiv category"):
        feed_url("ftp://x")
    add_subscription(library, "cs.CL")
    add_subscription(library, "cs.CL")  # once
    add_subscription(library, "https://example.org/feed.xml")
    assert [s.name for s in load_subscriptions(library)] == [
        "cs.CL",
        "https://example.org/feed.xml",
    ]
    assert remove_subscription(library, "cs.CL") is True
    assert remove_subscription(library, "cs.CL") is False
    assert [s.name for s in load_subscriptions(library)] == ["https://example.org/feed.xml"]


def test_a_feed_fetched_twice_adds_nothing_and_costs_nothing(library: Library) -> None:
    with feed_server() as server:
        server.feeds["/api"] = API
        server.feeds["/rss"] = RSS
        add_subscription(library, server.url("/api"))
        add_subscription(library, server.url("/rss", host="localhost"))
        first = fetch_feeds(library)
        assert [r.line() for r in first] == [
            f"{server.url('/api')}: 3 new, 0 merged, 0 already known, 0 skipped",
            f"{server.url('/rss', 'localhost')}: 2 new, 0 merged, 0 already known, 0 skipped",
        ]
        second = fetch_feeds(library)
        assert [r.not_modified for r in second] == [True, True]
        assert server.statuses == [200, 200, 304, 304]
        assert papers(library) == 5
        # The next day's answer differs in its envelope only: new bytes, the same papers.
        server.feeds["/api"] = API.replace(b"2015-08-16", b"2015-08-17")
        (third,) = fetch_feeds(library, only=[server.url("/api")])
        assert third.import_report is not None
        assert (third.import_report.new, third.import_report.merged) == (0, 3)
        assert papers(library) == 5
    agents = {headers.get("User-Agent") for _, headers in server.requests}
    assert agents == {user_agent()} and user_agent().startswith("triage-app/")
    validators = [h.get("If-None-Match") for _, h in server.requests]
    assert validators[:2] == [None, None] and all(validators[2:])


def test_a_failing_source_is_one_line_and_the_others_are_kept(library: Library) -> None:
    dead = f"http://127.0.0.1:{free_port()}/gone"
    with feed_server() as server:
        server.feeds["/api"] = API
        add_subscription(library, dead)
        add_subscription(library, server.url("/missing", host="localhost"))
        add_subscription(library, server.url("/api"))
        reports = fetch_feeds(library)
    lines = [r.line() for r in reports]
    assert lines[0].startswith(f"{dead}: failed: cannot reach 127.0.0.1: ")
    assert lines[1] == f"{server.url('/missing', 'localhost')}: failed: HTTP 404 Not Found"
    assert lines[2].endswith(": 3 new, 0 merged, 0 already known, 0 skipped")
    assert all("\n" not in line for line in lines)
    assert papers(library) == 3
    subs = {s.url: s for s in load_subscriptions(library)}
    assert subs[dead].etag is None and subs[dead].last_result == lines[0]
    assert subs[server.url("/api")].etag is not None


def test_requests_to_one_host_are_three_seconds_apart() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    fetcher = PoliteFetcher(clock=lambda: now[0], sleep=sleep)
    with feed_server() as server:
        server.feeds["/a"] = API
        fetcher.fetch(server.url("/a"))
        now[0] += 1.0
        fetcher.fetch(server.url("/a"))
        fetcher.fetch(server.url("/a", host="localhost"))  # another host: no wait
    assert slept == [pytest.approx(2.0)]


def test_only_http_urls_are_fetched() -> None:
    with pytest.raises(FetchError, match="not an http"):
        PoliteFetcher().fetch("file:///etc/passwd")


def test_the_daily_fetch_runs_once_a_day_when_enabled(library: Library) -> None:
    assert daily_fetch_due(library) is False  # off, and nothing to fetch
    with feed_server() as server:
        server.feeds["/api"] = API
        add_subscription(library, server.url("/api"))
        set_daily(library, True)
        assert daily_fetch_due(library) is True
        fetch_feeds(library)
    assert daily_fetch_due(library) is False
    assert daily_fetch_due(library, today=date(2999, 1, 1)) is True
    set_daily(library, False)
    assert daily_fetch_due(library, today=date(2999, 1, 1)) is False
