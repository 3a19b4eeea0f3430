"""perucases' changes to Whoosh are its own indexes' (perucases.index.store, codec, expand): a
program that uses perucases' library and Whoosh for its own index gets whoosh's Whoosh there."""

from __future__ import annotations

import json
import subprocess

import pytest

from helpers import SEED_IDS, python

# A program with its own Whoosh index. With "perucases" it also builds and searches a perucases
# index, in between. It prints what its own index answers, and what it sees of Whoosh: the
# classes it uses and their functions (module, name, bytecode), and in-process whether any
# attribute of Whoosh's classes changed while perucases ran.
PROGRAM = r'''
import hashlib, inspect, json, sys, tempfile, types
import whoosh
from whoosh import analysis, externalsort, index, matching, qparser, query, reading, searching, writing
from whoosh.analysis import morph
from whoosh.codec import whoosh3
from whoosh.filedb import compound, filestore, structfile
from whoosh.matching import binary, wrappers
from whoosh.query import ranges, terms

MODULES = [index, reading, searching, writing, externalsort, whoosh3, compound, filestore, structfile, binary,
           wrappers, matching, terms, ranges, query, morph, analysis, qparser]

def attributes():
    """Every attribute of every class and every function of the modules above, as objects."""
    out = {}
    for m in MODULES:
        for name, obj in vars(m).items():
            out[f"{m.__name__}.{name}"] = obj
            if inspect.isclass(obj):
                for k, v in vars(obj).items():
                    if k != "__slotnames__":  # (copyreg's cache, filled by pickling any instance)
                        out[f"{m.__name__}.{name}.{k}"] = v
    return out

def describe(obj):
    f = getattr(obj, "fget", None) or getattr(obj, "__func__", None) or obj
    code = getattr(f, "__code__", None)
    return [getattr(f, "__module__", None), getattr(f, "__qualname__", type(f).__name__),
            hashlib.sha256(code.co_code).hexdigest() if code else None]

def own_index(folder):
    schema = whoosh.fields.Schema(id=whoosh.fields.ID(stored=True, unique=True),
                                  body=whoosh.fields.TEXT(analyzer=analysis.StemmingAnalyzer(), stored=True))
    ix = index.create_in(folder, schema)
    w = ix.writer()
    seen = {"index": type(ix).__qualname__, "writer": type(w).__qualname__, "pool": type(w.pool).__qualname__,
            "fieldwriter": type(w.fieldwriter).__qualname__, "perdocwriter": type(w.perdocwriter).__qualname__}
    words = ["running", "runner", "ran", "rung", "rings", "rang", "wrong", "prices", "price", "priced"]
    for n in range(300):
        text = [words[(n * k + k) % 10] for k in range(1, 4 + n % 9)] + [f"r{n % 40}x"]
        w.add_document(id=str(n), body=" ".join(text))
    w.commit()
    with index.open_dir(folder).writer() as w:
        for n in range(0, 300, 7):
            w.delete_by_term("id", str(n))
    ix = index.open_dir(folder)
    answers = {}
    with ix.searcher() as s:
        seen["searcher"] = type(s).__qualname__
        seen["reader"] = type(s.reader()).__qualname__
        seen["postings"] = type(s.reader().postings("body", "price")).__qualname__
        stem = [f for f in ix.schema["body"].analyzer.items if isinstance(f, morph.StemFilter)][0]
        seen["stem cache"] = describe(stem._stem)
        p = qparser.QueryParser("body", ix.schema)
        p.add_plugin(qparser.FuzzyTermPlugin())
        for q in ["running", "run*", "r*", "pric~1", "running prices", "[a TO r]", "run* NOT rings"]:
            parsed = p.parse(q)
            m = parsed.matcher(s)
            answers[q] = {"matcher": type(m).__qualname__,
                          "hits": [(h["id"], round(h.score, 6)) for h in s.search(parsed, limit=None)],
                          "docs": sorted(s.docs_for_query(parsed))}
        both = query.And([query.Term("body", "price"), query.Term("body", "rang")])
        answers["and docs"] = list(s.docs_for_query(both))
        answers["terms_within"] = sorted(s.reader().terms_within("body", "runnin", 2))
    return seen, answers

before = attributes()
perucases_said = None
if sys.argv[1] == "perucases":
    from pathlib import Path
    from perucases.index.location import bundled_seeds
    from perucases import Library
    lib = Library(Path(tempfile.mkdtemp()), [bundled_seeds()])
    lib.open()
    perucases_said = [h.id for h in lib.search("Montesinos asylum").hits] + \
                     [h.id for h in lib.search("Monte* OR Fujimor~").hits]
seen, answers = own_index(tempfile.mkdtemp())
after = attributes()
changed = sorted(k for k in set(before) | set(after) if before.get(k) is not after.get(k))
print(json.dumps({"seen": seen, "answers": answers, "changed": changed, "perucases": perucases_said,
                  "whoosh": {k: describe(v) for k, v in sorted(after.items()) if callable(v)
                             or isinstance(v, (property, staticmethod, classmethod))}}))
'''


