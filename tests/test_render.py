"""The shared output mechanism: escaping, formula-safe CSV, ids, colour only on a terminal."""

import csv
import io
import json

from perucases.render import HL_END, HL_START, Column, emit, use_color

COLS = [Column("id"), Column("text"), Column("tags"), Column("n")]
ROWS = [
    {"id": "a", "text": "tab\there\nnew line \\ back", "tags": ["x", "y"], "n": 3},
    {"id": "b", "text": "=HYPERLINK(\"http://evil\")", "tags": [], "n": None},
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
    assert rows[2][1] == "'=HYPERLINK(\"http://evil\")"


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
