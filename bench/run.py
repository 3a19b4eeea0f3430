"""The scale benchmark: perucases on Reuters-21578, side by side with Whoosh alone, SQLite FTS5
and grep, in one run.

    python bench/run.py                     # 21,578 stories; 3 runs of each timing, medians
    python bench/run.py --scale 100000      # and again on 100,000 documents (ids and dates changed)
    python bench/run.py --runs 1 --json results/scale.json
    python bench/run.py --runs 3 --scale 100000 --scale-runs 1   # what the README reports

The stories are read from ../shared/data/reuters21578 (latin-1 SGML) into a temporary folder,
one file a story; nothing is copied into the repository. Timings of commands are of new
processes of the installed `perucases`, as a user gets them. One table is printed and the same
figures are written as JSON (bench/results/ by default).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from reuters import stories  # noqa: E402

PERUCASES = shutil.which("perucases") or str(Path(sys.executable).parent / "perucases")

# At least 50 realistic queries: words, two and three words, phrases, fields, date ranges.
QUERIES = [
    # single words
    "oil",
    "coffee",
    "inflation",
    "dividend",
    "tariffs",
    "OPEC",
    "Brazil",
    "merger",
    "unemployment",
    "gold",
    "wheat",
    "Japan",
    "deficit",
    "takeover",
    "strike",
    "debt",
    "yen",
    "bankruptcy",
    "sugar",
    "copper",
    # two and three words
    "oil prices",
    "interest rates",
    "trade deficit",
    "crude oil output",
    "central bank",
    "stock split",
    "Federal Reserve",
    "money supply growth",
    "grain exports",
    "dollar yen",
    "bank loans Brazil",
    "wheat export subsidies",
    "coffee quota talks",
    "steel imports",
    "tax reform",
    "nuclear plant",
    # phrases
    '"trade deficit"',
    '"interest rates"',
    '"crude oil"',
    '"stock split"',
    '"money supply"',
    '"federal reserve"',
    '"central bank"',
    '"oil prices"',
    '"share offer"',
    '"net loss"',
    # fields and operators
    "title:oil",
    "title:dividend",
    "title:merger AND body:bank",
    "oil NOT OPEC",
    "coffee OR cocoa",
    "tariff*",
    "export*",
    "Volcker~",
    "id:reuters-01*",
]
DATE_QUERIES = [("oil", "1987-03", "1987-03"), ("dividend", "1987-04-01", "1987-04-30")]
FTS_QUERIES = {  # the same queries in FTS5 syntax, where it has an equivalent
    "title:oil": "title:oil",
    "title:dividend": "title:dividend",
    "title:merger AND body:bank": "title:merger AND body:bank",
    "oil NOT OPEC": "oil NOT opec",
    "coffee OR cocoa": "coffee OR cocoa",
    "tariff*": "tariff*",
    "export*": "export*",
}


def median(xs):
    return statistics.median(xs) if xs else None


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else None


def run(cmd, env=None, input=None) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time, peak RSS (KB) of the command and its children, and the result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, input=input)
    secs = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return secs, max(after, before), r


def timed_rss(cmd, env=None) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time and peak RSS (KB, GNU time's %M: the largest process) of one run of CMD."""
    gtime = shutil.which("time") or "/usr/bin/time"
    if not Path(gtime).exists():
        secs, _, r = run(cmd, env)
        return secs, -1, r
    t = time.perf_counter()
    r = subprocess.run([gtime, "-f", "%M", *cmd], capture_output=True, text=True, env=env)
    secs = time.perf_counter() - t
    lines = [ln for ln in r.stderr.strip().splitlines() if ln.strip().isdigit()]
    return secs, int(lines[-1]) if lines else -1, r


