"""Wildcards, prefixes, ranges and fuzzy words (whoosh's MultiTerm queries) as perucases searches them.

`scope(q)` gives a query whose multi-word leaves are subclasses of whoosh's own (same names, same
fields, same str and repr); whoosh's classes are left as they are. `store.Index` and the library
parse user queries through it.

- whoosh searches such a word as an Or of a posting list for each index word it matches, with its
  block-quality machinery walking the whole tree at every few documents: `tra*` (163 words on
  21,578 stories) took 5 s, eight fuzzy words 30 s. When it matches more than MANY_TERMS words (and
  scores them all alike, as whoosh's wildcards, prefixes, ranges and fuzzy words do), it is here
  one sorted list of the records that have any of them (`AnyOf`), read from their posting lists
  once, with one score; it still names its words to the highlighter. Deleted records are left out
  as before (the posting lists skip them).
- The words such a query matches in a reader are found once and remembered by that reader
  (`expansions`, on `store`'s readers): whoosh looked for them again to estimate the query's size,
  to build its matcher, in every segment, for the documents and again for the paragraphs (eight
  fuzzy words: some 400 times).
"""

from __future__ import annotations

import copy
from typing import Any

from whoosh import matching
from whoosh.query import Or, Term, terms

MANY_TERMS = 16  # index words: a multi-word query matching more is searched as one list of records

# whoosh classes whose matcher turns the query into Every for one text; kept as whoosh's for it
_EVERY = {terms.Prefix: "", terms.Wildcard: "*", terms.Regex: ".*"}
_SCOPED: dict[type, type] = {}


class AnyOf(matching.ListMatcher):
    """The sorted records that have any of TERMS ((field, word) pairs), all scored BOOST."""

    def __init__(self, ids, boost, terms, i=0):
        super().__init__(ids, all_weights=boost, position=i)
        self._boost, self._terms = boost, terms

    def copy(self):
        return AnyOf(self._ids, self._boost, self._terms, self._i)

    def matching_terms(self, id=None):
        # Every word it stands for: the highlighter marks those a paragraph really has.
        if self.is_active() and (id is None or id == self.id()):
            yield from self._terms

    def term_matchers(self):
        # What a search with terms=True records for each hit (TermsCollector): a stand-in for
        # each word, matching where this does.
        for t in self._terms:
            yield TermOf(self, t)


class TermOf:
    __slots__ = ("_of", "_term")

    def __init__(self, of, term):
        self._of, self._term = of, term

    def is_active(self):
        return self._of.is_active()

    def id(self):
        return self._of.id()

    def term(self):
        return self._term


def _matcher(self, searcher, context=None):
    """MultiTerm.matcher: whoosh's Or of a Term a word up to MANY_TERMS words, one list above."""
    fieldname = self.field()
    reader = searcher.reader()
    words = [word for word in self._btexts(reader) if word]
    if not words:
        return matching.NullMatcher()
    if len(words) == 1:
        return Term(fieldname, words[0]).matcher(searcher, context)
    if self.constantscore and len(words) > MANY_TERMS:
        ids: set = set()
        for word in words:
            ids.update(reader.postings(fieldname, word).all_ids())
        if not ids:
            return matching.NullMatcher()
        field = reader.schema[fieldname]  # the terms as term matchers give them: bytes
        return AnyOf(
            sorted(ids), self.boost, [(fieldname, w if isinstance(w, bytes) else field.to_bytes(w)) for w in words]
        )
    if self.constantscore:  # as whoosh: the words' scores do not matter
        if context:
            context = context.set(weighting=None)
        else:
            from whoosh.searching import SearchContext

            context = SearchContext(weighting=None)
    return Or([Term(fieldname, w) for w in words], boost=self.boost).matcher(searcher, context)


def _remembered(btexts):
    """BTEXTS (a whoosh class's _btexts), remembered by a reader with `expansions` for the query's
    kind and its settings."""

    def _btexts(self, ixreader):
        memo = getattr(ixreader, "expansions", None)
        if memo is None:  # not one of perucases' readers
            return btexts(self, ixreader)
        key = (type(self), tuple(sorted((k, v) for k, v in vars(self).items() if k != "boost")))
        try:
            got = memo.get(key)
        except TypeError:  # a setting that cannot be a key
            return btexts(self, ixreader)
        if got is None:
            got = memo[key] = tuple(btexts(self, ixreader))
        return iter(got)

    return _btexts


def scoped_class(cls: Any) -> type:
    """perucases' subclass of CLS (a whoosh MultiTerm query class), made once."""
    got = _SCOPED.get(cls)
    if got is None:
        got = _SCOPED[cls] = type(
            cls.__name__, (cls,), {"__module__": __name__, "matcher": _matcher, "_btexts": _remembered(cls._btexts)}
        )
    return got


def _scope_leaf(q):
    cls = type(q)
    if not isinstance(q, terms.MultiTerm) or cls in _SCOPED.values():
        return q
    if cls in _EVERY:
        if q.text == _EVERY[cls]:
            return q
    elif cls.matcher is not terms.MultiTerm.matcher:  # a class with a matcher of its own
        return q
    out: Any = object.__new__(scoped_class(cls))
    out.__dict__.update(q.__dict__)
    return out


def scope(q):
    """Q with its wildcard, prefix, range and fuzzy leaves searched as perucases does (Q itself
    when it has none; otherwise copies of the nodes above them, every other setting kept)."""
    if q.is_leaf():
        return _scope_leaf(q)
    children = list(q.children())
    scoped = [scope(c) for c in children]
    if all(a is b for a, b in zip(children, scoped, strict=True)):
        return q
    out = copy.copy(q)
    if isinstance(getattr(q, "subqueries", None), (list, tuple)):
        out.subqueries = type(q.subqueries)(scoped)
    elif hasattr(q, "child") and len(scoped) == 1:
        out.child = scoped[0]
    elif hasattr(q, "query") and len(scoped) == 1:  # Not
        out.query = scoped[0]
    elif hasattr(q, "a") and hasattr(q, "b") and len(scoped) == 2:
        out.a, out.b = scoped
    else:  # (span queries) whoosh's own copy with new children
        return q.apply(scope)
    return out
