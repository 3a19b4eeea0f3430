"""How perucases' index writer writes a segment: whoosh3's codec and posting pool, subclassed.

Only perucases' own indexes use these (`store.Writer`, `store.Index`); whoosh's classes stay as
they are. The files written are whoosh3's, read by whoosh's own readers: a segment's table of
contents names plain `W3Codec` (see `Codec.new_segment`), so the on-disk format is unchanged.

- The posting pool spills sorted runs to disk every 128 MB (of its estimate) and merges them at
  commit; whoosh writes and reads each posting with its own pickle call (45% of the writer's time
  on 21,578 Reuters stories). `PostingPool` pickles runs in chunks of postings, read back a chunk
  at a time: the same sort, the same bounded memory, a few calls instead of millions. Its `add`
  sums whoosh's size estimate in one step, without the per-posting asserts (7% of a build; the
  postings come from the schema's own fields).
- The pool sorts its postings by field, then each field's by docnum and, stably, by term
  (`sorted_postings`): the order of whoosh's `sorted()` on whole tuples, in half the time.
- Writing a segment's postings (`FieldWriter.add_postings`) takes whoosh three method calls, four
  asserts and four more calls for the document's field length, for every posting (9% of a build):
  the loop here adds each posting to its block directly and reads lengths from the in-memory
  column; a test holds the segment files byte for byte equal to whoosh's.
- Each block of postings is zlib-compressed by whoosh, though half the blocks of a Reuters build
  hold one posting that zlib makes longer, at ~15 µs a call. `PostingsWriter` compresses a block
  when its pickle is at least SMALL_BLOCK bytes and keeps it compressed only when that is shorter;
  each block says whether it is, and whoosh's reader has always read both kinds. It compresses
  with a window sized to the block (`schema.deflate`), as `schema.seal` does records.
- Stored fields are pickled and compressed by the writer, one record at a time (17% of the
  writer's time). A record may instead carry them already pickled and compressed, in the exact
  form whoosh3's stored column holds (`schema.seal`, done in the extraction processes);
  `PerDocWriter` writes them as they are.
- `PerDocReader` remembers that a field has no lengths column (whoosh asked the file system again,
  os.stat, for every posting of an ID or KEYWORD field: 215,000 calls for 2,000 stories), and reads
  a field-length column (one byte a document) into memory once, instead of a seek and a read for
  every posting written and every document scored (530,000 reads for 3,000 stories).
"""

from __future__ import annotations

import itertools
import operator
import pickle
from typing import Any

from whoosh import columns, writing
from whoosh.codec import whoosh3
from whoosh.codec.base import OutOfOrderError
from whoosh.compat import dumps
from whoosh.util.numeric import byte_to_length, length_to_byte

from perucases.index.schema import deflate

SMALL_BLOCK = 64  # bytes of pickled postings below which a block is not compressed
RUN_CHUNK = 4096  # postings a pickle call in a run file
_MISSING = object()


class Codec(whoosh3.W3Codec):
    """whoosh3's codec with the writers and the per-document reader below."""

    @classmethod
    def like(cls, codec) -> Codec:
        """This codec with the settings of CODEC (a segment's W3Codec)."""
        return cls(codec._blocklimit, codec._compression, codec._inlinelimit)

    def per_document_writer(self, storage, segment):
        return PerDocWriter(self, storage, segment)

    def field_writer(self, storage, segment):
        return FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def per_document_reader(self, storage, segment):
        return PerDocReader(storage, segment)

    def new_segment(self, storage, indexname):
        # The segment (pickled into the table of contents) names whoosh's own codec: the index
        # stays readable by whoosh alone, and its files are the same as before.
        return whoosh3.W3Segment(whoosh3.W3Codec(self._blocklimit, self._compression, self._inlinelimit), indexname)


def sorted_postings(items: list) -> list:
    """ITEMS, postings (field name, term bytes, docnum, weight, value bytes), in the order
    `sorted(items)` gives them, in half the time or less: grouped by field (a few names), then each
    field's postings sorted by docnum and, stably, by term, two sorts on one key each where
    `sorted` compares whole tuples. The same order because a posting is the only one of its field,
    term and document (whoosh writes each term of a document's field once), so the tuples are
    already told apart by their first three values. A field's terms share their first bytes, the
    docnums of a term come in order: a Reuters segment's 85,000 postings sort in 0.065 s instead
    of 0.14 s."""
    by_field: dict[str, list] = {}
    for item in items:
        field = item[0]
        if field in by_field:
            by_field[field].append(item)
        else:
            by_field[field] = [item]
    out: list = []
    for field in sorted(by_field):
        group = by_field[field]
        group.sort(key=_DOCNUM)
        group.sort(key=_TERM)
        out.extend(group)
    return out


