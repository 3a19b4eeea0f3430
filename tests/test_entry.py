"""The program's entry point (perucases.entry): the top-level help without loading click, the
same text click prints, and click whenever the shipped text may not be what it would print."""

import os
import subprocess

from helpers import perucases, python
from perucases import entry

CLICK_HELP = "import sys; from perucases.cli import main; sys.argv[0] = 'perucases'; main()"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "_PERUCASES_COMPLETE")}
    return {**env, **extra}


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, env=_env(**env), timeout=60)


def test_the_installed_program_prints_the_shipped_help_which_is_what_click_prints():
    shipped = entry.shipped_help()
    assert shipped is not None, "the package's build ships the top-level help (perucases/data/help.txt)"
    assert shipped == entry.render()
    assert shipped.startswith("Usage: perucases [OPTIONS] COMMAND [ARGS]...\n")
    by_click = _run(python("-c", CLICK_HELP, "--help"))
    assert by_click.returncode == 0 and by_click.stdout == shipped
    for args in (["--help"], ["-h"], []):
        r = _run([perucases(), *args])
        assert (r.returncode, r.stdout, r.stderr) == (0, shipped, ""), args


def test_the_help_is_printed_without_loading_click():
    code = (
        "import sys; from perucases import entry; text = entry.fast_help(['--help']); "
        "print(text is not None, 'click' in sys.modules, sorted(m for m in sys.modules if m.startswith('perucases')))"
    )
    r = _run(python("-c", code))
    assert r.stdout.split(maxsplit=2) == ["True", "False", "['perucases', 'perucases.entry']\n"], r.stderr


def test_a_module_imported_from_the_package_does_not_load_the_library():
    """`from perucases import entry` (or compiled) asks the package's __getattr__ first; only the
    library's names, all capitalised, load perucases.library."""
    import perucases
    from perucases.library import EXPORTS

    assert EXPORTS and all(name[:1].isupper() for name in EXPORTS)
    assert perucases.Library.__name__ == "Library" and perucases.SearchHit.__module__ == EXPORTS["SearchHit"]
    code = (
        "import sys; from perucases import entry, errors; "
        "print(sorted(m for m in sys.modules if m.startswith('perucases')))"
    )
    r = _run(python("-c", code))
    assert r.stdout == "['perucases', 'perucases.entry', 'perucases.errors']\n", r.stderr


def test_a_narrow_terminal_gets_clicks_own_wrapping():
    narrow = _run([perucases(), "--help"], COLUMNS="60")
    by_click = _run(python("-c", CLICK_HELP, "--help"), COLUMNS="60")
    assert narrow.returncode == 0 and narrow.stdout == by_click.stdout
    assert narrow.stdout != entry.shipped_help()
    assert "  cite      Quote the corpus exactly, with locators, and cite it in a...\n" not in narrow.stdout
    wide = _run([perucases(), "--help"], COLUMNS="200")
    assert wide.stdout == entry.shipped_help()


def test_other_command_lines_and_completion_go_to_click(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    assert entry.fast_help(["--help"]) is not None
    for argv in (["search", "--help"], ["--version"], ["--help", "--debug"], ["docs"]):
        assert entry.fast_help(argv) is None, argv
    monkeypatch.setenv("_PERUCASES_COMPLETE", "bash_complete")
    assert entry.fast_help(["--help"]) is None


def test_a_shipped_text_of_other_code_is_not_used(tmp_path, monkeypatch):
    """The key is a checksum of perucases/cli.py and click's modules: a changed cli.py (an
    editable install after an edit), another click or a damaged file means click renders."""
    shipped = tmp_path / "help.txt"
    assert entry.write_shipped(shipped) == f"help {entry.key()}"
    assert entry.shipped_help(str(shipped)) == entry.render()
    here = tmp_path / "pkg"
    here.mkdir()
    cli_source = (os.path.dirname(entry.__file__) + "/cli.py").replace("/", os.sep)
    with open(cli_source, encoding="utf-8") as f:
        (here / "cli.py").write_text(f.read() + "\n# changed\n", encoding="utf-8")
    before = entry.key()
    monkeypatch.setattr(entry, "_here", lambda: str(here))
    assert entry.key() not in (None, before)
    assert entry.shipped_help(str(shipped)) is None
    monkeypatch.undo()
    click_files = entry._click_files()
    assert click_files and any(f.endswith(os.sep + "formatting.py") for f in click_files)
    other_click = tmp_path / "formatting.py"
    with open(click_files[-1], encoding="utf-8") as f:
        other_click.write_text(f.read() + "\n# another release\n", encoding="utf-8")
    monkeypatch.setattr(entry, "_click_files", lambda: [*click_files[:-1], str(other_click)])
    assert entry.key() not in (None, before) and entry.shipped_help(str(shipped)) is None
    monkeypatch.undo()
    monkeypatch.setattr(entry, "_click_files", lambda: [str(tmp_path / "no-such-core.py")])
    assert entry.key() is None and entry.shipped_help(str(shipped)) is None
    monkeypatch.undo()
    shipped.write_bytes(b"\xff\xfe not ascii\n")
    assert entry.shipped_help(str(shipped)) is None
    assert entry.shipped_help(str(tmp_path / "missing.txt")) is None


def test_the_help_into_a_closed_pipe_ends_quietly():
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before a byte is written: the write fails (EPIPE)
    try:
        r = subprocess.run(
            [perucases(), "--help"], stdout=write_end, stderr=subprocess.PIPE, text=True, env=_env(), timeout=60
        )
    finally:
        os.close(write_end)
    assert (r.returncode, r.stderr) == (0, "")


def test_no_help_is_shipped_when_its_key_is_unknown(tmp_path, monkeypatch):
    """The build writes no text it could not key (click not found as a folder): an older file goes."""
    shipped = tmp_path / "help.txt"
    shipped.write_text("0\nan older build's help\n", encoding="ascii")
    monkeypatch.setattr(entry, "_click_files", lambda: None)
    assert entry.write_shipped(shipped) == "no help text"
    assert not shipped.exists() and not list(tmp_path.iterdir())
