"""A longer fuzzing run than the tests', and the 100,000-tiny-files check.

    python bench/fuzz.py [--cases 20000] [--queries 3000] [--tiny 100000]

1. Random bytes and random hostile Unicode (NUL bytes, lone surrogates, bidi controls, escape
   sequences, long lines, no line breaks) through decoding, cleaning, entity and date extraction
   and events: any exception is a finding; every date must be ISO with first <= last.
2. Random strings as queries, date filters, entity names and ids through the Python API on the
   seeds' index: only PerucasesError (a one-line message, exit 2 in the CLI) may come out.
3. A folder of N tiny files indexed: time and peak memory.
Prints how many cases ran and every finding (type and a short repr of the input).
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PIECES = [
    "\x00",
    "\ud800",
    "\udfff",
    "\u202e",
    "\u202d",
    "\u2066",
    "\u200f",
    "\x1b[2J",
    "\x1b]0;x\x07",
    "\r",
    "\n\n",
    "\t",
    "\u2028",
    "\ufeff",
    "\u0301",
    "…",
    "“",
    "'",
    "September 26, 2000",
    "26 de septiembre de 2000",
    "last week",
    "the 1990s",
    "in 1995",
    "Alberto Fujimori",
    "Gen. Hermoza Ríos",
    "(SIN)",
    "Human Rights Watch",
    "$15m",
    "AND",
    "OR",
    "NOT",
    "(",
    ")",
    '"',
    "*",
    "~",
    "title:",
    "id:",
    ":",
    "1997-13-45",
    "99999",
    "-",
    "ñ",
    "ß",
    "İ",
    "\u0000" * 3,
]


def rand_text(rnd: random.Random, n: int) -> str:
    out = []
    for _ in range(rnd.randint(0, n)):
        r = rnd.random()
        if r < 0.35:
            out.append(rnd.choice(PIECES))
        elif r < 0.7:
            out.append("".join(chr(rnd.randint(32, 0x2FFF)) for _ in range(rnd.randint(1, 12))))
        else:
            out.append(" " + "".join(chr(rnd.randint(97, 122)) for _ in range(rnd.randint(1, 9))))
    return "".join(out)


def fuzz_pipeline(cases: int, rnd: random.Random) -> tuple[int, list]:
    from perucases.extract.entities import extract
    from perucases.extract.events import extract_events
    from perucases.extract.gazetteer import load_gazetteer
    from perucases.extract.timex import find
    from perucases.ingest.clean import clean
    from perucases.ingest.decode import SkipFile, decode

    gaz = load_gazetteer(())
    findings = []
    for k in range(cases):
        try:
            if k % 2:
                data = bytes(rnd.randint(0, 255) for _ in range(rnd.randint(0, 400)))
                try:
                    text = decode(data).text
                except SkipFile:
                    continue
            else:
                text = rand_text(rnd, 60)
                if k % 500 == 0:
                    text = text * 400  # long (100-200 KB), often with no line break
            c = clean(text)
            paras = [p.text for p in c.paragraphs]
            mentions, _ = extract(paras, gaz)
            for p in paras:
                for t in find(p, None):
                    if t.first is not None and not (t.last and t.first <= t.last):
                        findings.append(("date order", repr(p[:80])))
            extract_events(paras, None, mentions)
        except Exception as exc:  # noqa: BLE001 - every exception is a finding
            findings.append((f"{type(exc).__name__}: {exc}"[:120], repr(text[:80])))
    return cases, findings


def fuzz_queries(n: int, rnd: random.Random) -> tuple[int, list]:
    from perucases.errors import PerucasesError
    from perucases.index.location import bundled_seeds
    from perucases.library import Filters, Library

    findings = []
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "ix", [bundled_seeds()])
        ids = lib.ids()
        for k in range(n):
            s = rand_text(rnd, 8)
            try:
                kind = k % 6
                if kind == 0:
                    lib.search(s)
                elif kind == 1:
                    lib.search("Fujimori", Filters.parse(s or None, rand_text(rnd, 3) or None))
                elif kind == 2:
                    lib.entity(s)
                elif kind == 3:
                    lib.document(s if k % 12 else rnd.choice(ids)[: rnd.randint(0, 5)] + s)
                elif kind == 4:
                    lib.quotes(s)
                else:
                    lib.timeline(Filters.parse(s or None, None))
            except PerucasesError:
                pass
            except Exception as exc:  # noqa: BLE001
                findings.append((f"{type(exc).__name__}: {exc}"[:120], kind, repr(s[:60])))
    return n, findings


def tiny_files(n: int) -> dict:
    exe = shutil.which("perucases") or str(Path(sys.executable).parent / "perucases")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "tiny"
        for k in range(n):
            d = corpus / f"{k // 1000:03d}"
            if k % 1000 == 0:
                d.mkdir(parents=True)
            (d / f"n{k:06d}.txt").write_text(
                f"Note {k}\n\nMontesinos met the Colina group on day {k}.\n", encoding="utf-8"
            )
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        r = subprocess.run(
            [exe, "index", str(corpus), "--index", str(Path(tmp) / "ix")], capture_output=True, text=True
        )
        secs = time.perf_counter() - t
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        again = subprocess.run([exe, "index", "--index", str(Path(tmp) / "ix")], capture_output=True, text=True)
        nothing = time.perf_counter() - t
        return {
            "files": n,
            "exit": r.returncode,
            "seconds": secs,
            "peak_rss_MB": max(rss, before) / 1024,
            "nothing_changed_s": nothing,
            "again_exit": again.returncode,
            "message": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "",
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=20000)
    ap.add_argument("--queries", type=int, default=3000)
    ap.add_argument("--tiny", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    n, found = fuzz_pipeline(a.cases, rnd)
    print(f"pipeline: {n} random documents, {len(found)} finding(s)")
    for f in found[:20]:
        print("  ", f)
    n, found = fuzz_queries(a.queries, rnd)
    print(f"queries: {n} random queries, filters, names and ids, {len(found)} finding(s)")
    for f in found[:20]:
        print("  ", f)
    if a.tiny:
        print("tiny files:", tiny_files(a.tiny))


if __name__ == "__main__":
    main()
