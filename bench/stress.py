#!/usr/bin/env python3
"""Reliability under attack: kill -9 and Ctrl-C during builds, queries during writes, a full disk,
hostile files and hostile queries, all through the installed `perucases`.

    python bench/stress.py [--notes 600] [--kills 100] [--interrupts 30] [--queries 2000]
                           [--readers 3] [--reuters] [--seed 1] [--json bench/results/stress.json]

1. kill -9 rounds: full rebuilds and updates (in two processes and in one) of the seeds and N
   notes, killed at a random point of their measured duration, until --kills builds were killed
   in flight. After each: the index opens and every document is one whole version of its file;
   no extraction process is left; `index --check` passes (every fifth round); a build that was
   not killed left the index exactly as the corpus is (else a lost update).
2. Ctrl-C rounds: SIGINT to the build's process group (as a terminal sends it), once or twice,
   until --interrupts builds were interrupted in flight: each must exit 130 with
   "perucases: interrupted" within 5 s, no traceback, no process left, the index as before.
   Readers run during rounds 1 and 2: `perucases search` and `docs` processes (a query's own
   refresh included) and Library queries in this process; every answer must be a whole state.
3. A full disk (a small tmpfs, when run as root): updates and rebuilds that fill it must end
   within 5 s with one line, exit 2, the index as before; a query answers from it with a note.
4. Hostile files (FIFO, socket, a link to /dev/zero, a DOCX bomb, long texts, 200,000 unclosed
   tags, damaged PDFs, UTF-16, control characters in names, broken links, an unreadable
   folder) and hostile queries (leading wildcards, open ranges, fuzzy words, huge words, deep
   nesting), against the notes' index and, with --reuters, 21,578 Reuters stories.

Peak memory is the largest sum of PSS over a build's process tree (sampled every 0.2 s). Prints
the counts and exits 1 on any failure, hang, lost update or traceback, or if fewer kills,
interrupts or queries than asked for were made.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import _descendants, _pss_kb  # noqa: E402

EXIT_LIMIT = 5.0  # seconds a process may take to end after Ctrl-C or a full disk
HANG = 600.0  # seconds after which any command counts as hung


def perucases() -> str:
    exe = Path(sys.executable).parent / "perucases"
    return str(exe) if exe.exists() else shutil.which("perucases")


class Stats:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.failures: list[str] = []
        self.peak_kb = 0
        self.exit_times: list[float] = []  # seconds from Ctrl-C to the end
        self.disk_exit_times: list[float] = []  # seconds from the disk filling to the end
        self.lock = threading.Lock()

    def add(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + n

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what[:400])
            print(f"  FAILURE: {what[:400]}", flush=True)


ST = Stats()


def traceback_in(text: str) -> bool:
    return "Traceback" in text


# ---------------------------------------------------------------------------- processes


RUNNING: set = set()  # the builds running now: stopped if this bench is


class Build:
    """A `perucases` command in a session of its own, its process tree's memory sampled."""

    def __init__(self, args: list[str], env: dict | None = None, prefix: list[str] | None = None):
        self.proc = subprocess.Popen(
            [*(prefix or []), perucases(), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
            env=env,
        )
        RUNNING.add(self.proc)
        self.started = time.monotonic()
        self.done = threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()

    def _sample(self) -> None:
        while not self.done.wait(0.2):
            kb = sum(_pss_kb(p) for p in _descendants(self.proc.pid))
            if kb > ST.peak_kb:
                ST.peak_kb = kb

    def alive(self) -> bool:
        return self.proc.poll() is None

    def finish(self, limit: float = HANG) -> tuple[int | None, str, float]:
        """(exit code or None when it hung, stderr, seconds from now to its end)."""
        t = time.monotonic()
        try:
            _, err = self.proc.communicate(timeout=limit)
            code = self.proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            _, err = self.proc.communicate()
            code = None
        self.done.set()
        RUNNING.discard(self.proc)
        return code, err or "", time.monotonic() - t


def left_processes(ix: Path) -> list[int]:
    """`perucases index` processes (or their extraction processes) still working on IX."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmd = (d / "cmdline").read_bytes().split(b"\0")
                status = (d / "status").read_text()
            except OSError:
                continue
            if str(ix).encode() in cmd and b"index" in cmd and "zombie" not in status:
                out.append(int(d.name))
    return out


def wait_no_processes(ix: Path, seconds: float = 3.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := left_processes(ix)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


# ---------------------------------------------------------------------------- the corpus and its versions


def _write(path: Path, text: str) -> None:
    """Write a note whole, as an editor that saves atomically does: the readers that refresh the
    index themselves run while the corpus changes, and a file read half-written is indexed as it
    was read (a content no version of the file has: the next update reads it again), which the
    checks below would count as a failure of perucases."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class Corpus:
    """The seeds and notes in a folder, and every version each document's file has had."""

    def __init__(self, root: Path, notes: int, rnd: random.Random):
        from perucases.index.location import bundled_seeds

        self.root, self.rnd = root, rnd
        shutil.copytree(bundled_seeds(), root)
        (root / "more").mkdir()
        self.versions: dict[str, set[str]] = {}
        self.serial = 0
        for _ in range(notes):
            self.add()
        self.remember()

    def note_text(self, k: int, amend: int = 0) -> str:
        extra = "".join(f" Amended {a} on {1 + a % 28} March 2001." for a in range(amend))
        return (
            f"Note {k}\n\nThe Colina group and Vladimiro Montesinos met in Lima on September {1 + k % 28}, 2000, "
            f"note {k} says; the commission heard {k} witnesses of the massacre.{extra}\n"
        )

    def add(self) -> None:
        self.serial += 1
        _write(self.root / "more" / f"note-{self.serial:05d}.txt", self.note_text(self.serial))

    def files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*.txt"))

    def id_of(self, p: Path) -> str:
        return p.relative_to(self.root).with_suffix("").as_posix()

    def remember(self) -> None:
        for p in self.files():
            self.versions.setdefault(self.id_of(p), set()).add(hashlib.sha256(p.read_bytes()).hexdigest())

    def current(self) -> dict[str, str]:
        return {self.id_of(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in self.files()}

    def change(self, n_change: int, n_add: int, n_remove: int) -> None:
        notes = sorted((self.root / "more").glob("*.txt"))
        for p in self.rnd.sample(notes, min(n_change, len(notes))):
            _write(p, p.read_text(encoding="utf-8").rstrip("\n") + f" Amended {self.rnd.randint(0, 10**6)}.\n")
        for p in self.rnd.sample(notes, min(n_remove, len(notes) - n_change)):
            if p.exists():
                p.unlink()
        for _ in range(n_add):
            self.add()
        self.remember()


def index_state(ix: Path) -> dict[str, str] | None:
    """Document id -> content hash as the index holds them (None when it cannot be opened)."""
    from whoosh import query as Q

    from perucases.library import Library

    try:
        lib = Library(ix, refresh=False)
        s = lib.searcher()
        out = {
            st["id"]: st["meta"]["sha256"]
            for st in (s.stored_fields(n) for n in s.docs_for_query(Q.Term("kind", "doc")))
        }
        lib.close()
        return out
    except Exception as exc:  # noqa: BLE001 - reported as a failure by the caller
        ST.fail(f"the index cannot be read: {type(exc).__name__}: {exc}")
        return None


def whole(state: dict[str, str] | None, corpus: Corpus, where: str) -> bool:
    """Every document one whole version of its file."""
    if not state:
        ST.fail(f"{where}: the index lost its documents")
        return False
    bad = [d for d, sha in state.items() if sha not in corpus.versions.get(d, ())]
    if bad:
        ST.fail(f"{where}: documents that are no version of their file: {bad[:3]}")
        return False
    return True


def check(ix: Path, where: str) -> None:
    r = subprocess.run(
        [perucases(), "index", "--check", "--index", str(ix)], capture_output=True, text=True, timeout=HANG
    )
    ST.add("checks")
    if r.returncode != 0:
        ST.fail(f"{where}: index --check: {r.stderr.strip()[-300:]}")


# ---------------------------------------------------------------------------- readers


class Readers:
    """Queries while the index is written: `perucases search` and `docs` processes (the first
    with the query's own refresh, the second answering from the index as it is) and Library
    searches in this process. Every answer must be exit 0 with hits, one whole state."""

    def __init__(self, ix: Path, n: int):
        self.ix, self.stop = ix, threading.Event()
        self.refresh = True  # the search processes refresh the index themselves (a writer too)
        self.rounds = [0] * max(0, n - 1)  # queries begun by each process reader
        self.threads = [threading.Thread(target=self._cli, args=(k,), daemon=True) for k in range(max(0, n - 1))]
        self.threads.append(threading.Thread(target=self._api, daemon=True))
        for t in self.threads:
            t.start()

    def _cli(self, k: int) -> None:
        while not self.stop.is_set():
            self.rounds[k] += 1
            env = dict(os.environ)
            if k % 2 or not self.refresh:
                env["PERUCASES_AUTO_REFRESH_MAX"] = "0"  # a large corpus: the query answers as the index is
            args = ["search", "Montesinos", "--format", "ids"] if k % 2 == 0 else ["docs", "--format", "ids"]
            try:
                r = subprocess.run(
                    [perucases(), *args, "--index", str(self.ix)],
                    capture_output=True,
                    text=True,
                    timeout=HANG,
                    env=env,
                    errors="replace",
                )
            except subprocess.TimeoutExpired:
                ST.add("hangs")
                ST.fail(f"a query hung: {args}")
                continue
            ST.add("queries (processes)")
            if r.returncode != 0 or not r.stdout.strip() or traceback_in(r.stderr):
                if traceback_in(r.stderr):
                    ST.add("tracebacks")
                ST.fail(f"query {args[0]} exited {r.returncode}: {r.stderr.strip()[-300:]}")

    def _api(self) -> None:
        from perucases.library import Library

        while not self.stop.is_set():
            try:
                lib = Library(self.ix, refresh=False)
                hits = lib.search("Colina", limit=5).hits
                lib.close()
                ST.add("queries (Library)")
                if not hits:
                    ST.fail("a Library search found nothing")
            except Exception as exc:  # noqa: BLE001 - the finding
                ST.add("queries (Library)")
                ST.fail(f"a Library search failed: {type(exc).__name__}: {exc}")
            time.sleep(0.02)

    def stop_writing(self) -> None:
        """From now on no reader refreshes the index: wait until each has begun a new query."""
        self.refresh = False
        seen = list(self.rounds)
        deadline = time.monotonic() + HANG
        while any(now <= was for now, was in zip(self.rounds, seen, strict=False)) and time.monotonic() < deadline:
            time.sleep(0.05)

    def close(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=HANG)


# ---------------------------------------------------------------------------- 1 and 2: kills and Ctrl-C


KINDS = {  # kind -> (arguments, how the corpus changes before it: changed, added, removed files)
    "rebuild -j 2": (["--rebuild", "-j", "2"], (3, 0, 0)),
    "update -j 2": (["-j", "2"], (5, 220, 220)),  # 225 files to read: a build in two processes
    "update -j 1": (["-j", "1"], (6, 10, 10)),
}


def timings(ix: Path, corpus: Corpus) -> dict[str, float]:
    took = {}
    for kind, (args, change) in KINDS.items():
        corpus.change(*change)
        b = Build(["index", str(corpus.root), "--index", str(ix), *args])
        code, err, secs = b.finish()
        took[kind] = time.monotonic() - b.started
        if code != 0:
            ST.fail(f"timing run {kind} exited {code}: {err.strip()[-300:]}")
        elif index_state(ix) != corpus.current():
            ST.fail(f"timing run {kind}: the index is not the corpus (lost update)")
            ST.add("lost updates")
    return took


def kill_rounds(ix: Path, corpus: Corpus, want: int, took: dict, rnd: random.Random) -> None:
    kills = rounds = 0
    kinds = list(KINDS)
    while kills < want and rounds < 4 * want:
        kind = kinds[rounds % len(kinds)]
        args, change = KINDS[kind]
        rounds += 1
        corpus.change(*change)
        b = Build(["index", str(corpus.root), "--index", str(ix), *args])
        time.sleep(rnd.uniform(0.05, 0.95) * took[kind])
        killed = b.alive()
        if killed:
            os.kill(b.proc.pid, signal.SIGKILL)
            kills += 1
            ST.add(f"kill -9 in flight ({kind})")
        code, err, _ = b.finish()
        if code is None:
            ST.add("hangs")
            ST.fail(f"kill round {rounds}: {kind} hung")
        if traceback_in(err):
            ST.add("tracebacks")
            ST.fail(f"kill round {rounds}: traceback: {err[-300:]}")
        left = wait_no_processes(ix)
        if left:
            ST.fail(f"kill round {rounds}: extraction processes left: {left}")
            for p in left:
                os.kill(p, signal.SIGKILL)
        state = index_state(ix)
        whole(state, corpus, f"kill round {rounds} ({kind})")
        if not killed:
            if code != 0:
                ST.fail(f"kill round {rounds}: {kind} exited {code}: {err.strip()[-300:]}")
            elif state != corpus.current():
                ST.add("lost updates")
                ST.fail(f"kill round {rounds}: {kind} ended but the index is not the corpus (lost update)")
        if rounds % 5 == 0:
            check(ix, f"kill round {rounds}")
        if rounds % 10 == 0:
            print(f"  kill -9: {rounds} rounds, {kills} in flight", flush=True)
    ST.add("kill rounds", rounds)


def interrupt_rounds(ix: Path, corpus: Corpus, want: int, took: dict, rnd: random.Random) -> None:
    done = rounds = 0
    kinds = list(KINDS)
    while done < want and rounds < 4 * want:
        kind = kinds[rounds % len(kinds)]
        args, change = KINDS[kind]
        rounds += 1
        before = index_state(ix)
        corpus.change(*change)
        b = Build(["index", str(corpus.root), "--index", str(ix), *args])
        time.sleep(rnd.uniform(0.1, 0.9) * took[kind])
        if not b.alive():
            b.finish()
            continue
        presses = 2 if rounds % 3 == 0 else 1
        os.killpg(b.proc.pid, signal.SIGINT)
        t0 = time.monotonic()
        if presses == 2:
            time.sleep(rnd.uniform(0.02, 0.3))
            if b.alive():
                os.killpg(b.proc.pid, signal.SIGINT)
        code, err, _ = b.finish(limit=HANG)
        secs = time.monotonic() - t0
        ST.exit_times.append(secs)
        if code == 0:  # it ended before the signal was handled: only checked
            whole(index_state(ix), corpus, f"interrupt round {rounds}")
            continue
        done += 1
        ST.add(f"Ctrl-C in flight ({kind}, {presses}x)")
        if code is None or secs > EXIT_LIMIT:
            ST.add("hangs")
            ST.fail(f"interrupt round {rounds}: {kind} took {secs:.1f} s to end after Ctrl-C")
        lines = [ln for ln in err.splitlines() if ln.strip()]
        if traceback_in(err):
            ST.add("tracebacks")
            ST.fail(f"interrupt round {rounds}: traceback: {err[-300:]}")
        if code != 130 or not lines or lines[-1] != "perucases: interrupted":
            ST.fail(f"interrupt round {rounds}: exit {code}, stderr ends {lines[-1:]}")
        left = wait_no_processes(ix)
        if left:
            ST.fail(f"interrupt round {rounds}: processes left: {left}")
        state = index_state(ix)
        if whole(state, corpus, f"interrupt round {rounds}") and state not in (before, corpus.current()):
            ST.fail(f"interrupt round {rounds}: the index changed though the build was interrupted")
        if rounds % 5 == 0:
            check(ix, f"interrupt round {rounds}")
    ST.add("Ctrl-C rounds", rounds)


# ---------------------------------------------------------------------------- 3: a full disk


def full_disk(base: Path, ix: Path, corpus: Corpus, rnd: random.Random) -> None:
    if os.geteuid() != 0 or not shutil.which("mount"):
        print("  full disk: skipped (needs root for a tmpfs)")
        ST.add("full disk: skipped")
        return
    size = sum(f.stat().st_size for f in ix.iterdir() if f.is_file())
    mnt = base / "tmpfs"
    mnt.mkdir()
    for k, spare in enumerate((64 * 1024, 512 * 1024, 2 * 1024 * 1024, 5 * 1024 * 1024)):
        limit = size + spare
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={limit}", "tmpfs", str(mnt)], check=True)
        try:
            small = mnt / "ix"
            shutil.copytree(ix, small, ignore=shutil.ignore_patterns(".lock"))
            before = index_state(small)
            corpus.change(5, 400, 0)
            for args in (["index", str(corpus.root), "-j", "2"], ["index", str(corpus.root), "--rebuild"]):
                filled: list[float] = []
                b = Build([*args, "--index", str(small)])
                while b.alive():  # when the disk filled, to time the exit from then
                    if not filled and shutil.disk_usage(mnt).free < 64 * 1024:
                        filled.append(time.monotonic())
                    time.sleep(0.02)
                code, err, _ = b.finish()
                ended = time.monotonic()
                secs = ended - (filled[0] if filled else b.started)
                ST.add("full disk runs")
                lines = [ln for ln in err.splitlines() if ln.strip()]
                if code == 0:
                    ST.add("full disk runs that fit")
                    before = index_state(small)
                    continue
                ST.disk_exit_times.append(secs)
                if code is None or secs > EXIT_LIMIT:
                    ST.add("hangs")
                    ST.fail(f"full disk {k}: {args[2:]} took {secs:.1f} s to end after the disk filled")
                if traceback_in(err):
                    ST.add("tracebacks")
                if code != 2 or "No space left on device" not in (lines[-1] if lines else ""):
                    ST.fail(f"full disk {k} ({args[2:]}): exit {code}, {lines[-1:]} after {secs:.1f} s")
                if index_state(small) != before:
                    ST.fail(f"full disk {k}: the index changed")
                r = subprocess.run(
                    [perucases(), "search", "Montesinos", "--index", str(small), "--format", "ids"],
                    capture_output=True,
                    text=True,
                    timeout=HANG,
                )
                ST.add("queries (processes)")
                if r.returncode != 0 or traceback_in(r.stderr):
                    ST.fail(f"full disk {k}: a query exited {r.returncode}: {r.stderr.strip()[-300:]}")
            check(small, f"full disk {k}")
        finally:
            subprocess.run(["umount", str(mnt)], check=False)


# ---------------------------------------------------------------------------- 4: hostile files and queries


def hostile_corpus(folder: Path) -> dict[str, str]:
    """Files that once hung, exhausted memory or mangled output; name -> the warning expected."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from helpers import make_docx, make_pdf
    from perucases.ingest import limits

    folder.mkdir(parents=True)
    expect = {}
    os.mkfifo(folder / "pipe.txt")
    expect["pipe.txt"] = "not a regular file (a FIFO)"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(folder / "sock.md"))
    expect["sock.md"] = "not a regular file (a socket)"
    (folder / "zero.txt").symlink_to("/dev/zero")
    expect["zero.txt"] = "not a regular file (a device)"
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    expect["dangling.txt"] = "a broken symbolic link"
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    expect["loop.txt"] = "points to itself"
    import zipfile

    make_docx(folder / "ok.docx")
    para = b"<w:p><w:r><w:t>" + b"La Cantuta " * 90 + b"</w:t></w:r></w:p>"
    with (
        zipfile.ZipFile(folder / "ok.docx") as src,
        zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "word/document.xml":
                dst.writestr(info, data)
                continue
            with dst.open(info.filename, "w", force_zip64=True) as out:  # 1.5 GB of XML, streamed
                out.write(data.split(b"<w:body>")[0] + b"<w:body>")
                chunk = para * 10_000
                for _ in range(1_500_000_000 // len(chunk)):
                    out.write(chunk)
                out.write(b"</w:body></w:document>")
    expect["bomb.docx"] = "a DOCX file that decompresses to"
    (folder / "one-line.txt").write_text("T\n\n" + "Montesinos " * (limits.MAX_TEXT // 11 + 100), encoding="utf-8")
    expect["one-line.txt"] = "more text than the limit"
    with open(folder / "huge.txt", "wb") as f:
        for _ in range(20):
            f.write(b"Fujimori " * 1_200_000)  # 200 MB of one line
    expect["huge.txt"] = "more text than the limit"
    (folder / "tags.html").write_text("<html><body>" + "<p>La Cantuta " * 200_000 + "</body></html>", encoding="utf-8")
    expect["tags.html"] = "more than 100,000 elements"
    make_pdf(folder / "good.pdf")
    data = (folder / "good.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) * 2 // 3])
    expect["truncated.pdf"] = "damaged PDF"
    (folder / "utf16.txt").write_bytes("Informe\n\nEl Grupo Colina en Barrios Altos.\n".encode("utf-16"))
    (folder / os.fsdecode(b"evil\x1b[2J\nname.txt")).write_text("Evil\n\nThe SIN and Montesinos.\n", encoding="utf-8")
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text("Cafe\n\nThe SIN and Fujimori.\n", encoding="utf-8")
    secret = folder / "restricted"
    secret.mkdir()
    (secret / "memo.txt").write_text("Memo\n\nA memo.\n", encoding="utf-8")
    secret.chmod(0)
    expect["restricted"] = "cannot read the folder"
    for k in range(4):  # documents just under the text limit: the largest a build must hold at once
        words = " ".join(
            f"Montesinos met the Colina group in Lima on {1 + n % 28} March 1991, witness {n} said."
            for n in range(k * 10**5, k * 10**5 + limits.MAX_TEXT // 80)
        )
        (folder / f"large-{k}.txt").write_text(f"Large {k}\n\n{words[: limits.MAX_TEXT - 20]}\n", encoding="utf-8")
    for k in range(300):  # and enough files for a build in several processes
        (folder / f"small-{k:03d}.txt").write_text(f"Small {k}\n\nMontesinos, note {k}.\n", encoding="utf-8")
    return expect


def hostile_files(base: Path) -> None:
    folder = base / "hostile"
    expect = hostile_corpus(folder)
    prefix = []
    if os.geteuid() == 0 and shutil.which("setpriv"):  # as root, without the power to read anything
        prefix = [
            "setpriv",
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search",
        ]
    b = Build(
        ["index", str(folder), "--index", str(base / "hix"), "--follow-links", "--max-file-size", "500M"], prefix=prefix
    )
    code, err, _ = b.finish()
    secs = time.monotonic() - b.started
    (folder / "restricted").chmod(0o755)
    ST.add("hostile files", len(expect))
    print(f"  hostile files: exit {code} in {secs:.0f} s", flush=True)
    if code is None:
        ST.add("hangs")
        ST.fail("indexing the hostile files hung")
    if traceback_in(err):
        ST.add("tracebacks")
    if code != 0:
        ST.fail(f"indexing the hostile files exited {code}: {err.strip()[-300:]}")
    for name, why in expect.items():
        if not any(name in ln and why in ln for ln in err.splitlines()):
            ST.fail(f"hostile file {name}: no warning '{why}'")
    bad = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("perucases: ")]
    if bad:
        ST.fail(f"hostile files: lines without the prefix: {bad[:3]}")
    for args in (["docs", "--format", "tsv"], ["docs", "--format", "ids"], ["search", "SIN", "--format", "csv"]):
        r = subprocess.run([perucases(), *args, "--index", str(base / "hix")], capture_output=True, timeout=HANG)
        ST.add("queries (processes)")
        if r.returncode != 0 or b"\x1b" in r.stdout:
            ST.fail(f"hostile files: {args}: exit {r.returncode}, escape sequence: {b'x1b' in r.stdout}")


HOSTILE_QUERIES = [
    "*e*",
    "t*",
    "[a TO z]",
    "x" * 100_000,
    "q" * 4000,
    "(" * 1000 + "oil" + ")" * 1000,
    " OR ".join(f"w{k}~2" for k in range(300)),
    "oil~2 OR gold~2 OR bank~2 OR trade~2",
    " OR ".join(["Montesinos"] * 99),
    "Montesimos~",
    "tra*",
    "id:*",
    '"the the the the"',
    "NOT Montesinos",
    "title:",
    "Fujimori~9",
    "\udcff",
    "[ TO ]",
    "*",
]


def hostile_queries(ix: Path, label: str) -> None:
    for q in HOSTILE_QUERIES:
        t = time.monotonic()
        try:
            r = subprocess.run(
                [perucases(), "search", q, "--index", str(ix), "--format", "ids"],
                capture_output=True,
                text=True,
                timeout=90,
                errors="surrogateescape",
            )
        except subprocess.TimeoutExpired:
            ST.add("hangs")
            ST.fail(f"{label}: query {q[:40]!r} hung")
            continue
        secs = time.monotonic() - t
        ST.add("hostile queries")
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        if traceback_in(r.stderr):
            ST.add("tracebacks")
        if (
            r.returncode not in (0, 1, 2)
            or (r.returncode == 2 and (len(lines) != 1 or len(lines[0]) > 400))
            or "internal error" in r.stderr
        ):
            ST.fail(f"{label}: query {q[:40]!r}: exit {r.returncode}: {r.stderr.strip()[-200:]}")
        print(
            f"  {label}: {q[:30]!r:34} exit {r.returncode} {secs:5.1f} s  {(lines[-1] if lines else '')[:90]}",
            flush=True,
        )


# ---------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=600, help="notes beside the seeds (default 600)")
    ap.add_argument("--kills", type=int, default=100, help="kill -9 injections in flight to reach")
    ap.add_argument("--interrupts", type=int, default=30, help="Ctrl-C injections in flight to reach")
    ap.add_argument("--queries", type=int, default=2000, help="queries during writes to reach")
    ap.add_argument("--readers", type=int, default=3, help="concurrent readers (processes and one Library thread)")
    ap.add_argument("--reuters", action="store_true", help="also run the hostile queries on 21,578 Reuters stories")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up (below) when stopped
    rnd = random.Random(a.seed)
    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="perucases-stress-"))
    try:
        corpus = Corpus(base / "c", a.notes, rnd)
        ix = base / "ix"
        print(f"stress: {len(corpus.files())} files in {base}", flush=True)
        b = Build(["index", str(corpus.root), "--index", str(ix)])
        code, err, _ = b.finish()
        if code != 0:
            print(err)
            return 1
        readers = Readers(ix, a.readers)
        try:
            took = timings(ix, corpus)
            print("  durations: " + ", ".join(f"{k} {v:.1f} s" for k, v in took.items()), flush=True)
            kill_rounds(ix, corpus, a.kills, took, rnd)
            # While builds are interrupted, no reader writes: "the index as before" can be checked.
            readers.stop_writing()
            interrupt_rounds(ix, corpus, a.interrupts, took, rnd)
            readers.refresh = True
            # until enough queries ran during writes: more updates, not killed
            while (
                ST.counts.get("queries (processes)", 0) + ST.counts.get("queries (Library)", 0) < a.queries
                and time.monotonic() - started < 3600
            ):
                corpus.change(4, 30, 2)
                b = Build(["index", str(corpus.root), "--index", str(ix), "-j", "1"])
                code, err, _ = b.finish()
                ST.add("extra updates")
                if code != 0 or index_state(ix) != corpus.current():
                    ST.add("lost updates")
                    ST.fail(f"extra update: exit {code}, the index is not the corpus: {err.strip()[-200:]}")
        finally:
            readers.close()
        during = ST.counts.get("queries (processes)", 0) + ST.counts.get("queries (Library)", 0)
        b = Build(["index", "--index", str(ix)])
        code, err, _ = b.finish()
        if code != 0 or index_state(ix) != corpus.current():
            ST.add("lost updates")
            ST.fail(f"final update: exit {code}; the index is not the corpus")
        check(ix, "the end")
        hostile_queries(ix, "notes")
        full_disk(base, ix, corpus, rnd)
        hostile_files(base)
        if a.reuters:
            from reuters import write_corpus

            write_corpus(base / "reuters")
            r = subprocess.run(
                [perucases(), "index", str(base / "reuters"), "--index", str(base / "rix")],
                capture_output=True,
                text=True,
                timeout=3600,
            )
            if r.returncode != 0:
                ST.fail(f"Reuters build: {r.stderr.strip()[-300:]}")
            hostile_queries(base / "rix", "reuters")
    finally:
        for proc in list(RUNNING):
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
        subprocess.run(["umount", str(base / "tmpfs")], capture_output=True, check=False)
        for p in base.rglob("*"):
            try:
                if p.is_dir() and not p.is_symlink():
                    p.chmod(0o755)
            except OSError:
                pass
        shutil.rmtree(base, ignore_errors=True)
    c = ST.counts
    kills = sum(v for k, v in c.items() if k.startswith("kill -9 in flight"))
    ints = sum(v for k, v in c.items() if k.startswith("Ctrl-C in flight"))
    summary = {
        "kill rounds": c.get("kill rounds", 0),
        "kill -9 in flight": kills,
        "Ctrl-C rounds": c.get("Ctrl-C rounds", 0),
        "Ctrl-C in flight": ints,
        "queries during writes": during,
        "queries (processes)": c.get("queries (processes)", 0),
        "queries (Library)": c.get("queries (Library)", 0),
        "index --check runs": c.get("checks", 0),
        "full disk runs": c.get("full disk runs", 0),
        "full disk runs that filled it": c.get("full disk runs", 0) - c.get("full disk runs that fit", 0),
        "hostile files": c.get("hostile files", 0),
        "hostile queries": c.get("hostile queries", 0),
        "failures": len(ST.failures),
        "hangs": c.get("hangs", 0),
        "lost updates": c.get("lost updates", 0),
        "tracebacks": c.get("tracebacks", 0),
        "slowest exit after Ctrl-C (s)": round(max(ST.exit_times, default=0.0), 2),
        "slowest exit after the disk filled (s)": round(max(ST.disk_exit_times, default=0.0), 2),
        "peak memory of a build, all processes (MB)": round(ST.peak_kb / 1024),
        "minutes": round((time.monotonic() - started) / 60, 1),
    }
    for k, v in summary.items():
        print(f"{k:44} {v}")
    for k, v in sorted(c.items()):
        if "in flight (" in k:
            print(f"  {k:42} {v}")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps({"summary": summary, "counts": c, "failures": ST.failures}, indent=1))
    short = kills < a.kills or ints < a.interrupts or during < a.queries
    if short:
        print("fewer injections or queries than asked for")
    return 1 if ST.failures or short else 0


if __name__ == "__main__":
    sys.exit(main())
