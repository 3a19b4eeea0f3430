"""Building and updating the index: incremental, crash-safe, one writer at a time.

- A full build writes a new Whoosh index under a new name beside the old one; the manifest,
  replaced atomically, switches to it only once it is committed. A crash or Ctrl-C before then
  leaves the previous index answering, and the next build removes the leftovers.
- An incremental update deletes and re-adds the records of changed files in one Whoosh commit
  (all or nothing), then records the commit in the manifest.
- A lock file (`.lock`) admits one writer; a second one waits up to `wait` seconds, then stops.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from perucases.errors import IndexWriteError, PerucasesError
from perucases.index import parallel, prepared, records
from perucases.index.lock import Warn, hold_lock
from perucases.index.manifest import (
    FileRecord,
    Manifest,
    Plan,
    current_generation,
    gazetteer_files,
    make_plan,
    needs_rebuild,
    pipeline_fingerprint,
)
from perucases.ingest.catalog import load_catalog
from perucases.ingest.document import DEFAULT_MAX_FILE_SIZE

if TYPE_CHECKING:
    from perucases.index.store import Index  # (it imports Whoosh: a build with nothing to write never loads it)


@dataclass
class Report:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    rebuilt: bool = False
    documents: int = 0
    duplicates: int = 0  # files with the same content as an indexed one: recorded, not indexed again
    seconds: float = 0.0

    @property
    def wrote(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.rebuilt)


def _file_table_from_index(ix) -> dict[str, FileRecord]:
    """The truth about what is indexed, from the doc records themselves."""
    files = {}
    with ix.searcher() as s:
        for docnum in s.document_numbers(kind=records.DOC):
            stored = s.stored_fields(docnum)
            m = stored["meta"]
            files[m["path"]] = FileRecord(stored["id"], m["size"], m["mtime_ns"], m["sha256"], m.get("catalog", ""))
    return files


def _leftovers(index_dir: Path, keep: str) -> list[Path]:
    """Files of Whoosh indexes other than KEEP (an interrupted build, a replaced index)."""
    rx = re.compile(r"^_?(I\d+)_")
    out = []
    for name in os.listdir(index_dir):
        m = rx.match(name)
        if (m and m.group(1) != keep) or name.startswith(".tmp-") or name.endswith(".tmp"):
            out.append(index_dir / name)
    return out


def _remove(paths: list[Path]) -> None:
    import shutil

    for p in paths:
        try:
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink()
        except OSError:
            pass


def _next_name(index_dir: Path) -> str:
    numbers = [0]
    for name in os.listdir(index_dir):
        m = re.match(r"^_?I(\d+)_", name)
        if m:
            numbers.append(int(m.group(1)))
    return f"I{max(numbers) + 1}"


def update(
    index_dir: Path,
    roots: list[Path] | None = None,
    *,
    rebuild: bool = False,
    wait: float = 60.0,
    warn: Warn = lambda m: None,
    progress=None,
    procs: int | None = None,
    gazetteers: list[Path] | None = None,
    max_file_size: int | None = None,
    follow_links: bool | None = None,
    lock=None,
) -> Report:
    """Bring the index in line with the corpus (ROOTS, or the corpus the manifest records).

    GAZETTEERS are extra user gazetteer files (--gazetteer); the index remembers them. PROCS is
    how many processes read and write (None: one a core; N: N processes that each read, extract
    and write a segment, while this one keeps the books; 1: everything in this one). Fewer than
    POOL_MIN_FILES files are always read here. LOCK is the index's write lock when the caller
    holds it already (a query that refreshes the index); else it is taken here, waiting up to
    WAIT seconds. A failure raises IndexWriteError and leaves the index as it was."""
    started = time.perf_counter()
    own = lock is None
    if own:
        try:
            index_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexWriteError(
                f"cannot create the index folder {index_dir}: {exc.strerror or exc}", exc.strerror or str(exc)
            ) from None
        lock = hold_lock(index_dir, wait, warn)
    try:
        report = _update_locked(
            index_dir, roots, rebuild, warn, progress, procs, gazetteers, max_file_size, follow_links
        )
    except BaseException as exc:
        # Whatever stopped the update (a full disk, Ctrl-C, a dead process), nothing it wrote is
        # in use: the manifest still names the previous index and its last commit.
        _clean_failed(index_dir)
        if isinstance(exc, OSError):  # disk full, permissions
            reason = exc.strerror or str(exc)
            raise IndexWriteError(
                f"cannot write the index at {index_dir}: {reason}; the index is as it was before this update", reason
            ) from None
        if isinstance(exc, parallel.WorkerDied):
            raise IndexWriteError(
                f"{exc}; the index at {index_dir} is as it was before this update", str(exc)
            ) from None
        raise
    finally:
        if own:
            lock.release()
    report.seconds = time.perf_counter() - started
    return report


def _clean_failed(index_dir: Path) -> None:
    """After a failed update: the files it wrote, which no table of contents lists."""
    try:
        manifest = Manifest.load(index_dir)
        keep = manifest.indexname if manifest else ""
        _remove(_leftovers(index_dir, keep=keep))
        if manifest is not None:
            _clean_orphans(index_dir, keep)
    except BaseException:  # noqa: BLE001 - cleaning must never hide why the update stopped
        pass


def _clean_orphans(index_dir: Path, indexname: str, force: bool = True) -> None:
    """Remove the files of index INDEXNAME that its latest table of contents does not list: the
    segments of updates that failed or were killed (they would pile up until an update succeeds).
    Readers are safe: they open the segments their table of contents lists, which stay.
    Without FORCE, whoosh is only loaded when some file of the index is newer than its table of
    contents (a segment of a commit is always written before it): the usual case costs a listing."""
    gen = current_generation(index_dir, indexname)
    if gen is None:
        return
    if not force:
        try:
            toc_time = os.stat(index_dir / f"_{indexname}_{gen}.toc").st_mtime_ns
            if not any(
                name.startswith(f"{indexname}_") and os.stat(index_dir / name).st_mtime_ns > toc_time
                for name in os.listdir(index_dir)
            ):
                return
        except OSError:
            return
    from perucases.index import store

    try:
        toc = store.read_toc(index_dir, indexname, gen)
    except Exception:  # noqa: BLE001 - a damaged table of contents: leave everything for --check to see
        return
    store.clean_files(index_dir, indexname, toc)


def _update_locked(
    index_dir, roots, rebuild, warn, progress, procs, gazetteers, max_file_size=None, follow_links=None
) -> Report:
    from perucases.extract.gazetteer import load_gazetteer

    manifest = Manifest.load(index_dir)
    if roots is None:
        if manifest is None:
            raise PerucasesError("no corpus given and no index to refresh")
        roots = [Path(r) for r in manifest.corpus]
    corpus = [str(Path(r).expanduser().resolve()) for r in roots]
    old_options = dict(manifest.options) if manifest else {}
    options = {
        "max_file_size": max_file_size
        if max_file_size is not None
        else old_options.get("max_file_size", DEFAULT_MAX_FILE_SIZE),
        "follow_links": follow_links if follow_links is not None else old_options.get("follow_links", False),
    }
    why = "--rebuild" if rebuild else needs_rebuild(manifest, index_dir)
    if why is None and manifest is not None and options != {**options, **old_options}:
        why = "the way files are read changed (--max-file-size or --follow-links)"
    reconciled = False
    if (
        why is None
        and manifest is not None
        and current_generation(index_dir, manifest.indexname) != manifest.generation
    ):
        # A crash between the Whoosh commit and the manifest: trust the index.
        from perucases.index.store import open_index

        committed = open_index(index_dir, manifest.indexname)
        manifest.files = _file_table_from_index(committed)
        manifest.generation = committed.latest_generation()
        reconciled = True  # written below even if nothing else changes
    full = why is not None
    if manifest is not None and not full:
        _remove(_leftovers(index_dir, keep=manifest.indexname))  # from an interrupted full build
        _clean_orphans(index_dir, manifest.indexname, force=False)  # from interrupted updates
    report = Report(rebuilt=full)
    plan = make_plan(
        None if full else manifest, [Path(c) for c in corpus], load_catalog, follow_links=options["follow_links"]
    )
    if full:
        warn(f"building the index in {index_dir} ({why})")
    for path, why_skip in plan.unsupported:
        report.skipped.append((str(path), why_skip))
        warn(f"{path}: skipped: {why_skip}")
    base = Manifest(
        corpus,
        manifest.indexname if manifest else "I0",
        manifest.generation if manifest else 0,
        pipeline_fingerprint(),
        dict(manifest.files) if (manifest and not full) else {},
        dict(manifest.skipped) if (manifest and not full) else {},
    )
    base.options = options
    base.files.update(plan.touch)
    base.catalogs = dict(plan.signatures)
    base.gazetteers = (
        [str(Path(g).expanduser().resolve()) for g in gazetteers]
        if gazetteers is not None
        else (list(manifest.gazetteers) if manifest else [])
    )
    base.gazetteer_files = gazetteer_files([Path(c) for c in corpus], base.gazetteers)
    same_gazetteer = not full and manifest is not None and manifest.gazetteer_files == base.gazetteer_files
    if same_gazetteer and manifest is not None and not (plan.add or plan.change):
        # Nothing to extract and the gazetteer files are as they were: do not even load it.
        gaz = None
        base.gazetteer, base.gazetteer_snapshot = manifest.gazetteer, manifest.gazetteer_snapshot
    else:
        gaz = load_gazetteer(tuple(Path(f) for f in base.gazetteer_files if Path(f).is_file()))
        base.gazetteer, base.gazetteer_snapshot = gaz.fingerprint(), gaz.snapshot()
        from perucases.extract import prepare

        prepare(index_dir)  # the place table and the date patterns, ready before any fork
    if gaz is not None and not full and manifest is not None and manifest.gazetteer != base.gazetteer:
        # The gazetteer changed: extract again the documents the change can touch.
        touched = _touched(index_dir, manifest, gaz)
        queued = {str(cf.path) for cf in plan.add + plan.change}
        again = [
            cf
            for cf in plan.files
            if str(cf.path) in base.files
            and str(cf.path) not in queued
            and (touched is None or base.files[str(cf.path)].id in touched)
        ]
        plan.change += again
        warn(f"the gazetteer changed: extracting the entities of {len(again)} document(s) again")
    todo = plan.add + plan.change
    changed_keys = {str(cf.path) for cf in plan.change}
    workers = workers_for(len(todo)) if procs is None else procs if len(todo) >= POOL_MIN_FILES and procs > 1 else 0
    written: list[tuple[str, FileRecord]] = []  # what was indexed, for the manifest
    ix: Index | None = None
    if full or plan.needs_writer or todo:
        from perucases.index.store import create_index, open_index  # only when there is something to write

        if full:
            from perucases.index.schema import make_schema

            name = _next_name(index_dir)
            _remove(_leftovers(index_dir, keep=manifest.indexname if manifest else ""))
            ix = create_index(index_dir, make_schema(), name)
            base.indexname = name
        else:
            ix = open_index(index_dir, base.indexname)
    build = None
    if ix is not None and workers > 0:
        build = parallel.SegmentBuild()
    docs = _ingest(
        plan, base, report, warn, progress, gaz, workers, options["max_file_size"], (index_dir, base.indexname, build)
    )
    if ix is not None:
        removes: set[str] = set()
        if not full:
            removes = {doc_id for _, doc_id in plan.remove}
            removes |= {base.files[k].id for k in changed_keys if k in base.files}
        _write(ix, docs, removes, written, build)
    for key, _ in plan.remove:
        base.files.pop(key, None)
        base.skipped.pop(key, None)
    for key, rec in written:
        base.files[key] = rec
    if ix is not None:
        base.generation = ix.latest_generation()
    report.added = sum(1 for k, _ in written if k not in changed_keys)
    report.changed = sum(1 for k, _ in written if k in changed_keys)
    report.removed = len({doc_id for _, doc_id in plan.remove})
    report.documents = sum(1 for r in base.files.values() if not r.duplicate_of)
    report.duplicates = sum(1 for r in base.files.values() if r.duplicate_of)
    report.unchanged = report.documents - report.added - report.changed
    if (
        ix is not None
        or reconciled
        or plan.touch
        or full
        or manifest is None
        or base.corpus != manifest.corpus
        or base.skipped != manifest.skipped
        or base.catalogs != manifest.catalogs
        or base.gazetteer_files != manifest.gazetteer_files
        or base.gazetteers != manifest.gazetteers
    ):
        base.save(index_dir)
    if full:
        _remove(_leftovers(index_dir, keep=base.indexname))
    return report


def _touched(index_dir: Path, manifest: Manifest, gaz) -> set[str] | None:
    """Ids of the documents a gazetteer change can touch: those naming a changed entity, and those
    whose text has all the words of one of its old or new names. None: all of them."""
    from whoosh import query as Q

    from perucases.extract.gazetteer import key_of
    from perucases.index.schema import analyzer
    from perucases.index.store import open_index

    old, new = manifest.gazetteer_snapshot, gaz.snapshot()
    if not old:
        return None
    keys = {k for k in set(old["entities"]) | set(new["entities"]) if old["entities"].get(k) != new["entities"].get(k)}
    forms = set(old["ignore"]) ^ set(new["ignore"])
    for k in keys:
        for snap in (old, new):
            if k in snap["entities"]:
                forms |= set(snap["entities"][k][2])
    keys |= {key_of(f) for f in forms}
    ix = open_index(index_dir, manifest.indexname)
    ids: set[str] = set()
    with ix.searcher() as s:
        queries = [Q.Term("entities", k) for k in keys]
        for form in forms:
            for lang, fname in (("en", "text"), ("es", "text_es")):
                words = [t.text for t in analyzer(lang)(form)]
                if words:
                    queries.append(Q.And([Q.Term(fname, w) for w in words]))
        for q in queries:
            for n in s.docs_for_query(records.of_kind(records.DOC, q)):
                ids.add(s.stored_fields(n)["id"])
    return ids


POOL_MIN_FILES = 200  # fewer files are read in this process: a pool costs more than it saves


def workers_for(n_files: int) -> int:
    """Extraction processes for N_FILES: none for small batches, else one a core. Each reads,
    extracts and writes a segment of its own (`parallel`), so they share all the work; the main
    process only keeps the books."""
    if n_files < POOL_MIN_FILES:
        return 0
    return max(1, os.cpu_count() or 1)


def _results(plan: Plan, todo: list, gaz, gazetteer_paths: tuple[str, ...], workers: int, max_size: int, segments=None):
    """(CorpusFile, Prepared or skip reason), in the order of TODO (so duplicates resolve the same
    way). Read here when WORKERS is 0; else by WORKERS processes that each write a segment of the
    index SEGMENTS names ((index folder, index name, parallel.SegmentBuild)): their Prepared carry no
    records, only where they went."""
    jobs = [(cf, plan.catalog(cf.root).get(cf.id) or plan.catalog(cf.root).get(cf.path.name)) for cf in todo]
    if workers <= 0 or segments is None or segments[2] is None:
        for (cf, _), result in zip(jobs, prepared.read_many(jobs, gaz, max_size), strict=True):
            yield cf, result
        return
    index_dir, indexname, build = segments
    yield from parallel.run_segments(index_dir, indexname, jobs, workers, gazetteer_paths, max_size, build)


def _ingest(
    plan: Plan,
    base: Manifest,
    report: Report,
    warn: Warn,
    progress,
    gaz,
    workers: int = 0,
    max_size: int = DEFAULT_MAX_FILE_SIZE,
    segments=None,
):
    """Read and clean the new and changed files, yielding (document, hash of its catalog entry);
    skip bad ones with a warning naming them.

    A skipped file is remembered in the manifest so that later runs stay quiet about it until it
    changes; one that was indexed before is removed from the index. A file with the same content
    as a document already indexed is recorded as its duplicate, not indexed again."""
    todo = plan.add + plan.change
    task = progress.add_task("indexing", total=len(todo)) if progress is not None and todo else None
    # Content already in the index (and staying): sha256 -> document id, for duplicates.
    redo = {str(cf.path) for cf in todo} | {k for k, _ in plan.remove}
    by_sha = {r.sha256: r.id for k, r in base.files.items() if not r.duplicate_of and k not in redo}
    gazetteer_paths = tuple(str(f) for f in base.gazetteer_files if Path(f).is_file())
    for cf, result in _results(plan, todo, gaz, gazetteer_paths, workers, max_size, segments):
        key = str(cf.path)
        if task is not None:
            progress.advance(task)
        if isinstance(result, str):
            report.skipped.append((key, result))
            warn(f"{cf.path}: skipped: {result}")
            try:
                st = cf.path.stat()
                base.skipped[key] = f"{st.st_size}:{st.st_mtime_ns}:{result}"
            except OSError:
                pass
            if key in base.files:
                plan.remove.append((key, base.files[key].id))
            continue
        doc = result
        twin = by_sha.get(doc.sha256)
        if twin is not None and twin != doc.id:
            warn(f"{cf.path}: same content as {twin}: recorded as a duplicate, not indexed again")
            if result.placed is not None:  # already written to a segment: drop it there
                segments[2].discard.append(result.placed)
            base.files[key] = FileRecord(doc.id, doc.size, doc.mtime_ns, doc.sha256, plan.catalog_hash(cf), twin)
            base.skipped.pop(key, None)
            continue
        by_sha[doc.sha256] = doc.id
        for w in doc.warnings:
            warn(f"warning: {cf.path}: {w}")  # what the reader or its library said of the file
        base.skipped.pop(key, None)
        yield doc, plan.catalog_hash(cf)


SMALL_SEGMENT = 32  # a segment with fewer records than a 32nd of the largest is merged at a commit,
SMALL_SEGMENT_MAX = 2000  # (up to this many records: merging costs about 1 ms a record)
MAX_SEGMENTS = 6  # and then the smallest, while more than this many would remain


def merge_policy(writer, segments):
    """Which segments a commit merges into the one it writes (a whoosh merge policy).

    Every update adds a segment; whoosh's MERGE_SMALL merges only when the small segments add up
    to less than a Fibonacci number of its position, which records in the thousands never do, so
    segments piled up and each search paid for each one (after six small updates of 21,578
    stories: eight segments, median search 21 ms instead of 16). Here the small segments are
    merged at each commit (under a 32nd of the largest and SMALL_SEGMENT_MAX records), and those
    with a quarter of their records deleted, and then the smallest while more than MAX_SEGMENTS
    would be left. The large ones stay as they are, so an update stays cheap."""
    from perucases.index.store import SegmentReader

    if not segments:
        return segments
    largest = max(s.doc_count_all() for s in segments)
    ordered = sorted(segments, key=lambda s: s.doc_count_all())
    small = min(largest / SMALL_SEGMENT, SMALL_SEGMENT_MAX)
    merge = [s for s in ordered if s.doc_count_all() < small or s.deleted_count() * 4 > s.doc_count_all()]
    keep = [s for s in ordered if s not in merge]
    while keep and len(keep) + 1 > MAX_SEGMENTS:
        merge.append(keep.pop(0))
    for seg in merge:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in merge]


def _write(ix, docs, removes, written: list, build=None) -> None:
    """Delete REMOVES, then add the records of each (Prepared, catalog hash) DOCS yields, in one
    commit; each document written goes into WRITTEN as (path, FileRecord). With BUILD (a
    parallel.SegmentBuild), the records are already in the segments the extraction processes
    wrote while DOCS was read; they join the index in the same commit."""
    from perucases.index.store import Writer  # it knows sealed records

    # Not whoosh's own write lock (ix.writer()): the index's .lock already admits one writer,
    # and whoosh's, inherited by the extraction processes, outlived a main process killed with
    # kill -9 long enough to make the next writer fail with LockError.
    if build is None:
        with Writer(ix, _lk=False) as w:
            w.mergetype = merge_policy
            for doc_id in removes:
                w.delete_by_term("id", doc_id)
            for doc, chash in docs:
                for rec in doc.records:
                    w.add_document(**rec)
                written.append((doc.path, FileRecord(doc.id, doc.size, doc.mtime_ns, doc.sha256, chash)))
        return
    # As whoosh's MpWriter(multisegment=True) commits: old segments merged by the policy, the
    # new ones added as they are, one table of contents written.
    w = Writer(ix, _lk=False)
    try:
        for doc_id in removes:
            w.delete_by_term("id", doc_id)
        for doc, chash in docs:
            written.append((doc.path, FileRecord(doc.id, doc.size, doc.mtime_ns, doc.sha256, chash)))
        segments = w._merge_segments(merge_policy, None, None)
        segments += build.finish()
        if w._added:
            segments.append(w._finalize_segment())
        else:
            w._close_segment()
        w._commit_toc(segments)
        w._finish()
    except BaseException:
        if not w.is_closed:
            w.cancel()
        raise
