"""Repainting the paper list, with the UI thread alone and beside a thread running Python.

    QT_QPA_PLATFORM=offscreen python tests/perf/bench_repaint.py --papers 2000 --json out.json

Every call from Qt's painting into the model's Python code takes the GIL. When a
background thread runs Python (a search, the search's warm-up, a view load), each such
call may wait for it, so a repaint costs about what it calls into Python, not what it
computes. The figures: the median and worst of 30 synchronous repaints, wall and UI-thread
CPU, and the calls into Python a repaint makes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--repaints", type=int, default=30)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from tests.perf.corpus import build_library
    from triage_app.gui.main_window import MainWindow
    from triage_app.gui.settings import open_qsettings
    from triage_app.gui.theme import apply_theme

    app = QApplication(sys.argv[:1])
    apply_theme(app, "light")
    with tempfile.TemporaryDirectory() as tmp:
        library = build_library(Path(tmp) / "lib", args.papers)
        window = MainWindow(library, open_qsettings(Path(tmp) / "window.ini"))
        window.resize(1360, 860)
        window.show()
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline and (
            window.search_lane.busy or window.index_lane.busy or window.timers_pending()
        ):
            app.processEvents()
            time.sleep(0.005)
        app.processEvents()
        viewport = window.list_view.viewport()
        figures: dict[str, float] = {"papers": library.count()}
        calls = count_calls(window.model, viewport.repaint)
        figures["python_calls_per_repaint"] = calls
        for name, busy in (("alone", False), ("beside_python", True)):
            walls, cpus = timed_repaints(viewport.repaint, args.repaints, busy)
            figures[f"{name}_ms_median"] = statistics.median(walls)
            figures[f"{name}_ms_max"] = max(walls)
            figures[f"{name}_cpu_ms_median"] = statistics.median(cpus)
        window.close()
        library.close()
    print(json.dumps({k: round(v, 1) for k, v in figures.items()}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    os._exit(0)  # the window's lanes may still be winding down


def count_calls(model: object, repaint) -> int:
    """Calls from Qt into the model's Python methods during one repaint."""
    calls = 0
    own = {name for name in vars(type(model)) if not name.startswith("__")}

    def profile(frame, event, _arg) -> None:
        nonlocal calls
        # A call from C++ has no caller among the model's own methods.
        if (
            event == "call"
            and frame.f_code.co_name in own
            and (frame.f_back is None or frame.f_back.f_code.co_name not in own)
        ):
            calls += 1

    sys.setprofile(profile)
    try:
        repaint()
    finally:
        sys.setprofile(None)
    return calls


def timed_repaints(repaint, n: int, busy: bool) -> tuple[list[float], list[float]]:
    stop = threading.Event()

    def spin() -> None:  # pure Python, as a search's scoring or a warm-up would be
        x = 0
        while not stop.is_set():
            x += 1

    thread = threading.Thread(target=spin, daemon=True)
    if busy:
        thread.start()
    walls, cpus = [], []
    try:
        for _ in range(n):
            start, cpu = time.perf_counter(), time.thread_time()
            repaint()
            walls.append((time.perf_counter() - start) * 1000)
            cpus.append((time.thread_time() - cpu) * 1000)
    finally:
        stop.set()
        if busy:
            thread.join()
    return walls, cpus


if __name__ == "__main__":
    main()
