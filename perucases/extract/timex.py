"""Temporal expressions: find them in text and give each an ISO 8601 / TimeML value.

    find(text, anchor=date(1997, 4, 23)) -> [Timex(start, end, text, value, first, last, ...)]

Values keep the precision the text gives: `2000-09-26`, `2000-05`, `1995`, `199X` (a decade),
`2000-W38` (a week), `1989-Q3` (a quarter), `1998-SU` (a season), `1990/2000` (an interval),
`PRESENT_REF`/`PAST_REF`/`FUTURE_REF` (now, recently, the future). `first` and `last` are the
calendar dates the value covers, for sorting and filtering. Expressions that need an anchor
("yesterday", "in February", "on 17 December", "last week") are resolved against ANCHOR, the
document's date; `relative` says so, and without an anchor they keep a partial value (`XXXX-02`)
and are marked `unresolved`, never given a guessed year.

Durations ("for four months", "10 years"), money, counts, ages and codes are not dates.

`timebank(text, dct)` is the same extractor as a plain function for
../shared/data/timebank/timex_eval.py (see bench/timebank.py).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import importlib
import re
from dataclasses import dataclass
from itertools import pairwise
from types import ModuleType

from perucases import compiled
from perucases.dates import month_table, number_words_re, spelled_number
from perucases.extract.regexstart import word_start_chars
from perucases.resources import data_toml


def _regex_module(name: str, before_3_11: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:  # Python 3.10
        return importlib.import_module(before_3_11)


# The regex parser `_lead_words` reads the cues' words with (`re` itself has loaded it)
_SRE_PARSER = _regex_module("re._parser", "sre_parse")
_SRE_CONSTANTS = _regex_module("re._constants", "sre_constants")


@dataclass
class Timex:
    start: int  # character offsets in the text
    end: int
    text: str
    value: str
    first: dt.date | None = None  # calendar interval, when the value has one
    last: dt.date | None = None
    precision: str = "day"  # day, week, month, quarter, season, year, decade, interval, ref
    relative: bool = False  # resolved from the anchor
    unresolved: bool = False  # needed an anchor and had none: partial value
    basis: str | None = None  # what a relative value was computed from: "dct" or "ref" (the narrative)

    def as_scored(self) -> dict:
        return {"start": self.start, "end": self.end, "value": self.value}


# ---------------------------------------------------------------------------- vocabulary


@functools.cache
def _words() -> dict:
    d = data_toml("timex.toml")
    wd = {}
    for lang in d["weekdays"].values():
        for i, forms in enumerate(lang):
            for f in forms:
                wd[f] = i
    return {
        "weekdays": wd,
        "numbers": d["numbers"],
        "decades": d["decades"],
        "ordinals": d["ordinals"],
        "seasons": d["seasons"],
        "future": frozenset(d["future_cues"]),
        "past": frozenset(d["past_cues"]),
        "reporting": frozenset(d["reporting_verbs"]),
        "same_year": d["same_year"],
        "same_year_cues": d["same_year_cues"],
        "count_nouns": frozenset(d["count_nouns"]),
        "count_before": d["count_before"],
        "nowadays": [compiled.compile(x, re.I) for x in d["nowadays"]],
    }


def _alt(words) -> str:
    """The words as alternatives, longest first (then in alphabetical order: the same pattern in
    every process, whatever the order of a set, so that its shipped code is found)."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _trie(words) -> str:
    """The words as one group that matches what `(?:_alt(words))` matches, but with the letters
    words share written once ("sep(?:t(?:ember|iembre)?)?"): the regex engine then tries each
    first letter once at a position, not each of fifty month names. The same match in any
    context: of the words that match at a position, each a prefix of the next, both try the
    longest first and the shorter ones in turn (a test holds the two equal)."""

    def group(suffixes: list[str]) -> str:
        by_first: dict[str, list[str]] = {}
        for w in suffixes:
            if w:
                by_first.setdefault(w[0], []).append(w[1:])
        alts = []
        for first, rest in sorted(by_first.items()):
            head = re.escape(first)
            while "" not in rest and len({w[0] for w in rest}) == 1:  # one way on: letters in a row
                head += re.escape(rest[0][0])
                rest = [w[1:] for w in rest]
            alts.append(head if rest == [""] else head + group(rest))
        # a word that ends here is tried after the longer ones (the group is greedy)
        return f"(?:{'|'.join(alts)})" + ("?" if "" in suffixes else "")

    return group(sorted(set(words)))


@functools.cache
def _patterns() -> list[tuple[str, re.Pattern]]:
    """The patterns, ignoring case: for the rare text that cannot be lowercased instead (see
    `_lower_patterns`), so compiled only when such a text comes (a tenth of a second)."""
    return [(name, compiled.compile(source, re.IGNORECASE)) for name, source in _sources()]


