"""One file read, cleaned, extracted and analysed for the index writer (`Prepared`), by
`read_one`: what the writer in this process (perucases.index.build) and the extraction processes
(perucases.index.parallel) both run. A leaf of both, so neither imports the other for it."""

from __future__ import annotations

from dataclasses import dataclass

from perucases.extract.entities import extract
from perucases.extract.events import extract_events
from perucases.index import records
from perucases.index.manifest import entry_hash
from perucases.ingest.document import DEFAULT_MAX_FILE_SIZE, Document, SkipFile, ingest_file


@dataclass
class Prepared:
    """A file read, cleaned, extracted and analysed: what the index writer needs of it. Built in
    an extraction process; plain records cross to the writer, not the Document's objects."""

    id: str
    path: str
    sha256: str
    size: int
    mtime_ns: int
    warnings: list[str]
    records: list[dict]
    placed: object = None  # parallel.Placed: where an extraction process wrote the records


def read_one(cf, entry: dict | None, gaz, max_size: int = DEFAULT_MAX_FILE_SIZE) -> Prepared | str:
    """Read, clean, extract and analyse one file: its records, or why it was skipped."""
    try:
        doc = ingest_file(cf, {cf.id: entry} if entry else None, max_size=max_size)
    except SkipFile as exc:
        return str(exc)
    doc.mentions, doc.entities = extract([p.text for p in doc.paragraphs], gaz)
    doc.events = doc_events(doc)
    return Prepared(
        doc.id,
        doc.path,
        doc.sha256,
        doc.size,
        doc.mtime_ns,
        doc.warnings,
        records.document_records(doc, analyse(doc), entry_hash(entry)),
    )


def analyse(doc: Document):
    """The postings of the document's text and of each paragraph, in its language's analyser."""
    from perucases.index.schema import analyse_paragraphs  # (whoosh: only when a file is read)

    lang = doc.meta.language if doc.meta.language in ("en", "es") else "en"
    return analyse_paragraphs([p.text for p in doc.paragraphs], lang)


def doc_events(doc: Document) -> list:
    d = doc.meta.date
    anchor = d.end if d is not None and d.day is not None else None  # only a date known to the day
    pub = (d.iso, d.start, d.end, "day" if d.day else "month" if d.month else "year") if d else None
    return extract_events([p.text for p in doc.paragraphs], anchor, doc.mentions, pub, doc.meta.title)
