"""`cite` as commands: cite QUERY (cite query QUERY), refs, export, verify, sources, styles; and the
spellings of before (--all, --doc ID alone, --sources, --verify, --list-styles, --style EXPORT),
which still work for one release with a warning on stderr."""

from __future__ import annotations

import json

import pytest

from helpers import SEED_IDS

CHICAGO_002 = (
    "Peru Support Group. \u201cAmnesty International Launch Campaign to Bring Fujimori to "
    "Justice.\u201d Peru Support Group, January 31, 2006.\n"
)


def test_cite_query_is_the_default_command(run):
    bare = run("cite", "Colina death squad", "-n", "1", "--format", "json")
    named = run("cite", "query", "Colina death squad", "-n", "1", "--format", "json")
    assert bare.exit_code == named.exit_code == 0
    assert bare.stdout == named.stdout and bare.stderr == named.stderr == ""
    quote = json.loads(bare.stdout)[0]
    assert (quote["id"], quote["paragraph"], quote["sentence"], quote["locator"]) == (
        "000_ca4e617775ace81b",
        5,
        1,
        "000 ¶5 s1",
    )
    # options before the query, and --doc with a query, read as before
    r = run("cite", "--doc", "003", "--format", "json", "hostages")
    assert r.exit_code == 0 and {q["id"] for q in json.loads(r.stdout)} == {"003_ed39d894751b7a98"}


@pytest.mark.parametrize("args", [("--", "refs"), ("query", "refs"), ("--format", "json", "--", "export")])
def test_a_query_named_like_a_command(seed_index, monkeypatch, args):
    from click.testing import CliRunner

    from perucases.cli import cli

    monkeypatch.setenv("PERUCASES_INDEX", str(seed_index))  # not --index: after -- it would be words of the query
    r = CliRunner().invoke(cli, ["cite", *args], catch_exceptions=False)
    assert r.exit_code == 1
    assert r.stderr == f"perucases: no quotes match {args[-1]!r}\n"  # searched for, not run as a command


