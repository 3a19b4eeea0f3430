"""Ingestion throughput (MB/s) for HTML and PDF, and how well the HTML extractor does.

    python bench/ingest.py [--pages 300] [--pdfs 20] [--pdf-pages 30]

HTML: Reuters-21578 stories (../shared/data, never copied into the repository) wrapped in
the chrome of a real news site: cookie banner, menus, a share bar, a "Most viewed" list, a
comment section and a footer, in three page layouts. For each page we know the body, so we
measure body recall (the share of the story's words that reach the document's paragraphs) and
chrome leakage (chrome phrases that reach them), besides MB/s through the reader and through
the whole ingest (reader + cleaning + metadata).

PDF: multi-page reports drawn with reportlab (running header, page footer, one and two
columns, hyphenated words), as the tests make them, with Reuters text: MB/s and pages/s.

Long lines: one line of Reuters words with no line break (as some PDF and text extracts are),
plain, with one word in ten run into the next ("denialReport"), and with a parenthesis after one
word in ten ("(UN)"): seconds of CPU to clean it, find its entities and find its dates; and one
document of as many paragraphs as a tenth of the line's words (a story's first 60 words each).
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from reuters import stories  # noqa: E402

CHROME = {
    "cookie": "We use cookies to improve your experience. Accept all cookies or manage preferences.",
    "menu": "Countries Topics Reports Videos Donate Now",
    "share": "Share on Facebook Share on WhatsApp Email this page",
    "viewed": "Most Viewed: Pakistan journalists detained without charge",
    "comments": "3 Comments. Leave a Reply: your email address will not be published.",
    "newsletter": "Sign up for our newsletter. Thank you for subscribing!",
    "footer": "Privacy policy Safeguarding Contact us. Donate now to support our work.",
}
LAYOUTS = ["article", "div-soup", "blog"]


def page(title: str, paras: list[str], date: str, layout: str) -> str:
    from html import escape

    title = escape(title)
    body = "".join(f"<p>{escape(p)}</p>\n" for p in paras)
    head = (
        f"<head><meta charset='utf-8'><title>{title} | Andean Wire</title>"
        f"<meta property='og:site_name' content='Andean Wire'>"
        f"<meta property='article:published_time' content='{date}'></head>"
    )
    chrome_top = (
        f"<div class='cookie-banner'>{CHROME['cookie']}</div>"
        f"<header><nav><ul>"
        + "".join(f"<li><a href='/{w}'>{w}</a></li>" for w in CHROME["menu"].split())
        + "</ul></nav></header>"
    )
    share = f"<div class='share'>{CHROME['share']}</div>"
    side = (
        f"<aside class='sidebar'><h3>Most Viewed</h3><ol><li>{CHROME['viewed']}</li></ol>"
        f"<div class='newsletter'>{CHROME['newsletter']}</div></aside>"
    )
    comments = f"<section id='comments' class='comments'><p>{CHROME['comments']}</p></section>"
    foot = f"<footer><p>{CHROME['footer']}</p></footer>"
    if layout == "article":
        main = f"<main><article><h1>{title}</h1>{share}{body}</article>{comments}</main>"
    elif layout == "div-soup":
        main = (
            f"<div id='wrap'><div class='col-8'><div class='story-title'>{title}</div>{share}"
            f"<div class='story-body'>{body}</div></div>{comments}</div>"
        )
    else:
        main = (
            f"<div class='post'><h2 class='entry-title'>{title}</h2><div class='entry-content'>{body}</div>"
            f"{share}</div>{comments}"
        )
    return f"<!DOCTYPE html><html lang='en'>{head}<body>{chrome_top}{main}{side}{foot}</body></html>"


def html_corpus(folder: Path, n: int) -> list[tuple[Path, list[str]]]:
    rnd = random.Random(7)
    out = []
    for k, (newid, text) in enumerate(stories(n)):
        title, rest = text.split("\n\n", 1)
        words = rest.split()
        paras, cur = [], []
        for w in words:
            cur.append(w)
            if len(cur) > rnd.randint(40, 90) and w.endswith("."):
                paras.append(" ".join(cur))
                cur = []
        if cur:
            paras.append(" ".join(cur))
        html = page(title.title() or f"Story {newid}", paras, f"1987-03-{1 + k % 28:02d}", LAYOUTS[k % 3])
        p = folder / f"story-{int(newid):05d}.html"
        p.write_text(html, encoding="utf-8")
        out.append((p, paras))
    return out


WORD = re.compile(r"[A-Za-z]{3,}")


def measure_html(n: int) -> dict:
    from perucases.ingest.corpus import CorpusFile
    from perucases.ingest.decode import SkipFile
    from perucases.ingest.document import ingest_file
    from perucases.ingest.html import read_html

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pages = html_corpus(folder, n)
        size = sum(p.stat().st_size for p, _ in pages)
        t = time.perf_counter()
        for p, _ in pages:
            with contextlib.suppress(SkipFile):
                read_html(p, p.read_bytes())
        reader_s = time.perf_counter() - t
        recalls, leaks, skipped = [], 0, 0
        t = time.perf_counter()
        docs = []
        for p, paras in pages:
            try:
                docs.append((ingest_file(CorpusFile(p, folder, p.stem)), paras))
            except SkipFile:
                skipped += 1
        ingest_s = time.perf_counter() - t
        for doc, paras in docs:
            got = " ".join(x.text for x in doc.paragraphs)
            want = WORD.findall(" ".join(paras))
            have = set(WORD.findall(got))
            recalls.append(sum(w in have for w in want) / max(1, len(want)))
            leaks += sum(1 for phrase in CHROME.values() if phrase.split(":")[0][:25] in got)
        return {
            "pages": len(pages),
            "MB": size / 1e6,
            "reader_MBps": size / 1e6 / reader_s,
            "pages_per_s": len(pages) / ingest_s,
            "ingest_MBps": size / 1e6 / ingest_s,
            "recall_mean": statistics.mean(recalls),
            "recall_min": min(recalls),
            "pages_below_95": sum(r < 0.95 for r in recalls),
            "chrome_leaks": leaks,
            "skipped": skipped,
        }


def measure_pdf(n: int, pages_each: int) -> dict:
    from helpers import make_pdf
    from perucases.ingest.pdf import read_pdf

    texts = [t for _, t in stories(n * pages_each * 2)]
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for k in range(n):
            pages = []
            for j in range(pages_each):
                words = texts[(k * pages_each + j) % len(texts)].split()[:300]
                lines, cur = [], ""
                for w in words:
                    if len(cur) + len(w) > 85:
                        lines.append(cur)
                        cur = w
                    else:
                        cur = f"{cur} {w}".strip()
                lines.append(cur)
                if j % 3 == 1:  # a two-column page
                    half = [ln[:40] for ln in lines[:40]]
                    pages.append((half[:20], half[20:]))
                else:
                    pages.append(lines[:45])
            p = Path(tmp) / f"report-{k}.pdf"
            make_pdf(p, pages)
            files.append(p)
        size = sum(p.stat().st_size for p in files)
        t = time.perf_counter()
        for p in files:
            read_pdf(p, p.read_bytes())
        secs = time.perf_counter() - t
        return {
            "pdfs": n,
            "pages": n * pages_each,
            "MB": size / 1e6,
            "MBps": size / 1e6 / secs,
            "pages_per_s": n * pages_each / secs,
        }


def measure_long_lines(words: int) -> dict:
    from perucases.extract import timex
    from perucases.extract.entities import extract
    from perucases.extract.gazetteer import load_gazetteer
    from perucases.ingest.clean import clean

    gazetteer = load_gazetteer(())
    pool = " ".join(t for _, t in stories(200)).split()
    rnd = random.Random(5)
    picked = [rnd.choice(pool) for _ in range(words)]
    out = {}
    for name, line in (
        ("plain", " ".join(picked)),
        ("run_together", " ".join(w + ("Report" if k % 10 == 0 else "") for k, w in enumerate(picked))),
        ("with_parentheses", " ".join(w + (" (UN)" if k % 10 == 0 else "") for k, w in enumerate(picked))),
    ):
        t0 = time.process_time()
        paragraphs = [p.text for p in clean("Long\n\n" + line).paragraphs]
        t1 = time.process_time()
        extract(paragraphs, gazetteer)
        t2 = time.process_time()
        for p in paragraphs:
            timex.find(p)
        out[name] = (len(line), t1 - t0, t2 - t1, time.process_time() - t2)
    # One long document: a paragraph a story, the stories' first 60 words each.
    paragraphs = [" ".join(t.split()[:60]) for _, t in stories(words // 10)]
    t0 = time.process_time()
    extract(paragraphs, gazetteer)
    t1 = time.process_time()
    for p in paragraphs:
        timex.find(p)
    out[f"{len(paragraphs)}_paragraphs"] = (sum(map(len, paragraphs)), 0.0, t1 - t0, time.process_time() - t1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=300, help="HTML pages")
    ap.add_argument("--pdfs", type=int, default=20)
    ap.add_argument("--pdf-pages", type=int, default=30)
    ap.add_argument("--line-words", type=int, default=20_000, help="words of the long line")
    a = ap.parse_args()
    h = measure_html(a.pages)
    print(
        f"HTML: {h['pages']} pages, {h['MB']:.1f} MB: reader {h['reader_MBps']:.2f} MB/s, "
        f"whole ingest {h['ingest_MBps']:.2f} MB/s ({h['pages_per_s']:.0f} pages/s); "
        f"body recall mean {h['recall_mean']:.3f}, "
        f"min {h['recall_min']:.3f}, {h['pages_below_95']} page(s) below 0.95; "
        f"chrome phrases leaked: {h['chrome_leaks']}; skipped: {h['skipped']}"
    )
    p = measure_pdf(a.pdfs, a.pdf_pages)
    print(
        f"PDF: {p['pdfs']} files, {p['pages']} pages, {p['MB']:.1f} MB: {p['MBps']:.2f} MB/s, "
        f"{p['pages_per_s']:.0f} pages/s"
    )
    for name, (chars, cleaning, entities, dates) in measure_long_lines(a.line_words).items():
        print(
            f"long line, {name}: {chars / 1000:.0f} KB; seconds of CPU: cleaning {cleaning:.2f}, "
            f"entities {entities:.2f}, dates {dates:.2f}"
        )


if __name__ == "__main__":
    main()
