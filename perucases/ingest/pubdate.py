"""The publication date a document states about itself, read from the head of its text.

Works on the text every reader produces (plain text, HTML main text, a PDF's first page, a Word
file's paragraphs), so all formats are read alike. What counts, strongest first:

1. a labelled date: "Published: 3 May 2004", "Publicado el 28 de mayo de 2022", "Updated June 22,
   2001", "Publication Date:" on one line and the date on the next, "Date: 12/03/2001" or
   "Fecha:" (never in a bulleted fact box, where "Date:" is the date of the event described);
2. a line that is only a date, perhaps with its weekday, time or a note in parentheses ("TUESDAY,
   AUGUST 22, 2000, 1:15 P.M.", "28 de mayo de 2022 - 9:24 a. m.", "(8 de Abril del 2002)",
   "February 23, 2017 (R43616)"); a place-and-date line of a letter or ruling ("Lima, diez de
   junio de dos mil veintiséis", "Washington, DC, June 6, 2001"); "Released by the Bureau of ...
   February 23, 2001";
3. a full date standing between a title and the text in a flattened cover page ("... Human Rights
   Practices March 11, 2010 Peru is ...").

Never: a date under another label ("Document Creation Date:", "Last updated", "Accessed",
"Born"), a date inside a sentence, a list of dated lines (related posts, an archive), a date past
the head of the text. When the text states none, there is none.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from perucases import compiled
from perucases.dates import PartialDate, _month_re, number_words_re, parse_partial_date, spelled_number
from perucases.resources import data_toml

HEAD_CHARS = 3000  # the head of a text: its first characters ...
HEAD_LINES = 45  # ... and lines
INLINE_CHARS = 1500  # a date between title and text (form 3) is sought only this far


@dataclass(frozen=True)
class Found:
    date: PartialDate
    strength: int  # 3 labelled, 2 a date line, 1 between title and text
    offset: int  # where it stands in the text


@functools.cache
def _labels() -> dict:
    return data_toml("pubdate.toml")


def _alt(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@functools.cache
def _date_re() -> str:
    """A date at day or month precision, in figures or words, as one named group `date`."""
    mon = _month_re().replace("(?P<mon>", "(?:")
    day = r"\d{1,2}(?:st|nd|rd|th|º|°)?"
    words = number_words_re()
    return (
        r"(?P<date>"
        rf"{mon}\s+{day},?\s+\d{{4}}"  # June 22, 2001
        rf"|{day}\s+(?:de\s+)?{mon}\s*,?\s+(?:del?\s+)?\d{{4}}"  # 22 June 2001, 8 de Abril del 2002
        rf"|(?:{words}|{day})\s+de\s+{mon}\s+(?:del?\s+)?(?:{words}|\d{{4}})"  # diez de junio de dos mil veintiséis
        r"|\d{4}-\d{2}-\d{2}"
        r"|\d{1,2}[/.]\d{1,2}[/.]\d{4}"
        rf"|{mon}\s*,?\s+(?:del?\s+)?\d{{4}}"  # June 2001, junio de 2001
        r")"
    )


_WEEKDAY = (
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?"
    r"|lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo)\.?,?\s+"
)
_TIME = (
    r"(?:\s*(?:,|-|–|—|\bat\b|\ba\s+las\b)?\s*\d{1,2}[:.h]\d{2}(?:\s*(?:[ap]\.?\s?m\.?|hrs?\.?|horas))?"
    r"(?:\s*\(?[A-Z]{2,5}\)?)?)?"
)
_NOTE = r"(?:\s*\([^()\n]{1,40}\))?"


@functools.cache
def _forms() -> dict[str, re.Pattern]:
    lab = _labels()
    date = _date_re()
    strong = _alt(lab["strong"])
    weak = _alt(lab["weak"])
    place = r"[A-ZÁÉÍÓÚÑ][\w'.\-]*(?:\s+(?:de\s+|del\s+|la\s+)?[A-ZÁÉÍÓÚÑ][\w'.\-]*){0,3}"
    flags = re.IGNORECASE
    return {
        # "Published: June 6, 2001", "Publicado el 28 de mayo de 2022", "Updated June 22, 2001"
        "strong": compiled.compile(rf"(?:{strong})\s*(?:[:\-–]\s*|\s+(?:on|el|en)\s+|\s+)(?:{_WEEKDAY})?{date}", flags),
        # "Date: 12/03/2001", "Fecha: 8 de abril de 2002" (with the colon)
        "weak": compiled.compile(rf"(?:{weak})\s*:\s*(?:{_WEEKDAY})?{date}{_TIME}\s*$", flags),
        # a label alone on its line: the date is on the next one
        "label": compiled.compile(rf"(?P<label>[\w ]{{0,30}}?(?:{strong}|{weak}))\s*:?\s*$", flags),
        "any_label": compiled.compile(r"(?P<label>[A-Za-zÁÉÍÓÚÑáéíóúñ][\w ()/]{0,40}):\s*$"),
        # the whole line a date: "TUESDAY, AUGUST 22, 2000, 1:15 P.M.", "(8 de Abril del 2002)"
        "line": compiled.compile(rf"\(?(?:{_WEEKDAY})?{date}\)?{_TIME}{_NOTE}\.?", flags),
        # place and date: "Lima, diez de junio de dos mil veintiséis"
        "place": compiled.compile(
            rf"(?P<place>{place})(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?\s*,\s+(?:(?:el|a|on)\s+)?(?:{_WEEKDAY})?{date}\.?"
        ),
        # a byline with its date: "By Jane Roe · September 28, 2000", "Por Redacción | 3 de mayo de 2004"
        "byline": compiled.compile(
            rf"(?:by|por)\s+[^\n]{{2,80}}?\s*[·|•,–—-]\s*(?:{_WEEKDAY})?{date}{_TIME}\.?", flags
        ),
        # "Released by the Bureau of Democracy, Human Rights, and Labor February 23, 2001"
        "released": compiled.compile(
            rf"\b(?:{_alt(lab['by'])})\s+(?:[^.!?\n]|(?<=\b[A-Z])\.){{3,160}}?[\s,]\s*{date}", flags
        ),
    }


def _parse(s: str) -> PartialDate | None:
    s = " ".join(s.split())
    d = parse_partial_date(re.sub(r"(?<=\d)(?:º|°)", "", s))
    if d is not None:
        return d
    m = re.fullmatch(r"(?P<d>.+?)\s+de\s+(?P<mon>\w+)\s+(?:del?\s+)?(?P<y>.+)", s, re.IGNORECASE)
    if not m:
        return None
    day = int(m["d"]) if m["d"].isdigit() else spelled_number(m["d"])
    year = int(m["y"]) if m["y"].isdigit() else spelled_number(m["y"])
    if not day or not year or not 1000 <= year <= 2999:
        return None
    return parse_partial_date(f"{day} {m['mon']} {year}")


def _excluded(label: str) -> bool:
    low = " ".join(label.lower().split())
    return any(w in low for w in _labels()["never"])


_ROW = re.compile(r"(?:[-*•·▪]\s*)?(?P<key>[A-Za-zÁÉÍÓÚÑáéíóúñ][\w .()/-]{0,30}?)\s*:\s+\S")


def _in_fact_box(lines: list[tuple[int, str, bool]], i: int) -> bool:
    """Is line I a row of a run of three or more "Key: value" rows that is not a memo's header?"""
    lo = hi = i
    while lo > 0 and _ROW.match(lines[lo - 1][1]):
        lo -= 1
    while hi + 1 < len(lines) and _ROW.match(lines[hi + 1][1]):
        hi += 1
    if hi - lo + 1 < 3:
        return False
    rows = (_ROW.match(lines[k][1]) for k in range(lo, hi + 1))
    keys = {row["key"].strip().lower() for row in rows if row}
    return not keys & set(_labels()["memo_keys"])


