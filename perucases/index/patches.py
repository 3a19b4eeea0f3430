"""Small fixes to whoosh-reloaded 2.7.5 (frozen upstream: see the README), applied at import.

- W3PerDocReader._cached_reader does not remember that a field has no lengths column (ID and
  KEYWORD fields without scoring), so every posting of such a field asked the file system again
  (os.stat) while a segment was written: 215,000 stat calls for 2,000 Reuters stories, 7% of
  the build. The absence is remembered now; a segment's files never change once written.
- A field-length column (one byte a document) was read from the file, seek and read, for every
  posting written (the codec keeps each block's shortest and longest length) and for every
  document scored: 530,000 reads for 3,000 stories, 16% of the writer's time. Such a column is
  now read into memory once per segment reader (one byte a document: 150 KB for 150,000 records).
- The writer's posting pool spills sorted runs to disk every 128 MB (of its estimate) and merges
  them at commit, writing and reading each posting with its own pickle call: 45% of the
  writer's time on 21,578 Reuters stories. Runs are now pickled in chunks of postings, read
  back a chunk at a time: the same sort, the same bounded memory, a few calls instead of
  millions.
- Stored fields are pickled and zlib-compressed by the writer, one record at a time (17% of the
  writer's time). A record may instead carry them already pickled and compressed, in the
  exact form whoosh3's stored column holds (`schema.seal`, done in the extraction processes);
  they are then written as they are.
- IntersectionMatcher.all_ids (what `docs_for_query` uses) reads every id of both sides into
  sets: the records of one document (a handful) intersected with all 55,000 paragraph records
  read them all, 28 ms a document on 21,578 stories. It now steps through the intersection with
  skip_to, as a search does, so the short side leads.
- BufferFile (each part of a segment, a view of its memory map) copies the part into a BytesIO
  when it is opened, though reads go through the view: opening a searcher on 21,578 stories
  copied 124 MB, 100 ms and as much memory, in every query process. Reads now go through a
  small file object over the view itself.
- Each block of postings is zlib-compressed (whoosh meant to skip pickles under 20 bytes, but
  the next line overrides that). Half the blocks of a Reuters build hold one posting, a pickle
  of a few dozen bytes that zlib makes longer, at ~15 µs a call: 250,000 calls in a 21,578-story
  build. A block is now compressed when its pickle is at least SMALL_BLOCK bytes, and kept
  compressed only when that is shorter; each block says whether it is, and the reader has
  always read both kinds.
- PostingPool.add checks the types of each posting with asserts and sums its size estimate in
  nine steps: 7% of a build, as it is called for every posting. The same estimate is now one
  sum, without the asserts (the postings come from the schema's own fields).
- Writing a segment's postings (FieldWriter.add_postings) takes three method calls, four asserts
  and four more calls for the document's field length, for every posting: 9% of a build. The
  loop now adds each posting to its block directly and reads lengths from the in-memory column;
  a test holds the segment files byte for byte equal to whoosh's.
- A segment with deleted records (an updated file, a duplicate dropped) wraps every posting list
  it reads in a FilterMatcher, whose id(), is_active(), score()... each add a Python call to
  every step of a search: the busiest functions of a query's profile. The wrapper now hands
  those calls to the posting list itself (bound once); only next() and skip_to() step over
  the deleted records, as before.
- The stemmer's cache (whoosh's lfu_cache, a Python wrapper that counts uses) costs more than
  a dict: highlighting a hit stems each word of its paragraph through it. The cache is now a
  dict, emptied when full.
- terms_within (the index words within N edits of a word: fuzzy words, "did you mean") builds
  a Levenshtein automaton of the word (one segment) or computes the edit distance, in pure
  Python, to every index word with the same first letters (several segments): a 100,000-letter
  word took 206 s. Only words whose length is within N of the word's can be within N edits, so
  now only those are compared, and a word longer than LONG_WORD letters is compared that way
  instead of through the automaton: a word that no index word is near costs a scan of the
  lexicon with no comparison. The words found are the same (a test compares them).
- A wildcard, prefix, range or fuzzy word is searched as an Or of a posting list for each index
  word it matches, with whoosh's block-quality machinery walking the whole tree at every few
  documents: `tra*` (163 words on 21,578 stories) took 5 s, eight fuzzy words 30 s. When it
  matches more than MANY_TERMS words (and scores them all alike, as whoosh's wildcards, prefixes,
  ranges and fuzzy words do), it is now one sorted list of the records that have any of them,
  read from their posting lists once, with one score; it still names its words to the
  highlighter. Deleted records are left out as before (the posting lists skip them). The words
  such a query matches in a reader are found once and remembered by that reader: whoosh looked
  for them again to estimate the query's size, to build its matcher, in every segment, for the
  documents and again for the paragraphs (eight fuzzy words: some 400 times).
"""