@functools.cache
def _sources() -> list[tuple[str, str]]:
    """(name, regular expression) of every pattern, in the order they are tried."""
    w = _words()
    MON = rf"(?P<mon>{_trie(month_table())})\.?"
    WD = rf"(?:(?P<wd>{_trie(w['weekdays'])})\.?,?\s+)"
    D = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    D2 = r"(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?"
    Y = r"(?P<year>1[89]\d\d|20\d\d)"
    Y2 = r"(?P<year2>1[89]\d\d|20\d\d|\d\d)"
    NUM = rf"(?P<num>\d+|{_trie(w['numbers'])})"
    UNIT = r"(?P<unit>day|week|month|year|decade|quarter|día|semana|mes|año)s?(?:es)?"
    ORD = rf"(?P<ord>{_trie(w['ordinals'])})"
    SEASON = rf"(?P<season>{_trie(w['seasons'])})"
    DEC = rf"(?P<decw>{_trie(w['decades'])})"
    MOD = r"(?:(?P<mod>early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+middle\s+of|principios\s+de|mediados\s+de|fines\s+de|finales\s+de)[\s-]+)?"
    REL = r"(?P<rel>this|last|next|past|coming|previous|current|este|esta|pasado|pasada|próximo|próxima)"
    SAME = rf"(?P<same>{_trie(w['same_year'])})"
    NUMW = number_words_re()
    DECW = r"(?P<decw>sesenta|setenta|ochenta|noventa|cincuenta)"
    EDGE = r"(?:(?:a\s+)?(?:inicios|principios|comienzos|mediados|fines|finales)\s+de\s+)?"
    P = [
        # ranges of days in one month: "entre el 21 y el 23 de enero de 2002", "between May 3 and 5, 1999"
        (
            "ddrange",
            rf"(?P<pre>between|from|entre|del|desde)\s+(?:el\s+)?{D}\s+(?:and|to|y|al|a|hasta)\s+(?:el\s+)?{D2}\s+(?:de\s+|of\s+)?{MON}\s*,?\s+(?:de(?:l)?\s+)?{Y}(?!\d)",
        ),
        ("mddrange", rf"(?P<pre>between|from)\s+{MON}\s+{D}\s+(?:and|to|through)\s+{D2},?\s+{Y}(?!\d)"),
        # full dates
        ("iso", r"(?<![\d-])(?P<year>1[89]\d\d|20\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)(?![\d-])"),
        ("mdy", rf"{WD}?{MON}\s+{D}(?:\s*[-–]\s*{D2})?,?\s+{Y}(?!\d)"),
        ("dmy", rf"{WD}?(?:el\s+)?{D}(?:\s*[-–]\s*{D2})?\s+(?:de\s+|of\s+)?{MON}\s*,?\s+(?:de(?:l)?\s+)?{Y}(?!\d)"),
        # dates in words: "diez de junio de dos mil veintiséis", "cuatro de junio del 2001"
        (
            "dmyw",
            rf"(?:el\s+)?(?P<dayw>{NUMW}|[0-3]?\d)\s+de\s+{MON}\s+(?:de(?:l)?\s+)?(?P<yearw>{NUMW}|1[89]\d\d|20\d\d)(?!\d)",
        ),
        # ranges of years
        (
            "yrange",
            rf"(?:(?P<pre>from|between|entre|de|desde)\s+)?(?<![\d$.,])(?P<year>1[89]\d\d|20\d\d)\s*(?P<sep>[-–/]|to|and|y|a|al|hasta)\s*(?:el\s+)?{Y2}(?![\d%,.]\d)",
        ),
        # month and year
        ("my", rf"{MOD}{MON}\s*,?\s+(?:of\s+|de(?:l)?\s+)?{Y}(?!\d)"),
        # day and month, no year (perhaps "of the same year")
        ("md", rf"{WD}?{MON}\s+{D}(?:\s*[-–]\s*{D2})?(?![\d,]*\s*\d{{4}})(?!\d)(?:\s+(?:of\s+|de(?:l)?\s+){SAME})?"),
        (
            "dm",
            rf"{WD}?(?:el\s+)?{D}(?:\s*[-–]\s*{D2})?\s+(?:de\s+|of\s+)?{MON}(?!\w)(?:\s*,?\s+(?:of\s+|de(?:l)?\s+){SAME})?",
        ),
        # quarters and halves
        (
            "spelled",
            r"(?:the\s+year\s+)?(?P<spelled>(?:nineteen|eighteen)[\s-]+(?:(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?)|two\s+thousand(?:\s+(?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten))?)",
        ),
        ("yearago_q", r"the\s+year-(?:earlier|ago)\s+(?:quarter|period)"),
        (
            "quarter",
            rf"(?:the\s+(?=\w+\s))?(?:this\s+year's\s+)?(?:fiscal\s+)?(?:{ORD}|(?P<qrel>this|last|next|latest|previous|current|year-ago|same))[\s-]+(?:fiscal\s+)?quarters?(?:\s+of\s+(?:fiscal\s+)?{Y})?",
        ),
        ("quarter0", r"the\s+(?:latest\s+|current\s+|recent\s+)?quarter(?![\s-]+(?:of|point))"),
        ("yearperiod", rf"the\s+{Y}\s+(?:period|quarter|fiscal\s+year)"),
        (
            "theyear",
            r"(?P<ty>the\s+(?:full\s+|fiscal\s+|current\s+|latest\s+fiscal\s+)?year|the\s+weekend|the\s+end\s+of\s+the\s+year|year[- ]end)(?![\s-]+(?:earlier|ago|before|after|later|of\b|-))",
        ),
        ("century", r"(?:the\s+)?(?P<cent>\d{1,2})(?:st|nd|rd|th)\s+century"),
        ("lastdecade", r"the\s+(?P<dr>last|past|next|previous)\s+decade"),
        ("half", rf"(?:the\s+)?(?:{ORD}|first\s+two\s+quarters)\s+(?:half\s+)?(?:of\s+)?(?:fiscal\s+)?{Y}"),
        # decades
        ("decade", rf"(?:the\s+)?{MOD}(?:'|’)?(?P<dec>(?:1[89]|20)?\d0)(?:'|’)?s\b"),
        ("decadew", rf"(?:(?:los\s+)?años\s+|the\s+){DEC}"),
        # "la década de 1980", "inicios de la década de los ochenta", "mediados de la década del 2000",
        # "las décadas de 1980 y 1990" (the second one by the list rule), "los años 90", "los setenta"
        (
            "decada",
            rf"{EDGE}(?:la\s+|las\s+)?décadas?\s+(?:de\s+(?:los\s+)?|del\s+)(?:(?P<dec>(?:1[89]|20)\d0)|{DECW}|(?P<decs>[2-9]0))(?![\d%])",
        ),
        ("anosnum", rf"{EDGE}(?:los\s+)?años\s+(?:'|’)?(?P<dec>(?:19|20)?[0-9]0)(?![\d%])"),
        (
            "decadelos",
            rf"{EDGE}los\s+{DECW}(?=\s*[,.;:)]|\s+(?:y\s+(?:los\s+)?(?:sesenta|setenta|ochenta|noventa)|del\s+siglo|en\s|cuando|fue|fueron|se\s))",
        ),
        # named months alone
        (
            "month",
            rf"{MOD}(?:(?P<rel2>last|next|this|el\s+pasado|de)\s+)?{MON}(?:\s+(?P<ly>last\s+year|next\s+year|this\s+year|del\s+año\s+pasado)|\s+(?:of\s+|de(?:l)?\s+){SAME})?",
        ),
        # relative spans: this/last/next week, month, year, quarter, season
        (
            "relunit",
            rf"(?:the\s+(?=past|coming|previous|current|same))?{REL}\s+(?P<unit>week|weekend|month|year|fall|summer|spring|winter|autumn|semana|mes|año)(?!-)",
        ),
        ("unitrel", rf"(?:el|la)\s+(?P<unit>semana|mes|año)\s+{REL}"),
        ("season", rf"(?:(?P<rel>this|last|next)\s+)?{SEASON}(?:\s+(?:of\s+|de\s+)?{Y})?"),
        # N units ago / earlier / later
        (
            "ago",
            rf"(?P<approx>(?:about|almost|nearly|more\s+than|some|just|only|around|roughly|casi|unos|unas|más\s+de)\s+)?{NUM}\s+{UNIT}\s+(?P<dir>ago|earlier|later|from\s+now|después|antes|más\s+tarde)",
        ),
        (
            "after",
            rf"(?P<approx>(?:about|almost|nearly|more\s+than|some|just|only|around|roughly|casi|unos|unas|más\s+de)\s+)?{NUM}\s+{UNIT}\s+(?P<dir>after|before)",
        ),
        ("hace", rf"hace\s+{NUM}\s+{UNIT}"),
        # anniversaries of a dated event: "the 40th anniversary of the 1976 coup", "a 30 años del golpe de 1992"
        ("anniv", r"(?:the\s+|el\s+)?(?P<nth>\d{1,3})(?:st|nd|rd|th|º|°|\.º|\.°)?\s+(?:anniversary|aniversario)"),
        ("anosde", rf"a\s+{NUM}\s+años\s+de(?:l)?"),
        ("yearago", r"(?:(?P<a>a)\s+)?year[\s-](?:ago|earlier)"),
        # weekdays (with a part of the day)
        (
            "weekday",
            rf"(?:(?:last|next|this|earlier|later|late|early)\s+)?(?P<wd>{_trie(w['weekdays'])})(?:\s+(?P<part>morning|afternoon|evening|night|por\s+la\s+(?:mañana|tarde|noche)))?",
        ),
        # days and references
        (
            "day",
            r"(?:(?:late|early)\s+)?(?P<dw>today|yesterday|tomorrow|hoy|ayer|anteayer|the\s+day\s+before\s+yesterday|the\s+following\s+day|the\s+next\s+day|the\s+previous\s+day|el\s+día\s+siguiente)",
        ),
        (
            "ref",
            r"(?P<ref>now|currently|current(?=\s+(?:year|quarter|period|month|week))|nowadays|recently|recent\s+(?:days|weeks|months|years)|lately|the\s+past|the\s+future|these\s+days|actualmente|recientemente|en\s+el\s+futuro|el\s+pasado)",
        ),
        ("sameyear", rf"{SAME}(?!\w)"),
        (
            "following",
            r"(?P<ff>the\s+following|the\s+next|the\s+previous|the\s+same|that|el\s+mismo|la\s+misma|el\s+siguiente|al\s+año\s+siguiente)\s+(?P<unit>year|month|week|año|mes|semana)",
        ),
        ("fiscal", rf"(?:fiscal|FY)\s*{Y}"),
        (
            "year",
            r"(?:(?:early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+middle\s+of|fines\s+de|principios\s+de|mediados\s+de)[\s-]+)?(?<![\d$£€.,/#-])(?P<year>1[89]\d\d|20\d\d)(?![\d%]|,\d|\.\d|-\d)",
        ),
    ]
    return [(name, rf"(?<!\w){p}(?!\w)") for name, p in P]


# ---------------------------------------------------------------------------- values


def _month_end(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _valid_day(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]


def _day(t: Timex, d: dt.date) -> Timex:
    t.value, t.first, t.last, t.precision = d.isoformat(), d, d, "day"
    return t


def _month(t: Timex, y: int, m: int) -> Timex:
    t.value, t.first, t.last, t.precision = f"{y:04d}-{m:02d}", dt.date(y, m, 1), _month_end(y, m), "month"
    return t


def _year(t: Timex, y: int) -> Timex:
    t.value, t.first, t.last, t.precision = f"{y:04d}", dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    return t


def _week(t: Timex, d: dt.date) -> Timex:
    iso = d.isocalendar()
    monday = d - dt.timedelta(days=d.weekday())
    t.value, t.first, t.last, t.precision = f"{iso[0]:04d}-W{iso[1]:02d}", monday, monday + dt.timedelta(days=6), "week"
    return t


def _quarter(t: Timex, y: int, q: int) -> Timex:
    t.value, t.first, t.last, t.precision = f"{y:04d}-Q{q}", dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q), "quarter"
    return t


def _ref(t: Timex, ref: str) -> Timex:
    t.value, t.precision = ref, "ref"
    return t


def _num(s: str) -> int | None:
    s = s.lower()
    if s.isdigit():
        return int(s)
    n = _words()["numbers"].get(s)
    return n or None


def _shift(d: dt.date, unit: str, n: int) -> dt.date:
    unit = unit.lower()
    if unit.startswith(("day", "día")):
        return d + dt.timedelta(days=n)
    if unit.startswith(("week", "semana")):
        return d + dt.timedelta(weeks=n)
    months = {"month": 1, "mes": 1, "quarter": 3, "year": 12, "año": 12, "decade": 120}
    k = next(v for u, v in months.items() if unit.startswith(u))
    total = d.year * 12 + d.month - 1 + n * k
    y, m = divmod(total, 12)
    return dt.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


