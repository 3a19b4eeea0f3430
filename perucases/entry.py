"""The `perucases` program's entry point: `perucases --help` (and `perucases` alone) without
loading click; every other command line goes to perucases.cli.

Loading click takes 60-90 ms on a slow machine, most of a `--help`. The package's build
(perucases/_hatch_build.py) has click render the top-level help once, as the program prints it
on a terminal of 80 columns or more or in a pipe, and ships that text (perucases/data/help.txt)
under a key: a checksum of the code that renders it (perucases/cli.py and click's modules, found
as the import would find them: about 0.3 MB, read in well under a millisecond). The program
prints the text only when that key is the installed code's, the command line is `--help`, `-h`
or nothing, and the terminal is at least 80 columns wide (click's own limit: narrower, it wraps
to fit); else, and when the file is missing, click renders it as before. A test holds the
shipped text equal to click's rendering.

Only os, sys and zlib (built in) are imported here: even `typing` costs a `--help` 20 ms.
"""

from __future__ import annotations

import os
import sys
import zlib

SHIPPED = "help.txt"  # in perucases/data/
HELP_ARGS: tuple[list[str], ...] = ([], ["--help"], ["-h"])  # what prints the top-level help
MIN_COLUMNS = 80  # click wraps help to min(columns, 80) - 2: from 80 columns on, the text is fixed


def _here() -> str:
    return os.path.dirname(os.path.abspath(__file__))


def _click_files() -> list[str] | None:
    """The modules of click (every .py file of its package, in name order), from the first folder
    of sys.path that has click, as the import finds it; None when click is not found there (a
    zip, a custom finder)."""
    for folder in sys.path:
        pkg = os.path.join(folder or ".", "click")
        if os.path.isfile(os.path.join(pkg, "__init__.py")):
            try:
                return [os.path.join(pkg, n) for n in sorted(os.listdir(pkg)) if n.endswith(".py")]
            except OSError:
                return None
    return None


def key() -> str | None:
    """The checksum of the code that renders the top-level help: perucases/cli.py and click's
    modules, as installed; None when one cannot be read."""
    files = _click_files()
    if files is None:
        return None
    crc = 0
    try:
        for path in [os.path.join(_here(), "cli.py"), *files]:
            with open(path, "rb") as f:
                crc = zlib.crc32(f.read(), crc)
    except OSError:
        return None
    return f"{crc:08x}"


def _columns() -> int:
    """The terminal's width as click measures it (shutil.get_terminal_size: $COLUMNS, then the
    terminal of stdout, then 80), without importing shutil, which costs the fast path a third of
    its time. tests/test_entry.py holds the outcome equal to click's at 60 and 200 columns."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        if columns <= 0:
            columns = 80
    return columns


def shipped_help(path: str | None = None) -> str | None:
    """The shipped top-level help, when its key is the installed code's; else None."""
    path = path or os.path.join(_here(), "data", SHIPPED)
    try:
        with open(path, encoding="ascii") as f:
            stored, _, text = f.read().partition("\n")
    except (OSError, UnicodeDecodeError):
        return None
    return text if text and stored == key() else None


def fast_help(argv: list[str]) -> str | None:
    """The text to print for ARGV without click, or None when click must answer."""
    if argv not in HELP_ARGS or "_PERUCASES_COMPLETE" in os.environ or sys.stdout is None:
        return None
    if _columns() < MIN_COLUMNS:
        return None
    return shipped_help()


def main() -> None:
    """The `perucases` program."""
    text = fast_help(sys.argv[1:])
    if text is None:
        from perucases.cli import main as cli_main  # (click, only when it must answer)

        cli_main()
        return
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `perucases --help | head -1`: end quietly, as the commands do
        # (cli._silence_stdout does the same; importing cli here is what this path avoids)
        import contextlib

        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(0)


def render() -> str:
    """The top-level help as the program prints it in a pipe or on a terminal of 80 columns or
    more (what the build ships): perucases.cli's own run of `--help`, its output caught, with
    $COLUMNS at 80 (click's CliRunner is not used: it renders to another width)."""
    import contextlib
    import io

    from perucases.cli import cli

    out, columns = io.StringIO(), os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(MIN_COLUMNS)
    try:
        with contextlib.redirect_stdout(out):
            code = cli.main(["--help"], prog_name="perucases", standalone_mode=False)
    finally:
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns
    if code != 0:
        raise RuntimeError(f"perucases --help exited {code}: {out.getvalue()!r}")
    return out.getvalue()


def write_shipped(path) -> str:
    """Write the top-level help and its key to PATH (the package's build); what was written. When
    the text is not ASCII or the key is unknown, nothing is, and an older file is removed."""
    text, k = render(), key()
    if k is None or not text.isascii():
        if os.path.exists(path):
            os.unlink(path)
        return "no help text"
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="ascii", newline="\n") as f:
        f.write(f"{k}\n{text}")
    os.replace(tmp, path)
    return f"help {k}"
