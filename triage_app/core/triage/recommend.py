"""The "for you" order of the Inbox: new papers ranked by likeness to what the researcher kept.

As arxiv-sanity does: TF-IDF vectors of title and abstract, a linear classifier (logistic
regression, trained here in a few hundred numpy steps) separating what the researcher
starred, rated highly or kept from what they dismissed (plus a light sample of the inbox as
weak negatives), blended with the feed's own score. Offline and deterministic. Each rank
comes with its reasons: the terms that pushed it up or down most.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from scipy import sparse

from triage_app.core.search import stem
from triage_app.core.triage.tfidf import Terms, library_terms

if TYPE_CHECKING:
    from triage_app.core.store import Library

MODEL_WEIGHT = 0.85  # the rest is the feed score
WEAK_NEGATIVES = 200  # inbox papers sampled as weak negatives when few were dismissed


class Ranked(NamedTuple):  # a tuple: 100,000 of them are made in a fraction of a dataclass's time
    paper_id: int
    score: float  # 0-1, higher first
    up: tuple[str, ...] = ()  # the words that pushed it up most, strongest first
    down: tuple[str, ...] = ()  # ... and down
    feed: float | None = None  # the feed score (0-1) when it is worth a mention
    by_feed_only: bool = False  # nothing starred or kept yet: the feed score alone

    @property
    def reasons(self) -> str:
        if self.by_feed_only:
            return "by feed score (nothing starred or kept yet)"
        parts = []
        if self.up:
            parts.append("like your picks: " + ", ".join(self.up))
        if self.down:
            parts.append("unlike: " + ", ".join(self.down))
        if self.feed is not None:
            parts.append(f"feed score {self.feed * 100:.0f}")
        return "; ".join(parts) or "nothing stands out"


def explain(position: int, ranked: Ranked) -> str:
    """One line for the reader: `For you #3 · up: diffusion, reward · down: survey`."""
    parts = [f"For you #{position}"]
    if ranked.by_feed_only:
        parts.append("by feed score (nothing starred or kept yet)")
    if ranked.up:
        parts.append("up: " + ", ".join(ranked.up))
    if ranked.down:
        parts.append("down: " + ", ".join(ranked.down))
    if ranked.feed is not None and not ranked.by_feed_only:
        parts.append(f"feed score {ranked.feed * 100:.0f}")
    if len(parts) == 1:
        parts.append("nothing stands out")
    return " · ".join(parts)


def _load(library: Library) -> tuple[dict[int, float], list[tuple[int, float]]]:
    """The training weights of the decided papers (2 a star or a rating of 4-5, 1 kept, -1
    dismissed or rated 1-2) and the Inbox as (id, feed score 0-1), in one pass over the
    papers (their text is in the kept TF-IDF rows)."""
    weights: dict[int, float] = {}
    inbox: list[tuple[int, float]] = []
    with library.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, status, starred, rating, coalesce(score, 0) / 100 FROM paper ORDER BY id"
        ).fetchall()
    for pid, status, starred, rating, feed in rows:
        if status == "new":
            inbox.append((pid, feed))
        if starred or (rating or 0) >= 4:
            weights[pid] = 2.0
        elif status == "kept" and not (rating and rating <= 2):
            weights[pid] = 1.0
        elif status == "dismissed" or (rating and rating <= 2):
            weights[pid] = -1.0
    return weights, inbox


def rank_inbox(library: Library, limit: int | None = None, *, seed: int = 0) -> list[Ranked]:
    """New papers, best first, each with a few words on why.

    The TF-IDF rows of the library are built once per state of its texts and kept
    (`tfidf.library_terms`), so a ranking after a decision trains the model on the
    labelled papers and scores the Inbox with one sparse product; reasons are found for
    the papers returned only."""
    weights, inbox = _load(library)
    if not any(w > 0 for w in weights.values()):
        with library.read() as conn:
            dates: dict[int, str | None] = dict(
                conn.exec_driver_sql(
                    "SELECT id, published FROM paper WHERE status = 'new'"
                ).fetchall()
            )
        inbox.sort(key=lambda r: (-r[1], dates.get(r[0]) or "", r[0]))
        out = [Ranked(pid, round(feed, 4), by_feed_only=True) for pid, feed in inbox]
        return out[:limit] if limit is not None else out

    inbox_ids = [r[0] for r in inbox]
    rng = random.Random(seed)
    negatives = [pid for pid, w in weights.items() if w < 0]
    weak = rng.sample(inbox_ids, min(len(inbox_ids), max(0, WEAK_NEGATIVES - len(negatives))))
    train_ids = list(weights) + [pid for pid in weak if pid not in weights]
    terms = library_terms(library)
    x_train = terms.matrix[terms.rows(train_ids)]
    y = np.array([1.0 if weights.get(p, -1) > 0 else 0.0 for p in train_ids])
    sample_w = np.array([abs(weights[p]) if p in weights else 0.3 for p in train_ids])
    w, b = _logistic(x_train, y, sample_w)

    # Scored and explained on the whole matrix, then the Inbox's rows picked: copying
    # the Inbox's rows out of it (most of the matrix) would cost more than the extra rows.
    at_row = terms.rows(inbox_ids)
    feed = np.array([r[1] for r in inbox], dtype=np.float64)
    probs = 1 / (1 + np.exp(-((terms.matrix @ w)[at_row] + b)))
    scores = [round(v, 4) for v in (MODEL_WEIGHT * probs + (1 - MODEL_WEIGHT) * feed).tolist()]
    order = np.lexsort((np.asarray(inbox_ids), -np.asarray(scores)))
    if limit is not None:
        order = order[:limit]
        ups, downs = _reasons(terms.matrix[at_row[order]], w, terms)  # i-th returned
        at = range(len(order))
    else:
        ups, downs = _reasons(terms.matrix, w, terms)  # by the matrix's rows
        at = at_row[order].tolist()
    empty: list[str] = []
    return [
        Ranked(
            inbox_ids[k],
            scores[k],
            tuple(ups.get(i, empty)),
            tuple(downs.get(i, empty)),
            inbox[k][1] if inbox[k][1] >= 0.8 else None,
        )
        for i, k in zip(at, order.tolist(), strict=True)
    ]


def _logistic(
    x: sparse.csr_matrix,
    y: np.ndarray,
    sw: np.ndarray,
    *,
    l2: float = 0.01,
    steps: int = 300,
    lr: float = 2.0,
) -> tuple[np.ndarray, float]:
    """Plain full-batch gradient descent: a few hundred labelled papers need nothing more."""
    x = x.astype(np.float64)  # once: a float32 matrix would be converted in every product
    w = np.zeros(x.shape[1])
    b = 0.0
    total = sw.sum()
    xt = x.T.tocsr()  # once, not a transpose in each step
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = sw * (p - y)
        w -= lr * ((xt @ g) / total + l2 * w)
        b -= lr * g.sum() / total
    return w, b


# Words that say nothing about a paper's subject, however the classifier weighs them: a
# reason made of them ("up: three, form · down: understanding") explains nothing.
_GENERIC_TEXT = """one two three four five six seven eight nine ten first second third many
several various different form forms way ways how what why whether understanding understand
large small high low good better best well make makes making made large often across within
without among toward towards further however across key important significant novel existing
recent current general specific simple effective efficient able set sets level levels
number numbers type types case cases part parts thing things lot example examples include
includes including given take takes taken provide provides providing present presents study
studies studied research researchers work works problem problems task tasks result finding
findings field fields area areas aspect aspects range wide whole overall others still even
much less like just far due per yet thus hence rather instead despite along around since
able need needs needed help helps allow allows enable enables achieve achieves demonstrate
demonstrates introduce introduces investigate investigates explore explores paper papers
across often known called framework frameworks system systems development model models llm
llms language large fully potential investigating available"""
_GENERIC_WORDS = frozenset(_GENERIC_TEXT.split())


def _reasons(
    x: sparse.csr_matrix, w: np.ndarray, terms: Terms
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Per row, its three strongest terms for (over 0.002) and two against (under -0.002),
    all rows at once: only the entries past a threshold are sorted.

    A term's strength is its TF-IDF value x weight, times its IDF in the library once more
    (`_telling`): a word most papers share ranks no paper above another, so the reasons
    prefer the words that set this paper apart. Generic words (`_GENERIC_WORDS`) are never
    given as reasons. Ties go to the later column (up) or the earlier (down)."""
    rows = np.repeat(np.arange(x.shape[0], dtype=np.int32), np.diff(x.indptr))
    telling = _telling(terms)
    contrib = x.data * w[x.indices] * telling[x.indices]
    names = terms.names
    return (
        _strongest(rows, x.indices, contrib, contrib > 0.002, 3, -1, names),
        _strongest(rows, x.indices, contrib, contrib < -0.002, 2, 1, names),
    )


