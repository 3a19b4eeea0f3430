"""Building and updating the index: incremental, interrupted, bad files, one writer at a time."""

import json
import os
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import SEED_IDS, examples
from perucases.errors import IndexBusy
from perucases.index import build, prepared, records
from perucases.index.build import update
from perucases.index.location import bundled_seeds
from perucases.index.manifest import Manifest
from perucases.library import Library


def search_ids(index_dir, q):
    return [h.id for h in Library(index_dir, refresh=False).search(q).hits]


def test_incremental_add_change_delete(tmp_path, corpus):
    ix = tmp_path / "ix"
    first = update(ix, [corpus])
    assert (first.added, first.documents, first.rebuilt) == (5, 5, True)

    again = update(ix, [corpus])
    assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 5)
    assert not again.wrote

    (corpus / "new.txt").write_text("The Grupo Colina killed fifteen people in Barrios Altos in November 1991.\n")
    (corpus / "003_ed39d894751b7a98.txt").write_text(
        "Replaced: the hostage crisis in Lima is over, said the quartermaster.\n"
    )
    (corpus / "004_866eeb82b2cb32e1.txt").unlink()
    r = update(ix, [corpus])
    assert (r.added, r.changed, r.removed, r.documents) == (1, 1, 1, 5)
    assert search_ids(ix, "quartermaster") == ["003_ed39d894751b7a98"]
    assert set(search_ids(ix, "Barrios Altos")) == {"002_43576777d5a8cf2f", "new"}
    assert search_ids(ix, "choirboy") == []  # 004 is gone
    assert search_ids(ix, "ambassador") == []  # 003's old text is gone
    docs = {d.id for d in Library(ix, refresh=False).docs()}
    assert docs == {
        "000_ca4e617775ace81b",
        "001_1c4d081f4f470003",
        "002_43576777d5a8cf2f",
        "003_ed39d894751b7a98",
        "new",
    }


def test_touched_but_unchanged_file_is_not_reindexed(tmp_path, corpus):
    ix = tmp_path / "ix"
    update(ix, [corpus])
    f = corpus / "000_ca4e617775ace81b.txt"
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 5_000_000_000))
    gen = Manifest.load(ix).generation
    r = update(ix, [corpus])
    assert (r.changed, r.added, r.unchanged) == (0, 0, 5)
    assert Manifest.load(ix).generation == gen  # no Whoosh commit
    assert Manifest.load(ix).files[str(f)].mtime_ns == f.stat().st_mtime_ns


def test_catalog_change_reindexes_that_document(tmp_path, corpus):
    ix = tmp_path / "ix"
    update(ix, [corpus])
    cat = corpus / "catalog.toml"
    cat.write_text(cat.read_text() + '\n[documents."000_ca4e617775ace81b".extra]\n', encoding="utf-8")
    text = cat.read_text().replace('[documents."000_ca4e617775ace81b".extra]\n', "")
    text = text.replace(
        '[documents."000_ca4e617775ace81b"]\n', '[documents."000_ca4e617775ace81b"]\nurl = "https://example.org/hrw"\n'
    )
    cat.write_text(text, encoding="utf-8")
    r = update(ix, [corpus])
    assert r.changed == 1
    info = next(d for d in Library(ix, refresh=False).docs() if d.id.startswith("000"))
    assert info.url == "https://example.org/hrw"


def test_query_commands_refresh_a_stale_index_and_say_so(tmp_path, corpus):
    ix = tmp_path / "ix"
    update(ix, [corpus])
    (corpus / "late.md").write_text("# Late\n\nA note about the quartermaster of the SIN.\n", encoding="utf-8")
    said = []
    lib = Library(ix, warn=said.append)
    assert [h.id for h in lib.search("quartermaster").hits] == ["late"]
    assert any("1 new" in s for s in said)


def test_schema_or_pipeline_change_means_full_rebuild(tmp_path, corpus):
    ix = tmp_path / "ix"
    update(ix, [corpus])
    m = json.loads((ix / "manifest.json").read_text())
    m["pipeline"] = "0:old"
    (ix / "manifest.json").write_text(json.dumps(m))
    said = []
    r = update(ix, [corpus], warn=said.append)
    assert r.rebuilt and r.added == 5
    assert any("another version" in s for s in said)
    old = m["indexname"]
    assert not [n for n in os.listdir(ix) if n.startswith((f"_{old}_", f"{old}_"))]  # old files removed


