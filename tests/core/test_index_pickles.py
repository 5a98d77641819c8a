"""Nothing in the index folder can run code, and damage to it rebuilds it: the pickles Whoosh
keeps in its files are loaded by an unpickler that resolves only builtin containers and
Whoosh's own classes; a forged table of contents or a damaged segment makes the search
rebuild the index from the store and answer as before."""

from __future__ import annotations

import array
import io
import os
import pickle
import pickletools
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli.run import triage
from triage_app.core.search import safe_pickle
from triage_app.core.search.safe_pickle import IndexPickleRefused
from triage_app.core.search.service import SearchService
from triage_app.core.store.library import Library

QUERIES = ("sparse autoencoders", "model", '"language model"', "title:reward", "mod*")


def answers(library: Library) -> tuple[list[list[int]], list[str]]:
    with SearchService(library) as service:
        return [sorted(service.search_ids(q)) for q in QUERIES], list(service.repairs)


class _Gadget:
    """Pickles as a call that writes `marker` when loaded by an unrestricted unpickler."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('ran')",))


def _forge_toc(library: Library, payload: object) -> None:
    """Rewrite the index's table of contents with `payload` as its segment list."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    from triage_app.core.search.index import make_schema

    folder = library.index_dir
    (toc_file,) = folder.glob("_MAIN_*.toc")
    generation = int(toc_file.stem.rsplit("_", 1)[1])
    toc_file.unlink()
    TOC(make_schema(), payload, generation).write(FileStorage(str(folder)), "MAIN")


# Whoosh leaves a table of contents it refused open (its bug, collected later).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_forged_table_of_contents_runs_nothing_and_the_index_is_rebuilt(
    lib: Library, tmp_path: Path
) -> None:
    expected, _ = answers(lib)
    marker = tmp_path / "marker"
    _forge_toc(lib, [_Gadget(marker)])
    # The forged file would run the gadget in an ordinary unpickler: the test is real.
    with pytest.raises(IndexPickleRefused):
        safe_pickle.loads(pickle.dumps([_Gadget(marker)], 2))
    got, repairs = answers(lib)
    assert not marker.exists()
    assert got == expected
    assert len(repairs) == 1 and "IndexPickleRefused" in repairs[0]
    assert answers(lib) == (expected, [])  # rebuilt once, then read as it is


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_cli_search_on_a_forged_index_answers_with_one_line_and_runs_nothing(
    lib: Library, tmp_path: Path
) -> None:
    expected, _ = answers(lib)
    marker = tmp_path / "marker"
    _forge_toc(lib, [_Gadget(marker)])
    folder = lib.folder
    lib.close()
    done = triage("search", "--json", "--limit", "0", "sparse autoencoders", library=folder)
    assert done.returncode == 0, done.stderr
    import json

    assert sorted(p["id"] for p in json.loads(done.stdout)) == expected[0]
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "search index was damaged" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not marker.exists()


def _segment(library: Library) -> Path:
    return max(library.index_dir.glob("*.seg"), key=lambda p: p.stat().st_size)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("damage", ["truncated", "garbage body", "zeroed", "removed"])