_TELLING: list[tuple[Terms, np.ndarray]] = []  # the last terms seen and their weights


def _telling(terms: Terms) -> np.ndarray:
    """Per column, the word's IDF over the library, or 0 for a generic word; kept while the
    same terms are in use, as the matrix is."""
    if not _TELLING or _TELLING[0][0] is not terms:
        m = terms.matrix
        df = np.bincount(m.indices, minlength=m.shape[1])
        idf = np.log((1 + m.shape[0]) / (1 + df)) + 1
        generic = {stem(word) for word in _GENERIC_WORDS}
        ok = np.fromiter(
            (stem(n) not in generic for n in terms.names), dtype=bool, count=len(terms.names)
        )
        _TELLING[:] = [(terms, np.where(ok, idf, 0.0))]
    return _TELLING[0][1]


def _strongest(
    rows: np.ndarray,
    cols: np.ndarray,
    contrib: np.ndarray,
    chosen: np.ndarray,
    n: int,
    sign: int,
    names: list[str],
) -> dict[int, list[str]]:
    """The first `n` chosen entries of each row ordered by (sign x contribution, sign x
    column): sign -1 is strongest first, +1 most negative first. `n` passes of a per-row
    maximum (no sort: sorting millions of entries three keys deep took seconds)."""
    rows, value = rows[chosen], -sign * contrib[chosen]  # the best has the largest value...
    likely = _contenders(rows, value, n)
    rows, value, cols = rows[likely], value[likely], cols[chosen][likely].astype(np.int64)
    tie = -sign * cols  # ...and, on a tie, the largest of this
    out: dict[int, list[str]] = {}
    for _ in range(n):
        if not len(rows):
            break
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        sizes = np.diff(np.r_[starts, len(rows)])
        best = np.repeat(np.maximum.reduceat(value, starts), sizes)
        candidate = value == best
        pick_tie = np.repeat(
            np.maximum.reduceat(np.where(candidate, tie, np.iinfo(np.int64).min), starts), sizes
        )
        picked = candidate & (tie == pick_tie)
        for r, c in zip(rows[picked].tolist(), cols[picked].tolist(), strict=True):
            out.setdefault(r, []).append(names[c])
        rows, cols, value, tie = rows[~picked], cols[~picked], value[~picked], tie[~picked]
    return out


def _contenders(rows: np.ndarray, value: np.ndarray, n: int) -> np.ndarray:
    """A mask of the entries that can be among the `n` best of their row (rows ascending):
    a row with `n` entries above a cut needs none below it, so only the rows short of `n`
    keep all theirs. Most entries of a 100,000-paper Inbox fall away before the passes."""
    if not len(rows):
        return np.ones(0, dtype=bool)
    n_rows = int(rows[-1]) + 1
    keep = 2 * n * n_rows
    if len(value) <= 2 * keep:
        return np.ones(len(value), dtype=bool)
    cut = np.partition(value, len(value) - keep)[len(value) - keep]
    above = value > cut
    enough = np.bincount(rows[above], minlength=n_rows) >= n
    return above | ~enough[rows]
