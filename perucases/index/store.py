"""perucases' own Whoosh indexes: every opening, creation, writer and reader goes through here.

    ix = open_index(path, indexname)          # or create_index(path, schema, indexname)
    with ix.searcher() as s: ...              # perucases' readers and searcher
    w = Writer(ix, _lk=False)                 # perucases' codec and posting pool

whoosh-reloaded 2.7.5 is frozen upstream; what perucases changes in it for speed is done through
its own extension points, as subclasses used only for these indexes: a `FileStorage`
(`Storage`), a `FileIndex` (`Index`, whose readers and searcher are the classes below), a
`SegmentWriter` (`Writer`, with `codec.Codec` and `codec.PostingPool`), and the queries of
`expand`. Whoosh itself is left as it is, so a program that uses perucases' library and Whoosh
for its own index gets whoosh's own behaviour there. The index files are whoosh3's: whoosh alone
reads them.

- A segment part (a view of the segment's memory map) was copied into a BytesIO when opened,
  though reads go through the view: opening a searcher on 21,578 stories copied 124 MB, 100 ms
  and as much memory, in every query process. `Storage` gives compound segments a file whose
  parts are read through a small file object over the view itself (`ViewFile`).
- A segment with deleted records wraps every posting list it reads in a FilterMatcher, whose
  id(), is_active(), score()... each add a Python call to every step of a search: `Excluding`
  hands those calls to the posting list itself (bound once); only next() and skip_to() step over
  the deleted records, as before.
- terms_within (the index words within N edits of a word: fuzzy words, "did you mean") builds a
  Levenshtein automaton of the word (one segment) or computes the edit distance, in pure Python,
  to every index word with the same first letters (several segments): a 100,000-letter word took
  206 s. Only words whose length is within N of the word's can be within N edits, so only those
  are compared (`near_words`), and a word longer than LONG_WORD letters is compared that way
  instead of through the automaton. The words found are the same (a test compares them).
- IntersectionMatcher.all_ids (what `docs_for_query` uses) reads every id of both sides into
  sets: the records of one document intersected with all 55,000 paragraph records read them all,
  28 ms a document on 21,578 stories. `Searcher.docs_for_query` steps through an intersection with
  skip_to, as a search does, so the short side leads.
- The stemmer's cache (whoosh's lfu_cache, a Python wrapper that counts uses) costs more than a
  dict: highlighting a hit stems each word of its paragraph through it. The stemming filters of
  these indexes' schemas cache in a dict (`schema.dict_cached`).
"""

from __future__ import annotations

import contextlib
import mmap

from whoosh import index as windex
from whoosh import reading, searching, writing
from whoosh.filedb import filestore, structfile
from whoosh.matching import IntersectionMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import Query
from whoosh.support.levenshtein import distance

from perucases.errors import PerucasesError

WHOOSH = (2, 7, 5)  # the whoosh-reloaded release these subclasses extend (they use its internals)
LONG_WORD = 24  # letters: a longer word is compared with the index words of about its length


def check_whoosh(version=None) -> None:
    """Refuse any Whoosh but whoosh-reloaded 2.7.5: perucases' writer and readers extend its
    internals, which another release may lay out otherwise (and write a broken index)."""
    import whoosh

    found = tuple(whoosh.__version__ if version is None else version)
    if found[:3] != WHOOSH:
        want = ".".join(map(str, WHOOSH))
        raise PerucasesError(
            f"perucases needs whoosh-reloaded {want}, found Whoosh {'.'.join(map(str, found))}: "
            f"pip install 'whoosh-reloaded=={want}'"
        )


check_whoosh()  # before anything below is defined or used

from perucases.index.codec import Codec, PostingPool  # noqa: E402 - only on the release checked


def open_index(path, indexname: str) -> Index:
    """The perucases index INDEXNAME in folder PATH."""
    return Index(Storage(str(path)), indexname=indexname)


def create_index(path, schema, indexname: str) -> Index:
    """A new, empty perucases index INDEXNAME with SCHEMA in folder PATH (which exists)."""
    return Storage(str(path)).create_index(schema, indexname, indexclass=Index)


def read_toc(path, indexname: str, generation: int | None = None):
    """The table of contents of index INDEXNAME in PATH (the latest, or of GENERATION)."""
    return _stems_cached(windex.TOC.read(Storage(str(path)), indexname, generation))