_TERM, _DOCNUM = operator.itemgetter(1), operator.itemgetter(2)


class PostingPool(writing.PostingPool):
    """whoosh's posting pool, its runs pickled in chunks, its size estimate in one sum, and its
    postings sorted by `sorted_postings`."""

    current: list  # (whoosh's SortingPool sets it, untyped)

    def save(self) -> None:
        """whoosh's (the postings so far to a sorted run on disk), their sort done by
        `sorted_postings` first: whoosh's own sort then finds them in order, one pass."""
        if self.current:
            self.current = sorted_postings(self.current)
        super().save()

    def items(self, maxfiles=128):
        if not self.runs:
            return sorted_postings(self.current)  # (whoosh: sorted(self.current))
        return super().items(maxfiles)  # (it calls save() above; the runs are merged as whoosh does)

    def add(self, item):
        # The same estimate as whoosh's (150 bytes of tuple, float and int, plus the field name,
        # the term counted twice and the value), without its asserts.
        self.fieldnames.add(item[0])
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f, items) -> None:
        it = iter(items)
        try:
            while True:
                chunk = list(itertools.islice(it, RUN_CHUNK))
                if not chunk:
                    break
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        finally:
            f.close()

    def _read_run(self, path):
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


class PostingsWriter(whoosh3.W3PostingsWriter):
    def _write_block(self, last=False):
        """whoosh's, compressing only a block of at least SMALL_BLOCK bytes that zlib makes shorter."""
        if not self._blockcount:
            self._postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        databytes = dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), 2)
        comp = self._compression
        if comp and len(databytes) >= SMALL_BLOCK:
            packed = deflate(databytes, comp)
            if len(packed) < len(databytes):
                databytes = packed
            else:
                comp = 0
        else:
            comp = 0
        ids = self._ids
        infobytes = dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                comp,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            2,
        )
        postfile = self._postfile
        blocklength = len(infobytes) + len(databytes)
        postfile.write_int(-blocklength if last else blocklength)
        postfile.write(infobytes)
        postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


class FieldWriter(whoosh3.W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        """base.FieldWriter.add_postings with W3FieldWriter.add, W3PostingsWriter.add_posting and
        W3PerDocReader.doc_field_length inlined."""
        fast_lengths = type(lengths) is PerDocReader
        lastfn = lasttext = None
        pw: Any = None
        column = None
        length: int | None
        doccount = 0
        for fieldname, btext, docnum, weight, value in items:
            if fieldname != lastfn:
                if lastfn is not None and fieldname < lastfn:
                    raise OutOfOrderError(f"Field {lastfn!r} .. {fieldname!r}")
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
                raise OutOfOrderError(f"Term {lastfn}:{lasttext!r} .. {fieldname}:{btext!r}")
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
                raise IndexError(f"Asked for docnum {docnum!r} of {doccount}")
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


class PerDocWriter(whoosh3.W3PerDocWriter):
    def finish_doc(self):
        """whoosh's, writing a record's Sealed stored fields (schema.seal) as they are."""
        from perucases.index.schema import SEALED

        sf = self._storedfields
        sealed = sf.pop(SEALED, None) if sf else None
        if sealed is not None:
            if sf:
                raise ValueError(f"stored fields beside a sealed record: {sorted(sf)}")
            stored = self._colwriters["_stored"]  # Pickle -> CompressedBytes -> VarBytes
            columns.VarBytesColumn.Writer.add(stored._child, self._docnum, bytes(sealed))
        elif sf:
            self.add_column_value("_stored", whoosh3.STORED_COLUMN, sf)
            sf.clear()
        self._indoc = False


class PerDocReader(whoosh3.W3PerDocReader):
    def _cached_reader(self, fieldname, column):
        """whoosh's, remembering a missing column too, and a lengths column read into memory."""
        readers = self._readers
        got = readers.get(fieldname, _MISSING)
        if got is not _MISSING:
            return got
        reader = super()._cached_reader(fieldname, column)
        if reader is not None and column is whoosh3.LENGTHS_COLUMN:
            reader = _in_memory(reader)
        readers[fieldname] = reader  # None too: "no such column" is remembered
        return reader


class BytesLengths:
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


def _in_memory(reader):
    if type(reader) is columns.NumericColumn.Reader and reader._typecode == "B" and not reader._reverse:
        data = bytes(reader._dbfile.get(reader._basepos, reader._count)) if reader._count else b""
        if len(data) < reader._doccount:  # trailing documents without a value have the default
            data += bytes([reader._default]) * (reader._doccount - len(data))
        return BytesLengths(data, reader._default)
    return reader
