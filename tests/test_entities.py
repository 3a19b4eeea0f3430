"""Entities: the cast of the seeds, rules on texts the gazetteer does not know, one name per
entity, the index-backed queries, and curation."""

import functools
import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import examples
from perucases.cli import cli
from perucases.errors import PerucasesError
from perucases.extract.entities import extract, surname_of
from perucases.extract.gazetteer import load_gazetteer
from perucases.index.build import update
from perucases.library import Library


@functools.cache
def gazetteer():
    """The built-in gazetteer, read once for the module (property tests call extraction hundreds of times)."""
    return load_gazetteer()


# Read from the five seed documents by hand: every person, body, place, case and law their
# bodies name (not their menus, sidebars or footers), under its canonical name.
SEED_ENTITIES = {
    ("Alberto Fujimori", "PERSON"),
    ("Vladimiro Montesinos", "PERSON"),
    ("José Miguel Vivanco", "PERSON"),
    ("Mireya Moscoso", "PERSON"),
    ("Leonor La Rosa Bustamante", "PERSON"),
    ("Mariela Barreto Riofano", "PERSON"),
    ("Fabián Salazar", "PERSON"),
    ("Alejandro Toledo", "PERSON"),
    ("Barry McCaffrey", "PERSON"),
    ("Human Rights Watch", "ORG"),
    ("Human Rights Watch Americas Division", "ORG"),
    ("Servicio de Inteligencia Nacional", "ORG"),
    ("Servicio de Inteligencia del Ejército", "ORG"),
    ("Grupo Colina", "ORG"),
    ("Organization of American States", "ORG"),
    ("Amnesty International", "ORG"),
    ("Pardon Commission", "ORG"),
    ("Tribunal Constitucional", "ORG"),
    ("Inter-American Commission on Human Rights", "ORG"),
    ("Jurado Nacional de Elecciones", "ORG"),
    ("Movimiento Revolucionario Túpac Amaru", "ORG"),
    ("International Committee of the Red Cross", "ORG"),
    ("Congress of Peru", "ORG"),
    ("United States Embassy in Peru", "ORG"),
    ("School of the Americas", "ORG"),
    ("BBC", "ORG"),
    ("Panama", "LOC"),
    ("Peru", "LOC"),
    ("New York", "LOC"),
    ("United States", "LOC"),
    ("Lima", "LOC"),
    ("Chile", "LOC"),
    ("Venezuela", "LOC"),
    ("Japan", "LOC"),
    ("Colombia", "LOC"),
    ("Challapalca", "LOC"),
    ("Yanamayo", "LOC"),
    ("Japanese ambassador's residence", "LOC"),
    ("La Cantuta", "EVENT"),
    ("Barrios Altos", "EVENT"),
    ("Japanese embassy hostage crisis", "EVENT"),
    ("Convention against Torture", "LAW"),
    ("Anti-terrorist legislation (1992)", "LAW"),
    ("Constitution of Peru", "LAW"),
}


def test_the_cast_of_the_seeds_exactly(lib):
    rows = lib.entities()
    assert {(r.name, r.type) for r in rows} == SEED_ENTITIES
    assert len(rows) == len(SEED_ENTITIES)  # each listed once


@pytest.mark.parametrize(
    "name, aliases",
    [
        ("Alberto Fujimori", {"Alberto Fujimori", "Fujimori"}),
        (
            "Servicio de Inteligencia Nacional",
            {"SIN", "National Intelligence Service", "Servicio de Inteligencia Nacional"},
        ),
        ("United States", {"U.S", "US", "United States"}),
        ("Amnesty International", {"AI", "Amnesty International"}),
        ("Jurado Nacional de Elecciones", {"JNE", "National Election Authorities"}),
        ("José Miguel Vivanco", {"José Miguel Vivanco", "Vivanco"}),
        ("Fabián Salazar", {"Fabian Salazar"}),
    ],
)
def test_aliases_seen_are_merged(lib, name, aliases):
    row = next(r for r in lib.entities() if r.name == name)
    assert set(row.aliases) == aliases


def test_counts_and_documents_from_the_index(lib):
    rows = {r.name: r for r in lib.entities()}
    assert rows["Vladimiro Montesinos"].documents == [
        "000_ca4e617775ace81b",
        "002_43576777d5a8cf2f",
        "004_866eeb82b2cb32e1",
    ]
    assert rows["Alberto Fujimori"].mentions == 16
    assert rows["Vladimiro Montesinos"].mentions == 21


