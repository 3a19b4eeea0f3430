"""The Python API: search, list and show documents. Every function returns plain dataclasses.

    from perucases.query import Library
    lib = Library()                      # the default index, built or refreshed as needed
    for hit in lib.search("Montesinos asylum").hits:
        print(hit.id, hit.paragraph, hit.snippet)

The command line (perucases.cli) is a thin layer over this module.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from perucases.errors import IndexDamaged, IndexWriteError, PerucasesError, check_text, shorten
from perucases.index.location import bundled_seeds, default_index_dir
from perucases.index.lock import LOCK as LOCK_NAME
from perucases.index.manifest import Manifest, make_plan

if TYPE_CHECKING:
    from perucases.dates import PartialDate

# Field names a query may use, and what each means.
QUERY_FIELDS = {
    "title": "the document's title",
    "body": "the document's text",
    "publisher": "the publisher (Amnesty, \"Human Rights Watch\")",
    "lang": "the language code (en, es)",
    "id": "the document id (exact, or with a wildcard: id:003*)",
}
HL_START, HL_END = "\ue000", "\ue001"  # around matched words in snippets (never in cleaned text)
# Query commands look for changed files themselves only up to this many files (see _staleness).
AUTO_REFRESH_MAX_FILES = int(os.environ.get("PERUCASES_AUTO_REFRESH_MAX", "5000"))


@dataclass
class DocInfo:
    id: str
    title: str | None
    publisher: str | None
    date: str | None
    date_source: str | None
    language: str | None
    url: str | None
    path: str
    words: int
    paragraphs: int
    authors: list[str] = field(default_factory=list)  # people named as authors (page metadata, catalog)
    duplicates: list[str] = field(default_factory=list)  # other files with the same content (not indexed again)


@dataclass
class SearchHit:
    rank: int
    id: str
    title: str | None
    publisher: str | None
    date: str | None
    score: float
    paragraph: int
    snippet: str  # matched words between HL_START and HL_END; see plain_snippet()
    entities: list[str] = field(default_factory=list)  # entities named in that paragraph
    page: int | None = None  # PDF: the page of that paragraph
    partial: bool = False  # no document has every word of the query: this one has most of them
    missing: list[str] = field(default_factory=list)  # the query's words this document lacks (partial)

    @property
    def plain_snippet(self) -> str:
        return self.snippet.replace(HL_START, "").replace(HL_END, "")


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit]
    total: int  # matching documents (may exceed len(hits))
    suggestions: list[str] = field(default_factory=list)  # "did you mean", when nothing matched
    explain: list[str] = field(default_factory=list)
    partial: bool = False  # no document has all the words: the hits are those with most of them


@dataclass
class ParagraphText:
    n: int
    text: str  # cleaned, normalised
    start: int  # character offsets of the paragraph in the original text
    end: int
    original: str  # the original characters, hard line breaks folded to spaces
    page: int | None = None  # PDF: the page the paragraph starts on


@dataclass
class DocText:
    info: DocInfo
    paragraphs: list[ParagraphText]


# ---------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    date_from: PartialDate | None = None
    date_to: PartialDate | None = None
    publisher: str | None = None
    lang: str | None = None

    @classmethod
    def parse(cls, date_from: str | None = None, date_to: str | None = None,
              publisher: str | None = None, lang: str | None = None) -> Filters:
        f = parse_date_option(date_from, "--from")
        t = parse_date_option(date_to, "--to")
        if f and t and f.start > t.end:
            raise PerucasesError(f"--from {f} is after --to {t}")
        if lang is not None and lang.lower() not in ("en", "es"):
            raise PerucasesError(f"--lang must be en or es, not {lang!r}")
        check_text(publisher, "--publisher")
        check_text(lang, "--lang")
        if publisher is not None and not publisher.strip():
            raise PerucasesError("--publisher needs a name")
        return cls(f, t, publisher, lang.lower() if lang else None)

    def queries(self) -> list:
        from whoosh import query as Q

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
                raise PerucasesError(f"--publisher {self.publisher!r} has no words to match")
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


def parse_date_option(value: str | None, name: str) -> PartialDate | None:
    if value is None:
        return None
    check_text(value, name)
    from perucases.dates import parse_partial_date

    d = parse_partial_date(value)
    if d is None:
        raise PerucasesError(f"{name}: {value!r} is not a date (try 1997, 1997-04, 1997-04-22 or 'April 1997')")
    return d


# ---------------------------------------------------------------------------- query checks

_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


def check_query(text: str) -> None:
    """Refuse what Whoosh would silently misread: unknown fields, unbalanced quotes, lone operators;
    and what would cost too much (perucases.query_limits)."""
    from perucases import query_limits

    check_text(text, "the query")
    if not text.strip():
        raise PerucasesError("empty query")
    query_limits.check_text(text)
    if text.count('"') % 2:
        raise PerucasesError('query syntax: unbalanced " (a phrase needs a closing quote)')
    outside = re.sub(r'"[^"]*"', " PHRASE ", text)
    depth = 0
    for c in outside:
        depth += c == "("
        depth -= c == ")"
        if depth < 0:
            raise PerucasesError("query syntax: ')' without '('")
    if depth:
        raise PerucasesError("query syntax: '(' without ')'")
    for m in re.finditer(r"(?<![\w:])([A-Za-z_]\w*):(\S?)", outside):
        name, after = m.group(1), m.group(2)
        if name not in QUERY_FIELDS:
            raise PerucasesError(f"query syntax: unknown field {name!r} (fields: {', '.join(QUERY_FIELDS)})")
        if not after or after in ")":
            raise PerucasesError(f"query syntax: {name}: needs a value")
    tokens = re.findall(r"[()]|[^\s()]+", outside)
    words = [t for t in tokens if t not in "()"]
    if not words:
        raise PerucasesError("empty query")
    prev = None
    for i, t in enumerate(tokens):
        if t in _OPERATORS:
            before = tokens[i - 1] if i else None
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            binary = t != "NOT"
            if after is None or after == ")" or after in _OPERATORS and after != "NOT":
                raise PerucasesError(f"query syntax: {t} needs a term after it")
            if binary and (before is None or before == "(" or before in _OPERATORS):
                raise PerucasesError(f"query syntax: {t} needs a term before it")
        prev = t
    del prev


# ---------------------------------------------------------------------------- the library


class Library:
    """An index and its corpus. Query methods refresh the index first when it is stale."""

    def __init__(self, index_dir: Path | str | None = None, corpus: list[Path] | None = None, *,
                 refresh: bool = True, warn: Callable[[str], None] | None = None, progress=None):
        self.index_dir = Path(index_dir) if index_dir else default_index_dir()
        self.corpus = [Path(c) for c in corpus] if corpus else None
        self.refresh = refresh
        self.warn = warn or (lambda m: None)
        self.progress = progress
        self._ix = None
        self._langs = None  # (index, languages it has documents in)

    # -- keeping the index fresh

    def ensure(self) -> None:
        """Build the index if it is missing, bring it up to date if the corpus changed, open it.

        Reads are consistent with writes: the index opened is the one a manifest names, opened
        again if a writer switched or committed while it was being opened; a reader never
        rebuilds or repairs an index another process is writing (whether the index needs
        writing is decided again under the write lock, from the manifest as the last writer left
        it); and a refresh that cannot take the lock or write (another writer, a full disk, a
        read-only folder) answers from the index as it is, with a one-line note."""
        if self._ix is not None:
            return
        # The freshness check compares the file table only up to AUTO_REFRESH_MAX_FILES files.
        manifest = self._manifest()
        if self.refresh or manifest is None:
            manifest = self._refresh(manifest)
        self._open(manifest)

    def _manifest(self) -> Manifest | None:
        """The manifest (its file table only up to AUTO_REFRESH_MAX_FILES files), or None when
        there is none; PerucasesError when it is there but cannot be used."""
        from perucases.index.manifest import unreadable

        manifest = Manifest.load(self.index_dir, max_files=AUTO_REFRESH_MAX_FILES)
        if manifest is None and (self.index_dir / "manifest.json").exists():
            problem = unreadable(self.index_dir)
            if problem is not None:  # permissions, a disk error: not damage, and not ours to repair
                raise PerucasesError(f"cannot read the index at {self.index_dir}: {problem}")
            manifest = Manifest.load(self.index_dir, max_files=AUTO_REFRESH_MAX_FILES)  # replaced meanwhile?
            if manifest is None and not self.corpus:
                # Do not replace a damaged index of the user's corpus by one of the bundled seeds.
                raise IndexDamaged(f"the index at {self.index_dir} is damaged (its manifest is unreadable); "
                                   f"rebuild it: perucases index CORPUS... --rebuild --index {self.index_dir}")
        return manifest

    def _roots(self, manifest: Manifest | None) -> list[Path]:
        roots = self.corpus or ([Path(c) for c in manifest.corpus] if manifest else [bundled_seeds()])
        return [Path(r).expanduser().resolve() for r in roots]

    def _refresh(self, manifest: Manifest | None) -> Manifest | None:
        """The manifest to answer from, after bringing the index up to date when it is stale and
        that can be done now."""
        from perucases.index.manifest import needs_rebuild

        stale = self._staleness(manifest, self._roots(manifest))
        if stale is not None and stale[1] and manifest is not None:
            # "The index files are missing" may only mean that a writer switched to a new index
            # after this manifest was read: read it again before concluding anything.
            again = self._manifest()
            if again is not None and (again.indexname, again.generation) != (manifest.indexname, manifest.generation):
                manifest = again
                stale = self._staleness(manifest, self._roots(manifest))
        if stale is None:
            return manifest
        from perucases.index.build import update  # (only now: the writer's modules cost 70 ms to load)
        from perucases.index.lock import cannot_lock, hold_lock, try_lock

        usable = manifest is not None and needs_rebuild(manifest, self.index_dir) is None
        try:
            lock = try_lock(self.index_dir) if self.index_dir.exists() else None
        except OSError as exc:  # a read-only index folder, another user's index
            if usable:
                self.warn(f"the corpus changed but the index at {self.index_dir} cannot be updated "
                          f"({LOCK_NAME}: {exc.strerror or exc}); answering from the index as it is")
                return manifest
            raise cannot_lock(self.index_dir, exc) from None
        if lock is None and self.index_dir.exists():
            if usable:
                self.warn("the index is being updated by another perucases process; answering from its last state")
                return manifest
            # Nothing to answer from yet (no index, or one being replaced): wait for the writer.
            lock = hold_lock(self.index_dir, 60.0, self.warn)
        try:
            if lock is not None:
                # Under the lock, the manifest is what the last writer left: decide again from it.
                manifest = self._manifest()
                stale = self._staleness(manifest, self._roots(manifest))
                if stale is None:
                    return manifest
                usable = manifest is not None and needs_rebuild(manifest, self.index_dir) is None
            why, full = stale
            if why and not full:  # a full build announces itself
                self.warn(f"updating the index at {self.index_dir}: {why}")
            roots = self._roots(manifest) if (self.corpus or manifest is None) else None
            try:
                report = update(self.index_dir, roots, warn=self.warn, progress=self.progress, lock=lock)
            except IndexWriteError as exc:
                if not usable:
                    raise
                self.warn(f"cannot update the index at {self.index_dir} ({exc.reason}); "
                          f"answering from the index as it is")
                return manifest
            except Exception as exc:  # noqa: BLE001 - a failed refresh must not cost the answer
                if not usable or isinstance(exc, PerucasesError):
                    raise
                self.warn(f"cannot update the index at {self.index_dir} (internal error: {type(exc).__name__}: "
                          f"{shorten(str(exc), 120)}); answering from the index as it is")
                return manifest
            if report.wrote:
                self.warn(f"indexed {report.documents} document(s) in {report.seconds:.1f} s")
            return self._manifest()
        finally:
            if lock is not None:
                lock.release()

    def _open(self, manifest: Manifest | None) -> None:
        """Open the index MANIFEST names, and a searcher on it (which opens every file of its
        segments: from then on a writer's changes cannot touch what it reads). A writer may
        switch to a new index or commit while this happens (the files read a moment ago are then
        gone): the manifest and the generation are read again and the opening retried. Only a
        failure with nothing changing is damage, named as such."""
        from perucases.index.manifest import current_generation
        from perucases.index.store import open_index

        for attempt in range(40):
            if manifest is None:
                raise PerucasesError(f"no index at {self.index_dir}")
            seen = self._version(manifest)
            try:
                ix = open_index(self.index_dir, manifest.indexname)
                searcher = ix.searcher()
            except Exception as exc:  # noqa: BLE001 - sorted out below: a race, or damage
                again = self._manifest()
                if again is None or self._version(again) != seen or \
                        current_generation(self.index_dir, again.indexname) != seen[1]:
                    manifest = again
                    time.sleep(min(0.2, 0.005 * (attempt + 1)))
                    continue
                raise self._damage(manifest, exc) from None
            self._ix, self._searcher, self._searcher_ix = ix, searcher, ix
            return
        raise PerucasesError(f"the index at {self.index_dir} kept changing while it was being opened; try again")

    def _version(self, manifest: Manifest) -> tuple:
        """What identifies the state a reader opens: the manifest file and the index's latest commit."""
        from perucases.index.manifest import MANIFEST, current_generation

        try:
            st = os.stat(self.index_dir / MANIFEST)
            mark = (st.st_ino, st.st_mtime_ns, st.st_size)
        except OSError:
            mark = None
        return mark, current_generation(self.index_dir, manifest.indexname), manifest.indexname

    def _damage(self, manifest: Manifest, exc: Exception) -> PerucasesError:
        """The error for an index that cannot be opened while nothing changes it: the file that
        cannot be read, named; permissions named as such (no rebuild can fix those)."""
        from perucases.index.manifest import current_generation

        if isinstance(exc, PermissionError):
            name = Path(exc.filename).name if exc.filename else "a file"
            return PerucasesError(f"cannot read the index at {self.index_dir}: {name}: {exc.strerror}")
        repair = f"repair it: perucases index --rebuild --index {self.index_dir}"
        gen = current_generation(self.index_dir, manifest.indexname)
        if gen is None:
            return IndexDamaged(f"the index at {self.index_dir} is damaged: the files of {manifest.indexname}, "
                                f"which its manifest names, are missing; {repair}")
        what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        name = f"_{manifest.indexname}_{gen}.toc"
        try:
            from whoosh.filedb.filestore import FileStorage
            from whoosh.index import TOC
            from whoosh.reading import SegmentReader

            storage = FileStorage(str(self.index_dir))
            toc = TOC.read(storage, manifest.indexname, gen)
            for seg in toc.segments:
                name = seg.make_filename(".seg") if seg.is_compound() else f"segment {seg.segment_id()}"
                try:
                    SegmentReader(storage, toc.schema, seg).close()
                except Exception as seg_exc:  # noqa: BLE001 - the one that fails is named
                    what = f"{type(seg_exc).__name__}: {seg_exc}" if str(seg_exc) else type(seg_exc).__name__
                    break
        except Exception as toc_exc:  # noqa: BLE001 - the table of contents itself
            what = f"{type(toc_exc).__name__}: {toc_exc}" if str(toc_exc) else type(toc_exc).__name__
        return IndexDamaged(f"the index at {self.index_dir} is damaged: {name} cannot be read ({shorten(what, 120)}); "
                            f"{repair}")

    def _staleness(self, manifest: Manifest | None, wanted: list[Path]) -> tuple[str, bool] | None:
        """None when the index is up to date, else (why, whether it is a full build)."""
        from perucases.index.manifest import needs_rebuild

        rebuild = needs_rebuild(manifest, self.index_dir)
        if rebuild is not None:
            return rebuild, True
        missing = [w for w in wanted if not w.exists()]
        if missing:
            # An unmounted drive or a moved folder must not make the index unusable.
            self.warn(f"corpus {missing[0]} is missing; answering from the index as it is")
            return None
        if manifest.corpus != [str(w) for w in wanted]:
            return "the corpus changed", False
        from perucases.ingest.metadata import load_catalog

        from perucases.index.manifest import gazetteer_files

        if gazetteer_files(wanted, manifest.gazetteers) != manifest.gazetteer_files:
            return "the gazetteer changed", False
        if manifest.files_count > AUTO_REFRESH_MAX_FILES:
            # Walking a large corpus on every query costs seconds: large corpora are brought up
            # to date by `perucases index` (or a cron job), as a search engine's are.
            return None
        plan = make_plan(manifest, wanted, load_catalog, follow_links=bool(manifest.options.get("follow_links")))
        if plan.needs_writer:
            return f"{len(plan.add)} new, {len(plan.change)} changed, {len(plan.remove)} removed file(s)", False
        if plan.stale:
            return "", False  # same content, new mtimes: a quiet manifest update
        return None

    @property
    def ix(self):
        self.ensure()
        return self._ix

    @contextmanager
    def searcher(self):
        """One searcher, kept open across calls (opening one reads the segment's files again)."""
        ix = self.ix
        if getattr(self, "_searcher", None) is None or self._searcher_ix is not ix:
            self._searcher, self._searcher_ix = ix.searcher(), ix
        yield self._searcher

    def close(self) -> None:
        """Close the searcher; the next query opens the index again (as it then is)."""
        if getattr(self, "_searcher", None) is not None:
            self._searcher.close()
            self._searcher = None
        self._ix = None

    # -- documents

    def _doc_records(self, searcher, query=None):
        from whoosh import query as Q

        q = Q.Term("kind", "doc") if query is None else Q.And([Q.Term("kind", "doc"), query])
        for docnum in searcher.docs_for_query(q):
            yield searcher.stored_fields(docnum)

    @staticmethod
    def _info(stored: dict) -> DocInfo:
        m = stored["meta"]
        return DocInfo(stored["id"], m.get("title"), m.get("publisher"), m.get("date"), m.get("date_source"),
                       m.get("language"), m.get("url"), m["path"], m["words"], m["paragraphs"], m.get("authors") or [])

    def _duplicates(self) -> dict[str, list[str]]:
        """Document id -> the paths of files with the same content, recorded but not indexed."""
        manifest = Manifest.load(self.index_dir)
        out: dict[str, list[str]] = {}
        for path, rec in sorted((manifest.files if manifest else {}).items()):
            if rec.duplicate_of:
                out.setdefault(rec.duplicate_of, []).append(path)
        return out

    def docs(self, filters: Filters | None = None) -> list[DocInfo]:
        from whoosh import query as Q

        fq = (filters or Filters()).queries()
        with self.searcher() as s:
            rows = [self._info(st) for st in self._doc_records(s, Q.And(fq) if fq else None)]
        dups = self._duplicates()
        for r in rows:
            r.duplicates = dups.get(r.id, [])
        return sorted(rows, key=lambda d: d.id)

    def ids(self) -> list[str]:
        """The ids of the documents in the index, sorted."""
        with self.searcher() as s:
            return self._live(sorted({t.decode("utf-8") for t in s.lexicon("id")}))

    def _live(self, ids: list[str]) -> list[str]:
        """The ids that are documents now (the id lexicon keeps removed ones until a merge)."""
        with self.searcher() as s:
            return [i for i in ids if s.document_number(key=i) is not None]

    def resolve(self, prefix: str) -> str:
        """A full id from an id or a unique prefix of one (`003` -> `003_ed39d894751b7a98`)."""
        check_text(prefix, "the document id")
        prefix = prefix.strip()
        if not prefix:
            raise PerucasesError("empty document id")
        if self._live([prefix]):  # an exact id: one lookup, no scan of the corpus's ids
            return prefix
        with self.searcher() as s:
            candidates = sorted({t.decode("utf-8") for t in s.reader().expand_prefix("id", prefix)})
        matches = self._live(candidates)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise PerucasesError(f"no document with id {shorten(prefix)!r} (perucases docs lists them)")
        shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
        raise PerucasesError(f"id {shorten(prefix)!r} is ambiguous: {shown}")

    def document(self, doc_id: str) -> DocText:
        from whoosh import query as Q

        doc_id = self.resolve(doc_id)
        with self.searcher() as s:
            stored = s.document(key=doc_id)
            src = s.document(key=f"{doc_id}\x00src")["src"]
            texts = {}
            for docnum in s.docs_for_query(Q.And([Q.Term("kind", "para"), Q.Term("id", doc_id)])):
                st = s.stored_fields(docnum)
                texts[st["para"]] = st.get("body") or st.get("body_es") or ""
        original = src["original"]
        paras = []
        for n, (start, end, _pairs, *rest) in enumerate(src["paragraphs"], 1):
            quote = " ".join(original[start:end].split())
            paras.append(ParagraphText(n, texts.get(n, ""), start, end, quote, rest[0] if rest else None))
        return DocText(self._info(stored), paras)

    def raw(self, doc_id: str) -> bytes:
        info = self.document(doc_id).info
        try:
            return Path(info.path).read_bytes()
        except OSError as exc:
            raise PerucasesError(f"{info.path}: cannot read the original file: {exc.strerror or exc}") from None

    # -- entities

    def entity_table(self):
        """The corpus's entities merged across documents. Reading every document's entities takes
        seconds on a large corpus, so the table is kept in the index folder, one file for each
        commit of the index (written atomically; a file that cannot be read is made again)."""
        import pickle

        from perucases.entity_query import entity_table
        from perucases.index.manifest import write_atomic_bytes

        if getattr(self, "_entity_table", None) is None:
            ix = self.ix
            with self.searcher() as s:  # the generation opened, not the latest on disk
                generation = s.reader().generation()
            cache = self.index_dir / f".entities-{ix.indexname}-{generation}.pickle"
            try:
                self._entity_table = pickle.loads(cache.read_bytes())
            except Exception:  # missing, from another version, damaged: make it again
                with self.searcher() as s:
                    self._entity_table = entity_table(s)
                try:
                    for old in self.index_dir.glob(".entities-*.pickle"):
                        old.unlink()
                    write_atomic_bytes(cache, pickle.dumps(self._entity_table, protocol=pickle.HIGHEST_PROTOCOL))
                except OSError:
                    pass  # a read-only index folder: no cache
        return self._entity_table

    def entities(self, etype: str | None = None, doc: str | None = None, min_mentions: int = 1,
                 sort: str = "mentions"):
        """The corpus's entities, one row each: name, type, mentions, documents, aliases."""
        from perucases.entity_query import check_type, list_entities

        return list_entities(self.entity_table(), check_type(etype), self.resolve(doc) if doc else None,
                             min_mentions, sort)

    def resolve_entity(self, name: str) -> str:
        from perucases.entity_query import resolve_entity

        check_text(name, "the entity name")
        return resolve_entity(self.entity_table(), name)

    def entity(self, name: str, top: int = 10):
        """One entity in detail: aliases, documents, every mention in context, co-occurrences."""
        from perucases.entity_query import entity_detail

        key = self.resolve_entity(name)
        with self.searcher() as s:
            detail = entity_detail(s, self.entity_table(), key, top)
        detail.events = [{"date": e.date, "id": e.id, "paragraph": e.paragraph, "sentence": e.sentence}
                         for e in self.timeline(entity=key)]
        return detail

    def pairs(self, etype: str | None = None, min_mentions: int = 1):
        """Entity pairs by the paragraphs they share."""
        from perucases.entity_query import pairs

        keep = {r.key for r in self.entities(etype, None, min_mentions)}
        with self.searcher() as s:
            return pairs(s, self.entity_table(), keep)

    def write_graph(self, path, etype: str | None = None, min_mentions: int = 1) -> tuple[int, int]:
        """Write the co-occurrence network (GraphML, or GEXF for *.gexf); returns (nodes, edges)."""
        from perucases.entity_query import write_graph

        rows = self.entities(etype, None, min_mentions, sort="name")
        edges = self.pairs(etype, min_mentions)
        write_graph(path, rows, edges)
        return len(rows), len(edges)

    # -- timeline

    def timeline(self, filters: Filters | None = None, entity: str | None = None, doc: str | None = None,
                 grep: str | None = None, precision: str | None = None, sort: str = "date"):
        """Dated events, in order; see perucases.timeline_query."""
        from perucases.timeline_query import timeline

        check_text(grep, "--grep")
        filters = filters or Filters()
        ent_key = self.resolve_entity(entity) if entity else None
        doc_id = self.resolve(doc) if doc else None
        with self.searcher() as s:
            return timeline(s, self.entity_table(), filters.date_from, filters.date_to, ent_key, doc_id, grep,
                            precision, sort)

    def paths(self) -> dict[str, str]:
        """Document id -> the file it was read from."""
        return {d.id: d.path for d in self.docs()}

    # -- citations

    def quotes(self, text: str, filters: Filters | None = None, limit: int = 10, entity: str | None = None,
               doc: str | None = None, context: int = 0, full: bool = False):
        """The sentences that best match TEXT, quoted exactly from the original files, best first:
        a list of perucases.cite.quotes.Quote (see that module for what start/end cover)."""
        from whoosh import query as Q

        from perucases.cite.quotes import Matcher, quotes_in_paragraph
        from perucases.index.schema import analyzer
        from perucases.ingest.normalize import OffsetMap

        check_query(text)
        if limit < 1:
            raise PerucasesError("--limit must be at least 1")
        if context < 0:
            raise PerucasesError("--context must be 0 or more")
        filters = filters or Filters()
        _, q = self._parse(text)
        if q is None:
            return []
        ent_q = self._entity_filter(entity)
        doc_q = [Q.Term("id", self.resolve(doc))] if doc else []
        out = []
        with self.searcher() as s:
            docs = s.search(Q.And([Q.Term("kind", "doc"), q, *filters.queries(), *ent_q, *doc_q]),
                            limit=max(50, limit * 5))
            doc_score = {h["id"]: h.score for h in docs}
            if not doc_score:
                return []
            leaves = _body_leaves(q)
            para_q = Q.And([Q.Term("kind", "para"), Q.Or([Q.Term("id", i) for i in doc_score]),
                            Q.Or(leaves) if leaves else Q.NullQuery, *ent_q])
            paras = s.search(para_q, limit=max(100, limit * 20))
            srcs: dict[str, tuple] = {}
            matchers: dict[str, Matcher] = {}
            for hit in paras:
                doc_id, n = hit["id"], hit["para"]
                lang = "es" if "body_es" in hit else "en"
                body = hit.get("body") or hit.get("body_es") or ""
                if doc_id not in srcs:
                    src = s.document(key=f"{doc_id}\x00src")["src"]
                    meta = s.document(key=doc_id)["meta"]
                    srcs[doc_id] = (src, meta)
                src, meta = srcs[doc_id]
                fieldname = "body_es" if lang == "es" else "body"
                if fieldname not in matchers:
                    def idf(word, fieldname=fieldname):
                        return s.idf(fieldname, word) if s.doc_frequency(fieldname, word) else 1.0

                    matchers[fieldname] = Matcher.from_leaves(leaves, idf)
                matcher = matchers[fieldname]
                start, end, pairs, *rest = src["paragraphs"][n - 1]
                for quote in quotes_in_paragraph(doc_id, n, body, OffsetMap.from_pairs(pairs), src["original"],
                                                 matcher, analyzer(lang), context, full):
                    quote.score = round(quote.score + 0.01 * hit.score + 0.001 * doc_score[doc_id], 4)
                    quote.sha256 = (meta.get("sha256") or "")[:12]
                    quote.page = rest[0] if rest else None
                    quote.title, quote.publisher, quote.date = meta.get("title"), meta.get("publisher"), meta.get("date")
                    out.append(quote)
        out.sort(key=lambda x: (-x.score, x.id, x.paragraph, x.sentence))
        seen, unique = set(), []
        for quote in out:  # --context can make neighbouring sentences the same quote
            k = (quote.id, quote.start, quote.end)
            if k not in seen:
                seen.add(k)
                unique.append(quote)
        return unique[:limit]

    def references(self, style: str, ids: list[str] | None = None, cites=None, markup: str = "plain"):
        """The references of the documents IDS (all when None) in a CSL STYLE, and CITES
        (perucases.cite.csl.Cite: a document and a paragraph) as in-text citations or notes."""
        from perucases.cite.csl import format_references

        cites = cites or []
        wanted = list(dict.fromkeys([*(ids or []), *(c.id for c in cites)])) if ids is not None or cites else None
        return format_references(self.csl_items(wanted), style, cites, markup)

    def cite(self, text: str, style: str = "chicago", markup: str = "plain", **options):
        """quotes() with each quote's citation (paragraph locator included) and reference in STYLE."""
        from perucases.cite.csl import Cite

        found = self.quotes(text, **options)
        if found:
            refs = self.references(style, [], [Cite(q.id, q.paragraph, q.page) for q in found], markup)
            for q, citation in zip(found, refs.citations):
                q.citation, q.reference, q.style = citation, refs.entries.get(q.id), refs.style
        return found

    def export(self, fmt: str, ids: list[str] | None = None) -> str:
        """The references of IDS (all when None) as bibtex, ris or csl-json text."""
        from perucases.cite import export as ex

        from perucases.cite.csl import csl_item

        metas = self._metas(ids)
        items = [csl_item(doc_id, meta) for doc_id, meta in metas]
        if fmt == "csl-json":
            return ex.csl_json(items)
        kinds = {doc_id: meta.get("doctype") for doc_id, meta in metas}
        return {"bibtex": ex.bibtex, "ris": ex.ris}[fmt](items, kinds)

    def _metas(self, ids: list[str] | None = None) -> list[tuple[str, dict]]:
        """(id, stored metadata) of the documents IDS (all when None), in id order."""
        with self.searcher() as s:
            if ids is None:
                records = list(self._doc_records(s))
            else:  # only the documents asked for: a corpus may hold many thousands
                records = [s.document(key=i) for i in {self.resolve(i) for i in ids}]
        return sorted(((st["id"], st["meta"]) for st in records if st is not None), key=lambda t: t[0])

    def csl_items(self, ids: list[str] | None = None) -> list[dict]:
        """CSL-JSON items of the documents IDS (all documents when None), in id order."""
        from perucases.cite.csl import csl_item

        return [csl_item(doc_id, meta) for doc_id, meta in self._metas(ids)]

    def verify(self, text: str):
        """Check every quote of a notes file (Markdown written by `cite --format md`)."""
        from perucases.cite.verify import verify

        return verify(text, self)

    def cited_works(self, doc: str):
        """What one document refers to (reports, articles, treaties and laws), each with the
        sentence it comes from: a list of perucases.cite.sources.CitedWork."""
        from whoosh import query as Q

        from perucases.cite.sources import cited_works

        doc_id = self.resolve(doc)
        types = {k: e.type for k, e in self.entity_table().items()}
        with self.searcher() as s:
            src = s.document(key=f"{doc_id}\x00src")["src"]
            paras = {}
            for docnum in s.docs_for_query(Q.And([Q.Term("kind", "para"), Q.Term("id", doc_id)])):
                st = s.stored_fields(docnum)
                paras[st["para"]] = (st.get("body") or st.get("body_es") or "", st.get("ments", []))
        rows = [(n, paras.get(n, ("", []))[0], pairs, paras.get(n, ("", []))[1])
                for n, (_start, _end, pairs, *_page) in enumerate(src["paragraphs"], 1)]
        return cited_works(doc_id, rows, src["original"], types)

    # -- search

    def _parsers(self, schema, any_word: bool = False):
        from whoosh import qparser

        out = {}
        for lang, sfx in (("en", ""), ("es", "_es")):
            p = qparser.MultifieldParser([f"title{sfx}", f"text{sfx}"], schema, fieldboosts={f"title{sfx}": 2.0},
                                         group=qparser.OrGroup if any_word else qparser.AndGroup)
            p.add_plugin(qparser.FuzzyTermPlugin())
            aliases = {f"text{sfx}": ["body"]}
            if sfx:
                aliases[f"title{sfx}"] = ["title"]
            p.add_plugin(qparser.FieldAliasPlugin(aliases))
            out[lang] = p
        return out

    def _languages(self) -> set[str]:
        """The analysers' languages ("en", "es") the index has documents in (their text fields
        hold words); both when it has none."""
        ix = self.ix
        if self._langs is None or self._langs[0] is not ix:
            from perucases.index.schema import field_for

            with self.searcher() as s:
                r = s.reader()
                langs = {lang for lang in ("en", "es") if r.field_length(field_for("text", lang))
                         or r.field_length(field_for("title", lang))}
            self._langs = (ix, langs or {"en", "es"})
        return self._langs[1]

    def _parse(self, text: str, any_word: bool = False):
        """(the query parsed for each language, their union or None when no word is left).
        ANY_WORD: words joined by OR instead of AND."""
        from whoosh import query as Q

        # The schema of the state opened (whoosh's ix.schema reads the latest table of contents
        # again, which a writer may have just replaced and removed).
        with self.searcher() as s:
            schema = s.schema
        from perucases.index.expand import scope  # wildcards, prefixes, ranges, fuzzy words: perucases' own

        parsed = {lang: scope(p.parse(text)) for lang, p in self._parsers(schema, any_word).items()}
        # A language no document of the index is in adds nothing but lookups to every search.
        alive = [q for lang, q in parsed.items() if q is not Q.NullQuery and not isinstance(q, type(Q.NullQuery))
                 and lang in self._languages()]
        if not alive:
            return parsed, None
        from perucases.query_limits import check_parsed

        union = alive[0] if len(alive) == 1 else Q.Or(alive)
        with self.searcher() as s:
            check_parsed(union, s.reader())  # fuzzy words, and what wildcards and ranges expand to
        return parsed, union

    def _entity_filter(self, entity: str | None) -> list:
        """[a query term for the entity's key], or [] without an entity."""
        from whoosh import query as Q

        return [Q.Term("entities", self.resolve_entity(entity))] if entity else []

    def search(self, text: str, filters: Filters | None = None, limit: int = 10,
               explain: bool = False, entity: str | None = None) -> SearchResults:
        from whoosh import query as Q

        check_query(text)
        if limit < 1:
            raise PerucasesError("--limit must be at least 1")
        filters = filters or Filters()
        parsed, q = self._parse(text)
        notes: list[str] = []
        if explain:
            notes += _explain(text, parsed, filters)
        if q is None:
            return SearchResults(text, [], 0, [], notes + [
                "the query has no word the index keeps (stop words and single letters are left out)"])
        ent_q = self._entity_filter(entity)
        if explain and ent_q:
            notes.append(f"filter: names the entity {self.entity_table()[ent_q[0].text].name!r}")
        # Only doc records have the text and title fields: a query that can match nothing else
        # needs no intersection with every doc record.
        kind = [] if _doc_only(q) else [Q.Term("kind", "doc")]
        full = Q.And([*kind, q, *filters.queries(), *ent_q])
        missing: dict[str, list[str]] = {}
        with self.searcher() as s:
            results = s.search(full, limit=limit)
            scored = [(round(h.score, 4), f["id"], h.docnum, f["meta"]) for h in results for f in [h.fields()]]
            # The estimate can count documents a phrase or AND query then rejects.
            total = len(scored) if len(scored) < limit else max(len(scored), results.estimated_length())
            suggestions = [] if scored else _suggest(s, text)
            words = plain_words(text) if not scored else []
            partial = len(words) >= 2
            if partial:  # no document has all the words: those with most of them, marked
                _, q = self._parse(text, any_word=True)
                r = s.search(Q.And([*kind, q, *filters.queries(), *ent_q]), limit=None, terms=True)
                stems = _word_terms(words)
                found = []
                for h in r:
                    have = {w for w, terms in stems.items() if terms & set(h.matched_terms())}
                    found.append((len(have), round(h.score, 4), h, have))
                found.sort(key=lambda t: (-t[0], -t[1], t[2]["id"]))
                scored = []
                for n_have, score, h, have in found[:limit]:
                    f = h.fields()
                    scored.append((score, f["id"], h.docnum, f["meta"]))
                    missing[f["id"]] = [w for w in words if w not in have]
                total = len(found)
            else:
                scored.sort(key=lambda t: (-t[0], t[1]))
            hits = []
            best = self._best_paragraphs(s, q, [(d, n, m.get("paragraphs", 0)) for _, d, n, m in scored], ent_q)
            for rank, (score, doc_id, docnum, meta) in enumerate(scored, 1):
                para, snippet, keys, page = best[doc_id]
                names = [meta["entities"][k][0] for k in keys if k in meta.get("entities", {})]
                hits.append(SearchHit(rank, doc_id, meta.get("title"), meta.get("publisher"), meta.get("date"),
                                      round(score, 3), para, snippet, names, page, partial=partial,
                                      missing=missing.get(doc_id, [])))
        if explain:
            if partial and hits:
                notes.append(f"0 documents have every word; {total} have some of them")
            else:
                notes.append(f"{total} matching document(s)")
        return SearchResults(text, hits, total, suggestions, notes, partial=partial and bool(hits))

    @staticmethod
    def _paragraph_hits(s, leaves: list, ent_q: list, spans, doc_ids: list[str] | None = None) -> dict:
        """doc id -> whoosh Hit of its best paragraph matching LEAVES (and ENT_Q when it can),
        among the paragraphs SPANS gives ([start, end) docnums, doc id), or among all paragraphs
        of DOC_IDS when SPANS is None."""
        from whoosh import highlight
        from whoosh import query as Q

        wanted = [d for _, _, d in spans] if spans is not None else doc_ids
        starts = [a for a, _, _ in spans] if spans is not None else []
        chosen: dict = {}
        reader = s.reader()
        for extra in ([ent_q, []] if ent_q else [[]]):
            left = [d for d in wanted if d not in chosen]
            if not left:
                break
            if spans is not None:
                where = _docnum_query(s, [n for a, b, d in spans if d in left for n in range(a, b)])
            else:
                where = Q.Or([Q.Term("id", d) for d in left])
            r = s.search(Q.And([where, Q.Or(leaves), *extra]), limit=None, terms=True)
            r.fragmenter = highlight.SentenceFragmenter(maxchars=320)
            r.formatter = _Marker()
            best: dict = {}
            for hit in r:  # best first by score; a paragraph with more of the words wins over it,
                # and a heading (a few words) only where no paragraph with as many words is left
                if spans is not None:
                    k = bisect.bisect_right(starts, hit.docnum) - 1
                    doc_id = spans[k][2]
                else:
                    doc_id = hit["id"]
                words = len({t for _, t in hit.matched_terms()})
                field = next((f for f, _ in hit.matched_terms()), "body")
                short = reader.doc_field_length(hit.docnum, field, 0) <= HEADING_WORDS
                key = (words, not short)
                if doc_id not in best or key > best[doc_id][0]:
                    best[doc_id] = (key, hit)
            for doc_id, (_, hit) in best.items():
                chosen.setdefault(doc_id, hit)
        return chosen

    def _best_paragraphs(self, s, q, docs: list[tuple[str, int, int]], ent_q: list) -> dict:
        """doc id -> (paragraph, snippet, entity keys, page) of its best matching paragraph (one
        that also names the entity, when there is one), in one search over the paragraphs of all
        DOCS: (id, docnum of its doc record, number of paragraphs).

        A document's records are written one after the other (doc, src, its paragraphs, its
        timeline) and stay so through merges, so its paragraphs are the records right after its
        src: the search is confined to those docnums, and a hit is known by its docnum, without
        reading the stored fields of every matching paragraph. Each chosen paragraph is checked
        against its stored id; should one not match, the documents are looked up by id."""
        from whoosh import query as Q

        doc_ids = [d for d, _, _ in docs]
        out: dict = {}
        leaves = _body_leaves(q)
        if leaves and docs:
            spans = sorted((n + 2, n + 2 + count, d) for d, n, count in docs if count)
            chosen = self._paragraph_hits(s, leaves, ent_q, spans)
            if any(hit["id"] != doc_id for doc_id, hit in chosen.items()):
                chosen = self._paragraph_hits(s, leaves, ent_q, None, doc_ids)
            for doc_id, hit in chosen.items():
                field = "body" if "body" in hit else "body_es"
                snippet = hit.highlights(field, top=2) or _shorten(hit[field])
                out[doc_id] = (hit["para"], snippet, _para_entities(hit), hit.get("page"))
        for doc_id, docnum, count in docs:
            if doc_id in out:
                continue
            # The match was in the title or metadata only: show the document's first paragraph
            # (the record after its src, when that is what it is).
            first = s.stored_fields(docnum + 2) if count and not ent_q else None
            if first is not None and (first.get("id") != doc_id or first.get("para") != 1):
                first = None
            base = Q.And([Q.Term("kind", "para"), Q.Term("id", doc_id), *ent_q])
            if first is None:
                first = min((s.stored_fields(n) for n in s.docs_for_query(base)), key=lambda st: st["para"],
                            default=None)
            if first is None and ent_q:
                base = Q.And([Q.Term("kind", "para"), Q.Term("id", doc_id)])
                first = min((s.stored_fields(n) for n in s.docs_for_query(base)), key=lambda st: st["para"],
                            default=None)
            if first is None:
                out[doc_id] = (1, "", [], None)
            else:
                out[doc_id] = (first["para"], _shorten(first.get("body") or first.get("body_es") or ""),
                               _para_entities(first), first.get("page"))
        return out


_NOT_PLAIN = re.compile(r"""["'()*?~^:+\[\]{}]|(?:^|\s)-|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE|TO)\b""")


HEADING_WORDS = 6  # a paragraph of this many indexed words or fewer is a heading, for the best paragraph


def plain_words(text: str) -> list[str]:
    """The words of a plain query (words only: no operator, phrase, field, wildcard or fuzzy
    word), each once, but stop words of either language; [] for any other query."""
    from perucases.index.schema import analyzer

    if _NOT_PLAIN.search(text):
        return []
    out = []
    for w in dict.fromkeys(re.findall(r"\w+", text)):
        if all(any(True for _ in analyzer(lang)(w)) for lang in ("en", "es")):
            out.append(w)
    return out


def _word_terms(words: list[str]) -> dict[str, set]:
    """word -> the (field, term) pairs it is indexed as, in every field a search looks in."""
    from perucases.index.schema import analyzer, field_for

    out: dict[str, set] = {}
    for w in words:
        terms = set()
        for lang in ("en", "es"):
            for t in analyzer(lang)(w):
                for base in ("text", "title", "body"):
                    terms.add((field_for(base, lang), t.text.encode("utf-8")))
                    terms.add((field_for(base, lang), t.text))
        out[w] = terms
    return out


def _docnum_query(searcher, docnums: list[int]):
    """A whoosh query matching the given (global, sorted) docnums, with no score of its own."""
    from whoosh import query as Q
    from whoosh.matching import ListMatcher, NullMatcher

    offsets = [(sub, off, sub.doc_count_all()) for sub, off in searcher.leaf_searchers()]

    class Docnums(Q.Query):
        def matcher(self, sub, context=None):
            for leaf, off, count in offsets:
                if leaf is sub:
                    lo, hi = bisect.bisect_left(docnums, off), bisect.bisect_left(docnums, off + count)
                    ids = [d - off for d in docnums[lo:hi]]
                    return ListMatcher(ids, all_weights=0.0) if ids else NullMatcher()
            return NullMatcher()

        def estimate_size(self, ixreader):
            return len(docnums)

        def __eq__(self, other):
            return self is other

        def __hash__(self):
            return id(self)

    return Docnums()


def _para_entities(stored) -> list[str]:
    """Entity keys of a paragraph, in the order they are first mentioned."""
    return list(dict.fromkeys(k for k, _, _ in stored.get("ments", [])))


def _shorten(text: str, n: int = 260) -> str:
    if len(text) <= n:
        return text
    cut = text.rfind(" ", 0, n)
    return text[: cut if cut > 0 else n] + " …"


_DOC_FIELDS = frozenset({"title", "text", "title_es", "text_es"})


def _doc_only(q) -> bool:
    """Can Q match only doc records (it needs a word of their own fields)?"""
    from whoosh import query as Q

    if isinstance(q, Q.Not):
        return False
    if isinstance(q, Q.AndNot):
        return _doc_only(q.a)
    if q.is_leaf():
        return getattr(q, "fieldname", None) in _DOC_FIELDS
    if isinstance(q, (Q.And, Q.Require)):
        return any(_doc_only(c) for c in q.children())
    if isinstance(q, Q.Or):
        return all(_doc_only(c) for c in q.children())
    return False


def _body_leaves(q) -> list:
    """The positive words of a parsed query, moved to the paragraph fields (body, body_es)."""
    leaves = []
    for leaf in _positive_leaves(q):
        fname = getattr(leaf, "fieldname", None)
        if fname in ("text", "title", "text_es", "title_es"):
            c = leaf.copy()
            c.fieldname = "body_es" if fname.endswith("_es") else "body"
            leaves.append(c)
    return leaves


def _positive_leaves(q):
    from whoosh import query as Q

    if isinstance(q, Q.Not):
        return []
    if isinstance(q, Q.AndNot):
        return _positive_leaves(q.a)
    if q.is_leaf():
        return [q]
    out = []
    for child in q.children():
        out += _positive_leaves(child)
    return out


def _marker_class():
    from whoosh import highlight

    class Marker(highlight.Formatter):
        between = " … "

        def format(self, fragments, replace=False):
            for f in fragments:  # widen to whole words: keep "(New York)" and the final stop
                text = f.text
                while f.startchar > 0 and not text[f.startchar - 1].isspace():
                    f.startchar -= 1
                while f.endchar < len(text) and not text[f.endchar].isspace():
                    f.endchar += 1
            parts = [self.format_fragment(f, replace).strip() for f in fragments]
            out = self.between.join(p for p in parts if p)
            if fragments and fragments[0].startchar > 0:
                out = "… " + out
            if fragments and fragments[-1].endchar < len(fragments[-1].text):
                out += " …"
            return out

        def format_token(self, text, token, replace=False):
            return HL_START + highlight.get_text(text, token, replace) + HL_END

    return Marker


def _Marker():
    return _marker_class()()


def _edits(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count one)."""
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _close_word(s, word: str, lang: str) -> tuple[int, int, str] | None:
    """The indexed word closest to WORD (folded) in LANG's documents, as (edits, -documents,
    word), or None. The index holds stems; a stem close to WORD's stem is turned back into a
    word by reading paragraphs that have it (a suggestion is only sought when a query word is
    missing from the whole corpus, so this costs nothing on the usual path)."""
    from whoosh import query as Q

    from perucases.index.schema import analyzer, field_for, folding_analyzer

    stem = [t.text for t in analyzer(lang)(word)]
    if len(stem) != 1:
        return None
    fname, body = field_for("text", lang), field_for("body", lang)
    reader = s.reader()
    stems = sorted(((_edits(stem[0], c), -reader.doc_frequency(fname, c), c)
                    for c in reader.terms_within(fname, stem[0], 2, prefix=1)))[:8]
    best = None
    for _, df, c in stems:
        for hit in s.search(Q.Term(body, c), limit=3):
            for t in folding_analyzer()(hit.get(body) or ""):
                w = t.text
                if w.isalpha() and [x.text for x in analyzer(lang)(w)] == [c]:
                    cand = (_edits(word, w), df, w)
                    if cand[0] <= 2 and (best is None or cand < best):
                        best = cand
    return best


def _suggest(s, text: str) -> list[str]:
    """'Did you mean': query words the index lacks, replaced by close words it has."""
    from perucases.index.schema import analyzer, folding_analyzer

    outside = re.sub(r'"[^"]*"', " ", text)
    replaced = text
    changed = False
    for word in re.findall(r"(?<![\w:])[^\W\d_][\w'’]*", outside):
        if word in _OPERATORS:
            continue
        folded = [t.text for t in folding_analyzer()(word)]
        if len(folded) != 1:
            continue
        stems = {lang: [t.text for t in analyzer(lang)(word)] for lang in ("en", "es")}
        if any(not st or s.doc_frequency(fname, st[0]) > 0
               for fname, st in (("text", stems["en"]), ("text_es", stems["es"]))):
            continue  # a stop word, or a word the index has
        found = [c for c in (_close_word(s, folded[0], lang) for lang in ("en", "es")) if c]
        if found:
            best = min(found)[2]
            if word[:1].isupper():
                best = best[:1].upper() + best[1:]
            replaced = re.sub(rf"(?<![\w:]){re.escape(word)}(?!\w)", best, replaced, count=1)
            changed = True
    return [replaced] if changed and replaced != text else []


def _explain(text: str, parsed: dict, filters: Filters) -> list[str]:
    from perucases.index.schema import analyzer

    lines = [f"query: {text}"]
    for lang, q in parsed.items():
        lines.append(f"parsed for {lang} documents: {q}")
    words = re.findall(r"[^\W_][\w'’.]*", re.sub(r"\b(AND|OR|NOT)\b|\w+:", " ", text))
    for w in dict.fromkeys(words):
        en = " ".join(t.text for t in analyzer("en")(w)) or "(stop word)"
        es = " ".join(t.text for t in analyzer("es")(w)) or "(stop word)"
        lines.append(f"  {w!r} -> en: {en}; es: {es}")
    lines += [f"filter: {d}" for d in filters.describe()]
    lines.append("fields searched: title (boost 2) and text; phrases need the words in order; "
                 "accents are folded (José = Jose, Peña = Pena)")
    return lines
