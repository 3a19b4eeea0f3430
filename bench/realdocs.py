#!/usr/bin/env python3
"""Real files nobody here wrote: web pages, PDFs and Word files, perucases beside the libraries.

    python bench/realdocs.py [--data ../shared/data/realdocs] [--html] [--pdf] [--docx]
                             [--pages N] [--show-worst K] [--json bench/results/realdocs.json]

HTML (the article-extraction benchmark's 181 news pages, html/*.html.gz with ground-truth.json):
article-body precision, recall and F1 of what perucases keeps (the paragraphs of the document it
indexes) and of `trafilatura.extract()` alone, measured in the same run. The metric is the
benchmark's: tokens are the matches of \\w+, shingles are 4-grams of tokens; per page tp/fp/fn
over shingle counts, normalised to sum 1; precision and recall averaged over pages (a page with no
predicted text counts 0 precision when its truth is not empty); F1 of the two averages. Pages
perucases skips are listed, with what trafilatura made of them. Also: pages kept as one paragraph
whose truth has several ("paragraphs kept as the page has them").

PDF (pdf/*.pdf, expected texts in expected/*.expected.md where there is one): per file, word recall
of perucases' text and of pypdf's own `extract_text()` (multiset of casefolded \\w+ tokens of the
expected text, Markdown marks and image references left out), the paragraphs of 12 words or more
that end mid-sentence, lines of 3-25 words repeated on half the pages or more, the metadata, and
the reading time against pypdf's `extract_text()` on the same file (best of 3).

DOCX (docx/*.docx): word recall against the expected text, and the metadata.

The data are read where they are (never copied into the project). Exits 0; the figures are the
output.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import logging
import re
import statistics
import sys
import tempfile
import time
import unicodedata
import warnings
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "realdocs"

_TOKEN = re.compile(r"\w+")


# ---------------------------------------------------------------------------- the benchmark's metric


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    out: Counter = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        sh = tuple(tokens[i : i + n])
        if sh:
            out[sh] += 1
    return out


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in set(t) | set(p):
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def scores(rows: list[tuple[float, float, float]]) -> dict:
    p = statistics.mean(precision(*r) for r in rows)
    r = statistics.mean(recall(*x) for x in rows)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


# ---------------------------------------------------------------------------- HTML


def perucases_text(path: Path, dropped: list | None = None) -> tuple[str | None, list[str], str | None, dict]:
    """What perucases indexes of a file: (text of its paragraphs or None, paragraphs, skip reason, meta).
    DROPPED, when given, receives the lines of the reader's text that cleaning left out."""
    from perucases.ingest.corpus import CorpusFile
    from perucases.ingest.decode import SkipFile
    from perucases.ingest.document import ingest_file
    from perucases.ingest.normalize import normalize_text

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            doc = ingest_file(CorpusFile(path, path.parent, path.stem))
    except SkipFile as exc:
        return None, [], str(exc), {}
    paras = [p.text for p in doc.paragraphs]
    if dropped is not None:

        def key(t):
            return " ".join(_TOKEN.findall(t.casefold()))

        kept = {key(t) for t in [*paras, doc.meta.title or ""]}
        dropped.extend(ln for ln in (normalize_text(x) for x in doc.original.split("\n")) if ln and key(ln) not in kept)
    m = doc.meta
    meta = {
        "title": m.title,
        "publisher": m.publisher,
        "date": str(m.date) if m.date else None,
        "date_source": m.date_source,
        "authors": m.authors,
        "language": m.language,
    }
    return "\n".join(paras), paras, None, meta


