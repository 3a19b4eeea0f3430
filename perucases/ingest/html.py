"""HTML: the main text of a saved web page, without its chrome, and what the page says of itself.

Extraction is trafilatura's (main-text detection; menus, footers, sidebars, cookie banners, share
bars and comments left out), with htmldate for the publication date from the page's own markup
(meta tags, <time>, JSON-LD, Open Graph, the URL). trafilatura is asked for precision first; when
that leaves less than a short paragraph, its balanced mode is asked too and the longer text kept
(a page whose article precision mode cannot find). Nothing is pruned before extraction: trafilatura
decides what the main text is, and the cleaner then drops only whole lines that are chrome by
pattern ("Read also" links, share bars, sign-up boxes).

The text keeps one paragraph a line, as the page has them, with a blank line between blocks;
offsets and quotes refer to that text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from perucases.ingest.decode import SkipFile, decode
from perucases.ingest.source import Source

_LANG = re.compile(rb"<html[^>]*\slang=[\"']?([A-Za-z]{2})", re.I)
_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.I)
# Below this many words, precision mode is taken to have missed the article: a short paragraph.
MIN_WORDS = 50


def _decode(data: bytes) -> tuple[str, str, str | None]:
    m = _CHARSET.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii", "replace").lower()
        try:
            return data.decode(enc), enc, None
        except (LookupError, UnicodeDecodeError):
            pass
    d = decode(data)
    return d.text, d.encoding, d.warning


def date_precision(html: str, iso: str | None) -> str | None:
    """htmldate always answers with a day; keep only the precision the page supports: a date
    whose day (or month) is a filler "01" not written anywhere in the page is cut back."""
    if not iso or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return iso
    if iso in html or iso.replace("-", "/") in html:
        return iso
    y, m, d = iso.split("-")
    if d == "01":
        return f"{y}-{m}" if m != "01" or f"{y}-{m}" in html or f"{y}/{m}" in html else y
    return iso


def _words(text: str | None) -> int:
    return len((text or "").split())


def _extract(html: str) -> dict | None:
    """trafilatura's main text and metadata: precision first, its balanced mode when that finds
    (almost) nothing."""
    import trafilatura

    opts: dict[str, Any] = dict(
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )

    def run(**kw) -> dict | None:
        d = trafilatura.bare_extraction(html, **opts, **kw)
        return d if d is None or isinstance(d, dict) else d.as_dict()

    try:
        doc = run(with_metadata=True, favor_precision=True)
        if doc is None or _words(doc.get("text")) < MIN_WORDS:
            other = run(with_metadata=doc is None)
            if other is not None and _words(other.get("text")) > _words(doc.get("text") if doc else None):
                doc = other if doc is None else {**doc, "text": other.get("text")}
    except Exception as exc:  # a parser failure on one page must not stop the corpus
        raise SkipFile(f"HTML extraction failed: {type(exc).__name__}: {exc}") from None
    return doc


def read_html(path: Path, data: bytes) -> Source:
    html, encoding, warning = _decode(data)
    if "<" not in html:
        raise SkipFile("not an HTML page")
    d = _extract(html) or {}
    text = d.get("text") or ""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [ln for ln in lines if ln]
    if not lines:
        raise SkipFile("no main text found in the HTML page")
    text = "\n\n".join(lines) + "\n"
    meta: dict = {}
    if d.get("title"):
        meta["title"] = d["title"].strip()
    if d.get("sitename"):
        meta["publisher"] = d["sitename"].strip()
    date = date_precision(html, d.get("date"))
    if date:
        meta["date"] = date
    if d.get("author"):
        meta["authors"] = [a.strip() for a in d["author"].split(";") if a.strip()]
    if d.get("url"):
        meta["url"] = d["url"]
    m = _LANG.search(data[:4096])
    if m:
        meta["language"] = m.group(1).decode("ascii").lower()
    return Source(text, encoding, structured=True, warning=warning, meta=meta)
