"""Temporal expressions (groundwork for the timeline): forms, values, anchors, and non-dates."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import examples
from perucases.extract.timex import find


def values(text, anchor=None):
    return [(t.text, t.value) for t in find(text, anchor)]


@pytest.mark.parametrize(
    "text, value",
    [
        ("September 26, 2000", "2000-09-26"),
        ("26 September 2000", "2000-09-26"),
        ("Sept. 26, 2000", "2000-09-26"),
        ("Tuesday, 8 January 2002", "2002-01-08"),
        ("2000-09-26", "2000-09-26"),
        ("26 de septiembre de 2000", "2000-09-26"),
        ("el 2 de mayo de 1992", "1992-05-02"),
        ("May 2000", "2000-05"),
        ("mayo de 2000", "2000-05"),
        ("abril de 1992", "1992-04"),
        ("the 1990s", "199X"),
        ("mid-1970s", "197X"),
        ("los años noventa", "199X"),
        ("1990-2000", "1990/2000"),
        ("from 1990 to 2000", "1990/2000"),
        ("between 1990 and 2000", "1990/2000"),
        ("July 18-19, 2008", "2008-07-18/2008-07-19"),
        ("entre 1980 y 2000", "1980/2000"),
        ("the third quarter of 1984", "1984-Q3"),
        ("nineteen ninety-six", "1996"),
    ],
)
def test_explicit_forms(text, value):
    assert values(f"It was {text}.") == [(text, value)]


@pytest.mark.parametrize(
    "phrase, year",
    [
        ("in 1995", "1995"),
        ("a 1996 message", "1996"),
        ("the 1992 legislation", "1992"),
        ("en 1992", "1992"),
        ("desde 1992", "1992"),
    ],
)
def test_years_used_as_times(phrase, year):
    assert [v for _, v in values(phrase)] == [year]


def test_anchored_expressions_of_the_seeds():
    # 003 is dated 1997-04-23; 002 2006-01-31; 000 2000-09-26 (see seeds/catalog.toml)
    assert values("the safe release yesterday of 71 people", dt.date(1997, 4, 23)) == [("yesterday", "1997-04-22")]
    assert values("Fujimori publicly admitted in February", dt.date(1997, 4, 23)) == [("February", "1997-02")]
    assert values("the hostage drama began on 17 December", dt.date(1997, 4, 23)) == [("17 December", "1996-12-17")]
    assert values("detained since November last year", dt.date(2006, 1, 31)) == [("November last year", "2005-11")]
    assert values("lodged its formal request on 3 January", dt.date(2006, 1, 31)) == [("3 January", "2006-01-03")]
    assert values("arrived in Panama on Saturday night", dt.date(2000, 9, 26)) == [("Saturday night", "2000-09-23")]
    [t] = find("last week's video scandal", dt.date(2000, 9, 26))
    assert (t.value, t.relative) == ("2000-W38", True)


def test_without_an_anchor_no_year_is_guessed():
    [t] = find("the hostage drama began on 17 December")
    assert t.unresolved and t.value == "XXXX-12-17" and t.first is None


@pytest.mark.parametrize(
    "text",
    [
        "held hostage for more than four months",
        "the 10 years that Fujimori was in power",
        "$15m",
        "12,650 signatures",
        "at least 1100 cases",
        "call 1-212-290-4700",
        "EIN: 13-2875808",
        "a 1,990 ton cargo",
        "she may resign",
        "it rose 2000 tons",
    ],
)
def test_not_dates(text):
    assert values(text, dt.date(2000, 1, 1)) == []


@settings(max_examples=examples(300), deadline=None)
@given(st.text(max_size=200), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_any_text_gives_valid_spans_and_intervals(text, anchor):
    for t in find(text, anchor):
        assert 0 <= t.start < t.end <= len(text) and text[t.start : t.end] == t.text
        assert t.value
        if t.first and t.last:
            assert t.first <= t.last


def test_anaphoric_expressions_follow_the_last_explicit_date():
    anchor = dt.date(2000, 1, 1)
    assert values("In May 1992 the army moved. The following month, it returned.", anchor) == [
        ("May 1992", "1992-05"),
        ("The following month", "1992-06"),
    ]
    assert values("En abril de 1992 cerró el Congreso. El mismo año, capturaron a Guzmán.", anchor) == [
        ("abril de 1992", "1992-04"),
        ("El mismo año", "1992"),
    ]
    assert values("The hostages were freed on 22 April 1997. The next day, Fujimori spoke.", anchor) == [
        ("22 April 1997", "1997-04-22"),
        ("The next day", "1997-04-23"),
    ]


def test_a_range_from_a_weekday_without_a_date_is_not_joined():
    # "Monday" in an undated text has no month to take a year for: two expressions, no range
    # (this raised AttributeError, and `perucases index` stopped with an internal error)
    assert values("The talks ran from Monday to September 30, 1999.") == [
        ("Monday", "XXXX-WXX-1"),
        ("September 30, 1999", "1999-09-30"),
    ]
    assert values("The talks ran from September 3 to September 30, 1999.") == [
        ("from September 3 to September 30, 1999", "1999-09-03/1999-09-30")
    ]
