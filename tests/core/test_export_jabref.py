"""The BibTeX export through JabRef's own command line (Debian's JabRef 3.8.2, headless):
its search finds every rating and star, and a file it has re-written keeps every title,
author, tag, rating, star and decision."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pytest

from tests.core.consumer_library import PAPERS
from tests.core.test_export_bibtex_consumers import bib_text, entries, keywords_of

pytestmark = pytest.mark.skipif(
    shutil.which("jabref") is None,
    reason="JabRef is not installed (Debian: apt-get install jabref; .ci/run installs it)",
)


def jabref(folder: Path, *args: str) -> str:
    """One headless run of JabRef's command line, its preferences kept inside `folder`."""
    home = folder / "home"
    home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "JAVA_TOOL_OPTIONS": f"-Djava.awt.headless=true -Duser.home={home} "
        f"-Djava.util.prefs.userRoot={home / 'prefs'}",
    }
    done = subprocess.run(
        ["jabref", "--nogui", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def found_keys(folder: Path, search: str) -> set[str]:
    """The cite keys of the entries JabRef's search `search` finds in export.bib."""
    out = folder / "found.html"
    out.unlink(missing_ok=True)
    said = jabref(folder, "--import", "export.bib,bibtex", "--exportMatches", f"{search},{out}")
    if "No search matches" in said:
        return set()
    return set(re.findall(r'<tr id="([^"]*)" class="entry">', out.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("jabref")
    (folder / "export.bib").write_text(bib_text(), encoding="utf-8")
    return folder


def test_jabref_finds_every_rating_and_star_in_its_special_fields(exported: Path) -> None:
    keys = [e.key for e in bibtexparser.parse_string(bib_text()).entries]
    rated = {key for key, p in zip(keys, PAPERS, strict=True) if p.rating}
    starred = {key for key, p in zip(keys, PAPERS, strict=True) if p.starred}
    assert len(rated) == 5 and len(starred) == 2
    assert found_keys(exported, "ranking=rank") == rated
    assert found_keys(exported, "relevance=relevant") == starred
    five = {key for key, p in zip(keys, PAPERS, strict=True) if p.rating == 5}
    assert found_keys(exported, "ranking=rank5") == five


def test_a_file_jabref_rewrote_keeps_every_title_author_tag_rating_star_and_decision(
    exported: Path,
) -> None:
    # --generateBibtexKeys changes every entry, so JabRef writes each one itself (an entry
    # it did not change it writes back as it read it).
    jabref(exported, "--generateBibtexKeys", "--import", "export.bib,bibtex", "-o", "back.bib")
    back = bibtexparser.parse_string((exported / "back.bib").read_text(encoding="utf-8"))
    assert back.failed_blocks == []
    rewritten = {e["url"]: e for e in ({f.key: f.value for f in b.fields} for b in back.entries)}
    ours = entries()
    assert len(rewritten) == len(ours) == len(PAPERS)
    for paper, mine in zip(PAPERS, ours, strict=True):
        theirs = rewritten[mine["url"]]
        for field in ("author", "title", "year", "abstract", "triage", "key"):
            assert theirs.get(field) == mine.get(field), (paper.id, field)
        words = keywords_of(theirs)
        assert words == keywords_of(mine)
        assert [w for w in words if not re.fullmatch(r"rank\d|relevant", w)] == list(paper.tags)
        # JabRef 3.8 writes its special fields as keywords only (`ranking`/`relevance` are
        # left out of the file it writes); its window sets them from the keywords when it
        # opens a file (SpecialFieldsUtils), its command line does not.
        assert (f"rank{paper.rating}" in words) == bool(paper.rating)
        assert ("relevant" in words) == paper.starred
        # It writes a comment on one line: the note's words arrive, not its line breaks.
        assert (theirs.get("comment") or "").split() == (mine.get("comment") or "").split()