def test_a_damaged_segment_is_rebuilt_when_the_search_reads_it(lib: Library, damage: str) -> None:
    expected, _ = answers(lib)
    segment = _segment(lib)
    data = segment.read_bytes()
    if damage == "truncated":
        segment.write_bytes(data[: len(data) // 2])
    elif damage == "garbage body":
        segment.write_bytes(data[:16] + os.urandom(len(data) - 16))
    elif damage == "zeroed":
        segment.write_bytes(bytes(len(data)))
    else:
        segment.unlink()
    got, repairs = answers(lib)
    assert got == expected
    assert len(repairs) == 1


def test_a_garbage_stamp_rebuilds_quietly_readable(lib: Library) -> None:
    expected, _ = answers(lib)
    (lib.index_dir / "triage-index-version").write_bytes(b"\x00\xff garbage")
    got, repairs = answers(lib)
    assert got == expected
    assert repairs == ["garbled index stamp"]


# ----------------------------------------------------------------- the unpickler itself
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary()
    | st.complex_numbers(allow_nan=False)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4)
        | st.frozensets(st.integers() | st.text(max_size=5), max_size=4)
        | st.sets(st.binary(max_size=5), max_size=4)
        | st.lists(st.integers(-(2**31), 2**31 - 1), max_size=8).map(lambda v: array.array("i", v))
        | st.lists(st.floats(width=32, allow_nan=False), max_size=8).map(
            lambda v: array.array("f", v)
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(value=values, protocol=st.integers(2, pickle.HIGHEST_PROTOCOL))
def test_plain_data_loads_exactly_as_pickle_loads_it(value: object, protocol: int) -> None:
    data = pickle.dumps(value, protocol)
    assert safe_pickle.loads(data) == pickle.loads(data)


GADGETS = [
    ("os", "system"),
    ("posix", "system"),
    ("builtins", "exec"),
    ("builtins", "eval"),
    ("builtins", "__import__"),
    ("builtins", "getattr"),
    ("builtins", "open"),
    ("__builtin__", "eval"),
    ("subprocess", "Popen"),
    ("shutil", "rmtree"),
    ("whoosh.index", "open_dir"),  # a Whoosh function, not a class
    ("whoosh.codec.whoosh3", "struct"),  # a module Whoosh imported
    ("whoosh.codec.whoosh3", "W3Codec.__init__"),  # a dotted path to a method
    ("whoosh.codec.whoosh3", "loads"),
    ("whoosh.filedb.filestore", "FileStorage"),  # a Whoosh class outside the codec
    ("whoosh.util.loading", "RenamingUnpickler"),
    ("re", "_compile"),
]


@pytest.mark.parametrize(("module", "name"), GADGETS)
@pytest.mark.parametrize("opcode", ["GLOBAL", "STACK_GLOBAL"])
def test_any_other_global_is_refused(module: str, name: str, opcode: str) -> None:
    if opcode == "GLOBAL":
        data = f"c{module}\n{name}\n(tR.".encode()
    else:
        data = (
            b"\x80\x04"
            + b"\x8c"
            + bytes([len(module)])
            + module.encode()
            + b"\x8c"
            + bytes([len(name)])
            + name.encode()
            + b"\x93)R."
        )
    pickletools.dis(data, out=io.StringIO())  # a well-formed pickle
    with pytest.raises(IndexPickleRefused):
        safe_pickle.loads(data)


def test_the_whoosh3_classes_load() -> None:
    from whoosh.codec.whoosh3 import W3Codec, W3Segment

    segment = W3Segment(W3Codec(), "MAIN")
    loaded = safe_pickle.loads(pickle.dumps([segment], 2))
    assert type(loaded[0]) is W3Segment and loaded[0].segment_id() == segment.segment_id()


def test_every_loader_of_whoosh_reading_an_index_is_the_restricted_one(lib: Library) -> None:
    answers(lib)  # loads every Whoosh module a search and a sync use
    bound = {
        f"{name}.{attr}"
        for name, mod in list(sys.modules.items())
        if name.startswith("whoosh") and mod is not None
        for attr, value in vars(mod).items()
        if value is pickle.loads or value is pickle.load or value is pickle
    }
    # Only the writers' temporary files and the compatibility module keep the real ones.
    assert {b.rsplit(".", 1)[0] for b in bound} <= {
        "whoosh.compat",
        "whoosh.multiproc",
        "whoosh.externalsort",
        "whoosh.util.loading",
    }, bound


def test_the_multiprocess_build_reads_its_own_index(lib: Library) -> None:
    """Whoosh's workers (a library of 20,000 papers or more) open the index being built
    without a schema: the program's stands in for the pickled one there too."""
    from triage_app.core.search.index import SearchIndex

    expected, _ = answers(lib)
    index = SearchIndex(lib)
    report = index.rebuild(procs=2)
    assert report.indexed == index.searcher().doc_count() == lib.count()
    index.close()
    assert answers(lib) == (expected, [])
