"""The "for you" order: papers like the starred ones rank above the rest (real listings)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SEED_AS_OF
from tests.data import LISTINGS
from triage_app.core.ingest.importer import import_path
from triage_app.core.search.service import search_ids
from triage_app.core.store import open_library
from triage_app.core.store.library import Library
from triage_app.core.triage.decisions import DecisionPatch, mark
from triage_app.core.triage.recommend import rank_inbox

SEED_FILES = ("002_e1e6b264440ae296.txt", "003_fa884e0c8d87af1f.txt", "004_b89f686bb3a49483.txt")


@pytest.fixture
def seeded(tmp_path: Path):
    library = open_library(tmp_path / "lib")
    for name in SEED_FILES:
        import_path(library, LISTINGS / name, as_of=SEED_AS_OF)
    yield library
    library.close()


def auc(order: list[int], liked: set[int]) -> float:
    """Share of (liked, other) pairs in which the liked paper ranks first."""
    pos = {pid: i for i, pid in enumerate(order)}
    others = [p for p in order if p not in liked]
    pairs = [(pos[a] < pos[b]) for a in liked for b in others]
    return sum(pairs) / len(pairs)


def test_without_picks_the_inbox_follows_the_feed_score(seeded: Library) -> None:
    ranked = rank_inbox(seeded)
    assert len(ranked) == 64
    assert [r.score for r in ranked[:4]] == [0.931, 0.923, 0.829, 0.823]
    assert ranked[0].reasons == "by feed score (nothing starred or kept yet)"


def test_papers_like_the_starred_ones_come_first(seeded: Library) -> None:
    sae = search_ids(seeded, '"sparse autoencoders" OR SAE OR SAEs')
    assert len(sae) == 9
    starred, held_out = sae[:4], set(sae[4:])
    mark(seeded, starred, DecisionPatch(starred=True))
    dismissed = search_ids(seeded, "category:CY OR category:CR")
    mark(seeded, dismissed, DecisionPatch(status="dismissed"))
    ranked = rank_inbox(seeded)
    order = [r.paper_id for r in ranked]
    assert set(order) == set(seeded.all_ids()) - set(starred) - set(dismissed)
    score = auc(order, held_out)
    assert score >= 0.9, score
    top = ranked[0]
    assert top.paper_id in held_out
    assert top.reasons.startswith("like your picks: ")
    assert rank_inbox(seeded, limit=3) == ranked[:3]


def test_explanations_name_the_rank_and_the_words() -> None:
    from triage_app.core.triage.recommend import Ranked, explain
    from triage_app.core.triage.views import Ranking

    ranking = Ranking(
        [
            Ranked(7, 0.9, ("diffusion", "reward"), ("survey",)),
            Ranked(3, 0.8, ("diffusion",), (), 0.93),
            Ranked(5, 0.5),
        ]
    )
    assert ranking.ids == [7, 3, 5]
    assert ranking.explain(7) == "For you #1 · up: diffusion, reward · down: survey"
    assert ranking.explain(3) == "For you #2 · up: diffusion · feed score 93"
    assert ranking.explain(5) == "For you #3 · nothing stands out"
    assert ranking.explain(4) is None
    assert explain(1, Ranked(9, 0.93, by_feed_only=True)) == (
        "For you #1 · by feed score (nothing starred or kept yet)"
    )
    assert Ranked(3, 0.8, ("diffusion",), ("survey", "benchmark"), 0.93).reasons == (
        "like your picks: diffusion; unlike: survey, benchmark; feed score 93"
    )


def _reasons_by_sorting(x, w, names, generic=frozenset()):
    """The plain definition: sort each row's (contribution, column) pairs, a contribution
    being TF-IDF x weight x the column's IDF over the rows, generic words left out."""
    import numpy as np

    n = x.shape[0]
    df = [
        sum(j in x.indices[x.indptr[k] : x.indptr[k + 1]] for k in range(n))
        for j in range(len(names))
    ]
    idf = np.array([np.log((1 + n) / (1 + d)) + 1 for d in df])
    ups, downs = {}, {}
    for k in range(n):
        cols = x.indices[x.indptr[k] : x.indptr[k + 1]]
        vals = x.data[x.indptr[k] : x.indptr[k + 1]]
        pairs = zip((vals * w[cols] * idf[cols]).tolist(), cols.tolist(), strict=True)
        contrib = sorted(((c, j) for c, j in pairs if names[j] not in generic), reverse=True)
        up = [names[j] for c, j in contrib[:3] if c > 0.002]
        down = [names[j] for c, j in reversed(contrib[-2:]) if c < -0.002]
        if up:
            ups[k] = up
        if down:
            downs[k] = down
    return ups, downs


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 12), st.integers(1, 9), st.integers(0, 10**6))
def test_reasons_for_all_rows_at_once_are_the_sorted_definition(rows, cols, seed) -> None:
    import numpy as np
    from scipy import sparse

    from triage_app.core.triage.recommend import _reasons
    from triage_app.core.triage.tfidf import Terms

    rng = np.random.default_rng(seed)
    # Few distinct values, so ties between columns happen and their order is checked.
    dense = rng.choice([0.0, 0.0, 0.1, 0.2, 0.5], size=(rows, cols))
    x = sparse.csr_matrix(dense)
    w = rng.choice([-0.05, -0.01, 0.0, 0.01, 0.05, 0.3], size=cols)
    names = ["three" if j == 1 else f"w{j}" for j in range(cols)]  # a generic word
    terms = Terms("test", np.arange(rows), names, x)
    assert _reasons(x, w, terms) == _reasons_by_sorting(x, w, names, frozenset({"three"}))


GENERIC = {"three", "form", "understanding", "ways", "how", "models", "research", "systems"}


def test_reasons_are_words_that_set_a_paper_apart(seeded: Library) -> None:
    """ "up: metrics, evaluation, three · down: understanding, form" explained nothing: no
    generic word is a reason, and the starred papers' own subject is."""
    sae = search_ids(seeded, '"sparse autoencoders" OR SAE OR SAEs')
    mark(seeded, sae[:4], DecisionPatch(starred=True))
    mark(
        seeded, search_ids(seeded, "category:CY OR category:CR"), DecisionPatch(status="dismissed")
    )
    ranked = rank_inbox(seeded)
    words = [w for r in ranked for w in (*r.up, *r.down)]
    assert words and not GENERIC & set(words), sorted(GENERIC & set(words))
    held_out = [r for r in ranked if r.paper_id in set(sae[4:])]
    assert all({"sparse", "saes", "sae", "autoencoders"} & set(r.up) for r in held_out[:3])
