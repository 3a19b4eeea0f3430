"""Character normalisation for matching, with a map back to the original characters.

Cleaned text uses straight quotes, ASCII hyphens, single spaces and composed accents, so that
search and extraction see one form; `OffsetMap` turns any span of cleaned text back into the span
of the original text it came from, so that quotes can be taken character for character.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass

_REPLACE = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    "\u2026": "...",
}
_DROP = set("\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff")
_PRIVATE = range(0xE000, 0xF900)  # private use: reserved by the highlighter


def _is_space(c: str) -> bool:
    return c.isspace() or unicodedata.category(c) == "Zs"


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
        return [[c, o] for c, o in zip(self.clean, self.orig)]

    @classmethod
    def from_pairs(cls, pairs) -> OffsetMap:
        return cls([p[0] for p in pairs], [p[1] for p in pairs])


class Builder:
    """Appends original characters, normalised, while recording where each one came from."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.src: list[int] = []
        self._space_pending: int | None = None

    def _emit(self, ch: str, pos: int) -> None:
        if self._space_pending is not None:
            if self.out:
                self.out.append(" ")
                self.src.append(self._space_pending)
            self._space_pending = None
        self.out.append(ch)
        self.src.append(pos)

    def space(self, pos: int) -> None:
        """A separator: folded with neighbouring whitespace, never leading or trailing."""
        if self._space_pending is None:
            self._space_pending = pos

    def add(self, text: str, start: int, end: int) -> None:
        for pos in range(start, end):
            c = text[pos]
            if _is_space(c):
                self.space(pos)
            elif _drop(c):
                continue
            elif unicodedata.combining(c) and self.out and self._space_pending is None:
                composed = unicodedata.normalize("NFC", self.out[-1] + c)
                if len(composed) == 1:
                    self.out[-1] = composed
                else:
                    self._emit(c, pos)
            else:
                rep = _REPLACE.get(c)
                if rep is None:
                    self._emit(c, pos)
                else:
                    for r in rep:
                        self._emit(r, pos)

    def build(self) -> tuple[str, OffsetMap]:
        clean, orig = [], []
        prev = None
        for i, pos in enumerate(self.src):
            if prev is None or pos != prev + 1:
                clean.append(i)
                orig.append(pos)
            prev = pos
        return "".join(self.out), OffsetMap(clean, orig)


def normalize_text(text: str) -> str:
    """The normalised form of a string (queries, catalog values, titles)."""
    b = Builder()
    b.add(text, 0, len(text))
    return b.build()[0]