def test_interrupted_rebuild_leaves_the_old_index_answering(tmp_path, corpus, monkeypatch):
    ix = tmp_path / "ix"
    update(ix, [corpus])
    before = search_ids(ix, "Colina")
    real = records.document_records
    calls = {"n": 0}

    def dying(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(records, "document_records", dying)
    with pytest.raises(KeyboardInterrupt):
        update(ix, [corpus], rebuild=True)
    monkeypatch.setattr(records, "document_records", real)
    assert search_ids(ix, "Colina") == before == ["000_ca4e617775ace81b"]
    assert len(Library(ix, refresh=False).docs()) == 5
    r = update(ix, [corpus], rebuild=True)  # and the next build cleans up after it
    assert r.documents == 5
    names = {n.split("_")[1] if n.startswith("_") else n.split("_")[0] for n in os.listdir(ix) if "I" in n[:3]}
    assert names == {Manifest.load(ix).indexname}


def test_interrupted_update_keeps_the_previous_state(tmp_path, corpus, monkeypatch):
    ix = tmp_path / "ix"
    update(ix, [corpus])
    (corpus / "003_ed39d894751b7a98.txt").write_text("Replaced text about a quartermaster.\n")
    real = records.document_records

    def dying(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(records, "document_records", dying)
    with pytest.raises(KeyboardInterrupt):
        update(ix, [corpus])
    monkeypatch.setattr(records, "document_records", real)
    lib = Library(ix, refresh=False)
    assert [h.id for h in lib.search("ambassador").hits] == ["003_ed39d894751b7a98"]  # old text, whole
    assert lib.search("quartermaster").hits == []
    assert update(ix, [corpus]).changed == 1  # the change is still seen as pending
    assert search_ids(ix, "quartermaster") == ["003_ed39d894751b7a98"]


def test_crash_between_commit_and_manifest_is_reconciled(tmp_path, corpus):
    ix = tmp_path / "ix"
    update(ix, [corpus])
    stale = (ix / "manifest.json").read_text()
    (corpus / "004_866eeb82b2cb32e1.txt").unlink()
    update(ix, [corpus])
    (ix / "manifest.json").write_text(stale)  # as if we died before writing the manifest
    r = update(ix, [corpus])
    assert r.removed == 0 and r.documents == 4  # the index already had 004 removed
    assert {d.id[:3] for d in Library(ix, refresh=False).docs()} == {"000", "001", "002", "003"}


def test_bad_files_are_skipped_with_a_warning_naming_them(tmp_path, corpus):
    (corpus / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" * 50)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "latin.txt").write_bytes("Declaración de la Comisión sobre Ayacucho y Huamanga.\n".encode("latin-1"))
    said = []
    r = update(tmp_path / "ix", [corpus], warn=said.append)
    assert r.documents == 6  # the five seeds and the latin-1 file
    assert any("binary.txt: skipped: binary file" in s for s in said)
    assert any("empty.txt: skipped: empty file" in s for s in said)
    assert any("latin.txt: not valid UTF-8" in s and "cp1252" in s for s in said)
    lib = Library(tmp_path / "ix", refresh=False)
    assert [h.id for h in lib.search("Declaracion Comision").hits] == ["latin"]
    # skipped files are remembered: the next run is quiet and writes nothing
    said.clear()
    again = update(tmp_path / "ix", [corpus], warn=said.append)
    assert not again.wrote and said == []


def test_a_second_writer_waits_then_stops_with_a_clear_message(tmp_path, corpus):
    from filelock import FileLock

    ix = tmp_path / "ix"
    update(ix, [corpus])
    holder = FileLock(str(ix / ".lock"))
    holder.acquire()
    try:
        t0 = time.monotonic()
        with pytest.raises(IndexBusy, match="being updated by another perucases process"):
            update(ix, [corpus], wait=0.3)
        assert time.monotonic() - t0 >= 0.3
        # a query answers from the last state meanwhile, and says so
        said = []
        (corpus / "late.txt").write_text("A late note about the quartermaster.\n")
        lib = Library(ix, warn=said.append)
        assert lib.search("quartermaster").hits == []
        assert [h.id[:3] for h in lib.search("Colina").hits] == ["000"]
        assert any("answering from its last state" in s for s in said)
    finally:
        holder.release()


def test_waiting_writer_proceeds_when_the_lock_is_freed(tmp_path, corpus):
    from filelock import FileLock

    ix = tmp_path / "ix"
    update(ix, [corpus])
    holder = FileLock(str(ix / ".lock"), thread_local=False)
    holder.acquire()
    threading.Timer(0.3, holder.release).start()
    said = []
    (corpus / "late.txt").write_text("A late note about the quartermaster.\n")
    r = update(ix, [corpus], wait=10, warn=said.append)
    assert r.added == 1 and any("waiting up to" in s for s in said)


def test_a_missing_corpus_folder_leaves_the_index_usable(tmp_path, corpus):
    import shutil

    ix = tmp_path / "ix"
    update(ix, [corpus])
    shutil.rmtree(corpus)
    said = []
    lib = Library(ix, warn=said.append)
    assert [h.id[:3] for h in lib.search("Colina").hits] == ["000"]
    assert any("is missing; answering from the index" in s for s in said)


def test_spanish_documents_are_analysed_as_spanish(tmp_path):
    c = tmp_path / "c"
    c.mkdir()
    (c / "informe.txt").write_text(
        "La Comisión de la Verdad documentó las desapariciones forzadas en Ayacucho durante los años "
        "ochenta. El tribunal condenó a los miembros del destacamento Colina por la matanza de Barrios "
        "Altos, según el informe de la señora Peña.\n",
        encoding="utf-8",
    )
    (c / "report.txt").write_text(
        "The court convicted the members of the Colina detachment in 2009.\n", encoding="utf-8"
    )
    update(tmp_path / "ix", [c])
    lib = Library(tmp_path / "ix", refresh=False)
    langs = {d.id: d.language for d in lib.docs()}
    assert langs == {"informe": "es", "report": "en"}
    hits = lambda q, **kw: [h.id for h in lib.search(q, **kw).hits]  # noqa: E731
    assert hits("desaparicion forzada") == ["informe"]  # plural and accent both differ
    assert hits("condeno") == ["informe"]
    assert hits("Pena") == ["informe"]  # ñ folds to n (see the README)
    assert sorted(hits("Colina")) == ["informe", "report"]
    from perucases.library import Filters

    assert hits("Colina", filters=Filters.parse(lang="es")) == ["informe"]
    assert "Peña" in lib.search("Pena").hits[0].snippet


def test_a_damaged_manifest_is_reported_not_replaced_by_the_seeds(tmp_path, corpus):
    from click.testing import CliRunner

    from perucases.cli import cli

    ix = tmp_path / "ix"
    (corpus / "extra.txt").write_text("A note about the quartermaster of the SIN.\n", encoding="utf-8")
    update(ix, [corpus])
    (ix / "manifest.json").write_text("{broken", encoding="utf-8")
    r = CliRunner().invoke(cli, ["docs", "--index", str(ix)])
    assert r.exit_code == 2 and "damaged" in r.stderr and "--rebuild" in r.stderr
    assert CliRunner().invoke(cli, ["index", "--index", str(ix)]).exit_code == 2
    fixed = CliRunner().invoke(cli, ["index", str(corpus), "--rebuild", "--index", str(ix)])
    assert fixed.exit_code == 0 and "6 document(s)" in fixed.stderr


# The writer takes postings analysed beforehand (in the extraction processes) by a fused loop;
# they must be whoosh's own, term for term and position for position, or phrase queries and
# scores would drift from what the query parser expects.
_WORDS = [
    "the",
    "of",
    "and",
    "y",
    "de",
    "la",
    "oil",
    "prices",
    "Peña",
    "Núñez",
    "año",
    "José",
    "U.S.",
    "3.5",
    "Montesinos",
    "torturas",
    "I",
    "a",
    "ﬁnal",
    "İstanbul",
    "straße",
    "x" * 40,
    "desaparecidos",
    "1990s",
    "e.g.",
    "co-operation",
    "NASA's",
    "ÀÉÎÕÜ",
    "٣٤",
    "東京",
]


@given(
    st.lists(
        st.lists(st.sampled_from(_WORDS + [" ", ", ", ". ", "—", "'", "\t"]), max_size=30).map("".join), max_size=6
    ),
    st.sampled_from(["en", "es"]),
)
@settings(max_examples=examples(300), deadline=None)
def test_analysis_done_beforehand_equals_whooshs(paragraphs, lang):
    from whoosh import fields

    from perucases.index.schema import analyse_paragraphs, analyzer

    paragraphs = [p.replace("\n", " ") for p in paragraphs]
    field = fields.TEXT(analyzer=analyzer(lang))
    whole, each = analyse_paragraphs(paragraphs, lang)
    assert sorted(whole.items) == sorted(field.index("\n".join(paragraphs)))
    assert [sorted(a.items) for a in each] == [sorted(field.index(p)) for p in paragraphs]


@given(
    st.lists(
        st.sampled_from(_WORDS) | st.from_regex(r"[a-zñé0-9][a-zñé0-9 .'\-]{0,20}[a-zñé0-9]", fullmatch=True),
        unique=True,
        max_size=12,
    )
)
@settings(max_examples=examples(200), deadline=None)
def test_keywords_posted_beforehand_equal_whooshs(words):
    """Entity keys and event months are posted as `keywords` makes them, not through whoosh's
    comma tokenizer: the same postings (term, frequency, weight, value) as the field's own."""
    from whoosh import fields

    from perucases.index.schema import keywords

    words = [w for w in words if w and "," not in w and w == w.strip()]
    field = fields.KEYWORD(commas=True, scorable=True)
    assert sorted(keywords(words).items) == sorted(field.index(",".join(words)))


@given(
    st.binary(max_size=200),
    st.lists(
        st.tuples(
            st.sampled_from(["read", "seek", "readline", "tell"]), st.integers(-3, 250), st.sampled_from([0, 1, 2])
        ),
        max_size=25,
    ),
)
@settings(max_examples=examples(300), deadline=None)
def test_segment_parts_read_like_bytesio(data, ops):
    """A segment part is read through a view of the memory map (store.ViewFile), not a copy:
    it must answer as the BytesIO whoosh used did."""
    import io

    from perucases.index.store import ViewFile

    view, ref = ViewFile(memoryview(data)), io.BytesIO(data)
    for op, n, whence in ops:
        if op == "seek":
            target = n + (ref.tell() if whence == 1 else len(data) if whence == 2 else 0)
            if target < 0:
                continue
            assert view.seek(n, whence) == ref.seek(n, whence)
        elif op == "tell":
            assert view.tell() == ref.tell()
        else:
            assert getattr(view, op)(n) == getattr(ref, op)(n)
        assert view.tell() == ref.tell()


def test_manifest_head_without_the_file_table(tmp_path, corpus, monkeypatch):
    """Queries on a large corpus read the manifest's head only; it must say what the whole does."""
    import dataclasses

    from perucases.library import opening

    ix = tmp_path / "ix"
    update(ix, [corpus])
    whole, head = Manifest.load(ix), Manifest.load(ix, max_files=4)
    assert len(whole.files) == whole.files_count == head.files_count == 5 and head.files == {}
    assert dataclasses.replace(head, files=whole.files) == whole
    assert Manifest.load(ix, max_files=5) == whole  # a table within the bound is read whole
    # Over the auto-refresh limit, a query answers from the head: a new file is not picked up...
    monkeypatch.setattr(opening, "AUTO_REFRESH_MAX_FILES", 4)
    (corpus / "005_new.txt").write_text("A new report on the Colina group and a quartermaster.\n")
    assert Library(ix).search("quartermaster").hits == []
    # ...until `perucases index` (or a small corpus, whose queries check every file).
    monkeypatch.setattr(opening, "AUTO_REFRESH_MAX_FILES", 5000)
    assert [h.id for h in Library(ix).search("quartermaster").hits] == ["005_new"]


# A corpus large enough for the extraction processes, which each write a segment (with the `pool`
# fixture of conftest.py: 20 files or more, so that the same code runs on 40 notes instead of 230).

NAMES = ["Vladimiro Montesinos", "Alberto Fujimori", "the Colina group", "Barrios Altos", "La Cantuta"]


def _many(corpus, n=40):
    more = corpus / "more"
    more.mkdir()
    for k in range(n):
        (more / f"note-{k:03d}.txt").write_text(
            f"Note {k}\n\nIn March {1990 + k % 10}, {NAMES[k % 5]} was named in report number {k}, "
            f"token{k}x.\n\nA second paragraph about case {k % 7} and the hearing of 12 May 1995.\n",
            encoding="utf-8",
        )
    (more / "zz-copy.txt").write_bytes((more / "note-005.txt").read_bytes())  # a duplicate
    (more / "zz-empty.txt").write_text("")  # skipped
    for name in ("zz-bin1.txt", "zz-bin2.txt"):  # skipped, the second as the first, not read again
        (more / name).write_bytes(b"\x00\x01binary\x00" * 50)
    return n


def _segments(ix_dir):
    from whoosh import index as windex

    return windex.open_dir(str(ix_dir), indexname=Manifest.load(ix_dir).indexname)._segments()


def _everything(ix_dir):
    """What a user can get out of the index, in an order that does not depend on docnums."""
    lib = Library(ix_dir, refresh=False)
    hits = {
        q: sorted((h.id, h.paragraph, h.score) for h in lib.search(q, limit=1000).hits)
        for q in ["Montesinos", "token17x", '"Colina group"', "Barrios Altos", "hearing", "note"]
    }
    docs = sorted((d.id, d.title, d.date, d.paragraphs) for d in lib.docs())
    ents = sorted((e.key, e.type, e.mentions, e.documents) for e in lib.entities())
    tl = sorted((e.id, e.paragraph or 0, e.date, e.expression, e.entities) for e in lib.timeline())
    return hits, docs, ents, tl


def test_a_build_in_several_processes_equals_one_in_this_process(tmp_path, corpus, pool):
    n = _many(corpus)
    said1, said2 = [], []
    one = update(tmp_path / "one", [corpus], procs=1, warn=said1.append)
    two = update(tmp_path / "two", [corpus], procs=2, warn=said2.append)
    for r in (one, two):
        assert (r.documents, r.duplicates, [(p.rsplit("/", 1)[-1], why) for p, why in r.skipped]) == (
            5 + n,
            1,
            [
                ("zz-bin1.txt", "binary file (contains NUL bytes)"),
                ("zz-bin2.txt", "binary file (contains NUL bytes)"),
                ("zz-empty.txt", "empty file"),
            ],
        )
    assert sorted(said2[1:]) == sorted(said1[1:])  # after "building the index in ..."
    assert any("zz-copy.txt: same content as more/note-005" in s for s in said2)
    assert len(_segments(tmp_path / "one")) == 1
    assert len(_segments(tmp_path / "two")) == 2  # one a process
    assert _everything(tmp_path / "one") == _everything(tmp_path / "two")  # hits, scores, entities, events
    assert not any(seg.has_deletions() for seg in _segments(tmp_path / "two"))  # the duplicate was never read
    hits = _everything(tmp_path / "two")[0]
    assert [h[0] for h in hits["token17x"]] == ["more/note-017"]
    assert len(hits["hearing"]) == n
    assert Manifest.load(tmp_path / "two").files == Manifest.load(tmp_path / "one").files


def test_a_large_update_in_several_processes(tmp_path, corpus, pool):
    ix = tmp_path / "ix"
    update(ix, [corpus], procs=2)  # 5 files: read in this process
    (corpus / "003_ed39d894751b7a98.txt").write_text("Replaced: the quartermaster spoke.\n")
    n = _many(corpus)
    (corpus / "more" / "copy-of-000.txt").write_bytes((corpus / "000_ca4e617775ace81b.txt").read_bytes())
    r = update(ix, [corpus], procs=2)
    assert (r.added, r.changed, r.duplicates, r.documents) == (n, 1, 2, 5 + n)
    colina = [h.id for h in Library(ix, refresh=False).search("Colina", limit=1000).hits]
    assert "000_ca4e617775ace81b" in colina and "more/copy-of-000" not in colina  # dropped from its segment
    assert search_ids(ix, "quartermaster") == ["003_ed39d894751b7a98"]
    assert search_ids(ix, "ambassador") == []  # the old version is gone
    assert search_ids(ix, "token17x") == ["more/note-017"]
    assert len(Library(ix, refresh=False).search("hearing", limit=1000).hits) == n
    assert not [x for x in os.listdir(ix) if x.endswith(".tmp")]  # no temporary folder left


def test_a_failure_in_an_extraction_process_stops_the_build_and_keeps_the_index(tmp_path, corpus, monkeypatch, pool):
    import multiprocessing

    ix = tmp_path / "ix"
    update(ix, [corpus], procs=1)
    _many(corpus)
    real = prepared.doc_events

    def failing(doc):  # the extraction processes are forks: they run this too
        if doc.path.endswith("note-030.txt"):  # (the event stage: its batch's files are read already)
            raise ValueError("a bug met note-030")
        return real(doc)

    monkeypatch.setattr(prepared, "doc_events", failing)
    with pytest.raises(ValueError, match="a bug met note-030"):
        update(ix, [corpus], procs=2, rebuild=True)
    assert multiprocessing.active_children() == []
    monkeypatch.setattr(prepared, "doc_events", real)
    assert search_ids(ix, "Colina") == ["000_ca4e617775ace81b"]  # the old index, whole
    assert len(Library(ix, refresh=False).docs()) == 5
    assert update(ix, [corpus], procs=2).documents == 5 + 40


@pytest.mark.slow
def test_ctrl_c_during_a_build_in_several_processes(tmp_path, corpus, pool):
    import multiprocessing

    ix = tmp_path / "ix"
    update(ix, [corpus], procs=1)
    gen = Manifest.load(ix).generation
    _many(corpus)

    def warn(message):
        if "same content" in message:  # about two thirds of the way
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        update(ix, [corpus], procs=2, warn=warn)
    assert multiprocessing.active_children() == []
    assert Manifest.load(ix).generation == gen
    assert len(Library(ix, refresh=False).docs()) == 5
    r = update(ix, [corpus], procs=2)
    assert (r.added, r.documents) == (40, 45)
    assert not [x for x in os.listdir(ix) if x.endswith(".tmp")]  # no temporary folder left


@given(
    st.lists(
        st.lists(st.sampled_from(["oil", "prices", "Peña", "torture", "Lima", "rose", "fell"]), max_size=40).map(
            " ".join
        ),
        min_size=1,
        max_size=300,
    )
)
@settings(max_examples=examples(40), deadline=None)
def test_posting_blocks_read_back_as_whooshs_own(tmp_path_factory, texts):
    """Small blocks of postings are written uncompressed (codec.PostingsWriter); every posting
    must read back, through whoosh's own reader, as from the blocks whoosh writes, ids, weights
    and positions."""
    from whoosh import fields
    from whoosh import index as windex

    from perucases.index import store

    schema = fields.Schema(t=fields.TEXT(phrase=True), k=fields.KEYWORD)
    got = []
    for create in (windex.create_in, lambda d, schema: store.create_index(d, schema, "MAIN")):
        d = str(tmp_path_factory.mktemp("ix"))
        with create(d, schema).writer() as w:
            for n, text in enumerate(texts):
                w.add_document(t=text, k=f"k{n % 7}")
        ix = windex.open_dir(d)
        with ix.searcher() as s:
            r = s.reader()
            got.append(
                {
                    (f, t): list(r.postings(f, t).items_as("positions"))
                    if f == "t"
                    else list(r.postings(f, t).all_ids())
                    for f, t in r.all_terms()
                }
            )
    assert got[0] == got[1]


@given(
    st.binary(max_size=70_000) | st.text(max_size=20_000).map(lambda t: (t * 3).encode()), st.sampled_from([1, 3, 6])
)
@settings(max_examples=examples(200), deadline=None)
def test_deflate_reads_back_with_zlib_and_is_no_longer(data, level):
    """schema.deflate (a window sized to the data) writes what zlib.decompress, as whoosh's readers
    call it, reads back, and no more than a few bytes longer than zlib.compress at that level."""
    import zlib

    from perucases.index import schema

    packed = schema.deflate(data, level)
    assert zlib.decompress(packed) == data
    assert len(packed) <= len(zlib.compress(data, level)) + max(8, len(data) // 50)


@st.composite
def _postings(draw):
    """Postings as a writer adds them: each (field, term, docnum) once, in any order, with any
    weight and value."""
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["body", "body_es", "entities", "ev_first_year", "kind", "t"]),
                st.binary(max_size=4),
                st.integers(0, 60),
            ),
            unique=True,
            max_size=300,
        )
    )
    values = st.tuples(st.sampled_from([1.0, 2.0, 0.5]), st.none() | st.binary(max_size=3))
    return [(*k, *draw(values)) for k in keys]