def _lines(text: str, limit: int) -> list[tuple[int, str, bool]]:
    """The non-empty lines of the head: (offset, line, whether a blank line stands before it)."""
    out, pos, blank = [], 0, True
    for raw in text[:limit].split("\n"):
        s = raw.strip()
        if s:
            out.append((pos + raw.find(s), s, blank))
        blank = not s
        pos += len(raw) + 1
        if len(out) >= HEAD_LINES:
            break
    return out


def candidates(text: str, head: int | None = None) -> list[Found]:
    """Every publication date the head of TEXT states, with its strength."""
    limit = min(len(text), head or HEAD_CHARS)
    forms = _forms()
    out: list[Found] = []
    lines = _lines(text, limit)
    date_lines: list[Found] = []
    for i, (pos, s, blank) in enumerate(lines):
        prev = lines[i - 1][1] if i else ""
        # a hard-wrapped sentence that goes on: "... between March 9 and\nMarch 30 1987."
        goes_on = (
            not blank and s.endswith(".") and re.search(r"[a-záéíóúñ,]$", prev) is not None and len(prev.split()) >= 6
        )
        bullet = bool(re.match(r"[-*•·▪]\s", s))
        m = forms["strong"].match(s)
        if m and not bullet and not _excluded(s[: m.start("date")]):
            d = _parse(m["date"])
            if d:
                out.append(Found(d, 3, pos))
                continue
        m = forms["weak"].match(s)
        if m and not bullet and not _excluded(s[: m.start("date")]) and not _in_fact_box(lines, i):
            d = _parse(m["date"])
            if d:
                out.append(Found(d, 3 if m.end() == len(s) else 2, pos))
                continue
        for name in ("line", "place", "byline"):
            m = forms[name].fullmatch(s)
            if not m:
                continue
            d = _parse(m["date"])
            if d is None:
                continue
            if name == "place" and re.match(rf"{_WEEKDAY}$", m["place"] + " ", re.IGNORECASE):
                continue
            lab = forms["label"].fullmatch(prev)
            other = forms["any_label"].fullmatch(prev)
            if lab and not _excluded(lab["label"]):
                out.append(Found(d, 3, pos))
            elif (
                other
                or goes_on
                or re.search(r"(?:\b(?:on|in|since|until|by|of|el|del|de|en|desde|hasta)|,)$", prev, re.IGNORECASE)
            ):
                pass  # the date of another label ("Document Creation Date:"), or a sentence's end
            elif name == "line":
                date_lines.append(Found(d, 2, pos))
            elif d.day is not None:
                out.append(Found(d, 2, pos))
            break
    # A list of dated lines (related posts, an archive, a table of events) dates none of them.
    if len({f.date for f in date_lines}) <= 2:
        out += date_lines
    for m in forms["released"].finditer(text, 0, limit):
        d = _parse(m["date"])
        if d and d.day is not None:
            out.append(Found(d, 2, m.start("date")))
    out += _between_title_and_text(text, min(limit, INLINE_CHARS))
    return out


