"""`perucases index --check`: the index against its manifest and its corpus, without writing.

Damage (the index cannot be trusted: run `perucases index --rebuild`):
  the manifest is unreadable; the index files are missing or cannot be read; a document of the
  manifest is not in the index, or the index holds one the manifest does not know; a stored
  record cannot be read.
Staleness (a normal `perucases index` brings it up to date):
  files added, changed or removed since the last update.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from perucases.index import records
from perucases.index.manifest import Manifest, current_generation, make_plan, needs_rebuild


@dataclass
class CheckReport:
    damage: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    documents: int = 0

    @property
    def ok(self) -> bool:
        return not self.damage


def check(index_dir: Path) -> CheckReport:
    """The report on the index as one state: if a writer commits or switches to a new index while
    it is being read (the manifest or the latest generation changes), it is read again."""
    import time

    for attempt in range(20):
        seen = _version(index_dir)
        rep = _check(index_dir)
        if _version(index_dir) == seen:
            return rep
        time.sleep(min(0.5, 0.05 * (attempt + 1)))
    rep = CheckReport()
    rep.stale.append(
        "the index kept changing while it was being checked (another perucases process is "
        "writing it): check it again when that is done"
    )
    return rep


def _version(index_dir: Path) -> tuple:
    import os

    from perucases.index.manifest import MANIFEST

    try:
        st = os.stat(index_dir / MANIFEST)
        mark = (st.st_ino, st.st_mtime_ns, st.st_size)
    except OSError:
        mark = None
    manifest = Manifest.load(index_dir, max_files=0)
    return mark, manifest and current_generation(index_dir, manifest.indexname)


def _check(index_dir: Path) -> CheckReport:
    from perucases.ingest.catalog import load_catalog

    rep = CheckReport()
    manifest = Manifest.load(index_dir)
    if manifest is None:
        rep.damage.append(
            "the manifest is missing or unreadable"
            if (index_dir / "manifest.json").exists()
            else "there is no index here"
        )
        return rep
    why = needs_rebuild(manifest, index_dir)
    if why and "another version" not in why:
        rep.damage.append(why)
        return rep
    if why:
        rep.stale.append(why)
    interrupted = current_generation(index_dir, manifest.indexname) != manifest.generation
    if interrupted:
        rep.stale.append(
            "the index was committed after the manifest was last written (an interrupted update: "
            "the next update reconciles it)"
        )

    from perucases.index.store import open_index

    try:
        ix = open_index(index_dir, manifest.indexname)
    except Exception as exc:
        rep.damage.append(f"the index cannot be opened: {type(exc).__name__}: {exc}")
        return rep
    expected = {r.id for r in manifest.files.values() if not r.duplicate_of}
    found: dict[str, dict] = {}
    try:
        with ix.searcher() as s:
            for st in records.doc_records(s):
                found[st["id"]] = st
            for doc_id in found:
                if s.document(key=records.src_key(doc_id)) is None:
                    rep.damage.append(f"{doc_id}: its source text record is missing")
                for _ in records.paragraphs(s, doc_id):
                    pass  # every stored record must read
    except Exception as exc:
        rep.damage.append(f"a record cannot be read: {type(exc).__name__}: {exc}")
        return rep
    if interrupted:
        # The manifest's table is from before the last commit; the index is the truth (the next
        # update rebuilds the table from it): compare the corpus with what the index holds.
        from perucases.index.manifest import FileRecord

        manifest.files = {
            st["meta"]["path"]: FileRecord(
                doc_id, st["meta"]["size"], st["meta"]["mtime_ns"], st["meta"]["sha256"], st["meta"].get("catalog", "")
            )
            for doc_id, st in found.items()
        }
        expected = set(found)
    for doc_id in sorted(expected - set(found)):
        rep.damage.append(f"{doc_id}: in the manifest, missing from the index")
    for doc_id in sorted(set(found) - expected):
        rep.damage.append(f"{doc_id}: in the index, unknown to the manifest")
    by_id = {r.id: (p, r) for p, r in manifest.files.items() if not r.duplicate_of}
    for doc_id, st in found.items():
        if doc_id in by_id and st["meta"].get("sha256") != by_id[doc_id][1].sha256:
            rep.damage.append(f"{doc_id}: the index and the manifest disagree on its content")
    rep.documents = len(found)
    try:
        plan = make_plan(
            manifest,
            [Path(c) for c in manifest.corpus],
            load_catalog,
            follow_links=bool(manifest.options.get("follow_links")),
        )
    except Exception as exc:  # a corpus folder gone: staleness, not damage to the index
        rep.stale.append(f"the corpus cannot be read: {exc}")
        return rep
    for cf in plan.add:
        rep.stale.append(f"{cf.path}: new, not indexed yet")
    for cf in plan.change:
        rep.stale.append(f"{cf.path}: changed since it was indexed")
    for path, _ in plan.remove:
        rep.stale.append(f"{path}: gone, still in the index")
    return rep
