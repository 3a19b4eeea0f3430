"""A build on every core: extraction processes that each write their own Whoosh segment.

Each process reads, cleans, extracts and analyses the files it takes off a shared queue, adds
their records to a `store.Writer` (whoosh's `SegmentWriter`) of its own (no lock: the main process holds the
index's), and at the end writes that segment out, as whoosh's own `MpWriter(multisegment=True)`
does with documents it is handed. Nothing but a few facts a file (its id, hash, warnings and
where its records went) crosses back to the main process, which keeps the manifest, the
progress bar, the warnings and the duplicates, and alone commits: the new segments join the
index in one table-of-contents write, so a build that fails or is interrupted adds nothing.
A thread of the main process hashes the files ahead of the queue, so that a file repeating an
earlier one's content is never read, extracted or written.

Why: with one writer fed by extraction processes, the writer (adding documents, then writing the
segment at the commit, while the extraction processes wait) was the bottleneck of a large build;
here all of it is shared between the cores.
"""

from __future__ import annotations

import contextlib
import os
import queue as queue_mod
import signal
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perucases.index import prepared

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


def _run(k: int, index_dir: str, indexname: str, jobs, results, gazetteer_paths, max_size, parent: int) -> None:
    """The body of extraction process K, started by process PARENT."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    try:
        from perucases.extract.gazetteer import load_gazetteer
        from perucases.index.store import Writer, open_index

        gaz = load_gazetteer(tuple(Path(p) for p in gazetteer_paths))
        ix = open_index(index_dir, indexname)
        w = Writer(ix, _lk=False)  # the main process holds the lock
    except BaseException:
        results.put(("error", k, None, traceback.format_exc()))
        return
    while True:
        try:
            job = jobs.get(timeout=1.0)
        except queue_mod.Empty:
            job = False
        if os.getppid() != parent:  # the main process is gone (kill -9): stop, leave no orphan
            _orphaned(w, results)
        if job is False:
            continue
        if job is None:
            break
        n, batch = job
        out = []
        read = prepared.read_many(batch, gaz, max_size)  # (each stage on the whole job: see there)
        for cf, _entry in batch:
            if os.getppid() != parent:  # checked at every file: a job may take long
                _orphaned(w, results)
            try:
                got = next(read)
                if isinstance(got, prepared.Prepared):
                    start = w.docnum
                    for rec in got.records:
                        w.add_document(**rec)
                    got.records = []
                    got.placed = Placed(k, start, w.docnum)
            except BaseException as exc:
                if os.getppid() != parent:  # it failed because the next writer cleaned up after its parent
                    _orphaned(w, results)
                results.put(("error", k, _picklable(exc), f"{cf.path}: {traceback.format_exc()}"))
                with contextlib.suppress(BaseException):  # on a full disk closing fails too; the error is reported
                    w._close_segment()
                return
            out.append(got)
        if os.getppid() != parent:  # no one to hand the results to
            _orphaned(w, results)
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


def _orphaned(w, results) -> None:
    """End an extraction process whose main process is gone, at once and quietly: its files are
    no table of contents' (the next writer removes them), and what it would say no one reads
    (a traceback from a folder the next writer already cleaned would reach the terminal)."""
    try:
        results.cancel_join_thread()
        w._close_segment()
    except BaseException:  # noqa: BLE001 - nothing to report to, nothing to keep
        pass
    os._exit(0)


def _picklable(exc: BaseException):
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any exception may fail to pickle
        return None


def _feed(jobs: list, workers: int, max_size: int, jobq, plan: dict, stop, failure: list) -> None:
    """Hash each file of JOBS in order and queue, a chunk of CHUNK files at a time, those whose
    content has not come before in JOBS; PLAN[n] is chunk n's files, each with the path of the
    earlier file it repeats (None for one sent to be read). Runs in a thread of the main
    process, ahead of the extraction processes, so that a duplicate is never read, extracted
    or written."""
    from perucases.index.manifest import sha256_file

    first: dict[str, str] = {}  # content hash -> path of its first file
    try:
        for n, at in enumerate(range(0, len(jobs), CHUNK)):
            if stop.is_set():
                return
            entries, batch = [], []
            for cf, entry in jobs[at : at + CHUNK]:
                twin: tuple[str, str, int, int] | None = None
                try:
                    st = os.stat(cf.path)
                    if 0 < st.st_size <= max_size:
                        digest = sha256_file(cf.path)
                        earlier = first.setdefault(digest, str(cf.path))
                        twin = None if earlier == str(cf.path) else (earlier, digest, st.st_size, st.st_mtime_ns)
                except OSError:
                    twin = None  # the extraction process will say what is wrong with it
                entries.append((cf, twin))
                if twin is None:
                    batch.append((cf, entry))
            plan[n] = entries
            jobq.put((n, batch))
    except BaseException as exc:  # noqa: BLE001 - handed to the main thread
        failure.append(exc)
    finally:
        for _ in range(workers):
            try:
                jobq.put(None)
            except ValueError:  # the build is stopping: _stop closed the queue (a full disk, Ctrl-C)
                break


def run_segments(
    index_dir: Path, indexname: str, jobs: list, workers: int, gazetteer_paths, max_size: int, build: SegmentBuild
):
    """Read JOBS ((CorpusFile, catalog entry) pairs) in WORKERS processes that each write a
    segment; yield each file's result (a Prepared without records, or why it was skipped) in the
    order of JOBS. A file with the same content as one before it is not read again: its result
    is the first one's skip reason, or a Prepared without records that the caller records as a
    duplicate. When all have been yielded, BUILD.segments holds the segments. The caller must
    hold a writer of the index (its lock and its temporary folder) from before this starts until
    the segments are committed."""
    import gc
    import multiprocessing as mp
    import threading
    import time

    ctx: Any = mp.get_context("fork" if os.name != "nt" else "spawn")  # (typeshed: a BaseContext has no Process)
    jobq, results = ctx.Queue(), ctx.Queue()
    n_chunks = (len(jobs) + CHUNK - 1) // CHUNK
    plan: dict[int, list] = {}
    stop = threading.Event()
    failure: list[BaseException] = []
    procs = [
        ctx.Process(
            target=_run,
            args=(k, str(index_dir), indexname, jobq, results, tuple(gazetteer_paths), max_size, os.getpid()),
            daemon=True,
        )
        for k in range(workers)
    ]
    # The objects this process holds now (modules, the place table, the date patterns, the
    # gazetteer) go to the collector's permanent generation while the processes are forked: the
    # processes' collections then never walk them (nor write to their pages, which the fork
    # shares), and the more a process allocates (extraction does), the more walks that saves.
    # This process takes them back at once (unless its caller had frozen objects of its own).
    frozen = gc.get_freeze_count() == 0
    if frozen:
        gc.freeze()
    try:
        for p in procs:
            p.start()
    finally:
        if frozen:
            gc.unfreeze()
    feeder = threading.Thread(target=_feed, args=(jobs, workers, max_size, jobq, plan, stop, failure), daemon=True)
    feeder.start()
    segments: dict[int, object] = {}
    pending: dict[int, list] = {}
    skipped: dict[str, str | None] = {}  # path -> why it was skipped (None: read), for its repeats
    nxt = 0
    looked = 0.0
    try:
        while nxt < n_chunks or len(segments) < workers:
            if failure:
                raise failure[0]
            if time.monotonic() - looked > 0.5:
                # Twice a second, and after each second with no result: a process killed while
                # the others still hand back work ends the build now, not when they have read
                # everything (seconds to minutes later).
                looked = time.monotonic()
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise WorkerDied(dead[0].exitcode)
            try:
                kind, k, n, payload = results.get(timeout=1.0)
            except queue_mod.Empty:
                if all(p.exitcode == 0 for p in procs) and results.empty():
                    raise WorkerDied(0) from None
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
                got = iter(pending.pop(nxt))
                for cf, twin in plan.pop(nxt):
                    if twin is None:
                        result = next(got)
                        skipped[str(cf.path)] = result if isinstance(result, str) else None
                    else:
                        path, digest, size, mtime_ns = twin
                        result = skipped[path] or prepared.Prepared(cf.id, str(cf.path), digest, size, mtime_ns, [], [])
                    yield cf, result
                nxt += 1
        build.segments = [segments[k] for k in range(workers)]
    finally:
        _stop(procs, stop, feeder, jobq, results, failed=len(segments) < workers)


def _stop(procs, stop, feeder, jobq, results, failed: bool, grace: float = 2.0) -> None:
    """End the extraction processes and the queues within a few seconds, whatever happened
    (Ctrl-C, a full disk, a dead process): a failed build's processes are terminated, then
    killed if they do not end within GRACE seconds; the queues' feeder threads are not waited
    for (the one of the job queue may be blocked writing to a pipe no process reads any more,
    and would keep this process from exiting)."""
    import time

    stop.set()
    if failed:
        for p in procs:
            if p.is_alive():
                p.terminate()
    deadline = time.monotonic() + grace
    for p in procs:
        p.join(timeout=max(0.0, deadline - time.monotonic()))
    for p in procs:
        if p.is_alive():
            p.kill()
            p.join(timeout=1.0)
    for q in (jobq, results):
        q.cancel_join_thread()
        q.close()
    feeder.join(timeout=max(0.0, deadline - time.monotonic()))


class WorkerDied(RuntimeError):
    """An extraction process ended without handing back its work (killed, or out of memory)."""

    def __init__(self, exitcode: int | None):
        self.exitcode = exitcode
        if exitcode is not None and exitcode < 0:
            try:
                how = f"killed by signal {-exitcode} ({signal.Signals(-exitcode).name})"
            except ValueError:
                how = f"killed by signal {-exitcode}"
            if exitcode == -signal.SIGKILL:
                how += ": out of memory?"
        elif exitcode:
            how = f"exit code {exitcode}"
        else:
            how = "it ended without writing its part of the index"
        super().__init__(f"an extraction process died ({how})")
