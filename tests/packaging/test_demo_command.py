"""`triage-app demo --no-gui`: where the samples go, and that loading them twice is harmless."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage_app.cli.main import main
from triage_app.core.ingest.demo import DEMO_LIBRARY_NAME, demo_target, holds_own_papers
from triage_app.core.store import open_library

DEMO_PAPERS = 64
# One paper of the user's own, in the scored-feed format of the bundled samples.
OWN_LISTING = (
    "AINov 20\n"
    "Counting Sheep at Scale: A Field GuideAda Lovelace, Charles Babbage\n"
    "We count sheep with a difference engine and report the error bars.\n"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    assert main(list(argv)) == 0
    return capsys.readouterr().out.splitlines()


def count(folder: Path) -> int:
    with open_library(folder) as library:
        return library.count()


def test_demo_twice_into_the_empty_default_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    default = tmp_path / "default-library"  # TRIAGE_APP_LIBRARY, set by conftest
    first = run(capsys, "demo", "--no-gui")
    assert first[-1] == f"demo library: {default} ({DEMO_PAPERS} papers)"
    assert [line.rsplit("/", 1)[-1] for line in first[:-1]] == [
        "feed-sample-a.txt: 8 new, 0 merged, 0 already known, 0 skipped",
        "feed-sample-b.txt: 48 new, 2 merged, 0 already known, 0 skipped",
        "abstracts-sample.txt: 8 new, 2 merged, 0 already known, 0 skipped",
    ]
    second = run(capsys, "demo", "--no-gui")
    assert second[-1] == f"demo library: {default} ({DEMO_PAPERS} papers)"
    assert all("nothing changed" in line for line in second[:-1]), second
    assert count(default) == DEMO_PAPERS
    assert not (tmp_path / DEMO_LIBRARY_NAME).exists()


def test_demo_leaves_a_default_library_with_own_papers_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    default = tmp_path / "default-library"
    own = tmp_path / "mine.txt"
    own.write_text(OWN_LISTING, encoding="utf-8")
    run(capsys, "import", str(own), "--as-of", "2026-11-24")
    assert count(default) == 1

    for _ in range(2):
        out = run(capsys, "demo", "--no-gui")
        assert out[-1] == f"demo library: {tmp_path / DEMO_LIBRARY_NAME} ({DEMO_PAPERS} papers)"
    assert count(default) == 1
    assert count(tmp_path / DEMO_LIBRARY_NAME) == DEMO_PAPERS


def test_demo_goes_aside_once_own_papers_join_the_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    default = tmp_path / "default-library"
    run(capsys, "demo", "--no-gui")
    with open_library(default) as library:
        assert not holds_own_papers(library)
    own = tmp_path / "mine.txt"
    own.write_text(OWN_LISTING, encoding="utf-8")
    run(capsys, "import", str(own), "--as-of", "2026-11-24")
    with open_library(default) as library:
        assert holds_own_papers(library)
    assert demo_target(default) == tmp_path / DEMO_LIBRARY_NAME


def test_explicit_library_is_used_as_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = tmp_path / "chosen"
    out = run(capsys, "--library", str(chosen), "demo", "--no-gui")
    assert out[-1] == f"demo library: {chosen} ({DEMO_PAPERS} papers)"
    assert not (tmp_path / "default-library").exists()
