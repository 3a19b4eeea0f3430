"""Cleaning: from a file's text to the document's own paragraphs, without the page chrome.

Built like Whoosh's analysis chain, as small stages that each take and return a list:

    lines -> blocks (hard wraps joined) -> segments (run-together words split)
          -> classified (chrome / title / dateline / prose) -> paragraphs (normalised, mapped)

Every piece of text keeps its offsets into the original, so each paragraph carries an
`OffsetMap` from its cleaned characters back to the file's characters.

Text that a reader has already laid out in paragraphs (web pages through trafilatura, PDFs and Word
files: `structured`) takes a lighter chain: each line is a paragraph as the reader made it, no
words are split, and chrome rules drop single lines, never the rest of the document (a copyright
line on a report's inside cover is not its footer).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from perucases import compiled
from perucases.dates import PartialDate, parse_dateline
from perucases.ingest.normalize import Builder, OffsetMap, normalize_text
from perucases.resources import data_lines, data_toml, stopwords

WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass
class Span:
    start: int
    end: int


@dataclass
class Block:
    """Consecutive original spans that form one unit (a line, or wrapped lines joined)."""

    spans: list[Span]
    joins: list[str] = field(default_factory=list)  # separator before spans[i+1]: " " or ""


@dataclass
class Segment:
    block: int  # index of the block it came from
    spans: list[Span]
    joins: list[str]
    boundary: str  # how it is separated from the previous segment of its block: "", "sentence", "word"
    text: str = ""  # normalised text, for classification
    kind: str = "text"  # chrome | tail | title | dateline | prose | text


@dataclass
class Paragraph:
    n: int
    text: str
    start: int
    end: int
    offsets: OffsetMap
    page: int | None = None  # PDF: the page the paragraph starts on

    @property
    def words(self) -> int:
        return len(WORD.findall(self.text))


@dataclass
class Cleaned:
    paragraphs: list[Paragraph]
    title: str | None = None
    dateline: PartialDate | None = None
    chrome: list[str] = field(default_factory=list)  # chrome segments, for publisher hints
    site_title_suffix: str | None = None  # "Human Rights Watch" in "Title | Human Rights Watch"


# ---------------------------------------------------------------------------- stage 1: lines


@dataclass
class Line:
    start: int
    end: int  # without the line break
    blank: bool  # nothing but whitespace
    hard: bool  # whitespace-only but not empty: a paragraph break in double-spaced text


def split_lines(text: str) -> list[Line]:
    lines = []
    for m in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n|$)", text):
        if m.start() == len(text) and not m.group():
            break
        body = m.group().rstrip("\r\n")
        end = m.start() + len(body)
        lines.append(Line(m.start(), end, not body.strip(), bool(body) and not body.strip()))
    return lines


# ---------------------------------------------------------------------------- stage 2: blocks

_TERMINAL = re.compile(r"""[.!?:]["'”’)\]]*$""")
_MD_BREAK = re.compile(r"^\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s|>|```|---+\s*$|\|)")


def _layout(text: str, lines: list[Line]) -> str:
    """'double' (one blank line between wrapped lines), 'wrapped' (single-spaced) or 'lines'."""
    body = [ln for ln in lines if not ln.blank]
    if len(body) < 4:
        return "lines"
    lengths = [len(text[ln.start : ln.end].rstrip()) for ln in body]
    wrapped = sum(1 for n in lengths if 30 <= n <= 110) / len(body)
    if max(lengths) > 160 or wrapped < 0.7:
        return "lines"
    gaps, run, seen = [], 0, False
    for ln in lines:
        if ln.blank:
            run += 1
        else:
            if seen:
                gaps.append(run)
            run, seen = 0, True
    single = sum(1 for g in gaps if g == 1) / max(1, len(gaps))
    return "double" if single >= 0.6 else "wrapped"


