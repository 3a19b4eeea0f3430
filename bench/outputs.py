"""Every command's output in every format, on the seeds: to check that a refactoring changes none.

    python bench/outputs.py snapshot before.json     # on the old code
    python bench/outputs.py snapshot after.json      # on the new code
    python bench/outputs.py compare before.json after.json

Each case is run in this process through click's CliRunner against one index of the seeds (built
in a temporary folder, given as PERUCASES_INDEX), with COLUMNS=120 for the tables. A case is the
command line as the old code spells it and, where a newer spelling exists, that spelling too: the
snapshot of the new code runs both and both must give the old output (stdout and exit code byte
for byte; stderr too, less the deprecation warning the old spelling now gives and the pointer of a
usage error to a command's help). To check old code, run its snapshot with PYTHONPATH set to a
checkout of it (git worktree add /tmp/old main). CHANGED lists the outputs changed on purpose.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "ids")
CITE_FORMATS = ("table", "json", "jsonl", "csv", "tsv", "md", "text")


def cases(notes: Path) -> list[tuple[list[str], list[str] | None]]:
    """(the old spelling, the new spelling or None)."""
    out: list[tuple[list[str], list[str] | None]] = []

    def add(args, new=None):
        out.append((list(args), list(new) if new is not None else None))

    for cmd in ("search", "docs", "entities", "entity", "show", "timeline", "cite", "index", "curate"):
        add([cmd, "--help"])
    for f in FORMATS:
        add(["search", "Montesinos", "--format", f])
        add(["search", "Fujimori AND extradition", "--format", f, "-n", "3"])
        add(["search", "Montesinos zzyzx", "--format", f])  # partial
        add(["docs", "--format", f])
        add(["entities", "--format", f])
        add(["entities", "--type", "person", "--format", f])
        add(["entities", "--pairs", "--format", f])
    add(["search", "zzyzxqq"])
    for f in ("text", "json", "jsonl", "csv", "tsv", "table"):
        add(["entity", "Montesinos", "--format", f])
        add(["entity", "Fujimori", "--top", "3", "--format", f])
        add(["show", "003", "--format", f])
        add(["show", "002", "004", "-p", "1-3", "--format", f])
    add(["show", "001"])
    add(["entity", "Alberto Fujimori"])
    for f in (*FORMATS, "md", "timelinejs"):
        add(["timeline", "--format", f])
        add(["timeline", "--from", "1990", "--to", "2000", "--entity", "Montesinos", "--format", f])
    add(["timeline", "--doc", "003", "--format", "chronology"])
    add(["timeline", "--from", "1800", "--to", "1801"])
    for f in CITE_FORMATS:
        add(["cite", "Colina death squad", "--format", f])
        add(["cite", "innocent prisoners", "--style", "apa", "-n", "2", "--format", f])
        add(["cite", "hostage crisis", "--doc", "003", "--context", "1", "--format", f])
        add(["cite", "--doc", "002", "--format", f], ["cite", "refs", "002", "--format", f])
        add(["cite", "--all", "--style", "mla", "--format", f], ["cite", "refs", "--style", "mla", "--format", f])
        # verify and sources take the listing formats; md meant the default there, text a table
        fmt = [] if f == "md" else ["--format", "table" if f == "text" else f]
        add(["cite", "--sources", "004", "--format", f], ["cite", "sources", "004", *fmt])
        add(["cite", "--verify", str(notes), "--format", f], ["cite", "verify", str(notes), *fmt])
    add(["cite", "Colina", "--full", "--entity", "Montesinos"])
    add(["cite", "--doc", "002"], ["cite", "refs", "002"])
    add(["cite", "--all"], ["cite", "refs"])
    add(["cite", "--all", "--from", "2000"], ["cite", "refs", "--from", "2000"])
    add(["cite", "--all", "--style", "apa", "--from", "2100"], ["cite", "refs", "--style", "apa", "--from", "2100"])
    for style in ("bibtex", "ris", "csl-json"):
        add(["cite", "--all", "--style", style], ["cite", "export", style])
        add(["cite", "--doc", "002", "--style", style], ["cite", "export", style, "002"])
    add(["cite", "--all", "--style", "bibtex", "--lang", "es"], ["cite", "export", "bibtex", "--lang", "es"])
    add(["cite", "--list-styles"], ["cite", "styles"])
    add(["cite", "--sources", "000"], ["cite", "sources", "000"])
    add(["cite", "zzyzxqq"])
    add(["cite"])
    # usage errors keep their exit code (2)
    add(["cite", "x", "--all"])
    add(["cite", "--all", "--sources", "004"])
    add(["cite", "x", "--style", "bibtex"])
    add(["cite", "--all", "--style", "bibtex", "--format", "json"])
    add(["cite", "--all", "--style", "nosuchstyle"], ["cite", "refs", "--style", "nosuchstyle"])
    return out


def run(args: list[str], index: Path) -> dict:
    from click.testing import CliRunner

    from perucases.cli import cli

    r = CliRunner().invoke(
        cli, args, catch_exceptions=False, env={"COLUMNS": "120", "NO_COLOR": "1", "PERUCASES_INDEX": str(index)}
    )
    return {"stdout": r.stdout, "stderr": r.stderr, "exit": r.exit_code}


def snapshot(target: Path) -> None:
    from perucases.index.location import bundled_seeds

    try:
        from perucases import Library  # the library package
    except ImportError:  # the code before it (bench/outputs.py compares both)
        from perucases.query import Library

    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        lib = Library(index, [bundled_seeds()])
        lib.open() if hasattr(lib, "open") else lib.ensure()
        notes = Path(tmp) / "notes.md"
        notes.write_text(
            run(["cite", "Colina death squad", "-n", "2", "--format", "md"], index)["stdout"]
            + "\n> Not what the source says.\n<!-- perucases-quote id=000_ca4e617775ace81b para=5 "
            "sentence=1 start=2013 end=2164 cut=none sha256=81afd4594ebf -->\n",
            encoding="utf-8",
        )
        result = []
        for old, new in cases(notes):
            key = " ".join(old).replace(tmp, "TMP")
            item: dict[str, Any] = {"args": key, "old": run(old, index)}
            if new is not None:
                item["new"] = run(new, index)
            for r in [item["old"], *([item["new"]] if new is not None else [])]:
                for stream in ("stdout", "stderr"):
                    r[stream] = r[stream].replace(tmp, "TMP").replace(str(bundled_seeds()), "SEEDS")
            result.append(item)
    target.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{target}: {len(result)} cases")


def _strip(stderr: str) -> str:
    """stderr less the deprecation warnings, and usage errors' pointers to a command's help."""
    return re.sub(
        r" \(see: [^)]*--help\)",
        "",
        "".join(
            line
            for line in stderr.splitlines(keepends=True)
            if not (line.startswith("perucases: warning: cite --") and "is deprecated" in line)
        ),
    )


# Outputs a change meant to change, with why.
CHANGED = {
    "cite --help": "cite is a group of commands (issue 16)",
    "cite": "the usage error names the cite commands, not the deprecated options",
    "cite x --style bibtex": "the usage error points to cite export",
}


def compare(before: Path, after: Path) -> int:
    b = {c["args"]: c for c in json.loads(before.read_text(encoding="utf-8"))}
    a = {c["args"]: c for c in json.loads(after.read_text(encoding="utf-8"))}
    bad = 0
    for key, then in b.items():
        now = a.get(key)
        if now is None:
            print(f"missing: {key}")
            bad += 1
            continue
        for which in ("old", "new"):
            r = now.get(which)
            if r is None:
                continue
            same = (
                r["stdout"] == then["old"]["stdout"]
                and r["exit"] == then["old"]["exit"]
                and _strip(r["stderr"]) == _strip(then["old"]["stderr"])
            )
            if not same and key in CHANGED:
                print(f"changed on purpose: {key}: {CHANGED[key]}")
                continue
            if not same:
                bad += 1
                print(f"differs ({which} spelling): {key}: exit {then['old']['exit']} -> {r['exit']}")
    print(f"{len(b)} cases, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    os.environ.setdefault("PERUCASES_INDEX", tempfile.mkdtemp())
    if sys.argv[1] == "snapshot":
        snapshot(Path(sys.argv[2]))
    else:
        sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
