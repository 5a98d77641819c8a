"""The "for you" order of the Inbox: new papers ranked by likeness to what the researcher kept.

As arxiv-sanity does: TF-IDF vectors of title and abstract, a linear classifier (logistic
regression, trained here in a few hundred numpy steps) separating what the researcher
starred, rated highly or kept from what they dismissed (plus a light sample of the inbox as
weak negatives), blended with the feed's own score. Offline and deterministic. Each rank
comes with its reasons: the terms that pushed it up or down most.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from itertools import chain

import numpy as np
from scipy import sparse

from triage_app.core.search import stem
from triage_app.core.store import Library

MODEL_WEIGHT = 0.85  # the rest is the feed score
MIN_DF = 2
WEAK_NEGATIVES = 200  # inbox papers sampled as weak negatives when few were dismissed
_WORD = re.compile(r"[a-z][a-z0-9]{2,}")
_STOP_WORDS = """the and for with that this from are was were our we their which these
using use used based can has have been into also its not but such than then there they
them more most other over under between via while when where both each all any one two
new show shows propose proposed approach method methods paper results work"""
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class Ranked:
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


def _load(library: Library) -> list[tuple[int, str, str, int, int | None, float | None, str]]:
    with library.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, coalesce(title, '') || ' ' || coalesce(title, '') || ' ' || abstract, "
            "status, starred, rating, score, published FROM paper"
        )
        return [tuple(r) for r in rows]


def rank_inbox(library: Library, limit: int | None = None, *, seed: int = 0) -> list[Ranked]:
    """New papers, best first, each with a few words on why."""
    rows = _load(library)
    inbox = [r for r in rows if r[2] == "new"]
    weights: dict[int, float] = {}
    for pid, _, status, starred, rating, _, _ in rows:
        if starred or (rating or 0) >= 4:
            weights[pid] = 2.0
        elif status == "kept" and not (rating and rating <= 2):
            weights[pid] = 1.0
        elif status == "dismissed" or (rating and rating <= 2):
            weights[pid] = -1.0
    feed = {r[0]: (r[5] or 0.0) / 100 for r in rows}
    if not any(w > 0 for w in weights.values()):
        ranked = sorted(inbox, key=lambda r: (-feed[r[0]], r[6] or "", r[0]))
        out = [Ranked(r[0], round(feed[r[0]], 4), by_feed_only=True) for r in ranked]
        return out[:limit] if limit is not None else out

    rng = random.Random(seed)
    negatives = [pid for pid, w in weights.items() if w < 0]
    weak = [r[0] for r in inbox]
    weak = rng.sample(weak, min(len(weak), max(0, WEAK_NEGATIVES - len(negatives))))
    train_ids = list(weights) + [pid for pid in weak if pid not in weights]
    wanted = set(train_ids)
    docs = [(r[0], r[1]) for r in rows if r[0] in wanted or r[2] == "new"]
    names, matrix = _tfidf([text for _, text in docs])
    row_of = {pid: i for i, (pid, _) in enumerate(docs)}
    x_train = matrix[[row_of[p] for p in train_ids]]
    y = np.array([1.0 if weights.get(p, -1) > 0 else 0.0 for p in train_ids])
    sample_w = np.array([abs(weights[p]) if p in weights else 0.3 for p in train_ids])
    w, b = _logistic(x_train, y, sample_w)

    x_inbox = matrix[[row_of[r[0]] for r in inbox]]
    logits = x_inbox @ w + b
    probs = 1 / (1 + np.exp(-logits))
    ups, downs = _reasons(x_inbox, w, names)
    out = []
    for k, r in enumerate(inbox):
        score = MODEL_WEIGHT * float(probs[k]) + (1 - MODEL_WEIGHT) * feed[r[0]]
        up, down = tuple(ups.get(k, ())), tuple(downs.get(k, ()))
        out.append(
            Ranked(r[0], round(score, 4), up, down, feed[r[0]] if feed[r[0]] >= 0.8 else None)
        )
    out.sort(key=lambda x: (-x.score, x.paper_id))
    return out[:limit] if limit is not None else out


def _tfidf(texts: list[str]) -> tuple[list[str], sparse.csr_matrix]:
    """TF-IDF rows of `texts` (sublinear tf, smoothed idf, L2-normalised) over the stems in
    at least MIN_DF of them, columns in stem order; and each column's name: the stem's most
    frequent surface word (the first seen on a tie).

    Whole-corpus array work: the Porter stemmer (~9 µs a call) runs once per distinct word,
    and counting is one sort of (document, stem) keys, so a 100,000-paper Inbox (~14 million
    words) is not a Python loop per word."""
    lists = [_WORD.findall(t.lower()) for t in texts]
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = list(chain.from_iterable(lists))
    words = list(dict.fromkeys(flat))  # distinct words, first seen first
    word_ids = {word: i for i, word in enumerate(words)}
    ids = np.fromiter(map(word_ids.__getitem__, flat), dtype=np.int64, count=len(flat))
    word_stems = [None if word in _STOP else stem(word) for word in words]
    stems = sorted({s for s in word_stems if s is not None})
    stem_ids = {s: i for i, s in enumerate(stems)}
    stem_of = np.array(
        [-1 if s is None else stem_ids[s] for s in word_stems] or [-1], dtype=np.int64
    )
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    kept = stem_of[ids] >= 0 if len(ids) else np.zeros(0, dtype=bool)
    doc, ids = doc[kept], ids[kept]
    term = stem_of[ids]
    n_stems = max(len(stems), 1)
    pairs, counts = np.unique(doc * n_stems + term, return_counts=True)
    pair_doc, pair_term = pairs // n_stems, pairs % n_stems
    df = np.bincount(pair_term, minlength=n_stems)
    in_vocab = df >= MIN_DF
    column = np.cumsum(in_vocab) - 1
    chosen = in_vocab[pair_term]
    pair_doc, pair_term, counts = pair_doc[chosen], pair_term[chosen], counts[chosen]
    cols = column[pair_term]
    idf = np.log((1 + len(texts)) / (1 + df[in_vocab])) + 1
    vals = (1 + np.log(counts)) * idf[cols]
    norms = np.sqrt(np.bincount(pair_doc, weights=vals**2, minlength=len(texts)))
    vals = vals / np.where(norms > 0, norms, 1.0)[pair_doc]
    matrix = sparse.csr_matrix((vals, (pair_doc, cols)), shape=(len(texts), int(in_vocab.sum())))
    # Column names: per stem, the word seen most often, the earliest on a tie.
    seen = np.bincount(ids, minlength=len(words))
    order = np.lexsort((np.arange(len(words)), -seen, stem_of[: len(words)]))
    first = order[np.r_[True, stem_of[order][1:] != stem_of[order][:-1]]] if len(order) else order
    best = {int(stem_of[i]): words[i] for i in first.tolist() if stem_of[i] >= 0}
    names = [best[i] for i in np.flatnonzero(in_vocab).tolist()]
    return names, matrix


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
    w = np.zeros(x.shape[1])
    b = 0.0
    total = sw.sum()
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = sw * (p - y)
        w -= lr * ((x.T @ g) / total + l2 * w)
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
    x: sparse.csr_matrix, w: np.ndarray, names: list[str]
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Per row, its three strongest terms for (over 0.002) and two against (under -0.002),
    all rows at once: only the entries past a threshold are sorted.

    A term's strength is its TF-IDF value x weight, times its IDF within these rows once
    more: a word most of the Inbox shares ranks no paper above another, so the reasons
    prefer the words that set this paper apart. Generic words (`_GENERIC_WORDS`) are never
    given as reasons. Ties go to the later column (up) or the earlier (down)."""
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    df = np.bincount(x.indices, minlength=x.shape[1])
    idf = np.log((1 + x.shape[0]) / (1 + df)) + 1
    generic = {stem(word) for word in _GENERIC_WORDS}
    telling = np.fromiter((stem(n) not in generic for n in names), dtype=bool, count=len(names))
    contrib = x.data * w[x.indices] * idf[x.indices]
    ok = telling[x.indices]
    return (
        _strongest(rows, x.indices, contrib, ok & (contrib > 0.002), 3, -1, names),
        _strongest(rows, x.indices, contrib, ok & (contrib < -0.002), 2, 1, names),
    )


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
    rows, cols = rows[chosen], cols[chosen].astype(np.int64)
    value = -sign * contrib[chosen]  # the best entry has the largest value...
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
