"""Word lists the entity and place stages share, folded (accents off, lower case), read once
from perucases/data: given names and month names. A leaf module: perucases.extract.entities and
perucases.extract.places both ask it, and neither imports the other for it."""

from __future__ import annotations

import functools

from perucases.extract.gazetteer import fold
from perucases.resources import data_lines, data_toml


@functools.cache
def first_names() -> frozenset[str]:
    return frozenset(fold(n) for n in data_lines("first_names.txt"))


@functools.cache
def month_names() -> frozenset[str]:
    out = set()
    for lang in data_toml("months.toml").values():
        for forms in lang.values():
            out |= {fold(f) for f in forms}
    return frozenset(out)
