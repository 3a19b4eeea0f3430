"""Robustness and safety: random input at every entry point, limits, crashes, concurrency,
hostile content. The numbers of generated cases are in the hypothesis settings below; the
longer fuzzing run is bench/fuzz.py."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import SEED_IDS, assert_index_sound, examples, index_here, python
from perucases.cli import cli
from perucases.extract.entities import extract
from perucases.extract.gazetteer import load_gazetteer
from perucases.extract.timex import find
from perucases.index.location import bundled_seeds
from perucases.ingest.clean import clean
from perucases.ingest.decode import SkipFile, decode
from perucases.library import Library

HOSTILE = st.sampled_from(
    [
        "\x00",
        "\ud800",
        "\udfff",
        "\u202e",
        "\u202d",
        "\u2066",
        "\u200f",
        "\x1b[2J",
        "\x1b]0;pwned\x07",
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
    ]
)
TEXT = st.lists(st.one_of(st.text(min_size=0, max_size=40), HOSTILE), max_size=40).map("".join)
ISO_VALUE = re.compile(
    r"^(\d{4}(-\d{2}(-\d{2})?)?|\d{4}-W\d{2}|\d{4}-Q\d|\d{4}-(SP|SU|FA|WI|H1|H2)|\d{3}X|\d{2}XX|"
    r"(\d{4}(-\d{2}(-\d{2})?)?)/(\d{4}(-\d{2}(-\d{2})?)?))$"
)
GAZ = load_gazetteer(())


def _no_traceback(result) -> None:
    out = (result.stdout or "") + (result.stderr or "")
    assert "Traceback" not in out
    assert result.exit_code in (0, 1, 2), (result.exit_code, out[-300:])
    if result.exit_code == 2:
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert (
            len(lines) == 1
            and lines[0].startswith(("perucases: error:", "Usage:", "Error:"))
            or any(ln.startswith(("perucases: error:", "Error:")) for ln in lines)
        ), result.stderr


# ---------------------------------------------------------------------------- random input


@settings(max_examples=examples(300), deadline=None)
@given(data=st.binary(max_size=3000))
def test_random_bytes_through_decoding_and_cleaning(data):
    try:
        d = decode(data)
    except SkipFile:
        return
    c = clean(d.text)
    for p in c.paragraphs:
        assert 0 <= p.start <= p.end <= len(d.text)
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]", p.text)


@settings(max_examples=examples(300), deadline=None)
@given(text=TEXT, anchor=st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))))
def test_random_unicode_through_cleaning_entities_and_dates(text, anchor):
    c = clean(text)
    paras = [p.text for p in c.paragraphs]
    for p in c.paragraphs:
        assert 0 <= p.start <= p.end <= len(text)
    mentions, _ = extract(paras, GAZ)
    for m in mentions:
        assert 0 <= m.start < m.end <= len(paras[m.paragraph - 1])
    for para in paras:
        for t in find(para, anchor):
            if t.first is not None:
                assert t.last is not None and t.first <= t.last
                assert ISO_VALUE.match(t.value), t.value


@pytest.mark.slow
def test_a_megabyte_line_with_no_line_break(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    words = (
        "The Colina group killed nine students of La Cantuta in July 1992 and Montesinos denied it "
        "before the commission "
    ).split()
    rnd = random.Random(3)
    line = " ".join(rnd.choice(words) for _ in range(180_000))  # about 1 MB, one line
    (corpus / "long.txt").write_text("Long\n\n" + line, encoding="utf-8")
    lib = Library(tmp_path / "ix", [corpus])
    assert [h.id for h in lib.search("Cantuta").hits] == ["long"]
    assert lib.quotes("Montesinos commission", limit=1)[0].id == "long"


# Random input through the commands: a few hundred commands a run here; bench/fuzz.py runs thousands
# (through the library) when a change calls for a longer search.
@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=TEXT)
def test_random_search_queries(run, q):
    _no_traceback(run("search", q, "--format", "json"))


@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    a=st.one_of(
        TEXT,
        st.sampled_from(
            [
                "1997",
                "1997-13",
                "0000",
                "9999-12-31",
                "April 1997",
                "-1",
                "1e9",
                "31/02/2000",
                "2000-02-30",
                "yesterday",
            ]
        ),
    ),
    b=st.one_of(TEXT, st.sampled_from(["1990", "2000-W38", "  ", "", "1990/2000"])),
)
def test_random_date_filters(run, a, b):
    _no_traceback(run("search", "Fujimori", "--from", a, "--to", b, "--format", "json"))
    r = run("timeline", "--from", a, "--to", b, "--format", "json")
    _no_traceback(r)
    if r.exit_code == 0:
        _check_events(json.loads(r.stdout))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=TEXT)
def test_random_entity_names_and_ids(run, name):
    _no_traceback(run("entity", name, "--format", "json"))
    _no_traceback(run("search", "Peru", "--entity", name, "--format", "json"))
    _no_traceback(run("show", name, "--format", "json"))
    _no_traceback(run("cite", "refs", name))


def _check_events(events) -> None:
    for e in events:
        assert ISO_VALUE.match(e["date"]), e["date"]
        if e["start"] is not None:
            start, end = dt.date.fromisoformat(e["start"]), dt.date.fromisoformat(e["end"])
            assert start <= end


def test_every_timeline_date_is_iso_with_start_before_end(run):
    r = run("timeline", "--format", "json")
    events = json.loads(r.stdout)
    assert len(events) > 20
    _check_events(events)


# ---------------------------------------------------------------------------- limits


def test_max_file_size_skips_with_a_warning(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(bundled_seeds(), corpus)
    r = CliRunner().invoke(cli, ["index", str(corpus), "--max-file-size", "3K", "--index", str(tmp_path / "ix")])
    assert r.exit_code == 0
    assert re.search(r"000_ca4e617775ace81b\.txt: skipped: larger than the size limit of 3 KB", r.stderr)
    assert sorted(Library(tmp_path / "ix").ids()) == [SEED_IDS[1], SEED_IDS[3], SEED_IDS[4]]
    bad = CliRunner().invoke(cli, ["index", "--max-file-size", "lots", "--index", str(tmp_path / "ix")])
    assert bad.exit_code == 2 and "not a size" in bad.stderr


# ---------------------------------------------------------------------------- crashes and concurrency


def _perucases() -> str:
    exe = Path(sys.executable).parent / "perucases"
    return str(exe) if exe.exists() else shutil.which("perucases")


def _state(ix: Path) -> dict[str, str]:
    lib = Library(ix, refresh=False)
    s = lib.searcher()
    from whoosh import query as Q

    return {
        st["id"]: st["meta"]["sha256"] for st in (s.stored_fields(n) for n in s.docs_for_query(Q.Term("kind", "doc")))
    }


def _seeds_and_notes(tmp_path, n: int, digits: int) -> Path:
    """A copy of the seeds with N short notes in more/ (note-0000.txt ...)."""
    corpus = tmp_path / "c"
    shutil.copytree(bundled_seeds(), corpus)
    extra = corpus / "more"
    extra.mkdir()
    for k in range(n):
        (extra / f"note-{k:0{digits}d}.txt").write_text(
            f"Note {k}\n\nThe Colina group and Vladimiro Montesinos, note {k}, in September 2000.\n", encoding="utf-8"
        )
    return corpus


# The installed command, stopped at its AT-th write in FOLDER (a file created or opened to write,
# renamed, replaced or removed there) to be killed: it prints "paused" and waits. A build that
# makes fewer writes ends as usual and prints "writes N". The kills land where the build is, not
# where a machine's speed happens to have taken it.
PAUSED_AT_A_WRITE = """
import atexit, builtins, io, os, sys, time
folder, at = os.path.realpath(sys.argv.pop(1)) + os.sep, int(sys.argv.pop(1))
count = 0
def step(path):
    global count
    if isinstance(path, (str, bytes, os.PathLike)) and os.fsdecode(os.path.realpath(path)).startswith(folder):
        count += 1
        if count == at:
            os.write(1, b"paused\\n")
            time.sleep(3600)
