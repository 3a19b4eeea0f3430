#!/usr/bin/env python3
"""Score perucases' date extractor on TimeBank 1.2 + AQUAINT (TempEval-3's training data), DATE
expressions, with the scorer that ships beside the data (../shared/data/timebank/timex_eval.py).

    python bench/timebank.py [--json bench/results/timebank.json] [--errors N]

Prints the scorer's own report, then the four figures issue 4 names. The scorer's `anchor_acc`
divides by every matched gold expression, including those whose gold value is not a calendar
date (PRESENT_REF, 1989-Q3, 1998-W08, ...), so it cannot exceed the share of calendar values
among them (1008 of 1396 here, 0.72); the calendar-component accuracy is also given over the
gold calendar values alone, from the scorer's own counts.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "timebank"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--errors", type=int, default=0)
    args = ap.parse_args()
    base = [
        sys.executable,
        str(args.data / "timex_eval.py"),
        "run",
        str(args.data / "TimeBank"),
        str(args.data / "AQUAINT"),
        "--system",
        "perucases.extract.timex:timebank",
    ]
    if args.errors:
        subprocess.run([*base, "--errors", str(args.errors)], check=True)
    out = subprocess.run([*base, "--json"], check=True, capture_output=True, text=True).stdout
    r = json.loads(out[out.index("{") :])
    c = r["counts"]
    figures = {
        "strict F1": r["strict"]["F1"],
        "relaxed F1": r["relaxed"]["F1"],
        "value accuracy, exact": r["value_acc_exact"],
        "value accuracy, calendar components (scorer's anchor_acc)": r["value_acc_anchor"],
        "value accuracy, calendar components, over calendar gold": round(c["val_anchor"] / c["matched_iso"], 4),
        "value accuracy, exact, over calendar gold": r["value_acc_exact_on_iso_gold"],
    }
    print(
        f"DATE expressions: {c['n_gold']} gold, {c['relaxed_g']} found (relaxed), "
        f"{c['matched_iso']} of them with calendar gold values"
    )
    for name, v in figures.items():
        print(f"  {name:<58} {v:.3f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"figures": figures, "scorer": r}, indent=2) + "\n")


if __name__ == "__main__":
    main()
