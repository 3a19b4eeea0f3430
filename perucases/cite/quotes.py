"""Quotes: the sentences that best match a query, taken character for character from the file.

    paragraphs that match -> sentences (perucases.ingest.sentences) -> scored by the query's terms
    -> clipped to one paragraph's text (never into chrome) -> cut to clauses when very long
    -> mapped back to the original file through the paragraph's OffsetMap

A quote is `fold(original[start:end])`, where `fold` turns each hard line break (with the
spaces around it) into one space and changes nothing else: curly quotes, accents and dashes are
the file's own. When a quote is cut, `cut_start`/`cut_end` say so and the text shown carries an
ellipsis; `start:end` always covers exactly the quoted characters.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from itertools import pairwise

from perucases.ingest.normalize import OffsetMap, normalize_text
from perucases.ingest.sentences import clause_span, sentence_spans

LONG_QUOTE = 400  # characters: a longer sentence is cut to the clauses that hold the matches
ELLIPSIS = "\u2026"
# Line and page breaks: what str.splitlines() breaks at.
_BREAKS = "\r\n\f\v\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK = re.compile(f"[ \\t]*[{_BREAKS}][ \\t{_BREAKS}]*")


def fold(text: str) -> str:
    """Hard line and page breaks (and the spaces around them) -> one space; nothing else changes."""
    return _BREAK.sub(" ", text)


def original_span(omap: OffsetMap, original: str, a: int, b: int) -> tuple[int, int]:
    """Cleaned [a, b) -> original [start, end), with any combining marks after the last
    character (an accent written as a separate mark: e + \u0301) kept with it."""
    start, end = omap.span(a, b)
    while end < len(original) and unicodedata.combining(original[end]):
        end += 1
    return start, end


@dataclass
class Quote:
    id: str
    paragraph: int
    sentence: int  # the first quoted sentence, counted from 1 within the paragraph
    sentences: int  # how many sentences the quote spans (more with --context)
    start: int  # character offsets in the decoded original file
    end: int
    text: str  # fold(original[start:end])
    cut_start: bool = False
    cut_end: bool = False
    score: float = 0.0
    sha256: str = ""  # short content hash of the source file
    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    terms: list[str] = field(default_factory=list)  # the query words it matches
    page: int | None = None  # PDF: the page the paragraph starts on
    citation: str | None = None  # the in-text citation or note, with the paragraph locator
    reference: str | None = None  # the bibliography entry
    style: str | None = None  # the citation style's title

    @property
    def quote(self) -> str:
        """The quote as shown: the original's text, with an ellipsis where it was cut."""
        return (ELLIPSIS + " " if self.cut_start else "") + self.text + (" " + ELLIPSIS if self.cut_end else "")


# ---------------------------------------------------------------------------- matching


@dataclass
class Matcher:
    """The positive words of a parsed query, matched against analysed sentence tokens."""

    terms: list  # (kind, text or pattern, weight)
    phrases: list  # (words, weight)

    @classmethod
    def from_leaves(cls, leaves, idf) -> Matcher:
        from whoosh import query as Q

        terms, phrases = [], []
        for leaf in leaves:
            fname = getattr(leaf, "fieldname", None)
            if fname not in ("text", "title", "text_es", "title_es", "body", "body_es"):
                continue
            if isinstance(leaf, Q.Phrase):
                words = [w for w in leaf.words if w]
                phrases.append((words, sum(idf(w) for w in words)))
                terms += [("term", w, idf(w)) for w in words]
            elif isinstance(leaf, Q.FuzzyTerm):
                terms.append(("fuzzy", leaf.text, idf(leaf.text)))
            elif isinstance(leaf, (Q.Prefix,)):
                terms.append(("prefix", leaf.text, 1.0))
            elif isinstance(leaf, Q.Wildcard):
                terms.append(("wild", leaf.text, 1.0))
            elif isinstance(leaf, Q.Term) and isinstance(leaf.text, str):
                terms.append(("term", leaf.text, idf(leaf.text)))
        seen, uniq = set(), []
        for t in terms:
            if t[:2] not in seen:
                seen.add(t[:2])
                uniq.append(t)
        return cls(uniq, phrases)

    def score(self, tokens: list[str]) -> tuple[float, list[str]]:
        got, matched = 0.0, []
        present = set(tokens)
        for kind, text, weight in self.terms:
            if kind == "term":
                hit = text in present
            elif kind == "prefix":
                hit = any(t.startswith(text) for t in present)
            elif kind == "wild":
                hit = any(fnmatchcase(t, text) for t in present)
            else:
                hit = any(_close(t, text) for t in present)
            if hit:
                got += weight
                matched.append(text)
        for words, weight in self.phrases:
            n = len(words)
            if n > 1 and any(tokens[i : i + n] == words for i in range(len(tokens) - n + 1)):
                got += weight  # the phrase as written counts twice
        return got, matched


