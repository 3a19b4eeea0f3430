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


@functools.cache
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
    return any(counts.get(word, 0) >= MIN_COUNT for counts in _counts())


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def known_word(word: str) -> bool:
    """A word of the language (any case; "Perú" and "peru" alike), a number, or an acronym."""
    if word.isdigit() or (len(word) >= 2 and word.isupper()):
        return True
    low = word.casefold()
    return _known(low) or _known(_fold(low))
