"""The wheel carries everything the app needs and works from a clean venv outside the tree.

Builds the wheel from a copy of the source (so no build/ or egg-info lands in the tree),
installs it with its dependencies from the package index into a fresh venv, and runs the
installed `triage-app` from a folder outside the source tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The user's pip cache, read before conftest points XDG_CACHE_HOME into tmp_path: a warm
# cache turns the dependency install from a download of PySide6 into an unpack.
PIP_CACHE = os.environ.get("PIP_CACHE_DIR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pip"
)
SOURCE_PARTS = ("pyproject.toml", "README.md", "LICENSE", "COPYING", "triage_app", "resources")
DEMO_SUMMARIES = [
    "feed-sample-a.txt: 8 new, 0 merged, 0 already known, 0 skipped",
    "feed-sample-b.txt: 48 new, 2 merged, 0 already known, 0 skipped",
    "abstracts-sample.txt: 8 new, 2 merged, 0 already known, 0 skipped",
]

pytestmark = pytest.mark.slow


def copy_source(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    dest.mkdir()
    for part in SOURCE_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, dest / part)
    return dest


def expected_wheel_files() -> set[str]:
    """Every module of the package and every resource, at its installed path."""

    def files(root: Path, prefix: str) -> set[str]:
        return {
            f"{prefix}/{p.relative_to(root).as_posix()}"
            for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        }

    # Screenshots illustrate the README; the running app never reads them.
    resources = {
        f
        for f in files(REPO / "resources", "triage_app/resources")
        if not f.startswith("triage_app/resources/screenshots/")
    }
    return files(REPO / "triage_app", "triage_app") | resources


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> str:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_wheel_installs_and_runs_in_a_clean_venv(tmp_path: Path) -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PIP_CACHE_DIR=PIP_CACHE, QT_QPA_PLATFORM="offscreen")

    src = copy_source(tmp_path / "src")
    dist = tmp_path / "dist"
    run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(src)],
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    (wheel,) = dist.glob("triage_app-*.whl")
    assert wheel.name == f"triage_app-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as zf:
        shipped = {n for n in zf.namelist() if not n.startswith("triage_app-")}
    assert shipped == expected_wheel_files()

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, env=env, timeout=120)
    py, app = venv / "bin" / "python", venv / "bin" / "triage-app"
    run([str(py), "-m", "pip", "install", "-q", str(wheel)], cwd=tmp_path, env=env, timeout=900)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    located = run(
        [str(py), "-c", "import triage_app; print(triage_app.__file__)"],
        cwd=elsewhere,
        env=env,
        timeout=60,
    )
    assert Path(located.strip()).is_relative_to(venv)

    assert run([str(app), "--version"], cwd=elsewhere, env=env, timeout=60) == (
        f"triage-app {version}\n"
    )
    library = tmp_path / "lib"
    out = run(
        [str(app), "--library", str(library), "demo", "--no-gui"],
        cwd=elsewhere,
        env=env,
        timeout=300,
    ).splitlines()
    assert [line.rsplit("/", 1)[-1] for line in out[:-1]] == DEMO_SUMMARIES
    assert out[-1] == f"demo library: {library} (64 papers)"