def _continues(prev: str, nxt: str) -> bool:
    """Does `nxt` carry on the sentence that a hard line break cut in `prev`?"""
    prev, nxt = prev.rstrip(), nxt.lstrip()
    if not prev or not nxt or _TERMINAL.search(prev):
        return False
    first = next((c for c in nxt if c.isalpha()), "")
    return bool(first) and first.islower() or prev.endswith((",", ";", "-"))


def make_blocks(text: str, lines: list[Line], markdown: bool = False, structured: bool = False) -> list[Block]:
    if structured:  # the reader made the paragraphs: one a line
        out = []
        for ln in lines:
            if not ln.blank:
                raw = text[ln.start : ln.end]
                lead = len(raw) - len(raw.lstrip())
                out.append(Block([Span(ln.start + lead, ln.start + len(raw.rstrip()))]))
        return out
    layout = "wrapped" if markdown else _layout(text, lines)
    blocks: list[Block] = []
    prev: Line | None = None
    gap: list[Line] = []
    for ln in lines:
        if ln.blank:
            gap.append(ln)
            continue
        raw = text[ln.start : ln.end]
        lead = len(raw) - len(raw.lstrip())
        span = Span(ln.start + lead, ln.start + len(raw.rstrip()))
        join = False
        if prev is not None and blocks:
            prev_text = text[prev.start : prev.end]
            hard = any(g.hard for g in gap)
            if markdown:
                join = not gap and not _MD_BREAK.match(raw) and not _MD_BREAK.match(prev_text)
            elif layout == "double":
                join = len(gap) == 1 and not hard and not _TERMINAL.search(prev_text.rstrip())
                join = join or (len(gap) <= 1 and not hard and _continues(prev_text, raw))
            elif layout == "wrapped":
                join = not gap or (len(gap) == 1 and not hard and _continues(prev_text, raw))
            else:
                join = len(gap) <= 1 and not hard and len(prev_text.strip()) >= 40 and _continues(prev_text, raw)
        if join:
            b = blocks[-1]
            b.joins.append("" if text[b.spans[-1].start : b.spans[-1].end].endswith("-") else " ")
            b.spans.append(span)
        else:
            blocks.append(Block([span]))
        prev, gap = ln, []
    return blocks


# ---------------------------------------------------------------------------- stage 3: segments

# Where scraping ran two texts together: "Torture.To claim", 'strongmen."Your', "WatchSkip",
# "EDTAvailable", "1997Report", "Printer(New York)", and a change of script ("Watchالعربية").
_SENTENCE_RUN = re.compile(r"""(?<=[a-z\d][.!?])(?=[A-Z“"])|(?<=[a-z][.!?]["”’])(?=[A-Z])""")
_WORD_RUN = re.compile(
    r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ][a-zà-ÿ])|(?<=[A-Z]{2})(?=[A-Z][a-z]{2})|(?<=\d{4})(?=[A-Z][a-z])|(?<=[a-z]{2})(?=\()"
)


@functools.cache
def _camel_exceptions() -> tuple[frozenset[str], tuple[str, ...]]:
    words, prefixes = set(), []
    for line in data_lines("camelcase.txt"):
        item = line.strip()
        if item.endswith("*"):
            prefixes.append(item[:-1])
        else:
            words.add(item)
    return frozenset(words), tuple(prefixes)


# Latin letters, with the ordinal indicators ª º (Nº, 1ª: "Ã" + "º" in mojibake), the micro sign
# and the modifier letters (ʼ ʻ): they are letters of Latin text, not a change of script.
_LATIN = "A-Za-z\u00aa\u00b5\u00ba\u00c0-\u024f\u02b0-\u02ff\u1e00-\u1eff"
_SCRIPT_RUN = re.compile(rf"(?<=[{_LATIN}])(?=[^\W\d_{_LATIN}])|(?<=[^\W\d_{_LATIN}])(?=[{_LATIN}])")


def _is_latin(c: str) -> bool:
    return c < "\u0250" or "\u1e00" <= c <= "\u1eff"