@pytest.mark.parametrize("chrome", ["Pakistan", "Qatar", "Chad", "Facebook", "Blackbaud", "Twitter", "Salvadorans"])
def test_nothing_from_page_chrome(lib, chrome):
    for r in lib.entities():
        assert chrome.lower() not in (r.name + " " + " ".join(r.aliases)).lower()


def found(text):
    _, ents = extract([text], gazetteer())
    return {e.name: e.type for e in ents.values()}, {e.name: e for e in ents.values()}


@pytest.mark.parametrize(
    "text, name, etype",
    [
        ("El general Rodolfo Robles Espinoza denunció los crímenes.", "Rodolfo Robles Espinoza", "PERSON"),
        ("Judge Inés Villa Bonilla ruled on Monday.", "Inés Villa Bonilla", "PERSON"),
        ("La jueza Antonia Saquicuray abrió el proceso.", "Antonia Saquicuray", "PERSON"),
        ("Later, the Comisión Especial de Investigación (CEI) reported.", "Comisión Especial de Investigación", "ORG"),
        ("The Committee to Protect Journalists (CPJ) agreed.", "Committee to Protect Journalists", "ORG"),
        ("Officials of the Ministry of Defence refused.", "Ministry of Defence", "ORG"),
        ("The families remember the Putis massacre every year.", "Putis massacre", "EVENT"),
        ("Congress passed the Reparations Law in 2005.", "Reparations Law", "LAW"),
        ("Lawyer Gloria Cano represented the families.", "Gloria Cano", "PERSON"),
        ("The report quotes journalists Juan Pérez and María López.", "María López", "PERSON"),
    ],
)
def test_rules_find_names_the_gazetteer_lacks(text, name, etype):
    types, _ = found(text)
    assert types.get(name) == etype, types


def test_the_comision_de_la_verdad_defined_by_acronym():
    types, ents = found("Later the Comisión de la Verdad y Reconciliación (CVR) reported. The CVR said so.")
    assert types == {"Comisión de la Verdad y Reconciliación": "ORG"}
    assert ents["Comisión de la Verdad y Reconciliación"].aliases == {"Comisión de la Verdad y Reconciliación", "CVR"}


def test_spanish_double_surnames():
    assert surname_of(["Nicolás", "Hermoza", "Ríos"]) == "Hermoza"
    assert surname_of(["Leonor", "la", "Rosa", "Bustamante"]) == "la Rosa"
    assert surname_of(["Mariela", "Lucy", "Barreto", "Riofano"]) == "Barreto"
    types, ents = found("El coronel Rodolfo Robles Espinoza habló. Robles dijo que Espinoza no existe.")
    robles = ents["Rodolfo Robles Espinoza"]
    assert robles.aliases == {"Rodolfo Robles Espinoza", "Robles"}  # never the second surname alone


def test_one_entity_whatever_its_form():
    text = (
        "President Fujimori spoke. Mr Fujimori's lawyer answered for Alberto Fujimori. "
        "Journalist Fabián Salazar and journalist Fabian Salazar are one man. The U.S. and the "
        "United States and the US are one country."
    )
    types, ents = found(text)
    assert ents["Alberto Fujimori"].mentions == 3
    assert ents["Fabián Salazar"].mentions == 2
    assert ents["United States"].mentions == 3


def test_ambiguous_surname_is_not_merged():
    types, ents = found("Lawyer Juan Pérez met lawyer Ana Pérez. Later, Pérez left.")
    assert ents["Juan Pérez"].mentions == 1 and ents["Ana Pérez"].mentions == 1


def test_headline_and_sentence_capitals_are_not_names():
    types, _ = found("Ironically, Human rights violations were widespread. Eight Death Squad members left in May.")
    assert types == {}


# ---------------------------------------------------------------------------- the CLI


def test_entities_json_fields(run):
    rows = json.loads(run("entities", "--format", "json").stdout)
    assert list(rows[0]) == ["name", "type", "mentions", "documents", "aliases"]
    assert rows[0]["name"] == "Vladimiro Montesinos" and rows[0]["mentions"] == 21


