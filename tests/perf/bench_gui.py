"""GUI benchmark (offscreen): start-up, triage-key latency, scrolling, memory, import stalls.

    QT_QPA_PLATFORM=offscreen python tests/perf/bench_gui.py --papers 100000 \
        --cache /tmp/bench-gui-100k --import-entries 20000 --json out.json

The library (and its search index) is built once into --cache through the real import
path, then copied for each run. The measurements run in a fresh child process so start-up
includes importing Qt. Figures are wall-clock on whatever machine runs it.
"""

from __future__ import annotations

import time

from triage_app.core.store import open_library

T0 = time.perf_counter()  # before Qt is imported: start-up counts from here

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

KEYS = ("j", "j", "k", "s", "3", "j", "a", "x", "k", "r", "1", "0", "j", "x")


def build(cache: Path, papers: int) -> None:
    """The template library with its index (skipped when --cache already holds it)."""
    if (cache / "library.sqlite").exists():
        return
    from tests.perf.corpus import build_library
    from triage_app.core.search.index import sync_index

    start = time.perf_counter()
    library = build_library(cache, papers)
    print(f"built {library.count()} papers in {time.perf_counter() - start:.0f} s", flush=True)
    start = time.perf_counter()
    sync_index(library)
    print(f"indexed in {time.perf_counter() - start:.0f} s", flush=True)
    library.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(
    folder: Path, settings: Path, import_entries: int, out: Path, startup_only: bool = False
) -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from triage_app.gui.latency import freeze_heap, prefer_ui_thread
    from triage_app.gui.main_window import MainWindow
    from triage_app.gui.settings import open_qsettings
    from triage_app.gui.theme import apply_theme

    prefer_ui_thread()  # as run_app does
    apply_theme(app, "light")
    library = open_library(folder)
    window = MainWindow(library, open_qsettings(settings))
    window.resize(1360, 860)
    window.show()
    freeze_heap()  # as run_app does
    window.activateWindow()
    app.processEvents()
    window.list_view.viewport().repaint()
    startup = time.perf_counter() - T0
    figures: dict[str, float] = {
        "papers": library.count(),
        "startup_s": startup,
        "rows_in_inbox": window.model.rowCount(),
    }
    assert window.list_view.current_row() == 0 and window.detail.record is not None
    if startup_only:
        figures["rss_mb_peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out.write_text(json.dumps(figures, indent=1))
        os._exit(0)  # the lanes' threads may still be warming up: not part of start-up

    def settle() -> None:
        while window.writer.busy or window.search_lane.busy or window.counts_pending():
            app.processEvents()
            time.sleep(0.001)

    # -- triage keys: from the key press to the reader showing the paper, painted
    view = window.list_view
    latencies = []
    for i in range(420):
        key = KEYS[i % len(KEYS)]
        start = time.perf_counter()
        QTest.keyClick(view, key)
        window.detail.repaint()
        latencies.append((time.perf_counter() - start) * 1000)
        if i % 14 == 13:
            settle()
    settle()
    figures |= {
        "key_ms_median": statistics.median(latencies),
        "key_ms_p99": percentile(latencies, 99),
        "key_ms_max": max(latencies),
        "keys": len(latencies),
    }

    # -- scrolling the whole Inbox a page at a time, each frame painted synchronously
    bar = view.verticalScrollBar()
    frames = []
    value = 0
    bar.setValue(0)
    while value < bar.maximum():
        value = min(bar.maximum(), value + bar.pageStep())
        start = time.perf_counter()
        bar.setValue(value)
        view.viewport().repaint()
        frames.append((time.perf_counter() - start) * 1000)
    figures |= {
        "scroll_frames": len(frames),
        "scroll_ms_median": statistics.median(frames),
        "scroll_ms_p99": percentile(frames, 99),
        "scroll_ms_max": max(frames),
        "rss_mb_after_scroll": rss_mb(),
    }

    # -- a big import on the writer lane: how long does the UI thread stall?
    if import_entries:
        from tests.perf.corpus import write_listing

        listing = write_listing(folder.parent / "import.txt", import_entries, seed=99)
        papers_before = library.count()
        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.nsecsElapsed()]

        def tick() -> None:
            now = clock.nsecsElapsed()
            gaps.append((now - last[0]) / 1e6)
            last[0] = now

        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(tick)
        timer.start()
        start = time.perf_counter()
        window.commands.import_paths([listing])
        keys_during = []
        while window.writer.busy:
            app.processEvents()
            if len(gaps) % 40 == 0 and view.hasFocus():
                t = time.perf_counter()
                QTest.keyClick(view, "j")
                keys_during.append((time.perf_counter() - t) * 1000)
            time.sleep(0.001)
        import_s = time.perf_counter() - start
        # A failed import (say, a broken install) would otherwise pass as a fast one.
        added = library.count() - papers_before
        assert added >= import_entries // 2, f"the import added {added} papers: it failed"
        import_gaps = list(gaps)
        gaps.clear()
        # the import's end started its index sync (on its own lane): stalls while it runs
        start = time.perf_counter()
        while window.index_lane.busy or window.timers_pending():
            app.processEvents()
            time.sleep(0.001)
        index_s = time.perf_counter() - start
        index_gaps = list(gaps)
        gaps.clear()
        # then the search service warms up for the new index (its columns, filter arrays)
        start = time.perf_counter()
        while window.search_lane.busy:
            app.processEvents()
            time.sleep(0.001)
        warm_s = time.perf_counter() - start
        timer.stop()
        figures |= {
            "import_entries": import_entries,
            "import_s": import_s,
            "import_ui_gap_ms_max": max(import_gaps),
            "import_ui_gap_ms_p99": percentile(import_gaps, 99),
            "import_keys_ms_max": max(keys_during) if keys_during else 0.0,
            "index_s": index_s,
            "index_ui_gap_ms_max": max(index_gaps) if index_gaps else 0.0,
            "index_ui_gap_ms_p99": percentile(index_gaps, 99) if index_gaps else 0.0,
            "warm_s": warm_s,
            "warm_ui_gap_ms_max": max(gaps) if gaps else 0.0,
            "warm_ui_gap_ms_p99": percentile(gaps, 99) if gaps else 0.0,
        }
    figures["rss_mb_peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    window.close()
    library.close()
    out.write_text(json.dumps(figures, indent=1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "triage-bench-gui-100k"
    )
    parser.add_argument("--import-entries", type=int, default=20_000)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--startup-only",
        action="store_true",
        help="measure the start-up (window shown and usable) and stop",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--settings", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.settings, args.import_entries, args.out, args.startup_only)
        return 0
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    build(args.cache, args.papers)
    with tempfile.TemporaryDirectory(prefix="bench-gui-") as tmp:
        work = Path(tmp) / "lib"
        shutil.copytree(args.cache, work)
        out = Path(tmp) / "figures.json"
        env = dict(os.environ, XDG_CONFIG_HOME=str(Path(tmp) / "config"))
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(work),
                "--settings",
                str(Path(tmp) / "window.ini"),
                "--out",
                str(out),
                "--import-entries",
                str(args.import_entries),
                *(["--startup-only"] if args.startup_only else []),
            ],
            check=True,
            env=env,
        )
        figures = json.loads(out.read_text())
    for name, value in figures.items():
        print(f"{name:28} {value:,.1f}" if isinstance(value, float) else f"{name:28} {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