# The two words either side of a run-together point: "Countries" and "Topics" in
# "SearchCountriesTopics", "EDT" and "Available", "1997" and "Report".
_LEFT_WORD = re.compile(r"(?:[A-ZÀ-Þ]?[a-zà-ÿ]+|[A-ZÀ-Þ]+|\d+)$")
_RIGHT_WORD = re.compile(r"[A-ZÀ-Þ]?[a-zà-ÿ]+|[A-ZÀ-Þ]+")


_WORD_WINDOW = 64


def _left_word(s: str, i: int) -> re.Match | None:
    """_LEFT_WORD's match that ends at offset I of S. A search of all of S[:I] tries every start
    before I (a long line with many run-together points took seconds), so the last 64 characters
    are searched first: a match that starts later than that is the one the whole search finds;
    one at the window's edge may be part of a longer word, and then all of S[:I] is searched."""
    lo = max(0, i - _WORD_WINDOW)
    m = _LEFT_WORD.search(s, lo, i)
    if m is not None and m.start() == lo and lo > 0:
        m = _LEFT_WORD.search(s, 0, i)
    return m


def _two_words(s: str, i: int) -> bool:
    """Whether the word that runs across offset I of S is two known words ("WatchSkip",
    "EDTAvailable", "1997Report") rather than one name ("PetroPerú", "OjoPúblico")."""
    from perucases.ingest.lexicon import known_word

    left = _left_word(s, i)
    right = _RIGHT_WORD.match(s, i)
    if not left or not right:
        return True
    return known_word(left.group()) and known_word(right.group())


def _split_points(s: str) -> list[tuple[int, str]]:
    """Offsets in `s` where a new segment starts, with the kind of boundary."""
    points: dict[int, str] = {}
    for m in _SENTENCE_RUN.finditer(s):
        points[m.start()] = "sentence"
    runs = [m.start() for m in _WORD_RUN.finditer(s)]
    if runs:  # most lines have no words run together: the exceptions are only sought when one has
        words, prefixes = _camel_exceptions()
        protected: set[int] = set()
        for x in words:
            if x in s:
                for m in re.finditer(re.escape(x), s):
                    protected.update(range(m.start() + 1, m.end()))
    for i in runs:
        if i in points or i in protected:
            continue
        if any(s.startswith(p, i - len(p)) and (i == len(p) or not s[i - len(p) - 1].isalpha()) for p in prefixes):
            continue  # McCaffrey, MacArthur
        if s[i] != "(" and not _two_words(s, i):
            continue  # PetroPerú, ProPublica: one name, not two words run together
        points[i] = "word"
    if not s.isascii() and max(s) >= "\u0250":  # only then can the script change
        for m in _SCRIPT_RUN.finditer(s):
            points.setdefault(m.start(), "word")
    return sorted(points.items())


def make_segments(text: str, blocks: list[Block], structured: bool = False) -> list[Segment]:
    if structured:  # words in extracted text are as the page or file spaced them
        segments = [Segment(bi, list(b.spans), list(b.joins), "") for bi, b in enumerate(blocks)]
        for seg in segments:
            seg.text = _segment_text(text, seg)
        return [s for s in segments if s.text]
    segments = []
    for bi, block in enumerate(blocks):
        cur_spans: list[Span] = []
        cur_joins: list[str] = []
        boundary = ""
        for si, span in enumerate(block.spans):
            if si:
                cur_joins.append(block.joins[si - 1])
            s = text[span.start : span.end]
            last = 0
            for off, kind in _split_points(s):
                if off <= last:
                    continue
                cur_spans.append(Span(span.start + last, span.start + off))
                segments.append(Segment(bi, cur_spans, cur_joins, boundary))
                cur_spans, cur_joins, boundary = [], [], kind
                last = off
            cur_spans.append(Span(span.start + last, span.end))
        segments.append(Segment(bi, cur_spans, cur_joins, boundary))
    for seg in segments:
        seg.text = _segment_text(text, seg)
    return [s for s in segments if s.text]