@given(_postings())
@settings(max_examples=examples(300), deadline=None)
def test_postings_are_sorted_as_sorted_sorts_them(items):
    """codec.sorted_postings (two one-key sorts a field) gives the order of whoosh's sorted()."""
    from perucases.index import codec

    assert codec.sorted_postings(list(items)) == sorted(items)


@given(_postings(), st.sampled_from([0.0005, 0.002, 256]))
@settings(max_examples=examples(60), deadline=None)
def test_the_posting_pool_gives_whooshs_order_in_memory_and_through_runs(items, limitmb):
    """The pool's postings come out as whoosh's own pool gives them, whether they stay in memory
    or are spilled to sorted runs on disk and merged (a tiny limit: a run every few postings)."""
    import tempfile

    from whoosh import writing
    from whoosh.filedb.filestore import FileStorage

    from perucases.index import codec

    out = []
    for cls in (writing.PostingPool, codec.PostingPool):
        with tempfile.TemporaryDirectory() as runs:
            pool = cls(FileStorage(runs), None, limitmb=limitmb)
            for item in items:
                pool.add(item)
            spilled = len(pool.runs)
            out.append((list(pool.items()), spilled))
    assert out[0] == out[1]
    spilled = out[1][1]
    assert spilled == 0 if limitmb == 256 else (spilled > 0 or len(items) < 20)  # (a run is ~160 bytes a posting)
    assert out[1][0] == sorted(items)


