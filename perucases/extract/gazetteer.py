"""The gazetteer: canonical entities with their aliases, built in and extended by the user.

The built-in list is `perucases/data/gazetteer.toml`. A user's own file (`gazetteer.toml` beside
the corpus, or `--gazetteer FILE`) adds entities, and corrects built-in ones: an entry whose name
or an alias is already known merges with that entity and its name, type and description win.
Its `[ignore] names = [...]` list drops entities altogether.

How an alias is written decides how it matches (see the data file): Capitalised words only match
capitalised words, ALL-CAPS aliases only the same capitals, lower-case words any case; accents
and a possessive 's never matter.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from perucases.errors import PerucasesError
from perucases.resources import data_toml, read_user_toml

TYPES = ("PERSON", "ORG", "LOC", "EVENT", "LAW")
USER_GAZETTEER = "gazetteer.toml"

# A token: letters and digits, with inner dots, apostrophes and hyphens ("U.S", "Fujimori's",
# "Inter-American"). (Written as runs of word characters joined by one inner mark, which the
# regex engine matches faster than one character at a time: the same tokens as
# `[^\W_](?:\w|[.'’\-](?=[^\W_]))*`, which a test holds.)
TOKEN = re.compile(r"[^\W_]\w*(?:[.'’\-][^\W_]\w*)*")


@functools.lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes, no possessive: the form names are compared in."""
    if text.isascii():
        s = text.lower()  # (nothing to decompose or take off: the same result, without a loop)
    else:
        s = unicodedata.normalize("NFD", text.replace("’", "'"))
        s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    if s.endswith("'s"):
        s = s[:-2]
    return s.rstrip("'.")


@functools.lru_cache(maxsize=200_000)
def key_of(name: str) -> str:
    """The key an entity is known by: its folded canonical name."""
    return " ".join(fold(t) for t in TOKEN.findall(name))


def strip_possessive(token: str) -> str:
    return token[:-2] if token.endswith(("'s", "’s")) else token


@functools.cache
def rules() -> dict:
    raw = data_toml("entity_rules.toml")
    out = {}
    for k, v in raw.items():
        out[k] = frozenset(fold(x) for x in v) if isinstance(v, list) else v
    return out


