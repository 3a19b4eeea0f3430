"""Whoosh analysers and fields.

Three kinds of record share one index (`kind`), each naming its document (`id`):
  doc   one per document: metadata, title and full text (for document-level matching and filters),
        and its events, if any, their dates indexed (for the timeline)
  para  one per paragraph: its text, stored, so every hit points to a paragraph and a snippet
  src   one per document: the original text and the offset maps (for show --raw and quotes)

A document's text and its paragraphs are analysed once, in the extraction processes
(`analyse_paragraphs`), and handed to the writer as postings (`PreTEXT`).

English text is analysed with accent folding then the English stemmer; Spanish documents go to
`*_es` fields, folded then stemmed in Spanish. Folding includes ñ -> n (see the README): a
researcher typing "Pena" or "Nunez" on an English keyboard must find Peña and Núñez, at the cost
of "año" also matching "ano".
"""

from __future__ import annotations

import functools
import zlib

from whoosh import fields
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import stopwords as whoosh_stopwords
from whoosh.support.charset import accent_map
from whoosh.system import pack_uint

from perucases.resources import data_lines

TOKEN = r"\w+(\.?\w+)*"
LANGS = ("en", "es")


def _fold(word: str) -> str:
    return word.translate(accent_map)


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


def dict_cached(f: StemFilter) -> StemFilter:
    """F (a stemming filter of perucases') caching its stems in a dict instead of whoosh's
    lfu_cache, a Python wrapper that counts uses and costs more than the stemmer saves: the same
    stems (the filter's _stem is not pickled: the index files do not change)."""
    from whoosh.lang import stemmer_for_language

    stemfn = stemmer_for_language(f.lang) if f.lang else f.stemfn
    if isinstance(f.cachesize, int) and f.cachesize not in (0, 1):
        f._stem = _memo(stemfn, f.cachesize)
    else:
        f._stem = stemfn
    return f


def dict_cached_schema(schema: fields.Schema) -> fields.Schema:
    """SCHEMA (read from an index's table of contents) with its stemming filters dict_cached."""
    seen = set()
    for _, field in schema.items():
        a = getattr(field, "analyzer", None)
        if a is None or id(a) in seen:
            continue
        seen.add(id(a))
        for part in getattr(a, "items", [a]):
            if isinstance(part, StemFilter):
                dict_cached(part)
    return schema


@functools.cache
def analyzer(lang: str):
    if lang == "en":
        stops = frozenset(_fold(w.strip().lower()) for w in data_lines("stopwords_index_en.txt"))
    else:
        stops = frozenset(_fold(w) for w in whoosh_stopwords.stoplists["es"])
    return (
        RegexTokenizer(TOKEN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=stops, minsize=2)
        | dict_cached(StemFilter(lang=lang, cachesize=50000))
    )


@functools.cache
def folding_analyzer():
    return RegexTokenizer(TOKEN) | LowercaseFilter() | CharsetFilter(accent_map)


class Analysed:
    """A field value analysed beforehand (in an extraction process): the postings whoosh would
    compute from the text, as (term bytes, frequency, weight, encoded positions)."""

    __slots__ = ("items",)

    def __init__(self, items: list) -> None:
        self.items = items


class _TakesAnalysed:
    """A field that also takes an `Analysed` value: its postings, as they are."""

    def index(self, value, **kwargs):
        if isinstance(value, Analysed):
            return iter(value.items)
        return super().index(value, **kwargs)  # type: ignore[misc]  # (the whoosh field after this class)


class PreTEXT(_TakesAnalysed, fields.TEXT):
    """TEXT that also takes an `Analysed` value, so that the index writer does not analyse
    again what an extraction process analysed while the writer was busy."""


class PreKEYWORD(_TakesAnalysed, fields.KEYWORD):
    """KEYWORD that also takes an `Analysed` value (`keywords`): a record's entity keys and months
    are posted as they are, instead of going through whoosh's comma tokenizer, strip filter and
    frequency count."""


_ONCE = pack_uint(1)


