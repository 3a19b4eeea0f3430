"""Search: the documents that match a query, each with its best paragraph; the sentences that
match it best, quoted from the original files; the query checks and the "did you mean".

Functions of a Library (its searcher, its index's languages); Library.search and Library.quotes
are the API.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from whoosh import highlight, qparser
from whoosh import query as Q
from whoosh.matching import ListMatcher, NullMatcher

from perucases.errors import InvalidArgument, check_text
from perucases.highlight import HL_END, HL_START
from perucases.index import records
from perucases.index.schema import analyzer, field_for, folding_analyzer
from perucases.library import limits
from perucases.library.filters import Filters

if TYPE_CHECKING:
    from perucases.library.library import Library

# Field names a query may use, and what each means.
QUERY_FIELDS = {
    "title": "the document's title",
    "body": "the document's text",
    "publisher": 'the publisher (Amnesty, "Human Rights Watch")',
    "lang": "the language code (en, es)",
    "id": "the document id (exact, or with a wildcard: id:003*)",
}


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


_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


def check_query(text: str) -> None:
    """Refuse what Whoosh would silently misread: unknown fields, unbalanced quotes, lone operators;
    and what would cost too much (perucases.library.limits)."""
    check_text(text, "the query")
    if not text.strip():
        raise InvalidArgument("empty query", param="query")
    limits.check_text(text)
    if text.count('"') % 2:
        raise InvalidArgument('query syntax: unbalanced " (a phrase needs a closing quote)', param="query")
    outside = re.sub(r'"[^"]*"', " PHRASE ", text)
    depth = 0
    for c in outside:
        depth += c == "("
        depth -= c == ")"
        if depth < 0:
            raise InvalidArgument("query syntax: ')' without '('", param="query")
    if depth:
        raise InvalidArgument("query syntax: '(' without ')'", param="query")
    for m in re.finditer(r"(?<![\w:])([A-Za-z_]\w*):(\S?)", outside):
        name, after = m.group(1), m.group(2)
        if name not in QUERY_FIELDS:
            raise InvalidArgument(
                "query syntax: unknown field {name!r} (fields: {fields})",
                param="query",
                name=name,
                fields=", ".join(QUERY_FIELDS),
            )
        if not after or after in ")":
            raise InvalidArgument("query syntax: {name}: needs a value", param="query", name=name)
    tokens = re.findall(r"[()]|[^\s()]+", outside)
    words = [t for t in tokens if t not in "()"]
    if not words:
        raise InvalidArgument("empty query", param="query")
    prev = None
    for i, t in enumerate(tokens):
        if t in _OPERATORS:
            before = tokens[i - 1] if i else None
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            binary = t != "NOT"
            if after is None or after == ")" or after in _OPERATORS and after != "NOT":
                raise InvalidArgument("query syntax: {t} needs a term after it", param="query", t=t)
            if binary and (before is None or before == "(" or before in _OPERATORS):
                raise InvalidArgument("query syntax: {t} needs a term before it", param="query", t=t)
        prev = t
    del prev


def search(
    lib: Library,
    text: str,
    filters: Filters | None = None,
    limit: int = 10,
    explain: bool = False,
    entity: str | None = None,
) -> SearchResults:

    check_query(text)
    if limit < 1:
        raise InvalidArgument("{limit} must be at least 1", param="limit")
    filters = filters or Filters()
    parsed, q = parse(lib, text)
    notes: list[str] = []
    if explain:
        notes += _explain(text, parsed, filters)
    if q is None:
        return SearchResults(
            text,
            [],
            0,
            [],
            notes + ["the query has no word the index keeps (stop words and single letters are left out)"],
        )
    ent_q = entity_filter(lib, entity)
    if explain and ent_q:
        notes.append(f"filter: names the entity {lib.entity_table()[ent_q[0].text].name!r}")
    # Only doc records have the text and title fields: a query that can match nothing else
    # needs no intersection with every doc record.
    kind = [] if _doc_only(q) else [records.of_kind(records.DOC)]
    full = Q.And([*kind, q, *filters.queries(), *ent_q])
    missing: dict[str, list[str]] = {}
    s = lib.searcher()
    results = s.search(full, limit=limit)
    scored = [(round(h.score, 4), f["id"], h.docnum, f["meta"]) for h in results for f in [h.fields()]]
    # The estimate can count documents a phrase or AND query then rejects.
    total = len(scored) if len(scored) < limit else max(len(scored), results.estimated_length())
    suggestions = [] if scored else _suggest(s, text)
    words = plain_words(text) if not scored else []
    partial = len(words) >= 2
    if partial:  # no document has all the words: those with most of them, marked
        _, q = parse(lib, text, any_word=True)
        r = s.search(Q.And([*kind, q, *filters.queries(), *ent_q]), limit=None, terms=True)
        stems = _word_terms(words)
        found = []
        for h in r:
            have = {w for w, terms in stems.items() if terms & set(h.matched_terms())}
            found.append((len(have), round(h.score, 4), h, have))
        found.sort(key=lambda t: (-t[0], -t[1], t[2]["id"]))
        scored = []
        for _n_have, score, h, have in found[:limit]:
            f = h.fields()
            scored.append((score, f["id"], h.docnum, f["meta"]))
            missing[f["id"]] = [w for w in words if w not in have]
        total = len(found)
    else:
        scored.sort(key=lambda t: (-t[0], t[1]))
    hits = []
    best = best_paragraphs(s, q, [(d, n, m.get("paragraphs", 0)) for _, d, n, m in scored], ent_q)
    for rank, (score, doc_id, _docnum, meta) in enumerate(scored, 1):
        para, snippet, keys, page = best[doc_id]
        names = [meta["entities"][k][0] for k in keys if k in meta.get("entities", {})]
        hits.append(
            SearchHit(
                rank,
                doc_id,
                meta.get("title"),
                meta.get("publisher"),
                meta.get("date"),
                round(score, 3),
                para,
                snippet,
                names,
                page,
                partial=partial,
                missing=missing.get(doc_id, []),
            )
        )
    if explain:
        if partial and hits:
            notes.append(f"0 documents have every word; {total} have some of them")
        else:
            notes.append(f"{total} matching document(s)")
    return SearchResults(text, hits, total, suggestions, notes, partial=partial and bool(hits))


def best_paragraphs(s, q, docs: list[tuple[str, int, int]], ent_q: list) -> dict:
    """doc id -> (paragraph, snippet, entity keys, page) of its best matching paragraph (one
    that also names the entity, when there is one), in one search over the paragraphs of all
    DOCS: (id, docnum of its doc record, number of paragraphs).

    A document's records are written one after the other (doc, src, its paragraphs, its
    timeline) and stay so through merges, so its paragraphs are the records right after its
    src: the search is confined to those docnums, and a hit is known by its docnum, without
    reading the stored fields of every matching paragraph. Each chosen paragraph is checked
    against its stored id; should one not match, the documents are looked up by id."""

    doc_ids = [d for d, _, _ in docs]
    out: dict = {}
    leaves = _body_leaves(q)
    if leaves and docs:
        spans = sorted(
            (r.start, r.stop, d) for d, n, count in docs if count for r in [records.paragraph_docnums(n, count)]
        )
        chosen = paragraph_hits(s, leaves, ent_q, spans)
        if any(hit["id"] != doc_id for doc_id, hit in chosen.items()):
            chosen = paragraph_hits(s, leaves, ent_q, None, doc_ids)
        for doc_id, hit in chosen.items():
            field = records.body_field_of(hit)
            snippet = hit.highlights(field, top=2) or _shorten(hit[field])
            out[doc_id] = (hit["para"], snippet, _para_entities(hit), hit.get("page"))
    for doc_id, docnum, count in docs:
        if doc_id in out:
            continue
        # The match was in the title or metadata only: show the document's first paragraph
        # (the record after its src, when that is what it is).
        first = s.stored_fields(records.paragraph_docnums(docnum, 1)[0]) if count and not ent_q else None
        if first is not None and (first.get("id") != doc_id or first.get("para") != 1):
            first = None
        base = records.paragraphs_of(doc_id, *ent_q)
        if first is None:
            first = min((s.stored_fields(n) for n in s.docs_for_query(base)), key=lambda st: st["para"], default=None)
        if first is None and ent_q:
            base = records.paragraphs_of(doc_id)
            first = min((s.stored_fields(n) for n in s.docs_for_query(base)), key=lambda st: st["para"], default=None)
        if first is None:
            out[doc_id] = (1, "", [], None)
        else:
            out[doc_id] = (first["para"], _shorten(records.body_text(first)), _para_entities(first), first.get("page"))
    return out


def paragraph_hits(s, leaves: list, ent_q: list, spans, doc_ids: list[str] | None = None) -> dict:
    """doc id -> whoosh Hit of its best paragraph matching LEAVES (and ENT_Q when it can),
    among the paragraphs SPANS gives ([start, end) docnums, doc id), or among all paragraphs
    of DOC_IDS when SPANS is None."""

    wanted = [d for _, _, d in spans] if spans is not None else (doc_ids or [])
    starts = [a for a, _, _ in spans] if spans is not None else []
    # Words are counted in the paragraph fields only: a search by id matches the id term as well,
    # and an entity's terms match in every paragraph that names it.
    body = {leaf.fieldname for leaf in leaves}
    chosen: dict = {}
    reader = s.reader()
    for extra in [ent_q, []] if ent_q else [[]]:
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
            matched = [(f, t) for f, t in hit.matched_terms() if f in body]
            words = len({t for _, t in matched})
            field = next((f for f, _ in matched), "body")
            short = reader.doc_field_length(hit.docnum, field, 0) <= HEADING_WORDS
            key = (words, not short)
            if doc_id not in best or key > best[doc_id][0]:
                best[doc_id] = (key, hit)
        for doc_id, (_, hit) in best.items():
            chosen.setdefault(doc_id, hit)
    return chosen


def quotes(
    lib: Library,
    text: str,
    filters: Filters | None = None,
    limit: int = 10,
    entity: str | None = None,
    doc: str | None = None,
    context: int = 0,
    full: bool = False,
):
    """The sentences that best match TEXT, quoted exactly from the original files, best first:
    a list of perucases.cite.quotes.Quote (see that module for what start/end cover)."""

    from perucases.cite.quotes import Matcher, quotes_in_paragraph  # (only now: `search` does not need them)
    from perucases.ingest.normalize import OffsetMap

    check_query(text)
    if limit < 1:
        raise InvalidArgument("{limit} must be at least 1", param="limit")
    if context < 0:
        raise InvalidArgument("{context} must be 0 or more", param="context")
    filters = filters or Filters()
    _, q = parse(lib, text)
    if q is None:
        return []
    ent_q = entity_filter(lib, entity)
    doc_q = [Q.Term("id", lib.resolve(doc))] if doc else []
    out = []
    s = lib.searcher()
    docs = s.search(records.of_kind(records.DOC, q, *filters.queries(), *ent_q, *doc_q), limit=max(50, limit * 5))
    doc_score = {h["id"]: h.score for h in docs}
    if not doc_score:
        return []
    leaves = _body_leaves(q)
    para_q = records.of_kind(
        records.PARA, Q.Or([Q.Term("id", i) for i in doc_score]), Q.Or(leaves) if leaves else Q.NullQuery, *ent_q
    )
    paras = s.search(para_q, limit=max(100, limit * 20))
    srcs: dict[str, tuple] = {}
    matchers: dict[str, Matcher] = {}
    for hit in paras:
        doc_id, n = hit["id"], hit["para"]
        lang = records.lang_of(hit)
        body = records.body_text(hit)
        if doc_id not in srcs:
            src = records.source(s, doc_id)
            meta = s.document(key=doc_id)["meta"]
            srcs[doc_id] = (src, meta)
        src, meta = srcs[doc_id]
        fieldname = records.body_field(lang)
        if fieldname not in matchers:

            def idf(word, fieldname=fieldname):
                return s.idf(fieldname, word) if s.doc_frequency(fieldname, word) else 1.0

            matchers[fieldname] = Matcher.from_leaves(leaves, idf)
        matcher = matchers[fieldname]
        start, end, pairs, *rest = src["paragraphs"][n - 1]
        for quote in quotes_in_paragraph(
            doc_id, n, body, OffsetMap.from_pairs(pairs), src["original"], matcher, analyzer(lang), context, full
        ):
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


def parse(lib: Library, text: str, any_word: bool = False):
    """(the query parsed for each language, their union or None when no word is left).
    ANY_WORD: words joined by OR instead of AND."""

    # The schema of the state opened (whoosh's ix.schema reads the latest table of contents
    # again, which a writer may have just replaced and removed).
    s = lib.searcher()
    schema = s.schema
    from perucases.index.expand import scope  # wildcards, prefixes, ranges, fuzzy words: perucases' own

    parsed = {lang: scope(p.parse(text)) for lang, p in parsers(schema, any_word).items()}
    # A language no document of the index is in adds nothing but lookups to every search.
    alive = [
        q
        for lang, q in parsed.items()
        if q is not Q.NullQuery and not isinstance(q, type(Q.NullQuery)) and lang in languages(lib)
    ]
    if not alive:
        return parsed, None

    union = alive[0] if len(alive) == 1 else Q.Or(alive)
    s = lib.searcher()
    limits.check_parsed(union, s.reader())  # fuzzy words, and what wildcards and ranges expand to
    return parsed, union


def parsers(schema, any_word: bool = False):

    out = {}
    for lang, sfx in (("en", ""), ("es", "_es")):
        p = qparser.MultifieldParser(
            [f"title{sfx}", f"text{sfx}"],
            schema,
            fieldboosts={f"title{sfx}": 2.0},
            group=qparser.OrGroup if any_word else qparser.AndGroup,
        )
        p.add_plugin(qparser.FuzzyTermPlugin())
        aliases = {f"text{sfx}": ["body"]}
        if sfx:
            aliases[f"title{sfx}"] = ["title"]
        p.add_plugin(qparser.FieldAliasPlugin(aliases))
        out[lang] = p
    return out


def languages(lib: Library) -> set[str]:
    """The analysers' languages ("en", "es") the index has documents in (their text fields
    hold words); both when it has none."""
    ix = lib.ix
    if lib._langs is None or lib._langs[0] is not ix:
        s = lib.searcher()
        r = s.reader()
        langs = {
            lang
            for lang in ("en", "es")
            if r.field_length(field_for("text", lang)) or r.field_length(field_for("title", lang))
        }
        lib._langs = (ix, langs or {"en", "es"})
    return lib._langs[1]


def entity_filter(lib: Library, entity: str | None) -> list:
    """[a query term for the entity's key], or [] without an entity."""
    return [Q.Term("entities", lib.resolve_entity(entity))] if entity else []


_NOT_PLAIN = re.compile(r"""["'()*?~^:+\[\]{}]|(?:^|\s)-|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE|TO)\b""")


HEADING_WORDS = 6  # a paragraph of this many indexed words or fewer is a heading, for the best paragraph


def plain_words(text: str) -> list[str]:
    """The words of a plain query (words only: no operator, phrase, field, wildcard or fuzzy
    word), each once, but stop words of either language; [] for any other query."""

    if _NOT_PLAIN.search(text):
        return []
    out = []
    for w in dict.fromkeys(re.findall(r"\w+", text)):
        if all(any(True for _ in analyzer(lang)(w)) for lang in ("en", "es")):
            out.append(w)
    return out


def _word_terms(words: list[str]) -> dict[str, set]:
    """word -> the (field, term) pairs it is indexed as, in every field a search looks in."""
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
            c.fieldname = records.body_field("es" if fname.endswith("_es") else "en")
            leaves.append(c)
    return leaves


def _positive_leaves(q):

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


class _Marker(highlight.Formatter):
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

    stem = [t.text for t in analyzer(lang)(word)]
    if len(stem) != 1:
        return None
    fname, body = field_for("text", lang), field_for("body", lang)
    reader = s.reader()
    stems = sorted(
        (_edits(stem[0], c), -reader.doc_frequency(fname, c), c)
        for c in reader.terms_within(fname, stem[0], 2, prefix=1)
    )[:8]
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
        if any(
            not st or s.doc_frequency(fname, st[0]) > 0
            for fname, st in (("text", stems["en"]), ("text_es", stems["es"]))
        ):
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

    lines = [f"query: {text}"]
    for lang, q in parsed.items():
        lines.append(f"parsed for {lang} documents: {q}")
    words = re.findall(r"[^\W_][\w'’.]*", re.sub(r"\b(AND|OR|NOT)\b|\w+:", " ", text))
    for w in dict.fromkeys(words):
        en = " ".join(t.text for t in analyzer("en")(w)) or "(stop word)"
        es = " ".join(t.text for t in analyzer("es")(w)) or "(stop word)"
        lines.append(f"  {w!r} -> en: {en}; es: {es}")
    lines += [f"filter: {d}" for d in filters.describe()]
    lines.append(
        "fields searched: title (boost 2) and text; phrases need the words in order; "
        "accents are folded (José = Jose, Peña = Pena)"
    )
    return lines