@functools.cache
def _future_re() -> re.Pattern:
    return compiled.compile(rf"(?<!\w)(?:{_alt(_words()['future'])})(?!\w)")


@functools.cache
def _count_before_re() -> re.Pattern:
    return compiled.compile(rf"(?<!\w)(?:{_alt(_words()['count_before'])})\s+$")


def _forward(text: str, start: int) -> bool:
    """Does the sentence before START speak of the future ("will", "next", "scheduled")?"""
    head = text[max(0, start - 80) : start]
    head = re.split(r"[.!?;]\s", head)[-1].lower()
    return _future_re().search(head) is not None


_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"
}


def _spelled_year(s: str) -> int | None:
    """ "nineteen ninety-six" -> 1996, "two thousand" -> 2000, "two thousand and one" -> 2001."""
    words = re.split(r"[\s-]+", s.lower().replace(" and ", " "))
    if words[:2] == ["two", "thousand"]:
        return 2000 + sum(_UNITS.get(w, 0) for w in words[2:])
    if words[0] in ("nineteen", "eighteen"):
        rest = words[1:]
        ones = sum(_UNITS.get(w, 0) for w in rest[1:]) if rest[0] in _TENS else 0
        n = _TENS.get(rest[0], _UNITS.get(rest[0], 0)) + ones
        return (1900 if words[0] == "nineteen" else 1800) + n
    return None


@dataclass
class Context:
    """What the expressions of one document are resolved against, carried from paragraph to
    paragraph: the document's date (`dct`, for deictic expressions: "yesterday", "last week") and
    the reference time the narrative has reached (`ref`, the last date the text gave, for anaphoric
    ones: "that year", "the following month", "four years later", a month named without a year in
    a text with no date of its own). HeidelTime's "news" and "narrative" strategies, in one."""

    dct: dt.date | None = None
    ref: Timex | None = None


@dataclass
class _Call:
    text: str
    anchor: dt.date | None  # the document's date, or the date a "following" expression counts from
    ref: Timex | None  # the reference time
    narrative: bool  # the document has no date: a month or day without a year takes the reference's
    via_ref: bool = False  # ANCHOR is the reference time's date, not the document's


def _need_anchor(t: Timex, partial: str, precision: str) -> Timex:
    t.value, t.precision, t.unresolved = partial, precision, True
    return t


def _from_ref(t: Timex) -> Timex:
    t.relative, t.basis = True, "ref"
    return t


def _from_dct(t: Timex) -> Timex:
    t.relative, t.basis = True, "dct"
    return t


def _ref_year(cx: _Call) -> int | None:
    """The year the narrative is in: that of the last date given (the end of an interval)."""
    r = cx.ref
    if r is None or r.first is None or r.precision in ("decade", "century", "ref"):
        return None
    return (r.last or r.first).year if r.precision == "interval" else r.first.year


def _is_past_verb(words: list[str], i: int) -> bool:
    w, x = _words(), words[i]
    if x in w["reporting"] or (i and words[i - 1] in ("the", "a", "an", "its", "his", "her", "their")):
        return False  # verbs of saying date the report, not the event; "the reduced dividend"
    return x in w["past"] or (len(x) > 4 and x.endswith("ed")) or (len(x) > 3 and x.endswith(("ó", "aron", "ieron")))


def _past(text: str, start: int) -> bool:
    """Is the event dated at START told in the past? Either the date opens its sentence or clause
    and a past verb follows ("In May Fujimori won", "On June 5, clashes ... were"), or a past verb
    governs it ("the talks began in August", "se instaló en julio"). Verbs of saying do not count,
    nor a verb before an infinitive ("expected to join in April")."""
    head = text[max(0, start - 60) : start]
    clause = re.split(r"[.!?;:,]\s|\n", head)[-1].lower()
    tail = re.split(r"[.!?;](?:\s|$)", text[start : start + 160])[0].lower()
    if re.fullmatch(r"\s*(?:(?:in|on|during|by|en|el|durante|a\s+fines\s+de|in\s+early|in\s+late)\s+)?", clause):
        words = re.findall(r"\w+", tail)
        if "would" not in words and "will" not in words:
            return any(_is_past_verb(words, i) for i in range(len(words)))
    words = re.findall(r"\w+", clause)
    m = re.search(r"(?:\b(?:in|on|en|el|durante|during)\s+)$", clause)
    if not m:
        return False
    before = re.findall(r"\w+", clause[: m.start()])[-3:]
    if "to" in before or "will" in before or "would" in before:
        return False
    return bool(before) and _is_past_verb(before, len(before) - 1)


def _pick_year(anchor: dt.date, month: int, day: int | None, forward: bool, past: bool = False) -> int:
    """The year of a month (and day) named without one: the next occurrence when the sentence
    looks ahead; the last one on or before the anchor when it is told in the past (in a report of
    February 2001, "In May Fujimori won" is May 2000); otherwise the occurrence nearest the anchor
    (on 17 December, in a text of April 1997, is 1996-12-17), the past one on a tie."""

    def when(y: int) -> dt.date:
        return dt.date(y, month, min(day or 15, calendar.monthrange(y, month)[1]))

    y = anchor.year
    if forward:
        return y if when(y) >= anchor - dt.timedelta(days=0 if day else 15) else y + 1
    near = min((y - 1, y, y + 1), key=lambda c: (abs((when(c) - anchor).days), c > y))
    if past and (when(near) - anchor).days > 31:
        return near - 1  # told in the past, so not months after the document was written
    return near


# ---------------------------------------------------------------------------- handlers
# One small function for each pattern: (groups, timex, call) -> the timex with its value, or None
# when the match is not a date after all.


def _h_iso(g, t, cx):
    y, m, d = int(g["year"]), int(g["m"]), int(g["day"])
    return _day(t, dt.date(y, m, d)) if _valid_day(y, m, d) else None


def _h_full(g, t, cx):
    """mdy, dmy and the ranges of days in one month."""
    y, m, d = int(g["year"]), month_table()[g["mon"].lower()], int(g["day"])
    if not _valid_day(y, m, d):
        return None
    if g.get("day2"):
        d2 = int(g["day2"])
        if not _valid_day(y, m, d2) or d2 <= d:
            return None
        t.value = f"{y:04d}-{m:02d}-{d:02d}/{y:04d}-{m:02d}-{d2:02d}"
        t.first, t.last, t.precision = dt.date(y, m, d), dt.date(y, m, d2), "interval"
        return t
    return _day(t, dt.date(y, m, d))


def _h_dmyw(g, t, cx):
    day = int(g["dayw"]) if g["dayw"].isdigit() else spelled_number(g["dayw"])
    year = int(g["yearw"]) if g["yearw"].isdigit() else spelled_number(g["yearw"])
    m = month_table()[g["mon"].lower()]
    if not day or not year or not 1800 <= year <= 2099 or not _valid_day(year, m, day):
        return None
    return _day(t, dt.date(year, m, day))