@pytest.mark.slow
def test_postings_spilled_to_runs_read_back_whole(tmp_path):
    """With a pool far smaller than the postings, the writer spills sorted runs (pickled in chunks,
    codec.PostingPool) and merges them: the index must hold what one run in memory gives."""
    from whoosh import fields

    from perucases.index import codec, store

    words = ["oil", "prices", "Peña", "torture", "Lima", "rose", "fell", "Montesinos", "1992", "desaparecidos"]
    texts = [" ".join(words[(n * k) % len(words)] for k in range(1, 30 + n % 50)) for n in range(2000)]
    schema = fields.Schema(t=fields.TEXT(phrase=True), k=fields.KEYWORD(stored=True))
    got = []
    for limitmb in (0.02, 256):  # about 130 postings a run; everything in one
        (tmp_path / f"ix{limitmb}").mkdir()
        ix = store.create_index(tmp_path / f"ix{limitmb}", schema, "MAIN")
        w = ix.writer(limitmb=limitmb)
        assert type(w.pool) is codec.PostingPool
        for n, text in enumerate(texts):
            w.add_document(t=text, k=f"k{n % 13}")
        runs = len(w.pool.runs)
        w.commit()
        assert (runs > 100) == (limitmb < 1)
        with ix.searcher() as s:
            r = s.reader()
            got.append(
                (
                    {
                        (f, t): list(r.postings(f, t).items_as("positions"))
                        if f == "t"
                        else list(r.postings(f, t).all_ids())
                        for f, t in r.all_terms()
                    },
                    [r.doc_field_length(n, "t") for n in range(len(texts))],
                    list(r.all_stored_fields()),
                )
            )
    assert got[0] == got[1]
    assert len(got[0][0][("t", b"oil")]) > 500