def keywords(words) -> Analysed:
    """The postings a `KEYWORD(commas=True)` field makes of ",".join(WORDS), for distinct WORDS
    with no comma and no space at either end (entity keys, "YYYY-MM"): each word once."""
    return Analysed([(w.encode("utf-8"), 1, 1.0, _ONCE) for w in words])


_STEMS: dict[str, dict[str, str]] = {}  # lang -> word -> stem, for this process
_STEM_CACHE_MAX = 500_000


@functools.cache
def _term_stream(lang: str):
    """`analyzer(lang)` fused into one loop: the same terms and positions as the whoosh chain
    (tokenizer | lowercase | charset | stop | stem), without a Token object and four generator
    hops a word. A property test holds the two equal."""
    from whoosh.lang import stemmer_for_language

    tokenizer, _lower, charset, stop, stemmer = analyzer(lang).items
    finditer, charmap = tokenizer.expression.finditer, charset.charmap
    stops, minsize, maxsize, ignore = stop.stops, stop.min, stop.max, stemmer.ignore
    stemfn = stemmer_for_language(lang)
    cache = _STEMS.setdefault(lang, {})

    def terms(text: str) -> tuple[list[tuple[str, int]], int]:
        """[(term, position)], and how many tokens the text had, stop words included."""
        out = []
        pos = None
        i = -1
        for i, m in enumerate(finditer(text)):
            w = m.group(0).lower().translate(charmap)
            if len(w) < minsize or (maxsize is not None and len(w) > maxsize) or w in stops:
                continue
            pos = i if pos is None else pos + 1  # StopFilter(renumber=True)
            st = cache.get(w)
            if st is None:
                if len(cache) > _STEM_CACHE_MAX:
                    cache.clear()
                st = cache[w] = w if w in ignore else stemfn(w)
            out.append((st, pos))
        return out, i + 1

    return terms


def analyse_paragraphs(texts: list[str], lang: str) -> tuple[Analysed, list[Analysed]]:
    """The postings of a document's text (its paragraphs joined by newlines) and of each
    paragraph, from one analysis. A token never spans a newline, so the document's terms are
    the paragraphs' terms one after another; positions continue from paragraph to paragraph as
    the stop filter renumbers them in the joined text. Equal, posting for posting, to what
    whoosh computes from the joined text and from each paragraph (a property test checks)."""
    from whoosh.formats import Positions

    encode = Positions().encode  # the TEXT fields' format

    def postings(poses: dict[str, list[int]]) -> Analysed:
        return Analysed([(w.encode("utf-8"), len(pl), float(len(pl)), encode(pl)) for w, pl in poses.items()])

    terms = _term_stream(lang)
    whole: dict[str, list[int]] = {}
    paras = []
    last = None  # the document position of the last term so far
    tokens_before = 0  # until the first term: the first keeps its token index in the joined text
    for text in texts:
        poses: dict[str, list[int]] = {}
        got, ntokens = terms(text)
        for w, pos in got:
            poses.setdefault(w, []).append(pos)
        paras.append(postings(poses))
        if not got:
            tokens_before += ntokens
            continue
        shift = tokens_before if last is None else last + 1 - got[0][1]
        for w, pos in got:
            whole.setdefault(w, []).append(pos + shift)
        last = got[-1][1] + shift
    return postings(whole), paras


class Sealed(bytes):
    """A record's stored fields, pickled and compressed beforehand as whoosh's stored column
    holds them (`codec.PerDocWriter` writes it as is)."""


SEALED = "sealed"  # the field that carries a Sealed value through add_document


@functools.cache
def _field_kinds() -> dict[str, tuple[bool, bool]]:
    """field name -> (stored, indexed)"""
    schema = make_schema()
    return {name: (bool(schema[name].stored), bool(schema[name].indexed)) for name in schema.names()}