def test_cite_without_arguments_and_help(run):
    r = run("cite")
    assert r.exit_code == 2
    assert r.stderr.startswith("perucases: error: give a QUERY, or a command: refs, export, verify, sources or styles")
    h = run("cite", "--help")
    assert h.exit_code == 0
    listed = [line.split()[0] for line in h.stdout.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == ["query", "refs", "export", "verify", "sources", "styles"]
    assert "cite -- refs" in h.stdout


def test_refs(run):
    r = run("cite", "refs", "002")
    assert (r.exit_code, r.stdout, r.stderr) == (0, CHICAGO_002, "")
    r = run("cite", "refs", "--style", "mla")
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 5
    assert r.stdout.splitlines()[-1].endswith("Peru Support Group, 31 Jan. 2006.")
    rows = json.loads(run("cite", "refs", "002", "003", "--format", "json").stdout)
    assert sorted(row["id"] for row in rows) == ["002_43576777d5a8cf2f", "003_ed39d894751b7a98"]
    assert [list(row) for row in rows] == [["id", "reference", "citation", "style"]] * 2
    r = run("cite", "refs", "--style", "apa", "--format", "md", "--from", "2003", "--to", "2003")
    assert r.stdout == (
        "- Amnesty International UK. (2003). *Peru: Government must free innocent prisoners* "
        "\\[Press release\\]. Amnesty International UK.\n"
    )
    r = run("cite", "refs", "--from", "2100")
    assert (r.exit_code, r.stdout, r.stderr) == (1, "", "perucases: no documents\n")
    r = run("cite", "refs", "--style", "no-such-style")
    assert r.exit_code == 2 and "unknown style" in r.stderr


def test_export(run):
    r = run("cite", "export", "bibtex")
    assert r.exit_code == 0
    assert sorted(
        line.split("{", 1)[1].rstrip(",") for line in r.stdout.splitlines() if line.startswith("@")
    ) == sorted(SEED_IDS)
    one = run("cite", "export", "RIS", "002")
    assert one.exit_code == 0 and one.stdout.startswith("TY  - ") and one.stdout.count("ER  - ") == 1
    assert "Peru Support Group" in one.stdout
    data = json.loads(run("cite", "export", "csl-json", "004").stdout)
    assert [item["id"] for item in data] == ["004_866eeb82b2cb32e1"]
    r = run("cite", "export", "bibtex", "--lang", "es")
    assert (r.exit_code, r.stdout, r.stderr) == (1, "", "perucases: no documents\n")
    r = run("cite", "export", "docx")
    assert r.exit_code == 2 and "'docx' is not one of" in r.stderr


def test_verify_and_sources(run, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text(run("cite", "Colina death squad", "-n", "1", "--format", "md").stdout, encoding="utf-8")
    r = run("cite", "verify", str(notes), "--format", "tsv")
    assert r.exit_code == 0
    assert r.stdout.splitlines()[1].split("\t")[:4] == ["4", "ok", "000_ca4e617775ace81b", "5"]
    assert r.stderr == "perucases: 1 of 1 quote(s) match their sources\n"
    rows = json.loads(run("cite", "sources", "004", "--format", "json").stdout)
    assert rows and all(row["id"] == "004_866eeb82b2cb32e1" for row in rows)
    assert all(row["locator"] == f"004 ¶{row['paragraph']} s{row['sentence']}" for row in rows)


def test_styles(run):
    r = run("cite", "styles")
    names = r.stdout.splitlines()
    assert r.exit_code == 0 and len(names) > 2000
    assert {"apa", "modern-language-association", "chicago-notes-bibliography"} <= set(names)


def _pairs(notes: str) -> list[tuple[list[str], list[str], str]]:
    """(the old spelling, the new one, the warning the old one gives)."""
    w = "perucases: warning: cite {} is deprecated; use cite {}\n"
    return [
        (["--all"], ["refs"], w.format("--all", "refs")),
        (
            ["--all", "--style", "mla", "--format", "json"],
            ["refs", "--style", "mla", "--format", "json"],
            w.format("--all", "refs"),
        ),
        (["--all", "--from", "2100"], ["refs", "--from", "2100"], w.format("--all", "refs")),
        (["--doc", "002"], ["refs", "002"], w.format("--doc 002 without a QUERY", "refs 002")),
        (
            ["--doc", "002", "--format", "md"],
            ["refs", "002", "--format", "md"],
            w.format("--doc 002 without a QUERY", "refs 002"),
        ),
        (["--all", "--style", "bibtex"], ["export", "bibtex"], w.format("--all --style bibtex", "export bibtex")),
        (
            ["--doc", "002", "--style", "RIS"],
            ["export", "ris", "002"],
            w.format("--doc 002 --style RIS", "export ris 002"),
        ),
        (
            ["--all", "--style", "csl-json", "--lang", "es"],
            ["export", "csl-json", "--lang", "es"],
            w.format("--all --style csl-json", "export csl-json"),
        ),
        (["--verify", notes], ["verify", notes], w.format("--verify", f"verify {notes}")),
        (
            ["--verify", notes, "--format", "json"],
            ["verify", notes, "--format", "json"],
            w.format("--verify", f"verify {notes}"),
        ),
        (["--sources", "004"], ["sources", "004"], w.format("--sources", "sources 004")),
        (
            ["--sources", "004", "--format", "csv"],
            ["sources", "004", "--format", "csv"],
            w.format("--sources", "sources 004"),
        ),
        (["--list-styles"], ["styles"], w.format("--list-styles", "styles")),
    ]


def test_old_spellings_warn_and_give_the_same_output(run, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text(
        run("cite", "Colina death squad", "-n", "2", "--format", "md").stdout
        + "\n> Not what the source says.\n<!-- perucases-quote id=000_ca4e617775ace81b para=5 sentence=1 "
        "start=2013 end=2164 cut=none sha256=81afd4594ebf -->\n",
        encoding="utf-8",
    )
    exits = set()
    for old, new, warning in _pairs(str(notes)):
        was, now = run("cite", *old), run("cite", *new)
        assert (was.exit_code, was.stdout) == (now.exit_code, now.stdout), old
        assert was.stderr == warning + now.stderr, old
        exits.add(was.exit_code)
    assert exits == {0, 1}  # with results, and without (no documents; a quote that does not match)


def test_old_spellings_keep_their_usage_errors(run):
    for args, text in [
        (["x", "--all"], "give one of QUERY, --all, --sources or --verify"),
        (["--all", "--sources", "004"], "give one of QUERY, --all, --sources or --verify"),
        (["--all", "--style", "bibtex", "--format", "json"], "--style bibtex writes its own format"),
        (["Fujimori", "--style", "bibtex"], "--style bibtex is an export: use cite export bibtex"),
    ]:
        r = run("cite", *args)
        assert r.exit_code == 2 and r.stdout == "", args
        assert r.stderr.startswith(f"perucases: error: {text}") and "deprecated" not in r.stderr, args
