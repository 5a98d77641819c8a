"""The real window (`run_app`) in its own process, driven by a timer so a test can kill it.

`python gui_driver.py note LIBRARY`: types a note into the first paper, prints
`committed ID` once the note is in the store, then keeps typing until killed.
`python gui_driver.py import LIBRARY LISTING`: starts an import from the window, prints
`importing` once its first batch is committed, then waits to be killed.
`python gui_driver.py open LIBRARY`: prints `shown N` (N rows in the list) and quits (exit 0).
`python gui_driver.py import-finish LIBRARY LISTING`: as `import`, then prints `imported N`
(papers in the store) when the window's import is done, and quits.
`python gui_driver.py notes LIBRARY K`: writes notes `gui note 1`..`K` into the first paper,
each after the previous one is in the store; prints `notes done ID` and quits.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

TYPED = "months of judgement <b>not bold</b>"  # QTest types ASCII only
PASTED = " ✓ עברית 🧪"
NOTE = TYPED + PASTED


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from triage_app.gui.app import run_app
    from triage_app.gui.main_window import MainWindow

    mode, library = sys.argv[1], Path(sys.argv[2])
    app = QApplication(sys.argv[:1])
    state: dict[str, object] = {}

    def say(message: str) -> None:
        print(message, flush=True)

    def query(sql: str, *args: object) -> object:
        conn = sqlite3.connect(library / "library.sqlite", timeout=10)
        try:
            return conn.execute(sql, args).fetchone()[0]
        finally:
            conn.close()

    def tick() -> None:
        window = next(
            (w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None
        )
        if window is None or window.model.rowCount() == 0 or window.list_view.current_row() < 0:
            return
        if mode == "open":
            say(f"shown {window.model.rowCount()}")
            app.quit()
        elif mode == "note":
            if "pid" not in state:
                state["pid"] = window.model.paper_id(window.list_view.current_row())
                window.detail.note.setFocus()
                QTest.keyClicks(window.detail.note, TYPED)
                window.detail.note.insertPlainText(PASTED)
            elif "said" not in state:
                if query("SELECT note FROM paper WHERE id = ?", state["pid"]) == NOTE:
                    state["said"] = True
                    say(f"committed {state['pid']}")
            else:
                QTest.keyClicks(window.detail.note, "x")  # still typing when the kill comes
        elif mode in ("import", "import-finish"):
            if "before" not in state:
                state["before"] = query("SELECT count(*) FROM paper")
                window.commands.import_paths([Path(sys.argv[3])])
            elif "said" not in state and query("SELECT count(*) FROM paper") > state["before"]:
                state["said"] = True
                say("importing")
            elif "said" in state and mode == "import-finish" and not window.writer.busy:
                say(f"imported {query('SELECT count(*) FROM paper')}")
                app.quit()
        elif mode == "notes":
            if "pid" not in state:
                state["pid"], state["k"] = window.model.paper_id(window.list_view.current_row()), 0
            note = f"gui note {state['k']}"
            if (
                state["k"] == 0
                or query("SELECT note FROM paper WHERE id = ?", state["pid"]) == note
            ):
                if state["k"] == int(sys.argv[3]):
                    say(f"notes done {state['pid']}")
                    app.quit()
                    return
                state["k"] = int(state["k"]) + 1  # type: ignore[call-overload]
                window.detail.note.setFocus()
                window.detail.note.selectAll()
                QTest.keyClicks(window.detail.note, f"gui note {state['k']}")

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(50)
    return run_app(library)


if __name__ == "__main__":
    raise SystemExit(main())