def _segment_text(text: str, seg: Segment) -> str:
    parts = []
    for i, sp in enumerate(seg.spans):
        parts.append(text[sp.start : sp.end])
        if i < len(seg.joins):
            parts.append(seg.joins[i])
    t = normalize_text("".join(parts))
    return re.sub(r"^[•·▪►◦*\-–—]+\s*", "", t)


# ---------------------------------------------------------------------------- stage 4: classify


@functools.cache
def chrome_rules() -> list[tuple[str, re.Pattern]]:
    rules = []
    for line in data_lines("chrome.txt"):
        kind, _, pattern = line.partition("\t")
        if kind.strip() not in ("drop", "short", "tail") or not pattern:
            raise ValueError(f"chrome.txt: bad rule {line!r}")
        rules.append((kind.strip(), compiled.compile(pattern.strip(), re.IGNORECASE)))
    return rules


@functools.cache
def publisher_names() -> dict[str, str]:
    """Every name a publisher uses for itself, case-folded -> canonical name."""
    out = {}
    for pub in data_toml("publishers.toml").get("publisher", []):
        for n in [pub["name"], *pub.get("names", [])]:
            out[n.casefold()] = pub["name"]
    return out


def chrome_kind(s: str, latin: bool = True) -> str | None:
    """'drop' or 'tail' if a segment of normalised text is page chrome, else None. LATIN: the
    document is written mostly in the Latin script."""
    s = s.strip()
    words = WORD.findall(s)
    if not words:
        return "drop"  # punctuation, prices, symbols
    if latin and len(words) <= 3:
        letters = [c for c in s if c.isalpha()]
        if letters and not any(_is_latin(c) for c in letters):
            return "drop"  # a language menu's item, in its own script: "العربية", "日本語"
    for kind, rx in chrome_rules():
        if kind == "short":
            if len(words) <= 30 and (m := rx.search(s)) and _appeal(s, m.start(), words):
                return "drop"
        elif rx.fullmatch(s):
            return kind
    if s.casefold() in publisher_names():
        return "drop"  # a site banner: "Amnesty International UK", "Human Rights Watch"
    return None


def _name_piece(s: str) -> bool:
    """A part of a name: a few capitalised words."""
    words = WORD.findall(s)
    return 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words)


def _sentence_piece(s: str) -> bool:
    """A piece of a sentence: it has a lower-case function word."""
    return any(w in stopwords("en") or w in stopwords("es") for w in WORD.findall(s) if w.islower())


def _appeal(s: str, at: int, words: list[str]) -> bool:
    """Whether a short segment that names a sign-up, donation or cookie word is an appeal to the
    reader ("Sign up for our newsletter", "We use cookies"), not a sentence that mentions one ("the
    company continued to sign up subscribers"): the word opens it, or it speaks to the reader."""
    if len(words) <= 6 or len(WORD.findall(s[:at])) <= 2:
        return True
    return any(w.casefold() in appeal_words() for w in words)


@functools.cache
def appeal_words() -> frozenset[str]:
    return frozenset(w.strip().casefold() for w in data_lines("appeal_words.txt"))


def is_prose(s: str) -> bool:
    words = [w.lower() for w in WORD.findall(s)]
    stops = sum(1 for w in words if w in stopwords("en") or w in stopwords("es"))
    if len(words) >= 8 and stops >= 2:
        return True
    return len(words) >= 5 and stops >= 1 and bool(_TERMINAL.search(s)) and not s.endswith(":")


def _looks_like_title(s: str) -> bool:
    words = WORD.findall(s)
    return 1 <= len(words) <= 30 and not re.search(r"[.;,]$", s.strip())


