"""Errors a user can cause. The command line prints them on one line and exits 2.

The library's errors form a small hierarchy under LibraryError:

    LibraryError
      InvalidArgument     a value the library cannot take (its `param` names the parameter)
        QueryTooCostly    a query over one of perucases.library.limits' limits
      NotFound            no document or entity by that id or name
      IndexUnavailable    the index cannot be read or written now
        IndexBusy, IndexWriteError, IndexDamaged
      QueryTimeout        a query that ran past its time limit

A message names the library's parameters as the library spells them ("limit must be at least
1"); `worded(names)` names them as a caller does (the command line: "--limit must be at least 1").
"""

from __future__ import annotations

from collections.abc import Mapping


class PerucasesError(Exception):
    """A usage or input error: bad query, unknown id, unreadable corpus path."""

    exit_code = 2


class LibraryError(PerucasesError):
    """An error of the library. MESSAGE is the text, or, with PARAM or VALUES, a template: its
    fields are VALUES (the user's input, never read as a template) and parameter names
    ("{limit} must be at least 1"), which `worded` fills in."""

    def __init__(self, message: str, *, param: str | None = None, **values):
        self.template, self.param, self.values = message, param, values
        super().__init__(self.worded())

    def worded(self, names: Mapping[str, str] | None = None) -> str:
        """The message with each parameter named as NAMES maps it (as the library calls it when
        NAMES does not have it)."""
        if self.param is None and not self.values:
            return self.template
        import string  # (here: the start-up of every command loads this module, few errors are worded)

        names = names or {}
        params = {
            field: names.get(field, field)
            for _, field, _, _ in string.Formatter().parse(self.template)
            if field and field not in self.values
        }
        return self.template.format(**params, **self.values)


class InvalidArgument(LibraryError):
    """A value the library cannot take: a bad query, an unknown type, a limit under 1."""


class QueryTooCostly(InvalidArgument):
    """A query over one of the limits of perucases.library.limits."""


class NotFound(LibraryError):
    """No document with that id, no entity with that name."""


class QueryTimeout(LibraryError):
    """A query that ran past its time limit."""


class IndexUnavailable(LibraryError):
    """The index cannot be read or written now: missing, unreadable, busy or damaged."""


class IndexBusy(IndexUnavailable):
    """Another process holds the index's write lock for longer than we wait."""


class IndexWriteError(IndexUnavailable):
    """The index could not be written (a full disk, no permission, a dead extraction process):
    the update stopped and the index is as it was. REASON is the cause alone ("No space left on
    device"), for a query that answers from the index as it is."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason or message


class IndexDamaged(IndexUnavailable):
    """An index file cannot be read while no writer is changing it: the index must be rebuilt."""


def shorten(value: str, n: int = 80) -> str:
    """VALUE cut to N characters for a one-line message that echoes the user's input."""
    return value if len(value) <= n else value[: n - 1] + "…"


def is_utf8(value: str) -> bool:
    """Can VALUE be written as UTF-8? (Only lone surrogates cannot: one encode finds them, in a
    fraction of the time a look at each character takes.)"""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(value: str | None, what: str, param: str | None = None) -> None:
    """Refuse text with lone surrogates: bytes from the command line that are not UTF-8 (Python
    keeps them as surrogates), which no index, terminal or file can hold. WHAT names the value
    in the message ("the query"); or PARAM, the parameter it was given as."""
    if value and not is_utf8(value):
        if param is not None:
            raise InvalidArgument("{" + param + "} is not valid text: it holds bytes that are not UTF-8", param=param)
        raise InvalidArgument(f"{what} is not valid text: it holds bytes that are not UTF-8")
