"""The timeline: the seeds' full chronology as test data, filters, formats, grouping, HTML."""

import json
import subprocess

import pytest
from click.testing import CliRunner

from perucases.cli import cli

# Read from the five seeds by hand: every dated statement of the article bodies (nothing from
# page chrome: 000's "Most Viewed" dates of 2013-2022 must not appear), with the value it must
# get, and each document's own date. (date, document, paragraph, expression)
SEED_CHRONOLOGY = [
    ("1990/2000", "002", 2, "between 1990 and 2000"),
    ("1990/2000", "004", 1, "from 1990-2000"),
    ("1992", "001", 2, "1992"),
    ("1995", "000", 5, "1995"),
    ("1996", "001", 3, "1996"),
    ("1996", "004", 4, "1996"),
    ("1996-12-17", "003", 5, "17 December"),
    ("1997-01", "003", 5, "January"),
    ("1997", "000", 5, "1997"),
    ("1997-02", "003", 3, "February"),
    ("1997-04-22", "003", 1, "yesterday"),
    ("1997-04-23", "003", None, "1997-04-23"),
    ("2000-05", "000", 5, "May 2000"),
    ("2000-W38", "000", 6, "last week"),
    ("2000-09-23", "000", 2, "Saturday night"),
    ("2000-09-26", "000", None, "2000-09-26"),
    ("2000-09-26", "000", 2, "today"),
    ("2001-06", "004", 2, "June 2001"),
    ("2002", "004", None, "2002"),
    ("2002-01-08", "004", 8, "January 8, 2002"),
    ("2003-01", "001", 5, "January 2003"),
    ("2003", "001", None, "2003"),
    ("2005-11", "002", 4, "November last year"),
    ("2006-01-03", "002", 6, "3 January"),
    ("2006-01-31", "002", None, "2006-01-31"),
]
FIELDS = [
    "date",
    "start",
    "end",
    "precision",
    "expression",
    "relative",
    "kind",
    "id",
    "paragraph",
    "sentence",
    "entities",
    "sources",
    "page",
]


def rows(run, *args):
    r = run("timeline", *args, "--format", "json")
    assert r.exit_code in (0, 1), r.stderr
    return json.loads(r.stdout) if r.exit_code == 0 else []


def test_the_chronology_of_the_seeds_exactly(run):
    got = [(e["date"], e["id"][:3], e["paragraph"], e["expression"]) for e in rows(run)]
    assert got == SEED_CHRONOLOGY


def test_event_fields_and_values(run):
    events = rows(run, "--doc", "003")
    assert list(events[0]) == FIELDS
    yesterday = next(e for e in events if e["expression"] == "yesterday")
    assert (yesterday["start"], yesterday["end"], yesterday["precision"], yesterday["relative"]) == (
        "1997-04-22",
        "1997-04-22",
        "day",
        True,
    )
    assert yesterday["sentence"].startswith("Amnesty International welcomes the safe release yesterday")
    assert "Amnesty International" in yesterday["entities"]
    pub = next(e for e in events if e["kind"] == "publication")
    assert pub["paragraph"] is None and pub["date"] == "1997-04-23"
    decade = rows(run, "--doc", "002")[0]
    assert (decade["date"], decade["start"], decade["end"]) == ("1990/2000", "1990-01-01", "2000-12-31")


def test_long_sentences_are_cut_to_the_clause_with_the_date(run):
    may = next(e for e in rows(run, "--doc", "000") if e["expression"] == "May 2000")
    assert may["sentence"].startswith("…") and may["sentence"].endswith("in May 2000.")
    assert "Leonor" not in may["sentence"]  # the clause about 1997 is the other event's
    assert may["entities"] == ["Mariela Barreto Riofano", "Fabián Salazar"]


