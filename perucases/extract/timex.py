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
import re
from dataclasses import dataclass

from perucases.dates import month_table
from perucases.resources import data_toml


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

    def as_scored(self) -> dict:
        return {"start": self.start, "end": self.end, "value": self.value}


# ---------------------------------------------------------------------------- vocabulary


@functools.lru_cache(maxsize=None)
def _words() -> dict:
    d = data_toml("timex.toml")
    wd = {}
    for lang in d["weekdays"].values():
        for i, forms in enumerate(lang):
            for f in forms:
                wd[f] = i
    return {"weekdays": wd, "numbers": d["numbers"], "decades": d["decades"], "ordinals": d["ordinals"],
            "seasons": d["seasons"], "future": frozenset(d["future_cues"])}


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.lru_cache(maxsize=None)
def _patterns() -> list[tuple[str, re.Pattern]]:
    w = _words()
    MON = rf"(?P<mon>{_alt(month_table())})\.?"
    WD = rf"(?:(?P<wd>{_alt(w['weekdays'])})\.?,?\s+)"
    D = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    D2 = r"(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?"
    Y = r"(?P<year>1[89]\d\d|20\d\d)"
    Y2 = r"(?P<year2>1[89]\d\d|20\d\d|\d\d)"
    NUM = rf"(?P<num>\d+|{_alt(w['numbers'])})"
    UNIT = r"(?P<unit>day|week|month|year|decade|quarter|día|semana|mes|año)s?(?:es)?"
    ORD = rf"(?P<ord>{_alt(w['ordinals'])})"
    SEASON = rf"(?P<season>{_alt(w['seasons'])})"
    DEC = rf"(?P<decw>{_alt(w['decades'])})"
    MOD = r"(?:(?P<mod>early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+middle\s+of|principios\s+de|mediados\s+de|fines\s+de|finales\s+de)[\s-]+)?"
    REL = r"(?P<rel>this|last|next|past|coming|previous|current|este|esta|pasado|pasada|próximo|próxima)"
    P = [
        # full dates
        ("iso", r"(?<![\d-])(?P<year>1[89]\d\d|20\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)(?![\d-])"),
        ("mdy", rf"{WD}?{MON}\s+{D}(?:\s*[-–]\s*{D2})?,?\s+{Y}(?!\d)"),
        ("dmy", rf"{WD}?(?:el\s+)?{D}(?:\s*[-–]\s*{D2})?\s+(?:de\s+|of\s+)?{MON}\s*,?\s+(?:de(?:l)?\s+)?{Y}(?!\d)"),
        # ranges of years
        ("yrange", rf"(?:(?P<pre>from|between|entre|de|desde)\s+)?(?<![\d$.,])(?P<year>1[89]\d\d|20\d\d)\s*(?:[-–/]|to|and|y|a|al|hasta)\s*{Y2}(?![\d%,.]\d)"),
        # month and year
        ("my", rf"{MOD}{MON}\s*,?\s+(?:of\s+|de(?:l)?\s+)?{Y}(?!\d)"),
        # day and month, no year
        ("md", rf"{WD}?{MON}\s+{D}(?:\s*[-–]\s*{D2})?(?![\d,]*\s*\d{{4}})(?!\d)"),
        ("dm", rf"{WD}?(?:el\s+)?{D}(?:\s*[-–]\s*{D2})?\s+(?:de\s+|of\s+)?{MON}(?!\w)"),
        # quarters and halves
        ("spelled", r"(?:the\s+year\s+)?(?P<spelled>(?:nineteen|eighteen)[\s-]+(?:(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?)|two\s+thousand(?:\s+(?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten))?)"),
        ("yearago_q", r"the\s+year-(?:earlier|ago)\s+(?:quarter|period)"),
        ("quarter", rf"(?:the\s+(?=\w+\s))?(?:this\s+year's\s+)?(?:fiscal\s+)?(?:{ORD}|(?P<qrel>this|last|next|latest|previous|current|year-ago|same))[\s-]+(?:fiscal\s+)?quarters?(?:\s+of\s+(?:fiscal\s+)?{Y})?"),
        ("quarter0", r"the\s+(?:latest\s+|current\s+|recent\s+)?quarter(?![\s-]+(?:of|point))"),
        ("yearperiod", rf"the\s+{Y}\s+(?:period|quarter|fiscal\s+year)"),
        ("theyear", r"(?P<ty>the\s+(?:full\s+|fiscal\s+|current\s+|latest\s+fiscal\s+)?year|the\s+weekend|the\s+end\s+of\s+the\s+year|year[- ]end)(?![\s-]+(?:earlier|ago|before|after|later|of\b|-))"),
        ("century", r"(?:the\s+)?(?P<cent>\d{1,2})(?:st|nd|rd|th)\s+century"),
        ("lastdecade", r"the\s+(?P<dr>last|past|next|previous)\s+decade"),
        ("half", rf"(?:the\s+)?(?:{ORD}|first\s+two\s+quarters)\s+(?:half\s+)?(?:of\s+)?(?:fiscal\s+)?{Y}"),
        # decades
        ("decade", rf"(?:the\s+)?{MOD}(?:'|’)?(?P<dec>(?:1[89]|20)?\d0)(?:'|’)?s\b"),
        ("decadew", rf"(?:(?:los\s+)?años\s+|the\s+){DEC}"),
        # named months alone
        ("month", rf"{MOD}(?:(?P<rel2>last|next|this|el\s+pasado|de)\s+)?{MON}(?:\s+(?P<ly>last\s+year|next\s+year|this\s+year|del\s+año\s+pasado))?"),
        # relative spans: this/last/next week, month, year, quarter, season
        ("relunit", rf"(?:the\s+(?=past|coming|previous|current|same))?{REL}\s+(?P<unit>week|weekend|month|year|fall|summer|spring|winter|autumn|semana|mes|año)(?!-)"),
        ("unitrel", rf"(?:el|la)\s+(?P<unit>semana|mes|año)\s+{REL}"),
        ("season", rf"(?:(?P<rel>this|last|next)\s+)?{SEASON}(?:\s+(?:of\s+|de\s+)?{Y})?"),
        # N units ago / earlier / later
        ("ago", rf"(?:(?:about|almost|nearly|more\s+than|some|just|only)\s+)?{NUM}\s+{UNIT}\s+(?P<dir>ago|earlier|later|from\s+now)"),
        ("hace", rf"hace\s+{NUM}\s+{UNIT}"),
        ("yearago", r"(?:(?P<a>a)\s+)?year[\s-](?:ago|earlier)"),
        # weekdays (with a part of the day)
        ("weekday", rf"(?:(?:last|next|this|earlier|later|late|early)\s+)?(?P<wd>{_alt(w['weekdays'])})(?:\s+(?P<part>morning|afternoon|evening|night|por\s+la\s+(?:mañana|tarde|noche)))?"),
        # days and references
        ("day", r"(?:(?:late|early)\s+)?(?P<dw>today|yesterday|tomorrow|hoy|ayer|anteayer|the\s+day\s+before\s+yesterday|the\s+following\s+day|the\s+next\s+day|the\s+previous\s+day|el\s+día\s+siguiente)"),
        ("ref", r"(?P<ref>now|currently|current(?=\s+(?:year|quarter|period|month|week))|nowadays|recently|recent\s+(?:days|weeks|months|years)|lately|the\s+past|the\s+future|these\s+days|actualmente|recientemente|en\s+el\s+futuro|el\s+pasado)"),
        ("following", r"(?P<ff>the\s+following|the\s+next|the\s+previous|the\s+same|that|el\s+mismo|la\s+misma|el\s+siguiente|al\s+año\s+siguiente)\s+(?P<unit>year|month|week|año|mes|semana)"),
        ("fiscal", rf"(?:fiscal|FY)\s*{Y}"),
        ("year", r"(?:(?:early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+middle\s+of|fines\s+de|principios\s+de|mediados\s+de)[\s-]+)?(?<![\d$£€.,/#-])(?P<year>1[89]\d\d|20\d\d)(?![\d%]|,\d|\.\d|-\d)"),
    ]
    return [(name, re.compile(rf"(?<!\w){p}(?!\w)", re.IGNORECASE)) for name, p in P]


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


