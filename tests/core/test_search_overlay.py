"""An edit is searchable the moment its transaction commits, before any index commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.perf.corpus import write_listing
from triage_app.core.ingest.importer import import_path
from triage_app.core.search import overlay as search_overlay
from triage_app.core.search.service import SearchService
from triage_app.core.store import open_library
from triage_app.core.triage.decisions import DecisionPatch, mark


@pytest.fixture
def service(tmp_path: Path):
    with open_library(tmp_path / "lib") as library:
        import_path(library, write_listing(tmp_path / "a.txt", 400, seed=12))
        with SearchService(library) as service:
            yield library, service


def test_a_new_note_is_found_before_the_index_commits(service) -> None:
    library, svc = service
    mark(library, [5], DecisionPatch(note="zebrafish assay in the lab", add_tags=("Wet lab",)))
    assert svc.index.pending() == 1  # nothing synced: the index has not seen it
    assert svc.search("zebrafish").ids == [5]
    assert svc.search('note:"zebrafish assay"').ids == [5]
    assert svc.search('"assay zebrafish"').ids == []
    assert svc.search("wet").ids == [5]
    assert svc.search("zebrafish -lab").ids == []
    assert svc.search("zebrafish OR nonexistentword").total == 1


def test_an_old_note_stops_matching_before_the_index_commits(service) -> None:
    library, svc = service
    mark(library, [5], DecisionPatch(note="zebrafish assay"))
    svc.sync()
    assert svc.search("zebrafish").ids == [5]
    mark(library, [5], DecisionPatch(note="nothing aquatic"))
    assert svc.search("zebrafish").ids == []
    assert svc.search("aquatic").ids == [5]


def test_an_edited_paper_ranks_as_it_will_once_indexed(service) -> None:
    library, svc = service
    word = "learning"
    before = svc.search(word, limit=None)
    target = before.ids[len(before.ids) // 2]
    mark(library, [target], DecisionPatch(note=f"{word} {word} {word} matters here"))
    live = svc.search(word, limit=None)
    svc.sync()
    indexed = svc.search(word, limit=None)
    assert live.total == indexed.total == before.total
    # The same place, give or take the paper's own effect on the word's document frequency.
    assert abs(live.ids.index(target) - indexed.ids.index(target)) <= 1
    assert live.ids.index(target) < before.ids.index(target)


def test_a_bulk_change_waits_for_the_index(service, monkeypatch: pytest.MonkeyPatch) -> None:
    library, svc = service
    monkeypatch.setattr(search_overlay, "MAX_OVERLAY", 3)
    mark(library, [1, 2, 3, 4], DecisionPatch(note="zebrafish"))
    assert svc.search("zebrafish").ids == []  # four queued: searched once indexed
    svc.sync()
    assert sorted(svc.search("zebrafish").ids) == [1, 2, 3, 4]


QUERIES = [
    "model",
    "learning models",
    "title:learning",
    "author:smith",
    '"language models"',
    '"large language model"',
    "learn*",
    "modle~",
    "robust OR efficient",
    "model -learning",
    "NOT model",
    "(model OR learning) AND NOT robust",
    "title:(graph OR diffusion)",
    "model OR has:code",
    "learning year:>=2025",
    "-robust category:CL",
]


def test_queued_papers_whose_text_did_not_change_match_as_indexed(service) -> None:
    """A decision queues a paper without changing its text: searched from the store, it
    matches every kind of query exactly where its indexed document did."""
    library, svc = service
    before = {q: svc.search(q, limit=None) for q in QUERIES}
    queued = list(range(1, 400, 9))
    mark(library, queued, DecisionPatch(starred=True))
    assert svc.index.pending() == len(queued)
    for q in QUERIES:
        now = svc.search(q, limit=None)
        assert now.total == before[q].total, q
        assert sorted(now.ids) == sorted(before[q].ids), q
    assert svc.search("model", limit=None).total > 0  # the queries do match something


def test_a_queued_paper_answers_phrases_and_negations_in_one_query(service) -> None:
    library, svc = service
    mark(library, [7], DecisionPatch(note="quokka locomotion at scale"))
    mark(library, [9], DecisionPatch(note="locomotion of the quokka"))
    assert sorted(svc.search("quokka").ids) == [7, 9]
    assert svc.search('"quokka locomotion" OR zzzz').ids == [7]
    assert svc.search('quokka -"quokka locomotion"').ids == [9]
    assert svc.search("note:(quokka NOT scale)").ids == [9]