@given(
    st.lists(
        st.tuples(
            st.lists(
                st.sampled_from(["oil", "prices", "Peña", "torture", "Lima", "rose", "fell", "the", "año"]), max_size=60
            ).map(" ".join),
            st.integers(0, 9),
            st.integers(1988, 2001),
        ),
        min_size=1,
        max_size=400,
    )
)
@settings(max_examples=examples(40), deadline=None)
def test_segment_postings_written_byte_for_byte_as_whoosh(tmp_path_factory, docs):
    """The writer's posting loop is whoosh's own with its calls inlined (codec.FieldWriter): the
    terms and postings files of a segment must be the same bytes as with whoosh's loop."""
    from whoosh import fields
    from whoosh.codec import whoosh3

    from perucases.index import codec, store

    class WhooshLoop(codec.Codec):  # perucases' codec but for whoosh's own posting loop
        field_writer = whoosh3.W3Codec.field_writer

    schema = fields.Schema(
        t=fields.TEXT(phrase=True),
        k=fields.KEYWORD,
        n=fields.NUMERIC(int),
        b=fields.TEXT(phrase=False, field_boost=2.0),
    )
    files = []
    for cls in (WhooshLoop, codec.Codec):
        d = tmp_path_factory.mktemp("ix")
        ix = store.create_index(d, schema, "MAIN")
        with store.Writer(ix, codec=cls(), compound=False) as w:
            assert type(w.fieldwriter) is (codec.FieldWriter if cls is codec.Codec else whoosh3.W3FieldWriter)
            for text, k, year in docs:
                w.add_document(t=text, k=f"k{k} x{k % 3}", n=year, b=text[: 10 * k])
        files.append({p.suffix: p.read_bytes() for p in d.iterdir() if p.suffix in (".trm", ".pst")})
    assert sorted(files[0]) == [".pst", ".trm"]
    assert files[0] == files[1]