def _descendants(pid: int) -> list[int]:
    """PID and every process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _pss_kb(pid: int) -> int:
    """Proportional set size: resident memory, pages shared with other processes split between them."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def timed_tree_memory(cmd, env=None, every: float = 0.2) -> tuple[float, int, int, subprocess.CompletedProcess]:
    """Wall time, peak RSS of the largest process (GNU time) and peak memory of the whole process
    tree (the sum of PSS over the command and its children, sampled every EVERY seconds), in KB."""
    import threading

    gtime = shutil.which("time") or "/usr/bin/time"
    full = [gtime, "-f", "%M", *cmd] if Path(gtime).exists() else list(cmd)
    peak = [0]
    t = time.perf_counter()
    proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    done = threading.Event()

    def sample():
        while not done.wait(every):
            peak[0] = max(peak[0], sum(_pss_kb(p) for p in _descendants(proc.pid)))

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    secs = time.perf_counter() - t
    done.set()
    th.join()
    r = subprocess.CompletedProcess(full, proc.returncode, out, err)
    lines = [ln for ln in err.strip().splitlines() if ln.strip().isdigit()]
    return secs, int(lines[-1]) if lines else -1, peak[0], r


def rss_of(cmd, env=None) -> int:
    """Peak RSS (KB) of one command, measured by GNU time when it is there (-1 otherwise)."""
    return timed_rss(cmd, env)[1]


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# ---------------------------------------------------------------------------- corpora


def make_corpus(folder: Path, target: int) -> int:
    """Reuters stories, one file each; repeated with new ids and shifted dates up to TARGET."""
    folder.mkdir(parents=True)
    base = list(stories(all_stories=True))
    n = 0
    rnd = random.Random(1)
    while n < target:
        rep = n // len(base)
        for newid, text in base:
            if n >= target:
                break
            if rep:
                text = re.sub(r"\b(19[0-9]{2})\b", lambda m, rep=rep: str(int(m.group(1)) + rep), text)
                text = text.replace("Reuter", f"Reuter ({rep}-{rnd.randrange(10**6)})")
            (folder / f"reuters-{rep:02d}-{int(newid):05d}.txt").write_text(text, encoding="utf-8")
            n += 1
    return n


def cleaned_texts(corpus: Path, out: Path) -> int:
    """The cleaned text of each document, as perucases has it, for the baselines (JSONL)."""
    from perucases.ingest.corpus import discover
    from perucases.ingest.decode import SkipFile
    from perucases.ingest.document import ingest_file

    files, _ = discover([corpus])
    n = 0
    with out.open("w", encoding="utf-8") as f:
        for cf in files:
            try:
                d = ingest_file(cf)
            except SkipFile:
                continue
            f.write(
                json.dumps({"id": d.id, "title": d.meta.title or "", "text": "\n".join(p.text for p in d.paragraphs)})
                + "\n"
            )
            n += 1
    return n


BASELINE = r"""
import json, sys, time, sqlite3
from pathlib import Path
kind, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
docs = [json.loads(l) for l in open(src, encoding="utf-8")]
t = time.perf_counter()
if kind.startswith("whoosh"):
    from whoosh import fields, index
    from perucases.index.schema import analyzer
    a = analyzer("en")
    ix = index.create_in(dst, fields.Schema(id=fields.ID(stored=True, unique=True), title=fields.TEXT(analyzer=a),
                                             text=fields.TEXT(analyzer=a)))
    kw = {"procs": 2, "multisegment": True} if kind == "whoosh2" else {}
    with ix.writer(**kw) as w:
        for d in docs:
            w.add_document(id=d["id"], title=d["title"], text=d["text"])
else:
    db = sqlite3.connect(str(Path(dst) / "fts.db"))
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.executemany("INSERT INTO docs VALUES (?, ?, ?)", [(d["id"], d["title"], d["text"]) for d in docs])
    db.commit()
print(time.perf_counter() - t)
"""


def baseline(kind: str, texts: Path, tmp: Path) -> tuple[float, int, int]:
    """(seconds, peak RSS KB, index bytes) of one baseline build, from one run."""
    dst = Path(tempfile.mkdtemp(dir=tmp))
    script = tmp / "baseline.py"
    script.write_text(BASELINE, encoding="utf-8")
    _, rss, r = timed_rss([sys.executable, str(script), kind, str(texts), str(dst)])
    if r.returncode != 0:
        raise SystemExit(f"baseline {kind} failed: {r.stderr[-500:]}")
    secs = float(r.stdout.strip().splitlines()[-1])
    size = du(dst)
    shutil.rmtree(dst, ignore_errors=True)
    return secs, rss, size


# ---------------------------------------------------------------------------- queries

