"""Character normalisation for matching, with a map back to the original characters.

Cleaned text uses straight quotes, ASCII hyphens, single spaces and composed accents, so that
search and extraction see one form; `OffsetMap` turns any span of cleaned text back into the span
of the original text it came from, so that quotes can be taken character for character.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

_REPLACE = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    "\u2026": "...",
    # Compatibility characters, as NFKC writes them: ligatures (a PDF's "ﬁ" in "conﬁguration")
    # and fullwidth forms, so that search and extraction see the letters; quotes keep the original.
    **{chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)},
    **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if chr(c) not in "\uff0d"},
}
_DROP = set("\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff")
_PRIVATE = range(0xE000, 0xF900)  # private use: reserved by the highlighter


# Characters that need more than copying: whitespace, replacements, characters to drop, combining
# marks. Everything else is copied in runs, which keeps cleaning fast on long documents.
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_SPECIAL_CHARS = (
    re.escape("".join(_REPLACE))
    + re.escape("".join(_DROP))
    + "\x00-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffe\uffff"
    + _COMBINING
)
# A run of whitespace is one match: it becomes one separator.
_SPECIAL_ALL = re.compile("\\s+|[" + _SPECIAL_CHARS + "]")
# The same, except that a single space between two plain characters is no match: it is copied
# with the words around it, as it stays what it is (one call for a line, not two for a word).
_PLAIN = "[^\\s" + _SPECIAL_CHARS + "]"
_SPECIAL = re.compile(f"(?!(?<={_PLAIN}) (?={_PLAIN}))\\s+|[" + _SPECIAL_CHARS + "]")
_LEADING_SPACE = re.compile(r"\s+")


def _drop(c: str) -> bool:
    if c in _DROP or ord(c) in _PRIVATE:
        return True
    cat = unicodedata.category(c)
    return cat in ("Cc", "Cs", "Co", "Cn") and not c.isspace()


@dataclass
class OffsetMap:
    """Breakpoints (clean_index, original_index): between breakpoints both advance together."""

    clean: list[int]
    orig: list[int]

    def to_original(self, i: int) -> int:
        k = bisect.bisect_right(self.clean, i) - 1
        if k < 0:
            return self.orig[0] if self.orig else 0
        return self.orig[k] + (i - self.clean[k])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Cleaned [start, end) -> original [start, end)."""
        if end <= start:
            o = self.to_original(start)
            return o, o
        return self.to_original(start), self.to_original(end - 1) + 1

    def pairs(self) -> list[list[int]]:
        return [[c, o] for c, o in zip(self.clean, self.orig, strict=True)]

    @classmethod
    def from_pairs(cls, pairs) -> OffsetMap:
        return cls([p[0] for p in pairs], [p[1] for p in pairs])


class Builder:
    """Appends original characters, normalised, while recording where each one came from."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.clean: list[int] = []  # breakpoints, as in OffsetMap
        self.orig: list[int] = []
        self.n = 0  # characters written
        self._next = -1  # the original index that would continue the current run
        self._space_pending: int | None = None

    def _emit(self, text: str, pos: int, linear: bool = True) -> None:
        if self._space_pending is not None:
            if self.n:
                self._put(" ", self._space_pending, True)
            self._space_pending = None
        self._put(text, pos, linear)

    def _put(self, text: str, pos: int, linear: bool) -> None:
        if linear:
            if pos != self._next:
                self.clean.append(self.n)
                self.orig.append(pos)
            self._next = pos + len(text)
        else:  # every character maps to the same original one ("…" -> "...")
            for i in range(len(text)):
                self.clean.append(self.n + i)
                self.orig.append(pos)
            self._next = -1
        self.out.append(text)
        self.n += len(text)

    def space(self, pos: int) -> None:
        """A separator: folded with neighbouring whitespace, never leading or trailing."""
        if self._space_pending is None:
            self._space_pending = pos

    def add(self, text: str, start: int, end: int, special: re.Pattern = _SPECIAL) -> None:
        """Append TEXT[START:END]. SPECIAL is for the tests: _SPECIAL_ALL gives the same output
        one whitespace run at a time."""
        if start < end and text[start].isspace():  # leading: never copied with a word
            self.space(start)
            lead = _LEADING_SPACE.match(text, start, end)
            if lead:
                start = lead.end()
        pos = start
        for m in special.finditer(text, start, end):
            i = m.start()
            if i > pos:
                self._emit(text[pos:i], pos)
            c = text[i]
            if c.isspace():
                self.space(i)
                pos = m.end()
                continue
            elif unicodedata.combining(c):
                if self.out and self._space_pending is None:
                    composed = unicodedata.normalize("NFC", self.out[-1][-1] + c)
                    if len(composed) == 1:
                        self.out[-1] = self.out[-1][:-1] + composed
                        self._next = -1
                    else:
                        self._emit(c, i)
                else:
                    self._emit(c, i)
            elif c in _REPLACE:
                rep = _REPLACE[c]
                self._emit(rep, i, linear=len(rep) == 1)
            elif not _drop(c):
                self._emit(c, i)
            pos = i + 1
        if pos < end:
            self._emit(text[pos:end], pos)

    def build(self) -> tuple[str, OffsetMap]:
        return "".join(self.out), OffsetMap(list(self.clean), list(self.orig))


def normalize_text(text: str) -> str:
    """The normalised form of a string (queries, catalog values, titles)."""
    b = Builder()
    b.add(text, 0, len(text))
    return b.build()[0]
