#!/usr/bin/env python3
"""What entity extraction adds to indexing: the seeds, and N Reuters-21578 stories.

    python bench/extraction.py [--stories 2000] [--runs 3] [--json bench/results/extraction.json]

Builds the index from scratch with extraction and without it (the extract stage replaced by a
no-op), alternating, in one process, and prints the median times and the overhead. Issue 3's
target: extraction adds at most 30%.
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

from perucases.index import build  # noqa: E402
from perucases.index.location import bundled_seeds  # noqa: E402


def timed_build(corpus: Path, tmp: Path, extraction: bool) -> float:
    real = build.extract
    if not extraction:
        build.extract = lambda paragraphs, gaz: ([], {})
    try:
        ix = Path(tempfile.mkdtemp(dir=tmp))
        t0 = time.perf_counter()
        build.update(ix, [corpus])
        return time.perf_counter() - t0
    finally:
        build.extract = real


def measure(corpus: Path, tmp: Path, runs: int) -> dict:
    with_e, without = [], []
    for _ in range(runs):
        without.append(timed_build(corpus, tmp, False))
        with_e.append(timed_build(corpus, tmp, True))
    a, b = statistics.median(with_e), statistics.median(without)
    return {"with_extraction_s": round(a, 3), "without_s": round(b, 3), "overhead_pct": round(100 * (a / b - 1), 1)}


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
    print(f"{'corpus':<34} {'with':>8} {'without':>8} {'overhead':>9}  (target: at most 30%)")
    for name, r in results.items():
        print(f"{name:<34} {r['with_extraction_s']:>7.2f}s {r['without_s']:>7.2f}s {r['overhead_pct']:>8.1f}%")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
