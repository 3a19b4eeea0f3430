#!/usr/bin/env python3
"""Start-up, search and re-index times on the bundled seeds, each as a new process.

    python bench/startup.py [--runs 20] [--json bench/results/startup.json]

Runs the installed `perucases` (the one beside this Python, else the one on PATH) against a
fresh temporary index, and prints the median, min and p90 of each command's wall time, next to
the targets from the issues. Timings live here, never in the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {  # seconds, median
    "perucases --help": 0.10,
    "perucases search 'Montesinos asylum'": 0.30,
    "perucases search (jsonl, 3 filters)": 0.30,
    "perucases search --format table": 0.30,
    "perucases docs": 0.30,
    "perucases show 003 --paragraphs 2-4": 0.30,
    "perucases index (nothing changed)": 0.50,
}


def find_command() -> str:
    exe = Path(sys.executable).parent / "perucases"
    found = str(exe) if exe.exists() else shutil.which("perucases")
    if not found:
        sys.exit("bench: the perucases command is not installed (pip install .)")
    return found


def timed(cmd: list[str], env: dict, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        out.append(time.perf_counter() - t0)
        if r.returncode not in (0, 1):
            sys.exit(f"bench: {' '.join(cmd)} failed: {r.stderr.decode()}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()
    exe = find_command()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PERUCASES_INDEX": str(Path(tmp) / "index")}
        t0 = time.perf_counter()
        subprocess.run([exe, "index"], env=env, check=True, stderr=subprocess.DEVNULL)
        first_build = time.perf_counter() - t0
        cases = {
            "perucases --help": [exe, "--help"],
            "perucases search 'Montesinos asylum'": [exe, "search", "Montesinos asylum"],
            "perucases search (jsonl, 3 filters)": [
                exe,
                "search",
                "Fujimori AND extradition",
                "--from",
                "2000",
                "--to",
                "2006",
                "--lang",
                "en",
                "--format",
                "jsonl",
            ],
            "perucases search --format table": [exe, "search", "Montesinos asylum", "--format", "table"],
            "perucases docs": [exe, "docs"],
            "perucases show 003 --paragraphs 2-4": [exe, "show", "003", "--paragraphs", "2-4"],
            "perucases index (nothing changed)": [exe, "index"],
        }
        py = [sys.executable, "-c", "pass"]
        imp = [sys.executable, "-c", "import whoosh.index, whoosh.qparser"]
        rows = {
            "python -c pass": timed(py, env, args.runs),
            "python -c 'import whoosh.index, whoosh.qparser'": timed(imp, env, args.runs),
        }
        for name, cmd in cases.items():
            timed(cmd, env, 2)  # warm the page cache
            rows[name] = timed(cmd, env, args.runs)
    print(
        f"perucases start-up on the seeds: {args.runs} runs each, wall time of a new process "
        f"(first build of the index: {first_build:.2f} s)"
    )
    print(f"{'command':<52} {'median':>8} {'min':>8} {'p90':>8} {'target':>8}")
    result = {"runs": args.runs, "first_build_s": round(first_build, 4), "commands": {}}
    for name, ts in rows.items():
        ts = sorted(ts)
        med, p90 = statistics.median(ts), ts[min(len(ts) - 1, int(0.9 * len(ts)))]
        target = TARGETS.get(name)
        mark = "" if target is None else (f"{target:.2f}" + (" ok" if med < target else " MISS"))
        print(f"{name:<52} {med:>8.3f} {ts[0]:>8.3f} {p90:>8.3f} {mark:>8}")
        result["commands"][name] = {
            "median_s": round(med, 4),
            "min_s": round(ts[0], 4),
            "p90_s": round(p90, 4),
            "target_s": target,
        }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
