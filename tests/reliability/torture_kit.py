"""Kill -9 torture of the real CLI: imports and mark commands killed at random moments.

After every kill the library is checked from outside (a fresh SQLite connection, as the next
start would see it): `PRAGMA integrity_check` and `foreign_key_check` clean, every decision
whose command had returned present (the one killed in flight either wholly applied or not at
all: it was one transaction), no paper that a clean import would not have. At the end the
imports are re-run and must give exactly the papers of a clean import, and the search index,
healed by the next start, must answer every query as a fresh rebuild does.

Seeded: the same seed gives the same inputs, commands and kill delays (the moment a delay
lands in a command's life still varies with the machine's load).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from triage_app.core.store import open_library

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 24)
TAGS = ("survey", "RL", "to read", "méthodes", "🔥 hot")
NOTES = (
    "",
    "plain note",
    "two\nlines",
    "<b>bold?</b> <img src=x>",
    "עברית מימין לשמאל",
    "emoji 🧪🔬",
    'quote " comma , 100% {brace} \\ back',
)
QUERIES = ("survey", "plain", "emoji", "lines")

State = tuple[str, bool, int | None, str, tuple[str, ...]]  # status, star, rating, note, tags
DEFAULT: State = ("new", False, None, "", ())


@dataclass
class Outcome:
    kills: int = 0
    import_kills: int = 0
    mark_kills: int = 0
    commands_returned: int = 0
    decisions_checked: int = 0
    decisions_lost: int = 0
    integrity_failures: int = 0
    index_checks: int = 0
    index_mismatches: int = 0
    reimport_exact: bool = False
    papers: int = 0
    files: int = 0  # listing files imported: the three first ones and those added on the way
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"kills survived: {self.kills} ({self.import_kills} during imports, "
            f"{self.mark_kills} during marks); commands returned: {self.commands_returned}; "
            f"decisions checked: {self.decisions_checked}; decisions lost: "
            f"{self.decisions_lost}; integrity failures: {self.integrity_failures}; index "
            f"checks: {self.index_checks}, mismatches: {self.index_mismatches}; re-import "
            f"exact: {self.reimport_exact} ({self.papers} papers from {self.files} files); "
            f"{self.seconds:.0f} s"
        )


# ------------------------------------------------------------------ inputs
def write_entries(path: Path, entries: list) -> Path:
    from tests.perf.corpus import render_scored

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(render_scored(e) for e in entries), encoding="utf-8")
    return path


def make_inputs(folder: Path, papers: int, seed: int) -> dict[Path, list]:
    """Three listings; the third repeats half of each of the others (merges on re-import)."""
    from tests.perf.corpus import generate_entries

    first = list(generate_entries(papers, seed * 10 + 1))
    second = list(generate_entries(papers, seed * 10 + 2))
    third = first[papers // 2 :] + second[: papers // 2]
    return {
        write_entries(folder / name, entries): entries
        for name, entries in (("a.txt", first), ("b.txt", second), ("c.txt", third))
    }


def canonical_papers(db: Path, *, with_sources: bool = True) -> list[tuple]:
    """Every paper as comparable data (no ids, no timestamps), sorted."""
    conn = sqlite3.connect(db)
    try:
        sources: dict[int, list[tuple]] = {}
        if with_sources:
            for pid, fname, chash, line in conn.execute(
                "SELECT paper_id, file_name, content_hash, line FROM source"
            ):
                sources.setdefault(pid, []).append((fname, chash, line))
        rows = conn.execute(
            "SELECT id, title, authors, et_al, affiliations, category, published, "
            "year_inferred, score, has_code, abstract FROM paper"
        ).fetchall()
    finally:
        conn.close()
    return sorted((*r[1:], tuple(sorted(sources.get(r[0], ())))) for r in rows)


def reference_papers(workdir: Path, inputs: list[Path]) -> list[tuple]:
    from triage_app.core.ingest.importer import import_path

    folder = workdir / "reference"
    shutil.rmtree(folder, ignore_errors=True)
    with open_library(folder) as library:
        for path in inputs:
            report = import_path(library, path, as_of=AS_OF)
            assert report.refused is None and not report.skipped, report.summary()
    return canonical_papers(folder / "library.sqlite")


# ---------------------------------------------------------------- commands
def cli(library: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "triage_app", "--library", str(library), *args]


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def start(cmd: list[str]) -> subprocess.Popen:
    # Own session: the kill reaches the command and anything it started, nothing else.
    return subprocess.Popen(
        cmd,
        cwd=REPO,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


GUI_DRIVER = Path(__file__).with_name("gui_driver.py")


def drive_window(*args: str) -> subprocess.Popen:
    """The real window run by gui_driver.py (text output, in a session of its own)."""
    return subprocess.Popen(
        [sys.executable, str(GUI_DRIVER), *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def generated_library(tmp_path: Path, papers: int, seed: int) -> Path:
    """`tmp_path/lib` holding `papers` generated papers, imported through the real path."""
    from tests.perf.corpus import write_listing
    from triage_app.core.ingest.importer import import_path

    folder = tmp_path / "lib"
    with open_library(folder) as library:
        report = import_path(
            library, write_listing(tmp_path / "first.txt", papers, seed=seed), as_of=AS_OF
        )
        assert report.new == papers
    return folder


def run_or_kill(cmd: list[str], delay: float | None) -> tuple[bool, subprocess.Popen, bytes]:
    """Run `cmd`; kill -9 it after `delay` s unless it returned. (killed?, process, stderr)"""
    proc = start(cmd)
    try:
        _, err = proc.communicate(timeout=delay)
        return False, proc, err
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return True, proc, b""


def import_args(path: Path) -> list[str]:
    return ["import", str(path), "--as-of", AS_OF.isoformat(), "--quiet"]


@dataclass(frozen=True)
class MarkCommand:
    ids: tuple[int, ...]
    args: tuple[str, ...]
    patch: object  # DecisionPatch


def random_mark(rng: random.Random, ids: list[int]) -> MarkCommand:
    from triage_app.core.triage.decisions import DecisionPatch

    chosen = tuple(sorted(rng.sample(ids, k=min(len(ids), rng.choice((1, 1, 2, 3))))))
    args: list[str] = []
    kw: dict[str, object] = {}
    kind = rng.choice(("star", "rating", "tag", "note", "status", "mixed"))
    if kind in ("star", "mixed"):
        on = rng.random() < 0.7
        args.append("--star" if on else "--unstar")
        kw["starred"] = on
    if kind in ("rating", "mixed"):
        if rng.random() < 0.2:
            args.append("--no-rating")
            kw["rating"] = None
        else:
            n = rng.randint(1, 5)
            args += ["--rating", str(n)]
            kw["rating"] = n
    if kind in ("tag", "mixed"):
        add = rng.sample(TAGS, k=rng.randint(0, 2))
        remove = [t for t in rng.sample(TAGS, k=rng.randint(0, 1)) if t not in add]
        if not add and not remove:
            add = [TAGS[0]]
        for t in add:
            args += ["--tag", t]
        for t in remove:
            args += ["--untag", t]
        kw["add_tags"], kw["remove_tags"] = tuple(add), tuple(remove)
    if kind in ("note", "mixed"):
        note = rng.choice(NOTES)
        args += ["--note", note]
        kw["note"] = note
    if kind == "status":
        status = rng.choice(("kept", "dismissed", "new"))
        args.append({"kept": "--keep", "dismissed": "--dismiss", "new": "--reset"}[status])
        kw["status"] = status
    return MarkCommand(chosen, ("mark", *map(str, chosen), *args), DecisionPatch(**kw))


def apply_patch(state: State, patch: object, pid: int) -> State:
    from triage_app.core.records.paper_record import DecisionState

    before = DecisionState(
        paper_id=pid,
        status=state[0],
        starred=state[1],
        rating=state[2],
        note=state[3],
        tags=state[4],
        decided_at=None,
    )
    after = patch.apply_to(before, "now")  # type: ignore[attr-defined]
    return (after.status, after.starred, after.rating, after.note, after.tags)


def read_states(db: Path) -> dict[int, State]:
    """Every paper's decisions; {} for a file a kill left before the schema's transaction
    (SQLite creates the file on connect, the tables come in one commit after)."""
    conn = sqlite3.connect(db)
    try:
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            return {}
        tags: dict[int, list[str]] = {}
        for pid, name in conn.execute(
            "SELECT pt.paper_id, t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id"
        ):
            tags.setdefault(pid, []).append(name)
        return {
            pid: (
                status,
                bool(starred),
                rating,
                note or "",
                tuple(sorted(tags.get(pid, ()), key=str.casefold)),
            )
            for pid, status, starred, rating, note in conn.execute(
                "SELECT id, status, starred, rating, note FROM paper"
            )
        }
    finally:
        conn.close()


# ---------------------------------------------------------------- checking
def integrity_problems(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        found = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        problems = [] if found == ["ok"] else found[:5]
        problems += [f"foreign key: {r}" for r in conn.execute("PRAGMA foreign_key_check")]
        return problems
    finally:
        conn.close()


def index_differences(library_dir: Path, scratch: Path, queries: list[str]) -> list[str]:
    """Heal the index as the next start does, then compare with a rebuild from scratch."""
    try:
        from triage_app.core.search.index import sync_index
        from triage_app.core.search.service import search_ids
    except ModuleNotFoundError:
        return []

    def answers(folder: Path) -> dict[str, list[int]]:
        with open_library(folder) as library:
            sync_index(library)
            return {q: sorted(search_ids(library, q)) for q in queries}

    healed = answers(library_dir)
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    for name in ("library.sqlite", "library.sqlite-wal"):
        if (library_dir / name).exists():
            shutil.copy2(library_dir / name, scratch / name)
    fresh = answers(scratch)
    return [
        f"query {q!r}: healed index gives {len(healed[q])} hits, rebuild {len(fresh[q])}"
        for q in queries
        if healed[q] != fresh[q]
    ]


# ------------------------------------------------------------------- driver
class Torture:
    def __init__(
        self,
        workdir: Path,
        *,
        kills: int,
        seed: int,
        papers: int,
        index_every: int,
        log: Callable[[str], None],
    ) -> None:
        self.workdir = workdir
        self.lib = workdir / "library"
        self.db = self.lib / "library.sqlite"
        self.kills_wanted = kills
        self.rng = random.Random(seed)
        self.seed = seed
        self.papers = papers
        self.index_every = index_every
        self.log = log
        self.out = Outcome()
        self.model: dict[int, State] = {}
        self.queries = list(QUERIES)

    def expected(self, pid: int) -> State:
        return self.model.get(pid, DEFAULT)

    def calibrate(self, inputs: list[Path]) -> tuple[float, float]:
        scratch = self.workdir / "calibrate"
        shutil.rmtree(scratch, ignore_errors=True)
        t0 = time.monotonic()
        done = subprocess.run(
            cli(scratch, *import_args(inputs[0])), cwd=REPO, env=_env(), capture_output=True
        )
        t_import = time.monotonic() - t0
        assert done.returncode == 0, done.stderr.decode()
        t0 = time.monotonic()
        done = subprocess.run(
            cli(scratch, "mark", "1", "--star"), cwd=REPO, env=_env(), capture_output=True
        )
        t_mark = time.monotonic() - t0
        assert done.returncode == 0, done.stderr.decode()
        shutil.rmtree(scratch, ignore_errors=True)
        return t_import, t_mark

    def next_input(self) -> Path:
        """A file the library has not finished: an unfinished one, or a new one whose half
        repeats papers of an earlier file (so its import merges as well as inserts)."""
        unfinished = [p for p in self.inputs if p not in self.finished]
        if unfinished and self.rng.random() < 0.6:
            return self.rng.choice(unfinished)
        from tests.perf.corpus import generate_entries

        k = len(self.inputs)
        fresh = list(generate_entries(self.papers // 2, self.seed * 1000 + k))
        earlier = list(self.inputs)[self.rng.randrange(k)]
        repeated = self.rng.sample(self.inputs[earlier], k=self.papers // 2)
        entries = fresh + repeated
        self.rng.shuffle(entries)
        path = write_entries(self.workdir / "inputs" / f"more-{k:03d}.txt", entries)
        self.inputs[path] = entries
        self.out.files = len(self.inputs)
        return path

    def run(self) -> Outcome:
        started = time.monotonic()
        self.inputs = make_inputs(self.workdir / "inputs", self.papers, self.seed)
        self.finished: set[Path] = set()
        self.out.files = len(self.inputs)
        titles = [e.title for entries in self.inputs.values() for e in entries[:2]]
        words = [w for t in titles for w in (t or "").split()]
        self.queries += [w for w in words if w.isalpha() and len(w) >= 4][:3]
        t_import, t_mark = self.calibrate(list(self.inputs))
        self.log(f"calibration: import {t_import:.1f} s, mark {t_mark:.1f} s")
        shutil.rmtree(self.lib, ignore_errors=True)
        rounds = 0
        while self.out.kills < self.kills_wanted:
            rounds += 1
            ids = list(read_states(self.db)) if self.db.exists() else []
            if ids and self.rng.random() < 0.5:
                self.mark_round(ids, t_mark)
            else:
                self.import_round(self.next_input(), t_import)
            self.check_after_kill()
            if self.index_every and rounds % self.index_every == 0:
                self.check_index()
        self.finish(list(self.inputs), reference_papers(self.workdir, list(self.inputs)))
        self.out.seconds = time.monotonic() - started
        return self.out

    def import_round(self, path: Path, t_import: float) -> None:
        killed, proc, err = run_or_kill(
            cli(self.lib, *import_args(path)), self.rng.uniform(0.25, 1.0) * t_import
        )
        if killed:
            self.out.kills += 1
            self.out.import_kills += 1
            self.log(f"kill {self.out.kills}: import {path.name}")
        elif proc.returncode != 0:
            self.out.problems.append(f"import {path.name} exit {proc.returncode}: {err[-500:]}")
        else:
            self.out.commands_returned += 1
            self.finished.add(path)

    def mark_round(self, ids: list[int], t_mark: float) -> None:
        for _ in range(self.rng.randint(0, 2)):
            command = random_mark(self.rng, ids)
            done = subprocess.run(
                cli(self.lib, *command.args), cwd=REPO, env=_env(), capture_output=True
            )
            if done.returncode != 0:
                self.out.problems.append(
                    f"{command.args} exit {done.returncode}: {done.stderr[-500:]!r}"
                )
                continue
            self.returned(command)
        command = random_mark(self.rng, ids)
        killed, proc, err = run_or_kill(
            cli(self.lib, *command.args), self.rng.uniform(0.3, 1.0) * t_mark
        )
        if not killed:
            if proc.returncode == 0:
                self.returned(command)
            else:
                self.out.problems.append(f"{command.args} exit {proc.returncode}: {err[-500:]!r}")
            return
        self.out.kills += 1
        self.out.mark_kills += 1
        self.log(f"kill {self.out.kills}: {' '.join(command.args)[:70]!r}")
        # In flight: one transaction, so either every paper changed or none did.
        actual = read_states(self.db)
        before = {pid: self.expected(pid) for pid in command.ids}
        after = {pid: apply_patch(before[pid], command.patch, pid) for pid in command.ids}
        seen = {pid: actual.get(pid) for pid in command.ids}
        if seen == after:
            self.model.update(after)
        elif seen != before:
            self.out.problems.append(f"half-applied {command.args}: {seen} vs {before}/{after}")
            self.model.update({p: s for p, s in seen.items() if s is not None})

    def returned(self, command: MarkCommand) -> None:
        self.out.commands_returned += 1
        for pid in command.ids:
            self.model[pid] = apply_patch(self.expected(pid), command.patch, pid)

    def check_after_kill(self) -> None:
        if not self.db.exists():
            return
        problems = integrity_problems(self.db)
        if problems:
            self.out.integrity_failures += 1
            self.out.problems.append(f"integrity: {problems}")
        self.check_decisions()

    def check_decisions(self) -> None:
        actual = read_states(self.db)
        for pid, state in self.model.items():
            self.out.decisions_checked += 1
            if actual.get(pid) != state:
                self.out.decisions_lost += 1
                self.out.problems.append(f"paper {pid}: expected {state}, found {actual.get(pid)}")
        stray = [pid for pid, state in actual.items() if pid not in self.model and state != DEFAULT]
        if stray:
            self.out.problems.append(f"decisions nobody made on papers {stray[:10]}")

    def check_index(self) -> None:
        self.out.index_checks += 1
        diffs = index_differences(self.lib, self.workdir / "rebuilt", self.queries)
        if diffs:
            self.out.index_mismatches += 1
            self.out.problems.extend(diffs)

    def finish(self, inputs: list[Path], reference: list[tuple]) -> None:
        done = subprocess.run(
            cli(self.lib, "import", *map(str, inputs), "--as-of", AS_OF.isoformat(), "--quiet"),
            cwd=REPO,
            env=_env(),
            capture_output=True,
        )
        if done.returncode != 0:
            self.out.problems.append(f"final import exit {done.returncode}: {done.stderr!r}")
        self.check_after_kill()
        final = canonical_papers(self.db)
        self.out.papers = len(final)
        self.out.reimport_exact = final == reference
        if not self.out.reimport_exact:
            self.out.problems.append(
                f"re-import gives {len(final)} papers, a clean import {len(reference)}"
            )
        self.check_index()


def run_torture(
    workdir: Path,
    *,
    kills: int,
    seed: int,
    papers: int = 300,
    index_every: int = 0,
    log: Callable[[str], None] = print,
) -> Outcome:
    return Torture(
        workdir, kills=kills, seed=seed, papers=papers, index_every=index_every, log=log
    ).run()


def dump(outcome: Outcome) -> str:
    return json.dumps(outcome.__dict__, indent=1, ensure_ascii=False)