def _forward(text: str, start: int) -> bool:
    """Does the sentence before START speak of the future ("will", "next", "scheduled")?"""
    head = text[max(0, start - 80) : start]
    head = re.split(r"[.!?;]\s", head)[-1].lower()
    return any(re.search(rf"(?<!\w){re.escape(c)}(?!\w)", head) for c in _words()["future"])


def _pick_year(anchor: dt.date, month: int, day: int | None, forward: bool) -> int:
    """The year of a month (and day) named without one: the occurrence nearest the anchor (on
    17 December, in a text of April 1997, is 1996-12-17), the past one on a tie; the next one
    when the sentence looks ahead."""
    def when(y: int) -> dt.date:
        return dt.date(y, month, min(day or 15, calendar.monthrange(y, month)[1]))

    y = anchor.year
    if forward:
        return y if when(y) >= anchor - dt.timedelta(days=0 if day else 15) else y + 1
    return min((y - 1, y, y + 1), key=lambda c: (abs((when(c) - anchor).days), c > y))


_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                      "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}


def _spelled_year(s: str) -> int | None:
    """"nineteen ninety-six" -> 1996, "two thousand" -> 2000, "two thousand and one" -> 2001."""
    words = re.split(r"[\s-]+", s.lower().replace(" and ", " "))
    if words[:2] == ["two", "thousand"]:
        return 2000 + sum(_UNITS.get(w, 0) for w in words[2:])
    if words[0] in ("nineteen", "eighteen"):
        rest = words[1:]
        n = _TENS.get(rest[0], _UNITS.get(rest[0], 0)) + (sum(_UNITS.get(w, 0) for w in rest[1:]) if rest[0] in _TENS else 0)
        return (1900 if words[0] == "nineteen" else 1800) + n
    return None