def mostly_latin(segments: list[Segment]) -> bool:
    """Whether most letters of the text are in the Latin script."""
    if all(seg.text.isascii() or max(seg.text) < "\u0250" for seg in segments):
        return True  # no letter of another script (the common case, decided in C)
    latin = other = 0
    for seg in segments:
        for c in seg.text:
            if c.isalpha():
                if _is_latin(c):
                    latin += 1
                else:
                    other += 1
    return latin >= other


def classify(segments: list[Segment], structured: bool = False, title: str | None = None) -> Cleaned:
    """Mark every segment; find the title, the dateline and the document's own text. STRUCTURED:
    the reader made the paragraphs and TITLE is the one it found (see the module's docstring)."""
    if structured:
        return _classify_structured(segments, title)
    result = Cleaned([])
    latin = mostly_latin(segments)
    for seg in segments:
        kind = chrome_kind(seg.text, latin)
        if kind:
            seg.kind = "chrome" if kind == "drop" else "tail"
        elif is_prose(seg.text):
            seg.kind = "prose"
    # Words run together inside a sentence stay with it: "Según la investigación de
    # Nueva|Fuente|Diario, la empresa ..." split at the run-together name is one sentence, so
    # the pieces before the prose piece back to one that reads as part of a sentence (it has a
    # function word), through pieces that are parts of a name, are prose too.
    for j, seg in enumerate(segments):
        if seg.kind != "prose" or seg.boundary != "word":
            continue
        k = j
        while (
            k > 0
            and segments[k].boundary == "word"
            and segments[k - 1].block == seg.block
            and segments[k - 1].kind == "text"
        ):
            k -= 1
            if _sentence_piece(segments[k].text):
                for piece in segments[k:j]:
                    piece.kind = "prose"
                break
            if not _name_piece(segments[k].text):
                break
    # Title: the first segment that is not chrome, when it is short and not a sentence.
    t = next((i for i, s in enumerate(segments) if s.kind not in ("chrome", "tail")), None)
    if t is not None:
        title = segments[t].text
        suffix = None
        if " | " in title:  # "Peru: Montesinos Asylum Claim | Human Rights Watch"
            title, _, suffix = title.rpartition(" | ")
        nxt = segments[t + 1] if t + 1 < len(segments) else None
        # A title stands alone: a line that goes on with more of the text is not one.
        goes_on = (
            nxt is not None and nxt.block == segments[t].block and nxt.kind not in ("chrome", "tail") and suffix is None
        )
        # ... and a document's only line is its text, not a title over nothing.
        alone = not any(s.kind not in ("chrome", "tail") for s in segments[t + 1 :])
        if _looks_like_title(title) and not goes_on and not alone:
            segments[t].kind = "title"
            result.title = title.strip()
            result.site_title_suffix = suffix.strip() if suffix else None
    # The head: everything before the first prose, menus and decks and datelines.
    first_prose = next((i for i, s in enumerate(segments) if s.kind == "prose"), None)
    head_end = first_prose if first_prose is not None else 0
    facts = _fact_rows(segments[:head_end])
    for seg in segments[:head_end]:
        if seg.kind == "text" and id(seg) in facts:
            continue  # a fact box's rows are content: "Date: 1992-05-02", "Location: Lima, Peru"
        if seg.kind == "text":
            d = parse_dateline(seg.text)
            if d and result.dateline is None:
                seg.kind = "dateline"
                result.dateline = d
            else:
                seg.kind = "chrome"
    # A dateline may also stand just after the title, before the text: "31 January 2006".
    in_tail = False
    for i, seg in enumerate(segments):
        if seg.kind == "tail" and i >= head_end:
            in_tail = True
        if in_tail:
            seg.kind = "tail"
        if seg.kind in ("chrome", "tail"):
            result.chrome.append(seg.text)
    return result


