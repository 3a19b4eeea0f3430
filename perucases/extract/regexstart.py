"""Where a regular expression's matches can start, read from its parse: `word_start_chars`.

The date patterns are tried only where a match can start (perucases.extract.timex `_scan`): the
regex engine would try each of them at every character of the stretches they run in. This module
proves, for one pattern, that every match starts at the start of a word (the pattern opens with
`(?<!\\w)` and whatever it consumes first is a word's character) and lists the characters a
match can start with. The proof is conservative: a construct it does not follow (a
back-reference, a negated set, `.`) makes it give up, and the pattern is then tried everywhere.
"""

from __future__ import annotations

import importlib
import re
import string
from typing import Any

# re's parser and its constants (Python 3.10: sre_parse, sre_constants)
_parser: Any = getattr(re, "_parser", None) or importlib.import_module("sre_parse")
_c: Any = getattr(re, "_constants", None) or importlib.import_module("sre_constants")

_WORD = re.compile(r"\w")
_ASCII_WORD = frozenset(c for c in map(chr, range(128)) if _WORD.match(c))
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_REPEATS = tuple(op for op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) if op is not None)
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)  # (3.11)
_MAX_RANGE = 0x3000  # a wider range of characters in a set is not checked one by one: no proof


def word_start_chars(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """The ASCII characters a match of PATTERN can start with, when every match starts at the
    start of a word (after a character that is not a word's, or at the text's start, at a word's
    character); None when that cannot be proved (see the module's note), or when the pattern can
    match the empty string. Characters outside ASCII are not listed: a match may start with any
    the pattern allows. (Words as Unicode has them: with re.ASCII or re.LOCALE, None.)"""
    if flags & (re.ASCII | re.LOCALE):
        return None  # its \w is not Unicode's: "é" would not be a word's character
    try:
        items = _parser.parse(pattern, flags).data
    except re.error:
        return None
    if not items:
        return None
    op, av = items[0]
    if not (op is _c.ASSERT_NOT and av[0] == -1 and av[1].data == [(_c.IN, [(_c.CATEGORY, _c.CATEGORY_WORD)])]):
        return None
    chars: set[str] = set()
    words, empty = _first(items, chars)
    if not words or empty:
        return None
    if flags & re.IGNORECASE:
        chars |= {c.swapcase() for c in chars}  # an ASCII letter matches its other case
        if not pattern.isascii():
            chars |= set(string.ascii_letters)  # and some letters outside ASCII match ASCII ones ("ſ", "K")
    return frozenset(chars)


def _first(items, chars: set[str]) -> tuple[bool, bool]:
    """Add to CHARS the ASCII characters ITEMS can consume first: (is every character they can
    consume first a word's?, can they match the empty string?)."""
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is _c.LITERAL:
            return _add(chars, av), False
        if op is _c.IN:
            return all(_add_item(chars, o, a) for o, a in av), False
        if op is _c.BRANCH:
            got = [_first(branch, chars) for branch in av[1]]
        elif op is _c.SUBPATTERN:
            got = [_first(av[-1], chars)]
        elif op in _REPEATS:
            words, empty = _first(av[2], chars)
            got = [(words, empty or av[0] == 0)]
        elif _ATOMIC is not None and op is _ATOMIC:
            got = [_first(av, chars)]
        else:
            return False, False  # (a back-reference, ".", a conditional: not followed)
        if not all(words for words, _ in got):
            return False, False
        if not any(empty for _, empty in got):
            return True, False
        # one way through it consumes nothing: what comes after it can come first
    return True, True


def _add(chars: set[str], code: int) -> bool:
    c = chr(code)
    if _WORD.match(c) is None:
        return False
    if c.isascii():
        chars.add(c)
    return True


def _add_item(chars: set[str], op, av) -> bool:
    """Add the ASCII characters of one member of a set; False if one of its characters is not a word's."""
    if op is _c.LITERAL:
        return _add(chars, av)
    if op is _c.RANGE:
        lo, hi = av
        return hi - lo <= _MAX_RANGE and all([_add(chars, c) for c in range(lo, hi + 1)])
    if op is _c.CATEGORY and av in (_c.CATEGORY_WORD, _c.CATEGORY_UNI_WORD):
        chars |= _ASCII_WORD
        return True
    if op is _c.CATEGORY and av in (_c.CATEGORY_DIGIT, _c.CATEGORY_UNI_DIGIT):
        chars |= set(string.digits)
        return True
    return False
