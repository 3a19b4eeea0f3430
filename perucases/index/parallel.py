"""A build on every core: extraction processes that each write their own Whoosh segment.

Each process reads, cleans, extracts and analyses the files it takes off a shared queue, adds
their records to a whoosh `SegmentWriter` of its own (no lock: the main process holds the
index's), and at the end writes that segment out, as whoosh's own `MpWriter(multisegment=True)`
does with documents it is handed. Nothing but a few facts a file (its id, hash, warnings and
where its records went) crosses back to the main process, which keeps the manifest, the
progress bar, the warnings and the duplicates, and alone commits: the new segments join the
index in one table-of-contents write, so a build that fails or is interrupted adds nothing.

Why: with one writer fed by extraction processes, the writer (adding documents, then writing the
segment at the commit, while the extraction processes wait) was the bottleneck of a large build;
here all of it is shared between the cores.
"""

from __future__ import annotations

import os
import queue as queue_mod
import signal
import traceback
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 16  # files a job: small enough to keep the processes evenly loaded to the end


@dataclass
class Placed:
    """Where a document's records went: docnums START to END of worker WORKER's segment."""

    worker: int
    start: int
    end: int


@dataclass
class SegmentBuild:
    """The segments the extraction processes wrote (one each, None for an empty one), filled in
    once every result has been read; DISCARD lists records to drop (duplicates found later)."""

    segments: list = field(default_factory=list)
    discard: list[Placed] = field(default_factory=list)

    def finish(self) -> list:
        """The segments, with the discarded records marked deleted."""
        for p in self.discard:
            seg = self.segments[p.worker]
            for n in range(p.start, p.end):
                seg.delete_document(n)
        return [s for s in self.segments if s is not None]


def _run(k: int, index_dir: str, indexname: str, jobs, results, gazetteer_paths, max_size) -> None:
    """The body of extraction process K."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    try:
        from whoosh import index as windex
        from whoosh.writing import SegmentWriter

        from perucases.extract.gazetteer import load_gazetteer
        from perucases.index.build import Prepared, _read_one
        from perucases.index.patches import apply

        apply()
        gaz = load_gazetteer(tuple(Path(p) for p in gazetteer_paths))
        ix = windex.open_dir(index_dir, indexname=indexname)
        w = SegmentWriter(ix, _lk=False)  # the main process holds the lock
    except BaseException:
        results.put(("error", k, None, traceback.format_exc()))
        return
    parent = os.getppid()
    while True:
        try:
            job = jobs.get(timeout=1.0)
        except queue_mod.Empty:
            job = False
        if os.getppid() != parent:  # the main process is gone (kill -9): stop, leave no orphan
            results.cancel_join_thread()
            w._close_segment()
            return
        if job is False:
            continue
        if job is None:
            break
        n, batch = job
        out = []
        for cf, entry in batch:
            try:
                got = _read_one(cf, entry, gaz, max_size)
                if isinstance(got, Prepared):
                    start = w.docnum
                    for rec in got.records:
                        w.add_document(**rec)
                    got.records = []
                    got.placed = Placed(k, start, w.docnum)
            except BaseException as exc:
                results.put(("error", k, _picklable(exc), f"{cf.path}: {traceback.format_exc()}"))
                w._close_segment()
                return
            out.append(got)
        results.put(("done", k, n, out))
    try:
        if w._added:
            segment = w._finalize_segment()
        else:
            w._close_segment()
            segment = None
        # The temporary folder is the index's, shared with the main writer, which removes it.
    except BaseException as exc:
        results.put(("error", k, _picklable(exc), traceback.format_exc()))
        return
    results.put(("segment", k, None, segment))


def _picklable(exc: BaseException):
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any exception may fail to pickle
        return None


def run_segments(index_dir: Path, indexname: str, jobs: list, workers: int, gazetteer_paths,
                 max_size: int, build: SegmentBuild):
    """Read JOBS ((CorpusFile, catalog entry) pairs) in WORKERS processes that each write a
    segment; yield each file's result (a Prepared without records, or why it was skipped) in the
    order of JOBS. When all have been yielded, BUILD.segments holds the segments. The caller must
    hold a writer of the index (its lock and its temporary folder) from before this starts until
    the segments are committed."""
    import multiprocessing as mp

    ctx = mp.get_context("fork" if os.name != "nt" else "spawn")
    jobq, results = ctx.Queue(), ctx.Queue()
    chunks = [jobs[i:i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    for n, batch in enumerate(chunks):
        jobq.put((n, batch))
    for _ in range(workers):
        jobq.put(None)
    procs = [ctx.Process(target=_run, args=(k, str(index_dir), indexname, jobq, results,
                                             tuple(gazetteer_paths), max_size), daemon=True)
             for k in range(workers)]
    for p in procs:
        p.start()
    segments: dict[int, object] = {}
    pending: dict[int, list] = {}
    nxt = 0
    try:
        while nxt < len(chunks) or len(segments) < workers:
            try:
                kind, k, n, payload = results.get(timeout=1.0)
            except queue_mod.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(f"an extraction process ended with code {dead[0].exitcode}")
                if all(p.exitcode == 0 for p in procs) and results.empty():
                    raise RuntimeError("the extraction processes ended without a segment")
                continue
            if kind == "error":
                if isinstance(n, BaseException):
                    raise n
                raise RuntimeError(f"an extraction process failed: {payload.strip().splitlines()[-1]}")
            if kind == "segment":
                segments[k] = payload
                continue
            pending[n] = payload
            while nxt in pending:
                for (cf, _), got in zip(chunks[nxt], pending.pop(nxt)):
                    yield cf, got
                nxt += 1
        build.segments = [segments[k] for k in range(workers)]
    finally:
        for p in procs:
            if p.is_alive() and len(segments) < workers:
                p.terminate()
        for p in procs:
            p.join(timeout=5)
        jobq.close()
        results.close()