QUERY_LATENCY = r"""
import json, sys, time, statistics
from perucases.library import Filters, Library
lib = Library(sys.argv[1])
queries = json.loads(sys.argv[2])
dated = json.loads(sys.argv[3])
lib.search("warmup")
times, hits = [], []
for q in queries:
    t = time.perf_counter(); r = lib.search(q, limit=10)
    times.append(time.perf_counter() - t); hits.append(len(r.hits))
for q, a, b in dated:
    f = Filters.parse(a, b)
    t = time.perf_counter(); r = lib.search(q, f, limit=10)
    times.append(time.perf_counter() - t); hits.append(len(r.hits))
print(json.dumps({"times": times, "hits": hits}))
"""


def fts_latency(texts: Path, tmp: Path) -> dict:
    db_path = tmp / f"fts-q-{texts.stem}.db"  # one for each corpus size
    db_path.unlink(missing_ok=True)
    db = sqlite3.connect(str(db_path))
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    with texts.open(encoding="utf-8") as f:
        db.executemany(
            "INSERT INTO docs VALUES (?, ?, ?)", [(d["id"], d["title"], d["text"]) for d in map(json.loads, f)]
        )
    db.commit()
    times = []
    for q in QUERIES:
        fq = FTS_QUERIES.get(q)
        if fq is None:
            if q.startswith('"') or ":" in q or q.endswith("~"):
                fq = q.rstrip("~") if not q.startswith('"') else q
                if ":" in fq and not fq.startswith('"'):
                    continue
            else:
                fq = " ".join(re.findall(r"\w+", q))
        t = time.perf_counter()
        try:
            db.execute(
                "SELECT id, snippet(docs, 2, '[', ']', '…', 12) FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10",
                (fq,),
            ).fetchall()
        except sqlite3.OperationalError:
            continue
        times.append(time.perf_counter() - t)
    db.close()
    return {"p50": median(times), "p95": pct(times, 95), "n": len(times)}


def grep_latency(corpus: Path) -> dict:
    times = []
    for q in QUERIES[:20]:  # single words
        t = time.perf_counter()
        subprocess.run(["grep", "-ril", q, str(corpus)], capture_output=True)
        times.append(time.perf_counter() - t)
    return {"p50": median(times), "p95": pct(times, 95), "n": len(times)}


# ---------------------------------------------------------------------------- the benchmark


