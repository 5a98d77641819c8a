"""Fetching a feed over HTTP politely: conditional requests, one host at a time.

Every request names the app in its User-Agent, waits at least MIN_INTERVAL seconds after
the previous request to the same host (arXiv asks for 3 s between requests), sends the
ETag and Last-Modified it was given last time (a 304 answer costs nothing and changes
nothing), stops at MAX_BYTES and at TIMEOUT seconds, and turns every failure into one
short sentence (`FetchError`), never a traceback.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

MIN_INTERVAL = 3.0
TIMEOUT = 30.0
MAX_BYTES = 32 << 20
ACCEPT = "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5"


def user_agent() -> str:
    from triage_app import __version__

    return f"triage-app/{__version__} (desktop paper triage; feed reader; polite: 1 request/3 s)"


class FetchError(Exception):
    """A source could not be fetched; the message is one line for the report."""


@dataclass(frozen=True)
class Fetched:
    status: int  # 200, or 304 when nothing changed since the validators given
    body: bytes
    etag: str | None
    last_modified: str | None


class PoliteFetcher:
    """One per fetch run: remembers when it last asked each host."""

    def __init__(
        self,
        *,
        min_interval: float = MIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = TIMEOUT,
    ) -> None:
        self.min_interval = min_interval
        self.clock = clock
        self.sleep = sleep
        self.timeout = timeout
        self._last: dict[str, float] = {}

    def _wait_for(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = last + self.min_interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last[host] = self.clock()

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"not an http(s) URL: {url}")
        self._wait_for(parts.hostname)
        headers = {"User-Agent": user_agent(), "Accept": ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = urllib.request.Request(url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(MAX_BYTES + 1)
                if len(body) > MAX_BYTES:
                    raise FetchError(f"answer larger than {MAX_BYTES >> 20} MiB")
                return Fetched(
                    200,
                    body,
                    response.headers.get("ETag"),
                    response.headers.get("Last-Modified"),
                )
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return Fetched(304, b"", etag, last_modified)
            raise FetchError(f"HTTP {exc.code} {exc.reason}") from exc
        except urllib.error.URLError as exc:
            raise FetchError(f"cannot reach {parts.hostname}: {_reason(exc.reason)}") from exc
        except TimeoutError as exc:
            raise FetchError(f"no answer from {parts.hostname} in {self.timeout:g} s") from exc
        except OSError as exc:
            raise FetchError(f"{parts.hostname}: {_reason(exc)}") from exc


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return " ".join(str(reason).split())[:200]
