"""Known words of English and Spanish, for telling two words run together from one name.

The word lists are pyspellchecker's (MIT licence; word frequencies that ship inside the package).
A word counts as known when the list has it at least MIN_COUNT times: rarer entries are mostly
names and misspellings. The set of known words is built when the package is built
(perucases/_hatch_build.py writes perucases/data/lexicon.pickle, a `SortedWords`: read in 15 ms
where parsing the lists takes 0.19 s) and used while its key (pyspellchecker's version and
MIN_COUNT) is that of what is installed; otherwise it is built from the lists the first time a
document needs it. Either way it is kept for the process.
"""

from __future__ import annotations

import bisect
import functools
import gzip
import json
import unicodedata
from array import array
from collections.abc import Iterable, Iterator

from perucases.resources import dist_version, read_keyed, write_pickle

MIN_COUNT = 20
LANGUAGES = ("en", "es")


SHIPPED = "lexicon.pickle"  # in perucases/data/, when the package was built with it


def _key() -> str:
    return f"pyspellchecker-{dist_version('pyspellchecker')}-{MIN_COUNT}"


def _build() -> frozenset[str]:
    return frozenset(w for counts in _counts() for w, n in counts.items() if n >= MIN_COUNT)


class SortedWords:
    """A set of words kept as one text, the words sorted and joined by newlines, and where each
    starts: its file reads back in 15 ms, where a frozenset of the 244,000 known words took
    70 ms (every word a string made and hashed) in every process that met a run-together word.
    `in` is a binary search."""

    __slots__ = ("starts", "text")

    def __init__(self, words: Iterable[str]) -> None:
        ordered = sorted(w for w in set(words) if w and "\n" not in w)
        self.text = "\n".join(ordered)
        self.starts = array("L")  # (offsets into the text)
        at = 0
        for w in ordered:
            self.starts.append(at)
            at += len(w) + 1

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i: int) -> str:
        a = self.starts[i]
        b = self.text.find("\n", a)
        return self.text[a:] if b < 0 else self.text[a:b]

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        i = bisect.bisect_left(self, word)  # (the words, in order, as a sequence)
        return i < len(self.starts) and self[i] == word

    def __iter__(self) -> Iterator[str]:
        return iter(self.text.split("\n") if self.starts else ())


def write_shipped(path) -> str:
    """Build the set of known words and write it to PATH with its key, as the package's build
    does; the key."""
    key = _key()
    write_pickle(path, (key, SortedWords(_build())))
    return key


def _shipped_file():
    from importlib import resources

    return resources.files("perucases") / "data" / SHIPPED


def _shipped() -> SortedWords | None:
    """The set built with the package, if it was built from the pyspellchecker installed now."""
    return read_keyed(_shipped_file(), _key(), SortedWords)


@functools.cache
def _words() -> SortedWords | frozenset[str]:
    """The known words of every language, lowercased as the lists write them."""
    shipped = _shipped()
    return shipped if shipped is not None else _build()


def _counts() -> tuple[dict[str, int], ...]:
    """Each language's word counts, as the package ships them (no copy: a lookup checks the count)."""
    from importlib import resources

    out = []
    for lang in LANGUAGES:
        try:
            raw = (resources.files("spellchecker") / "resources" / f"{lang}.json.gz").read_bytes()
        except (ModuleNotFoundError, FileNotFoundError, OSError):  # pragma: no cover - a dependency
            continue
        out.append(json.loads(gzip.decompress(raw)))
    return tuple(out)


def _known(word: str) -> bool:
    return word in _words()


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def known_word(word: str) -> bool:
    """A word of the language (any case; "Perú" and "peru" alike), a number, or an acronym."""
    if word.isdigit() or (len(word) >= 2 and word.isupper()):
        return True
    low = word.casefold()
    return _known(low) or _known(_fold(low))