def test_filters_are_index_queries(run):
    assert [e["date"] for e in rows(run, "--from", "1990", "--to", "2000", "--entity", "Fujimori")] == [
        "1990/2000",
        "1990/2000",
        "1997-02",
    ]
    assert [(e["date"], e["id"][:3]) for e in rows(run, "--grep", "torture")] == [("1997", "000"), ("2000-05", "000")]
    # a range keeps what overlaps it: the whole of 1997 and the 1990s overlap April 1997
    assert [e["date"] for e in rows(run, "--from", "1997-04", "--to", "April 1997")] == [
        "1990/2000",
        "1990/2000",
        "1997",
        "1997-04-22",
        "1997-04-23",
    ]
    assert [e["date"] for e in rows(run, "--from", "1997-04", "--to", "April 1997", "--precision", "day")] == [
        "1997-04-22",
        "1997-04-23",
    ]
    assert {e["precision"] for e in rows(run, "--precision", "day")} == {"day"}
    assert {e["precision"] for e in rows(run, "--precision", "month")} <= {"day", "week", "month"}
    assert rows(run, "--grep", "Blackbaud") == []
    assert [e["id"][:3] for e in rows(run, "--sort", "source")][:3] == ["000"] * 3


def test_formats(run):
    tsv = run("timeline", "--doc", "002").stdout.splitlines()
    assert tsv[0].split("\t") == FIELDS
    md = run("timeline", "--doc", "003", "--format", "md").stdout
    assert "## 1997" in md and "- **1997-04-22** Amnesty International welcomes" in md and "003 ¶1" in md
    tjs = json.loads(run("timeline", "--format", "timelinejs").stdout)
    first = tjs["events"][0]
    assert first["start_date"] == {"year": 1990} and first["end_date"] == {"year": 2000}
    feb = next(e for e in tjs["events"] if e["text"]["headline"] == "February")
    assert feb["start_date"] == {"year": 1997, "month": 2}
    day = next(e for e in tjs["events"] if e["text"]["headline"] == "17 December")
    assert day["start_date"] == {"year": 1996, "month": 12, "day": 17}
    table = run("timeline", "--format", "table").stdout
    assert "1997  (5 events)" in table and "003 ¶1" in table and "events per year" in table


def test_happenings_in_several_documents_are_grouped(tmp_path):
    c = tmp_path / "c"
    c.mkdir()
    for name, text in (
        ("a", "Lawyer Juan Pérez was arrested in Lima on 3 March 1999, his family said.\n"),
        ("b", "Police confirm that Juan Pérez was detained in Lima on 3 March 1999 after a raid.\n"),
        ("c", "Unrelated: the Colina group met in 1991.\n"),
    ):
        (c / f"{name}.txt").write_text(text, encoding="utf-8")
    r = CliRunner().invoke(
        cli, ["timeline", "--format", "json", "--index", str(tmp_path / "ix")], catch_exceptions=False
    )
    CliRunner().invoke(cli, ["index", str(c), "--index", str(tmp_path / "ix")])
    r = CliRunner().invoke(cli, ["timeline", "--format", "json", "--index", str(tmp_path / "ix")])
    events = json.loads(r.stdout)
    march = [e for e in events if e["date"] == "1999-03-03"]
    assert [e["id"] for e in march] == ["a", "b"] and {e["sources"] for e in march} == {2}
    table = CliRunner().invoke(cli, ["timeline", "--format", "table", "--index", str(tmp_path / "ix")]).stdout
    assert "2 sources: a ¶1; b ¶1" in table


