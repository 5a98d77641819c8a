"""The For-you order from the kept TF-IDF matrix: built once per state of the texts, reused
after decisions, rebuilt after an import or when its files are damaged, and always the
order a fresh build gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED_AS_OF
from tests.data import LISTINGS
from triage_app.core.ingest.importer import import_path
from triage_app.core.store import open_library
from triage_app.core.triage import tfidf
from triage_app.core.triage.decisions import DecisionPatch, mark
from triage_app.core.triage.recommend import rank_inbox

SEED_FILES = ("002_e1e6b264440ae296.txt", "003_fa884e0c8d87af1f.txt")
CACHE = Path(tfidf.CACHE_DIR) / tfidf.CACHE_NAME


@pytest.fixture
def seeded(tmp_path: Path):
    library = open_library(tmp_path / "lib")
    for name in SEED_FILES:
        import_path(library, LISTINGS / name, as_of=SEED_AS_OF)
    mark(library, [1, 2, 3], DecisionPatch(status="kept", starred=True))
    mark(library, [4, 5], DecisionPatch(status="dismissed"))
    tfidf._memory.clear()
    yield library
    library.close()
    tfidf._memory.clear()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many texts each TF-IDF build read."""
    seen: list[int] = []
    real = tfidf.tfidf

    def counting(texts: list[str]):
        seen.append(len(texts))
        return real(texts)

    monkeypatch.setattr(tfidf, "tfidf", counting)
    return seen


def fresh(library) -> list:
    """The ranking from a matrix built anew (nothing in memory or on disk)."""
    tfidf._memory.clear()
    tfidf.shutil.rmtree(library.folder / CACHE, ignore_errors=True)
    return rank_inbox(library)


def test_decisions_reuse_the_matrix_and_rank_as_a_fresh_build(seeded, builds) -> None:
    first = rank_inbox(seeded)
    assert builds == [seeded.count()]  # the whole library, once
    assert (seeded.folder / CACHE / "meta.json").is_file()
    inbox = [r.paper_id for r in first]
    mark(seeded, inbox[-2:], DecisionPatch(status="kept", rating=5))
    mark(seeded, inbox[:2], DecisionPatch(status="dismissed"))
    again = rank_inbox(seeded)
    assert builds == [seeded.count()]  # decisions change no text: nothing rebuilt
    decided = set(inbox[:2] + inbox[-2:])
    assert [r.paper_id for r in again if r.paper_id in decided] == []
    assert len(again) == len(first) - 4
    assert again == fresh(seeded)
    assert len(builds) == 2


def test_the_built_matrix_is_kept_mapped_from_its_files(seeded, builds) -> None:
    terms = tfidf.library_terms(seeded)
    assert len(builds) == 1
    # The matrix in use is the files' mapping, not the arrays the build made in memory.
    assert all(on_a_map(a) for a in (terms.ids, terms.matrix.data, terms.matrix.indices))
    built = tfidf.tfidf(texts_of(seeded))[1]
    assert not on_a_map(built.data)
    assert (terms.matrix != built).nnz == 0


def on_a_map(array) -> bool:
    while array is not None:
        if isinstance(array, tfidf.np.memmap):
            return True
        array = array.base
    return False


def texts_of(library) -> list[str]:
    return tfidf._texts(library)[1]


def test_a_new_process_reads_the_kept_files(seeded, builds) -> None:
    expected = rank_inbox(seeded)
    tfidf._memory.clear()  # as a new process: only the files remain
    assert rank_inbox(seeded) == expected
    assert len(builds) == 1
    terms = tfidf.library_terms(seeded)
    assert terms.matrix.data.dtype.name == "float32"
    assert type(terms.ids).__name__ == "memmap"  # mapped, not copied into memory


def test_an_import_rebuilds_it(seeded, builds) -> None:
    rank_inbox(seeded)
    import_path(seeded, LISTINGS / "004_b89f686bb3a49483.txt", as_of=SEED_AS_OF)
    ranked = rank_inbox(seeded)
    assert builds == [builds[0], seeded.count()] and builds[1] > builds[0]
    assert ranked == fresh(seeded)


@pytest.mark.parametrize("damage", ["meta.json", "data.npy", "indptr.npy", "ids.npy"])
def test_damaged_files_are_built_again(seeded, builds, damage: str) -> None:
    expected = rank_inbox(seeded)
    tfidf._memory.clear()
    (seeded.folder / CACHE / damage).write_bytes(b"\x93NUMPY garbage")
    assert rank_inbox(seeded) == expected
    assert len(builds) == 2


def test_an_unwritable_folder_still_ranks(seeded, builds, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(tfidf.np, "save", refuse)
    ranked = rank_inbox(seeded)
    assert not (seeded.folder / CACHE).exists()
    assert not list((seeded.folder / tfidf.CACHE_DIR).glob(".*partial"))
    assert ranked == fresh(seeded)
