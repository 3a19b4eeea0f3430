"""Filters on documents' metadata: a date interval, a publisher, a language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from perucases.errors import InvalidArgument, check_text

if TYPE_CHECKING:
    from perucases.dates import PartialDate


@dataclass(frozen=True)
class Filters:
    date_from: PartialDate | None = None
    date_to: PartialDate | None = None
    publisher: str | None = None
    lang: str | None = None

    @classmethod
    def parse(
        cls,
        date_from: str | None = None,
        date_to: str | None = None,
        publisher: str | None = None,
        lang: str | None = None,
    ) -> Filters:
        f = parse_date_option(date_from, "date_from")
        t = parse_date_option(date_to, "date_to")
        if f and t and f.start > t.end:
            raise InvalidArgument("{date_from} {f} is after {date_to} {t}", param="date_from", f=f, t=t)
        if lang is not None and lang.lower() not in ("en", "es"):
            raise InvalidArgument("{lang} must be en or es, not {value!r}", param="lang", value=lang)
        check_text(publisher, "publisher", "publisher")
        check_text(lang, "lang", "lang")
        if publisher is not None and not publisher.strip():
            raise InvalidArgument("{publisher} needs a name", param="publisher")
        return cls(f, t, publisher, lang.lower() if lang else None)

    def queries(self) -> list:
        from whoosh import query as Q  # (only now: the CLI parses filters at start-up)

        from perucases.index.schema import folding_analyzer

        out = []
        if self.date_from or self.date_to:
            lo = dt.datetime.combine(self.date_from.start, dt.time()) if self.date_from else None
            hi = dt.datetime.combine(self.date_to.end, dt.time()) if self.date_to else None
            # A document's date is an interval (2003 = 2003-01-01..2003-12-31): it must overlap.
            if hi is not None:
                out.append(Q.DateRange("date_start", None, hi))
            if lo is not None:
                out.append(Q.DateRange("date_end", lo, None))
        if self.publisher:
            words = [t.text for t in folding_analyzer()(self.publisher)]
            if not words:
                raise InvalidArgument(
                    "{publisher} {value!r} has no words to match", param="publisher", value=self.publisher
                )
            out.append(Q.And([Q.Term("publisher", w) for w in words]))
        if self.lang:
            out.append(Q.Term("lang", self.lang))
        return out

    def describe(self) -> list[str]:
        out = []
        if self.date_from:
            out.append(f"date overlaps from {self.date_from.start}")
        if self.date_to:
            out.append(f"date overlaps until {self.date_to.end}")
        if self.publisher:
            out.append(f"publisher has the words of {self.publisher!r}")
        if self.lang:
            out.append(f"language is {self.lang}")
        return out


def parse_date_option(value: str | None, param: str) -> PartialDate | None:
    """VALUE, given as the parameter PARAM, as a date at the precision it has; None for None."""
    if value is None:
        return None
    check_text(value, param, param)
    from perucases.dates import parse_partial_date  # (only now: the CLI parses filters before a search)

    d = parse_partial_date(value)
    if d is None:
        raise InvalidArgument(
            "{" + param + "}: {value!r} is not a date (try 1997, 1997-04, 1997-04-22 or 'April 1997')",
            param=param,
            value=value,
        )
    return d
