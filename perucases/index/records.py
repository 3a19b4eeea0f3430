"""The stored-record layout of a perucases index: one place that knows it.

A document is written as these records, one after the other, in this order (`document_records`):

  doc   its metadata, title and full text (document-level matching and filters); key: its id;
        when it has events, the events too (`events_of`), their dates indexed
  src   the original text and the offset maps (show --raw, quotes); key: `src_key(id)`
  para  one per paragraph, in order: its text, stored (in `body`, or `body_es` for Spanish)

Whoosh keeps a segment's documents in the order they were added, and a merge copies segments
in order, so a document's records stay together: its paragraph N is the record N + 1 after its
doc record (`paragraph_docnums`). Readers use that to find a document's paragraphs without a
search, and check what they read against the stored id.

Everything else asks this module for the kinds, the field of a paragraph's text, the src key
and the queries that select records; perucases.index.schema defines the fields themselves.
Whoosh is imported inside the functions that build queries: the writer's `perucases index`
with nothing to do, which imports this module, never loads it.
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from perucases.errors import IndexDamaged

if TYPE_CHECKING:
    from perucases.ingest.document import Document

DOC, SRC, PARA = "doc", "src", "para"  # the values of the `kind` field
HAS_EVENTS = "yes"  # the `timeline` field's value on the doc record of a document with events
BODY_FIELDS = ("body", "body_es")  # a paragraph's text: English (and other) / Spanish
# A document's first paragraph is this many records after its doc record (doc, src, para 1, ...).
FIRST_PARAGRAPH = 2


def src_key(doc_id: str) -> str:
    """The unique key of a document's src record (its doc record's key is its id)."""
    return f"{doc_id}\x00src"


def body_field(lang: str) -> str:
    """The field a paragraph's text is in, for a document in LANG."""
    return "body_es" if lang == "es" else "body"


def body_field_of(stored: dict) -> str:
    """The field a stored paragraph record has its text in."""
    return "body" if "body" in stored else "body_es"


def lang_of(stored: dict) -> str:
    """The analyser's language of a stored paragraph record: "es" or "en"."""
    return "es" if "body_es" in stored else "en"


def body_text(stored: dict) -> str:
    """The text of a stored paragraph record ("" for none)."""
    return stored.get("body") or stored.get("body_es") or ""


def paragraph_docnums(doc_docnum: int, count: int) -> range:
    """The docnums of the COUNT paragraph records of the document whose doc record is DOC_DOCNUM
    (the order contract above: callers check the stored id of what they read)."""
    return range(doc_docnum + FIRST_PARAGRAPH, doc_docnum + FIRST_PARAGRAPH + count)


def of_kind(kind: str, *more: Any):
    """A query for the records of KIND (and MORE queries)."""
    from whoosh import query as Q  # (only when a query is made: see the module's note)

    return Q.And([Q.Term("kind", kind), *more]) if more else Q.Term("kind", kind)


def paragraphs_of(doc_id: str, *more: Any):
    """A query for the paragraph records of DOC_ID (and MORE queries)."""
    from whoosh import query as Q  # (only when a query is made: see the module's note)

    return of_kind(PARA, Q.Term("id", doc_id), *more)


def doc_records(searcher, query=None) -> Iterator[dict]:
    """The stored doc records (matching QUERY, when given)."""
    q = of_kind(DOC) if query is None else of_kind(DOC, query)
    for docnum in searcher.docs_for_query(q):
        yield searcher.stored_fields(docnum)


def paragraphs(searcher, doc_id: str) -> Iterator[dict]:
    """The stored paragraph records of DOC_ID, in no particular order."""
    for docnum in searcher.docs_for_query(paragraphs_of(doc_id)):
        yield searcher.stored_fields(docnum)


def source(searcher, doc_id: str) -> dict:
    """The stored src of DOC_ID, a document of the index: {"original": its text, "paragraphs":
    [[start, end, offset pairs, page], ...]}."""
    stored = searcher.document(key=src_key(doc_id))
    if stored is None:
        raise IndexDamaged(
            f"the source text record of {doc_id} is missing: the index may be damaged; "
            f"perucases index --check tells, perucases index --rebuild repairs it"
        )
    return stored["src"]


def with_events():
    """A query for the doc records of documents with events (`events_of`)."""
    from whoosh import query as Q  # (only when a query is made: see the module's note)

    return of_kind(DOC, Q.Term("timeline", HAS_EVENTS))