def clean_files(path, indexname: str, toc) -> None:
    """Remove the files of INDEXNAME that TOC (a table of contents) does not list."""
    windex.clean_files(Storage(str(path)), indexname, toc.generation, toc.segments)


def _stems_cached(toc):
    from perucases.index.schema import dict_cached_schema

    dict_cached_schema(toc.schema)
    return toc


# ------------------------------------------------------------------------------------ storage


class ViewFile:
    """A read-only file over a buffer (a view of a memory map), without copying it."""

    __slots__ = ("_buf", "_pos")

    def __init__(self, buf) -> None:
        self._buf = buf
        self._pos = 0

    def read(self, n: int | None = -1) -> bytes:
        start, size = self._pos, len(self._buf)
        end = size if n is None or n < 0 else min(size, start + n)
        self._pos = max(start, end)
        return bytes(self._buf[start:end])

    def readline(self, n: int | None = -1) -> bytes:
        out = bytearray()
        while n is None or n < 0 or len(out) < n:
            c = self.read(1)
            if not c:
                break
            out += c
            if c == b"\n":
                break
        return bytes(out)

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def seek(self, pos: int, whence: int = 0) -> int:
        if whence == 1:
            pos += self._pos
        elif whence == 2:
            pos += len(self._buf)
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass


class PartFile(structfile.BufferFile):
    """whoosh's BufferFile (a part of a segment) read through a ViewFile of its buffer, not a copy."""

    def __init__(self, buf, name=None, onclose=None):
        self._buf = buf
        self._name = name
        self.file = ViewFile(buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    def subset(self, position, length, name=None):
        return PartFile(self.get(position, length), name=name or self._name)


class SegmentFile(structfile.StructFile):
    """A compound segment file: whoosh's CompoundStorage reads its directory through this file,
    then opens each part with `subset`, here a PartFile over a memory map of the whole file."""

    def __init__(self, fileobj, name=None, onclose=None):
        super().__init__(fileobj, name=name, onclose=onclose)
        self._map: mmap.mmap | None = None

    def subset(self, offset, length, name=None):
        if self._map is None:
            self._map = mmap.mmap(self.file.fileno(), 0, access=mmap.ACCESS_READ)
            self.file.close()  # the map is all the parts need (as whoosh's own map)
        return PartFile(memoryview(self._map)[offset : offset + length], name=name or self._name)

    def close(self):
        if self._map is not None:
            with contextlib.suppress(BufferError):  # parts still open: the map goes with them (as whoosh's)
                self._map.close()
            self._map = None
        super().close()


class Storage(filestore.FileStorage):
    """FileStorage whose compound segments are read through views of one memory map: whoosh's
    CompoundStorage maps the file itself only for a storage that says it supports mmap, and
    otherwise asks the file for `subset`s, which SegmentFile gives as views."""

    supports_mmap = False

    def __init__(self, path, readonly=False, debug=False):
        super().__init__(path, supports_mmap=False, readonly=readonly, debug=debug)

    def open_file(self, name, *args, **kwargs):
        f = super().open_file(name, *args, **kwargs)
        if name.endswith(".seg") and type(f) is structfile.StructFile:
            f = SegmentFile(f.file, name=name, onclose=f.onclose)
        return f


# ------------------------------------------------------------------------------------ reading


class Excluding(FilterMatcher):
    """FilterMatcher(child, deleted, exclude=True): the calls that only pass to the child are the
    child's own methods, bound once."""

    def __init__(self, child, ids, exclude=True, boost=1.0):
        super().__init__(child, ids, exclude, boost)
        if exclude and boost == 1.0:
            for name in (
                "id",
                "is_active",
                "score",
                "value",
                "value_as",
                "spans",
                "weight",
                "supports",
                "supports_block_quality",
                "block_quality",
                "max_quality",
            ):
                setattr(self, name, getattr(child, name))


def near_words(reader, fieldname, text, maxdist, prefix=0):
    """The words of READER's FIELDNAME within MAXDIST edits of TEXT (sharing its first PREFIX
    letters), as whoosh's IndexReader.terms_within finds them, comparing only the index words of
    a length within MAXDIST of TEXT's."""
    fieldobj = reader.schema[fieldname]
    n = len(text)
    low, high = n - maxdist, n + maxdist
    for btext in reader.expand_prefix(fieldname, text[:prefix]):
        if len(btext) < low or len(btext) > 4 * high:  # UTF-8: 1 to 4 bytes a letter
            continue
        word = fieldobj.from_bytes(btext)
        if low <= len(word) <= high and distance(word, text, limit=maxdist) <= maxdist:
            yield word


class SegmentReader(reading.SegmentReader):
    """whoosh's segment reader with perucases' codec, Excluding posting lists and near_words."""

    def __init__(self, storage, schema, segment, generation=None, codec=None):
        super().__init__(storage, schema, segment, generation, codec or Codec.like(segment.codec()))
        self.expansions: dict = {}  # what multi-word queries match here (expand)

    def postings(self, fieldname, text, scorer=None):
        if self.is_closed:
            raise reading.ReaderClosed
        if fieldname not in self.schema:
            raise reading.TermNotFound(f"No  field {fieldname!r}")
        text = self._text_to_bytes(fieldname, text)
        matcher = self._terms.matcher(fieldname, text, self.schema[fieldname].format, scorer=scorer)
        deleted = self.deleted_docs_set
        if deleted:
            matcher = Excluding(matcher, deleted, exclude=True)
        return matcher

    def terms_within(self, fieldname, text, maxdist, prefix=0):
        if len(text) <= LONG_WORD:  # whoosh's Levenshtein automaton
            yield from super().terms_within(fieldname, text, maxdist, prefix)
        else:
            yield from near_words(self, fieldname, text, maxdist, prefix)


class MultiReader(reading.MultiReader):
    """whoosh's reader of several segments, with near_words."""

    def __init__(self, readers, generation=None):
        super().__init__(readers, generation=generation)
        self.expansions: dict = {}

    def terms_within(self, fieldname, text, maxdist, prefix=0):
        yield from near_words(self, fieldname, text, maxdist, prefix)


def _docs(q, searcher):
    """q.docs(searcher), an intersection stepped through rather than read into sets."""
    if type(q).docs is not Query.docs:
        return q.docs(searcher)
    try:
        m = q.matcher(searcher, searcher.boolean_context())
    except reading.TermNotFound:
        return iter([])
    if isinstance(m, IntersectionMatcher):
        return _step(m)
    return m.all_ids()


def _step(m):
    while m.is_active():
        yield m.id()
        m.next()


class Searcher(searching.Searcher):
    def docs_for_query(self, q, for_deletion=False):
        if for_deletion:
            yield from super().docs_for_query(q, for_deletion)
        elif self.subsearchers:
            for s, offset in self.subsearchers:
                for docnum in _docs(q, s):
                    yield docnum + offset
        else:
            yield from _docs(q, self)


# ------------------------------------------------------------------------------- index, writer


class Index(windex.FileIndex):
    """whoosh's FileIndex with perucases' readers, searcher and writer."""

    def _read_toc(self):
        return _stems_cached(super()._read_toc())

    @classmethod
    def _reader(cls, storage, schema, segments, generation, reuse=None):
        # whoosh's FileIndex._reader, with the classes above.
        if reuse:
            segments.extend(s for s in reuse.segments() if s not in segments)
        reusable = {}
        try:
            if not segments:
                return reading.EmptyReader(schema)
            if reuse:
                reusable = {r.segment(): r for r, _ in reuse.leaf_readers() if r.segment() is not None}

            def segreader(segment):
                if segment in reusable:
                    return reusable.pop(segment)
                return SegmentReader(storage, schema, segment, generation=generation)

            if len(segments) == 1:
                return segreader(segments[0])
            return MultiReader([segreader(s) for s in segments], generation=generation)
        finally:
            for r in reusable.values():
                r.close()

    def searcher(self, **kwargs):
        return Searcher(self.reader(), fromindex=self, **kwargs)

    def writer(self, procs=1, **kwargs):
        if procs > 1:
            return super().writer(procs=procs, **kwargs)
        return Writer(self, **kwargs)


class Writer(writing.SegmentWriter):
    """whoosh's SegmentWriter with perucases' codec and posting pool (no other change)."""

    def __init__(self, ix, limitmb=128, codec=None, **kwargs):
        super().__init__(ix, limitmb=limitmb, codec=codec or Codec(), **kwargs)
        self.pool = PostingPool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def reader(self, reuse=None):
        self._check_state()
        return Index._reader(self.storage, self.schema, self.segments, self.generation, reuse=reuse)


def segment_reader(path, schema, segment) -> SegmentReader:
    """A reader of one SEGMENT of the index in PATH (its merges, its checks)."""
    return SegmentReader(Storage(str(path)), schema, segment)