def test_entities_filters_and_sorts(run):
    people = run("entities", "--type", "person", "--format", "tsv").stdout.splitlines()
    assert people[0].split("\t") == ["name", "type", "mentions", "documents", "aliases"]
    assert {line.split("\t")[1] for line in people[1:]} == {"PERSON"}
    assert len(people) - 1 == 9
    doc = json.loads(run("entities", "--doc", "003", "--format", "json").stdout)
    assert all("003_ed39d894751b7a98" in r["documents"] for r in doc) and len(doc) == 8
    frequent = json.loads(run("entities", "--min-mentions", "10", "--format", "json").stdout)
    assert [r["name"] for r in frequent] == [
        "Vladimiro Montesinos",
        "Alberto Fujimori",
        "Amnesty International",
        "Peru",
        "United States",
    ]
    by_name = run("entities", "--sort", "name", "--format", "ids").stdout.splitlines()
    assert by_name[:3] == ["Alberto Fujimori", "Alejandro Toledo", "Amnesty International"]
    assert run("entities", "--type", "planet").exit_code == 2


def test_entity_detail_json(run):
    r = run("entity", "fujimori", "--format", "json")
    d = json.loads(r.stdout)
    assert list(d) == ["name", "type", "aliases", "description", "documents", "mentions", "cooccurs", "events"]
    timeline = json.loads(run("timeline", "--entity", "Alberto Fujimori", "--format", "json").stdout)
    assert [(e["date"], e["id"]) for e in d["events"]] == [(e["date"], e["id"]) for e in timeline]
    assert ("1997-02", "003_ed39d894751b7a98") in [(e["date"], e["id"]) for e in d["events"]]
    assert d["name"] == "Alberto Fujimori" and d["type"] == "PERSON"
    assert len(d["mentions"]) == 16
    assert d["mentions"][0]["id"] == "001_1c4d081f4f470003" and d["mentions"][0]["paragraph"] == 2
    assert "Fujimori" in d["mentions"][0]["context"]
    assert d["cooccurs"][0] == {"name": "Amnesty International", "type": "ORG", "count": 7}
    sin = json.loads(run("entity", "SIN", "--format", "json").stdout)
    assert sin["cooccurs"][0]["name"] == "Vladimiro Montesinos"
    assert run("entity", "Servicio", "de", "Inteligencia", "Nacional").exit_code == 0
    assert "Alberto Fujimori" in run("entity", "Fujimori").stdout


def test_entity_ambiguous_or_unknown_exit_2(run):
    r = run("entity", "Servicio de Inteligencia")
    assert r.exit_code == 2 and "ambiguous" in r.stderr
    assert (
        "Servicio de Inteligencia Nacional (ORG)" in r.stderr
        and "Servicio de Inteligencia del Ejército (ORG)" in r.stderr
    )
    assert run("entity", "Pakistan").exit_code == 2


def test_search_by_entity(run):
    r = run("search", "torture", "--entity", "Vladimiro Montesinos", "--format", "json")
    hits = json.loads(r.stdout)
    assert [h["id"][:3] for h in hits] == ["000", "002"]  # both name him; 003 and 004 do not say torture
    assert "Vladimiro Montesinos" in hits[0]["entities"]  # the paragraph shown names him too
    assert run("search", "torture", "--entity", "Fujimori", "--format", "ids").stdout.split() == [
        "002_43576777d5a8cf2f"
    ]
    assert run("search", "prisoners", "--entity", "MRTA", "--format", "ids").stdout.split() == ["003_ed39d894751b7a98"]


def test_pairs_and_graph(run, tmp_path):
    pairs = json.loads(run("entities", "--pairs", "--format", "json").stdout)
    assert list(pairs[0]) == ["a", "a_type", "b", "b_type", "count", "paragraphs"]
    top = pairs[0]
    assert {top["a"], top["b"]} == {"Alberto Fujimori", "Amnesty International"} and top["count"] == 7
    assert "002_43576777d5a8cf2f ¶1" in top["paragraphs"]
    import networkx as nx

    for name in ("cases.graphml", "cases.gexf"):
        r = run("entities", "--graph", str(tmp_path / name), "--type", "person")
        assert r.exit_code == 0
        g = nx.read_graphml(tmp_path / name) if name.endswith("graphml") else nx.read_gexf(tmp_path / name)
        labels = {d.get("label") for _, d in g.nodes(data=True)} | set(g.nodes)
        assert "Alberto Fujimori" in labels and g.number_of_nodes() == 9
        assert g.number_of_edges() > 0