def run_html(data: Path, limit: int | None, worst: int) -> dict:
    import trafilatura

    truth = json.loads((data / "html" / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:limit] if limit else sorted(truth)
    ours, theirs, skipped, one_para, details, false_drops = [], [], [], [], [], []
    n_dropped = 0
    t_ours = t_theirs = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for key in keys:
            raw = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes())
            page = Path(tmp) / f"{key}.html"
            page.write_bytes(raw)
            true = truth[key].get("articleBody") or ""
            t0 = time.perf_counter()
            dropped: list[str] = []
            text, paras, skip, _ = perucases_text(page, dropped)
            t_ours += time.perf_counter() - t0
            n_dropped += len(dropped)
            folded_truth = " ".join(_TOKEN.findall(true.casefold()))
            for line in dropped:  # a dropped line the article has is a wrong drop
                toks = " ".join(_TOKEN.findall(line.casefold()))
                if toks and len(toks.split()) >= 3 and toks in folded_truth:
                    false_drops.append((key, line))
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                alone = trafilatura.extract(raw.decode("utf-8", "replace"), include_comments=False) or ""
            t_theirs += time.perf_counter() - t0
            a, b = tp_fp_fn(true, text or ""), tp_fp_fn(true, alone)
            ours.append(a)
            theirs.append(b)
            if skip:
                skipped.append((key, skip, len(_TOKEN.findall(alone))))
            true_paras = [ln for ln in true.split("\n") if ln.strip()]
            if len(paras) == 1 and len(true_paras) >= 3:
                one_para.append(key)
            f_ours = 2 * a[0] / (2 * a[0] + a[1] + a[2]) if any(a) else 0.0
            f_theirs = 2 * b[0] / (2 * b[0] + b[1] + b[2]) if any(b) else 0.0
            details.append(
                (
                    round(f_ours - f_theirs, 3),
                    key,
                    truth[key].get("url", ""),
                    round(f_ours, 3),
                    round(f_theirs, 3),
                    round(precision(*a), 3),
                    round(recall(*a), 3),
                )
            )
    out = {
        "pages": len(keys),
        "perucases": scores(ours),
        "trafilatura": scores(theirs),
        "skipped": [{"page": k, "reason": r, "trafilatura_words": n} for k, r, n in skipped],
        "one_paragraph": one_para,
        "dropped_lines": n_dropped,
        "dropped_lines_in_article": [{"page": k, "line": ln} for k, ln in false_drops],
        "seconds": {"perucases": round(t_ours, 2), "trafilatura": round(t_theirs, 2)},
    }
    print(f"HTML: {len(keys)} pages of the article-extraction benchmark (article bodies, 4-gram shingles)")
    print(f"  {'':<22} {'P':>6} {'R':>6} {'F1':>6} {'seconds':>8}")
    for name in ("perucases", "trafilatura"):
        s = out[name]
        print(f"  {name:<22} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} {out['seconds'][name]:>8.1f}")
    print(
        f"  skipped by perucases: {len(skipped)}"
        f" ({sum(1 for s in skipped if s[2] > 0)} of them extracted by trafilatura)"
    )
    for k, r, n in skipped:
        print(f"    {k[:16]}  {r}  (trafilatura: {n} words)")
    print(f"  kept as one paragraph where the truth has 3 or more: {len(one_para)}")
    print(
        f"  lines of trafilatura's text dropped by the cleaner: {n_dropped}; of them in the article "
        f"(3 words or more): {len(false_drops)}"
    )
    for k, line in false_drops:
        print(f"    {k[:16]}  {line[:100]!r}")
    if worst:
        print(f"  worst {worst} pages against trafilatura (F1 difference, ours, theirs, our P, our R):")
        for d, key, url, fo, ft, p, r in sorted(details)[:worst]:
            print(f"    {d:+.3f}  {fo:.3f} {ft:.3f}  P {p:.3f} R {r:.3f}  {key[:12]}  {url[:70]}")
    return out


# ---------------------------------------------------------------------------- PDF and DOCX


def expected_words(md: str) -> Counter:
    md = re.sub(r"<!--.*?-->", " ", md, flags=re.S)
    md = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", md)
    return words(md)


def words(text: str) -> Counter:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return Counter(_TOKEN.findall(text))


def word_recall(expected: Counter, got: Counter) -> float:
    total = sum(expected.values())
    return sum(min(n, got.get(w, 0)) for w, n in expected.items()) / total if total else 1.0


# A page number left in the text: "Página 4 | 15", "Page 4 of 15", "- 4 -".
_PAGE_NO = re.compile(r"\b(?:p[aá]gina|page)\s+\d+\s*(?:\||of|de|/)\s*\d+\b|(?:^|\s)[-–]\s\d{1,4}\s[-–](?:\s|$)", re.I)
_END = re.compile(r"""[.!?:;…]["'”’»)\]]*$""")


def mid_sentence(paras: list[str]) -> tuple[int, int]:
    """(paragraphs of 12 words or more, those that end without a sentence end)."""
    long = [p for p in paras if len(_TOKEN.findall(p)) >= 12]
    return len(long), sum(1 for p in long if not _END.search(p.rstrip()))


