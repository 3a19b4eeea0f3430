#!/usr/bin/env python3
"""What extraction (entities and dated events) adds to indexing: the seeds, and N Reuters stories.

    python bench/extraction.py [--stories 2000] [--runs 3] [--procs N] [--json bench/results/extraction.json]

Builds the index from scratch with extraction and without it (the entity and event stages
replaced by no-ops), alternating, in one process, and prints the median times and the overhead;
then the overhead of the best of the runs (the run least slowed by the rest of the machine) and
of the CPU seconds the builds took (this process and its extraction processes); then the median
of each round's own overhead (a round's builds run one after the other, so their ratio sees the
machine in one state, where a median or a best over minutes mixes its states). --procs 1 builds
in this process alone, as bench/extraction_instructions.py counts. Target (issues 3, 4 and 15):
extraction adds at most 30%.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reuters import write_corpus  # noqa: E402

from perucases.index import build, prepared  # noqa: E402
from perucases.index.location import bundled_seeds  # noqa: E402


def timed_build(corpus: Path, tmp: Path, stages: str, procs: int | None = None) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds) of a full build with STAGES: "none", "entities", or "all"
    (entities and events). The CPU seconds count the extraction processes (joined by the build)."""
    real_entities, real_events = prepared.extract, prepared.doc_events
    if stages == "none":
        prepared.extract = lambda paragraphs, gaz: ([], {})
    if stages in ("none", "entities"):
        prepared.doc_events = lambda doc: []
    try:
        ix = Path(tempfile.mkdtemp(dir=tmp))
        c0, t0 = os.times(), time.perf_counter()
        build.update(ix, [corpus], procs=procs)
        wall, c1 = time.perf_counter() - t0, os.times()
        cpu = sum(c1[:4]) - sum(c0[:4])  # user and system, of this process and of its children
        return wall, cpu
    finally:
        prepared.extract, prepared.doc_events = real_entities, real_events


def measure(corpus: Path, tmp: Path, runs: int, procs: int | None = None) -> dict:
    times: dict[str, list[float]] = {"none": [], "entities": [], "all": []}
    cpu: dict[str, list[float]] = {"none": [], "entities": [], "all": []}
    for _ in range(runs):
        for stages in times:
            wall, seconds = timed_build(corpus, tmp, stages, procs)
            times[stages].append(wall)
            cpu[stages].append(seconds)
    none, ents, both = (statistics.median(times[k]) for k in ("none", "entities", "all"))
    # each round's builds run back to back: their ratio sees the machine in one state
    paired = statistics.median(a / n for a, n in zip(times["all"], times["none"], strict=True))
    paired_cpu = statistics.median(a / n for a, n in zip(cpu["all"], cpu["none"], strict=True))
    best_none, best_all = min(times["none"]), min(times["all"])
    cpu_none, cpu_all = min(cpu["none"]), min(cpu["all"])
    return {
        "best_without_s": round(best_none, 3),
        "best_all_s": round(best_all, 3),
        "best_all_pct": round(100 * (best_all / best_none - 1), 1),
        "cpu_without_s": round(cpu_none, 3),
        "cpu_all_s": round(cpu_all, 3),
        "cpu_all_pct": round(100 * (cpu_all / cpu_none - 1), 1),
        "paired_pct": round(100 * (paired - 1), 1),
        "paired_cpu_pct": round(100 * (paired_cpu - 1), 1),
        "without_s": round(none, 3),
        "entities_s": round(ents, 3),
        "all_s": round(both, 3),
        "entities_pct": round(100 * (ents / none - 1), 1),
        "events_pct": round(100 * (both / ents - 1), 1),
        "all_pct": round(100 * (both / none - 1), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stories", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--procs", type=int, default=None, help="extraction processes (default: the build's own choice)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        results["seeds (5 documents)"] = measure(bundled_seeds(), tmp, max(args.runs, 5), args.procs)
        folder = tmp / "reuters"
        n = write_corpus(folder, args.stories)
        results[f"Reuters-21578 ({n} stories)"] = measure(folder, tmp, args.runs, args.procs)
    print("full index build, median seconds; overhead of each extraction stage (target: at most 30%)")
    print(f"{'corpus':<34} {'none':>7} {'+ent':>7} {'+events':>8} {'entities':>9} {'events':>7} {'both':>7}")
    for name, r in results.items():
        print(
            f"{name:<34} {r['without_s']:>7.2f} {r['entities_s']:>7.2f} {r['all_s']:>8.2f} "
            f"{r['entities_pct']:>8.1f}% {r['events_pct']:>6.1f}% {r['all_pct']:>6.1f}%"
        )
    print("best of the runs, and CPU seconds (least of the runs; the extraction processes included)")
    print(f"{'corpus':<34} {'none':>7} {'both':>7} {'overhead':>9} {'cpu none':>9} {'cpu both':>9} {'overhead':>9}")
    for name, r in results.items():
        print(
            f"{name:<34} {r['best_without_s']:>7.2f} {r['best_all_s']:>7.2f} {r['best_all_pct']:>8.1f}% "
            f"{r['cpu_without_s']:>9.2f} {r['cpu_all_s']:>9.2f} {r['cpu_all_pct']:>8.1f}%"
        )
    print("paired: the median, over the rounds, of each round's overhead (its builds run one after the other)")
    print(f"{'corpus':<34} {'seconds':>9} {'cpu':>9}")
    for name, r in results.items():
        print(f"{name:<34} {r['paired_pct']:>8.1f}% {r['paired_cpu_pct']:>8.1f}%")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