def shape(token: str, connector: bool = False) -> str:
    """'U' ALL CAPS, 'C' Capitalised, 'l' anything: how an alias token must be written in text."""
    if connector:
        return "l"
    letters = [c for c in strip_possessive(token) if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return "U"
    if letters and token[0].isupper():
        return "C"
    return "l"


def fits(shapes: tuple[str, ...], surface: list[str]) -> bool:
    for sh, tok in zip(shapes, surface, strict=True):
        if sh == "U":
            letters = [c for c in strip_possessive(tok) if c.isalpha()]
            if not letters or not all(c.isupper() for c in letters):
                return False
        elif sh == "C" and not tok[:1].isupper():
            return False
    return True


@dataclass
class Entry:
    name: str
    type: str
    aliases: set[str] = field(default_factory=set)
    description: str | None = None

    @property
    def key(self) -> str:
        return key_of(self.name)

    def forms(self) -> set[str]:
        return {self.name, *self.aliases}


def _check(entry: dict, where: str) -> Entry:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise PerucasesError(f"{where}: every [[entity]] needs a name")
    etype = str(entry.get("type", "")).upper() or None
    if etype is not None and etype not in TYPES:
        raise PerucasesError(
            f"{where}: {entry['name']!r} has type {entry.get('type')!r}; use one of {', '.join(TYPES)}"
        )
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise PerucasesError(f"{where}: aliases of {entry['name']!r} must be a list of strings")
    return Entry(
        entry["name"].strip(), etype or "", {a.strip() for a in aliases if a.strip()}, entry.get("description") or None
    )


class Gazetteer:
    """Entities by key, and an alias table for longest-match lookup over folded tokens."""

    def __init__(self, entries: list[Entry], ignore: set[str] | None = None) -> None:
        self.entries: dict[str, Entry] = {}
        self._by_form: dict[str, set[str]] = {}  # key_of(a form) -> the keys of the entries with it
        self.ignore = {key_of(n) for n in (ignore or set())}
        for e in entries:
            self.add(e)
        self._index()

    def add(self, e: Entry) -> None:
        """Add an entry, merging it with every known entity that shares a form with it."""
        forms = {key_of(f) for f in e.forms()}
        sharing = set().union(*(self._by_form.get(f, ()) for f in forms))
        hits = [k for k in self.entries if k in sharing] if sharing else []  # (in the entries' order)
        merged = Entry(e.name, e.type, set(e.aliases), e.description)
        for k in hits:
            old = self.entries.pop(k)
            for f in old.forms():
                self._by_form[key_of(f)].discard(k)
            merged.aliases |= old.forms()
            merged.type = merged.type or old.type
            merged.description = merged.description or old.description
        merged.aliases.discard(merged.name)
        merged.type = merged.type or "ORG"
        key = merged.key  # (an entry of this key shares its name's form: merged above)
        self.entries[key] = merged
        for f in merged.forms():
            self._by_form.setdefault(key_of(f), set()).add(key)

    def _index(self) -> None:
        conn = rules()["connectors"]
        self.table: dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]] = {}
        self.maxlen = 1
        self.starts: dict[str, int] = {}  # first folded token of an alias -> longest alias from it
        for key, e in self.entries.items():
            for form in e.forms():
                toks = TOKEN.findall(form)
                if not toks:
                    continue
                folded = tuple(fold(t) for t in toks)
                shapes = tuple(shape(t, fold(t) in conn and i > 0) for i, t in enumerate(toks))
                self.table.setdefault(folded, []).append((key, shapes))
                self.maxlen = max(self.maxlen, len(folded))
                self.starts[folded[0]] = max(self.starts.get(folded[0], 0), len(folded))

    def lookup(self, surface: list[str], folded: tuple[str, ...] | None = None) -> str | None:
        """The key of the entity these tokens name, if an alias fits them exactly."""
        for key, shapes in self.table.get(folded or tuple(fold(t) for t in surface), ()):
            if fits(shapes, surface):
                return key
        return None

    def person_surnames(self) -> frozenset[str]:
        """Folded one-word aliases of people ("fujimori", "montesinos"): their surnames."""
        if not hasattr(self, "_surnames"):
            self._surnames = frozenset(
                key_of(f)
                for e in self.entries.values()
                if e.type == "PERSON"
                for f in e.forms()
                if len(TOKEN.findall(f)) == 1
            )
        return self._surnames

    def find(self, name: str) -> list[str]:
        """Keys whose canonical name or an alias is NAME (case and accents ignored)."""
        k = key_of(name)
        return sorted({key for key, e in self.entries.items() if k in {key_of(f) for f in e.forms()}})

    def snapshot(self) -> dict:
        """What extraction depends on, as plain data: key -> [name, type, forms]; ignored keys."""
        return {
            "entities": {k: [e.name, e.type, sorted(e.forms())] for k, e in sorted(self.entries.items())},
            "ignore": sorted(self.ignore),
        }

    def fingerprint(self) -> str:
        data = sorted((k, e.name, e.type, sorted(e.aliases), e.description or "") for k, e in self.entries.items())
        blob = json.dumps([data, sorted(self.ignore)], ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def read_entries(path: Path) -> tuple[list[Entry], set[str]]:
    """The [[entity]] entries and [ignore] names of a gazetteer file."""
    raw = read_user_toml(path)
    entries = [_check(e, str(path)) for e in raw.get("entity", [])]
    ignore = raw.get("ignore", {}).get("names", [])
    if not isinstance(ignore, list) or not all(isinstance(n, str) for n in ignore):
        raise PerucasesError(f"{path}: [ignore] names must be a list of strings")
    return entries, set(ignore)


@functools.cache
def _builtin_entries() -> tuple[Entry, ...]:
    return tuple(_check(e, "perucases/data/gazetteer.toml") for e in data_toml("gazetteer.toml").get("entity", []))


def load_gazetteer(user_files: tuple[Path, ...] = ()) -> Gazetteer:
    """The built-in gazetteer, extended and corrected by the user's files, in order."""
    entries = [Entry(e.name, e.type, set(e.aliases), e.description) for e in _builtin_entries()]
    ignore: set[str] = set()
    for path in user_files:
        more, ign = read_entries(path)
        entries += more
        ignore |= ign
    return Gazetteer(entries, ignore)
