"""Opening a library's index: the state a manifest names, brought up to date first when the
corpus changed and that can be done now (Library.open and Library.refresh).

Reads are consistent with writes: the index opened is the one a manifest names, opened again if
a writer switched or committed while it was being opened; a reader never rebuilds or repairs an
index another process is writing (whether the index needs writing is decided again under the
write lock, from the manifest as the last writer left it); and a refresh that cannot take the
lock or write (another writer, a full disk, a read-only folder) answers from the index as it is,
with a one-line note.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from perucases.errors import IndexDamaged, IndexUnavailable, IndexWriteError, PerucasesError, shorten
from perucases.index.location import bundled_seeds
from perucases.index.lock import LOCK as LOCK_NAME
from perucases.index.lock import cannot_lock, hold_lock, try_lock
from perucases.index.manifest import (
    MANIFEST,
    Manifest,
    current_generation,
    gazetteer_files,
    make_plan,
    needs_rebuild,
    unreadable,
)

if TYPE_CHECKING:
    from perucases.library.library import Library

# Query commands look for changed files themselves only up to this many files (see staleness).
AUTO_REFRESH_MAX_FILES = int(os.environ.get("PERUCASES_AUTO_REFRESH_MAX", "5000"))


def read_manifest(lib: Library) -> Manifest | None:
    """The manifest (its file table only up to AUTO_REFRESH_MAX_FILES files), or None when
    there is none; PerucasesError when it is there but cannot be used."""
    manifest = Manifest.load(lib.index_dir, max_files=AUTO_REFRESH_MAX_FILES)
    if manifest is None and (lib.index_dir / "manifest.json").exists():
        problem = unreadable(lib.index_dir)
        if problem is not None:  # permissions, a disk error: not damage, and not ours to repair
            raise IndexUnavailable(f"cannot read the index at {lib.index_dir}: {problem}")
        manifest = Manifest.load(lib.index_dir, max_files=AUTO_REFRESH_MAX_FILES)  # replaced meanwhile?
        if manifest is None and not lib.corpus:
            # Do not replace a damaged index of the user's corpus by one of the bundled seeds.
            raise IndexDamaged(
                f"the index at {lib.index_dir} is damaged (its manifest is unreadable); "
                f"rebuild it: perucases index CORPUS... --rebuild --index {lib.index_dir}"
            )
    return manifest


def corpus_roots(lib: Library, manifest: Manifest | None) -> list[Path]:
    roots = lib.corpus or ([Path(c) for c in manifest.corpus] if manifest else [bundled_seeds()])
    return [Path(r).expanduser().resolve() for r in roots]


def bring_up_to_date(lib: Library, manifest: Manifest | None) -> Manifest | None:
    """The manifest to answer from, after bringing the index up to date when it is stale and
    that can be done now."""
    stale = staleness(lib, manifest, corpus_roots(lib, manifest))
    if stale is not None and stale[1] and manifest is not None:
        # "The index files are missing" may only mean that a writer switched to a new index
        # after this manifest was read: read it again before concluding anything.
        again = read_manifest(lib)
        if again is not None and (again.indexname, again.generation) != (manifest.indexname, manifest.generation):
            manifest = again
            stale = staleness(lib, manifest, corpus_roots(lib, manifest))
    if stale is None:
        return manifest
    from perucases.index.build import update  # (only now: the writer's modules cost 70 ms to load)

    usable = manifest is not None and needs_rebuild(manifest, lib.index_dir) is None
    try:
        lock = try_lock(lib.index_dir) if lib.index_dir.exists() else None
    except OSError as exc:  # a read-only index folder, another user's index
        if usable:
            lib.warn(
                f"the corpus changed but the index at {lib.index_dir} cannot be updated "
                f"({LOCK_NAME}: {exc.strerror or exc}); answering from the index as it is"
            )
            return manifest
        raise cannot_lock(lib.index_dir, exc) from None
    if lock is None and lib.index_dir.exists():
        if usable:
            lib.warn("the index is being updated by another perucases process; answering from its last state")
            return manifest
        # Nothing to answer from yet (no index, or one being replaced): wait for the writer.
        lock = hold_lock(lib.index_dir, 60.0, lib.warn)
    try:
        if lock is not None:
            # Under the lock, the manifest is what the last writer left: decide again from it.
            manifest = read_manifest(lib)
            stale = staleness(lib, manifest, corpus_roots(lib, manifest))
            if stale is None:
                return manifest
            usable = manifest is not None and needs_rebuild(manifest, lib.index_dir) is None
        why, full = stale
        if why and not full:  # a full build announces itself
            lib.warn(f"updating the index at {lib.index_dir}: {why}")
        roots = corpus_roots(lib, manifest) if (lib.corpus or manifest is None) else None
        try:
            report = update(lib.index_dir, roots, warn=lib.warn, progress=lib.progress, lock=lock)
        except IndexWriteError as exc:
            if not usable:
                raise
            lib.warn(f"cannot update the index at {lib.index_dir} ({exc.reason}); answering from the index as it is")
            return manifest
        except Exception as exc:  # noqa: BLE001 - a failed refresh must not cost the answer
            if not usable or isinstance(exc, PerucasesError):
                raise
            lib.warn(
                f"cannot update the index at {lib.index_dir} (internal error: {type(exc).__name__}: "
                f"{shorten(str(exc), 120)}); answering from the index as it is"
            )
            return manifest
        if report.wrote:
            lib.warn(f"indexed {report.documents} document(s) in {report.seconds:.1f} s")
        return read_manifest(lib)
    finally:
        if lock is not None:
            lock.release()


def open_index(lib: Library, manifest: Manifest | None):
    """Open the index MANIFEST names, and a searcher on it (which opens every file of its
    segments: from then on a writer's changes cannot touch what it reads). A writer may
    switch to a new index or commit while this happens (the files read a moment ago are then
    gone): the manifest and the generation are read again and the opening retried. Only a
    failure with nothing changing is damage, named as such."""
    from perucases.index.store import open_index as open_whoosh  # (Whoosh: loaded only when an index is opened)

    for attempt in range(40):
        if manifest is None:
            raise IndexUnavailable(f"no index at {lib.index_dir}")
        seen = state_of(lib, manifest)
        try:
            ix = open_whoosh(lib.index_dir, manifest.indexname)
            searcher = ix.searcher()
        except Exception as exc:  # noqa: BLE001 - sorted out below: a race, or damage
            again = read_manifest(lib)
            if (
                again is None
                or state_of(lib, again) != seen
                or current_generation(lib.index_dir, again.indexname) != seen[1]
            ):
                manifest = again
                time.sleep(min(0.2, 0.005 * (attempt + 1)))
                continue
            raise damage(lib, manifest, exc) from None
        return ix, searcher
    raise IndexUnavailable(f"the index at {lib.index_dir} kept changing while it was being opened; try again")


def state_of(lib: Library, manifest: Manifest) -> tuple:
    """What identifies the state a reader opens: the manifest file and the index's latest commit."""
    try:
        st = os.stat(lib.index_dir / MANIFEST)
        mark = (st.st_ino, st.st_mtime_ns, st.st_size)
    except OSError:
        mark = None
    return mark, current_generation(lib.index_dir, manifest.indexname), manifest.indexname


def damage(lib: Library, manifest: Manifest, exc: Exception) -> IndexUnavailable:
    """The error for an index that cannot be opened while nothing changes it: the file that
    cannot be read, named; permissions named as such (no rebuild can fix those)."""
    if isinstance(exc, PermissionError):
        name = Path(exc.filename).name if exc.filename else "a file"
        return IndexUnavailable(f"cannot read the index at {lib.index_dir}: {name}: {exc.strerror}")
    repair = f"repair it: perucases index --rebuild --index {lib.index_dir}"
    gen = current_generation(lib.index_dir, manifest.indexname)
    if gen is None:
        return IndexDamaged(
            f"the index at {lib.index_dir} is damaged: the files of {manifest.indexname}, "
            f"which its manifest names, are missing; {repair}"
        )
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    name = f"_{manifest.indexname}_{gen}.toc"
    try:
        from whoosh.filedb.filestore import FileStorage  # (Whoosh: see above)
        from whoosh.index import TOC
        from whoosh.reading import SegmentReader

        storage = FileStorage(str(lib.index_dir))
        toc = TOC.read(storage, manifest.indexname, gen)
        for seg in toc.segments:
            name = seg.make_filename(".seg") if seg.is_compound() else f"segment {seg.segment_id()}"
            try:
                SegmentReader(storage, toc.schema, seg).close()
            except Exception as seg_exc:  # noqa: BLE001 - the one that fails is named
                what = f"{type(seg_exc).__name__}: {seg_exc}" if str(seg_exc) else type(seg_exc).__name__
                break
    except Exception as toc_exc:  # noqa: BLE001 - the table of contents itself
        what = f"{type(toc_exc).__name__}: {toc_exc}" if str(toc_exc) else type(toc_exc).__name__
    return IndexDamaged(
        f"the index at {lib.index_dir} is damaged: {name} cannot be read ({shorten(what, 120)}); {repair}"
    )


def staleness(lib: Library, manifest: Manifest | None, wanted: list[Path]) -> tuple[str, bool] | None:
    """None when the index is up to date, else (why, whether it is a full build)."""
    rebuild = needs_rebuild(manifest, lib.index_dir)
    if rebuild is not None:
        return rebuild, True
    assert manifest is not None  # (needs_rebuild says why when there is none)
    missing = [w for w in wanted if not w.exists()]
    if missing:
        # An unmounted drive or a moved folder must not make the index unusable.
        lib.warn(f"corpus {missing[0]} is missing; answering from the index as it is")
        return None
    if manifest.corpus != [str(w) for w in wanted]:
        return "the corpus changed", False
    if gazetteer_files(wanted, manifest.gazetteers) != manifest.gazetteer_files:
        return "the gazetteer changed", False
    if manifest.files_count > AUTO_REFRESH_MAX_FILES:
        # Walking a large corpus on every query costs seconds: large corpora are brought up
        # to date by `perucases index` (or a cron job), as a search engine's are.
        return None
    from perucases.ingest.catalog import load_catalog  # (only now: see the module's note)

    plan = make_plan(manifest, wanted, load_catalog, follow_links=bool(manifest.options.get("follow_links")))
    if plan.needs_writer:
        return f"{len(plan.add)} new, {len(plan.change)} changed, {len(plan.remove)} removed file(s)", False
    if plan.stale:
        return "", False  # same content, new mtimes: a quiet manifest update
    return None