def test_updates_do_not_pile_up_segments(tmp_path, corpus, pool, monkeypatch):
    """Each update writes a segment; small ones (and ones with many deleted records) are merged
    at the next commit, so searches do not slow down with the number of updates."""
    # Small is under a 4th of the largest here, not a 32nd: the pool's segments hold 20 notes (about
    # a hundred records), and the six updates of one note (three records each) add up to 18.
    monkeypatch.setattr(build, "SMALL_SEGMENT", 4)
    ix = tmp_path / "ix"
    n = _many(corpus)
    update(ix, [corpus], procs=2)
    assert len(_segments(ix)) == 2
    for k in range(6):
        (corpus / f"extra-{k}.txt").write_text(f"Extra note {k} about token{k}y.\n", encoding="utf-8")
        update(ix, [corpus], procs=2)  # one file: written in this process
        assert len(_segments(ix)) <= 3, [(s.doc_count_all(), s.deleted_count()) for s in _segments(ix)]
    for k in range(0, n, 2):  # half the notes change: a quarter of the records or more deleted
        p = corpus / "more" / f"note-{k:03d}.txt"
        p.write_text(p.read_text(encoding="utf-8") + "Amended.\n", encoding="utf-8")
    update(ix, [corpus], procs=1)
    segs = _segments(ix)
    assert len(segs) <= 3 and all(s.deleted_count() * 4 <= s.doc_count_all() for s in segs)
    assert search_ids(ix, "token3y") == ["extra-3"]
    assert len(Library(ix, refresh=False).search("amended", limit=1000).hits) == n // 2
    assert len(Library(ix, refresh=False).docs()) == 5 + n + 6