def test_curation_rewrites_the_users_gazetteer_and_takes_effect(tmp_path, corpus):
    ix = tmp_path / "ix"
    runner = CliRunner()

    def cmd(*args):
        r = runner.invoke(cli, [*args, "--index", str(ix)], catch_exceptions=False)
        return r

    assert cmd("index", str(corpus)).exit_code == 0
    assert cmd("curate", "rename", "Mireya Moscoso", "Mireya Elisa Moscoso").exit_code == 0
    assert cmd("curate", "retype", "New York", "org").exit_code == 0
    assert cmd("curate", "merge", "Human Rights Watch", "Human Rights Watch Americas Division").exit_code == 0
    ignored = cmd("curate", "ignore", "BBC")
    assert ignored.exit_code == 0
    # only what the change touches is extracted again: the BBC is named in 004 alone
    assert "extracting the entities of 1 document(s) again" in ignored.stderr
    text = (corpus / "gazetteer.toml").read_text(encoding="utf-8")
    assert 'name = "Mireya Elisa Moscoso"' in text and '[ignore]\nnames = ["BBC"]' in text
    rows = {r["name"]: r for r in json.loads(cmd("entities", "--format", "json").stdout)}
    assert "Mireya Elisa Moscoso" in rows and "Mireya Moscoso" not in rows
    assert rows["New York"]["type"] == "ORG"
    assert "Human Rights Watch Americas Division" not in rows and rows["Human Rights Watch"]["mentions"] == 4
    assert "BBC" not in rows
    assert cmd("curate", "retype", "Lima", "planet").exit_code == 2
    # the file is the user's: a fresh index of the same corpus reads it
    lib = Library(tmp_path / "ix2", [corpus])
    assert "Mireya Elisa Moscoso" in {r.name for r in lib.entities()}


def test_gazetteer_option_and_incremental_reextraction(tmp_path, corpus):
    g = tmp_path / "mine.toml"
    g.write_text('[[entity]]\nname = "Peruvian courts"\ntype = "ORG"\n', encoding="utf-8")
    ix = tmp_path / "ix"
    r = CliRunner().invoke(cli, ["index", str(corpus), "--gazetteer", str(g), "--index", str(ix)])
    assert r.exit_code == 0
    lib = Library(ix)
    assert ("Peruvian courts", "ORG") in {(e.name, e.type) for e in lib.entities()}
    g.write_text('[[entity]]\nname = "Peruvian courts"\ntype = "ORG"\n[ignore]\nnames = ["Panama"]\n', encoding="utf-8")
    said = []
    lib2 = Library(ix, warn=said.append)
    assert "Panama" not in {e.name for e in lib2.entities()}
    assert any("gazetteer changed" in s for s in said)


def test_bad_user_gazetteer_is_a_clear_error(tmp_path, corpus):
    (corpus / "gazetteer.toml").write_text('[[entity]]\nname = "X"\ntype = "PLANET"\n', encoding="utf-8")
    with pytest.raises(PerucasesError, match="PLANET"):
        update(tmp_path / "ix", [corpus])


WORDS = st.sampled_from(
    [
        "President",
        "Fujimori",
        "de",
        "la",
        "Comisión",
        "(",
        ")",
        "SIN",
        ",",
        ".",
        "Juan",
        "Pérez",
        "y",
        "the",
        "Court",
        "of",
        "Lima",
        "'s",
        "massacre",
        "US",
        "us",
        "Ríos",
        "\n",
    ]
)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(WORDS, max_size=40), st.text(max_size=80))
def test_extraction_never_fails_and_mentions_point_into_the_text(words, noise):
    text = " ".join(words) + noise
    mentions, ents = extract([text, noise], gazetteer())
    for m in mentions:
        para = [text, noise][m.paragraph - 1]
        assert 0 <= m.start < m.end <= len(para)
        assert m.key in ents
    assert all(e.type in ("PERSON", "ORG", "LOC", "EVENT", "LAW") for e in ents.values())