def _resolve(name: str, g: dict, t: Timex, text: str, anchor: dt.date | None) -> Timex | None:
    months = month_table()
    w = _words()

    def need_anchor(partial: str, precision: str) -> Timex:
        t.value, t.precision, t.unresolved = partial, precision, True
        return t

    if name == "iso":
        y, m, d = int(g["year"]), int(g["m"]), int(g["day"])
        return _day(t, dt.date(y, m, d)) if _valid_day(y, m, d) else None
    if name in ("mdy", "dmy"):
        y, m, d = int(g["year"]), months[g["mon"].lower()], int(g["day"])
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
    if name == "yrange":
        a, b = int(g["year"]), g["year2"]
        b = int(b) if len(b) == 4 else (a // 100) * 100 + int(b)
        if not a < b <= a + 100 or (len(g["year2"]) == 2 and not g.get("pre") and "-" not in t.text and "–" not in t.text):
            return None
        t.value, t.first, t.last, t.precision = f"{a}/{b}", dt.date(a, 1, 1), dt.date(b, 12, 31), "interval"
        return t
    if name == "my":
        return _month(t, int(g["year"]), months[g["mon"].lower()])
    if name in ("md", "dm"):
        m, d = months[g["mon"].lower()], int(g["day"])
        if g["mon"] == "may" or g["mon"].lower() in ("mar", "sun", "sat", "wed", "sep", "set", "dic") and g["mon"].islower():
            return None
        if not 1 <= d <= 31:
            return None
        if anchor is None:
            return need_anchor(f"XXXX-{m:02d}-{d:02d}", "day")
        y = _pick_year(anchor, m, d, _forward(text, t.start))
        if not _valid_day(y, m, d):
            return None
        t.relative = True
        return _day(t, dt.date(y, m, d))
    if name == "quarter":
        q = w["ordinals"].get((g.get("ord") or "").lower())
        if g.get("year"):
            return _quarter(t, int(g["year"]), q) if q else None
        if anchor is None:
            return need_anchor(f"XXXX-Q{q or 'X'}", "quarter")
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
        t.relative = True
        return _quarter(t, y, q)
    if name == "yearago_q":
        if anchor is None:
            return need_anchor("XXXX-QX", "quarter")
        d = anchor - dt.timedelta(days=30)
        t.relative = True
        return _quarter(t, d.year - 1, (d.month - 1) // 3 + 1)
    if name == "yearperiod":
        return _year(t, int(g["year"]))
    if name == "theyear":
        ty = re.sub(r"\s+", " ", g["ty"].lower())
        if anchor is None:
            return need_anchor("XXXX", "year")
        t.relative = True
        if ty == "the weekend":
            _week(t, anchor)
            t.value += "-WE"
            return t
        return _year(t, anchor.year)
    if name == "century":
        c = int(g["cent"])
        if not 1 <= c <= 21:
            return None
        t.value, t.precision = f"{c - 1:02d}", "century"
        t.first, t.last = dt.date(max(1, (c - 1) * 100), 1, 1), dt.date(c * 100 - 1, 12, 31)
        return t
    if name == "spelled":
        y = _spelled_year(g["spelled"])
        return _year(t, y) if y else None
    if name == "lastdecade":
        if anchor is None:
            return need_anchor("XXX", "decade")
        n = {"last": -1, "past": -1, "previous": -1, "next": 1}[g["dr"].lower()]
        y0 = (anchor.year // 10 + n) * 10
        t.relative = True
        t.value, t.first, t.last, t.precision = str(y0)[:3], dt.date(y0, 1, 1), dt.date(y0 + 9, 12, 31), "decade"
        return t
    if name == "quarter0":
        if anchor is None:
            return need_anchor("XXXX-QX", "quarter")
        d = anchor - dt.timedelta(days=30)
        t.relative = True
        return _quarter(t, d.year, (d.month - 1) // 3 + 1)
    if name == "half":
        y = int(g["year"])
        h = 1 if "two quarters" in t.text.lower() else w["ordinals"].get((g.get("ord") or "").lower(), 0)
        if h not in (1, 2):
            return None
        t.value, t.first, t.last, t.precision = f"{y}-H{h}", dt.date(y, 6 * h - 5, 1), _month_end(y, 6 * h), "half"
        return t
    if name in ("decade", "decadew"):
        if name == "decade":
            dec = g["dec"]
            if len(dec) == 2:  # '80s
                dec = ("19" if int(dec) >= 30 else "20") + dec
            if len(dec) != 4:
                return None
            y0 = int(dec)
        else:
            n = w["decades"].get(g["decw"].lower())
            if n is None:
                return None
            y0 = 1900 + 10 * n
        t.value, t.first, t.last, t.precision = f"{str(y0)[:3]}X", dt.date(y0, 1, 1), dt.date(y0 + 9, 12, 31), "decade"
        return t
    if name in ("relunit", "unitrel"):
        rel = g["rel"].lower()
        unit = g["unit"].lower()
        if anchor is None:
            return need_anchor("XXXX", "year")
        n = {"this": 0, "current": 0, "este": 0, "esta": 0, "same": 0, "mismo": 0, "misma": 0,
             "last": -1, "past": -1, "previous": -1, "pasado": -1, "pasada": -1,
             "next": 1, "coming": 1, "próximo": 1, "próxima": 1}.get(rel, 0)
        t.relative = True
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
        season = w["seasons"].get(unit)
        if season:
            y = anchor.year + n
            t.value, t.precision = f"{y}-{season}", "season"
            return t
        return None
    if name == "season":
        season = w["seasons"][g["season"].lower()]
        if g.get("year"):
            t.value, t.precision = f"{g['year']}-{season}", "season"
            return t
        if not g.get("rel"):
            return None  # "spring" alone is too often not a time
        if anchor is None:
            return need_anchor(f"XXXX-{season}", "season")
        y = anchor.year + {"this": 0, "last": -1, "next": 1}[g["rel"].lower()]
        t.value, t.precision, t.relative = f"{y}-{season}", "season", True
        return t
    if name in ("ago", "hace"):
        n = _num(g["num"])
        if not n:
            return None
        unit = g["unit"].lower()
        direction = -1 if name == "hace" or g.get("dir", "").lower() in ("ago", "earlier") else 1
        if anchor is None:
            return need_anchor("XXXX", "year")
        d = _shift(anchor, unit, direction * n)
        t.relative = True
        if unit.startswith(("day", "día", "week", "semana")):
            return _day(t, d)
        if unit.startswith(("month", "mes")):
            return _month(t, d.year, d.month)
        return _year(t, d.year)
    if name == "yearago":
        if anchor is None:
            return need_anchor("XXXX", "year")
        t.relative = True
        return _year(t, anchor.year - 1)
    if name == "weekday":
        wd = w["weekdays"][g["wd"].lower()]
        if g["wd"][0].islower() and g["wd"].lower() in ("sun", "sat", "wed", "mar", "mon"):
            return None
        if anchor is None:
            return need_anchor(f"XXXX-WXX-{wd + 1}", "day")
        lead = t.text.lower().split()[0]
        if lead == "next" or (lead != "last" and _forward(text, t.start)):
            delta = (wd - anchor.weekday()) % 7 or 7
        else:
            delta = -((anchor.weekday() - wd) % 7 or 7) if lead == "last" or wd != anchor.weekday() else 0
        t.relative = True
        return _day(t, anchor + dt.timedelta(days=delta))
    if name == "month":
        mon = g["mon"]
        if len(mon) <= 3 and "." not in t.text[t.text.lower().find(mon.lower()) : t.text.lower().find(mon.lower()) + len(mon) + 1]:
            return None  # "mar", "sep", "dic" alone are words, not months
        if mon.lower() == "may" and not (mon[0].isupper() and (g.get("rel2") or g.get("mod") or g.get("ly")
                                                                or re.search(r"(?:in|since|until|by|of|early|late|mid|during|from)\s+$", text[max(0, t.start - 12) : t.start], re.I))):
            return None  # the verb "may"
        if not mon[0].isupper() and mon.lower() not in ("mayo", "enero", "febrero", "marzo", "abril", "junio", "julio",
                                                          "agosto", "septiembre", "setiembre", "octubre", "noviembre", "diciembre"):
            return None
        m = months[mon.lower()]
        if anchor is None:
            return need_anchor(f"XXXX-{m:02d}", "month")
        ly = (g.get("ly") or "").lower()
        rel2 = (g.get("rel2") or "").lower()
        if "last" in ly or "pasado" in ly or rel2 in ("last", "el pasado"):
            y = anchor.year - 1 if "year" in ly or "año" in ly else (anchor.year if m < anchor.month else anchor.year - 1)
        elif "next" in ly or rel2 == "next":
            y = anchor.year + 1 if "year" in ly else (anchor.year if m > anchor.month else anchor.year + 1)
        elif "this" in ly or rel2 == "this":
            y = anchor.year
        else:
            y = _pick_year(anchor, m, None, _forward(text, t.start))
        t.relative = True
        return _month(t, y, m)
    if name == "day":
        dw = re.sub(r"\s+", " ", g["dw"].lower())
        off = {"today": 0, "hoy": 0, "yesterday": -1, "ayer": -1, "anteayer": -2, "the day before yesterday": -2,
               "tomorrow": 1, "the following day": 1, "the next day": 1, "el día siguiente": 1, "the previous day": -1}[dw]
        if anchor is None:
            return need_anchor("XXXX-XX-XX", "day")
        t.relative = True
        return _day(t, anchor + dt.timedelta(days=off))
    if name == "ref":
        ref = re.sub(r"\s+", " ", g["ref"].lower())
        if ref in ("now", "currently", "current", "nowadays", "these days", "actualmente"):
            return _ref(t, "PRESENT_REF")
        if ref in ("recently", "recent", "lately", "the past", "recientemente", "el pasado"):
            return _ref(t, "PAST_REF")
        return _ref(t, "FUTURE_REF")
    if name == "following":
        ff, unit = re.sub(r"\s+", " ", g["ff"].lower()), g["unit"].lower()
        if anchor is None:
            return need_anchor("XXXX", "year")
        n = 1 if ff in ("the following", "the next", "el siguiente", "al año siguiente") else -1 if ff == "the previous" else 0
        t.relative = True
        if unit in ("year", "año"):
            return _year(t, anchor.year + n)
        if unit in ("month", "mes"):
            d = _shift(anchor, "month", n)
            return _month(t, d.year, d.month)
        return _week(t, anchor + dt.timedelta(weeks=n))
    if name == "fiscal":
        return _year(t, int(g["year"]))
    if name == "year":
        y = int(g["year"])
        after = text[t.end : t.end + 12].lower()
        if re.match(r"\s*(?:%|percent|per cent|tons|tonnes|shares|dlrs|mln|billion|million|yen|marks|pct|barrels|bpd|cars|units|people)", after):
            return None
        return _year(t, y)
    return None


# ---------------------------------------------------------------------------- find

# Which cheap cue each pattern needs near a match: patterns run only in stretches of text around
# their cue (most paragraphs lack most cues), which keeps extraction cheap on long documents.
_NEEDS = {
    "iso": "digits", "mdy": "month", "dmy": "month", "yrange": "digits", "my": "month", "md": "month",
    "dm": "month", "spelled": r"nineteen|eighteen|thousand", "yearago_q": r"year-", "quarter": r"quarter",
    "quarter0": r"quarter", "yearperiod": "digits", "theyear": r"year|weekend", "century": r"century",
    "lastdecade": r"decade", "half": "digits", "decade": "decade", "decadew": "decadew", "month": "month",
    "relunit": r"this|last|next|past|coming|previous|current|same|est[ea]|pasad[oa]|próxim[oa]|mism[oa]",
    "unitrel": r"semana|mes|año", "season": "season", "ago": r"ago|earlier|later|from\s+now",
    "hace": r"hace", "yearago": r"year", "weekday": "weekday",
    "day": r"today|yesterday|tomorrow|hoy|ayer|anteayer|the\s+(?:following|next|previous)\s+day|día\s+siguiente",
    "ref": r"now|current|recent|lately|past|future|these\s+days|actualmente|recientemente|pasado",
    "following": r"following|next|previous|same|that|mism[oa]|siguiente", "fiscal": r"fiscal|FY",
    "year": "digits",
}


@functools.lru_cache(maxsize=None)
def _cues() -> dict[str, re.Pattern]:
    w = _words()
    named = {
        "digits": r"(?:1[89]|20)\d\d",
        "decade": r"\d0(?:'|’)?s\b",
        "month": rf"(?<!\w)(?:{_alt(month_table())})(?!\w)",
        "weekday": rf"(?<!\w)(?:{_alt(w['weekdays'])})",
        "season": rf"(?<!\w)(?:{_alt(w['seasons'])})",
        "decadew": rf"(?<!\w)(?:{_alt(w['decades'])})",
    }
    return {cue: re.compile(named.get(cue, rf"(?<!\w)(?:{cue})"), re.IGNORECASE) for cue in set(_NEEDS.values())}


@functools.lru_cache(maxsize=None)
def _lower_cues() -> dict[str, tuple[re.Pattern, re.Pattern]]:
    """The cues for lowercased text (no IGNORECASE: twice as fast), each with a looser form
    without its leading lookbehind that can be scanned for quickly: where the loose form finds
    nothing, the cue finds nothing either."""
    out = {}
    for cue, rx in _cues().items():
        pattern = re.sub(r"(?<!\\)[A-Z]", lambda m: m.group().lower(), rx.pattern)  # FY, not \W
        loose = pattern[len("(?<!\\w)"):] if pattern.startswith("(?<!\\w)") else pattern
        out[cue] = (re.compile(pattern), re.compile(loose))
    return out


def _windows(cue: re.Pattern, text: str, before: int = 40, after: int = 70) -> list[tuple[int, int]]:
    """Stretches of TEXT around each cue, merged: the only places a pattern needing it can match."""
    out: list[list[int]] = []
    for m in cue.finditer(text):
        lo, hi = max(0, m.start() - before), min(len(text), m.end() + after)
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(a, b) for a, b in out]


def find(text: str, anchor: dt.date | None = None, *, follow: bool = True) -> list[Timex]:
    """Every temporal expression of TEXT, in order, longest first where they overlap.

    With FOLLOW, an expression is resolved against the last explicit full date before it in the
    text when that date differs from the anchor ("the following month" after "in May 1992")."""
    taken = [False] * (len(text) + 1)
    found: list[Timex] = []
    windows: dict[str, list[tuple[int, int]]] = {}
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer: offsets would shift
        low = None
    for name, rx in _patterns():
        cue = _NEEDS[name]
        if cue not in windows:
            if low is None:
                windows[cue] = _windows(_cues()[cue], text)
            else:
                exact, loose = _lower_cues()[cue]
                windows[cue] = _windows(exact, low) if loose.search(low) else []
        for m in (m for lo, hi in windows[cue] for m in rx.finditer(text, lo, hi)):
            a, b = m.start(), m.end()
            while b > a and text[b - 1] in " ,.":
                b -= 1
            if any(taken[a:b]):
                continue
            t = Timex(a, b, text[a:b], "")
            g = {k: v for k, v in m.groupdict().items() if v is not None}
            local_anchor = anchor
            anaphoric = name == "following" or (name == "day" and re.search(
                r"following|next\s+day|previous|siguiente", m.group(0), re.IGNORECASE))
            if follow and anaphoric:
                prev = [x for x in found if x.end <= a and x.precision in ("day", "month", "year") and not x.relative]
                if prev:
                    local_anchor = max(prev, key=lambda x: x.end).first or anchor
            try:
                r = _resolve(name, g, t, text, local_anchor)
            except (ValueError, KeyError, OverflowError):
                r = None
            if r is None or not r.value:
                continue
            found.append(r)
            for i in range(a, b):
                taken[i] = True
    found.sort(key=lambda x: x.start)
    return found


def timebank(text: str, dct: dt.date | None):
    """For timex_eval.py: `--system perucases.extract.timex:timebank`."""
    return [t.as_scored() for t in find(text, dct)]