def _classify_structured(segments: list[Segment], title: str | None) -> Cleaned:
    result = Cleaned([])
    latin = mostly_latin(segments)
    for seg in segments:
        if chrome_kind(seg.text, latin):  # a "tail" line is dropped alone: what follows may be text
            seg.kind = "chrome"
            result.chrome.append(seg.text)
        elif is_prose(seg.text):
            seg.kind = "prose"
    first = next((s for s in segments if s.kind != "chrome"), None)
    if first is not None and title and _same(_fold_title(first.text), _fold_title(title)):
        first.kind = "title"  # the page's or file's title, repeated at the top of its text
        result.title = first.text
    # A dateline before the text begins: "November 20, 2019 - 11:28 AMT" (it stays a paragraph).
    for seg in segments:
        if seg.kind == "prose":
            break
        if seg.kind == "text":
            d = parse_dateline(seg.text)
            if d:
                result.dateline = d
                break
    return result


def _fold_title(s: str) -> str:
    return " ".join(WORD.findall(normalize_text(s)))


_FACT_ROW = re.compile(r"(?:[-*•·▪]\s*)?[A-ZÁÉÍÓÚÑ][\w’'()/-]*(?:\s[\w’'()/-]+){0,3}\s*:\s+\S.*")
FACT_RUN = 3  # rows in a run, at least


def _fact_rows(head: list[Segment]) -> set[int]:
    """The rows of a fact box (an infobox, a record's fields): runs of at least FACT_RUN segments
    of the form "Key: value" (a key of up to four words), in the head of a document. Menus and
    banners have no such rows."""
    out: set[int] = set()
    run: list[Segment] = []
    for seg in [*head, None]:
        if seg is not None and seg.kind == "text" and _FACT_ROW.fullmatch(seg.text.strip()):
            run.append(seg)
            continue
        if len(run) >= FACT_RUN:
            out |= {id(x) for x in run}
        run = []
    return out


def _same(a: str, b: str | None) -> bool:
    return b is not None and a.casefold().strip() == b.casefold().strip()


# ---------------------------------------------------------------------------- stage 5: paragraphs


def make_paragraphs(text: str, segments: list[Segment]) -> list[Paragraph]:
    groups: list[list[Segment]] = []
    prev: Segment | None = None
    for seg in segments:
        if seg.kind not in ("prose", "text"):
            prev = None
            continue
        if prev is not None and prev.block == seg.block and seg.boundary == "word":
            groups[-1].append(seg)
        else:
            groups.append([seg])
        prev = seg
    paragraphs: list[Paragraph] = []
    for group in groups:
        b = Builder()
        for gi, seg in enumerate(group):
            if gi:
                b.space(seg.spans[0].start)
            for si, sp in enumerate(seg.spans):
                if si and seg.joins[si - 1]:
                    b.space(sp.start)
                b.add(text, sp.start, sp.end)
        clean, offsets = b.build()
        stripped = re.sub(r"^[•·▪►◦*]+\s*", "", clean)
        if stripped != clean:
            cut = len(clean) - len(stripped)
            clean = stripped
            offsets = _shift(offsets, cut)
        if not clean.strip():
            continue
        start, end = offsets.span(0, len(clean))
        paragraphs.append(Paragraph(len(paragraphs) + 1, clean, start, end, offsets))
    return paragraphs


def _shift(offsets: OffsetMap, cut: int) -> OffsetMap:
    """Drop the first `cut` cleaned characters from a map."""
    first = offsets.to_original(cut)
    clean, orig = [0], [first]
    for c, o in zip(offsets.clean, offsets.orig, strict=True):
        if c > cut:
            clean.append(c - cut)
            orig.append(o)
    return OffsetMap(clean, orig)


# ---------------------------------------------------------------------------- the chain


def clean(text: str, markdown: bool = False, structured: bool = False, title: str | None = None) -> Cleaned:
    lines = split_lines(text)
    blocks = make_blocks(text, lines, markdown=markdown, structured=structured)
    segments = make_segments(text, blocks, structured=structured)
    result = classify(segments, structured=structured, title=title)
    result.paragraphs = make_paragraphs(text, segments)
    return result
