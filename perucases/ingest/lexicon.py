"""Known words of English and Spanish, for telling two words run together from one name.

The word lists are pyspellchecker's (MIT licence; word frequencies that ship inside the package),
read the first time a document needs them and kept for the process. A word counts as known when
the list has it at least MIN_COUNT times: rarer entries are mostly names and misspellings.
"""

from __future__ import annotations

import functools
import gzip
import json
import unicodedata

MIN_COUNT = 20
LANGUAGES = ("en", "es")


@functools.lru_cache(maxsize=None)
def _words() -> frozenset[str]:
    from importlib import resources

    out: set[str] = set()
    for lang in LANGUAGES:
        try:
            raw = resources.files("spellchecker").joinpath("resources", f"{lang}.json.gz").read_bytes()
        except (ModuleNotFoundError, FileNotFoundError, OSError):  # pragma: no cover - a dependency
            continue
        out.update(w for w, n in json.loads(gzip.decompress(raw)).items() if n >= MIN_COUNT)
    return frozenset(out)


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def known_word(word: str) -> bool:
    """A word of the language (any case; "Perú" and "peru" alike), a number, or an acronym."""
    if word.isdigit() or (len(word) >= 2 and word.isupper()):
        return True
    low = word.casefold()
    words = _words()
    return low in words or _fold(low) in words
