"""The timeline: dated events from the index, filtered by index queries, grouped into happenings.

Every filter is a Whoosh query on the doc records of documents with events (date interval, entity,
document, words of the sentence), and each event of the records found is checked against it; the
precision, a property of each value, is checked on the events alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from whoosh import query as Q

from perucases.errors import InvalidArgument, check_text
from perucases.index import records
from perucases.index.schema import analyzer, months_between
from perucases.library.filters import Filters

if TYPE_CHECKING:
    from perucases.library.library import Library

PRECISIONS = ("day", "month", "year")
# How precise each kind of value is, for --precision: a week is finer than a month, and so on.
RANK = {
    "day": 6,
    "week": 5,
    "month": 4,
    "quarter": 3,
    "season": 3,
    "half": 3,
    "year": 2,
    "interval": 2,
    "decade": 1,
    "century": 0,
}
NEED = {"day": 6, "month": 4, "year": 2}


@dataclass
class TimelineEvent:
    date: str  # ISO 8601 / TimeML value at the precision the text gives
    start: str | None  # calendar interval, ISO dates
    end: str | None
    precision: str
    expression: str
    relative: bool
    kind: str  # mention | title | publication
    id: str
    paragraph: int | None
    sentence: str
    entities: list[str]  # entity names
    sources: int = 1  # documents that state this happening (same date, same entities)
    unresolved: bool = field(default=False, repr=False)
    keys: list[str] = field(default_factory=list, repr=False)
    page: int | None = None  # PDF: the page of the paragraph

    @property
    def year(self) -> str:
        return (self.start or self.date)[:4] if (self.start or self.date[:4].isdigit()) else "undated"


def events(
    searcher,
    table: dict,
    date_from=None,
    date_to=None,
    entity_key: str | None = None,
    doc_id: str | None = None,
    grep: str | None = None,
    precision: str | None = None,
    sort: str = "date",
) -> list[TimelineEvent]:
    qs = [records.with_events()]
    lo = date_from.start.isoformat() if date_from is not None else None
    hi = date_to.end.isoformat() if date_to is not None else None
    window = months_between(date_from.start, date_to.end) if lo is not None and hi is not None else None
    if window is not None:
        # A short window: the records with an event in one of its months, or a long event (each
        # event is checked against the window below). Two open-ended ranges of day numbers took
        # 1.5 s of a one-month timeline on 21,578 stories; the years below would keep too many.
        qs.append(Q.Or([Q.Term("ev_month", m) for m in window] + [Q.Term("ev_month", "long")]))
    else:
        # the records with an event that starts by the window's last year and ends in its first or later
        if hi is not None:
            qs.append(Q.NumericRange("ev_first_year", None, date_to.end.year))
        if lo is not None:
            qs.append(Q.NumericRange("ev_last_year", date_from.start.year, None))
    if entity_key:
        qs.append(Q.Term("entities", entity_key))  # the documents that name it (each event is checked below)
    if doc_id:
        qs.append(Q.Term("id", doc_id))
    grep_words: dict[str, list[str]] = {}
    paras: set[tuple[str, int]] = set()
    if grep is not None:
        # The paragraphs that have the words come from the index; the event's own clause must have
        # them too, which is checked on its text with the same analysers.
        either = []
        for lang, fname in (("en", records.body_field("en")), ("es", records.body_field("es"))):
            words = [t.text for t in analyzer(lang)(grep)]
            if words:
                grep_words[lang] = words
                either.append(Q.And([Q.Term(fname, w) for w in words]))
        if not either:
            raise InvalidArgument("{grep} {value!r} has no words to look for", param="grep", value=grep)
        paras = {
            (st["id"], st["para"])
            for st in (
                searcher.stored_fields(n) for n in searcher.docs_for_query(records.of_kind(records.PARA, Q.Or(either)))
            )
        }
        if not paras:
            return []
        qs.append(Q.Or([Q.Term("id", i) for i in sorted({i for i, _ in paras})]))
    if precision is not None and precision not in PRECISIONS:
        raise InvalidArgument("{precision} must be one of {choices}", param="precision", choices=", ".join(PRECISIONS))
    events = []
    for n in searcher.docs_for_query(Q.And(qs)):
        st = searcher.stored_fields(n)
        for e in records.events_of(st):
            # The index found the documents; each event must pass the filters itself.
            if (lo or hi) and not e["first"]:
                continue
            if (hi and e["first"] > hi) or (lo and e["last"] < lo):
                continue
            if entity_key and entity_key not in e["entities"]:
                continue
            if precision and RANK.get(e["precision"], 0) < NEED[precision]:
                continue
            if grep_words and (
                (st["id"], e["paragraph"]) not in paras
                or not any(
                    set(ws) <= {t.text for t in analyzer(lang)(e["sentence"])} for lang, ws in grep_words.items()
                )
            ):
                continue
            names = [table[k].name for k in e["entities"] if k in table]
            events.append(
                TimelineEvent(
                    e["value"],
                    e["first"],
                    e["last"],
                    e["precision"],
                    e["expression"],
                    e["relative"],
                    e["kind"],
                    st["id"],
                    e["paragraph"],
                    e["sentence"],
                    names,
                    1,
                    e["unresolved"],
                    list(e["entities"]),
                    e.get("page"),
                )
            )
    _count_sources(events)
    if sort == "source":
        events.sort(key=lambda e: (e.id, e.paragraph or 0, e.start or "9999"))
    else:
        events.sort(
            key=lambda e: (
                e.start is None,
                e.start or "",
                -RANK.get(e.precision, 0),
                e.end or "",
                e.id,
                e.paragraph or 0,
            )
        )
    return events


def timeline(
    lib: Library,
    filters: Filters | None = None,
    entity: str | None = None,
    doc: str | None = None,
    grep: str | None = None,
    precision: str | None = None,
    sort: str = "date",
):
    """Dated events, in order; see `events`."""
    check_text(grep, "grep", "grep")
    filters = filters or Filters()
    ent_key = lib.resolve_entity(entity) if entity else None
    doc_id = lib.resolve(doc) if doc else None
    s = lib.searcher()
    return events(s, lib.entity_table(), filters.date_from, filters.date_to, ent_key, doc_id, grep, precision, sort)


def _count_sources(events: list[TimelineEvent]) -> None:
    """Events that share a date and their entities are one happening: count its documents."""
    docs: dict[tuple, set[str]] = {}
    for e in events:
        if e.keys and e.kind == "mention":
            docs.setdefault((e.date, frozenset(e.keys)), set()).add(e.id)
    for e in events:
        if e.keys and e.kind == "mention":
            e.sources = len(docs[(e.date, frozenset(e.keys))])


def happenings(events: list[TimelineEvent]) -> list[list[TimelineEvent]]:
    """Events grouped as happenings, in the order of their first event."""
    groups: dict[tuple, list[TimelineEvent]] = {}
    order = []
    for e in events:
        key = (e.date, frozenset(e.keys)) if e.keys and e.kind == "mention" else (id(e),)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(e)
    return [groups[k] for k in order]
