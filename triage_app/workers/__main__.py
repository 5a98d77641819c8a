"""`python -m triage_app.workers TASK ARGS...` (or `triage-app --worker TASK ARGS...` in the
desktop bundle): run one child task at a lower CPU priority, errors as one protocol line."""

from __future__ import annotations

import sys

from triage_app.workers import main

raise SystemExit(main(sys.argv[1:]))
