"""Regular expressions compiled when the package is built, not in every process that reads a file.

The date and publication-date patterns are long (hundreds of alternatives: month names, numbers in
words, cue words), and `re.compile` spent about 0.12 s on them in every index build, a quarter of
a small update's time. `re.compile` parses a pattern in Python, turns it into the regex engine's
code, and hands that code to `_sre.compile`, which makes the Pattern. The package's build
(perucases/_hatch_build.py) keeps the code of each of these patterns in data/patterns.pickle;
`compile` here hands it to `_sre.compile` directly (a few milliseconds for all of them).

The file is used only by the Python it was made with (its version string and the regex engine's
magic number, code size and limits): any other Python, and any pattern not in the file, compiles
as usual. Either way the result is the same Pattern: CPython's Pattern equality compares the
engine code, and a test holds every shipped pattern equal to what `re.compile` makes of it.
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from array import array
from collections.abc import Callable
from importlib import resources
from typing import Any

from perucases.resources import read_keyed, write_pickle

SHIPPED = "patterns.pickle"

_sre: Any = importlib.import_module("_sre")  # (CPython's regex engine; no type stubs)

# While the package is built: (pattern, flags) -> what re.compile handed to _sre.compile.
_recording: dict[tuple[str, int], tuple] | None = None


def engine() -> str:
    """What the shipped code is valid for: this Python and its regex engine."""
    return repr((sys.implementation.cache_tag, sys.version, _sre.MAGIC, _sre.CODESIZE, _sre.MAXREPEAT, _sre.MAXGROUPS))


@functools.cache
def _shipped() -> dict[tuple[str, int], tuple]:
    return read_keyed(resources.files("perucases") / "data" / SHIPPED, engine(), dict) or {}


# Flags whose compiled code is not the pattern's alone: DEBUG prints while compiling, LOCALE
# depends on the locale of the moment. Never shipped (no pattern of perucases uses them).
_UNSHIPPED_FLAGS = re.DEBUG | re.LOCALE


def compile(pattern: str, flags: int = 0) -> re.Pattern:
    """re.compile(PATTERN, FLAGS), from the code shipped with the package when it holds it."""
    if not isinstance(pattern, str) or flags & _UNSHIPPED_FLAGS:
        return re.compile(pattern, flags)
    if _recording is not None:
        _recording[(pattern, int(flags))] = _engine_arguments(pattern, flags)
        return re.compile(pattern, flags)
    args = _shipped().get((pattern, int(flags)))
    if args is not None:
        try:
            return _made(pattern, args)
        except (TypeError, ValueError, RuntimeError, OverflowError, MemoryError):
            pass  # a damaged entry: compiled as usual
    return re.compile(pattern, flags)


def _made(pattern: str, args: tuple) -> re.Pattern:
    """The Pattern of PATTERN from its shipped engine arguments (see `_engine_arguments`)."""
    got_flags, packed, groups, groupindex, indexgroup = args
    return _sre.compile(pattern, got_flags, _code_list(packed), groups, groupindex, indexgroup)


@functools.cache
def _typecode() -> str:
    """The array type of the engine's code words (_sre.CODESIZE bytes each)."""
    return next(t for t in "IL" if array(t).itemsize == _sre.CODESIZE)


def _code_list(packed: bytes) -> list[int]:
    """A pattern's engine code as `_sre.compile` takes it (a list), from its packed form (the file
    holds bytes: read in well under a millisecond, where lists of ints took 5 ms)."""
    code = array(_typecode())
    code.frombytes(packed)
    return code.tolist()


def _engine_arguments(pattern: str, flags: int) -> tuple:
    """What re's compiler hands to `_sre.compile` for PATTERN (after the pattern itself): flags,
    code (packed), groups, group index, index group. Only while the package is built."""
    compiler: Any = getattr(re, "_compiler", None) or importlib.import_module("sre_compile")  # (3.10: sre_compile)
    seen: list[tuple] = []
    real = _sre.compile

    def grab(*args):
        seen.append(args)
        return real(*args)

    _sre.compile = grab
    try:
        compiler.compile(pattern, flags)
    finally:
        _sre.compile = real
    if len(seen) != 1 or len(seen[0]) != 6 or seen[0][0] != pattern:
        raise RuntimeError(f"re's compiler no longer calls _sre.compile as perucases.compiled expects: {pattern!r}")
    _, got_flags, code, groups, groupindex, indexgroup = seen[0]
    packed = array(_typecode(), [int(c) for c in code]).tobytes()  # (re's opcodes are named ints)
    return int(got_flags), packed, int(groups), dict(groupindex), tuple(indexgroup)


def _same(a: re.Pattern, b: re.Pattern) -> bool:
    """The same Pattern: equal (text, flags and engine code) and with the same groups."""
    return a == b and a.groups == b.groups and dict(a.groupindex) == dict(b.groupindex)


def write_shipped(path, compile_all: Callable[[], None]) -> str:
    """Run COMPILE_ALL (which compiles the patterns through `compile`), write their engine code to
    PATH with this Python's `engine()` key, as the package's build does; how many. Each is checked
    against re.compile's own Pattern first: a difference, or no pattern at all (their builders
    already run and cached in this process), stops the build."""
    global _recording
    _recording = {}
    try:
        compile_all()
        table = _recording
    finally:
        _recording = None
    if not table:
        raise RuntimeError("perucases.compiled: no pattern was compiled: nothing to ship")
    for (pattern, flags), args in table.items():
        if not _same(_made(pattern, args), re.compile(pattern, flags)):
            raise RuntimeError(f"perucases.compiled: shipped code differs from re.compile's: {pattern!r}")
    write_pickle(path, (engine(), table))
    return f"{len(table)} patterns"
