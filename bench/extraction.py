#!/usr/bin/env python3
"""What extraction (entities and dated events) adds to indexing: the seeds, and N Reuters stories.

    python bench/extraction.py [--stories 2000] [--runs 3] [--json bench/results/extraction.json]

Builds the index from scratch with extraction and without it (the entity and event stages
replaced by no-ops), alternating, in one process, and prints the median times and the overhead.
Target (issues 3 and 4): extraction adds at most 30%.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reuters import write_corpus  # noqa: E402

from perucases.index import build, prepared  # noqa: E402
from perucases.index.location import bundled_seeds  # noqa: E402


def timed_build(corpus: Path, tmp: Path, stages: str) -> float:
    """Seconds for a full build with STAGES: "none", "entities", or "all" (entities and events)."""
    real_entities, real_events = prepared.extract, prepared.doc_events
    if stages == "none":
        prepared.extract = lambda paragraphs, gaz: ([], {})
    if stages in ("none", "entities"):
        prepared.doc_events = lambda doc: []
    try:
        ix = Path(tempfile.mkdtemp(dir=tmp))
        t0 = time.perf_counter()
        build.update(ix, [corpus])
        return time.perf_counter() - t0
    finally:
        prepared.extract, prepared.doc_events = real_entities, real_events


def measure(corpus: Path, tmp: Path, runs: int) -> dict:
    times: dict[str, list[float]] = {"none": [], "entities": [], "all": []}
    for _ in range(runs):
        for stages in times:
            times[stages].append(timed_build(corpus, tmp, stages))
    none, ents, both = (statistics.median(times[k]) for k in ("none", "entities", "all"))
    return {
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
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        results["seeds (5 documents)"] = measure(bundled_seeds(), tmp, max(args.runs, 5))
        folder = tmp / "reuters"
        n = write_corpus(folder, args.stories)
        results[f"Reuters-21578 ({n} stories)"] = measure(folder, tmp, args.runs)
    print("full index build, median seconds; overhead of each extraction stage (target: at most 30%)")
    print(f"{'corpus':<34} {'none':>7} {'+ent':>7} {'+events':>8} {'entities':>9} {'events':>7} {'both':>7}")
    for name, r in results.items():
        print(
            f"{name:<34} {r['without_s']:>7.2f} {r['entities_s']:>7.2f} {r['all_s']:>8.2f} "
            f"{r['entities_pct']:>8.1f}% {r['events_pct']:>6.1f}% {r['all_pct']:>6.1f}%"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
