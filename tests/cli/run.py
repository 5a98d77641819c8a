"""Run the real `triage-app` entry point in a subprocess, as a script or shell would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def triage(
    *args: str,
    library: Path | None = None,
    stdin: str | bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "triage_app"]
    if library is not None:
        cmd += ["--library", str(library)]
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run(
        [*cmd, *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        cwd=REPO,
        env=full_env,
        text=not isinstance(stdin, bytes),
    )
