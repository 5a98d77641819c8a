"""The index follows the store: sync after changes, self-healing after deletion, staleness,
damage or a schema change; cancellable and supersedable searches; highlight spans."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from triage_app.core.ingest.importer import import_path
from triage_app.core.search.index import SearchIndex, sync_index
from triage_app.core.search.service import (
    SearchCancelled,
    SearchService,
    highlight_spans,
    search_ids,
)
from triage_app.core.search.stamp import VERSION_FILE, is_current
from triage_app.core.store import open_library
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import DecisionPatch, mark, undo


def outbox(library: Library) -> int:
    with library.read() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM index_outbox").scalar()


def test_import_then_sync_indexes_everything_and_empties_the_outbox(lib: Library) -> None:
    assert outbox(lib) == 0
    index = SearchIndex(lib)
    index.open()
    assert index.searcher().doc_count() == 64
    index.close()
    assert is_current(lib.index_dir)


def test_note_and_tag_edits_are_searchable_after_sync(lib: Library) -> None:
    pid = lib.all_ids()[5]
    with SearchService(lib, time_limit=None) as service:
        assert service.search_ids("zebrafish") == []
        mark(lib, [pid], DecisionPatch(note="zebrafish models", add_tags=("Neuro xylophony",)))
        report = service.sync()
        assert (report.indexed, report.unchanged) == (1, 0)
        assert service.search_ids("zebrafish") == [pid]
        assert service.search_ids("note:zebrafish") == [pid]
        assert service.search_ids("xylophony") == [pid]
        assert service.search_ids("tag:neuro*") == [pid]
    assert outbox(lib) == 0


def test_decision_only_changes_never_commit_the_index(lib: Library) -> None:
    ids = lib.all_ids()[:10]
    with SearchService(lib, time_limit=None) as service:
        mark(lib, ids, DecisionPatch(starred=True, rating=4))
        report = service.sync()
        assert (report.indexed, report.unchanged, report.rebuilt) == (0, 10, False)
        assert set(service.search_ids("is:starred rating:4")) == set(ids)
    assert outbox(lib) == 0


def test_undo_of_a_note_is_reindexed(lib: Library) -> None:
    pid = lib.all_ids()[0]
    change = mark(lib, [pid], DecisionPatch(note="platypus"))
    sync_index(lib)
    assert search_ids(lib, "platypus") == [pid]
    undo(lib, change)
    sync_index(lib)
    assert search_ids(lib, "platypus") == []


def test_change_left_in_the_outbox_by_a_kill_is_healed_at_start(lib: Library) -> None:
    """Store committed, process killed before the index commit: the outbox remembers."""
    pid = lib.all_ids()[3]
    mark(lib, [pid], DecisionPatch(note="axolotl"))
    assert outbox(lib) == 1  # no sync: as if killed here
    with SearchService(lib, time_limit=None) as service:
        assert service.search_ids("axolotl") == [pid]
    assert outbox(lib) == 0


def test_deleted_index_is_rebuilt(lib: Library) -> None:
    shutil.rmtree(lib.index_dir)
    assert len(search_ids(lib, "model")) == 54
    assert (lib.index_dir / VERSION_FILE).is_file()
    assert outbox(lib) == 0


# Whoosh leaves the damaged TOC file open when it refuses it (its bug, collected later).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("damage", ["version", "garbage", "empty folder", "foreign"])
def test_unusable_index_is_rebuilt(lib: Library, damage: str) -> None:
    expected = search_ids(lib, "sparse autoencoders")
    assert len(expected) == 9
    if damage == "version":
        (lib.index_dir / VERSION_FILE).write_text("0\n")
    elif damage == "garbage":
        for f in lib.index_dir.iterdir():
            if f.name != VERSION_FILE and f.is_file():
                f.write_bytes(b"\x00garbage" * 10)
    elif damage == "empty folder":
        for f in lib.index_dir.iterdir():
            if f.is_dir():  # the segments' posting arrays
                shutil.rmtree(f)
            elif f.name != VERSION_FILE:
                f.unlink()
    else:  # an index of another library: its document count differs from the store's
        other = open_library(lib.folder.parent / "other")
        import_path(other, Path(__file__).parent / "missing.json")  # refused: stays empty
        sync_index(other)
        shutil.rmtree(lib.index_dir)
        shutil.copytree(other.index_dir, lib.index_dir)
        other.close()
    index = SearchIndex(lib)
    report = index.open()
    index.close()
    assert report.rebuilt
    assert search_ids(lib, "sparse autoencoders") == expected


def test_new_import_is_indexed_incrementally(lib: Library, tmp_path: Path) -> None:
    backup = tmp_path / "one.json"
    backup.write_text(
        '[{"title": "Quokka locomotion at scale", "abstract": "Quokkas hop.", '
        '"authors": ["Ada Quokkason"], "category": "RO"}]',
        encoding="utf-8",
    )
    import_path(lib, backup)
    report = sync_index(lib)
    assert (report.indexed, report.rebuilt) == (1, False)
    hits = search_ids(lib, "quokka")
    assert [p.title for p in lib.get_papers(hits)] == ["Quokka locomotion at scale"]
    assert search_ids(lib, "author:quokkason category:RO") == hits


def test_cancel_token_stops_a_search(lib: Library) -> None:
    with SearchService(lib, time_limit=None) as service, pytest.raises(SearchCancelled):
        service.search("model", cancel=lambda: True)


def test_a_newer_search_supersedes_a_running_one(lib: Library) -> None:
    with SearchService(lib, time_limit=None) as service:

        def newer_search_arrives() -> bool:
            service.cancel()  # what SearchService.search() does when a newer query starts
            return False

        with pytest.raises(SearchCancelled, match="superseded"):
            service.search("model", cancel=newer_search_arrives)
        assert len(service.search_ids("model")) == 54  # the service stays usable


def test_highlight_spans_follow_stemming_and_phrases() -> None:
    title = "Sparse Autoencoders find highly interpretable features; an autoencoder, sparsely"
    spans = highlight_spans('"sparse autoencoders" interpret*', title, "title")
    assert [title[a:b] for a, b in spans] == ["Sparse Autoencoders", "interpretable"]
    spans = highlight_spans("autoencoders -sparse title:features", title, "title")
    assert [title[a:b] for a, b in spans] == ["Autoencoders", "features", "autoencoder"]
    assert highlight_spans("author:sparse", title, "title") == []
    assert highlight_spans("is:new", title, "title") == []
    abstract = "We study transfromers and transformers."
    assert highlight_spans("transformer~", abstract, "abstract") == [(9, 21), (26, 38)]


def test_two_builders_at_once_build_once_and_neither_breaks(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's search and its index child found the index missing at the same moment:
    the second waited for the first's build and opened it, instead of deleting the files
    the first was writing (FileNotFoundError in `index.building`) and building again."""
    import threading

    from triage_app.core.search import index as index_module

    shutil.rmtree(lib.index_dir)
    building, go_on = threading.Event(), threading.Event()
    real_write_stamp = index_module.write_stamp

    def held_write_stamp(folder, *args):  # the first build pauses before its swap
        if threading.current_thread().name == "first":
            building.set()
            go_on.wait(30)
        return real_write_stamp(folder, *args)

    monkeypatch.setattr(index_module, "write_stamp", held_write_stamp)
    results: dict[str, object] = {}

    def first_open() -> None:
        index = SearchIndex(lib)
        try:
            results["first"] = index.open()
        except Exception as exc:  # reported below, not lost in the thread
            results["first"] = exc
        finally:
            index.close()

    first = threading.Thread(target=first_open, name="first")
    first.start()
    assert building.wait(30)
    threading.Timer(0.5, go_on.set).start()  # the first finishes while the second waits
    second = SearchIndex(lib)
    report = second.open()
    first.join(60)
    assert getattr(results["first"], "rebuilt", results["first"]) is True
    assert not report.rebuilt
    assert second.searcher().doc_count() == 64
    second.close()
    assert is_current(lib.index_dir)