def measure(n_docs: int, runs: int, tmp: Path) -> dict:
    out: dict = {"documents_requested": n_docs}
    corpus = tmp / f"corpus-{n_docs}"
    out["files"] = make_corpus(corpus, n_docs)
    out["corpus_MB"] = du(corpus) / 1e6
    texts = tmp / f"texts-{n_docs}.jsonl"
    out["cleaned_documents"] = cleaned_texts(corpus, texts)
    env = dict(os.environ)

    # full build, side by side with the baselines, RUNS times
    builds, build_rss, build_total, whoosh1, whoosh2, fts = [], [], [], [], [], []
    for k in range(runs):
        ix = tmp / f"ix-{n_docs}-{k}"
        secs, rss, total, r = timed_tree_memory([PERUCASES, "index", str(corpus), "--index", str(ix)], env)
        if r.returncode != 0:
            raise SystemExit(f"perucases index failed: {r.stderr[-500:]}")
        builds.append(secs)
        build_rss.append(rss)
        build_total.append(total)
        w1 = baseline("whoosh", texts, tmp)
        w2 = baseline("whoosh2", texts, tmp)
        f = baseline("fts5", texts, tmp)
        whoosh1.append(w1[0])
        whoosh2.append(w2[0])
        fts.append(f[0])
        if k < runs - 1:
            shutil.rmtree(ix)
    ix = tmp / f"ix-{n_docs}-{runs - 1}"
    build = median(builds)
    m = re.search(r"(\d+) document\(s\)", r.stderr)
    out["indexed_documents"] = int(m.group(1)) if m else None
    out["build_s"] = build
    out["build_runs_s"] = builds
    out["whoosh_alone_runs_s"] = whoosh1
    out["build_docs_per_s"] = out["cleaned_documents"] / build
    out["build_MB_per_s"] = out["corpus_MB"] / build
    out["whoosh_alone_s"] = median(whoosh1)
    out["whoosh_alone_2procs_s"] = median(whoosh2)
    out["fts5_s"] = median(fts)
    out["build_vs_whoosh_alone"] = build / out["whoosh_alone_s"]
    out["build_vs_whoosh_alone_2procs"] = build / out["whoosh_alone_2procs_s"]
    out["build_vs_fts5"] = build / out["fts5_s"]
    out["build_peak_rss_MB"] = max(build_rss) / 1024  # the largest process
    out["build_peak_total_MB"] = max(build_total) / 1024  # all its processes together (PSS)
    out["whoosh_alone_peak_rss_MB"] = w1[1] / 1024
    out["index_MB"] = du(ix) / 1e6
    out["index_vs_corpus"] = out["index_MB"] / out["corpus_MB"]
    out["whoosh_alone_index_MB"] = w1[2] / 1e6
    out["fts5_index_MB"] = f[2] / 1e6

    # incremental
    def idx():
        return run([PERUCASES, "index", str(corpus), "--index", str(ix)], env)[0]

    out["reindex_nothing_s"] = median([idx() for _ in range(runs)])
    files = sorted(corpus.glob("*.txt"))
    one = []
    for k in range(runs):
        victim = files[k * 7 % len(files)]
        victim.write_text(
            victim.read_text(encoding="utf-8") + f"\nA correction, number {k}, was added.\n", encoding="utf-8"
        )
        one.append(idx())
    out["reindex_one_changed_s"] = median(one)
    added = []
    extra = list(stories(100 * runs))
    for k in range(runs):
        for newid, text in extra[k * 100 : (k + 1) * 100]:
            (corpus / f"added-{k}-{int(newid):05d}.txt").write_text(
                text.replace("Reuter", f"Reuter (added {k})"), encoding="utf-8"
            )
        added.append(idx())
    out["reindex_100_added_s"] = median(added)

    # queries in process
    script = tmp / "latency.py"
    script.write_text(QUERY_LATENCY, encoding="utf-8")
    lat = json.loads(
        subprocess.run(
            [sys.executable, str(script), str(ix), json.dumps(QUERIES), json.dumps(DATE_QUERIES)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    out["queries"] = len(lat["times"])
    out["search_p50_ms"] = median(lat["times"]) * 1000
    out["search_p95_ms"] = pct(lat["times"], 95) * 1000
    out["queries_with_hits"] = sum(1 for h in lat["hits"] if h)
    out["query_peak_rss_MB"] = (
        rss_of([sys.executable, str(script), str(ix), json.dumps(QUERIES), json.dumps(DATE_QUERIES)]) / 1024
    )
    fl = fts_latency(texts, tmp)
    out["fts5_p50_ms"], out["fts5_p95_ms"] = fl["p50"] * 1000, fl["p95"] * 1000
    gl = grep_latency(corpus)
    out["grep_p50_ms"], out["grep_p95_ms"] = gl["p50"] * 1000, gl["p95"] * 1000

    # new processes
    def proc(args, n=runs):
        return median([run([PERUCASES, *args, "--index", str(ix)], env)[0] for _ in range(max(3, n))])

    sample = ["oil prices", "coffee", '"trade deficit"', "dividend", "Japan yen", "takeover bid"]
    out["search_process_s"] = median([proc(["search", q, "--format", "json"], 1) for q in sample])
    out["timeline_month_process_s"] = proc(["timeline", "--from", "1987-03", "--to", "1987-03", "--format", "json"])
    out["entities_process_s"] = proc(["entities", "--format", "json"])
    out["cite_process_s"] = proc(["cite", "oil prices", "--format", "json"])
    out["help_s"] = median([run([PERUCASES, "--help"], env)[0] for _ in range(max(5, runs * 3))])
    return out


ROWS = [
    ("files", "files", "{:.0f}"),
    ("corpus_MB", "corpus MB", "{:.1f}"),
    ("indexed_documents", "documents indexed", "{}"),
    ("build_s", "full build s", "{:.1f}"),
    ("build_docs_per_s", "  documents/s", "{:.0f}"),
    ("build_MB_per_s", "  MB/s", "{:.2f}"),
    ("whoosh_alone_s", "Whoosh alone s (1 process)", "{:.1f}"),
    ("whoosh_alone_2procs_s", "Whoosh alone s (2 processes)", "{:.1f}"),
    ("fts5_s", "SQLite FTS5 s", "{:.1f}"),
    ("build_vs_whoosh_alone", "build / Whoosh alone (target 1.5)", "{:.2f}"),
    ("build_vs_whoosh_alone_2procs", "build / Whoosh alone 2 procs", "{:.2f}"),
    ("build_vs_fts5", "build / FTS5", "{:.1f}"),
    ("build_peak_rss_MB", "build peak RSS MB, largest process", "{:.0f}"),
    ("build_peak_total_MB", "build peak memory MB, all processes (target 1024)", "{:.0f}"),
    ("whoosh_alone_peak_rss_MB", "Whoosh alone peak RSS MB", "{:.0f}"),
    ("index_MB", "index MB", "{:.1f}"),
    ("index_vs_corpus", "  index / corpus", "{:.2f}"),
    ("whoosh_alone_index_MB", "Whoosh alone index MB", "{:.1f}"),
    ("fts5_index_MB", "FTS5 index MB", "{:.1f}"),
    ("reindex_nothing_s", "re-index, nothing changed s (target 2)", "{:.2f}"),
    ("reindex_one_changed_s", "re-index, one file changed s (target 5)", "{:.2f}"),
    ("reindex_100_added_s", "re-index, 100 files added s", "{:.2f}"),
    ("search_p50_ms", "search in process p50 ms (target 20)", "{:.1f}"),
    ("search_p95_ms", "search in process p95 ms (target 60)", "{:.1f}"),
    ("fts5_p50_ms", "FTS5 p50 ms", "{:.1f}"),
    ("fts5_p95_ms", "FTS5 p95 ms", "{:.1f}"),
    ("grep_p50_ms", "grep -ril p50 ms", "{:.0f}"),
    ("grep_p95_ms", "grep -ril p95 ms", "{:.0f}"),
    ("query_peak_rss_MB", "query process peak RSS MB", "{:.0f}"),
    ("search_process_s", "perucases search, new process s (target 0.4)", "{:.2f}"),
    ("timeline_month_process_s", "timeline one month, new process s (target 1)", "{:.2f}"),
    ("entities_process_s", "entities, new process s (target 1)", "{:.2f}"),
    ("cite_process_s", "cite, new process s (target 1)", "{:.2f}"),
    ("help_s", "perucases --help s (target 0.15)", "{:.3f}"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="runs of each timing (medians)")
    ap.add_argument("--docs", type=int, default=21578, help="documents in the main corpus")
    ap.add_argument("--scale", type=int, default=None, help="also measure a corpus of this many documents")
    ap.add_argument("--scale-runs", type=int, default=1, help="runs of each timing on the --scale corpus")
    ap.add_argument("--json", type=Path, default=HERE / "results" / "scale.json")
    a = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="perucases-bench-") as tmp:
        for n in [a.docs] + ([a.scale] if a.scale else []):
            print(f"measuring {n} documents ...", file=sys.stderr)
            results[str(n)] = measure(n, a.runs if n == a.docs else a.scale_runs, Path(tmp))
            a.json.parent.mkdir(parents=True, exist_ok=True)
            a.json.write_text(json.dumps(results, indent=1), encoding="utf-8")  # kept if a later size fails
            shutil.rmtree(Path(tmp) / f"corpus-{n}", ignore_errors=True)
    cols = list(results)
    print(f"{'':48}" + "".join(f"{c:>14}" for c in cols) + ("   growth" if len(cols) > 1 else ""))
    for key, label, fmt in ROWS:
        vals = [results[c].get(key) for c in cols]
        cells = "".join(f"{fmt.format(v) if v is not None else '-':>14}" for v in vals)
        growth = ""
        if len(cols) > 1 and all(isinstance(v, (int, float)) and v for v in vals):
            growth = f"   x{vals[1] / vals[0]:.2f}"
        print(f"{label:48}{cells}{growth}")
    a.json.parent.mkdir(parents=True, exist_ok=True)
    a.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"(figures written to {a.json})", file=sys.stderr)


if __name__ == "__main__":
    main()