CHROMIUM = [
    "chromium",
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium(args, tmp_path, name):
    return subprocess.run([*CHROMIUM, f"--user-data-dir={tmp_path / name}", *args], capture_output=True, timeout=120)


def test_html_page_in_headless_chromium(run, tmp_path):
    page = tmp_path / "chronology.html"
    r = run("timeline", "--html", str(page))
    assert r.exit_code == 0 and "25 events" in r.stderr
    text = page.read_text(encoding="utf-8")
    assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text  # self-contained
    assert text.count('<li class="event"') == 25
    shot = tmp_path / "shot.png"
    _chromium(["--window-size=1000,1400", f"--screenshot={shot}", page.as_uri()], tmp_path, "p1")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    dom = _chromium(["--dump-dom", page.as_uri()], tmp_path, "p2").stdout.decode()
    assert 'data-shown="25"' in dom and "yesterday" in dom and "003 ¶1" in dom
    # the entity filter, set through the address, runs in the page
    fujimori = len(rows(run, "--entity", "Alberto Fujimori"))
    dom = _chromium(["--dump-dom", page.as_uri() + "#entity=Alberto%20Fujimori"], tmp_path, "p3").stdout.decode()
    assert fujimori == 4 and f'data-shown="{fujimori}"' in dom


def test_hostile_document_text_renders_inert(tmp_path):
    c = tmp_path / "c"
    c.mkdir()
    (c / "evil.txt").write_text(
        'A saved page\n\nOn 3 March 1999 the page said <script>document.title="pwned"</script> and '
        '<a href="javascript:alert(1)">click</a> and <img src=x onerror=alert(2)> in Lima.\n',
        encoding="utf-8",
    )
    ix = tmp_path / "ix"
    page = tmp_path / "evil.html"
    r = CliRunner().invoke(cli, ["timeline", "--html", str(page), "--index", str(ix)])
    CliRunner().invoke(cli, ["index", str(c), "--index", str(ix)])
    r = CliRunner().invoke(cli, ["timeline", "--html", str(page), "--index", str(ix)])
    assert r.exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert "<script>document" not in text and 'href="javascript:' not in text and "<img" not in text
    assert "&lt;script&gt;" in text
    dom = _chromium(["--dump-dom", page.as_uri()], tmp_path, "p4").stdout.decode()
    assert "<title>Timeline</title>" in dom and "pwned" not in dom.split("<body")[0]


@pytest.mark.parametrize(
    "args", [["--precision", "hour"], ["--from", "soon"], ["--entity", "Nobody Atall"], ["--sort", "size"]]
)
def test_bad_timeline_options_exit_2(run, args):
    r = run("timeline", *args)
    assert r.exit_code == 2 and r.stderr.startswith("perucases: error:")


def test_short_date_windows_use_month_buckets_and_keep_long_events(tmp_path):
    """A window of up to two years is looked up by month terms; an event longer than that (a
    decade) is under the "long" term and must still be found, and one outside the window not."""
    from perucases.index.build import update
    from perucases.library import Filters, Library

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Lima, 3 March 1995.\n\nThe army ran the prisons throughout the 1990s, the report says.\n\n"
        "On 14 February 1993 the court met. In June 1997 the hostages were freed.\n",
        encoding="utf-8",
    )
    ix = tmp_path / "ix"
    update(ix, [corpus])
    lib = Library(ix, refresh=False)

    def values(a, b):
        return sorted(e.date for e in lib.timeline(Filters.parse(a, b)))

    assert values("1996-01", "1996-02") == ["199X"]  # the 1990s: a long event, in the window
    assert any(v.startswith("1993-02-14") for v in values("1993-02", "1993-02"))
    assert values("1980", "1989") == []
    # The same answers as the open date ranges used for long windows.
    long_window = {e.date for e in lib.timeline(Filters.parse("1990", "1999"))}
    assert set(values("1993-01", "1993-12")) <= long_window


def test_long_and_open_date_windows_keep_the_events_that_overlap_them_to_the_day(tmp_path):
    """A window of more than two years, or open at one end, is a range query on the years of the
    events, each event then checked against the window: an event on its first or last day is
    in, one a day outside is not (in the same year: the year's records come, the check drops it)."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name, day in (
        ("a", "31 December 1989"),
        ("b", "1 January 1990"),
        ("c", "31 December 2000"),
        ("d", "1 January 2001"),
    ):
        # (a document each: the index query, not the check of each event after it, must keep it)
        (corpus / f"{name}.txt").write_text(f"Raid {name}\n\nThe raid was on {day}.\n", encoding="utf-8")
    ix = tmp_path / "ix"
    assert CliRunner().invoke(cli, ["index", str(corpus), "--index", str(ix)]).exit_code == 0

    def dates(*window: str) -> list[str]:
        r = CliRunner().invoke(cli, ["timeline", *window, "--format", "json", "--index", str(ix)])
        assert r.exit_code in (0, 1), r.output
        return [e["date"] for e in json.loads(r.stdout or "[]")]

    assert dates() == ["1989-12-31", "1990-01-01", "2000-12-31", "2001-01-01"]
    assert dates("--from", "1990-01-01", "--to", "2000-12-31") == ["1990-01-01", "2000-12-31"]
    assert dates("--from", "1990") == ["1990-01-01", "2000-12-31", "2001-01-01"]
    assert dates("--to", "2000") == ["1989-12-31", "1990-01-01", "2000-12-31"]
    assert dates("--from", "1990-01-02", "--to", "2000-12-30") == []
