"""Helpers shared by test modules (not fixtures: plain functions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED_AS_OF
from tests.data import LISTINGS
from triage_app.core.ingest.importer import import_path
from triage_app.core.store import open_library
from triage_app.core.store.library import Library

SEED_FILES = ("002_e1e6b264440ae296.txt", "003_fa884e0c8d87af1f.txt", "004_b89f686bb3a49483.txt")


def seed_library(folder: Path) -> Library:
    """A library holding the 64 papers of the three real seed listings (tests/data)."""
    library = open_library(folder)
    for name in SEED_FILES:
        report = import_path(library, LISTINGS / name, as_of=SEED_AS_OF)
        assert report.refused is None and report.skipped == 0, report.summary()
    return library


def seed_template(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """A seed library in a module-scoped folder, for a template fixture."""
    return seed_library(tmp_path_factory.mktemp("seed") / "lib")
