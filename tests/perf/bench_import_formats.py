"""Benchmark: importing other tools' files, RIS and BibTeX, at 20,000 records.

    python tests/perf/bench_import_formats.py [--records 20000] [--small 5000] [--json out.json]

Generates realistic records (tests/perf/corpus.py: titles, names, abstracts, dates) as a
Zotero-style RIS file and a JabRef/arXiv-style BibTeX file (identifiers, keywords, decisions,
a TeX accent in some names), then imports each in a fresh process: records per second of the
whole import (sniff, read, merge, store), wall-clock and per CPU-second, and the peak
memory, for a small and a large file
(flat memory: the two peaks stay close). Target: >= 5,000 records/s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.perf.corpus import generate_entries  # noqa: E402

MEASURE = """
import re, resource, sys, time
from pathlib import Path
from triage_app.core.ingest.importer import import_path
from triage_app.core.store import open_library

from triage_app.core.ingest.foreign_formats import read_foreign
from triage_app.core.ingest.sources import decode_lines, open_source, sniff

def cpu_s():
    # This process and its finished children (a big BibTeX file is parsed in a child).
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime

# Reading alone first (sniff + the format's reader, nothing stored): where the time goes.
source = open_source(sys.argv[2])
kind = sniff(source)
read_cpu = cpu_s()
lines = (text for _, text, _ in decode_lines(source.stream))
read_count = sum(1 for _ in read_foreign(kind, lines, sys.argv[2]))
read_cpu = cpu_s() - read_cpu
source.stream.close()
with open_library(sys.argv[1]) as library:
    start, cpu = time.perf_counter(), cpu_s()
    report = import_path(library, sys.argv[2])
    took, cpu = time.perf_counter() - start, cpu_s() - cpu
    peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())[1])
    print(report.new, report.merged, report.skipped, round(took, 3), round(cpu, 3), peak // 1024,
          round(read_count / read_cpu))
"""


def _family_given(name: str) -> tuple[str, str]:
    given, _, family = name.rpartition(" ")
    return family, given


def write_ris(path: Path, n: int, seed: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        for i, e in enumerate(generate_entries(n, seed)):
            lines = ["TY  - JOUR", f"TI  - {e.title}"]
            lines += ["AU  - {}, {}".format(*_family_given(a)) for a in e.authors]
            lines += [f"AB  - {e.abstract}", f"PY  - {e.published.year}"]  # type: ignore[union-attr]
            lines.append(f"DA  - {e.published:%Y/%m/%d}/")
            lines.append(f"DO  - 10.5555/bench.{seed}.{i}")
            lines += ["KW  - machine learning", f"KW  - {e.category}"]
            if i % 3 == 0:
                lines.append("N1  - ASReview_relevant" if i % 2 else "N1  - ASReview_irrelevant")
            out.write("\r\n".join([*lines, "ER  - ", "", ""]))


def write_bibtex(path: Path, n: int, seed: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "% Encoding: UTF-8\n\n@string{neurips = {Advances in Neural Information"
            " Processing Systems}}\n\n"
        )
        for i, e in enumerate(generate_entries(n, seed)):
            names = [", ".join(_family_given(a)) for a in e.authors]
            if i % 10 == 0:
                names[0] = names[0].replace("o", '{\\"o}', 1)
            author = " and ".join(names) + (" and others" if e.et_al else "")
            title = e.title.replace(" LLMs", " {LLMs}")  # type: ignore[union-attr]
            fields = [
                f"  title = {{{title}}}",
                f"  author = {{{author}}}",
                f"  booktitle = neurips,\n  year = {{{e.published.year}}}",  # type: ignore[union-attr]
                f"  eprint = {{{2000 + (i // 90000)}.{i % 90000 + 10000:05d}v{1 + i % 3}}}",
                "  archivePrefix = {arXiv}",
                f"  primaryClass = {{cs.{e.category}}}",
                f"  abstract = {{{e.abstract}}}",
                "  keywords = {machine learning, rank3}" if i % 4 == 0 else "  keywords = {ml}",
            ]
            if i % 4 == 0:
                fields.append("  ranking = {rank3}")
            out.write(f"@inproceedings{{key{i},\n" + ",\n".join(fields) + ",\n}\n\n")


def run(path: Path, lib: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(lib), str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    new, merged, skipped, took, cpu, peak, read_rate = done.stdout.split()
    records = int(new) + int(merged)
    return {
        "records": records,
        "skipped": int(skipped),
        "seconds": float(took),
        "records_per_s": round(records / float(took)),
        # On a shared machine the wall clock counts the other jobs too; CPU time does not.
        "records_per_cpu_s": round(records / float(cpu)),
        "peak_mb": int(peak),
        "read_only_per_cpu_s": int(read_rate),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=5_000)
    parser.add_argument("--json")
    parser.add_argument("--formats", default="ris,bibtex", help="comma-separated: ris, bibtex")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for fmt, writer, ext in (("ris", write_ris, "ris"), ("bibtex", write_bibtex, "bib")):
            if fmt not in args.formats.split(","):
                continue
            for n in (args.small, args.records):
                path = work / f"{fmt}-{n}.{ext}"
                writer(path, n, seed=n)
                size_mb = path.stat().st_size / 1e6
                figures = run(path, work / f"lib-{fmt}-{n}")
                assert figures["records"] == n and figures["skipped"] == 0, figures
                results[f"{fmt}_{n}"] = {**figures, "file_mb": round(size_mb, 1)}
                print(
                    f"{fmt:6} {n:6} records ({size_mb:5.1f} MB): {figures['seconds']:6.2f} s, "
                    f"{figures['records_per_s']:6} records/s "
                    f"({figures['records_per_cpu_s']} per CPU-second; reading alone "
                    f"{figures['read_only_per_cpu_s']}), peak {figures['peak_mb']} MB"
                )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
