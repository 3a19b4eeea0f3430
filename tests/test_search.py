"""Search through the query API: relevance, accents, stemming, filters, snippets, errors."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import CHROME_WORDS, examples
from perucases.errors import PerucasesError
from perucases.highlight import HL_END, HL_START
from perucases.library import Filters


def ids(result):
    return [h.id[:3] for h in result.hits]


def test_colina_ranks_000_first(lib):
    r = lib.search("Colina")
    assert ids(r)[0] == "000"
    hit = r.hits[0]
    para = lib.document(hit.id).paragraphs[hit.paragraph - 1]
    assert "Colina group" in para.text
    assert f"{HL_START}Colina{HL_END}" in hit.snippet


@pytest.mark.parametrize("q", ["José Miguel Vivanco", "Jose Miguel Vivanco", "JOSE MIGUEL VIVANCO"])
def test_accents_and_case_do_not_matter(lib, q):
    r = lib.search(q)
    assert ids(r) == ["000"]
    assert f"{HL_START}José{HL_END}" in r.hits[0].snippet  # the original accent is what is marked


def test_accented_query_finds_unaccented_text(lib):
    assert ids(lib.search("Panamá")) == ids(lib.search("Panama")) != []


def test_stemming_tortured_finds_torture(lib):
    r = lib.search("tortured")
    assert {"000", "002"} <= set(ids(r))
    assert "tortured" not in " ".join(h.plain_snippet.lower() for h in r.hits)
    assert any(f"{HL_START}tortur" in h.snippet.lower() or f"{HL_START}Tortur" in h.snippet for h in r.hits)


@pytest.mark.parametrize("word", CHROME_WORDS)
def test_chrome_words_find_nothing(lib, word):
    assert lib.search(word).hits == []


def test_every_hit_points_to_a_paragraph_that_contains_its_snippet(lib):
    for q in ["Montesinos", "Fujimori AND extradition", '"La Cantuta"', "prisoners"]:
        for h in lib.search(q, limit=5).hits:
            para = lib.document(h.id).paragraphs[h.paragraph - 1]
            core = h.plain_snippet.strip("… ").split(" … ")[0]
            assert core in para.text


def test_boolean_phrase_wildcard_fuzzy_fields(lib):
    assert ids(lib.search("Fujimori AND extradition")) == ["002", "004"]
    assert set(ids(lib.search('"La Cantuta"'))) == {"000", "002"}
    assert ids(lib.search('"Cantuta La"')) == []  # a phrase needs its words in order
    assert "000" not in ids(lib.search("Montesinos NOT Panama"))
    assert ids(lib.search("hostag*")) == ["003"]
    assert ids(lib.search("Vivanko~")) == ["000"]
    assert set(ids(lib.search("publisher:amnesty"))) == {"001", "003"}
    assert ids(lib.search("title:hostages")) == ["003"]
    assert ids(lib.search("id:004*")) == ["004"]


def test_date_publisher_language_filters(lib):
    both = set(ids(lib.search("prisoners")))
    assert {"001", "003"} <= both
    assert ids(lib.search("prisoners", Filters.parse(date_from="1997", date_to="1997"))) == ["003"]
    assert ids(lib.search("prisoners", Filters.parse(date_from="April 1997", date_to="1997-04"))) == ["003"]
    assert ids(lib.search("prisoners", Filters.parse(date_from="2003-06"))) == ["001"]  # "2003" overlaps June 2003
    assert ids(lib.search("Fujimori", Filters.parse(publisher="Peru Support"))) == ["002"]
    assert lib.search("Fujimori", Filters.parse(lang="es")).hits == []


def test_did_you_mean(lib):
    r = lib.search("Montesinoss")
    assert r.hits == [] and r.suggestions == ["Montesinos"]
    r2 = lib.search("extradition Fujimorri")
    assert r2.suggestions == ["extradition Fujimori"]


def test_explain_shows_fields_and_analysed_terms(lib):
    r = lib.search("José tortured", explain=True)
    text = "\n".join(r.explain)
    assert "text:jose" in text and "text:tortur" in text
    assert "'tortured' -> en: tortur" in text


@pytest.mark.parametrize(
    "q, msg",
    [
        ("", "empty query"),
        ('"La Cantuta', "unbalanced"),
        ("(Fujimori", r"'\(' without '\)'"),
        ("tribunal:Fujimori", "unknown field 'tribunal'"),
        ("title:", "needs a value"),
        ("Fujimori AND", "needs a term after"),
        ("OR Fujimori", "needs a term before"),
    ],
)
def test_query_syntax_errors(lib, q, msg):
    with pytest.raises(PerucasesError, match=msg):
        lib.search(q)


@pytest.mark.parametrize(
    "kw, msg",
    [
        ({"date_from": "19xx"}, "not a date"),
        ({"date_from": "2001", "date_to": "2000"}, "after"),
        ({"lang": "fr"}, "en or es"),
    ],
)
def test_bad_filters(kw, msg):
    with pytest.raises(PerucasesError, match=msg):
        Filters.parse(**kw)


def test_ids_resolve_by_unique_prefix(lib):
    assert lib.resolve("003") == "003_ed39d894751b7a98"
    with pytest.raises(PerucasesError, match="ambiguous"):
        lib.resolve("00")
    with pytest.raises(PerucasesError, match="no document"):
        lib.resolve("../../etc/passwd")


_QWORDS = ["oil", "prices", "rose", "fell", "Lima", "torture", "Peña"]


@given(
    st.lists(st.lists(st.sampled_from(_QWORDS), min_size=1, max_size=12).map(" ".join), min_size=1, max_size=150),
    st.sets(st.integers(0, 149), max_size=40),
    st.lists(
        st.sampled_from(
            [
                "oil",
                "oil prices",
                '"oil prices"',
                "rose OR fell",
                "oil NOT rose",
                "lima AND peña",
                '"prices rose"',
                'torture OR "oil fell"',
            ]
        ),
        min_size=1,
        max_size=4,
    ),
)
@settings(max_examples=examples(60), deadline=None)
def test_searches_over_deleted_records_as_whoosh(tmp_path_factory, texts, deleted, queries):
    """Posting lists of a segment with deletions are wrapped by a leaner FilterMatcher
    (store.Excluding): every search must find the same records with the same scores as whoosh's own."""
    from whoosh import fields
    from whoosh import index as windex
    from whoosh.qparser import QueryParser

    from perucases.index import store

    d = tmp_path_factory.mktemp("ix")
    ix = windex.create_in(str(d), fields.Schema(n=fields.ID(stored=True), t=fields.TEXT(phrase=True)))
    with ix.writer() as w:
        for n, text in enumerate(texts):
            w.add_document(n=str(n), t=text)
    w = ix.writer()
    for n in deleted:
        w.delete_by_term("n", str(n))
    w.commit(merge=False)  # the deletions stay in the segment (a merge would drop them)
    assert ix.reader().has_deletions() == bool(deleted & set(range(len(texts))))
    got = []
    for ix in (windex.open_dir(str(d)), store.open_index(d, "MAIN")):
        with ix.searcher() as s:
            rows = []
            for q in queries:
                parsed = QueryParser("t", ix.schema).parse(q)
                for limit in (None, 3):
                    rows.append([(h["n"], round(h.score, 9)) for h in s.search(parsed, limit=limit)])
            got.append(rows)
    assert got[0] == got[1]
    with store.open_index(d, "MAIN").searcher() as s:
        kept = [n for n in range(len(texts)) if n not in deleted]
        if kept and s.reader().has_deletions():
            assert isinstance(s.reader().postings("n", str(kept[0])), store.Excluding)
    assert not any(int(n) in deleted for rows in got[1] for n, _ in rows)