from __future__ import annotations

_APPLIED = False
ORIGINAL: dict = {}  # whoosh's own versions of what is replaced, for the tests
SMALL_BLOCK = 64  # bytes of pickled postings below which a block is not compressed
LONG_WORD = 24  # letters: a longer word is compared with the index words of about its length
MANY_TERMS = 16  # index words: a multi-word query matching more is searched as one list of records


def _any_of_class():
    from whoosh.matching import ListMatcher

    class AnyOf(ListMatcher):
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
            # What a search with terms=True records for each hit (TermsCollector): a stand-in
            # for each word, matching where this does.
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

    return AnyOf


def _remembered_btexts(original):
    """MultiTerm._btexts, remembered by the reader for the query's kind and its settings."""

    def _btexts(self, ixreader):
        try:
            memo = ixreader.__dict__.setdefault("_perucases_expansions", {})
            key = (type(self), tuple(sorted((k, v) for k, v in vars(self).items() if k != "boost")))
            hash(key)
        except (AttributeError, TypeError):  # a reader or a query that cannot be remembered
            return original(self, ixreader)
        got = memo.get(key)
        if got is None:
            got = memo[key] = tuple(original(self, ixreader))
        return iter(got)

    return _btexts


def _multiterm_matcher():
    """MultiTerm.matcher: whoosh's Or of a Term a word up to MANY_TERMS words, one list above."""
    from whoosh import matching
    from whoosh.query import Or, Term

    any_of = _any_of_class()

    def matcher(self, searcher, context=None):
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
            return any_of(sorted(ids), self.boost,
                          [(fieldname, w if isinstance(w, bytes) else field.to_bytes(w)) for w in words])
        if self.constantscore:  # as whoosh: the words' scores do not matter
            if context:
                context = context.set(weighting=None)
            else:
                from whoosh.searching import SearchContext

                context = SearchContext(weighting=None)
        return Or([Term(fieldname, w) for w in words], boost=self.boost).matcher(searcher, context)

    return matcher


def _terms_within(automaton):
    """IndexReader.terms_within, comparing only the index words of a length within MAXDIST of
    TEXT's; AUTOMATON (a segment reader's own, for short words) or None."""

    def terms_within(self, fieldname, text, maxdist, prefix=0):
        from whoosh.support.levenshtein import distance

        if automaton is not None and len(text) <= LONG_WORD:
            yield from automaton(self, fieldname, text, maxdist, prefix)
            return
        fieldobj = self.schema[fieldname]
        n = len(text)
        low, high = n - maxdist, n + maxdist
        for btext in self.expand_prefix(fieldname, text[:prefix]):
            if len(btext) < low or len(btext) > 4 * high:  # UTF-8: 1 to 4 bytes a letter
                continue
            word = fieldobj.from_bytes(btext)
            if low <= len(word) <= high and distance(word, text, limit=maxdist) <= maxdist:
                yield word

    return terms_within


def _pool_add(self, item):
    """whoosh.writing.PostingPool.add: the same size estimate (150 bytes of tuple, float and int,
    plus the field name, the term counted twice and the value), without its asserts."""
    self.fieldnames.add(item[0])
    self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
    if self.currentsize > self.limit:
        self.save()
    self.current.append(item)


def _add_postings(self, schema, lengths, items):
    """base.FieldWriter.add_postings for whoosh3's W3FieldWriter, with W3FieldWriter.add,
    W3PostingsWriter.add_posting and W3PerDocReader.doc_field_length inlined."""
    from whoosh.codec import whoosh3
    from whoosh.codec.base import OutOfOrderError
    from whoosh.util.numeric import byte_to_length

    fast_lengths = type(lengths) is whoosh3.W3PerDocReader
    lastfn = lasttext = None
    pw = None
    column = None
    doccount = 0
    for fieldname, btext, docnum, weight, value in items:
        if fieldname != lastfn:
            if lastfn is not None and fieldname < lastfn:
                raise OutOfOrderError("Field %r .. %r" % (lastfn, fieldname))
            if lasttext is not None:
                self.finish_term()
            if lastfn is not None:
                self.finish_field()
            self.start_field(fieldname, schema[fieldname])
            lastfn, lasttext = fieldname, None
            pw = self._postwriter
            if fast_lengths:
                column = lengths._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
                doccount = lengths._doccount
        elif lasttext and btext < lasttext:
            raise OutOfOrderError("Term %s:%r .. %s:%r" % (lastfn, lasttext, fieldname, btext))
        if docnum == -1:  # spelling words: whoosh skips them here too
            continue
        if btext != lasttext:
            if lasttext is not None:
                self.finish_term()
            self.start_term(btext)
            lasttext = btext
        if not lengths:
            length = 0
        elif not fast_lengths:
            length = lengths.doc_field_length(docnum, fieldname)
        elif docnum > doccount:
            raise IndexError("Asked for docnum %r of %d" % (docnum, doccount))
        elif column is None:
            length = 0
        else:
            lbyte = column[docnum]
            length = byte_to_length(lbyte) if lbyte else None
        # W3PostingsWriter.add_posting
        if len(pw._ids) >= pw._blocklimit:
            pw._write_block()
        pw._ids.append(docnum)
        pw._weights.append(weight)
        if weight > pw._maxweight:
            pw._maxweight = weight
        if value:
            pw._values.append(value)
        if length:
            if pw._minlength is None or length < pw._minlength:
                pw._minlength = length
            if length > pw._maxlength:
                pw._maxlength = length
    if lasttext is not None:
        self.finish_term()
    if lastfn is not None:
        self.finish_field()


