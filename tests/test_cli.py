"""The command line through click's CliRunner, and once as a real installed process."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import REPO, SEED_IDS

DOCS_FIELDS = [
    "id",
    "title",
    "publisher",
    "date",
    "date_source",
    "language",
    "url",
    "path",
    "words",
    "paragraphs",
    "authors",
    "duplicates",
]
SEARCH_FIELDS = [
    "rank",
    "id",
    "title",
    "publisher",
    "date",
    "score",
    "paragraph",
    "snippet",
    "entities",
    "page",
    "partial",
    "missing",
]


def test_search_json_fields_and_values(run):
    r = run("search", "Montesinos asylum", "--format", "json")
    assert r.exit_code == 0
    hits = json.loads(r.stdout)
    assert list(hits[0]) == SEARCH_FIELDS
    assert hits[0]["id"] == "000_ca4e617775ace81b" and hits[0]["rank"] == 1
    assert hits[0]["publisher"] == "Human Rights Watch" and hits[0]["date"] == "2000-09-26"
    assert "asylum" in hits[0]["snippet"] and "\ue000" not in hits[0]["snippet"]
    assert isinstance(hits[0]["paragraph"], int) and isinstance(hits[0]["score"], float)


def test_search_jsonl_ids_for_jq(run):
    r = run("search", "Fujimori AND extradition", "--format", "jsonl")
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [h["id"] for h in lines] == ["002_43576777d5a8cf2f", "004_866eeb82b2cb32e1"]
    assert [h["rank"] for h in lines] == [1, 2]


def test_default_format_in_a_pipe_is_tsv_with_header(run):
    r = run("docs")
    rows = r.stdout.splitlines()
    assert rows[0].split("\t") == DOCS_FIELDS
    assert [row.split("\t")[0] for row in rows[1:]] == SEED_IDS
    assert all(len(row.split("\t")) == len(DOCS_FIELDS) for row in rows)


def test_docs_json_documented_fields(run):
    docs = json.loads(run("docs", "--format", "json").stdout)
    assert [list(d) for d in docs] == [DOCS_FIELDS] * 5
    d3 = docs[3]
    assert (d3["date"], d3["date_source"], d3["publisher"]) == ("1997-04-23", "inferred", "Amnesty International")
    assert docs[4]["publisher"] is None  # unknown stays unknown


def test_docs_csv_and_filters(run):
    r = run("docs", "--format", "csv", "--from", "2000", "--to", "2003")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["id"][:3] for row in rows] == ["000", "001", "004"]  # 2000-09-26, 2003, 2002
    assert run("docs", "--lang", "es").exit_code == 1


def test_table_format_on_request(run):
    r = run("search", "Colina", "--format", "table")
    assert r.exit_code == 0
    assert "000_ca4e617775ace81b" in r.stdout and "Colina" in r.stdout
    assert "\x1b[" not in r.stdout  # no colour outside a terminal


def test_ids_format_feeds_show_from_stdin(run):
    ids = run("search", "torture", "--format", "ids").stdout
    assert ids.splitlines() == ["000_ca4e617775ace81b", "002_43576777d5a8cf2f"]
    r = run("show", "-", input=ids)
    assert r.exit_code == 0
    assert r.stdout.count("\nid:        ") + r.stdout.startswith("id:        ") == 2


def test_show_paragraph_range(run):
    r = run("show", "003", "--paragraphs", "2-4")
    out = r.stdout
    assert out.startswith("id:        003_ed39d894751b7a98\n")
    assert "date:      1997-04-23 (inferred)" in out
    assert [line.split("]")[0] for line in out.splitlines() if line.startswith("[")] == ["[2", "[3", "[4"]
    assert "[3] President Alberto Fujimori publicly admitted in February" in out


def test_show_tsv_rows_per_paragraph_with_offsets(run):
    r = run("show", "000", "-p", "3", "--format", "tsv")
    header, row = r.stdout.splitlines()
    assert header.split("\t") == ["id", "paragraph", "start", "end", "text", "page"]
    _, n, start, end, text, page = row.split("\t")
    assert page == ""  # a text file has no pages
    original = (REPO / "seeds" / "000_ca4e617775ace81b.txt").read_text(encoding="utf-8")
    assert n == "3" and original[int(start) : int(end)].startswith("To claim victim status")
    assert text.startswith("To claim victim status")


def test_show_raw_prints_the_original_bytes(run):
    r = run("show", "002", "--raw")
    assert r.stdout_bytes == (REPO / "seeds" / "002_43576777d5a8cf2f.txt").read_bytes()


def test_exit_codes_and_one_line_errors(run):
    assert run("search", "Colina").exit_code == 0
    none = run("search", "Pakistan")
    assert none.exit_code == 1 and none.stdout == ""
    assert "no documents match" in none.stderr
    dym = run("search", "Montesinoss")
    assert dym.exit_code == 1 and "did you mean: Montesinos" in dym.stderr
    for args in (
        ["search", "tribunal:x"],
        ["search", '"open phrase'],
        ["show", "00"],
        ["show", "999"],
        ["show", "003", "-p", "40"],
        ["show", "003", "-p", "x"],
        ["search", "x", "--from", "soon"],
        ["search", "x", "--limit", "0"],
        ["search", "--nope", "x"],
        ["frobnicate"],
    ):
        r = run(*args)
        assert r.exit_code == 2, args
        assert r.stdout == "", args
        assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("perucases: error: "), args
        assert "Traceback" not in r.stderr


def test_index_command_reports_and_is_incremental(tmp_path, corpus):
    from click.testing import CliRunner

    from perucases.cli import cli

    ix = tmp_path / "ix"
    runner = CliRunner()
    r = runner.invoke(cli, ["index", str(corpus), "--index", str(ix)])
    assert r.exit_code == 0 and "5 document(s)" in r.stderr and "5 added" in r.stderr and r.stdout == ""
    (corpus / "x.txt").write_bytes(b"\x00\x01binary")
    r2 = runner.invoke(cli, ["index", "--index", str(ix)])
    assert r2.exit_code == 0 and "0 added" in r2.stderr and "1 skipped" in r2.stderr
    assert "x.txt: skipped: binary file" in r2.stderr
    r3 = runner.invoke(cli, ["index", str(tmp_path / "missing"), "--index", str(ix)])
    assert r3.exit_code == 2 and "no such file or folder" in r3.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert runner.invoke(cli, ["index", str(empty), "--index", str(tmp_path / "ix2")]).exit_code == 1


def test_help_lists_the_commands(run):
    from click.testing import CliRunner

    from perucases.cli import cli

    r = CliRunner().invoke(cli, ["--help"])
    assert r.exit_code == 0
    for cmd in ("index", "search", "docs", "show"):
        assert f"  {cmd}" in r.stdout


def _installed_command() -> str:
    exe = Path(sys.executable).parent / "perucases"
    found = str(exe) if exe.exists() else shutil.which("perucases")
    assert found, "the perucases command is not installed (pip install .)"
    return found


def test_installed_command_end_to_end(tmp_path):
    """A real process of the installed command, run outside the checkout: it must find the
    bundled corpus, build its index in the per-user folder, and behave in a pipe."""
    exe = _installed_command()
    env = {k: v for k, v in os.environ.items() if k not in ("PERUCASES_INDEX", "NO_COLOR")}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["HOME"] = str(tmp_path)
    r = subprocess.run(
        [exe, "search", "Montesinos asylum", "--format", "jsonl"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.splitlines()[0])["id"] == "000_ca4e617775ace81b"
    assert "building the index" in r.stderr
    assert (tmp_path / "data" / "perucases" / "index" / "manifest.json").is_file()
    docs = subprocess.run(
        [exe, "docs", "--format", "ids"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert docs.stdout.split() == SEED_IDS and docs.stderr == ""  # fresh index: nothing to say
    # `| head` ends quietly (about 300 KB of output: more than a pipe buffer holds)
    with subprocess.Popen(
        [exe, "show", *SEED_IDS * 20], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as p1:
        first = p1.stdout.readline()
        p1.stdout.close()
        err = p1.stderr.read().decode()
        assert p1.wait(timeout=60) == 0 and first.startswith(b"id:") and err == ""
    bad = subprocess.run(
        [exe, "search", "(unclosed"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
