"""Partial calendar dates: `2000-09-26`, `2000-09`, `2000`, `April 1997`, `26 de septiembre de 2000`.

A `PartialDate` keeps the precision the text gives (never invents a day or month) and the
calendar interval it covers, for sorting and filtering.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

from perucases import compiled
from perucases.resources import data_toml


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> dt.date:
        if self.month is None:
            return dt.date(self.year, 12, 31)
        if self.day is None:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, self.month, self.day)

    def __str__(self) -> str:
        return self.iso


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s.lower()) if not unicodedata.combining(c))


@functools.cache
def month_table() -> dict[str, int]:
    """Every month name and abbreviation (English and Spanish, accents folded) -> 1..12."""
    table: dict[str, int] = {}
    for names in data_toml("months.toml").values():
        for number, forms in names.items():
            for form in forms:
                table.setdefault(_fold(form), int(number))
    return table


@functools.cache
def _month_re() -> str:
    names = sorted(month_table(), key=len, reverse=True)
    return r"(?P<mon>" + "|".join(re.escape(n) for n in names) + r")\.?"


def _valid(year: int, month: int | None, day: int | None) -> PartialDate | None:
    if not 1 <= year <= 9999:
        return None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and (month is None or not 1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    return PartialDate(year, month, day)


_ISO = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?")


@functools.cache
def _forms() -> list[re.Pattern]:
    mon = _month_re()
    day = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    year = r"(?P<year>\d{4})"
    return [
        # September 26, 2000 / Sept. 26 2000
        compiled.compile(rf"{mon}\s+{day},?\s+{year}"),
        # 26 September 2000 / 26 de septiembre de 2000 / 26 de septiembre del 2000
        compiled.compile(rf"{day}\s+(?:de\s+)?{mon}\s*,?\s+(?:de[l]?\s+)?{year}"),
        # September 2000 / septiembre de 2000
        compiled.compile(rf"{mon}\s*,?\s+(?:de[l]?\s+)?{year}"),
    ]


def parse_partial_date(text: str) -> PartialDate | None:
    """Read a whole string as one date at the precision it gives, or return None."""
    s = _fold(" ".join(text.split())).strip(" .,")
    if not s:
        return None
    m = _ISO.fullmatch(s)
    if m:
        return _valid(int(m["y"]), int(m["m"]) if m["m"] else None, int(m["d"]) if m["d"] else None)
    for form in _forms():
        m = form.fullmatch(s)
        if m:
            gd = m.groupdict()
            return _valid(int(gd["year"]), month_table()[gd["mon"]], int(gd["day"]) if gd.get("day") else None)
    return _parse_with_dateutil(s)


def _parse_with_dateutil(s: str) -> PartialDate | None:
    """Other full dates dateutil knows (1997/04/22, 22.04.1997); only when it gives a day."""
    if not re.search(r"\d{4}", s) or len(s) > 40:
        return None
    from dateutil import parser

    try:
        a = parser.parse(s, default=dt.datetime(1, 1, 1), dayfirst=True)
        b = parser.parse(s, default=dt.datetime(1, 2, 2), dayfirst=True)
    except (ValueError, OverflowError, TypeError):
        return None
    if a != b:  # some part came from the default, not the text: not a full date
        return None
    return _valid(a.year, a.month, a.day)


@functools.cache
def _dateline_re() -> re.Pattern:
    mon = _month_re().replace("(?P<mon>", "(?:")
    day = r"\d{1,2}(?:st|nd|rd|th)?"
    weekday = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
    date = (
        rf"(?:{mon}\s+{day},?\s+\d{{4}}"
        rf"|{day}\s+(?:de\s+)?{mon}\s*,?\s+(?:del?\s+)?\d{{4}}"
        rf"|\d{{4}}-\d{{2}}-\d{{2}})"
    )
    time = r"(?:\s*,?\s*\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[a-z]{2,4})?)?"
    return compiled.compile(rf"{weekday}(?P<date>{date}){time}")


def parse_dateline(text: str) -> PartialDate | None:
    """A line that is only a date, perhaps with weekday and time: `September 26, 2000 8:00PM EDT`."""
    s = _fold(" ".join(text.split())).strip(" .,|-")
    if len(s) > 60:
        return None
    m = _dateline_re().fullmatch(s)
    if not m:
        return None
    return parse_partial_date(m["date"])


# ---------------------------------------------------------------------------- numbers in words


@functools.cache
def _number_words() -> tuple[dict[str, int], dict[str, int]]:
    d = data_toml("numbers.toml")
    return {_fold(k): v for k, v in d["es"].items()}, {_fold(k): v for k, v in d["es_multipliers"].items()}


@functools.cache
def number_words_re() -> str:
    """A regex for a number written in Spanish words ("dos mil veintiséis", "treinta y uno"),
    accents optional; no groups."""
    units, mult = _number_words()
    accented = {
        "dieciseis": "diecis[eé]is",
        "veintiun": "veinti[uú]n",
        "veintidos": "veintid[oó]s",
        "veintitres": "veintitr[eé]s",
        "veintiseis": "veintis[eé]is",
    }
    words = sorted([*units, *mult], key=len, reverse=True)
    w = "|".join(accented.get(x, re.escape(x)) for x in words)
    return rf"(?:{w})(?:\s+(?:y\s+)?(?:{w})){{0,6}}"


def spelled_number(text: str) -> int | None:
    """ "diez" -> 10, "treinta y uno" -> 31, "dos mil veintiséis" -> 2026, "mil novecientos
    noventa y dos" -> 1992; None when a word is not a number word."""
    units, mult = _number_words()
    total = current = 0
    words = [w for w in _fold(text).split() if w != "y"]
    if not words:
        return None
    for w in words:
        if w in mult:
            total += (current or 1) * mult[w]
            current = 0
        elif w in units:
            current += units[w]
        else:
            return None
    return total + current
