"""The index's stamp guards Whoosh's on-disk format: an index written by another Whoosh
version, with another codec or for another schema, or with a missing or garbled stamp, is
rebuilt from the store before Whoosh reads it; a current one is opened as it is."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from triage_app.core.search import index as search_index
from triage_app.core.search.index import IndexFormatError, SearchIndex, codec_stamp
from triage_app.core.search.service import search_ids
from triage_app.core.search.stamp import (
    CODEC,
    CODEC_VERSION,
    INDEX_SCHEMA_VERSION,
    VERSION_FILE,
    is_current,
)
from triage_app.core.store.library import Library


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the stamp was current each time Whoosh opened the index."""
    seen: list[bool] = []
    real = search_index.open_whoosh

    def spy(folder: Path):
        seen.append(is_current(folder))
        return real(folder)

    monkeypatch.setattr(search_index, "open_whoosh", spy)
    return seen


def stamp(library: Library) -> dict:
    return json.loads((library.index_dir / VERSION_FILE).read_text(encoding="utf-8"))


def test_an_index_is_stamped_with_the_whoosh_and_codec_that_wrote_it(lib: Library) -> None:
    from whoosh.codec import default_codec

    assert stamp(lib) == {
        "schema": INDEX_SCHEMA_VERSION,
        "whoosh": metadata.version("whoosh-reloaded"),
        "codec": CODEC,
        "codec_version": CODEC_VERSION,
    }
    # The constants the stamp is checked against are what this Whoosh writes.
    assert codec_stamp(default_codec()) == (CODEC, CODEC_VERSION)
    assert is_current(lib.index_dir)


def test_a_current_index_is_opened_not_rebuilt(lib: Library, opened: list[bool]) -> None:
    index = SearchIndex(lib)
    report = index.open()
    index.close()
    assert not report.rebuilt
    assert opened == [True]


@pytest.mark.parametrize(
    "change",
    [
        {"whoosh": "2.7.4"},
        {"whoosh": None},
        {"codec": "W2Codec"},
        {"codec_version": "W3B2"},
        {"schema": INDEX_SCHEMA_VERSION + 1},
    ],
)
def test_an_index_stamped_by_another_whoosh_or_codec_is_rebuilt_not_read(
    lib: Library, opened: list[bool], change: dict
) -> None:
    expected = search_ids(lib, "sparse autoencoders")
    opened.clear()
    foreign = {**stamp(lib), **change}
    (lib.index_dir / VERSION_FILE).write_text(json.dumps(foreign), encoding="utf-8")
    assert not is_current(lib.index_dir)
    index = SearchIndex(lib)
    report = index.open()
    index.close()
    assert report.rebuilt and next(iter(change)) in report.reason
    assert all(opened) and opened  # Whoosh never opened the foreign index
    assert is_current(lib.index_dir) and stamp(lib)["whoosh"] == metadata.version("whoosh-reloaded")
    assert search_ids(lib, "sparse autoencoders") == expected


@pytest.mark.parametrize("garbled", [b"", b"1\n", b"\xff\xfe{not json", b"[1, 2]", b'{"sch'])
def test_a_garbled_or_old_stamp_rebuilds(lib: Library, opened: list[bool], garbled: bytes) -> None:
    (lib.index_dir / VERSION_FILE).write_bytes(garbled)
    assert not is_current(lib.index_dir)
    index = SearchIndex(lib)
    report = index.open()
    index.close()
    assert report.rebuilt and report.reason == "garbled index stamp"
    assert all(opened) and is_current(lib.index_dir)


def test_a_missing_stamp_rebuilds(lib: Library, opened: list[bool]) -> None:
    (lib.index_dir / VERSION_FILE).unlink()
    assert not is_current(lib.index_dir)
    index = SearchIndex(lib)
    report = index.open()
    index.close()
    assert (report.rebuilt, report.reason) == (True, "missing")
    assert all(opened) and is_current(lib.index_dir)


def test_a_whoosh_writing_another_codec_is_refused(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its stamp would never be current: every open would rebuild again."""
    monkeypatch.setattr(search_index, "CODEC_VERSION", "W9Bl")
    index = SearchIndex(lib)
    with pytest.raises(IndexFormatError, match="W3Codec W3Bl"):
        index.rebuild()
    index.close()
    assert not lib.index_dir.with_name(lib.index_dir.name + ".building").exists()
    assert is_current(lib.index_dir)  # the index in place is left as it was


def test_the_stamp_is_checked_without_importing_whoosh(lib: Library) -> None:
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from triage_app.core.search import is_current\n"
        f"print(is_current(Path({str(lib.index_dir)!r})), "
        "any(m.startswith('whoosh.') for m in sys.modules))\n"
    )  # Whoosh's top-level package (its version, nothing imported) is read; no module of it
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["True", "False"]


def test_an_index_from_before_the_posting_arrays_is_rebuilt_once_with_them(
    lib: Library, opened: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Schema 1 had no posting arrays, and only a rebuild starts them: such an index is
    rebuilt at its next opening, with its arrays, and opened as it is after that."""
    from triage_app.core.search import array_writer
    from triage_app.core.search.array_files import arrays_dir

    monkeypatch.setattr(array_writer, "MIN_DOCS", 0)  # the test library is small
    expected = search_ids(lib, "sparse autoencoders")
    shutil.rmtree(arrays_dir(lib.index_dir), ignore_errors=True)
    before = {**stamp(lib), "schema": 1}
    (lib.index_dir / VERSION_FILE).write_text(json.dumps(before), encoding="utf-8")
    assert INDEX_SCHEMA_VERSION > 1 and not is_current(lib.index_dir)
    opened.clear()
    for rebuilt in (True, False):
        index = SearchIndex(lib)
        report = index.open()
        index.close()
        assert report.rebuilt is rebuilt
        assert any(arrays_dir(lib.index_dir).glob("*.json"))
    assert opened == [True, True]
    assert search_ids(lib, "sparse autoencoders") == expected


def test_the_stamp_names_the_installed_whoosh_without_loading_it() -> None:
    """The version read from Whoosh's top-level package is its distribution's, and reading it
    loads none of Whoosh's modules (the window checks the stamp on its UI thread)."""
    import subprocess
    import sys
    from importlib import metadata

    code = (
        "import sys; from triage_app.core.search.stamp import whoosh_version; "
        "print(whoosh_version()); "
        "print(sorted(m for m in sys.modules if m.startswith('whoosh.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == [metadata.version("whoosh-reloaded"), "[]"]