def test_entity_mentions_as_rows(run):
    rows = run("entity", "Barrios Altos", "--format", "tsv").stdout.splitlines()
    assert rows[0].split("\t") == ["id", "paragraph", "context"]
    assert rows[1].startswith("002_43576777d5a8cf2f\t7\t") and "Barrios Altos" in rows[1]


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Fujimori",
                "the",
                "Peña's",
                "JNE",
                " ",
                "  ",
                ". ",
                ", ",
                "(",
                "\n",
                "“",
                "?",
                "de",
                "Núñez",
                "1992",
                ": ",
                "_",
                "x_y",
                "U.S.",
                "’",
                "-",
                "'",
            ]
        ),
        max_size=25,
    ).map("".join)
)
def test_tokens_and_sentence_starts(text):
    """The tokenizer's shortcut for a word after one space gives what the general rule gives."""
    from perucases.extract.entities import tokenize
    from perucases.extract.gazetteer import TOKEN, fold

    toks = tokenize(text)
    prev_end, want = 0, []
    for m in TOKEN.finditer(text):
        gap = text[prev_end : m.start()].rstrip(" \"'(“‘[\n\t")
        starts = (not want and not gap.strip()) or (bool(gap) and gap[-1] in ".!?:;")
        want.append((m.start(), m.end(), m.group(), fold(m.group()), starts))
        prev_end = m.end()
    assert [(t.start, t.end, t.text, t.folded, t.sentence_start) for t in toks] == want


@settings(max_examples=examples(500), deadline=None)
@given(st.text(alphabet="aZé9_ .'’-,\n(ñ²—x", max_size=30))
def test_token_pattern_is_the_one_character_at_a_time_form(text):
    """TOKEN, written as runs of word characters joined by inner marks, finds the tokens the
    plain form (a letter or digit, then word characters or a mark before a letter or digit) finds."""
    import re

    from perucases.extract.gazetteer import TOKEN

    plain = re.compile(r"[^\W_](?:\w|[.'’\-](?=[^\W_]))*")
    assert [m.span() for m in TOKEN.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_the_entity_table_read_back_from_its_file_lists_as_the_index_does(seed_index, tmp_path, monkeypatch):
    """The table is kept in the index folder between commands; read back, every listing (each
    sort, each row's every field) is the one read from the documents themselves."""
    import shutil

    ix = tmp_path / "ix"
    shutil.copytree(seed_index, ix)
    for f in ix.glob(".entities-*.pickle"):
        f.unlink()
    fresh = Library(ix)
    listed = {sort: fresh.entities(sort=sort) for sort in ("mentions", "documents", "name")}
    fresh.close()
    [kept] = ix.glob(".entities-*.pickle")
    import perucases.library.entities as entities_module

    monkeypatch.setattr(entities_module, "read_table", lambda s: pytest.fail("read from the documents again"))
    again = Library(ix)
    for sort, rows in listed.items():
        back = again.entities(sort=sort)
        assert [(r.name, r.name_key) for r in back] == [(r.name, r.name_key) for r in rows]
        assert [r.as_tuple() for r in back] == [r.as_tuple() for r in rows]
    assert listed["name"][0].name == "Alberto Fujimori" and listed["name"][0].name_key == "alberto fujimori"


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(
        st.sampled_from(["Comisión", "de", "la", "Verdad", " ", "  ", "\n", "(", ")", "CVR", ",", "."]), max_size=40
    )
)
def test_the_name_before_a_parenthesis_is_sought_from_the_last_token_before_it(parts):
    """The token a long form ends with ("Comisión de la Verdad (CVR)") is found by bisection: it
    must be the last of the tokens that a look at every token finds with only spaces up to the
    parenthesis."""
    from perucases.extract import entities

    text = "".join(parts)
    toks = entities.tokenize(text)
    for pos in [k for k, c in enumerate(text) if c == "("] + [len(text)]:
        every = [i for i, t in enumerate(toks) if t.end <= pos and not text[t.end : pos].strip()]
        assert entities._last_token_before(text, toks, pos) == (every[-1] if every else -1)


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=12) | st.text(max_size=12))
def test_a_word_folds_as_the_full_fold_takes_it(word):
    """fold's short way for plain ASCII gives what taking the accents off in full gives."""
    import unicodedata

    from perucases.extract.gazetteer import fold

    s = unicodedata.normalize("NFD", word.replace("’", "'"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = s[:-2] if s.endswith("'s") else s
    assert fold(word) == s.rstrip("'.")


def test_fold_takes_off_accents_possessives_and_final_dots():
    from perucases.extract.gazetteer import fold

    assert fold("Año's") == "ano" and fold("Peru’s") == "peru" and fold("U.S.") == "u.s"