def deflate(data: bytes, level: int) -> bytes:
    """`zlib.compress(DATA, LEVEL)`, with a window no larger than DATA and a memory level to
    match: the same zlib stream format, which `zlib.decompress` (and so whoosh's readers) reads,
    and the same length within a few bytes. zlib's defaults set up about 256 KB of state for
    every call, whatever the size of DATA: 55-100 µs a call for the few hundred bytes of a
    block of postings or a paragraph's stored fields, 9-33 µs this way. A build of 2,000 Reuters
    stories makes 33,000 such calls for its blocks and 9,700 for its records (1.2 s of 11.8)."""
    bits = min(15, max(9, (len(data) - 1).bit_length()))
    z = zlib.compressobj(level, zlib.DEFLATED, bits, min(8, bits - 6))
    return z.compress(data) + z.flush()


def seal(rec: dict) -> dict:
    """REC with its stored values moved into one `Sealed` value, so that the extraction process,
    not the index writer, pays for pickling and compressing them. Indexed fields stay."""
    import pickle

    kinds = _field_kinds()
    stored = {}
    out = {}
    for name, value in rec.items():
        if name.startswith("_stored_"):
            continue
        is_stored, is_indexed = kinds[name]
        if is_stored:
            stored[name] = rec.get(f"_stored_{name}", value)
        if is_indexed:
            out[name] = value
            if is_stored:
                out[f"_stored_{name}"] = None
    if stored:
        out[SEALED] = Sealed(deflate(pickle.dumps(stored, 2), 3))  # whoosh3's STORED_COLUMN
    return out


def field_for(base: str, lang: str) -> str:
    """title/text/body for English, title_es/text_es/body_es for Spanish."""
    return base if lang == "en" else f"{base}_{lang}"


MONTH_BUCKETS = 24


def months_between(first, last) -> list[str] | None:
    """The months from FIRST to LAST (dates) as YYYY-MM, or None past MONTH_BUCKETS months."""
    n = (last.year - first.year) * 12 + last.month - first.month + 1
    if n > MONTH_BUCKETS:
        return None
    y, m = first.year, first.month
    out = []
    for _ in range(max(n, 1)):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def make_schema() -> fields.Schema:
    f: dict = dict(
        kind=fields.ID(),
        key=fields.ID(unique=True, stored=True),  # doc records: the id; src records: id + "\0src"
        id=fields.ID(stored=True),
        para=fields.STORED(),  # para records: the paragraph's number (read, never searched)
        publisher=fields.TEXT(analyzer=folding_analyzer()),
        lang=fields.ID(),
        date_start=fields.DATETIME(),
        date_end=fields.DATETIME(),
        meta=fields.STORED(),
        src=fields.STORED(),
        entities=PreKEYWORD(commas=True, scorable=True),  # entity keys, on doc and para records
        ments=fields.STORED(),  # para records: [[entity key, start, end], ...]
        page=fields.STORED(),  # para records of PDFs: the page the paragraph starts on
        # doc records with events: the years each event's interval starts and ends in, one term a year, to
        # find the records a long date window may hold (each event is checked against the window
        # when read). Day numbers took four terms a value, thousands of them a corpus: writing
        # them cost about 100 M instructions on 400 Reuters stories, 3% of what extraction adds.
        ev_first_year=fields.NUMERIC(int, bits=16, shift_step=0),
        ev_last_year=fields.NUMERIC(int, bits=16, shift_step=0),
        # the months the events span, "YYYY-MM", for events of up to MONTH_BUCKETS months, and
        # "long" for longer ones: a short date window is then a few terms, not two open ranges
        ev_month=PreKEYWORD(commas=True),
        ev=fields.STORED(),  # doc records: the events, everything the timeline shows (records.events_of)
        timeline=fields.ID(),  # doc records of documents with events: records.HAS_EVENTS
    )
    f[SEALED] = fields.STORED()
    for lang in LANGS:
        a = analyzer(lang)
        f[field_for("title", lang)] = fields.TEXT(analyzer=a)
        f[field_for("text", lang)] = PreTEXT(analyzer=a)
        f[field_for("body", lang)] = PreTEXT(analyzer=a, stored=True)
    return fields.Schema(**f)
