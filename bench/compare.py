#!/usr/bin/env python3
"""Two installs of perucases side by side, in turn: the Reuters build, updates and queries.

    python bench/compare.py OLD_BIN NEW_BIN [--old-bench OLD/bench/run.py] [--rounds 3]
                            [--stories N] [--json FILE]

OLD_BIN and NEW_BIN are the `bin` folders of two virtual environments, each with perucases
installed (a wheel of each commit: `pip install --no-deps --force-reinstall CHECKOUT`). Each round
runs, for one install then the other (the order alternates from round to round, so that a slow
minute of a shared machine does not fall on one side only): a full build of the Reuters stories
(wall and CPU seconds, the extraction processes included), an update with nothing changed, an
update with 100 files added (copies of 100 stories with a changed line, removed again after the
round), and bench/run.py's queries in process on the index built (p50 and p95 and the sum of all).
An old commit's Python API may differ: --old-bench names that commit's bench/run.py, whose query
script is then used for the old install. Prints each round and the medians.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from reuters import write_corpus  # noqa: E402
from run import pct  # noqa: E402  (the scale benchmark's percentile, so that p95 means the same here)


def _bench_module(path: Path):
    spec = importlib.util.spec_from_file_location(f"run_{abs(hash(str(path)))}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (of the process and its children) of CMD, which must succeed."""
    r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {p.stderr[-800:]}")
    return wall, r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime


def one_round(name: str, bindir: Path, bench, corpus: Path, tmp: Path, k: int) -> dict:
    exe = str(bindir / "perucases")
    ix = tmp / f"ix-{name}"
    shutil.rmtree(ix, ignore_errors=True)
    build, build_cpu = _timed([exe, "index", str(corpus), "--index", str(ix)])
    nothing = _timed([exe, "index", str(corpus), "--index", str(ix)])[0]
    added = []
    for j, f in enumerate(sorted(corpus.glob("reuters-*.txt"))[k * 100 : (k + 1) * 100]):
        p = corpus / f"added-{name}-{k}-{j:03d}.txt"
        p.write_text(f.read_text(encoding="utf-8").replace("Reuter", f"Reuter (added {k})"), encoding="utf-8")
        added.append(p)
    try:
        hundred = _timed([exe, "index", str(corpus), "--index", str(ix)])[0]
    finally:
        for p in added:
            p.unlink()
    script = tmp / f"latency-{name}.py"
    script.write_text(bench.QUERY_LATENCY, encoding="utf-8")
    args = [str(bindir / "python"), str(script), str(ix), json.dumps(bench.QUERIES), json.dumps(bench.DATE_QUERIES)]
    times = sorted(json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)["times"])
    return {
        "build_s": build,
        "build_cpu_s": build_cpu,
        "nothing_changed_s": nothing,
        "100_added_s": hundred,
        "query_p50_ms": statistics.median(times) * 1000,
        "query_p95_ms": pct(times, 95) * 1000,
        "queries_total_s": sum(times),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path, help="the bin folder of the old install")
    ap.add_argument("new", type=Path, help="the bin folder of the new install")
    ap.add_argument("--old-bench", type=Path, default=HERE / "run.py", help="the old commit's bench/run.py")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--stories", type=int, default=None, help="how many stories (default: every one with a body)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    sides = {"old": (args.old, _bench_module(args.old_bench)), "new": (args.new, _bench_module(HERE / "run.py"))}
    results: dict[str, list[dict]] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory(prefix="perucases-compare-") as tmp_name:
        tmp = Path(tmp_name)
        corpus = tmp / "corpus"
        print(f"{write_corpus(corpus, args.stories)} stories", flush=True)
        for k in range(args.rounds):
            order = ["old", "new"] if k % 2 == 0 else ["new", "old"]
            for name in order:
                bindir, bench = sides[name]
                r = one_round(name, bindir, bench, corpus, tmp, k)
                results[name].append(r)
                print(name, k, {key: round(v, 2) for key, v in r.items()}, flush=True)
    medians = {
        name: {key: round(statistics.median(r[key] for r in rs), 3) for key in rs[0]} for name, rs in results.items()
    }
    print("medians:")
    for key in medians["old"]:
        old, new = medians["old"][key], medians["new"][key]
        print(f"  {key:18} old {old:9.3f}  new {new:9.3f}  {100 * (new / old - 1):+6.1f}%")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"rounds": results, "medians": medians}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
