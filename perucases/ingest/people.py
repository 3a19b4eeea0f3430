"""What a file says of itself, kept only where it is plausible: authors that are people, titles
that a person gave.

Web pages, PDFs and Word files carry author fields of every kind: "Phil Helsel is a reporter",
"Malcolm Owen Monday; November", "Associated Press", "HNN Staff", a login name ("spenaf"), a
library's default ("python-docx"). `person_names` keeps the names of people in them, cut where a
role, a date or an organisation begins, and drops the rest; unknown stays empty. The words it uses
are in data/author_words.toml and data/months.toml.
"""

from __future__ import annotations

import functools
import re

from perucases.ingest.clean import publisher_names
from perucases.resources import data_toml

_SPLIT = re.compile(r"\s*(?:;|\||\s&\s|\n|\band\b|\by\b(?=\s+[A-ZÁÉÍÓÚÑ]))\s*")
_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)


@functools.cache
def _words() -> dict[str, frozenset[str]]:
    data = data_toml("author_words.toml")
    months = {m for lang in data_toml("months.toml").values() for names in lang.values() for m in names}
    out = {
        k: frozenset(w.casefold() for w in data.get(k, []))
        for k in ("roles", "bylines", "organisations", "particles", "weekdays")
    }
    out["ends"] = out["roles"] | out["weekdays"] | out["organisations"] | frozenset(months)
    out["prefixes"] = frozenset(w.casefold() for w in data.get("prefixes", []))
    return out


def _strip_prefix(s: str) -> str:
    low = s.casefold()
    for p in sorted(_words()["prefixes"], key=len, reverse=True):
        if low.startswith(p + " ") or low.startswith(p + ":"):
            return s[len(p) + 1 :].lstrip(" :")
    return s


def _name_token(tok: str) -> bool:
    """A capitalised word ("Ana", "DeArdo", "O'Neil", "Jo-Marie"), a word in capitals of four
    letters or more ("MASCARO"), or an initial ("E", "L.")."""
    core = tok.rstrip(".")
    if not core or not core[0].isupper():
        return False
    if len(core) == 1:
        return True
    if core.isupper():
        return len(core) >= 4 or ("-" in core or "'" in core)
    return any(c.islower() for c in core[1:])


def person_name(raw: str, others: tuple[str, ...] = ()) -> str | None:
    """The person named at the start of RAW, or None. OTHERS: names that are not people here (the
    publisher, the site), whose words end a name ("Finian Cunningham Sputnik International")."""
    w = _words()
    s = _strip_prefix(" ".join(raw.split()).strip(" .,:;-–—()[]"))
    tokens = _TOKEN.findall(s)
    if not tokens or any(t.casefold() in w["bylines"] for t in tokens):
        return None
    folded = " ".join(tokens).casefold()
    others = (*others, *publisher_names())
    if any(folded == o.casefold() or folded.startswith(o.casefold() + " ") for o in others):
        return None
    other_words = {t.casefold() for o in others for t in _TOKEN.findall(o)}
    name: list[str] = []
    for tok in tokens:
        low = tok.casefold()
        if low in w["ends"] or low in other_words or (len(low) > 3 and any(o.startswith(low) for o in other_words)):
            break
        if low in w["particles"] and name and not tok[0].isupper():
            name.append(tok)
            continue
        if not _name_token(tok):
            break
        name.append(tok)
    while name and (name[-1].casefold() in w["particles"] or len(name[-1].rstrip(".")) == 1):
        name.pop()  # a name ends with a surname, not "de" or an initial
    proper = [t for t in name if t.casefold() not in w["particles"]]
    if len(proper) < 2 or len(proper) > 5:
        return None  # one word is a login or a first name alone; six are a sentence
    if all(t.isupper() for t in proper if len(t.rstrip(".")) > 1):
        name = [t if t.casefold() in w["particles"] or len(t.rstrip(".")) == 1 else t.capitalize() for t in name]
    if "," in s and len(tokens) == len(name):  # "Burt, Jo-Marie": the name as written
        return s
    return " ".join(name)


def organisation_name(raw: str) -> str | None:
    """RAW when it names an organisation ("Coordinadora Nacional de Derechos Humanos", "Human
    Rights Watch"): a known publisher, or capitalised words with an organisation's word among them."""
    s = " ".join(raw.split()).strip(" .,:;")
    if s.casefold() in publisher_names():
        return publisher_names()[s.casefold()]
    tokens = _TOKEN.findall(s)
    w = _words()
    if not 2 <= len(tokens) <= 10 or any(c.isdigit() for c in s) or any(t.casefold() in w["bylines"] for t in tokens):
        return None
    if not any(t.casefold() in w["organisations"] for t in tokens if t.casefold() not in ("the", "el", "los", "las")):
        return None
    if not all(t[0].isupper() or t.casefold() in w["particles"] for t in tokens):
        return None
    return s


def _parts(value: str) -> list[str]:
    """One author a part: "A; B", "A and B", "A, B" (a comma between full names), "Burt, Jo-Marie"
    (a comma inside one name) kept whole."""
    out = []
    for part in _SPLIT.split(value):
        pieces = [p.strip() for p in part.split(",")]
        if len(pieces) > 1 and all(len(_TOKEN.findall(p)) >= 2 for p in pieces):
            out.extend(pieces)
        elif part:
            out.append(part)
    return out


def person_names(values: list[str] | str | None, others: tuple[str, ...] = ()) -> list[str]:
    """The people among author values ("A; B", "A and B", a list), in order, once each."""
    if not values:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        for part in _parts(str(value)):
            name = person_name(part, others)
            if name and name not in out:
                out.append(name)
    return out


_PLACEHOLDER_TITLE = re.compile(
    r"(untitled|sin título|sin titulo|document\d*|documento\d*|microsoft word.*|presentation\d*|"
    r"table of contents|contents|índice|indice|slide \d+|title|título|titulo|\W*)",
    re.I,
)


def plausible_title(title: str) -> bool:
    """A title a person gave the document, not a file id ("202503630500121700020260623164056"),
    a file name, a program's placeholder ("Microsoft Word - x.doc", "untitled") or a web address."""
    t = " ".join(title.split())
    if not t or _PLACEHOLDER_TITLE.fullmatch(t):
        return False
    if re.search(r"\.(docx?|pdf|rtf|odt|indd|qxd|tex|txt|html?|pptx?|xlsx?)$", t, re.I):
        return False
    if re.match(r"(?:https?://|www\.|[\w-]+\.(?:com|org|net|gob|gov|edu)\b)", t, re.I):
        return False  # an address ("ibm.com/redbooks Redpaper"), not "CNN.com - Peru ..." (a site's name in it)
    letters = sum(c.isalpha() for c in t)
    if letters < 3 or sum(c.isdigit() for c in t) > letters:
        return False
    return not (" " not in t and (re.search(r"[_\d]", t) or t.islower()))  # a file id or login
