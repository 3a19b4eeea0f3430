#!/usr/bin/env python3
"""A fingerprint of everything extraction finds, to show that a change meant to make it faster
finds the same: every mention, entity and event of the development sets' documents (N Reuters
stories, the real texts, the seeds, the realdocs pages and files) and every date expression of
the TimeBank texts, hashed.

    python bench/extraction_identity.py [--stories 2000]

Run it before and after the change (or with two installs' Pythons) and compare the two lines.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reuters import write_corpus  # noqa: E402

from perucases.extract import timex  # noqa: E402
from perucases.extract.entities import extract  # noqa: E402
from perucases.extract.gazetteer import load_gazetteer  # noqa: E402
from perucases.index import prepared  # noqa: E402
from perucases.index.location import bundled_seeds  # noqa: E402
from perucases.ingest.corpus import discover  # noqa: E402
from perucases.ingest.document import SkipFile, ingest_file  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def fingerprint(roots: list[Path], tml: list[Path]) -> tuple[int, str]:
    files, _ = discover(roots)
    gaz = load_gazetteer(())
    h = hashlib.sha256()
    n = 0
    for cf in sorted(files, key=lambda c: c.id):
        try:
            doc = ingest_file(cf, None)
        except SkipFile:
            continue
        doc.mentions, doc.entities = extract([p.text for p in doc.paragraphs], gaz)
        doc.events = prepared.doc_events(doc)
        mentions = [(m.paragraph, m.start, m.end, m.key) for m in doc.mentions]
        entities = sorted((k, e.name, e.type) for k, e in doc.entities.items())
        events = [tuple(vars(e).values()) for e in doc.events]
        h.update(repr((doc.id, mentions, entities, events)).encode())
        n += 1
    for f in tml:
        text = re.sub(r"<[^>]+>", "", f.read_text(encoding="utf-8"))
        h.update(repr([(t.start, t.end, t.value, t.text) for t in timex.find(text)]).encode())
        n += 1
    return n, h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stories", type=int, default=2000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        reuters = Path(tmp) / "reuters"
        reuters.mkdir()
        write_corpus(reuters, args.stories)
        dev = (DATA / "realtexts" / "texts", DATA / "realdocs")
        roots = [reuters, bundled_seeds(), *(p for p in dev if p.exists())]
        tml = sorted((DATA / "timebank").rglob("*.tml")) if (DATA / "timebank").exists() else []
        n, digest = fingerprint(roots, tml)
    print(f"{n} documents and texts: {digest}")


if __name__ == "__main__":
    main()
