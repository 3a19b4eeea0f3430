"""Files read, extracted and analysed a batch at a time (perucases.index.prepared.read_many):
the same results as one file after the other, in order, a failing file raising in its turn."""

import pickle

import pytest

from perucases.extract.gazetteer import load_gazetteer
from perucases.index import prepared
from perucases.index.location import bundled_seeds
from perucases.ingest.corpus import CorpusFile


def _files(folder):
    return [CorpusFile(p, folder, p.name) for p in sorted(folder.iterdir()) if p.is_file()]


@pytest.fixture
def folder(tmp_path):
    """The seeds, notes of a few words, an empty file (skipped) and a long one."""
    for p in bundled_seeds().iterdir():
        if p.is_file() and p.suffix != ".toml":  # (the seeds' catalog is no document)
            (tmp_path / p.name).write_bytes(p.read_bytes())
    for n in range(40):
        (tmp_path / f"note-{n:03d}.txt").write_text(
            f"On March {n % 28 + 1}, 1992, Judge Ana Pérez of the Supreme Court heard case {n} in Lima."
        )
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "long.txt").write_text("In May 1993 the Army said nothing. " * 3000)
    return tmp_path


def _same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b

    def key(r):
        return r.id, r.sha256, r.warnings, pickle.dumps(r.records)

    return key(a) == key(b)


def test_a_batch_at_a_time_gives_what_one_file_at_a_time_gives(folder):
    gaz = load_gazetteer(())
    items = [(cf, None) for cf in _files(folder)]
    together = list(prepared.read_many(items, gaz))
    alone = [prepared.read_one(cf, None, gaz) for cf, _ in items]
    assert len(together) == len(items) > prepared.BATCH
    assert all(_same(a, b) for a, b in zip(together, alone, strict=True))
    assert [r for r in together if isinstance(r, str)] == ["empty file"]
    assert sum(len(r.records) for r in together if not isinstance(r, str)) > 3 * len(items)


def test_no_more_files_are_held_than_a_batch(folder, monkeypatch):
    """At most BATCH files, and none after the one that passes BATCH_CHARS characters of text,
    are read before the first result comes back."""
    gaz = load_gazetteer(())
    read = []
    real = prepared.ingest_file

    def counting(cf, *args, **kwargs):
        read.append(cf.path.name)
        return real(cf, *args, **kwargs)

    monkeypatch.setattr(prepared, "ingest_file", counting)
    files = _files(folder)
    notes = [cf for cf in files if cf.path.name.startswith("note-")]
    next(prepared.read_many([(cf, None) for cf in notes], gaz))
    assert len(read) == prepared.BATCH
    read.clear()
    next(prepared.read_many([(cf, None) for cf in files], gaz))
    assert 1 < len(read) < prepared.BATCH  # the seeds pass BATCH_CHARS first
    long_first = sorted(files, key=lambda cf: cf.path.name != "long.txt")
    read.clear()
    next(prepared.read_many([(cf, None) for cf in long_first], gaz))
    assert read == ["long.txt"]  # 105,000 characters: a batch of its own


def test_a_file_that_fails_raises_in_its_turn(folder, monkeypatch):
    """A bug met in the entity stage of the third file: the first two come back, then its error."""
    gaz = load_gazetteer(())
    notes = [cf for cf in _files(folder) if cf.path.name.startswith("note-")][:5]
    real = prepared.extract

    def failing(paragraphs, gaz):
        if "case 2 " in paragraphs[0]:
            raise ValueError("a bug met case 2")
        return real(paragraphs, gaz)

    monkeypatch.setattr(prepared, "extract", failing)
    it = prepared.read_many([(cf, None) for cf in notes], gaz)
    assert [next(it).path for _ in range(2)] == [str(notes[0].path), str(notes[1].path)]
    with pytest.raises(ValueError, match="a bug met case 2"):
        next(it)


@pytest.mark.parametrize("collector_on", [True, False])
def test_the_stages_run_without_the_cyclic_collector_and_leave_it_as_it_was(folder, monkeypatch, collector_on):
    """The entity and event stages run with the cyclic garbage collector off; it is as it was
    while the records are made and after each batch, also when a stage raises."""
    import gc

    gaz = load_gazetteer(())
    seen = {"extract": set(), "events": set(), "records": set()}
    real_extract, real_events, real_records = prepared.extract, prepared.doc_events, prepared.records.document_records

    def extract(paragraphs, g):
        seen["extract"].add(gc.isenabled())
        return real_extract(paragraphs, g)

    def doc_events(doc):
        seen["events"].add(gc.isenabled())
        if doc.path.endswith("note-005.txt"):
            raise RuntimeError("an event stage bug")
        return real_events(doc)

    def document_records(*args):
        seen["records"].add(gc.isenabled())
        return real_records(*args)

    monkeypatch.setattr(prepared, "extract", extract)
    monkeypatch.setattr(prepared, "doc_events", doc_events)
    monkeypatch.setattr(prepared.records, "document_records", document_records)
    was = gc.isenabled()
    (gc.enable if collector_on else gc.disable)()
    try:
        with pytest.raises(RuntimeError, match="an event stage bug"):
            for _ in prepared.read_many([(cf, None) for cf in _files(folder)], gaz):
                assert gc.isenabled() is collector_on
        after = gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == {"extract": {False}, "events": {False}, "records": {collector_on}}
    assert after is collector_on
