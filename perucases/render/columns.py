"""Every command's columns: the JSON contract (field names, their order), in one place.

A column list names the fields of a command's rows (json, jsonl, csv and tsv give them all, in this
order; the table shows those with table=True). The functions below make a command's rows from what
the library returns, through the one serialiser, perucases.render.output.rows; README.md documents
the fields.
"""

from __future__ import annotations

from typing import Any

from perucases.render.locators import locator
from perucases.render.output import Column, plain, rows

# -- docs, search, show

DOC_COLUMNS = [
    Column("id", no_wrap=True),
    Column("title", ratio=1, min_width=20),
    Column("publisher", max_width=22, optional=True),
    Column("date", no_wrap=True),
    Column("date_source", "from", no_wrap=True, optional=True),
    Column("language", "lang", optional=True),
    Column("url", table=False),
    Column("path", table=False),
    Column("words", justify="right", optional=True),
    Column("paragraphs", "paras", justify="right", optional=True),
    Column("authors", table=False),
    Column("duplicates", table=False),
]
SEARCH_COLUMNS = [
    Column("rank", "#", justify="right", no_wrap=True, optional=True),
    Column("id", no_wrap=True),
    Column("title", ratio=1, min_width=12),
    Column("publisher", max_width=18, optional=True),
    Column("date", no_wrap=True),
    Column("score", justify="right", no_wrap=True, optional=True),
    Column("paragraph", "¶", justify="right"),
    Column("snippet", ratio=3, min_width=20),
    Column("entities", table=False),
    Column("page", table=False),
    Column("partial", table=False),
    Column("missing", table=False),
]
# When no document has every word of a plain query, the table also says which words each lacks.
PARTIAL_SEARCH_COLUMNS = [*SEARCH_COLUMNS[:-1], Column("missing", "lacks", max_width=20)]
PARAGRAPH_COLUMNS = [
    Column("id", no_wrap=True),
    Column("paragraph", "¶", justify="right"),
    Column("start", justify="right"),
    Column("end", justify="right"),
    Column("text", ratio=1, min_width=30),
    Column("page", table=False),
]
# show --format json: each document's DOC_COLUMNS, then its paragraphs under this key, these fields.
SHOWN_PARAGRAPH_COLUMNS = PARAGRAPH_COLUMNS[1:]

# -- entities, entity

ENTITY_COLUMNS = [
    Column("name", ratio=1, min_width=16),
    Column("type", no_wrap=True),
    Column("mentions", justify="right"),
    Column("documents", "docs", ratio=1, min_width=20, optional=True),
    Column("aliases", ratio=2, min_width=20, optional=True),
]
PAIR_COLUMNS = [
    Column("a", ratio=1, min_width=14),
    Column("a_type", "type", optional=True),
    Column("b", ratio=1, min_width=14),
    Column("b_type", "type", optional=True),
    Column("count", "¶", justify="right"),
    Column("paragraphs", ratio=2, min_width=20, optional=True),
]
MENTION_COLUMNS = [
    Column("id", no_wrap=True),
    Column("paragraph", "¶", justify="right"),
    Column("context", ratio=1, min_width=30),
]
# entity --format json: one object with these fields; mentions, cooccurs and events are lists of rows.
ENTITY_DETAIL_FIELDS = [
    Column(f) for f in ("name", "type", "aliases", "description", "documents", "mentions", "cooccurs", "events")
]
COOCCUR_FIELDS = [Column(f) for f in ("name", "type", "count")]
ENTITY_EVENT_FIELDS = [Column(f) for f in ("date", "id", "paragraph", "sentence")]

# -- timeline

TIMELINE_COLUMNS = [
    Column(f)
    for f in (
        "date",
        "start",
        "end",
        "precision",
        "expression",
        "relative",
        "kind",
        "id",
        "paragraph",
        "sentence",
        "entities",
        "sources",
        "page",
    )
]

# -- cite

QUOTE_COLUMNS = [
    Column("rank", "#", justify="right", no_wrap=True, optional=True),
    Column("quote", ratio=3, min_width=24),
    Column("citation", "source", ratio=2, min_width=16),
    Column("locator", "where", no_wrap=True),
    Column("id", table=False),
    Column("paragraph", table=False),
    Column("sentence", table=False),
    Column("page", table=False),
    Column("start", table=False),
    Column("end", table=False),
    Column("cut_start", table=False),
    Column("cut_end", table=False),
    Column("text", table=False),
    Column("sha256", table=False),
    Column("title", table=False),
    Column("publisher", table=False),
    Column("date", table=False),
    Column("reference", table=False),
    Column("style", table=False),
    Column("score", table=False),
]
REFERENCE_COLUMNS = [
    Column("id", no_wrap=True),
    Column("reference", ratio=3, min_width=30),
    Column("citation", table=False),
    Column("style", table=False),
]
SOURCE_COLUMNS = [
    Column("kind", no_wrap=True),
    Column("work", ratio=2, min_width=20),
    Column("publisher", optional=True),
    Column("date", no_wrap=True, optional=True),
    Column("locator", "where", no_wrap=True),
    Column("text", "sentence", ratio=3, min_width=20),
    Column("id", table=False),
    Column("paragraph", table=False),
    Column("sentence", table=False),
    Column("start", table=False),
    Column("end", table=False),
]
CHECK_COLUMNS = [
    Column("line", justify="right", no_wrap=True),
    Column("status", no_wrap=True),
    Column("id", no_wrap=True),
    Column("paragraph", "¶", justify="right"),
    Column("detail", ratio=2, min_width=20),
    Column("quote", ratio=2, min_width=20, optional=True),
    Column("start", table=False),
    Column("end", table=False),
]


def paragraph_rows(selected) -> list[dict]:
    """show: a row per paragraph shown, from (DocText, [ParagraphText]) pairs."""
    out = []
    for d, paras in selected:
        out += [{"id": d.info.id, **row} for row in rows(paras, SHOWN_PARAGRAPH_COLUMNS, paragraph=lambda p: p.n)]
    return out


def shown_documents(selected) -> list[dict]:
    """show --format json: each document's fields and the paragraphs shown."""
    return [
        {
            **rows([d.info], DOC_COLUMNS)[0],
            "paragraphs_shown": rows(paras, SHOWN_PARAGRAPH_COLUMNS, paragraph=lambda p: p.n),
        }
        for d, paras in selected
    ]


def entity_detail(d) -> dict[str, Any]:
    """entity --format json: the entity, its mentions (plain text), co-occurrences and events."""
    return rows(
        [d],
        ENTITY_DETAIL_FIELDS,
        mentions=lambda d: rows(d.mentions, MENTION_COLUMNS, context=lambda m: plain(m.context)),
        cooccurs=lambda d: rows(d.cooccurs, COOCCUR_FIELDS),
        events=lambda d: rows(d.events, ENTITY_EVENT_FIELDS),
    )[0]


def quote_rows(quotes) -> list[dict]:
    return rows(quotes, QUOTE_COLUMNS, locator=lambda q: locator(q.id, q.paragraph, q.sentence, q.page))


def reference_rows(formatted) -> list[dict]:
    """A row per bibliography entry of a perucases.cite.csl.Formatted, in the style's order."""
    return rows(
        formatted.bibliography,
        REFERENCE_COLUMNS,
        id=lambda entry: entry[0],
        reference=lambda entry: entry[1],
        style=lambda entry: formatted.style,
    )


def source_rows(works) -> list[dict]:
    return rows(works, SOURCE_COLUMNS, locator=lambda w: locator(w.id, w.paragraph, w.sentence))