def _run(arg: str, tmp_path) -> dict:
    r = subprocess.run([*python("-c"), PROGRAM, arg], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_a_program_using_perucases_gets_whooshs_own_whoosh_for_its_own_index(tmp_path):
    alone = _run("alone", tmp_path)
    beside = _run("perucases", tmp_path)
    assert beside["perucases"][0] == SEED_IDS[0] and len(beside["perucases"]) > 1  # perucases did its work
    assert alone["perucases"] is None
    assert beside["changed"] == []  # no attribute of Whoosh's modules or classes changed in the process
    assert beside["whoosh"] == alone["whoosh"]  # the same functions as a process that never saw perucases
    assert beside["seen"] == alone["seen"]
    assert beside["seen"]["index"] == "FileIndex" and beside["seen"]["writer"] == "SegmentWriter"
    assert beside["seen"]["pool"] == "PostingPool" and beside["seen"]["searcher"] == "Searcher"
    assert beside["seen"]["postings"] == "FilterMatcher"  # a segment with deletions: whoosh's wrapper
    assert beside["seen"]["stem cache"][0].startswith("whoosh.")  # whoosh's lfu_cache
    assert beside["answers"] == alone["answers"]
    assert beside["answers"]["r*"]["matcher"] != "AnyOf" and beside["answers"]["r*"]["hits"]


def test_perucases_own_index_does_use_its_classes(lib):
    from whoosh import query as Q

    from perucases.index import codec, expand, store

    ix = lib.ix
    assert type(ix) is store.Index
    with ix.searcher() as s:
        assert type(s) is store.Searcher and type(s.reader()) in (store.SegmentReader, store.MultiReader)
        words = list(s.reader().expand_prefix("text", "a"))
        assert len(words) > expand.MANY_TERMS
        assert isinstance(expand.scope(Q.Prefix("text", "a")).matcher(s), expand.AnyOf)
        stem = [f for f in s.schema["text"].analyzer.items if hasattr(f, "cachesize")][0]
        assert stem._stem.__module__ == "perucases.index.schema"
    w = ix.writer()
    try:
        assert type(w) is store.Writer and type(w.pool) is codec.PostingPool
        assert type(w.fieldwriter) is codec.FieldWriter and type(w.perdocwriter) is codec.PerDocWriter
    finally:
        w.cancel()


def test_scoped_queries_read_and_compare_as_whooshs():
    from whoosh import query as Q

    from perucases.index.expand import scope

    q = Q.And(
        [
            Q.Term("text", "oil"),
            Q.Or([Q.Prefix("text", "pri"), Q.FuzzyTerm("text", "lima", maxdist=1)]),
            Q.Not(Q.Wildcard("text", "w?r*")),
            Q.TermRange("text", "a", "c"),
        ]
    )
    s = scope(q)
    assert repr(s) == repr(q) and str(s) == str(q)
    assert scope(s) == s and s != q  # scoped once; whoosh's classes are not perucases'
    assert type(s.subqueries[1].subqueries[0]).__mro__[1] is Q.Prefix
    assert type(q.subqueries[1].subqueries[0]) is Q.Prefix  # the query given is left as it was
    assert scope(Q.Term("text", "oil")) == Q.Term("text", "oil")
    assert type(scope(Q.Prefix("text", ""))) is Q.Prefix  # whoosh makes it Every: kept whoosh's
    assert scope(Q.Or([Q.Term("t", "a"), Q.Prefix("t", "b")], scale=0.9)).scale == 0.9


def test_stock_whoosh_reads_a_perucases_index_as_perucases_does(lib, seed_index):
    """The files are whoosh3's (the format is unchanged): whoosh alone opens the index, and finds
    what perucases' readers find."""
    from whoosh import index as windex
    from whoosh import query as Q
    from whoosh.codec.whoosh3 import W3Codec

    from perucases.index import store
    from perucases.index.manifest import Manifest

    manifest = Manifest.load(seed_index)
    assert manifest is not None
    name = manifest.indexname
    plain, ours = windex.open_dir(str(seed_index), indexname=name), store.open_index(seed_index, name)
    assert all(type(seg.codec()) is W3Codec for seg in plain._segments())
    queries = [
        Q.Term("kind", "doc"),
        Q.And([Q.Term("kind", "para"), Q.Term("id", SEED_IDS[1])]),
        Q.And([Q.Term("kind", "para"), Q.Not(Q.Term("text", "montesino"))]),
        Q.Or([Q.Term("text", "fujimori"), Q.Term("text_es", "fujimori")]),
    ]
    got = []
    for ix in (plain, ours):
        with ix.searcher() as s:
            got.append(
                (
                    [sorted(s.docs_for_query(q)) for q in queries],
                    [[(h.docnum, round(h.score, 9)) for h in s.search(q, limit=20)] for q in queries[1:]],
                    list(s.reader().all_stored_fields()),
                    [s.reader().doc_field_length(n, "text") for n in range(s.doc_count_all())],
                )
            )
    assert got[0] == got[1]
    assert all(got[0][0])


def test_another_whoosh_release_is_refused_with_one_line(seed_index):
    from perucases.errors import PerucasesError
    from perucases.index import store

    store.check_whoosh((2, 7, 5))
    with pytest.raises(PerucasesError, match=r"needs whoosh-reloaded 2\.7\.5, found Whoosh 2\.7\.4"):
        store.check_whoosh((2, 7, 4))
    program = (
        "import sys, whoosh; whoosh.__version__ = (2, 7, 4); sys.argv = ['perucases', *sys.argv[1:]]; "
        "from perucases.cli import main; main()"
    )
    r = subprocess.run(
        [*python("-c"), program, "search", "Montesinos", "--index", str(seed_index)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip().splitlines() == [
        "perucases: error: perucases needs whoosh-reloaded 2.7.5, found Whoosh 2.7.4: "
        "pip install 'whoosh-reloaded==2.7.5'"
    ]
