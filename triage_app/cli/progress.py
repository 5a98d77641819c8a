"""A progress bar on standard error for the long commands (import, reindex, export, fetch).

`with progress_bar(total, unit="papers", description="indexing") as bar:` gives a callable
`bar(done, total)` with the signature of the core's progress callbacks, so a command passes
it straight to `import_path`, `sync_index`, `rebuild_index` or `export_papers`. The bar
(counts, rate, time left) is drawn only when standard error is a terminal; otherwise `bar`
does nothing and the command prints exactly what it printed before.

tqdm draws it: one small pure-Python package that computes rate and time left, redraws
at most ten times a second and adapts to the terminal's width; it is imported only when a
bar is drawn, so `--help` and scripts never load it. (rich draws finer bars but takes
several times as long to import and brings its own console layer.)
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

REFRESH_S = 1.0  # the bar is redrawn at least this often, so its clock never stalls


class Progress:
    """`bar(done, total=None)`: the position (absolute, as the core reports it); `total`
    may change as the work learns its size. `advance(n)` moves on by n; `describe(text)`
    renames the bar (e.g. a second phase)."""

    def __init__(self, bar: Any = None) -> None:
        self._bar = bar

    @property
    def drawn(self) -> bool:
        return self._bar is not None

    def __call__(self, done: int, total: int | None = None) -> None:
        bar = self._bar
        if bar is None:
            return
        if total is not None and total != bar.total:
            bar.total = total
        if done != bar.n:
            bar.update(done - bar.n)

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def describe(self, text: str) -> None:
        if self._bar is not None:
            self._bar.set_description_str(text)


def wants_bar(stream: IO[str] | None = None) -> bool:
    """True when `stream` (standard error by default) is a terminal."""
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):  # closed or replaced by an object without isatty
        return False


@contextmanager
def progress_bar(
    total: int | None,
    *,
    unit: str = " papers",
    description: str = "",
    enabled: bool = True,
    unit_scale: bool = False,
    stream: IO[str] | None = None,
) -> Iterator[Progress]:
    """A bar on `stream` (standard error) while the block runs, when it is a terminal and
    `enabled` (a command's --quiet passes False). `unit_scale` shows 1.2M (unit="B" for bytes)."""
    stream = sys.stderr if stream is None else stream
    if not (enabled and wants_bar(stream)):
        yield Progress()
        return
    try:
        from tqdm import tqdm  # type: ignore[import-untyped]  # no stubs: typed as Any
    except ModuleNotFoundError:  # a stripped install: the command still works, without a bar
        yield Progress()
        return
    sized = _has_size(stream)
    bar = tqdm(
        total=total or None,
        unit=unit,
        unit_scale=unit_scale,
        unit_divisor=1024 if unit_scale else 1000,
        desc=description,
        file=stream,
        # Follow the terminal's size; a pseudo-terminal that reports none (0 x 0: `script`,
        # some CI runners) gets 80 x 24, since tqdm draws nothing on a screen of 0 rows.
        dynamic_ncols=sized,
        ncols=None if sized else 80,
        nrows=None if sized else 24,
        leave=True,
    )
    # A phase that reports nothing for a while (Whoosh's final merge of a big index takes
    # a minute after the last document) still shows its clock running.
    stop = threading.Event()
    ticker = threading.Thread(target=_tick, args=(bar, stop), daemon=True)
    ticker.start()
    try:
        yield Progress(bar)
    finally:
        stop.set()
        ticker.join()
        bar.close()


def _tick(bar: Any, stop: threading.Event) -> None:
    while not stop.wait(REFRESH_S):
        bar.refresh()


def _has_size(stream: IO[str]) -> bool:
    import os

    try:
        size = os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return False
    return size.columns > 0 and size.lines > 0