def repeated_lines(doc_paras: list[tuple[int | None, str]], n_pages: int) -> list[tuple[str, int]]:
    """Lines of 3-25 words found, the same, on half the pages or more."""
    if n_pages < 2:
        return []
    pages_of: dict[str, set] = {}
    for page, text in doc_paras:
        for line in text.split("\n"):
            n = len(_TOKEN.findall(line))
            if 3 <= n <= 25:
                key = " ".join(line.split()).casefold()
                pages_of.setdefault(key, set()).add(page)
    need = max(2, (n_pages + 1) // 2)
    return sorted(((k, len(v)) for k, v in pages_of.items() if len(v) >= need), key=lambda kv: -kv[1])


def pypdf_text(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(io.BytesIO(data), strict=False)
        return "\n".join(p.extract_text() or "" for p in reader.pages), len(reader.pages)


def best_of(n: int, *fns) -> list[float]:
    """CPU seconds of each of FNS, best of N runs, the functions run in turn (one run of each, N
    times): both readers run in this one process, and CPU time swings far less than wall time on
    a shared machine; taking turns keeps a slow minute from falling on one reader only."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(n):
        for k, fn in enumerate(fns):
            t0 = time.process_time()
            fn()
            times[k].append(time.process_time() - t0)
    return [min(t) for t in times]


def run_pdf(data: Path, timing_runs: int) -> dict:
    from perucases.ingest.corpus import CorpusFile
    from perucases.ingest.document import ingest_file
    from perucases.ingest.pdf import read_pdf

    results = {}
    total_long = total_mid = 0
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its font warnings, once per page and run
    print(
        "\nPDF: word recall (perucases / pypdf extract_text), paragraphs ending mid-sentence, repeated lines, "
        "CPU time (ours / pypdf, best of runs), metadata"
    )
    for path in sorted((data / "pdf").glob("*.pdf")):
        raw = path.read_bytes()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            doc = ingest_file(CorpusFile(path, path.parent, path.stem))
        paras = [p.text for p in doc.paragraphs]
        plain, n_pages = pypdf_text(raw)
        exp = data / "expected" / f"{path.stem}.expected.md"
        rec_ours = rec_pypdf = None
        if exp.exists():
            e = expected_words(exp.read_text(encoding="utf-8"))
            rec_ours = word_recall(e, words("\n".join(paras) + "\n" + (doc.meta.title or "")))
            rec_pypdf = word_recall(e, words(plain))
        n_long, n_mid = mid_sentence(paras)
        total_long += n_long
        total_mid += n_mid
        rep = repeated_lines([(p.page, p.text) for p in doc.paragraphs], n_pages)
        numbers = sum(len(_PAGE_NO.findall(p.text)) for p in doc.paragraphs)
        t_ours, t_pypdf = best_of(
            timing_runs, lambda path=path, raw=raw: read_pdf(path, raw), lambda raw=raw: pypdf_text(raw)
        )
        m = doc.meta
        r = {
            "pages": n_pages,
            "recall": rec_ours,
            "recall_pypdf": rec_pypdf,
            "long_paragraphs": n_long,
            "mid_sentence": n_mid,
            "repeated_lines": rep[:5],
            "page_numbers_in_text": numbers,
            "seconds": round(t_ours, 3),
            "seconds_pypdf": round(t_pypdf, 3),
            "title": m.title,
            "publisher": m.publisher,
            "date": str(m.date) if m.date else None,
            "authors": m.authors,
        }
        results[path.name] = r
        rc = f"{rec_ours:.3f} / {rec_pypdf:.3f}" if rec_ours is not None else "  -   /   -  "
        print(
            f"  {path.name[:40]:<40} {n_pages:>3}p  recall {rc}  mid {n_mid:>3}/{n_long:<3} "
            f"repeated {len(rep):>2}  page nos {numbers}  "
            f"time {t_ours:.2f}/{t_pypdf:.2f}s ({t_ours / t_pypdf - 1:+.0%})"
        )
        print(f"      title={m.title!r} publisher={m.publisher!r} date={r['date']} authors={m.authors}")
        for line, n in rep[:3]:
            print(f"      repeated on {n} pages: {line[:90]!r}")
    share = total_mid / total_long if total_long else 0.0
    t_all = sum(r["seconds"] for r in results.values())
    t_pypdf_all = sum(r["seconds_pypdf"] for r in results.values())
    print(
        f"  all PDFs: {total_mid} of {total_long} paragraphs of 12+ words end mid-sentence ({share:.1%}); "
        f"time {t_all:.2f} s vs pypdf {t_pypdf_all:.2f} s ({t_all / t_pypdf_all - 1:+.0%})"
    )
    return {
        "files": results,
        "mid_sentence_share": round(share, 4),
        "seconds": round(t_all, 3),
        "seconds_pypdf": round(t_pypdf_all, 3),
    }


def run_docx(data: Path) -> dict:
    from perucases.ingest.corpus import CorpusFile
    from perucases.ingest.document import ingest_file

    results = {}
    print("\nDOCX: word recall, metadata")
    for path in sorted((data / "docx").glob("*.docx")):
        doc = ingest_file(CorpusFile(path, path.parent, path.stem))
        exp = data / "expected" / f"{path.stem}.expected.md"
        rec = None
        if exp.exists():
            rec = word_recall(
                expected_words(exp.read_text(encoding="utf-8")),
                words("\n".join(p.text for p in doc.paragraphs) + "\n" + (doc.meta.title or "")),
            )
        m = doc.meta
        results[path.name] = {
            "recall": rec,
            "title": m.title,
            "authors": m.authors,
            "date": str(m.date) if m.date else None,
        }
        print(f"  {path.name[:48]:<48} recall {rec:.3f}  title={m.title!r} authors={m.authors} date={m.date}")
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--html", action="store_true")
    ap.add_argument("--pdf", action="store_true")
    ap.add_argument("--docx", action="store_true")
    ap.add_argument("--pages", type=int, default=None, help="only the first N HTML pages")
    ap.add_argument("--show-worst", type=int, default=10)
    ap.add_argument("--timing-runs", type=int, default=3)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    every = not (args.html or args.pdf or args.docx)
    if not args.data.is_dir():
        sys.exit(f"no data folder at {args.data}: pass --data")
    out = {}
    if every or args.html:
        out["html"] = run_html(args.data, args.pages, args.show_worst)
    if every or args.pdf:
        out["pdf"] = run_pdf(args.data, args.timing_runs)
    if every or args.docx:
        out["docx"] = run_docx(args.data)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
