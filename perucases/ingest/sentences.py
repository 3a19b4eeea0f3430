"""Sentences of a cleaned paragraph, as character spans.

A sentence ends at . ! or ? (with any closing quotes or brackets) before white space and a
capital letter, a digit or an opening quote, unless the word before the full stop is an
abbreviation from data/abbreviations.txt ("Mr.", "Gen.", "U.S.", "Jan.") or a single capital
letter (an initial: "Jo-Marie J. Burt").
"""

from __future__ import annotations

import bisect
import functools
import re

from perucases.resources import data_lines

# (the mark is matched, not looked behind for: the regex engine then passes over every other
# character without trying the rest; group 1 is what follows the mark)
_END = re.compile(r"""[.!?](["'”’)\]]*\s+)(?=["“'‘(\[¿¡]?[A-ZÁÉÍÓÚÑÜ0-9])""")
_WORD_BEFORE = re.compile(r"([\w.ºª]+)\.$")


@functools.cache
def abbreviations() -> frozenset[str]:
    return frozenset(w.strip() for w in data_lines("abbreviations.txt") if w.strip())


def _abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at text[dot] ends an abbreviation or an initial."""
    m = _WORD_BEFORE.search(text, max(0, dot - 12), dot + 1)
    if not m:
        return False
    word = m.group(1)
    if len(word) == 1 and word.isupper():
        return True
    return word in abbreviations()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[(start, end), ...] of the sentences of TEXT, without surrounding white space."""
    out, start = [], 0
    for m in _END.finditer(text):
        stop = m.start()  # the sentence-final mark: the last . ! ? before any closing quotes
        if text[stop] == "." and _abbreviation(text, stop):
            continue
        end = m.start(1)
        while end > start and text[end - 1] in " ":
            end -= 1
        out.append((start, end))
        start = m.end()
    out.append((start, len(text.rstrip())))
    return [(a, b) for a, b in out if text[a:b].strip()]


_CLAUSE_BREAK = re.compile(r"\s*(?:;|:|,|\s-\s|\s--\s|\s—\s|\()\s*")


def clause_cuts(text: str, a: int, b: int) -> list[int]:
    """Where the clauses of the sentence text[a:b] begin, with a and b."""
    return [a] + [m.end() for m in _CLAUSE_BREAK.finditer(text, a, b) if a < m.start() and m.end() < b] + [b]


def clause_span(
    text: str, a: int, b: int, lo: int, hi: int, longest: int, shortest: int = 80, cuts: list[int] | None = None
) -> tuple[int, int]:
    """The clause(s) of the sentence text[a:b] that hold text[lo:hi], when the sentence is longer
    than LONGEST characters; widened clause by clause to at least SHORTEST characters. CUTS are
    clause_cuts(text, a, b) when the caller has them."""
    if b - a <= longest:
        return a, b
    if cuts is None:
        cuts = clause_cuts(text, a, b)
    i = max(0, bisect.bisect_right(cuts, lo) - 1)
    j = min(len(cuts) - 1, bisect.bisect_left(cuts, hi))
    while cuts[j] - cuts[i] < shortest and (i > 0 or j < len(cuts) - 1):
        if j < len(cuts) - 1:
            j += 1
        else:
            i -= 1
    return cuts[i], cuts[j]