def events_of(stored: dict) -> list[dict]:
    """The events of a stored doc record ([] for none): each a dict of value, first, last (ISO
    dates or None), precision, expression, relative, unresolved, kind, paragraph, page, sentence
    and entities (keys), as the timeline shows them."""
    blob = stored.get("ev")
    return pickle.loads(blob) if blob else []


def document_records(doc: Document, postings, catalog: str) -> list[dict]:
    """The Whoosh records of one document, in the order above: doc (with its events), src, one per
    paragraph, each with its stored fields sealed (`schema.seal`). POSTINGS is
    `prepared.analyse(doc)`; CATALOG is the hash of its catalog entry."""
    from perucases.index.schema import field_for, keywords, months_between, seal  # (whoosh: see the module's note)

    doc_postings, para_postings = postings

    md = doc.meta
    lang = md.language if md.language in ("en", "es") else "en"
    meta = {
        "title": md.title,
        "publisher": md.publisher,
        "date": md.date.iso if md.date else None,
        "date_source": md.date_source,
        "language": md.language,
        "url": md.url,
        "doctype": md.doctype,
        "authors": md.authors,
        "path": doc.path,
        "words": doc.words,
        "paragraphs": len(doc.paragraphs),
        "size": doc.size,
        "mtime_ns": doc.mtime_ns,
        "sha256": doc.sha256,
        "encoding": doc.encoding,
        "catalog": catalog,
        # what the document names: key -> [name, type, mentions, aliases seen, description]
        "entities": {
            k: [e.name, e.type, e.mentions, sorted(e.aliases), e.description] for k, e in sorted(doc.entities.items())
        },
    }
    rec: dict = dict(kind=DOC, key=doc.id, id=doc.id, lang=md.language or "", meta=meta)
    if doc.entities:
        rec["entities"] = keywords(sorted(doc.entities))
    rec[field_for("text", lang)] = doc_postings
    if md.title:
        rec[field_for("title", lang)] = md.title
    if md.publisher:
        rec["publisher"] = md.publisher
    if md.date:
        rec["date_start"] = dt.datetime.combine(md.date.start, dt.time())
        rec["date_end"] = dt.datetime.combine(md.date.end, dt.time())
    out = [rec]
    src = {
        "original": doc.original,
        "paragraphs": [[p.start, p.end, p.offsets.pairs(), p.page] for p in doc.paragraphs],
    }
    out.append(dict(kind=SRC, key=src_key(doc.id), id=doc.id, src=src))
    body = body_field(lang)
    by_para: dict[int, list] = {}
    for m in doc.mentions:
        by_para.setdefault(m.paragraph, []).append([m.key, m.start, m.end])
    for p, analysed in zip(doc.paragraphs, para_postings, strict=True):
        prec = {"kind": PARA, "id": doc.id, "para": p.n, body: analysed, f"_stored_{body}": p.text}
        if p.page is not None:
            prec["page"] = p.page
        if p.n in by_para:
            prec["ments"] = by_para[p.n]
            prec["entities"] = keywords(sorted({k for k, _, _ in by_para[p.n]}))
        out.append(prec)
    if doc.events:
        # The events on the doc record (a record of their own cost a 2,000-story build about 0.08 s
        # of CPU: its own stored fields to pickle and compress, its own postings), pickled apart, so
        # that what reads a doc record for its metadata unpickles the events only as bytes; their
        # dates indexed (many-valued), so that the timeline's filters are index queries.
        pages = {p.n: p.page for p in doc.paragraphs}
        evs = [
            {
                "value": e.value,
                "first": e.first.isoformat() if e.first else None,
                "last": e.last.isoformat() if e.last else None,
                "precision": e.precision,
                "expression": e.expression,
                "relative": e.relative,
                "unresolved": e.unresolved,
                "kind": e.kind,
                "paragraph": e.paragraph,
                "page": pages.get(e.paragraph),
                "sentence": e.sentence,
                "entities": e.entities,
            }
            for e in doc.events
        ]
        rec["timeline"] = HAS_EVENTS
        rec["ev"] = pickle.dumps(evs, pickle.HIGHEST_PROTOCOL)
        dated = [e for e in doc.events if e.first and e.last]
        if dated:
            # each date once: whoosh would post a record once per value (events repeat their dates)
            rec["ev_first_year"] = sorted({e.first.year for e in dated})
            rec["ev_last_year"] = sorted({e.last.year for e in dated})
            spans = [months_between(e.first, e.last) for e in dated]
            rec["ev_month"] = keywords(
                sorted({m for sp in spans if sp for m in sp} | ({"long"} if None in spans else set()))
            )
    return [seal(r) for r in out]
