#!/usr/bin/env python3
"""What extraction adds to an index build, counted in machine instructions (valgrind), not seconds.

    python bench/extraction_instructions.py [--stories 400]

Builds the index of N Reuters stories in one process, with extraction and without it (the entity
and event stages replaced by no-ops, as bench/extraction.py does), each under valgrind's
cachegrind, and the same for one story; the one-story counts (start-up, imports, patterns) are
subtracted, and the script prints each build's instructions and extraction's share. Instruction
counts do not move with the machine's load, where bench/extraction.py's wall-clock times swung by
half on the same code within an hour: use this one to tell whether a change helps, that one for
the seconds. The builds run with one hash seed (PYTHONHASHSEED=0) and in the same folders every
time: with random ones a count moved by up to 250 M; it still moves by about 30 M (0.3 points)
between runs of the same code. Needs valgrind (`apt-get install valgrind`);
takes a few minutes (the builds run about fifty times slower under it, two at a time). The share
grows with the corpus: 400 stories gave +27.7% where 2,000, the scale of bench/extraction.py,
gave +31.6% on the same code; count at 2,000 before saying the target is met. Instructions do
not see the processor's caches: running each stage on a batch of files (prepared.read_many)
left the counts as they were and cut extraction's seconds by about a third; the target is
bench/extraction.py's seconds.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reuters import write_corpus  # noqa: E402

BUILD = """
import sys
from pathlib import Path
from perucases.index import build, prepared
stages, corpus, ix = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if stages == "none":
    prepared.extract = lambda paragraphs, gaz: ([], {})
    prepared.doc_events = lambda doc: []
build.update(ix, [corpus], procs=1)
"""


def instructions(stages: str, corpus: Path) -> int:
    ix = corpus.parent / f"index-{stages}-{corpus.name}"  # the same path every time (see main)
    r = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
        + [sys.executable, "-c", BUILD, stages, str(corpus), str(ix)],
        capture_output=True,
        text=True,
        check=True,
        # not in the folder it was started from: `python -c` puts that first on its path, and from
        # a checkout it would count the checkout's sources, not the installed (compiled) package
        cwd=corpus.parent,
        # one hash seed: with a random one, the order of sets and dicts moved a count by 50 M or more
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    m = re.search(r"I\s+refs:\s+([\d,]+)", r.stderr)
    if m is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{r.stderr[-2000:]}")
    return int(m.group(1).replace(",", ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stories", type=int, default=400)
    args = ap.parse_args()
    # Fixed paths, not random temporary names: the paths' hashes order sets and dicts, and with
    # new names each run the same code's count moved by up to 250 M.
    work = Path(tempfile.gettempdir()) / "perucases-bench-instructions"
    shutil.rmtree(work, ignore_errors=True)
    try:
        many, one = work / "many", work / "one"
        n = write_corpus(many, args.stories)
        if n < 2 or write_corpus(one, 1) != 1:
            raise SystemExit("no Reuters stories found (bench/reuters.py: ../shared/data/reuters21578)")
        runs = [(s, c) for c in (many, one) for s in ("none", "all")]
        with ThreadPoolExecutor(2) as pool:
            got = dict(zip(runs, pool.map(lambda run: instructions(*run), runs), strict=True))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    none, both = (got[(s, many)] - got[(s, one)] for s in ("none", "all"))
    print(f"instructions of a build of {n} stories, less those of a build of one (start-up)")
    print(f"  without extraction  {none / 1e9:7.3f} G")
    print(f"  with extraction     {both / 1e9:7.3f} G   (+{100 * (both / none - 1):.1f}%; target: at most 30%)")
    print(f"  with start-up: {got[('none', many)] / 1e9:.3f} G and {got[('all', many)] / 1e9:.3f} G")


if __name__ == "__main__":
    main()
