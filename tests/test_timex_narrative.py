"""Dates on real narratives (issue 15, items 2 and 3): reference-time tracking, anchored offsets,
ranges and lists, decades in words, "hoy" meaning nowadays, counts. Every sentence here is written
for the tests."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from perucases.cli import cli
from perucases.extract.events import extract_events
from perucases.extract.timex import find


def values(text, anchor=None):
    return [(t.text, t.value) for t in find(text, anchor)]


def timeline(paragraphs, anchor=None, title=None):
    return [(e.kind, e.expression, e.value) for e in extract_events(paragraphs, anchor, title=title)]


# ---------------------------------------------------------------------------- dates in words


@pytest.mark.parametrize(
    "text, value",
    [
        ("diez de junio de dos mil veintiséis", "2026-06-10"),
        ("treinta y uno de diciembre de mil novecientos noventa y nueve", "1999-12-31"),
        ("cuatro de junio del 2001", "2001-06-04"),
        ("primero de mayo de mil novecientos ochenta", "1980-05-01"),
    ],
)
def test_dates_written_in_words(text, value):
    assert values(f"Lima, {text}.") == [(text, value)]


def test_number_words_that_are_not_dates():
    assert values("los setenta y dos rehenes salieron con vida", dt.date(1997, 4, 23)) == []
    assert values("treinta de los detenidos", dt.date(1997, 4, 23)) == []


# ---------------------------------------------------------------------------- ranges and lists


@pytest.mark.parametrize(
    "text, value",
    [
        ("between September 3 and October 9, 1975", "1975-09-03/1975-10-09"),
        ("March 1988 – June 1990", "1988-03/1990-06"),
        ("entre mayo de 1985 y junio de 1990", "1985-05/1990-06"),
        ("desde marzo de 1983 hasta enero de 1986", "1983-03/1986-01"),
        ("entre el 4 y el 6 de marzo de 1999", "1999-03-04/1999-03-06"),
        ("del 4 al 6 de marzo de 1999", "1999-03-04/1999-03-06"),
        ("14 de julio de 1995-2 de agosto de 1997", "1995-07-14/1997-08-02"),
        ("from 12 May 1986 to 3 June 1987", "1986-05-12/1987-06-03"),
        ("entre 1983 y el 1986", "1983/1986"),
    ],
)
def test_a_range_is_one_interval_at_the_written_precision(text, value):
    assert [v for _, v in values(f"It happened {text}, they said.")] == [value]


@pytest.mark.parametrize(
    "text, want",
    [
        ("in 1985 and 1990", ["1985", "1990"]),
        ("en mayo de 1985 y en junio de 1990", ["1985-05", "1990-06"]),
        ("durante las décadas de 1970 y 1980", ["197X", "198X"]),
        ("in the 1970s and 1980s", ["197X", "198X"]),
    ],
)
def test_two_dates_joined_by_and_are_two_events(text, want):
    assert [v for _, v in values(f"It happened {text}.")] == want


# ---------------------------------------------------------------------------- decades


@pytest.mark.parametrize(
    "text, value",
    [
        ("los setenta", "197X"),
        ("inicios de la década de los ochenta", "198X"),
        ("mediados de la década del 2000", "200X"),
        ("la década de 1990", "199X"),
        ("los años 80", "198X"),
        ("the early 1980s", "198X"),
    ],
)
def test_decades_in_words(text, value):
    assert [v for _, v in values(f"Ocurrió en {text}, según el informe.")] == [value]


# ---------------------------------------------------------------------------- today, counts


def test_hoy_meaning_nowadays_is_not_a_date():
    anchor = dt.date(2004, 3, 9)
    assert [t.value for t in find("el Consejo (hoy Junta Nacional) fue cerrado", anchor)] == ["PRESENT_REF"]
    assert [t.value for t in find("hoy en día el penal está cerrado", anchor)] == ["PRESENT_REF"]
    assert values("La comisión recibió hoy siete testimonios.", anchor) == [("hoy", "2004-03-09")]
    # a text with no date of its own: "hoy" can only mean nowadays
    assert [t.value for t in find("La plaza es hoy un lugar de memoria.")] == ["PRESENT_REF"]
    assert timeline(["La plaza es hoy un lugar de memoria desde 1995."]) == [("mention", "1995", "1995")]


@pytest.mark.parametrize(
    "text",
    [
        "over 2000 people were detained",
        "más de 1500 personas declararon",
        "some 1200 soldiers took part",
        "1990 victims were identified",
    ],
)
def test_counts_are_not_years(text):
    assert values(text, dt.date(2000, 1, 1)) == []


def test_a_season_of_a_year_is_that_year_on_the_timeline():
    assert timeline(["She moved to the capital in the fall of 1987."]) == [("mention", "fall of 1987", "1987")]


# ---------------------------------------------------------------------------- the narrative


def test_anaphoric_expressions_follow_the_narrative():
    text = (
        "The remains were exhumed in August 2009 and reburied in late November of the same year. "
        "Earlier that year, the prosecutor had opened a case."
    )
    assert values(text) == [
        ("August 2009", "2009-08"),
        ("late November of the same year", "2009-11"),
        ("that year", "2009"),
    ]
    assert values("El 12 de marzo de 1991 fue detenido; el 28 de octubre del mismo año fue liberado.") == [
        ("El 12 de marzo de 1991", "1991-03-12"),
        ("el 28 de octubre del mismo año", "1991-10-28"),
    ]


def test_the_reference_time_carries_over_paragraphs():
    got = timeline(["The army entered the valley in 1984.", "In May, the villagers fled; on 3 June they came back."])
    assert got == [("mention", "1984", "1984"), ("mention", "May", "1984-05"), ("mention", "3 June", "1984-06-03")]


def test_no_anchor_no_year():
    [t] = find("In May, the villagers fled.")
    assert (t.value, t.unresolved) == ("XXXX-05", True)
    [t] = find("He died three years later.")
    assert (t.value, t.unresolved) == ("XXXX", True)


@pytest.mark.parametrize(
    "text, value",
    [
        ("He was charged in December 2001, but he died three years later.", "2004"),
        ("The trial opened on 4 May 1998. Two days later, the judge resigned.", "1998-05-06"),
        ("La masacre ocurrió en 1985. Dos años después, la fiscalía abrió el caso.", "1987"),
        ("The war ended in the 1990s. Two decades later, the archives opened.", "201X"),
    ],
)
def test_offsets_count_from_the_reference_time(text, value):
    assert [t.value for t in find(text)][-1] == value


@pytest.mark.parametrize(
    "text, value",
    [
        ("The march was held on the 30th anniversary of the 1980 uprising.", "2010"),
        ("A 20 años del golpe de 1992, el Congreso debatió la ley.", "2012"),
        ("The trial began ten years after the massacre of 1985.", "1995"),
    ],
)
def test_anchored_offsets_count_from_the_year_they_name(text, value):
    assert value in [t.value for t in find(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The march was held on the 30th anniversary of the uprising.",
        "It was two weeks after the minister took office.",
        "Almost two months later, the family was told.",
    ],
)
def test_offsets_without_an_exact_anchor_are_not_dated(text):
    assert [t for t in find(text, dt.date(2005, 5, 5)) if t.first] == []


def test_deictic_expressions_count_from_the_document_date():
    anchor = dt.date(2003, 2, 20)
    # told in the past, a month named without a year is not months after the text was written
    assert values("In June the minister resigned.", anchor) == [("June", "2002-06")]
    assert values("The elections will be held in June.", anchor) == [("June", "2003-06")]
    assert values("Last week the court ruled.", anchor) == [("Last week", "2003-W07")]


# ---------------------------------------------------------------------------- through the CLI


def test_timeline_of_a_narrative_and_its_title(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "valle.txt").write_text(
        "Masacre del valle de 1984\n\n"
        "El ejército entró al valle entre mayo de 1984 y enero de 1985, según los testigos que declararon.\n\n"
        "En 1984 murieron más de 1500 personas en la provincia. En agosto, los comuneros huyeron; "
        "dos años después, volvieron a sus tierras.\n",
        encoding="utf-8",
    )
    ix = tmp_path / "ix"
    assert CliRunner().invoke(cli, ["index", str(corpus), "--index", str(ix)]).exit_code == 0
    r = CliRunner().invoke(cli, ["timeline", "--format", "json", "--index", str(ix)])
    got = [(e["kind"], e["expression"], e["date"], e["paragraph"]) for e in json.loads(r.stdout)]
    assert sorted(got, key=lambda x: (x[2], x[1])) == [
        ("title", "1984", "1984", None),
        ("mention", "1984", "1984", 2),
        ("mention", "entre mayo de 1984 y enero de 1985", "1984-05/1985-01", 1),
        ("mention", "agosto", "1984-08", 2),
        ("mention", "dos años después", "1986", 2),
    ]


def test_a_fact_box_is_content_a_menu_is_not(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "box.txt").write_text(
        "= Valley massacre =\n\nHome\nNews\nContact\n\nInfobox\n- Location: Example Valley, Peru\n- Date: 1986-06-18\n"
        "- Fatalities: 35–40\n- Perpetrators: a death squad\n\n"
        "The Valley massacre was the killing of villagers by a death squad in the Example Valley of Peru.\n",
        encoding="utf-8",
    )
    ix = tmp_path / "ix"
    assert CliRunner().invoke(cli, ["index", str(corpus), "--index", str(ix)]).exit_code == 0
    r = CliRunner().invoke(cli, ["timeline", "--format", "json", "--index", str(ix)])
    assert [(e["expression"], e["date"]) for e in json.loads(r.stdout)] == [("1986-06-18", "1986-06-18")]
    r = CliRunner().invoke(cli, ["search", "Contact", "--format", "json", "--index", str(ix)])
    assert r.exit_code == 1  # the menu stays chrome
