"""`triage-app feeds` and `triage-app fetch` through the real entry point, against a local
server of recorded feeds."""

from __future__ import annotations

from pathlib import Path

from tests.cli.run import triage
from tests.data import FOREIGN
from tests.feed_server import feed_server


def test_subscribe_fetch_twice_and_a_failing_feed(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    with feed_server() as server:
        server.feeds["/api"] = (FOREIGN / "arxiv_api.xml").read_bytes()
        api, missing = server.url("/api"), server.url("/nope", host="localhost")
        added = triage("feeds", "add", api, missing, library=lib)
        assert added.returncode == 0, added.stderr
        assert added.stdout.splitlines() == [
            f"subscribed: {api} ({api})",
            f"subscribed: {missing} ({missing})",
        ]
        first = triage("fetch", library=lib)
        assert first.returncode == 1, first.stderr
        assert first.stdout.splitlines() == [f"{api}: 3 new, 0 merged, 0 already known, 0 skipped"]
        assert first.stderr.splitlines() == [f"triage-app: {missing}: failed: HTTP 404 Not Found"]
        again = triage("fetch", api, library=lib)
        assert (again.returncode, again.stdout.strip()) == (
            0,
            f"{api}: not modified since the last fetch",
        )
    listed = triage("feeds", "list", library=lib)
    assert listed.stdout.splitlines()[-1] == "2 subscriptions; daily fetch at start-up: off"
    assert "Traceback" not in first.stderr + again.stderr + listed.stderr


def test_fetch_without_feeds_and_a_bad_subscription(tmp_path: Path) -> None:
    none = triage("fetch", library=tmp_path / "lib")
    assert none.returncode == 2
    assert "no feeds to fetch: add one with `triage-app feeds add cs.CL`" in none.stderr
    bad = triage("feeds", "add", "not a feed", library=tmp_path / "lib")
    assert bad.returncode == 2
    assert "is neither an arXiv category" in bad.stderr
    daily = triage("feeds", "daily", "on", library=tmp_path / "lib")
    assert daily.stdout.strip() == "daily fetch at start-up: on"
