"""Files read, cleaned, extracted and analysed for the index writer (`Prepared`), by `read_many`
(and `read_one`): what the writer in this process (perucases.index.build) and the extraction
processes (perucases.index.parallel) both run. A leaf of both, so neither imports the other for it.

`read_many` runs each stage on a few files before the next stage starts (up to BATCH files, or
BATCH_CHARS characters of text), not every stage on one file after the other: the entity and
event stages then find their tables, caches and code still in the processor's caches from the
file before. The instructions are the same, the seconds fewer: a full build of 2,000 Reuters
stories in one process, batches of one file and of 16 alternating, took 17.97-19.17 s of CPU
against 15.30-18.38 s (medians 18.4 and 15.9 s); with two extraction processes, 20.75-22.86 s
against 19.42-20.18 s."""

from __future__ import annotations

import gc
from collections.abc import Iterator
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


BATCH = 16  # files a batch: each stage runs on all of them before the next
BATCH_CHARS = 1 << 16  # characters of text after which a batch is not made longer


def read_one(cf, entry: dict | None, gaz, max_size: int = DEFAULT_MAX_FILE_SIZE) -> Prepared | str:
    """Read, clean, extract and analyse one file: its records, or why it was skipped."""
    return next(read_many([(cf, entry)], gaz, max_size))


def read_many(items, gaz, max_size: int = DEFAULT_MAX_FILE_SIZE) -> Iterator[Prepared | str]:
    """`read_one` of each (CorpusFile, catalog entry) of ITEMS, in their order, a batch at a time
    (see the module's note): no more than BATCH files and one past BATCH_CHARS characters of
    text are held at once. A file that fails (a bug: not a reason to skip it) raises its
    exception when its turn comes, after the results of the files before it."""
    batch: list[tuple[dict | None, Document | str | _Failed]] = []
    chars = 0
    for cf, entry in items:
        doc: Document | str | _Failed
        try:
            doc = ingest_file(cf, {cf.id: entry} if entry else None, max_size=max_size)
        except SkipFile as exc:
            doc = str(exc)
        except Exception as exc:  # noqa: BLE001 - raised in its turn, by _finish
            doc = _Failed(exc)
        batch.append((entry, doc))
        chars += len(doc.original) if isinstance(doc, Document) else 0
        if isinstance(doc, _Failed) or len(batch) >= BATCH or chars >= BATCH_CHARS:
            yield from _finish(batch, gaz)
            if isinstance(doc, _Failed):
                return
            batch, chars = [], 0
    yield from _finish(batch, gaz)


class _Failed:
    """A file of a batch whose reading or extraction raised EXC."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc


def _finish(batch: list[tuple[dict | None, Document | str | _Failed]], gaz) -> Iterator[Prepared | str]:
    """The entity stage on every document of BATCH, then the event stage, then their records.

    The cyclic garbage collector is off while the stages run: they allocate hundreds of
    thousands of small objects (tokens, candidates, matches) and make no reference cycles once
    their tables are loaded (none on 2,000 Reuters stories; loading them leaves about a hundred
    objects in cycles, collected later), and each 700 allocations more than deallocations would
    start a collection that also walks the index writer's live objects. Reference counting frees
    what they drop; the collector is on again before the records are made. (One-process builds
    of 2,000 Reuters stories, time in collections: 0.43-0.45 s with extraction before, 0.35-0.37 s
    after; 0.23-0.26 s without extraction.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        for stage in (_entities, _events):
            for x, (entry, doc) in enumerate(batch):
                if isinstance(doc, Document):
                    try:
                        stage(doc, gaz)
                    except Exception as exc:  # noqa: BLE001 - raised in its turn, below
                        batch[x] = (entry, _Failed(exc))
    finally:
        if enabled:
            gc.enable()
    for entry, doc in batch:
        if isinstance(doc, _Failed):
            raise doc.exc
        if isinstance(doc, str):
            yield doc
            continue
        yield Prepared(
            doc.id,
            doc.path,
            doc.sha256,
            doc.size,
            doc.mtime_ns,
            doc.warnings,
            records.document_records(doc, analyse(doc), entry_hash(entry)),
        )


def _entities(doc: Document, gaz) -> None:
    doc.mentions, doc.entities = extract([p.text for p in doc.paragraphs], gaz)


def _events(doc: Document, gaz) -> None:
    doc.events = doc_events(doc)


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