@given(
    st.lists(st.text(alphabet="abcdeinorstuyñ", min_size=1, max_size=12), max_size=60), st.sampled_from(["en", "es"])
)
@settings(max_examples=examples(100), deadline=None)
def test_the_stem_cache_gives_the_stemmers_words(words, lang):
    from whoosh.analysis import StemFilter
    from whoosh.lang import stemmer_for_language

    from perucases.index.schema import dict_cached

    f = dict_cached(StemFilter(lang=lang, cachesize=5))  # a small cache: emptied often
    stem = stemmer_for_language(lang)
    assert [f._stem(w) for w in words + words] == [stem(w) for w in words + words]


def test_best_paragraphs_found_by_docnum_equal_those_found_by_id(tmp_path, monkeypatch, pool):
    """Best paragraphs are sought among the records right after each hit's src record (its
    paragraphs); after a parallel build, updates and merges, the answer must be the one a search
    by document id gives."""
    import shutil

    from perucases.index.build import update
    from perucases.index.location import bundled_seeds
    from perucases.library import Library

    corpus = tmp_path / "c"  # 65 files: the extraction processes run (the pool fixture)
    shutil.copytree(bundled_seeds(), corpus)
    names = ["Vladimiro Montesinos", "Alberto Fujimori", "the Colina group", "Barrios Altos"]
    for k in range(60):
        (corpus / f"note-{k:03d}.txt").write_text(
            f"Note {k}\n\nIn March {1990 + k % 10}, {names[k % 4]} was named in report {k}.\n\n"
            + "Another paragraph on the hearing. " * (k % 3)
            + f"The Colina group, case {k % 7}.\n",
            encoding="utf-8",
        )
    ix = tmp_path / "ix"
    update(ix, [corpus], procs=2)
    for k in range(0, 60, 3):  # changed files: deletions, new segments, merges
        p = corpus / f"note-{k:03d}.txt"
        p.write_text(p.read_text(encoding="utf-8") + "Amended: the Colina group again.\n", encoding="utf-8")
        if k % 9 == 0:
            update(ix, [corpus], procs=1)
    update(ix, [corpus], procs=1)
    queries = [
        "Colina",
        "Montesinos",
        '"Colina group"',
        "hearing",
        "amended",
        "title:note",
        "Fujimori OR Barrios",
        "report",
        "Cantuta",
        "Fujimori",
    ]
    lib = Library(ix, refresh=False)
    by_docnum = {q: [(h.id, h.paragraph, h.snippet) for h in lib.search(q, limit=25).hits] for q in queries}
    by_docnum["entity"] = [
        (h.id, h.paragraph, h.snippet) for h in lib.search("report", limit=25, entity="Alberto Fujimori").hits
    ]
    from perucases.library import search

    real = search.paragraph_hits
    monkeypatch.setattr(
        search,
        "paragraph_hits",
        lambda s, leaves, ent_q, spans, doc_ids=None: real(s, leaves, ent_q, None, doc_ids or [d for _, _, d in spans]),
    )
    lib = Library(ix, refresh=False)
    by_id = {q: [(h.id, h.paragraph, h.snippet) for h in lib.search(q, limit=25).hits] for q in queries}
    by_id["entity"] = [
        (h.id, h.paragraph, h.snippet) for h in lib.search("report", limit=25, entity="Alberto Fujimori").hits
    ]
    assert by_docnum == by_id
    assert sum(len(v) for v in by_id.values()) > 150 and any(p > 1 for v in by_id.values() for _, p, _ in v)