def _h_yrange(g, t, cx):
    a, b = int(g["year"]), g["year2"]
    b = int(b) if len(b) == 4 else (a // 100) * 100 + int(b)
    if not a < b <= a + 100 or (len(g["year2"]) == 2 and not g.get("pre") and "-" not in t.text and "–" not in t.text):
        return None
    pre, sep = (g.get("pre") or "").lower(), g["sep"].lower()
    if sep in ("and", "y") and pre not in ("between", "entre"):
        return None  # "1980 y 1990": two years, not an interval
    if sep in ("a", "al", "to", "hasta") and pre in ("between", "entre"):
        return None
    t.value, t.first, t.last, t.precision = f"{a}/{b}", dt.date(a, 1, 1), dt.date(b, 12, 31), "interval"
    return t


def _h_my(g, t, cx):
    return _month(t, int(g["year"]), month_table()[g["mon"].lower()])


def _h_md(g, t, cx):
    mon = g["mon"]
    m, d = month_table()[mon.lower()], int(g["day"])
    if mon == "may" or mon.lower() in ("mar", "sun", "sat", "wed", "sep", "set", "dic") and mon.islower():
        return None
    if not 1 <= d <= 31:
        return None
    if g.get("same"):
        y = _ref_year(cx)
        if y is None:
            return _need_anchor(t, f"XXXX-{m:02d}-{d:02d}", "day")
        return _from_ref(_day(t, dt.date(y, m, d))) if _valid_day(y, m, d) else None
    if cx.anchor is None:
        y = _ref_year(cx) if cx.narrative else None
        if y is None:
            return _need_anchor(t, f"XXXX-{m:02d}-{d:02d}", "day")
        return _from_ref(_day(t, dt.date(y, m, d))) if _valid_day(y, m, d) else None
    y = _pick_year(cx.anchor, m, d, _forward(cx.text, t.start), _past(cx.text, t.start))
    if not _valid_day(y, m, d):
        return None
    return _from_dct(_day(t, dt.date(y, m, d)))


def _h_quarter(g, t, cx):
    w = _words()
    q = w["ordinals"].get((g.get("ord") or "").lower())
    if g.get("year"):
        return _quarter(t, int(g["year"]), q) if q else None
    anchor = cx.anchor
    if anchor is None:
        return _need_anchor(t, f"XXXX-Q{q or 'X'}", "quarter")
    cur = (anchor.month - 1) // 3 + 1
    y = anchor.year
    if q is None:
        rel = (g.get("qrel") or "").lower()
        q = cur - 1 if rel in ("last", "latest", "previous", "") else cur + 1 if rel == "next" else cur
        if rel == "year-ago":
            q, y = cur - 1, y - 1
    elif q > cur:
        y -= 1
    if q < 1:
        q, y = q + 4, y - 1
    if q > 4:
        q, y = q - 4, y + 1
    return _from_dct(_quarter(t, y, q))


def _h_yearago_q(g, t, cx):
    if cx.anchor is None:
        return _need_anchor(t, "XXXX-QX", "quarter")
    d = cx.anchor - dt.timedelta(days=30)
    return _from_dct(_quarter(t, d.year - 1, (d.month - 1) // 3 + 1))


def _h_yearonly(g, t, cx):
    return _year(t, int(g["year"]))


def _h_theyear(g, t, cx):
    ty = re.sub(r"\s+", " ", g["ty"].lower())
    if cx.anchor is None:
        y = _ref_year(cx) if cx.narrative and ty != "the weekend" else None
        return _from_ref(_year(t, y)) if y else _need_anchor(t, "XXXX", "year")
    _from_dct(t)
    if ty == "the weekend":
        _week(t, cx.anchor)
        t.value += "-WE"
        return t
    return _year(t, cx.anchor.year)


def _h_century(g, t, cx):
    c = int(g["cent"])
    if not 1 <= c <= 21:
        return None
    t.value, t.precision = f"{c - 1:02d}", "century"
    t.first, t.last = dt.date(max(1, (c - 1) * 100), 1, 1), dt.date(c * 100 - 1, 12, 31)
    return t


def _h_spelled(g, t, cx):
    y = _spelled_year(g["spelled"])
    return _year(t, y) if y else None


def _decade(t: Timex, y0: int) -> Timex:
    t.value, t.first, t.last, t.precision = f"{str(y0)[:3]}X", dt.date(y0, 1, 1), dt.date(y0 + 9, 12, 31), "decade"
    return t


def _h_lastdecade(g, t, cx):
    if cx.anchor is None:
        return _need_anchor(t, "XXX", "decade")
    n = {"last": -1, "past": -1, "previous": -1, "next": 1}[g["dr"].lower()]
    y0 = (cx.anchor.year // 10 + n) * 10
    _from_dct(_decade(t, y0))
    t.value = str(y0)[:3]
    return t


def _h_quarter0(g, t, cx):
    if cx.anchor is None:
        return _need_anchor(t, "XXXX-QX", "quarter")
    d = cx.anchor - dt.timedelta(days=30)
    return _from_dct(_quarter(t, d.year, (d.month - 1) // 3 + 1))


def _h_half(g, t, cx):
    y = int(g["year"])
    h = 1 if "two quarters" in t.text.lower() else _words()["ordinals"].get((g.get("ord") or "").lower(), 0)
    if h not in (1, 2):
        return None
    t.value, t.first, t.last, t.precision = f"{y}-H{h}", dt.date(y, 6 * h - 5, 1), _month_end(y, 6 * h), "half"
    return t


def _h_decade(g, t, cx):
    """ "the 1990s", "'80s", "los años 90", "la década de 1980", "los ochenta", "the nineties"."""
    if g.get("decw"):
        n = _words()["decades"].get(g["decw"].lower())
        return _decade(t, 1900 + 10 * n) if n is not None else None
    dec = g.get("dec") or g.get("decs")
    if len(dec) == 2:  # '80s, los 90
        dec = ("19" if int(dec) >= 30 else "20") + dec
    if len(dec) != 4 or not dec.endswith("0"):
        return None
    return _decade(t, int(dec))


_REL_N = {
    "this": 0,
    "current": 0,
    "este": 0,
    "esta": 0,
    "same": 0,
    "mismo": 0,
    "misma": 0,
    "last": -1,
    "past": -1,
    "previous": -1,
    "pasado": -1,
    "pasada": -1,
    "next": 1,
    "coming": 1,
    "próximo": 1,
    "próxima": 1,
}


def _h_relunit(g, t, cx):
    rel, unit = g["rel"].lower(), g["unit"].lower()
    n = _REL_N.get(rel, 0)
    anchor = cx.anchor
    if anchor is None:
        y = _ref_year(cx) if cx.narrative and unit in ("year", "año") else None
        return _from_ref(_year(t, y + n)) if y else _need_anchor(t, "XXXX", "year")
    _from_dct(t)
    if unit in ("week", "semana"):
        return _week(t, anchor + dt.timedelta(weeks=n))
    if unit == "weekend":
        _week(t, anchor + dt.timedelta(weeks=n))
        t.value += "-WE"
        return t
    if unit in ("month", "mes"):
        d = _shift(anchor, "month", n)
        return _month(t, d.year, d.month)
    if unit in ("year", "año"):
        return _year(t, anchor.year + n)
    season = _words()["seasons"].get(unit)
    if season:
        t.value, t.precision = f"{anchor.year + n}-{season}", "season"
        return t
    return None


def _h_season(g, t, cx):
    season = _words()["seasons"][g["season"].lower()]
    if g.get("year"):
        t.value, t.precision = f"{g['year']}-{season}", "season"
        y = int(g["year"])
        t.first, t.last = dt.date(y, 1, 1), dt.date(y, 12, 31)
        return t
    if not g.get("rel"):
        return None  # "spring" alone is too often not a time
    if cx.anchor is None:
        return _need_anchor(t, f"XXXX-{season}", "season")
    y = cx.anchor.year + {"this": 0, "last": -1, "next": 1}[g["rel"].lower()]
    t.value, t.precision = f"{y}-{season}", "season"
    return _from_dct(t)


def _offset(t: Timex, base: Timex | dt.date, unit: str, n: int) -> Timex:
    """BASE moved by N UNITs, at the precision of the unit (and never finer than the base)."""
    unit = unit.lower()
    if isinstance(base, Timex):
        # (a reference time has its dates: the callers take one only when it has)
        assert base.first is not None and base.last is not None
        if base.precision == "decade" and unit.startswith(("decade", "década")):
            return _decade(t, base.first.year + 10 * n)
        start = base.first if base.precision != "interval" else base.last
        prec = base.precision
    else:
        start, prec = base, "day"
    if unit.startswith(("decade", "década")):
        unit, n = "year", 10 * n
    d = _shift(start, unit, n)
    if unit.startswith(("day", "día", "week", "semana")) and prec == "day":
        return _day(t, d)
    if unit.startswith(("month", "mes", "day", "día", "week", "semana")) and prec in ("day", "month"):
        return _month(t, d.year, d.month)
    return _year(t, d.year)


def _year_after(text: str, end: int) -> int | None:
    """An explicit year in the next few words ("of the 1976 coup", "del golpe de 1992"): the
    anchor of an anniversary or of "N years after the massacre of 1985"."""
    m = re.match(
        r"(?:\s+(?:of|after|the|a|an|de|del|la|el|los|las|[\w’'-]+)){0,6}?\s+(?:in\s+|of\s+|de\s+|en\s+)?"
        r"(1[89]\d\d|20\d\d)(?![\d%])",
        text[end : end + 90],
    )
    return int(m.group(1)) if m else None


def _h_ago(g, t, cx):
    """ "two weeks ago", "hace tres años" (from the document's date); "four years later", "dos años
    después" (from the reference time); "25 years after the 1992 accords" (from the year named)."""
    n = _num(g["num"])
    if not n:
        return None
    unit = g["unit"].lower()
    d = " ".join(g.get("dir", "ago").lower().split())
    if d in ("after", "before"):
        y = _year_after(cx.text, t.end)
        if y is None or g.get("approx") or not unit.startswith(("year", "año")):
            return None  # "two weeks after someone took office": no date to count from
        return _from_ref(_year(t, y + (n if d == "after" else -n)))
    later = d in ("later", "después", "más tarde")
    if later and g.get("approx"):
        return None  # "almost two months later": not exact
    # "N years later" counts from the reference time; "a year earlier" in a dated text (news,
    # reports) from the document's date, in a narrative from the reference time.
    if later or (d in ("earlier", "antes") and cx.anchor is None):
        if cx.ref is None or cx.ref.first is None:
            return _need_anchor(t, "XXXX", "year")
        return _from_ref(_offset(t, cx.ref, unit, n if later else -n))
    if cx.anchor is None:
        return _need_anchor(t, "XXXX", "year")
    dd = _shift(cx.anchor, unit, n if later or d == "from now" else -n)
    _from_dct(t)
    if unit.startswith(("day", "día", "week", "semana")):
        return _day(t, dd)
    if unit.startswith(("month", "mes")):
        return _month(t, dd.year, dd.month)
    return _year(t, dd.year)


def _h_hace(g, t, cx):
    return _h_ago({**g, "dir": "ago"}, t, cx)


def _h_anniv(g, t, cx):
    """ "the 40th anniversary of the 1976 coup" is 2016; without the year of the event, nothing."""
    n = int(g.get("nth") or _num(g.get("num") or "") or 0)
    y = _year_after(cx.text, t.end)
    if not n or y is None or not 0 < n < 300:
        return None
    return _from_ref(_year(t, y + n))


def _h_anosde(g, t, cx):
    return _h_anniv({"num": g["num"]}, t, cx)


def _h_yearago(g, t, cx):
    if cx.anchor is None:
        return _need_anchor(t, "XXXX", "year")
    return _from_dct(_year(t, cx.anchor.year - 1))


def _h_weekday(g, t, cx):
    wd = _words()["weekdays"][g["wd"].lower()]
    if g["wd"][0].islower() and g["wd"].lower() in ("sun", "sat", "wed", "mar", "mon"):
        return None
    anchor = cx.anchor
    if anchor is None:
        return _need_anchor(t, f"XXXX-WXX-{wd + 1}", "day")
    lead = t.text.lower().split()[0]
    if lead == "next" or (lead != "last" and _forward(cx.text, t.start)):
        delta = (wd - anchor.weekday()) % 7 or 7
    else:
        delta = -((anchor.weekday() - wd) % 7 or 7) if lead == "last" or wd != anchor.weekday() else 0
    return _from_dct(_day(t, anchor + dt.timedelta(days=delta)))


_SPANISH_MONTHS = (
    "mayo",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


def _h_month(g, t, cx):
    mon, text = g["mon"], cx.text
    i = t.text.lower().find(mon.lower())
    if len(mon) <= 3 and mon.lower() != "may" and "." not in t.text[i : i + len(mon) + 1]:
        return None  # "mar", "sep", "dic" alone are words, not months
    if mon.lower() == "may":
        before = text[max(0, t.start - 12) : t.start]
        cued = (
            g.get("rel2")
            or g.get("mod")
            or g.get("ly")
            or g.get("same")
            or re.search(r"(?:in|since|until|by|of|early|late|mid|during|from)\s+$", before, re.I)
        )
        if not (mon[0].isupper() and cued):
            return None  # the verb "may"
    if not mon[0].isupper() and mon.lower() not in _SPANISH_MONTHS:
        return None
    m = month_table()[mon.lower()]
    if g.get("same"):
        y = _ref_year(cx)
        return _from_ref(_month(t, y, m)) if y else _need_anchor(t, f"XXXX-{m:02d}", "month")
    anchor = cx.anchor
    ly, rel2 = (g.get("ly") or "").lower(), (g.get("rel2") or "").lower()
    if anchor is None:
        y = _ref_year(cx) if cx.narrative and not ly and rel2 in ("", "de") else None
        return _from_ref(_month(t, y, m)) if y else _need_anchor(t, f"XXXX-{m:02d}", "month")
    if "last" in ly or "pasado" in ly or rel2 in ("last", "el pasado"):
        y = anchor.year - 1 if "year" in ly or "año" in ly else (anchor.year if m < anchor.month else anchor.year - 1)
    elif "next" in ly or rel2 == "next":
        y = anchor.year + 1 if "year" in ly else (anchor.year if m > anchor.month else anchor.year + 1)
    elif "this" in ly or rel2 == "this":
        y = anchor.year
    else:
        y = _pick_year(anchor, m, None, _forward(text, t.start), _past(text, t.start))
    return _from_dct(_month(t, y, m))


_DAY_OFFSETS = {
    "today": 0,
    "hoy": 0,
    "yesterday": -1,
    "ayer": -1,
    "anteayer": -2,
    "the day before yesterday": -2,
    "tomorrow": 1,
    "the following day": 1,
    "the next day": 1,
    "el día siguiente": 1,
    "the previous day": -1,
}


def _nowadays(text: str, start: int, end: int) -> bool:
    around = text[max(0, start - 20) : end + 25]
    return any(rx.search(around) for rx in _words()["nowadays"])


def _h_day(g, t, cx):
    dw = re.sub(r"\s+", " ", g["dw"].lower())
    if dw in ("today", "hoy") and (cx.anchor is None or _nowadays(cx.text, t.start, t.end)):
        return _ref(t, "PRESENT_REF")  # "hoy" in a text with no date, or meaning "nowadays"
    if cx.anchor is None:
        return _need_anchor(t, "XXXX-XX-XX", "day")
    t = _day(t, cx.anchor + dt.timedelta(days=_DAY_OFFSETS[dw]))
    return _from_ref(t) if cx.via_ref else _from_dct(t)


def _h_ref(g, t, cx):
    ref = re.sub(r"\s+", " ", g["ref"].lower())
    if ref in ("now", "currently", "current", "nowadays", "these days", "actualmente"):
        return _ref(t, "PRESENT_REF")
    if ref in ("recently", "recent", "lately", "the past", "recientemente", "el pasado"):
        return _ref(t, "PAST_REF")
    return _ref(t, "FUTURE_REF")


def _h_sameyear(g, t, cx):
    y = _ref_year(cx)
    if y is None:
        if cx.anchor is None:
            return _need_anchor(t, "XXXX", "year")
        return _from_dct(_year(t, cx.anchor.year))
    return _from_ref(_year(t, y))


def _h_following(g, t, cx):
    ff, unit = re.sub(r"\s+", " ", g["ff"].lower()), g["unit"].lower()
    if cx.anchor is None:
        return _need_anchor(t, "XXXX", "year")
    if ff in ("the following", "the next", "el siguiente", "al año siguiente"):
        n = 1
    else:
        n = -1 if ff == "the previous" else 0
    t.relative, t.basis = True, "ref" if cx.via_ref else "dct"
    if unit in ("year", "año"):
        return _year(t, cx.anchor.year + n)
    if unit in ("month", "mes"):
        d = _shift(cx.anchor, "month", n)
        return _month(t, d.year, d.month)
    return _week(t, cx.anchor + dt.timedelta(weeks=n))


def _h_year(g, t, cx):
    y, text = int(g["year"]), cx.text
    w = _words()
    after = text[t.end : t.end + 16].lower()
    units = r"%|percent|per cent|tons|tonnes|shares|dlrs|mln|billion|million|yen|marks|pct|barrels|bpd|cars|units"
    if re.match(rf"\s*(?:{units})", after):
        return None
    nxt = re.match(r"\s+(\w+)", after)
    if nxt and nxt.group(1) in w["count_nouns"]:
        return None  # "2000 people"
    before = text[max(0, t.start - 14) : t.start].lower()
    if _count_before_re().search(before):
        return None  # "over 2000", "más de 1500"
    return _year(t, y)


HANDLERS = {
    "ddrange": _h_full,
    "mddrange": _h_full,
    "iso": _h_iso,
    "mdy": _h_full,
    "dmy": _h_full,
    "dmyw": _h_dmyw,
    "yrange": _h_yrange,
    "my": _h_my,
    "md": _h_md,
    "dm": _h_md,
    "spelled": _h_spelled,
    "yearago_q": _h_yearago_q,
    "quarter": _h_quarter,
    "quarter0": _h_quarter0,
    "yearperiod": _h_yearonly,
    "theyear": _h_theyear,
    "century": _h_century,
    "lastdecade": _h_lastdecade,
    "half": _h_half,
    "decade": _h_decade,
    "decadew": _h_decade,
    "decada": _h_decade,
    "anosnum": _h_decade,
    "decadelos": _h_decade,
    "month": _h_month,
    "relunit": _h_relunit,
    "unitrel": _h_relunit,
    "season": _h_season,
    "ago": _h_ago,
    "hace": _h_hace,
    "after": _h_ago,
    "anniv": _h_anniv,
    "anosde": _h_anosde,
    "yearago": _h_yearago,
    "weekday": _h_weekday,
    "day": _h_day,
    "ref": _h_ref,
    "sameyear": _h_sameyear,
    "following": _h_following,
    "fiscal": _h_yearonly,
    "year": _h_year,
}

# Patterns whose value depends on no anchor: the value found while matching is the value.
_FIXED = frozenset(
    {
        "iso",
        "mdy",
        "dmy",
        "ddrange",
        "mddrange",
        "dmyw",
        "yrange",
        "my",
        "spelled",
        "yearperiod",
        "century",
        "half",
        "decade",
        "decadew",
        "decada",
        "anosnum",
        "decadelos",
        "fiscal",
        "year",
        "anniv",
        "anosde",
    }
)
# What can be a reference time for the expressions after it.
_REF_PRECISIONS = frozenset({"day", "month", "year", "season", "decade", "interval", "week"})


# ---------------------------------------------------------------------------- find

# Which cheap cue each pattern needs near a match: patterns run only in stretches of text around
# their cue (most paragraphs lack most cues), which keeps extraction cheap on long documents. A
# cue need not start where the match starts ("following day" of "the following day", "años de"
# of "a 30 años de"): the stretch begins 40 characters before it. A cue starting at a word as
# common as "the", "a" or "el" is sought at every such word ("the" and "a" were 57% of the places
# sought in 2,000 Reuters stories: 19,460 of 33,887).
_NEEDS = {
    "ddrange": r"(?:between|from|entre|del|desde)\s+(?:el\s+)?[0-3]?\d\s+(?:and|to|y|al|a|hasta)\s",
    "mddrange": r"(?:between|from)\s+[a-z]+\.?\s+[0-3]?\d\s+(?:and|to|through)\s",
    "dmyw": "month_de",
    "decada": r"décadas?",
    "anosnum": r"años\s+['’]?\d",
    "decadelos": "decadew",
    "anniv": r"anniversary|aniversario",
    "anosde": r"años\s+de",
    "sameyear": "same_year",
    "iso": "digits",
    "mdy": "month",
    "dmy": "month",
    "yrange": "digits",
    "my": "month",
    "md": "month",
    "dm": "month",
    "spelled": r"nineteen|eighteen|thousand",
    "yearago_q": r"year-",
    "quarter": r"quarter",
    "quarter0": r"quarter",
    "yearperiod": "digits",
    "theyear": r"year|weekend",
    "century": r"century",
    "lastdecade": r"decade",
    "half": "digits",
    "decade": "decade",
    "decadew": "decadew",
    "month": "month",
    "relunit": r"(?:this|last|next|past|coming|previous|current|est[ea]|pasad[oa]|próxim[oa])\s+(?:week|month|year|fall|summer|spring|winter|autumn|semana|mes|año)",
    "unitrel": r"semana|mes|año",
    "season": "season",
    "ago": r"ago|earlier|later|from\s+now|después|antes|más\s+tarde",
    "after": r"(?:years?|decades?|months?|años)\s+(?:after|before)",
    "hace": r"hace",
    "yearago": r"year\s(?:ago|earlier)|year-(?:ago|earlier)",
    "weekday": "weekday",
    "day": r"today|yesterday|tomorrow|hoy|ayer|anteayer|(?:following|next|previous)\s+day|día\s+siguiente",
    "ref": r"now|current|recent|lately|past|future|these\s+days|actualmente|recientemente|pasado",
    "following": r"(?:following|next|previous|same|that|mism[oa]|siguiente)\s+(?:year|month|week|año|mes|semana)",
    "fiscal": r"fiscal|FY",
    "year": "digits",
}


@functools.cache
def _cues() -> dict[str, re.Pattern]:
    w = _words()
    named = {
        "digits": r"(?:1[89]|20)\d\d",
        "decade": r"\d0(?:'|’)?s\b",
        "month": rf"(?<!\w)(?:{_alt(month_table())})(?!\w)",
        "weekday": rf"(?<!\w)(?:{_alt(w['weekdays'])})(?!\w)",
        "season": rf"(?<!\w)(?:{_alt(w['seasons'])})(?!\w)",
        "decadew": rf"(?<!\w)(?:{_alt(w['decades'])})",
        "month_de": rf"\bde\s+(?:{_alt(month_table())})\s+del?\s",
        "same_year": rf"(?<!\w)(?:{_alt(w['same_year_cues'])})(?!\w)",
    }
    return {
        cue: compiled.compile(named.get(cue, rf"(?<!\w)(?:{cue})"), re.IGNORECASE)
        for cue in sorted(set(_NEEDS.values()))
    }


@functools.cache
def _lower_cues() -> dict[str, tuple[re.Pattern, re.Pattern]]:
    """The cues for lowercased text (no IGNORECASE: twice as fast), each with a looser form
    without its leading lookbehind that can be scanned for quickly: where the loose form finds
    nothing, the cue finds nothing either."""
    out = {}
    for cue, rx in _cues().items():
        pattern = _lowercased(rx.pattern)  # FY, not \W
        loose = pattern[len("(?<!\\w)") :] if pattern.startswith("(?<!\\w)") else pattern
        out[cue] = (compiled.compile(pattern), compiled.compile(_LOOSE.get(cue, loose)))
    return out


# Looser forms that start with a literal, which the regex engine finds with a fast search where
# it tries a pattern starting with \d at every character: the decades' ("0s" ends every "1980s")
# took 30 ms of 2,000 Reuters stories, this one 2 ms.
_LOOSE = {"decade": r"0(?:'|’)?s\b"}


def _windows(cue: re.Pattern, text: str, before: int = 40, after: int = 70) -> list[tuple[int, int, int]]:
    """Stretches of TEXT around each cue, merged: the only places a pattern needing it can match."""
    return _merge(((m.start(), m.end()) for m in cue.finditer(text)), len(text), before, after)


def _merge(spans, size: int, before: int = 40, after: int = 70) -> list[tuple[int, int, int]]:
    """The stretches around SPANS (in text order) in a text of SIZE characters, merged: (start,
    end, the end of the last span in it). A match holds its cue, so none starts at that end or
    after it (see `_scan`)."""
    out: list[list[int]] = []
    for a, b in spans:
        lo, hi = max(0, a - before), min(size, b + after)
        if out and lo <= out[-1][1]:
            w = out[-1]
            w[1], w[2] = max(w[1], hi), max(w[2], b)
        else:
            out.append([lo, hi, b])
    return [(a, b, c) for a, b, c in out]


def _top_level(s: str):
    """(index, character) of S's regex syntax outside groups and character classes (escapes as
    one item, at the backslash)."""
    depth, i, cls = 0, 0, False
    while i < len(s):
        c = s[i]
        if c == "\\":
            if depth == 0 and not cls:
                yield i, s[i : i + 2]
            i += 2
            continue
        if cls:
            cls = c != "]"
        elif c == "[":
            cls = True
            if depth == 0:
                yield i, c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0:
            yield i, c
        i += 1


def _lead(pattern: str) -> re.Pattern | None:
    r"""The word a match of the cue PATTERN starts at, as a regex that whole word (a run of word
    characters) must match, when PATTERN is alternatives of letters after `(?<!\w)` or `\b`, each
    perhaps going on after a space or hyphen (`from\s+now`, `year-`). Every match of such a
    pattern starts at a word's first character, and the word is known from the letters before
    the first space or hyphen (all of them when the pattern ends in `(?!\w)`; a prefix of the
    word otherwise). None for any other pattern."""
    for head in ("(?<!\\w)", "\\b"):
        if pattern.startswith(head):
            body = pattern[len(head) :]
            break
    else:
        return None
    whole = body.endswith("(?!\\w)")
    if whole:
        body = body[: -len("(?!\\w)")]
    if body.startswith("(?:") and body.endswith(")") and not any(True for _ in _top_level(body)):
        body = body[3:-1]  # one group around everything
    bars = [i for i, c in _top_level(body) if c == "|"]
    leads = []
    for a, b in zip([-1, *bars], [*bars, len(body)], strict=True):
        alt = body[a + 1 : b]
        cut = next(((i, c) for i, c in _top_level(alt) if c in ("\\s", "\\ ", "-")), None)
        word = alt if cut is None else alt[: cut[0]]
        if cut is not None and alt[cut[0] + len(cut[1]) : cut[0] + len(cut[1]) + 1] in ("?", "*", "{"):
            return None  # the space may be left out: the word would go on
        if not word or not all(c.isalpha() or c in "?()[]:|" for c in word):
            return None
        leads.append(word if cut is not None or whole else word + r"\w*")
    return compiled.compile("|".join(f"(?:{x})" for x in leads))


@functools.cache
def _lead_words(lead: re.Pattern) -> list[tuple[str, bool]] | None:
    r"""The words a lead of `_lead` matches, as (letters, open): a whole word, or with open the
    letters a word starts with (the lead's `\w*`). None for a lead that is not such a list:
    `_word_cues` then scans the text for its cue as a whole. (Kept: `_word_cues` and
    `_lead_scan` both ask, with the same leads.)"""
    c = _SRE_CONSTANTS

    def words(items) -> list[tuple[str, bool]] | None:
        out = [("", False)]
        for op, av in items:
            if any(open_ for _, open_ in out):
                return None  # something after the \w*
            if op is c.LITERAL:
                options = [(chr(av), False)]
            elif op is c.IN and all(o in (c.LITERAL, c.RANGE) for o, _ in av):
                chars = [chr(a) if o is c.LITERAL else "".join(map(chr, range(a[0], a[1] + 1))) for o, a in av]
                options = [(x, False) for x in "".join(chars)]
            elif op is c.SUBPATTERN:
                found = words(av[-1])
                if found is None:
                    return None
                options = found
            elif op is c.BRANCH:
                options = []
                for alternative in av[1]:
                    found = words(alternative)
                    if found is None:
                        return None
                    options += found
            elif op is c.MAX_REPEAT and av[:2] == (0, 1):
                found = words(av[2])
                if found is None:
                    return None
                options = [("", False), *found]
            elif (
                op is c.MAX_REPEAT
                and av[:2] == (0, c.MAXREPEAT)
                and list(av[2]) == [(c.IN, [(c.CATEGORY, c.CATEGORY_WORD)])]
            ):
                options = [("", True)]
            else:
                return None
            out = [(a + b, open_) for a, _ in out for b, open_ in options]
        return out

    found = words(_SRE_PARSER.parse(lead.pattern))
    return found if found and all(w for w, _ in found) else None


@functools.cache
def _word_cues() -> tuple[list[tuple[str, re.Pattern]], list[str]]:
    """The cues of lowercased text found through the words they start at (cue, regex the word
    matches), and the others (found by scanning the text: the four digits of a year...)."""
    by_word, scanned = [], []
    for cue, (exact, _) in _lower_cues().items():
        lead = _lead(exact.pattern)
        if lead is None or _lead_words(lead) is None:
            scanned.append(cue)
        else:
            by_word.append((cue, lead))
    return by_word, scanned


@functools.cache
def _lead_scan() -> tuple[re.Pattern, re.Pattern]:
    r"""Regexes that find in lowercased text the words a cue can start at (`_word_cues`): after a
    character that is not a word's (the first regex, the word in its group 1) and at the start
    of the text (the second). The first starts with a set of characters, so the regex engine
    passes over the letters of other words without trying it there; the words are a `_trie`.
    (It replaced a Python loop over every word: `_cue_windows` took 444 M instructions on 400
    Reuters stories with it, 330 M with this; one word in eight can start a cue there.)"""
    whole: set[str] = set()
    starts: set[str] = set()
    for _, lead in _word_cues()[0]:
        for letters, open_ in _lead_words(lead) or ():
            (starts if open_ else whole).add(letters)
    body = "|".join(([rf"{_trie(starts)}\w*"] if starts else []) + ([_trie(whole)] if whole else []))
    # [^a-z0-9_] holds every character that is not a word's and is quick to test; the look-behind
    # then sets aside the letters of other alphabets it also holds
    return compiled.compile(rf"[^a-z0-9_](?<=\W)({body})(?!\w)"), compiled.compile(rf"(?:{body})(?!\w)")


_CUES_OF: dict[str, tuple[str, ...]] = {}  # word -> the cues that can start at it, for this process
_CUES_OF_MAX = 200_000


def _cue_windows(low: str) -> dict[str, list[tuple[int, int, int]]]:
    """The windows of every cue in lowercased text LOW, as `_windows` finds them: the words a cue
    can start at are found in one scan of the text (`_lead_scan`) and each looked up once (what
    cues can start at it kept for the next documents); a cue's matches are sought only at the
    words that can start them, in text order and not overlapping, as `finditer` finds them."""
    by_word, scanned = _word_cues()
    cues = _lower_cues()
    inner, first = _lead_scan()
    cache = _CUES_OF
    starts: dict[str, list[int]] = {}
    size = len(low)
    at_start = first.match(low)
    hits = [(0, at_start.group())] if at_start else []
    hits += [(m.start(1), m.group(1)) for m in inner.finditer(low)]
    for p, w in hits:
        found = cache.get(w)
        if found is None:
            if len(cache) >= _CUES_OF_MAX:
                cache.clear()
            found = cache[w] = tuple(cue for cue, lead in by_word if lead.fullmatch(w))
        for cue in found:
            if cue in starts:
                starts[cue].append(p)
            else:
                starts[cue] = [p]
    out: dict[str, list[tuple[int, int, int]]] = dict.fromkeys(cues, [])
    for cue, at in starts.items():
        exact = cues[cue][0]
        spans, end = [], 0
        for p in at:
            if p >= end:
                hit = exact.match(low, p)
                if hit:
                    spans.append(hit.span())
                    end = hit.end()
        out[cue] = _merge(spans, size)
    for cue in scanned:
        exact, loose = cues[cue]
        out[cue] = _windows(exact, low) if loose.search(low) else []
    return out


# What `_lowercased` keeps as it is: an escape (`\\W`, `\\S`), a group's name.
_KEPT_CASE = re.compile(r"\\.?|\(\?P<[^>]*>|\(\?P=[^)]*\)", re.DOTALL)


def _lowercased(pattern: str) -> str:
    """PATTERN for lowercased text: its letters in lower case, escapes (`\\W`, `\\S`) and group
    names as they are."""
    out, at = [], 0
    for m in _KEPT_CASE.finditer(pattern):
        out.append(pattern[at : m.start()].lower())
        out.append(m.group())
        at = m.end()
    out.append(pattern[at:].lower())
    return "".join(out)


@functools.cache
def _lower_patterns() -> list[tuple[str, re.Pattern]]:
    """The patterns, for lowercased text and without IGNORECASE (about twice as fast): on text
    whose characters `_folds_as_lower` accepts, they match where the patterns match the text."""
    return [(name, compiled.compile(_lowercased(source))) for name, source in _sources()]


@functools.cache
def _letters() -> str:
    """Every letter the patterns name (and a to z, for their ranges)."""
    return "".join(
        sorted(
            {c for _, source in _sources() for c in source.lower() if c.isalpha()} | set("abcdefghijklmnopqrstuvwxyz")
        )
    )


_AS_LOWER: dict[str, bool] = {}  # character -> does IGNORECASE treat it as its lower case does?


def _as_lower(c: str) -> bool:
    """Does an IGNORECASE pattern match C where the same pattern in lower case matches C's lower
    case? Not so for a character with more than one lower-case partner ('ſ' matches 's', but
    is its own lower case), nor one whose lower case is longer or of another kind."""
    ok = _AS_LOWER.get(c)
    if ok is None:
        low = c.lower()
        letters, kinds = _probes()
        ok = (
            len(low) == 1
            and all((rx.fullmatch(c) is not None) == (low == x) for x, rx in letters)
            and all((rx.fullmatch(c) is not None) == (lower.fullmatch(low) is not None) for rx, lower in kinds)
        )
        _AS_LOWER[c] = ok
    return ok


@functools.cache
def _probes() -> tuple[list[tuple[str, re.Pattern]], list[tuple[re.Pattern, re.Pattern]]]:
    """What `_as_lower` tries a character with, compiled once: each letter the patterns name,
    ignoring case; and \\w, \\d, \\s, [a-z], ignoring case and not."""
    letters = [(x, re.compile(re.escape(x), re.IGNORECASE)) for x in _letters()]
    kinds = [(re.compile(k, re.IGNORECASE), re.compile(k)) for k in (r"\w", r"\d", r"\s", "[a-z]")]
    return letters, kinds


def _folds_as_lower(text: str) -> bool:
    """Can the patterns run on TEXT lowercased instead of ignoring case (same matches)?"""
    if text.isascii():
        return _ascii_as_lower()
    return all(_as_lower(c) for c in set(text))


@functools.cache
def _ascii_as_lower() -> bool:
    return all(_as_lower(chr(i)) for i in range(128))


@functools.cache
def _lower_start_chars() -> dict[str, frozenset[str] | None]:
    """For each pattern of `_lower_patterns`, what its matches start with (`word_start_chars`):
    None for those that may start elsewhere than at a word ("'90s")."""
    return {name: word_start_chars(rx.pattern, rx.flags) for name, rx in _lower_patterns()}


@functools.cache
def _start_chars() -> dict[str, frozenset[str] | None]:
    """The same, for `_patterns` (ignoring case)."""
    return {name: word_start_chars(rx.pattern, rx.flags) for name, rx in _patterns()}


_WORD_RUN = re.compile(r"\w+")


def _word_starts(text: str, spans: list[tuple[int, int, int]]) -> list[list[int]]:
    """In each window of SPANS, the words of TEXT that start before the end of its last cue (and
    the window's start, when a word runs across it)."""
    return [[m.start() for m in _WORD_RUN.finditer(text, lo, last)] for lo, _, last in spans]


def _scan(rx: re.Pattern, text: str, spans: list[tuple[int, int, int]], starts: list[list[int]], chars: frozenset[str]):
    """The matches `rx.finditer` finds in each window of SPANS, tried only at STARTS (from
    `_word_starts`) whose character is in CHARS or outside ASCII, for a pattern whose matches
    start there (`word_start_chars`) and hold its cue. The regex engine would try it at every
    character of a window, and most cannot start a match: inside a word, or after the window's
    last cue, where the 70 characters a window keeps for the end of a match are most of it."""
    for (_, hi, _), at in zip(spans, starts, strict=True):
        end = 0
        for p in at:
            if p >= end and (text[p] in chars or text[p] > "\x7f"):
                m = rx.match(text, p, hi)
                if m is not None:
                    yield m
                    end = m.end()  # (never empty: a pattern that starts at words consumes one)


def _match(text: str, lowered: bool | None = None, everywhere: bool = False) -> list[tuple]:
    """Every pattern's matches, longest first where they overlap: (pattern, groups, start, end,
    the value when it depends on no anchor). A match whose value the pattern's handler refuses (the
    verb "may", a count) leaves its text to the patterns after it.

    For the tests, which hold the shortcuts to what they stand for: LOWERED False runs the
    patterns ignoring case on the text, never on its lower case (True: on its lower case even
    where `_folds_as_lower` refuses); EVERYWHERE runs each pattern at every character (`finditer`),
    not only at the words its matches can start at, and, in text whose lower case keeps its
    length, on the whole text, not only in its cue's windows."""
    out: list[tuple] = []
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer: offsets would shift
        windows = {cue: _windows(rx, text) for cue, rx in _cues().items()}
        patterns, seen, first = _patterns(), text, _start_chars()
    else:
        windows = {cue: [(0, len(text), len(text))] for cue in _lower_cues()} if everywhere else _cue_windows(low)
        if not any(windows.values()):
            return out
        if _folds_as_lower(text) if lowered is None else lowered:
            patterns, seen, first = _lower_patterns(), low, _lower_start_chars()
        else:
            patterns, seen, first = _patterns(), text, _start_chars()
    if everywhere:
        first = dict.fromkeys(first)
    taken = [False] * (len(text) + 1)
    probe = _Call(text, None, None, False)  # validity only: no anchor, so nothing is computed twice
    starts: dict[str, list[list[int]]] = {}  # cue -> in each of its windows, where a match can start
    for name, rx in patterns:
        cue = _NEEDS[name]
        spans = windows[cue]
        if not spans:
            continue  # (most patterns, in most paragraphs)
        chars = first[name]
        if chars is not None:
            at = starts.get(cue)
            if at is None:
                at = starts[cue] = _word_starts(seen, spans)
            found = _scan(rx, seen, spans, at, chars)
        else:
            found = (m for lo, hi, _ in spans for m in rx.finditer(seen, lo, hi))
        for m in found:
            a, b = m.start(), m.end()
            while b > a and text[b - 1] in " ,.":
                b -= 1
            if any(taken[a:b]):
                continue
            # the groups as the text writes them ("may", the verb, is not "May")
            g = {k: text[m.start(k) : m.end(k)] for k, v in m.groupdict().items() if v is not None}
            try:
                ok = HANDLERS[name](g, Timex(a, b, text[a:b], ""), probe)
            except (ValueError, KeyError, OverflowError):
                ok = None
            if ok is None or not ok.value:
                continue
            out.append((name, g, a, b, ok if name in _FIXED else None))
            for i in range(a, b):
                taken[i] = True
    out.sort(key=lambda x: x[2])
    return out


def find(
    text: str, anchor: dt.date | None = None, *, follow: bool = True, ctx: Context | None = None, ranges: bool = True
) -> list[Timex]:
    """Every temporal expression of TEXT, in order, longest first where they overlap.

    ANCHOR is the document's date. Expressions are resolved in text order against CTX (a new one
    when not given; pass one Context through a document's paragraphs so that the reference time
    carries on): anaphoric ones ("that year", "the following month", "four years later", and a
    month or day without a year in a text with no date of its own) against the last date the text
    gave, deictic ones against ANCHOR. Without FOLLOW, the reference time is never used. With
    RANGES, ranges ("between X and Y", "X – Y") are joined into one interval (without, their two
    ends stay two expressions, as TimeML marks them); decades listed after a decade ("las décadas
    de 1980 y 1990") are decades."""
    cx = ctx if ctx is not None else Context(dct=anchor)
    dct = anchor if anchor is not None else cx.dct
    found: list[Timex] = []
    for name, g, a, b, fixed in _match(text):
        if fixed is not None:
            found.append(fixed)
            if follow and fixed.first is not None and fixed.precision in _REF_PRECISIONS:
                cx.ref = fixed
            continue
        t = Timex(a, b, text[a:b], "")
        ref = cx.ref if follow else None
        call = _Call(text, dct, ref, dct is None)
        follows = name == "following" or (
            name == "day" and re.search(r"following|next\s+day|previous|siguiente", t.text, re.I) is not None
        )
        if follows and ref is not None and ref.first is not None and ref.precision != "interval":
            call = _Call(text, ref.first, ref, dct is None, via_ref=True)
        try:
            r = HANDLERS[name](g, t, call)
        except (ValueError, KeyError, OverflowError):
            r = None
        if r is None or not r.value:
            continue
        found.append(r)
        if follow and r.first is not None and not r.unresolved and r.basis != "dct" and r.precision in _REF_PRECISIONS:
            cx.ref = r
    return _join_lists(text, _join_ranges(text, found) if ranges else found)


_RANGE_PRE = re.compile(r"(?:^|(?<=\W))(?P<pre>between|from|entre|desde|del|de)\s+(?:el\s+|the\s+)?$", re.I)
_RANGE_SEP = re.compile(
    r"\s*(?P<sep>and|to|through|until|till|-|–|—|y|al|a|hasta)\s+(?:el\s+|the\s+)?|\s*(?P<dash>[-–—])\s*", re.I
)
_CALENDAR = ("day", "month", "year")


def _join_ranges(text: str, found: list[Timex]) -> list[Timex]:
    """ "October 1991 – November 1992", "entre mayo de 1980 y noviembre de 2000", "between September
    30 and October 22, 1973", "13 de julio de 2001-28 de agosto de 2003": one interval at the
    precision written. "X and Y" without "between" stays two dates (a list)."""
    out: list[Timex] = []
    i = 0
    while i < len(found):
        t1 = found[i]
        t2 = found[i + 1] if i + 1 < len(found) else None
        joined = _range(text, t1, t2) if t2 is not None else None
        if joined is not None:
            out.append(joined)
            i += 2
        else:
            out.append(t1)
            i += 1
    return out


def _range(text: str, t1: Timex, t2: Timex) -> Timex | None:
    if t1.precision not in _CALENDAR or t2.precision not in _CALENDAR or t2.unresolved:
        return None
    if t2.first is None or t2.last is None:
        return None
    m = _RANGE_SEP.fullmatch(text, t1.end, t2.start)
    if not m:
        return None
    sep = (m.group("sep") or m.group("dash")).lower()
    pre = _RANGE_PRE.search(text, max(0, t1.start - 12), t1.start)
    p = pre.group("pre").lower() if pre else ""
    if sep in ("and", "y") and p not in ("between", "entre"):
        return None  # a list of two dates
    if sep == "a" and p not in ("de", "desde", "del"):
        return None
    if p == "" and sep in ("to", "until", "till", "hasta", "al") and t1.precision != t2.precision:
        return None
    first = t1.first
    if t1.unresolved or t1.relative:  # "September 30" takes the year of "October 22, 1973"
        mm = re.search(r"XXXX-(\d\d)(?:-(\d\d))?$", t1.value) if t1.unresolved else None
        if mm:
            month, day = int(mm.group(1)), (int(mm.group(2)) if mm.group(2) else None)
        elif t1.first is not None:
            month, day = t1.first.month, (t1.first.day if t1.precision == "day" else None)
        else:
            return None  # no month to take the year for ("Monday" with no date to count from)
        y = t2.first.year if (month, day or 1) <= (t2.first.month, t2.first.day) else t2.first.year - 1
        if day is not None and not _valid_day(y, month, day):
            return None
        first = dt.date(y, month, day or 1)
        v1 = first.isoformat() if day is not None else f"{y:04d}-{month:02d}"
    else:
        v1 = t1.value
    if first is None or first > t2.last:
        return None
    a = pre.start("pre") if pre else t1.start
    t = Timex(a, t2.end, text[a : t2.end], f"{v1}/{t2.value}", first, t2.last, "interval")
    return t


_LIST_SEP = re.compile(r"\s*(?:,|and|y|or|o)\s+(?:the\s+|los\s+|las\s+|la\s+|de\s+)?", re.I)


def _join_lists(text: str, found: list[Timex]) -> list[Timex]:
    """A year listed right after a decade is a decade too: "las décadas de 1980 y 1990" = 198X, 199X."""
    for t1, t2 in pairwise(found):
        if (
            t1.precision == "decade"
            and t2.precision == "year"
            and t2.value.endswith("0")
            and t2.first is not None
            and _LIST_SEP.fullmatch(text, t1.end, t2.start)
        ):
            _decade(t2, t2.first.year)
    return found


def timebank(text: str, dct: dt.date | None):
    """For timex_eval.py: `--system perucases.extract.timex:timebank`. TimeML (TimeBank's
    annotation) marks the two ends of a range as two TIMEX3 expressions, so ranges are not joined."""
    return [t.as_scored() for t in find(text, dct, ranges=False)]
