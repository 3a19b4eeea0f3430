#!/usr/bin/env python3
"""CPU time of extraction against the rest of reading a file, in one process (no fork, no disk
writes timed): the seeds and N Reuters stories are read and cleaned once, then each stage of
`prepared.read_one` is timed with time.process_time, best of R rounds.

    python bench/extraction_cpu.py [--stories 1000] [--rounds 3] [--profile FILE]

Prints the seconds of ingest (read, clean, metadata, publication date), entities (`extract`),
events (`prepared.doc_events`) and records (`prepared.analyse`, `records.document_records`), and
extraction's share of the rest. --profile writes a cProfile of the entity and event stages to FILE (pstats format).
A steadier companion of bench/extraction.py: wall-clock times on a shared machine swing, CPU
time in one process much less.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reuters import write_corpus  # noqa: E402

from perucases.extract import prepare  # noqa: E402
from perucases.extract.gazetteer import load_gazetteer  # noqa: E402
from perucases.index import prepared, records  # noqa: E402
from perucases.index.location import bundled_seeds  # noqa: E402
from perucases.index.manifest import entry_hash  # noqa: E402
from perucases.ingest.corpus import CorpusFile  # noqa: E402
from perucases.ingest.document import ingest_file  # noqa: E402


def files(folder: Path) -> list[CorpusFile]:
    from perucases.ingest.document import reader_for

    return [
        CorpusFile(p, folder, p.name) for p in sorted(folder.iterdir()) if p.is_file() and reader_for(p) is not None
    ]


def stage_times(cfs, gaz, rounds: int, profile: Path | None = None) -> dict[str, float]:
    best: dict[str, float] = {}
    for r in range(rounds):
        t = dict.fromkeys(("ingest", "entities", "events", "records"), 0.0)
        prof = None
        if profile is not None and r == rounds - 1:
            import cProfile

            prof = cProfile.Profile()
        for cf in cfs:
            t0 = time.process_time()
            doc = ingest_file(cf)
            t1 = time.process_time()
            if prof:
                prof.enable()
            doc.mentions, doc.entities = prepared.extract([p.text for p in doc.paragraphs], gaz)
            t2 = time.process_time()
            doc.events = prepared.doc_events(doc)
            t3 = time.process_time()
            if prof:
                prof.disable()
            records.document_records(doc, prepared.analyse(doc), entry_hash(None))
            t4 = time.process_time()
            t["ingest"] += t1 - t0
            t["entities"] += t2 - t1
            t["events"] += t3 - t2
            t["records"] += t4 - t3
        if prof:
            prof.dump_stats(str(profile))
        for k, v in t.items():
            best[k] = min(best.get(k, v), v)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stories", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", type=Path, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        folder = tmp / "reuters"
        write_corpus(folder, args.stories)
        gaz = load_gazetteer(())
        prepare(tmp / "ix")
        cfs = files(bundled_seeds()) + files(folder)
        for cf in cfs[:20]:  # warm the lazy tables outside the timing
            ingest_file(cf)
        res = stage_times(cfs, gaz, args.rounds, args.profile)
    rest = res["ingest"] + res["records"]
    ext = res["entities"] + res["events"]
    print(
        f"{len(cfs)} files, CPU seconds (best of {args.rounds}): " + ", ".join(f"{k} {v:.2f}" for k, v in res.items())
    )
    print(
        f"extraction {ext:.2f} s = {100 * ext / rest:.1f}% of the rest ({rest:.2f} s); "
        f"entities {100 * res['entities'] / rest:.1f}%, events {100 * res['events'] / rest:.1f}%"
    )


if __name__ == "__main__":
    main()
