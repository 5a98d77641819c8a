"""Fixtures of the core tests: a seeded, indexed library (`lib`), built once a module
(`template`) and copied for each test; a test module may define its own `lib`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_support import seed_template
from triage_app.core.search.index import sync_index
from triage_app.core.store import open_library


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = seed_template(tmp_path_factory)
    sync_index(library)
    library.close()
    return library.folder


@pytest.fixture
def lib(template: Path, tmp_path: Path):
    folder = tmp_path / "copy"
    shutil.copytree(template, folder)
    library = open_library(folder)
    yield library
    library.close()
