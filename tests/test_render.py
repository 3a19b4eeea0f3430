"""The shared output mechanism: escaping, formula-safe CSV, ids, colour only on a terminal; the row
serialiser; locators."""

import csv
import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import examples, python
from perucases.render.output import HL_END, HL_START, Column, emit, use_color

COLS = [Column("id"), Column("text"), Column("tags"), Column("n")]
ROWS = [
    {"id": "a", "text": "tab\there\nnew line \\ back", "tags": ["x", "y"], "n": 3},
    {"id": "b", "text": '=HYPERLINK("http://evil")', "tags": [], "n": None},
    {"id": "a", "text": f"{HL_START}Colina{HL_END} group", "tags": ["z"], "n": 1},
]


def render(fmt, rows=ROWS):
    out = io.StringIO()
    emit(rows, COLS, fmt, out=out)
    return out.getvalue()


def test_tsv_escapes_and_joins_lists():
    lines = render("tsv").splitlines()
    assert lines[0] == "id\ttext\ttags\tn"
    assert lines[1] == "a\ttab\\there\\nnew line \\\\ back\tx; y\t3"
    assert lines[2].endswith("\t\t")  # empty list, None
    assert lines[3] == "a\tColina group\tz\t1"  # highlight markers never leak


def test_csv_round_trips_and_defuses_formulas():
    rows = list(csv.reader(io.StringIO(render("csv"))))
    assert rows[1] == ["a", "tab\there\nnew line \\ back", "x; y", "3"]
    assert rows[2][1] == '\'=HYPERLINK("http://evil")'


def test_json_keeps_types_and_jsonl_is_one_object_a_line():
    data = json.loads(render("json"))
    assert data[0] == {"id": "a", "text": "tab\there\nnew line \\ back", "tags": ["x", "y"], "n": 3}
    assert data[1]["n"] is None and data[2]["text"] == "Colina group"
    lines = render("jsonl").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b", "a"]


def test_ids_are_unique_in_order():
    assert render("ids") == "a\nb\n"


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert use_color(FakeTTY()) is True
    assert use_color(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(FakeTTY()) is False


def test_table_marks_matches_in_bold_on_a_terminal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    tty = FakeTTY()
    emit(ROWS[2:], COLS, "table", out=tty)
    assert "\x1b[1" in tty.getvalue() and "Colina" in tty.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    plain = FakeTTY()
    emit(ROWS[2:], COLS, "table", out=plain)
    assert "\x1b[" not in plain.getvalue() and "Colina group" in plain.getvalue()


def test_terminal_output_strips_control_sequences():
    tty = io.StringIO()
    emit([{"id": "x", "text": "evil\x1b]0;pwned\x07 title\x1b[2J", "tags": [], "n": 1}], COLS, "table", out=tty)
    assert "\x1b" not in tty.getvalue() and "\x07" not in tty.getvalue()


def test_rows_take_each_columns_value_from_items_of_any_kind():
    from dataclasses import dataclass

    from perucases.render.output import rows

    @dataclass
    class Item:
        id: str
        n: int

    cols = [Column("rank"), Column("id"), Column("n"), Column("extra")]
    got = rows(
        [Item("a", 3), {"id": "b", "n": 4, "ignored": 1}],
        cols,
        extra=lambda i: f"x{i['n'] if isinstance(i, dict) else i.n}",
    )
    assert got == [{"rank": 1, "id": "a", "n": 3, "extra": "x3"}, {"rank": 2, "id": "b", "n": 4, "extra": "x4"}]
    assert [list(r) for r in got] == [["rank", "id", "n", "extra"]] * 2  # the columns' order: the JSON contract


def test_locators_are_spelt_one_way():
    from perucases.render.locators import locator, short_id

    assert short_id("003_ed39d894751b7a98") == "003"
    assert short_id("report-2001") == "report-2001"
    assert locator("003_ed39d894751b7a98", 2, 1, page=4) == "003 p.4 ¶2 s1"
    assert locator("004_866eeb82b2cb32e1", 3, 2) == "004 ¶3 s2"
    assert locator("000_ca4e617775ace81b", 5, short=False) == "000_ca4e617775ace81b ¶5"
    assert locator("003_ed39d894751b7a98", None, whole="title") == "003 (title)"
    assert (
        locator("003_ed39d894751b7a98", None, page=4, short=False, whole="published")
        == "003_ed39d894751b7a98 (published)"
    )


def test_locators_import_without_rich_click_or_whoosh():
    import subprocess

    code = (
        "import sys; import perucases.render.locators; "
        "print(sorted(m for m in ('rich', 'click', 'whoosh') if m in sys.modules))"
    )
    out = subprocess.run([*python("-c"), code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


_TEXT = st.text(st.characters(blacklist_characters=HL_START + HL_END))  # (markers are stripped: a test above)
_SCALARS = st.one_of(_TEXT, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=True))
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(_TEXT, st.integers()), inner, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=8), _VALUES, max_size=5), max_size=4))
def test_json_output_is_json_dumps_character_for_character(rows):
    """--format json writes rows through its own indenting writer: the text json.dumps(indent=2)
    gives, whatever the values (lone surrogates as \\u escapes, NaN, numbers as keys)."""
    out = io.StringIO()
    emit(rows, [Column(k) for k in dict.fromkeys(k for r in rows for k in r)], "json", out=out)
    data = [{k: r.get(k) for k in dict.fromkeys(k for r in rows for k in r)} for r in rows]
    want = json.dumps(data, ensure_ascii=False, indent=2)
    try:
        want.encode("utf-8")
    except UnicodeEncodeError:
        want = json.dumps(data, ensure_ascii=True, indent=2)
    assert out.getvalue() == want + "\n"
