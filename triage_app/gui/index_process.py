"""Index in a child process: `python -m triage_app.gui.index_process LIBRARY_DIR`.

Whoosh holds the GIL for whole seconds while it sorts a big batch of postings (measured:
one `sorted()` call of 0.7 s for 2,000 papers), which froze the window when indexing ran
on a thread. A child process has its own GIL. It prints `progress DONE TOTAL` lines and
`done INDEXED` at the end; killing it is a safe cancel (the next sync starts over).
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from triage_app.core.search_index import sync_index
    from triage_app.core.store import Library

    def progress(done: int, total: int) -> None:
        print(f"progress {done} {total}", flush=True)

    with Library.open(Path(argv[0]), create=False) as library:
        report = sync_index(library, progress=progress)
    print(f"done {report.indexed}", flush=True)
    return 0


if __name__ == "__main__":
    from triage_app.gui.background_priority import lower_priority

    lower_priority()
    raise SystemExit(main(sys.argv[1:]))
