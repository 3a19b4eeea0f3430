"""PDF: the text of a file as a person reads it (pypdf, with the position of every line).

A stage a step, like the cleaner:

    pages -> lines (text, position, font size, bold)
          -> edges removed (running heads and feet of any height, page numbers in any form,
             found by where they stand and by recurring on half the pages or more)
          -> paragraphs (wrapped lines joined; a paragraph ends at a sentence end followed by a
             gap, an indent or a heading, after a heading, or at a short line before a gap;
             never in the middle of a sentence, across line, column and page breaks)
          -> text (one paragraph a line) with where each page starts, and what the first page
             says of the document (its title, the institution in its letterhead)

`Source.pages` says where each page starts in the text, so that hits, quotes and events can say
"p. 12". A PDF without a text layer (a scan) is refused, never indexed empty; an encrypted or
damaged one is refused with the reason.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from perucases.ingest import limits
from perucases.ingest.decode import SkipFile
from perucases.ingest.people import plausible_title
from perucases.ingest.source import Source
from perucases.resources import data_lines

EDGE_LINES = 8  # at most this many lines at the top and at the bottom of a page are heads or feet
_PAGE_NUMBER = re.compile(
    r"^\s*[-–—]?\s*(?:(?:page|p\.|pág\.?|pag\.?|página|pagina|seite|folio|fs?\.)\s*)?"
    r"(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?:of|/|de|\||sur|von)\s*\d{1,4})?\s*[-–—]?\s*$",
    re.I,
)
_LIST_ITEM = re.compile(r"^(?:[•·▪►◦∞*\-–—]|\(?[a-zA-Z0-9]{1,3}[.)]|\d+(?:\.\d+)+\.?|[IVXLC]{1,5}\.)\s")
_LEADERS = re.compile(r"(?:\.\s?){4,}|…{2,}")
_DIGITS = re.compile(r"\d+")


@dataclass
class Line:
    text: str
    x: float | None = None
    y: float | None = None
    size: float = 0.0  # the font size most of its characters have, in points
    bold: bool = False  # every character in a bold face
    page: int = 0  # 1-based, set once the page's edges are removed


# ---------------------------------------------------------------------------- stage 1: lines


def _is_bold(font) -> bool:
    try:
        name = str(font.get("/BaseFont", "")) if font is not None else ""
    except Exception:
        return False
    return any(w in name for w in ("Bold", "Black", "Heavy", "Semibold", "SemiBold", ",BD", "-BD"))


def page_lines(page) -> list[Line]:
    """The lines of a page in the order pypdf reads them, each with its position and font."""
    frags: list[tuple] = []

    def visit(text, cm, tm, font, size):
        if text:
            frags.append((text, cm, tm, font, size))

    try:
        page.extract_text(visitor_text=visit)
    except Exception:
        frags = []
    if not frags:
        return [Line(t) for t in (page.extract_text() or "").replace("\r", "\n").split("\n")]
    lines: list[Line] = []
    parts: list[str] = []
    sizes: dict[float, int] = {}  # font size -> characters of the line in it
    bold = True
    cur: Line | None = None
    bold_cache: dict[int, bool] = {}

    def close():
        nonlocal parts, sizes, bold, cur
        if cur is not None:
            cur.text = "".join(parts)
            cur.size = max(sizes, key=sizes.__getitem__) if sizes else 0.0
            cur.bold = bold and bool(sizes)
            lines.append(cur)
        parts, sizes, bold, cur = [], {}, True, None

    for text, cm, tm, font, size in frags:
        if text == "\n":  # most line ends come alone
            close()
            continue
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        eff = round(abs(size or 0) * math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]), 1)
        pieces = text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if "\n" in text or "\r" in text else (text,)
        for i, piece in enumerate(pieces):
            if i:
                close()
            if not piece:
                continue
            if (
                sizes
                and cur is not None
                and cur.y is not None
                and eff
                and abs(y - cur.y) > 0.7 * max(eff, cur.size or eff)
            ):
                close()  # a new baseline that pypdf did not mark
            if cur is None:
                cur = Line("", x, y)
            parts.append(piece)
            n = len(piece.strip())
            if n:  # sizes holds only characters that are not spaces
                sizes[eff] = sizes.get(eff, 0) + n
                b = bold_cache.get(id(font))
                if b is None:
                    b = bold_cache[id(font)] = _is_bold(font)
                bold = bold and b
    close()
    return lines


# ---------------------------------------------------------------------------- stage 2: edges


def _key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.split()).casefold())


MARGIN = 0.15  # running heads and feet stand in the top or bottom 15% of the page


def _running(pages: list[list[Line]], heights: list[float | None]) -> set[tuple[str, int]]:
    """(text with digits as #, height bucket) of the lines that are running heads or feet: lines
    that stand in a page's top or bottom margin and recur there, at about the same height, on two
    pages or more ("once they repeat"). Where a page's size is unknown, a line must recur on half
    the pages."""
    if len(pages) < 2:
        return set()
    seen: dict[tuple[str, int], set[int]] = defaultdict(set)
    unplaced = False
    for n, (lines, height) in enumerate(zip(pages, heights, strict=True)):
        for ln in lines:
            if not ln.text.strip():
                continue
            if ln.y is None or not height:
                unplaced = True
                seen[(_key(ln.text), -1)].add(n)
            elif ln.y > (1 - MARGIN) * height or ln.y < MARGIN * height:
                seen[(_key(ln.text), round(ln.y / 4))].add(n)
    half = max(2, (len(pages) + 1) // 2)
    out = set()
    for (k, b), where in seen.items():
        pages_with = set(where)
        if b != -1:
            pages_with |= seen.get((k, b - 1), set()) | seen.get((k, b + 1), set())
        if len(pages_with) >= (half if b == -1 or unplaced else 2) and k.strip("# "):
            out.add((k, b))
    return out


def _is_running(ln: Line, running: set[tuple[str, int]]) -> bool:
    k = _key(ln.text)
    if ln.y is None:
        return (k, -1) in running
    b = round(ln.y / 4)
    return (k, b) in running or (k, b - 1) in running or (k, b + 1) in running


def edges(lines: list[Line], running: set[tuple[str, int]]) -> set[int]:
    """Indexes of a page's running heads, feet and page numbers: the lines at the top and at the
    bottom of the page (by height where known, else in reading order) that recur or are numbers."""
    body = [i for i, ln in enumerate(lines) if ln.text.strip()]
    ys = {i: y for i in body if (y := lines[i].y) is not None}
    order = sorted(body, key=lambda i: -ys[i]) if len(ys) == len(body) else body  # top of the page first
    drop: set[int] = set()
    for seq in (order, order[::-1]):
        for i in seq[:EDGE_LINES]:
            ln = lines[i]
            if _is_running(ln, running) or _PAGE_NUMBER.match(ln.text):
                drop.add(i)
            else:
                break
    return drop


# ---------------------------------------------------------------------------- stage 3: paragraphs


@dataclass
class Layout:
    """What the lines of a whole document are like: body font size, line step a size, width."""

    body_size: float
    steps: dict[float, float]
    width: float  # characters in a full line of the body
    bold_body: bool = False  # a third of the text or more is bold: bold does not mark headings

    @classmethod
    def of(cls, pages: list[list[Line]]) -> Layout:
        sizes: Counter = Counter()
        step_counts: dict[float, Counter] = defaultdict(Counter)
        widths = []
        bold = 0
        for lines in pages:
            prev = None
            for ln in lines:
                t = ln.text.strip()
                if not t:
                    continue
                sizes[ln.size] += len(t)
                bold += len(t) if ln.bold else 0
                if len(t) > 20:
                    widths.append(len(t))
                if prev is not None and prev.y is not None and ln.y is not None and prev.size == ln.size:
                    step = prev.y - ln.y
                    if 0.5 * ln.size < step < 3 * max(ln.size, 1):
                        step_counts[ln.size][round(step * 2) / 2] += 1
                prev = ln
        body = sizes.most_common(1)[0][0] if sizes else 0.0
        steps = {s: _lower_quartile(c) for s, c in step_counts.items()}
        widths.sort()
        total = sum(sizes.values())
        return cls(body, steps, widths[int(len(widths) * 0.8)] if widths else 80, bold * 3 >= total > 0)

    def step(self, size: float) -> float | None:
        """The line step of a paragraph's lines in that size: the lower quartile of the steps
        between lines, for the lines of a paragraph are closer than paragraphs are."""
        return self.steps.get(size) or self.steps.get(self.body_size)


def _lower_quartile(counts: Counter) -> float:
    values = sorted(counts.elements())
    return values[(len(values) - 1) // 4]


def _heading(ln: Line, layout: Layout) -> bool:
    """A heading: a short line that is not a sentence, bold, larger than the body or in capitals."""
    t = ln.text.strip()
    if not t or t[-1] in ",;":
        return False
    n = len(t.split())
    if n > 15 or _leaders(t):
        return False
    if t.endswith(".") and n > 4:
        return False
    letters = sum(1 for c in t if c.isalpha())
    if ln.bold and letters and not layout.bold_body:
        return True
    if layout.body_size and ln.size >= layout.body_size + 1.5 and letters:
        return True
    return letters >= 4 and n <= 10 and all(c.isupper() for c in t if c.isalpha()) and _wordy(t)


def _leaders(t: str) -> bool:
    """Dot leaders of a table of contents: "Notices . . . . . vii"."""
    return ("...." in t or ". . ." in t or "……" in t) and bool(_LEADERS.search(t))


def _gap(prev: Line, ln: Line, layout: Layout) -> bool:
    """More space between the two lines than between the lines of a paragraph."""
    if prev.y is None or ln.y is None or ln.y >= prev.y:
        return False  # same line, or up the page: the next column, not a gap
    step = layout.step(ln.size) or layout.step(prev.size)
    drop = prev.y - ln.y
    if step is None:
        return drop > 1.8 * max(ln.size, prev.size, 1)
    return drop > 1.15 * step + 0.5


def _indent(prev: Line, ln: Line) -> bool:
    if prev.x is None or ln.x is None or ln.y is None or prev.y is None or ln.y >= prev.y:
        return False
    return ln.x > prev.x + 0.8 * max(ln.size, 1) and ln.x - prev.x < 20 * max(ln.size, 1)


def _short(ln: Line, layout: Layout) -> bool:
    return len(ln.text.strip()) < 0.7 * layout.width


_CLOSERS = "\"'”’»)]"


def _ends_sentence(text: str) -> bool:
    t = text.rstrip().rstrip(_CLOSERS)
    return bool(t) and t[-1] in ".!?:;…"


def _hyphen_end(text: str) -> bool:
    """A word cut by a hyphen at the end: "investi-"."""
    return len(text) > 1 and text[-1] == "-" and text[-2].isalpha()


@dataclass
class Para:
    lines: list[Line]
    page: int
    note: bool = False  # a footnote: smaller than the body, at the foot of its page
    heading: bool = False

    @property
    def text(self) -> str:
        return self.layout()[0]

    def layout(self) -> tuple[str, list[int]]:
        """The paragraph's text, and where in it each of its lines begins."""
        out = ""
        starts = []
        for ln in self.lines:
            t = " ".join(ln.text.split())
            if not out:
                starts.append(0)
                out = t
            elif _hyphen_end(out) and t[:1].islower():
                starts.append(len(out) - 1)
                out = out[:-1] + t  # "investi-" + "gación"
            else:
                starts.append(len(out) + 1)
                out = f"{out} {t}"
        return out, starts


def _breaks(prev: Line, ln: Line, prev_heading: bool, heading: bool, layout: Layout) -> bool:
    """Whether LN starts a new paragraph after PREV."""
    p = prev.text.strip()
    t = ln.text.strip()
    if _hyphen_end(p) and t[:1].islower():
        return False
    if _leaders(p) or _leaders(t):
        return True  # a table of contents: one entry a line
    if prev_heading or heading:
        # lines of one heading (same face, no gap) stay together
        return not (prev_heading and heading and prev.size == ln.size and not _gap(prev, ln, layout))
    gap = _gap(prev, ln, layout)
    if _ends_sentence(p):
        return gap or _indent(prev, ln) or _short(prev, layout) or bool(_LIST_ITEM.match(t))
    # No sentence end: a paragraph goes on, unless a gap stands before a capital and the line
    # before it could end a line of its own: it is short (a list item, an address line, a
    # caption) or it does not stop on a word that needs more ("de", "the", a comma): a date line,
    # a heading in the body's face.
    if not gap or t[:1].islower():
        return False
    return _short(prev, layout) or (t[:1].isupper() and not _open_end(p))


def _open_end(text: str) -> bool:
    """A line that cannot end a paragraph: it stops on a comma, a hyphen or a function word."""
    from perucases.resources import stopwords

    if text.endswith((",", "-", "–", "(", "/")):
        return True
    last = text.rsplit(None, 1)[-1].casefold() if text.split() else ""
    return last in stopwords("en") or last in stopwords("es")


def page_paragraphs(lines: list[Line], page: int, layout: Layout) -> list[Para]:
    out: list[Para] = []
    prev: Line | None = None
    prev_heading = False
    for ln in lines:
        if not ln.text.strip():
            continue
        heading = _heading(ln, layout)
        if prev is None or _breaks(prev, ln, prev_heading, heading, layout):
            out.append(Para([ln], page, heading=heading))
        else:
            out[-1].lines.append(ln)
        prev, prev_heading = ln, heading
    # Footnotes: the paragraphs at the foot of the page in a smaller face than the body.
    for para in reversed(out):
        sizes = [ln.size for ln in para.lines if ln.size]
        if not sizes or not layout.body_size or max(sizes) >= layout.body_size - 0.9 or para.heading:
            break
        para.note = True
    return out


def join_pages(pages: list[list[Para]]) -> list[Para]:
    """Paragraphs of the whole document: a paragraph that a page break cuts mid-sentence goes on
    with the first paragraph of the next page (footnotes of the page follow it)."""
    out: list[Para] = []
    for paras in pages:
        if not paras:
            continue
        body_end = len(out)
        while body_end and out[body_end - 1].note:
            body_end -= 1
        first = paras[0]
        if body_end and not first.heading and not first.note:
            last = out[body_end - 1]
            t = last.text
            if not last.heading and not _ends_sentence(t) and not _leaders(t):
                last.lines.extend(first.lines)
                paras = paras[1:]
        out.extend(paras)
    return out


# ---------------------------------------------------------------------------- stage 4: the document


def _institution_words() -> tuple[str, ...]:
    return tuple(w.casefold() for w in data_lines("institutions.txt"))


def _smart_case(s: str) -> str:
    """An institution's name written in capitals, as a name: "CORTE SUPREMA DE JUSTICIA DE LA
    REPÚBLICA" -> "Corte Suprema de Justicia de la República"."""
    if any(c.islower() for c in s):
        return s
    small = {"de", "del", "la", "las", "los", "el", "y", "e", "of", "the", "and", "for", "on", "in", "en"}
    words = s.lower().split()
    return " ".join(w if i and w in small else w[:1].upper() + w[1:] for i, w in enumerate(words))


def letterhead_institution(blocks: list[list[str]]) -> str | None:
    """The institution a letterhead names: the first block of the page's head that starts with an
    institution's word ("Corte Suprema ...", "Ministerio de ...", "Human Rights Watch")."""
    heads = _institution_words()
    for block in blocks:
        lines = [" ".join(ln.split()).strip(" .,:;-") for ln in block]
        if not lines or not lines[0].split() or lines[0].split()[0].casefold() not in heads:
            continue
        # the institution's lines, up to one that starts another ("SALA PENAL ..." under "CORTE ...")
        name = [lines[0]]
        for ln in lines[1:]:
            if not ln or ln.split()[0].casefold() in heads:
                break
            name.append(ln)
        s = " ".join(name)
        if 2 <= len(s.split()) <= 12 and not any(c.isdigit() for c in s):
            return _smart_case(s)
    return None


_COPYRIGHT = re.compile(
    r"^\W{0,3}(?:©|\(c\)|\bcopyright\b)\s*(?:©\s*)?(?:copyright\s*)?(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?[,.]?\s*)?"
    r"(?:by\s+)?(?P<holder>[A-ZÁÉÍÓÚÑ][^.,;©|]{1,80}?)\s*(?:[,.]?\s*(?:19|20)\d\d)?\s*"
    r"(?:[.,;|]|all rights|todos los derechos|$)",
    re.I,
)


def copyright_holder(lines: list[str]) -> str | None:
    """Who a copyright line names: "© Copyright IBM Corp. 2014. All rights reserved." -> "IBM
    Corp"; "© Amnesty International 2019" -> "Amnesty International"."""
    for line in lines:
        m = _COPYRIGHT.match(" ".join(line.split()))
        if m:
            holder = m["holder"].strip(" -–")
            words = holder.split()
            rights = re.match(r"(all rights|todos los derechos)", holder, re.I)
            if 1 <= len(words) <= 8 and holder[0].isupper() and not rights:
                return holder
    return None


_DOC_NUMBER = re.compile(r"\b(?:n\.?\s?[°º]|nº|n°|no\.|núm\.|num\.|number|exp(?:ediente)?\.?)\s*\d", re.I)


def text_title(
    pages: list[list[Line]], heads: list[list[Line]], layout: Layout, page_height: float | None
) -> str | None:
    """The title the first page shows: its largest text above the lower third of the page, larger
    than the body; else the document's number in its letterhead ("RECURSO DE APELACIÓN N.° 169-2025/
    LIMA ESTE"); else its first heading."""
    if not pages:
        return None
    first = [ln for ln in pages[0] if ln.text.strip()]
    floor = page_height / 3 if page_height else None
    cands = [
        ln for ln in first if ln.size >= layout.body_size + 1.5 and (floor is None or ln.y is None or ln.y > floor)
    ]
    if cands:
        top = max(ln.size for ln in cands)
        run = []
        for ln in first:
            if ln.size == top and (floor is None or ln.y is None or ln.y > floor):
                run.append(ln)
            elif run:
                break
        title = " ".join(" ".join(ln.text.split()) for ln in run)
        if 2 <= len(title.split()) <= 30 and _wordy(title):
            return title
    institutions = _institution_words()
    for block in _line_blocks(heads[0] if heads else []):
        while len(block) > 1 and block[0].split()[0].casefold() in institutions:
            block = block[1:]  # "SALA PENAL PERMANENTE" over "RECURSO DE APELACIÓN N.° 169-2025"
        text = " ".join(block)
        if _DOC_NUMBER.search(text) and len(text.split()) <= 15:
            return text
    for ln in first[:40]:
        t = " ".join(ln.text.split())
        if _heading(ln, layout) and 2 <= len(t.split()) <= 20 and _wordy(t):
            return t
    return None


def _wordy(text: str) -> bool:
    """Words rather than figures: "Informe anual 2001", not "6 6 OTSL 0.965 0.934"."""
    words = text.split()
    return sum(1 for w in words if sum(c.isalpha() for c in w) >= 2) * 2 > len(words)


def _line_blocks(lines: list[Line]) -> list[list[str]]:
    """Lines of a page's head grouped as they were set: lines in reading order that step down the
    page belong together; a jump back up starts a new block (the letterhead's next column)."""
    out: list[list[Line]] = []
    for ln in lines:
        prev = out[-1][-1] if out else None
        if (
            prev is not None
            and prev.y is not None
            and ln.y is not None
            and prev.y > ln.y > prev.y - 3 * max(prev.size, ln.size, 1)
        ):
            out[-1].append(ln)
        else:
            out.append([ln])
    return [[" ".join(ln.text.split()) for ln in b if ln.text.strip()] for b in out]


# ---------------------------------------------------------------------------- the reader


def read_pdf(path: Path, data: bytes) -> Source:
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
            ok: int  # a PasswordType, 0 when not decrypted
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise SkipFile("encrypted PDF (it needs a password)")
        pages = []
        chars = 0
        for page in reader.pages:  # the text is counted as it is read: no more than the limit
            pages.append(page_lines(page))
            chars += sum(len(ln.text) for ln in pages[-1])
            limits.text_so_far(chars)
        heights = [_height(page) for page in reader.pages]
        info: dict = reader.metadata or {}
    except SkipFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        raise SkipFile(f"damaged PDF: {type(exc).__name__}: {exc}"[:200]) from None
    if not pages:
        raise SkipFile("PDF with no pages")
    chars = sum(len(ln.text.strip()) for lines in pages for ln in lines)
    if chars < 200 and chars < 20 * len(pages):
        raise SkipFile(f"PDF without a text layer ({len(pages)} page(s): a scan? run OCR first)")
    return _document(pages, info, heights, Source)


def _height(page) -> float | None:
    try:
        return float(page.mediabox.height)
    except Exception:
        return None


def _document(pages: list[list[Line]], info, heights: list[float | None], Source) -> Source:
    running = _running(pages, heights)
    kept_pages: list[list[Line]] = []
    heads: list[list[Line]] = []
    for n, lines in enumerate(pages, 1):
        drop = edges(lines, running)
        for ln in lines:
            ln.page = n
        kept_pages.append([ln for i, ln in enumerate(lines) if i not in drop])
        heads.append([ln for i, ln in enumerate(lines) if i in drop and ln.text.strip()])
    layout = Layout.of(kept_pages)
    paras = join_pages([page_paragraphs(lines, n + 1, layout) for n, lines in enumerate(kept_pages)])
    # The text: one paragraph a line; where each page starts (inside a paragraph that a page break
    # cut, where its text on the next page begins).
    text_parts: list[str] = []
    starts: list[int] = []  # starts[k]: where page k+1 begins
    pos = 0
    for para in paras:
        body, line_starts = para.layout()
        for ln, at in zip(para.lines, line_starts, strict=True):
            while len(starts) < ln.page:
                starts.append(pos + at)
        text_parts.append(body)
        pos += len(body) + 2
    while len(starts) < len(pages):
        starts.append(pos)
    text = "\n\n".join(text_parts) + "\n"
    meta: dict = {}
    title = str(info.get("/Title") or "").strip()
    if title and plausible_title(title):  # else what the first page shows
        meta["title"] = title
    else:
        found = text_title(kept_pages, heads, layout, heights[0] if heights else None)
        if found:
            meta["title"] = found
    author = str(info.get("/Author") or "").strip()
    if author:
        meta["authors"] = [author]
    head_blocks = _line_blocks(heads[0]) if heads else []
    if len(pages) == 1 or not head_blocks:  # no running head: the top of the first page
        head_blocks = head_blocks + _line_blocks(kept_pages[0][:6])
    institution = letterhead_institution(head_blocks)
    if institution is None:  # "© Amnesty International 2019" on a cover, a running foot, the last page
        near = [ln.text for n in (0, 1, -1) if -len(pages) <= n < len(pages) for ln in pages[n]]
        institution = copyright_holder([ln.text for h in heads for ln in h] + near)
    if institution:
        meta["publisher"] = institution
    return Source(text, "pdf", structured=True, meta=meta, pages=tuple(starts[: len(pages)]))