def _excluding_class():
    from whoosh.matching.wrappers import FilterMatcher

    class Excluding(FilterMatcher):
        """FilterMatcher(child, deleted, exclude=True): the calls that only pass to the child
        are the child's own methods, bound once."""

        def __init__(self, child, ids, exclude=True, boost=1.0):
            super().__init__(child, ids, exclude, boost)
            if exclude and boost == 1.0:
                for name in ("id", "is_active", "score", "value", "value_as", "spans", "weight",
                             "supports", "supports_block_quality", "block_quality", "max_quality"):
                    setattr(self, name, getattr(child, name))

    return Excluding


def _memo(fn, size: int):
    """FN (a stemmer) with a dict for a cache, emptied when it holds SIZE words (size < 0: never)."""
    cache: dict = {}

    def cached(word):
        got = cache.get(word)
        if got is None:
            if 0 < size <= len(cache):
                cache.clear()
            got = cache[word] = fn(word)
        return got

    return cached


def _stem_clear(self):
    """morph.StemFilter.clear with a dict for the cache."""
    from whoosh.lang import stemmer_for_language

    stemfn = stemmer_for_language(self.lang) if self.lang else self.stemfn
    if isinstance(self.cachesize, int) and self.cachesize not in (0, 1):
        self._stem = _memo(stemfn, self.cachesize)
    else:
        self._stem = stemfn


def _block_writer():
    """whoosh3.W3PostingsWriter._write_block, compressing only what zlib makes shorter."""
    import zlib

    from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
    from whoosh.compat import dumps
    from whoosh.util.numeric import length_to_byte

    compress = zlib.compress

    def _write_block(self, last=False):
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        databytes = dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), 2)
        comp = self._compression
        if comp and len(databytes) >= SMALL_BLOCK:
            packed = compress(databytes, comp)
            if len(packed) < len(databytes):
                databytes = packed
            else:
                comp = 0
        else:
            comp = 0
        ids = self._ids
        infobytes = dumps((len(ids), ids[-1], self._maxweight, comp, length_to_byte(self._minlength),
                           length_to_byte(self._maxlength)), 2)
        postfile = self._postfile
        blocklength = len(infobytes) + len(databytes)
        postfile.write_int(-blocklength if last else blocklength)
        postfile.write(infobytes)
        postfile.write(databytes)
        self._blockcount += 1
        self._new_block()

    return _write_block


class _BytesLengths:
    """A whole field-length column in memory; reads as whoosh's Numeric("B") column reader."""

    __slots__ = ("_data", "_default")

    def __init__(self, data: bytes, default: int) -> None:
        self._data = data
        self._default = default

    def __getitem__(self, docnum: int) -> int:
        data = self._data
        return data[docnum] if docnum < len(data) else self._default

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self):
        return iter(self._data)

    def load(self):
        return self

    def close(self) -> None:
        pass


class _ViewFile:
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


def _in_memory(reader):
    from whoosh import columns

    if type(reader) is columns.NumericColumn.Reader and reader._typecode == "B" and not reader._reverse:
        data = bytes(reader._dbfile.get(reader._basepos, reader._count)) if reader._count else b""
        if len(data) < reader._doccount:  # trailing documents without a value have the default
            data += bytes([reader._default]) * (reader._doccount - len(data))
        return _BytesLengths(data, reader._default)
    return reader


_CHUNK = 4096  # postings a pickle call in a run file


def _write_run(self, f, items) -> None:
    import itertools
    import pickle

    it = iter(items)
    try:
        while True:
            chunk = list(itertools.islice(it, _CHUNK))
            if not chunk:
                break
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
    finally:
        f.close()