def _close(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


# ---------------------------------------------------------------------------- spans


def clean_pieces(omap: OffsetMap, original: str, a: int, b: int) -> list[tuple[int, int]]:
    """Split the cleaned span [a, b) wherever cleaning skipped original text that is not white
    space (a line of chrome inside a paragraph): a quote never crosses such a gap."""
    cuts = [a]
    clean, orig = omap.clean, omap.orig
    first = max(0, bisect.bisect_right(clean, a) - 1)
    for k in range(first, len(clean) - 1):
        c0, c1 = clean[k], clean[k + 1]
        if c1 >= b:
            break
        if c1 <= a:
            continue
        expected = orig[k] + (c1 - c0)
        skipped = normalize_text(original[expected : orig[k + 1]]) if orig[k + 1] > expected else ""
        if "".join(ch for ch in skipped if not unicodedata.combining(ch)).strip():
            cuts.append(c1)
    cuts.append(b)
    return [(x, y) for x, y in pairwise(cuts) if y > x]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " ,;:(":
        a += 1
    while b > a and text[b - 1] in " ,;:(":
        b -= 1
    return a, b


def quotes_in_paragraph(
    doc_id: str,
    n: int,
    text: str,
    omap: OffsetMap,
    original: str,
    matcher: Matcher,
    analyzer,
    context: int = 0,
    full: bool = False,
) -> list[Quote]:
    """Every sentence of one paragraph that matches, as a Quote (score = the matched words' weight)."""
    spans = sentence_spans(text)
    out = []
    for i, (a, b) in enumerate(spans):
        analysed = [(t.text, t.startchar, t.endchar) for t in analyzer(text[a:b], chars=True)]
        score, matched = matcher.score([w for w, _, _ in analysed])
        if not score:
            continue
        lo_i, hi_i = max(0, i - context), min(len(spans) - 1, i + context)
        qa, qb = spans[lo_i][0], spans[hi_i][1]
        cut_a = cut_b = False
        # Never across a gap left by cleaning; keep the piece that holds the sentence's matches.
        pieces = clean_pieces(omap, original, qa, qb)
        if len(pieces) > 1:
            best = max(
                pieces,
                key=lambda p: (matcher.score([t.text for t in analyzer(text[p[0] : p[1]])])[0], p[0] <= a < p[1]),
            )
            cut_a, cut_b = best[0] > qa, best[1] < qb
            qa, qb = best
        if not full and not context and qb - qa > LONG_QUOTE:
            lo, hi = _match_extent(text, qa, qb, analyzer, matcher, analysed if (qa, qb) == (a, b) else None)
            ca, cb = clause_span(text, qa, qb, lo, hi, LONG_QUOTE, shortest=120)
            ca, cb = _trim(text, ca, cb)
            cut_a, cut_b = cut_a or ca > qa, cut_b or cb < qb
            qa, qb = ca, cb
        start, end = original_span(omap, original, qa, qb)
        out.append(
            Quote(
                doc_id,
                n,
                lo_i + 1,
                hi_i - lo_i + 1,
                start,
                end,
                fold(original[start:end]),
                cut_a,
                cut_b,
                round(score, 3),
                terms=matched,
            )
        )
    return out


def _match_extent(
    text: str, a: int, b: int, analyzer, matcher: Matcher, analysed: list[tuple[str, int, int]] | None = None
) -> tuple[int, int]:
    """The characters from the first to the last matching word of text[a:b]; ANALYSED, when given,
    is text[a:b] analysed already ((word, start, end) a token). Each distinct word is matched
    once: a long sentence repeats its words."""
    if analysed is None:
        analysed = [(t.text, t.startchar, t.endchar) for t in analyzer(text[a:b], chars=True)]
    verdicts: dict[str, bool] = {}
    lo: int | None = None
    hi = a
    for word, start, end in analysed:
        hit = verdicts.get(word)
        if hit is None:
            hit = verdicts[word] = bool(matcher.score([word])[0])
        if hit:
            lo = start + a if lo is None else lo
            hi = end + a
    if lo is None:
        return a, min(b, a + 1)
    return lo, hi