def watch(call, writes=None):
    def watched(path, *args, **kwargs):
        if writes is None or writes(*args, **kwargs):
            step(path)
        return call(path, *args, **kwargs)
    return watched
def mode_writes(mode="r", *args, **kwargs):
    return any(c in mode for c in "wax+")
def flags_write(flags, *args, **kwargs):
    return bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
builtins.open = io.open = watch(io.open, mode_writes)
os.open = watch(os.open, flags_write)
os.replace, os.rename = watch(os.replace), watch(os.rename)
os.remove = os.unlink = watch(os.unlink)
atexit.register(lambda: os.write(1, f"writes {count}\\n".encode()))
from perucases.cli import main
sys.argv = ["perucases", *sys.argv[1:]]
main()
"""


def _paused_build(ix: Path, at: int, args: list[str]) -> tuple[subprocess.Popen, str]:
    """A build stopped at its AT-th write in IX, or ended before it: (the process, "paused" or
    "writes N")."""
    import select

    proc = subprocess.Popen(
        [*python("-c"), PAUSED_AT_A_WRITE, str(ix), str(at), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    ready, _, _ = select.select([proc.stdout], [], [], 120)
    if not ready:
        proc.kill()
        pytest.fail("the build neither paused nor ended")
    said = proc.stdout.readline().strip()  # its one line
    proc.stdout.close()
    return proc, said


@pytest.mark.slow
def test_kill_9_during_indexing_never_breaks_the_index(tmp_path):
    import hashlib

    corpus = _seeds_and_notes(tmp_path, 30, 2)
    extra = corpus / "more"
    ix = tmp_path / "ix"
    index_here(str(corpus), "--index", str(ix), "-j", "1")
    versions: dict[str, set] = {}

    def remember():
        for p in corpus.rglob("*.txt"):
            versions.setdefault(p.relative_to(corpus).with_suffix("").as_posix(), set()).add(
                hashlib.sha256(p.read_bytes()).hexdigest()
            )

    def change(k):
        for p in rnd.sample(sorted(extra.glob("*.txt")), 5):  # change some files
            p.write_text(p.read_text(encoding="utf-8") + f"Amended {k}.\n", encoding="utf-8")
        remember()

    remember()
    rnd = random.Random(11)

    def args(k):
        return ["index", str(corpus), "--index", str(ix), "-j", "1"] + (["--rebuild"] if k % 3 == 0 else [])

    # How many writes a rebuild and an update make, so that the kills land anywhere in them.
    writes = {}
    for k in (0, 1):
        change(-1 - k)
        proc, said = _paused_build(ix, 0, args(k))
        assert proc.wait() == 0 and said.startswith("writes "), said
        writes[k] = int(said.split()[1])
    kills = 0
    for k in range(6):  # two rebuilds (k = 0, 3) and four updates, killed anywhere in them
        change(k)
        proc, said = _paused_build(ix, rnd.randint(1, writes[0 if k % 3 == 0 else 1]), args(k))
        if said == "paused":
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        state = _state(ix)  # the index opens and every document is one whole version of its file
        assert state, "the index lost its documents"
        for doc_id, sha in state.items():
            assert sha in versions[doc_id], doc_id
        assert_index_sound(ix)
    assert kills >= 4  # the builds really were killed at work (the pause points, not the timing, decide)
    assert subprocess.run([_perucases(), "index", str(corpus), "--index", str(ix)], capture_output=True).returncode == 0
    final = _state(ix)
    for p in corpus.rglob("*.txt"):
        assert final[p.relative_to(corpus).with_suffix("").as_posix()] == hashlib.sha256(p.read_bytes()).hexdigest()


def _processes_naming(text: str) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if text in (d / "cmdline").read_bytes().decode("utf-8", "replace"):
                    out.append(int(d.name))
            except OSError:
                pass
    return out


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.slow
def test_kill_9_during_a_build_in_several_processes_leaves_no_orphan_and_a_whole_index(tmp_path, built_notes):
    corpus, built = built_notes
    ix = tmp_path / "ix"
    shutil.copytree(built, ix)
    cmd = [_perucases(), "index", str(corpus), "--index", str(ix), "-j", "2", "--rebuild"]
    for _ in range(2):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while len(_children(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        # Killed once its two extraction processes run: they have 1,205 files to read, and the
        # build cannot end before they have.
        proc.send_signal(signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
        deadline = time.monotonic() + 60  # (they look for their parent every second or 16 files)
        while _processes_naming(str(ix)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _processes_naming(str(ix)) == []  # the extraction processes saw it and stopped
        assert len(_state(ix)) == 1205  # the previous build answers, whole
        assert_index_sound(ix)
    # The next update takes the index over (the lock of the killed builds is free, their
    # leftovers no obstacle); a rebuild after kills in one process is the test above.
    r = subprocess.run(cmd[:-1], capture_output=True, text=True)  # (without --rebuild)
    assert r.returncode == 0 and "1205 unchanged" in r.stderr, r.stderr
    assert len(_state(ix)) == 1205 and _processes_naming(str(ix)) == []
    assert_index_sound(ix)


def test_queries_during_an_update_see_a_consistent_index(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(bundled_seeds(), corpus)
    ix = tmp_path / "ix"
    before = len(Library(ix, [corpus]).search("Colina", limit=100).hits)
    for k in range(40):
        (corpus / f"extra-{k:02d}.txt").write_text(
            f"Extra {k}\n\nMontesinos and the Colina group, note {k}.\n", encoding="utf-8"
        )
    errors, counts = [], []
    stop = threading.Event()

    def query():
        while not stop.is_set():
            try:
                lib = Library(ix, refresh=False)
                n = len(lib.search("Colina", limit=100).hits)
                counts.append(n)
                lib.close()
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(repr(exc))

    def queried(times: int):  # (the deadline only catches a hang)
        want, deadline = len(counts) + times, time.monotonic() + 60
        while len(counts) < want and not errors and time.monotonic() < deadline:
            time.sleep(0.01)

    t = threading.Thread(target=query)
    t.start()
    queried(1)
    r = subprocess.run([_perucases(), "index", str(corpus), "--index", str(ix), "-j", "1"], capture_output=True)
    queried(2)  # the second of them began after the update
    stop.set()
    t.join()
    assert r.returncode == 0 and not errors
    assert counts[0] == before and counts[-1] == before + 40
    assert set(counts) <= {before, before + 40}  # before or after the 40 notes, never between


def test_a_file_that_vanishes_while_being_read(tmp_path, monkeypatch):
    import perucases.ingest.document as document

    corpus = tmp_path / "c"
    shutil.copytree(bundled_seeds(), corpus)
    victim = corpus / f"{SEED_IDS[2]}.txt"
    real = document.file_stat

    def vanish(path):
        if path == victim:
            path.unlink()
        return real(path)

    monkeypatch.setattr(document, "file_stat", vanish)
    warnings = []
    from perucases.index.build import update

    report = update(tmp_path / "ix", [corpus], warn=warnings.append, procs=1)
    assert report.documents == 4
    assert any(f"{SEED_IDS[2]}.txt: skipped: cannot read" in w for w in warnings)


# Whoosh leaves the files of a failed write open until they are collected; the CLI exits after
# the error, so they close then. Here the process goes on, so the warnings are expected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_full_disk_leaves_the_old_index(tmp_path, monkeypatch):
    from whoosh.filedb import structfile

    corpus = tmp_path / "c"
    shutil.copytree(bundled_seeds(), corpus)
    ix = tmp_path / "ix"
    runner = CliRunner()
    assert runner.invoke(cli, ["index", str(corpus), "--index", str(ix)]).exit_code == 0
    before = _state(ix)
    (corpus / "new.txt").write_text("New\n\nThe Colina group in a new file, for the disk to fill.\n", encoding="utf-8")
    (corpus / f"{SEED_IDS[0]}.txt").write_text("Changed\n\nA changed file about Panama.\n", encoding="utf-8")
    real_write = structfile.StructFile.write

    def full(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    for args in (["index", str(corpus)], ["index", str(corpus), "--rebuild"]):
        monkeypatch.setattr(structfile.StructFile, "write", full)
        r = runner.invoke(cli, [*args, "--index", str(ix)])
        monkeypatch.setattr(structfile.StructFile, "write", real_write)
        assert r.exit_code == 2 and "No space left on device" in r.stderr and "as it was" in r.stderr
        assert "Traceback" not in r.stderr
        assert _state(ix) == before
        assert runner.invoke(cli, ["index", "--check", "--index", str(ix)]).exit_code == 0
    assert runner.invoke(cli, ["index", str(corpus), "--index", str(ix)]).exit_code == 0
    assert "new" in _state(ix)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # whoosh, on a truncated segment
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_check_finds_damage_and_rebuild_repairs_it(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(bundled_seeds(), corpus)
    ix = tmp_path / "ix"
    runner = CliRunner()
    assert runner.invoke(cli, ["index", str(corpus), "--index", str(ix)]).exit_code == 0
    r = runner.invoke(cli, ["index", "--check", "--index", str(ix)])
    assert r.exit_code == 0 and "sound: 5 document(s)" in r.stderr
    manifest = json.loads((ix / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][str(corpus / "ghost.txt")] = dict(next(iter(manifest["files"].values())), id="ghost")
    (ix / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    r = runner.invoke(cli, ["index", "--check", "--index", str(ix)])
    assert r.exit_code == 1 and "damage: ghost: in the manifest, missing from the index" in r.stderr
    for seg in ix.glob("*.seg"):
        seg.write_bytes(seg.read_bytes()[: seg.stat().st_size // 3])  # a truncated segment
    r = runner.invoke(cli, ["index", "--check", "--index", str(ix)])
    assert r.exit_code == 1 and "perucases index --rebuild" in r.stderr and "Traceback" not in r.stderr
    assert runner.invoke(cli, ["index", str(corpus), "--rebuild", "--index", str(ix)]).exit_code == 0
    r = runner.invoke(cli, ["index", "--check", "--index", str(ix)])
    assert r.exit_code == 0 and "sound: 5 document(s)" in r.stderr


# ---------------------------------------------------------------------------- hostile content


def test_ids_on_the_command_line_cannot_reach_outside_the_corpus(run):
    for bad in ("../../etc/passwd", "/etc/passwd", "..", f"../{SEED_IDS[0]}"):
        r = run("show", bad)
        assert r.exit_code == 2 and "no document" in r.stderr and "root:" not in r.stdout
        r = run("show", bad, "--raw")
        assert r.exit_code == 2 and "root:" not in r.stdout


def test_symlinks_out_of_the_corpus_are_not_followed_unless_asked(tmp_path):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret\n\nThe password of the archive is swordfish.\n", encoding="utf-8")
    corpus = tmp_path / "c"
    shutil.copytree(bundled_seeds(), corpus)
    (corpus / "link.txt").symlink_to(outside / "secret.txt")
    (corpus / "linkdir").symlink_to(outside, target_is_directory=True)
    (corpus / "inside.txt").symlink_to(corpus / f"{SEED_IDS[0]}.txt")  # a link within the corpus is fine
    runner = CliRunner()
    r = runner.invoke(cli, ["index", str(corpus), "--index", str(tmp_path / "ix")])
    assert r.exit_code == 0 and "link.txt" in r.stderr and "--follow-links" in r.stderr
    assert "swordfish" not in runner.invoke(cli, ["search", "swordfish", "--index", str(tmp_path / "ix")]).stdout
    assert not Library(tmp_path / "ix").search("swordfish").hits
    r = runner.invoke(cli, ["index", str(corpus), "--follow-links", "--index", str(tmp_path / "ix")])
    assert r.exit_code == 0
    lib = Library(tmp_path / "ix")
    assert [h.id for h in lib.search("swordfish").hits] == ["link"]
    # the same file reached through the folder link is the same content: recorded as a duplicate
    assert next(d for d in lib.docs() if d.id == "link").duplicates == [str(corpus / "linkdir" / "secret.txt")]


def test_nothing_is_written_outside_the_index_folder(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(bundled_seeds(), corpus)
    home, tmpdir = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmpdir.mkdir()
    before = {p: p.stat().st_mtime_ns for p in corpus.rglob("*")}
    env = dict(
        os.environ,
        HOME=str(home),
        TMPDIR=str(tmpdir),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("PERUCASES_INDEX", None)
    ix = tmp_path / "ix"
    for args in (
        ["index", str(corpus)],
        ["search", "Colina"],
        ["cite", "Colina", "--format", "md"],
        ["timeline", "--html", str(ix / "chronology.html")],
        ["index", "--check"],
    ):
        r = subprocess.run([_perucases(), *args, "--index", str(ix)], capture_output=True, text=True, env=env)
        assert r.returncode == 0, r.stderr
    assert list(home.rglob("*")) == [] and list(tmpdir.rglob("*")) == []
    assert {p: p.stat().st_mtime_ns for p in corpus.rglob("*")} == before