def _read_run(self, path):
    import pickle

    f = self._open_run(path)
    try:
        while True:
            try:
                chunk = pickle.load(f)
            except EOFError:
                return
            yield from chunk
    finally:
        f.close()
        self._remove_run(path)


def apply() -> None:
    global _APPLIED
    if _APPLIED:
        return
    from whoosh import externalsort
    from whoosh.codec import whoosh3

    externalsort.SortingPool._write_run = _write_run
    ORIGINAL["_write_block"] = whoosh3.W3PostingsWriter._write_block
    from whoosh import writing

    writing.PostingPool.add = _pool_add
    ORIGINAL["add_postings"] = whoosh3.W3FieldWriter.add_postings
    from whoosh import reading

    excluding = _excluding_class()

    def postings(self, fieldname, text, scorer=None):
        from whoosh.reading import ReaderClosed, TermNotFound

        if self.is_closed:
            raise ReaderClosed
        if fieldname not in self.schema:
            raise TermNotFound("No  field %r" % fieldname)
        text = self._text_to_bytes(fieldname, text)
        matcher = self._terms.matcher(fieldname, text, self.schema[fieldname].format, scorer=scorer)
        deleted = self.deleted_docs_set
        if deleted:
            matcher = excluding(matcher, deleted, exclude=True)
        return matcher

    ORIGINAL["postings"] = reading.SegmentReader.postings
    reading.SegmentReader.postings = postings
    ORIGINAL["terms_within"] = reading.IndexReader.terms_within
    ORIGINAL["segment_terms_within"] = reading.SegmentReader.terms_within
    reading.IndexReader.terms_within = _terms_within(None)
    reading.SegmentReader.terms_within = _terms_within(ORIGINAL["segment_terms_within"])
    from whoosh.query import terms as query_terms

    ORIGINAL["multiterm_matcher"] = query_terms.MultiTerm.matcher
    query_terms.MultiTerm.matcher = _multiterm_matcher()
    from whoosh.query import ranges

    for cls in (query_terms.PatternQuery, query_terms.Prefix, query_terms.FuzzyTerm, query_terms.Variations,
                ranges.TermRange):
        ORIGINAL[f"{cls.__name__}._btexts"] = cls.__dict__["_btexts"]
        cls._btexts = _remembered_btexts(cls.__dict__["_btexts"])
    from whoosh.analysis import morph

    morph.StemFilter.clear = _stem_clear
    whoosh3.W3FieldWriter.add_postings = _add_postings
    whoosh3.W3PostingsWriter._write_block = _block_writer()
    externalsort.SortingPool._read_run = _read_run

    original = whoosh3.W3PerDocReader._cached_reader
    missing = object()

    def _cached_reader(self, fieldname, column):
        readers = self._readers
        got = readers.get(fieldname, missing)
        if got is not missing:
            return got
        reader = original(self, fieldname, column)
        if reader is not None and column is whoosh3.LENGTHS_COLUMN:
            reader = _in_memory(reader)
        readers[fieldname] = reader  # None too: "no such column" is remembered
        return reader

    whoosh3.W3PerDocReader._cached_reader = _cached_reader

    from whoosh.columns import VarBytesColumn

    from perucases.index.schema import SEALED

    def finish_doc(self):
        sf = self._storedfields
        sealed = sf.pop(SEALED, None) if sf else None
        if sealed is not None:
            if sf:
                raise ValueError(f"stored fields beside a sealed record: {sorted(sf)}")
            stored = self._colwriters["_stored"]  # Pickle -> CompressedBytes -> VarBytes
            VarBytesColumn.Writer.add(stored._child, self._docnum, bytes(sealed))
        elif sf:
            self.add_column_value("_stored", whoosh3.STORED_COLUMN, sf)
            sf.clear()
        self._indoc = False

    whoosh3.W3PerDocWriter.finish_doc = finish_doc

    from whoosh.matching import binary

    def all_ids(self):
        while self.is_active():
            yield self.id()
            self.next()

    binary.IntersectionMatcher.all_ids = all_ids

    from whoosh.filedb import structfile

    def buffer_init(self, buf, name=None, onclose=None):
        self._buf = buf
        self._name = name
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    def get_file(self):
        f = self.__dict__.get("file")
        if f is None:
            f = self.__dict__["file"] = _ViewFile(self._buf)
        return f

    def set_file(self, value):
        self.__dict__["file"] = value

    def buffer_close(self):
        if self.is_closed:
            raise Exception("This file is already closed")
        if self.onclose:
            self.onclose(self)
        self.__dict__.pop("file", None)
        self.is_closed = True

    structfile.BufferFile.__init__ = buffer_init
    structfile.BufferFile.file = property(get_file, set_file)
    structfile.BufferFile.close = buffer_close
    _APPLIED = True
