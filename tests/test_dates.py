import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perucases.dates import parse_dateline, parse_partial_date


@pytest.mark.parametrize(
    "text, iso",
    [
        ("1997", "1997"),
        ("1997-04", "1997-04"),
        ("1997-04-22", "1997-04-22"),
        ("April 1997", "1997-04"),
        ("22 April 1997", "1997-04-22"),
        ("April 22, 1997", "1997-04-22"),
        ("Sept. 26, 2000", "2000-09-26"),
        ("abril de 1992", "1992-04"),
        ("26 de septiembre de 2000", "2000-09-26"),
        ("1997/04/22", "1997-04-22"),
    ],
)
def test_partial_dates_keep_the_precision_given(text, iso):
    assert parse_partial_date(text).iso == iso


@pytest.mark.parametrize("text", ["", "19xx", "1997-13", "2000-02-30", "April", "yesterday", "12,650"])
def test_not_dates(text):
    assert parse_partial_date(text) is None


def test_interval_of_a_partial_date():
    d = parse_partial_date("2000-02")
    assert (d.start, d.end) == (dt.date(2000, 2, 1), dt.date(2000, 2, 29))
    y = parse_partial_date("2003")
    assert (y.start, y.end) == (dt.date(2003, 1, 1), dt.date(2003, 12, 31))


@pytest.mark.parametrize(
    "line, iso",
    [
        ("September 26, 2000 8:00PM EDT", "2000-09-26"),
        ("31 January 2006", "2006-01-31"),
        ("Tuesday, 8 January 2002", "2002-01-08"),
    ],
)
def test_datelines(line, iso):
    assert parse_dateline(line).iso == iso


def test_a_sentence_with_a_date_is_not_a_dateline():
    assert parse_dateline("The court ruled on 31 January 2006 that") is None


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_iso_dates_round_trip(d):
    p = parse_partial_date(d.isoformat())
    assert (p.start, p.end) == (d, d)


@given(st.text(max_size=60))
def test_any_string_is_a_date_or_none(s):
    p = parse_partial_date(s)
    assert p is None or p.start <= p.end
