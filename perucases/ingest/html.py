"""HTML: the main text of a saved web page, without its chrome, and what the page says of itself.

Extraction is trafilatura's (main-text detection; menus, footers, sidebars, cookie banners, share
bars and comments left out), with htmldate for the publication date from the page's own markup
(meta tags, <time>, JSON-LD, Open Graph, the URL). The text keeps one paragraph per block, with a
blank line between blocks; offsets and quotes refer to that text.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from perucases.ingest.decode import SkipFile, decode
from perucases.resources import data_lines

if TYPE_CHECKING:
    from perucases.ingest.readers import Source

_LANG = re.compile(rb"<html[^>]*\slang=[\"']?([A-Za-z]{2})", re.I)
_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.I)


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


@functools.lru_cache(maxsize=None)
def prune_xpath() -> list[str]:
    """One XPath expression for the elements data/html_prune.txt names (one pass over the page)."""
    low = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'"
    tests = [f"contains(translate(@{attr}, {low}), '{w.strip().lower()}')"
             for w in data_lines("html_prune.txt") for attr in ("class", "id")]
    return [f"//*[{' or '.join(tests)}]"] if tests else []


def read_html(path: Path, data: bytes) -> Source:
    from perucases.ingest.readers import Source

    html, encoding, warning = _decode(data)
    if "<" not in html:
        raise SkipFile("not an HTML page")
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, prune_xpath=prune_xpath(), include_tables=True, include_images=False,
            deduplicate=False, date_extraction_params={"extensive_search": False, "original_date": True})
    except Exception as exc:  # a parser failure on one page must not stop the corpus
        raise SkipFile(f"HTML extraction failed: {type(exc).__name__}: {exc}") from None
    if doc is None:
        raise SkipFile("no main text found in the HTML page")
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = d.get("text") or ""
    if not text.strip():
        raise SkipFile("no main text found in the HTML page")
    text = "\n\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"
    meta: dict = {}
    if d.get("title"):
        meta["title"] = d["title"].strip()
    if d.get("sitename"):
        meta["publisher"] = d["sitename"].strip()
    date = date_precision(html, d.get("date"))
    if date:
        meta["date"] = date
    if d.get("author"):
        meta["authors"] = [a.strip() for a in re.split(r";|\band\b|\by\b", d["author"]) if a.strip()]
    if d.get("url"):
        meta["url"] = d["url"]
    m = _LANG.search(data[:4096])
    if m:
        meta["language"] = m.group(1).decode("ascii").lower()
    return Source(text, encoding, markdown=False, warning=warning, meta=meta)