_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")


@functools.cache
def _inline_re() -> re.Pattern:
    mon = _month_re().replace("(?P<mon>", "(?:")
    day = r"\d{1,2}(?:st|nd|rd|th)?"
    return compiled.compile(
        rf"(?P<date>{mon}\s+{day},?\s+\d{{4}}|{day}\s+(?:de\s+)?{mon}\s*,?\s+(?:del?\s+)?\d{{4}})", re.IGNORECASE
    )


def _between_title_and_text(text: str, limit: int) -> list[Found]:
    """A full date that ends a title and starts nothing: "... Practices March 11, 2010 Peru is".
    The word before it is capitalised (or a comma after a name), the word after it starts a new
    sentence, and no preposition governs it."""
    out = []
    date = _inline_re()
    starts: set[int] = set()
    for y in _YEAR.finditer(text, 0, limit):  # a full date in figures ends with its year
        for m in date.finditer(text, max(0, y.start() - 30), y.end()):
            if m.end() == y.end() and m.start() not in starts:
                starts.add(m.start())
                break
        else:
            continue
    for a in sorted(starts):
        found = date.match(text, a)
        if found is None:
            continue  # (matched up to the year's end, not in the whole text)
        m = found
        before = text[max(0, m.start() - 40) : m.start()]
        after = text[m.end() : m.end() + 40]
        d = _parse(m["date"])
        if d is None or d.day is None:
            continue
        if "\n" in before.rstrip(" ,")[-1:] or not re.search(r"[A-Z][\w.]*,?\s+$", before):
            continue
        linked = r"\b(?:on|in|since|until|by|of|to|before|after|from|el|del|de|en|desde|hasta|prior)\s*,?\s*$"
        if re.search(linked, before, re.I):
            continue
        if not re.match(r"\s+[A-Z][\w'’]*\s+[a-z]", after):
            continue
        out.append(Found(d, 1, m.start()))
    return out


def publication_date(text: str, first_page_end: int | None = None) -> PartialDate | None:
    """The date TEXT states as its own, or None. FIRST_PAGE_END: where a PDF's page 2 starts (the
    head is then the first page, up to HEAD_CHARS)."""
    head = HEAD_CHARS if not first_page_end else max(HEAD_CHARS, min(first_page_end, 2 * HEAD_CHARS))
    found = candidates(text, head)
    if not found:
        return None
    best = max(f.strength for f in found)
    return min((f for f in found if f.strength == best), key=lambda f: f.offset).date
