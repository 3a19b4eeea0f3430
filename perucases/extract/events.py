"""Events: each dated statement of a document, with the clause it sits in and whom it names.

    sentences -> temporal expressions (perucases.extract.timex) -> clause -> entities -> events

An event is one temporal expression with the sentence it sits in, trimmed to the clause that
holds the date when the sentence is long (two dates in one sentence are two events, each with its
own clause). Expressions that need an anchor are resolved against the document's date, when it is
known to the day; anaphoric ones ("that year", "four years later", a month without a year in a
text with no date of its own) against the reference time the narrative has reached, carried from
paragraph to paragraph (perucases.extract.timex.Context). References without a date ("now",
"recently", "hoy" meaning nowadays) are not events. The same statement is listed once. The
document's own date is an event of kind `publication`; a date in its title line is an event of kind
`title` (no paragraph).

Values on the timeline are calendar values: a season of a year ("the fall of 1987") is its year.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from perucases.extract.timex import Context, Timex, find
from perucases.ingest.sentences import clause_cuts, clause_span, sentence_spans

LONG_SENTENCE = 220  # characters: longer sentences are cut to the clause that holds the date


@dataclass
class Event:
    kind: str  # "mention" or "publication"
    value: str
    first: dt.date | None
    last: dt.date | None
    precision: str
    expression: str
    relative: bool
    unresolved: bool
    paragraph: int | None  # None for the publication event
    sentence: str
    entities: list[str] = field(default_factory=list)  # entity keys, in order of mention


def clause(text: str, a: int, b: int, t: Timex, cuts: list[int] | None = None) -> tuple[int, int]:
    """The clause of text[a:b] that holds T, widened to at least ~80 characters (CUTS: the
    sentence's clause boundaries, when already known)."""
    return clause_span(text, a, b, t.start, t.end, LONG_SENTENCE, cuts=cuts)


def _quote(text: str, lo: int, hi: int, a: int, b: int) -> str:
    s = text[lo:hi].strip().rstrip(",;:(")
    if lo > a:
        s = "… " + s
    if hi < b:
        s = s + " …"
    return s


_SEASON = re.compile(r"(\d{4})-(?:SP|SU|FA|WI)")


def _calendar(t: Timex) -> Timex:
    """A season of a year is, on a timeline, that year ("the fall of 1987": 1987)."""
    m = _SEASON.fullmatch(t.value)
    if m:
        y = int(m.group(1))
        t.value, t.first, t.last, t.precision = m.group(1), dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    return t


def extract_events(
    paragraphs: list[str],
    anchor: dt.date | None,
    mentions=(),
    publication: tuple[str, dt.date, dt.date, str] | None = None,
    title: str | None = None,
) -> list[Event]:
    """Events of one document. MENTIONS are entity mentions (paragraph, start, end, key);
    PUBLICATION is the document's own date as (value, first, last, precision); TITLE the title line."""
    out: list[Event] = []
    seen: set[tuple] = set()
    if publication:
        value, first, last, precision = publication
        out.append(Event("publication", value, first, last, precision, value, False, False, None, title or ""))
    ctx = Context(dct=anchor)
    if title:
        for t in find(title, anchor, ctx=ctx):
            if t.precision != "ref":
                _calendar(t)
                out.append(
                    Event("title", t.value, t.first, t.last, t.precision, t.text, t.relative, t.unresolved, None, title)
                )
    by_para: dict[int, list] = {}
    for m in mentions:
        by_para.setdefault(m.paragraph, []).append(m)
    # Everything below is looked up by bisection, so that a long paragraph with many dates
    # (a 1 MB line) costs n log n, not n squared.
    for n, text in enumerate(paragraphs, 1):
        found = [t for t in find(text, anchor, ctx=ctx) if t.precision != "ref"]
        if not found:
            continue  # (a paragraph with no date: no sentences to split)
        spans = sentence_spans(text)
        starts = [x for x, _ in spans]
        cuts_of: dict[tuple[int, int], list[int]] = {}
        ments = sorted(by_para.get(n, []), key=lambda m: m.start)
        ment_starts = [m.start for m in ments]
        for t in found:
            _calendar(t)
            k = bisect.bisect_right(starts, t.start) - 1
            a, b = spans[k] if k >= 0 and spans[k][0] <= t.start < spans[k][1] else (0, len(text))
            if (a, b) not in cuts_of and b - a > LONG_SENTENCE:
                cuts_of[(a, b)] = clause_cuts(text, a, b)
            lo, hi = clause(text, a, b, t, cuts_of.get((a, b)))
            sentence = _quote(text, lo, hi, a, b)
            key = (n, sentence, t.value)
            if key in seen:
                continue
            seen.add(key)
            i = bisect.bisect_left(ment_starts, lo)
            inside = []
            while i < len(ments) and ments[i].start < hi:
                if ments[i].end <= hi:
                    inside.append(ments[i].key)
                i += 1
            ents = list(dict.fromkeys(inside))
            out.append(
                Event(
                    "mention",
                    t.value,
                    t.first,
                    t.last,
                    t.precision,
                    t.text,
                    t.relative,
                    t.unresolved,
                    n,
                    sentence,
                    ents,
                )
            )
    return out