def test_a_timeline_record_posts_each_of_its_dates_once(tmp_path):
    """Three events of 1987 in one document: the record is posted once under 1987's terms (whoosh
    posts a record once a value, so three equal values made three postings of one record)."""
    from click.testing import CliRunner
    from whoosh import index as windex

    from perucases.cli import cli

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Report\n\nThe army entered the village in 1987. The trial began in 1987. Another was held in 1987.\n",
        encoding="utf-8",
    )
    ix_dir = tmp_path / "ix"
    assert CliRunner().invoke(cli, ["index", str(corpus), "--index", str(ix_dir)]).exit_code == 0
    r = CliRunner().invoke(
        cli, ["timeline", "--from", "1980", "--to", "2000", "--format", "csv", "--index", str(ix_dir)]
    )
    assert r.stdout.count("\n1987,") == 3  # the three events, each once
    ix = windex.open_dir(str(ix_dir), indexname=Manifest.load(ix_dir).indexname)
    with ix.reader() as reader:
        for field in ("ev_first_year", "ev_last_year"):
            terms = list(reader.lexicon(field))
            assert terms
            for term in terms:
                ids = list(reader.postings(field, term).all_ids())
                assert ids and len(ids) == len(set(ids)), (field, ids)


def test_a_build_in_processes_leaves_the_collector_of_its_caller_as_it_was(tmp_path, corpus, pool):
    """The build freezes its objects (gc.freeze) only while it forks its extraction processes, and
    not at all when its caller has frozen objects of its own, which stay frozen (all but those
    freed meanwhile: a few dozen of some 60,000 here)."""
    import gc

    _many(corpus)
    update(tmp_path / "a", [corpus], procs=2)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        mine = gc.get_freeze_count()
        assert mine > 0
        update(tmp_path / "b", [corpus], procs=2)
        assert mine >= gc.get_freeze_count() > 0.99 * mine
    finally:
        gc.unfreeze()
    assert search_ids(tmp_path / "a", "token3x") == search_ids(tmp_path / "b", "token3x") == ["more/note-003"]


