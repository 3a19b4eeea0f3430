"""What one query may cost: limits on the query forms whose cost grows with the index, and a
time limit for the rest.

Whoosh expands a wildcard, a prefix, a range or a fuzzy word into every index word it matches,
and searches them all: on 21,578 Reuters stories `*e*` took 28 s, `[a TO z]` 30 s and 466 MB,
`t*` 20 s, 300 fuzzy words 96 s; its query parser recursed once a parenthesis (1,000 of them
raised RecursionError). So a query may have at most:

- MAX_QUERY characters and MAX_DEPTH levels of parentheses;
- MAX_WORDS words (each is looked up in every field of both languages);
- MAX_FUZZY fuzzy words (`word~`, `word~2`), with an edit distance of at most MAX_DISTANCE, and
  their first letter right (whoosh would otherwise compare every word of the index: 1.6 s a
  fuzzy word on 21,578 stories; with the first letter, a tenth of that);
- MAX_EXPANSIONS index words matched by its wildcards, prefixes, ranges and fuzzy words
  together (`tortur*` has 6 on the same stories, `t*` 2,086).

A query over a limit is refused with a one-line error saying which, before it runs. What no
limit catches is bounded by `time_limit` (the command line's --timeout: 30 s by default). "Did you
mean" only compares a word with index words of about its length (store.near_words), so a
huge word costs nothing there.
"""

from __future__ import annotations

import re
import signal
import threading

from whoosh import query as Q

from perucases.errors import QueryTimeout, QueryTooCostly, shorten

__all__ = ["QueryTimeout", "QueryTooCostly", "check_parsed", "check_text", "time_limit"]

MAX_QUERY = 4096  # characters
MAX_DEPTH = 20  # levels of parentheses
MAX_WORDS = 100
MAX_FUZZY = 8
MAX_DISTANCE = 2
MAX_EXPANSIONS = 1000


_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


def check_text(text: str) -> None:
    """The limits that can be checked on the query's text, before it is parsed."""
    if len(text) > MAX_QUERY:
        raise QueryTooCostly(f"the query is {len(text):,} characters long; the limit is {MAX_QUERY:,}")
    depth = deepest = 0
    outside = re.sub(r'"[^"]*"', " ", text)
    for c in outside:
        if c == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif c == ")":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise QueryTooCostly(f"the query nests {deepest} levels of parentheses; the limit is {MAX_DEPTH}")
    fuzzy = [w for w in re.findall(r"[^\s()\"]+", outside) if re.search(r"\S~[0-9]?(/[0-9]+)?$", w)]
    if len(fuzzy) > MAX_FUZZY:
        raise QueryTooCostly(f"the query has {len(fuzzy)} fuzzy words (~); the limit is {MAX_FUZZY}")
    for w in fuzzy:
        m = re.search(r"~([0-9])", w)
        if m and int(m.group(1)) > MAX_DISTANCE:
            raise QueryTooCostly(f"{shorten(w, 40)}: an edit distance of at most {MAX_DISTANCE} (~ or ~2)")
    words = [w for w in re.findall(r"[^\s()\"]+", text) if w not in _OPERATORS]
    if len(words) > MAX_WORDS:
        raise QueryTooCostly(f"the query has {len(words):,} words; the limit is {MAX_WORDS}")


def check_parsed(q, reader) -> None:
    """The limits on what the parsed query Q expands to in the index READER reads: fuzzy words
    (their number, distance and a first letter that must match, set here) and the index words
    wildcards, prefixes, ranges and fuzzy words match (counted up to the limit, no further)."""
    leaves = list(_leaves(q))
    for leaf in (x for x in leaves if isinstance(x, Q.FuzzyTerm)):
        if leaf.maxdist > MAX_DISTANCE:
            raise QueryTooCostly(f"{leaf.text}~{leaf.maxdist}: an edit distance of at most {MAX_DISTANCE} (~ or ~2)")
        leaf.prefixlength = max(1, leaf.prefixlength)
    expanded = 0
    for leaf in leaves:
        if not isinstance(leaf, Q.MultiTerm) or leaf.fieldname not in reader.schema:
            continue
        for _ in leaf._btexts(reader):
            expanded += 1
            if expanded > MAX_EXPANSIONS:
                raise QueryTooCostly(
                    f"{_describe(leaf)} matches more than {MAX_EXPANSIONS:,} words of the index "
                    f"(with the rest of the query); make it more specific"
                )


def _leaves(q):
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from _leaves(child)


def _describe(leaf) -> str:
    if isinstance(leaf, Q.TermRange):
        return f"the range [{leaf.start or ''} TO {leaf.end or ''}]"
    if isinstance(leaf, Q.FuzzyTerm):
        return f"the fuzzy word {shorten(leaf.text, 40)}~{leaf.maxdist}"
    if isinstance(leaf, Q.Prefix):
        return f"the prefix {shorten(leaf.text, 40)}*"
    if isinstance(leaf, Q.Wildcard):
        return f"the wildcard {shorten(leaf.text, 40)}"
    return f"{type(leaf).__name__} {shorten(str(leaf), 40)}"


class time_limit:
    """`with time_limit(seconds):` raises QueryTimeout in the block once SECONDS have passed
    (Unix, main thread: a timer signal; elsewhere, or with no SECONDS, no limit). Whoosh is
    pure Python, so the signal stops a search wherever it is."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.armed = False

    def __enter__(self):
        if (
            not self.seconds
            or self.seconds <= 0
            or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()
        ):
            return self
        seconds = self.seconds

        def expired(signum, frame):
            raise QueryTimeout(
                "the query took longer than {seconds:g} s and was stopped ({timeout}); make it more specific",
                param="timeout",
                seconds=seconds,
            )

        self.previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        self.armed = True
        return self

    def __exit__(self, *exc):
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False
