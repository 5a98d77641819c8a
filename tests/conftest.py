"""Shared fixtures: every library, config and cache folder lives under tmp_path."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from triage_app.core.store import open_library

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SEED_AS_OF = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the real user data folder or settings."""
    monkeypatch.setenv("TRIAGE_APP_LIBRARY", str(tmp_path / "default-library"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def library(tmp_path: Path):

    lib = open_library(tmp_path / "lib")
    yield lib
    lib.close()
