"""Triage pace: papers decided per minute over the last few minutes of this session."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

WINDOW_S = 600.0  # the last ten minutes: a coffee break does not drag the rate for an hour
MIN_SPAN_S = 30.0  # three quick keys do not read as 360 papers a minute


def local_midnight_utc_iso(now: datetime | None = None) -> str:
    """Today's local midnight as a UTC ISO string, comparable with `paper.decided_at`."""
    now = now or datetime.now().astimezone()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(UTC).isoformat(timespec="microseconds")


class PaceTracker:
    """Counts decisions as they are made; `per_minute()` over a sliding window."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._events: deque[tuple[float, int]] = deque()
        self._started: float | None = None

    def record(self, papers: int = 1) -> None:
        if papers <= 0:
            return
        now = self._clock()
        if self._started is None:
            self._started = now
        self._events.append((now, papers))
        self._trim(now)

    def per_minute(self) -> float:
        now = self._clock()
        self._trim(now)
        if not self._events or self._started is None:
            return 0.0
        span = now - max(self._started, now - WINDOW_S)
        return sum(n for _, n in self._events) * 60.0 / max(span, MIN_SPAN_S)

    def _trim(self, now: float) -> None:
        while self._events and self._events[0][0] < now - WINDOW_S:
            self._events.popleft()
