"""PDF: the text of each page (pypdf), with running headers, footers and page numbers removed,
words hyphenated at line ends joined, and paragraphs separated by blank lines.

The pages are kept: `Source.pages` says where each starts in the text, so that hits, quotes and
events can say "p. 12". A PDF without a text layer (a scan) is refused, never indexed empty; an
encrypted or damaged one is refused with the reason.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from perucases.ingest import limits
from perucases.ingest.decode import SkipFile

if TYPE_CHECKING:
    from perucases.ingest.readers import Source

EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be running heads or feet
_PAGE_NUMBER = re.compile(r"^\s*(?:(?:page|p\.|pág\.?|página)\s*)?[\divxlcIVXLC]{1,6}(?:\s*(?:of|/|de)\s*\d+)?\s*$",
                          re.I)
_HYPHEN_END = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]-$")
_SENTENCE_END = re.compile(r"[.!?:;\"”’)]$")


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _running(pages: list[list[str]]) -> set[str]:
    """Lines (digits as #) that recur at the top or bottom of at least half the pages."""
    if len(pages) < 2:
        return set()
    seen: Counter = Counter()
    for lines in pages:
        body = [ln for ln in lines if ln.strip()]
        edge = {_key(ln) for ln in body[:EDGE_LINES] + body[-EDGE_LINES:]}
        seen.update(edge)
    need = max(2, (len(pages) + 1) // 2)
    return {k for k, n in seen.items() if n >= need and k.strip("# ")}


def _page_lines(page) -> list[tuple[str, float | None]]:
    """The lines of a page in reading order, each with its height on the page (None if unknown)."""
    frags: list[tuple[str, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text:
            frags.append((text, tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    try:
        page.extract_text(visitor_text=visit)
    except Exception:
        frags = []
    if not frags:
        return [(ln, None) for ln in (page.extract_text() or "").replace("\r", "\n").split("\n")]
    lines: list[tuple[str, float | None]] = []
    cur, y0 = "", None
    for text, y in frags:
        parts = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append((cur, y0))
                cur, y0 = "", None
            if part and y0 is None:
                y0 = y
            cur += part
    if cur.strip():
        lines.append((cur, y0))
    return lines


def _paragraphs(lines: list[tuple[str, float | None]]) -> list[str]:
    """Wrapped lines -> paragraphs. A paragraph ends at a vertical gap wider than the usual line
    spacing, at a jump up the page (the next column), or, where positions are unknown, at a line
    that ends a sentence well short of the usual line length. A word hyphenated at a line end is
    joined ("investi-" + "gación")."""
    ys = [y for _, y in lines if y is not None]
    steps = sorted(a - b for a, b in zip(ys, ys[1:]) if a - b > 0)
    spacing = steps[(len(steps) - 1) // 4] if steps else None  # the usual line step (lower quartile)
    widths = sorted(len(ln) for ln, _ in lines if len(ln) > 20)
    typical = widths[int(len(widths) * 0.8)] if widths else 80
    out, cur = [], ""
    prev_y = None
    for ln, y in lines:
        ln = ln.strip()
        if not ln:
            if cur:
                out.append(cur)
                cur = ""
            continue
        gap = spacing is not None and y is not None and prev_y is not None and (
            prev_y - y > 1.4 * spacing or y > prev_y + 0.5 * spacing)
        if cur and gap:
            out.append(cur)
            cur = ""
        if cur and _HYPHEN_END.search(cur) and ln[:1].islower():
            cur = cur[:-1] + ln
        else:
            cur = f"{cur}\n{ln}" if cur else ln
        if spacing is None and _SENTENCE_END.search(ln) and len(ln) < 0.85 * typical:
            out.append(cur)
            cur = ""
        prev_y = y if y is not None else prev_y
    if cur:
        out.append(cur)
    return out


def read_pdf(path: Path, data: bytes) -> Source:
    from perucases.ingest.readers import Source

    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:  # pragma: no cover - a dependency
        raise SkipFile("pypdf is not installed") from None
    if not data.startswith(b"%PDF"):
        raise SkipFile("damaged PDF: no %PDF header")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise SkipFile("encrypted PDF (it needs a password)")
        pages = []
        chars = 0
        for page in reader.pages:  # the text is counted as it is read: no more than the limit
            pages.append(_page_lines(page))
            chars += sum(len(ln) for ln, _ in pages[-1])
            limits.text_so_far(chars)
        info = reader.metadata or {}
    except SkipFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        raise SkipFile(f"damaged PDF: {type(exc).__name__}: {exc}"[:200]) from None
    if not pages:
        raise SkipFile("PDF with no pages")
    chars = sum(len(ln.strip()) for lines in pages for ln, _ in lines)
    if chars < 200 and chars < 20 * len(pages):
        raise SkipFile(f"PDF without a text layer ({len(pages)} page(s): a scan? run OCR first)")
    running = _running([[ln for ln, _ in lines] for lines in pages])
    text_parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for lines in pages:
        body = [i for i, (ln, _) in enumerate(lines) if ln.strip()]
        edges = set(body[:EDGE_LINES] + body[-EDGE_LINES:])
        kept = []
        for i, (ln, y) in enumerate(lines):
            if i in edges and (_key(ln) in running or _PAGE_NUMBER.match(ln)):
                continue
            kept.append((ln, y))
        page_text = "\n\n".join(_paragraphs(kept))
        starts.append(pos)
        text_parts.append(page_text)
        pos += len(page_text) + 2
    text = "\n\n".join(text_parts) + "\n"
    meta: dict = {}
    title = str(info.get("/Title") or "").strip()
    if title and not re.fullmatch(r"(untitled|microsoft word.*|document\d*)", title, re.I) and "." not in title[-5:]:
        meta["title"] = title
    author = str(info.get("/Author") or "").strip()
    if author:
        meta["authors"] = [author]
    return Source(text, "pdf", markdown=False, meta=meta, pages=tuple(starts))