def test_a_documents_events_are_on_its_doc_record_and_unpickled_only_by_the_timeline(seed_index):
    """No record of its own for a document's events: its doc record holds them, pickled apart
    (what reads the record for its metadata gets bytes), and is found by the `timeline` field
    exactly when it has some; each document's records are its doc, src and paragraph records."""
    from whoosh import index as windex

    ix = windex.open_dir(str(seed_index), indexname=Manifest.load(seed_index).indexname)
    lib = Library(seed_index, refresh=False)
    shown = lib.timeline()
    with ix.searcher() as s:
        kinds: dict[str, list[str]] = {}
        for n in range(s.doc_count_all()):
            st = s.stored_fields(n)
            key = st.get("key")
            kind = "src" if key == records.src_key(st["id"]) else "doc" if key == st["id"] else "para"
            kinds.setdefault(st["id"], []).append(kind)
        assert sorted(kinds) == SEED_IDS
        assert all(k[:2] == ["doc", "src"] and set(k[2:]) == {"para"} for k in kinds.values()), kinds
        with_events = {s.stored_fields(n)["id"] for n in s.docs_for_query(records.with_events())}
        per_doc = {}
        for st in records.doc_records(s):
            assert isinstance(st.get("ev", b""), bytes)
            per_doc[st["id"]] = records.events_of(st)
    assert with_events == {i for i, evs in per_doc.items() if evs} and len(with_events) == len(SEED_IDS)
    assert sum(len(evs) for evs in per_doc.values()) >= len(shown) > 0
    first = next(evs for evs in per_doc.values() if evs)[0]
    assert sorted(first) == sorted(
        "value first last precision expression relative unresolved kind paragraph page sentence entities".split()
    )


def test_the_manifest_holds_a_file_a_line_and_reads_back_whole_or_head_only(tmp_path):
    """Written a line a file by json's C encoder: the same JSON, and its head still reads alone."""
    ix_dir = tmp_path / "ix"
    update(ix_dir, [bundled_seeds()])
    text = (ix_dir / "manifest.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert len(data["files"]) == data["files_count"] > 0
    for path, rec in data["files"].items():
        [line] = [ln for ln in text.splitlines() if ln.startswith(f"  {json.dumps(path, ensure_ascii=False)}: ")]
        assert json.loads(line.split(": ", 1)[1].rstrip(",")) == rec
    m = Manifest.load(ix_dir)
    assert {p: r.to_json() for p, r in m.files.items()} == data["files"]
    head = Manifest.load(ix_dir, max_files=1)
    assert head.files == {} and head.files_count == len(data["files"]) and head.corpus == m.corpus
