"""What the libraries under a reader say about one file, caught and said once, naming the file.

pypdf, trafilatura, htmldate and python-docx warn through `logging` and `warnings` ("fontTools is
required to fully parse the encoding...", "EOF marker not found"); printed as they come, dozens of
such lines reach the terminal without saying which file they are about. `caught()` collects them
while one file is read, and `summary()` turns them into one short line for the file's warning.
"""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

LIBRARIES = ("pypdf", "trafilatura", "htmldate", "courlan", "justext", "docx", "lxml", "charset_normalizer")


class _Handler(logging.Handler):
    def __init__(self, out: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.out = out

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.out.append(record.getMessage())
        except Exception:  # a library's malformed log call must not stop reading
            self.out.append(str(record.msg))


@functools.cache
def _loggers() -> list[logging.Logger]:
    """The libraries' loggers (logging keeps one a name for the process: looked up once)."""
    return [logging.getLogger(name) for name in LIBRARIES]


@contextmanager
def caught() -> Iterator[list[str]]:
    """Collect the libraries' warnings (logging records of WARNING and above, and `warnings`)
    into the list yielded, instead of printing them."""
    messages: list[str] = []
    handler = _Handler(messages)
    loggers = _loggers()
    saved = [(lg.propagate, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.propagate = False
    root = logging.getLogger()  # any other library's warnings: caught too, never an unprefixed line
    root.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            yield messages
        messages.extend(str(w.message) for w in warned)
    finally:
        root.removeHandler(handler)
        for lg, (propagate, level) in zip(loggers, saved, strict=True):
            lg.removeHandler(handler)
            lg.propagate = propagate
            if lg.level != level:  # a library changed it (setLevel clears every logger's cache)
                lg.setLevel(level)


def summary(messages: list[str]) -> str | None:
    """One short line for what was caught: each kind of message once, the first two spelled out."""
    out: list[str] = []
    for m in messages:
        low = m.lower()
        if "fonttools" in low or ("font" in low and "encoding" in low):
            s = "font encoding incomplete (some characters may be missing)"
        elif any(k in low for k in ("eof marker", "xref", "wrong pointing object", "object streams", "trailer")):
            s = "damaged cross-reference table (read by repairing it)"
        else:
            s = " ".join(m.split())[:120]
        if s and s not in out:
            out.append(s)
    if not out:
        return None
    more = f" (and {len(out) - 2} more)" if len(out) > 2 else ""
    return "; ".join(out[:2]) + more
