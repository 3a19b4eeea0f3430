"""Output: one mechanism for every listing command (sqlite-utils style).

    @output_options            # adds --format table|json|jsonl|csv|tsv|ids
    def docs(fmt): ...
        emit(rows(items, COLUMNS), COLUMNS, fmt)

A command with formats of its own (md, text, timelinejs) names them: @output_options(formats=...).
The column lists, the JSON contract, are in perucases.render.columns; rows() turns any items
(dataclasses, dicts) into rows of those columns.

The default is `table` on a terminal and `tsv` (with a header) in a pipe; `--format` always wins.
TSV escapes backslash, tab and newlines, and writes other control characters as \\xNN (CSV
too): no TSV or CSV output carries a terminal control sequence; lists are joined with "; " in
csv and tsv; CSV cells that a spreadsheet would run as a formula get a leading apostrophe;
terminal output never carries control characters from documents.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import click

from perucases.errors import is_utf8
from perucases.highlight import HL_END, HL_START

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "ids")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Column:
    name: str  # the JSON field name
    header: str | None = None  # table header (default: name)
    justify: Literal["default", "left", "center", "right", "full"] = "left"
    max_width: int | None = None
    min_width: int | None = None
    ratio: int | None = None  # share of the spare width in a table
    table: bool = True  # shown in the table view
    optional: bool = False  # left out of a table that does not fit the terminal
    no_wrap: bool = False


FORMAT_HELP = "Output format (default: table on a terminal, tsv in a pipe)."


def output_options(
    f: Callable | None = None, *, formats: Sequence[str] = FORMATS, default: str | None = None, help: str = FORMAT_HELP
) -> Callable:
    """The --format option of a listing command: @output_options, or @output_options(formats=...,
    default=..., help=...) for a command with formats of its own."""

    def add(f: Callable) -> Callable:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(tuple(formats)),
            default=default,
            show_default=default is not None,
            help=help,
        )(f)

    return add(f) if f is not None else add


def rows(items: Iterable[Any], columns: Sequence[Column], **values: Callable[[Any], Any]) -> list[dict]:
    """Items as rows: a dict a row with a key for each column, in the columns' order. A column's
    value is VALUES[name](item) where given, else the item's own (a dict's key, an object's
    attribute; None when it has none); a `rank` column the items do not have counts them from 1."""
    out = []
    for n, item in enumerate(items, 1):
        row = {}
        for c in columns:
            if c.name in values:
                row[c.name] = values[c.name](item)
            elif isinstance(item, dict):
                row[c.name] = item.get(c.name, n if c.name == "rank" else None)
            else:
                row[c.name] = getattr(item, c.name, n if c.name == "rank" else None)
        out.append(row)
    return out


def is_tty(stream=None) -> bool:
    stream = stream or sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def resolve_format(fmt: str | None) -> str:
    return fmt or ("table" if is_tty() else "tsv")


def use_color(stream=None) -> bool:
    return is_tty(stream) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def plain(value: Any) -> Any:
    """Strip highlight markers from a value."""
    if isinstance(value, str):
        return value.replace(HL_START, "").replace(HL_END, "")
    return value


def safe_text(s: str) -> str:
    """Document text for a terminal: no control or bidi-override characters."""
    return _CONTROL.sub("", s)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(plain(value))


def _json(value, indent: int | None = None) -> str:
    """JSON text, UTF-8 as it is; with \\u escapes when a value holds a lone surrogate (a file
    name that is not UTF-8), which no UTF-8 output can carry."""
    import json  # (here: the commands that print no JSON, and --help, do not load it)

    text = None
    if indent == 2:
        with contextlib.suppress(_Unusual):
            text = _indented(value, "\n")
    if text is None:
        text = json.dumps(value, ensure_ascii=False, indent=indent)
    if not is_utf8(text):
        text = json.dumps(value, ensure_ascii=True, indent=indent)
    return text


class _Unusual(Exception):
    """A value `_indented` leaves to json.dumps."""


def _encode_first(s: str) -> str:
    """json's own string encoder (C), as json.dumps uses it: found on first use (see _json), then
    called directly."""
    global _encode_str
    from json.encoder import encode_basestring

    _encode_str = encode_basestring
    return encode_basestring(s)


_encode_str: Callable[[str], str] = _encode_first


def _indented(v: Any, pad: str) -> str:
    """`json.dumps(v, ensure_ascii=False, indent=2)`, character for character (a test holds it),
    for the strings, whole numbers, booleans, nulls, lists and string-keyed dicts that rows are
    made of. json's indenting encoder is pure Python: it took 0.2 s of the 1 s that `entities
    --format json` took on 20,000 entities; this takes about half that."""
    t = type(v)
    if t is str:
        return _encode_str(v)
    if v is None:
        return "null"
    if t is bool:
        return "true" if v else "false"
    if t is int:
        return int.__repr__(v)
    inner = pad + "  "
    if t is list or t is tuple:
        if not v:
            return "[]"
        items = [_encode_str(x) if type(x) is str else _indented(x, inner) for x in v]
        return "[" + inner + ("," + inner).join(items) + pad + "]"
    if t is dict:
        if not v:
            return "{}"
        parts = []
        for k, x in v.items():
            if type(k) is not str:
                raise _Unusual
            parts.append(_encode_str(k) + ": " + (_encode_str(x) if type(x) is str else _indented(x, inner)))
        return "{" + inner + ("," + inner).join(parts) + pad + "}"
    raise _Unusual  # floats (NaN, Infinity), subclasses, anything else: json.dumps decides


# Control characters a TSV or CSV cell never carries as they are (a terminal would obey them):
# every C0 and C1 control but tab, line feed and carriage return, DEL and the bidirectional ones.
_CELL_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape_control(m: re.Match) -> str:
    o = ord(m.group())
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def tsv_escape(s: str) -> str:
    s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return _CELL_CONTROL.sub(_escape_control, s)


def csv_safe(s: str) -> str:
    s = _CELL_CONTROL.sub(_escape_control, s)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def emit(rows: list[dict], columns: list[Column], fmt: str, out=None, id_field: str = "id") -> None:
    out = out or sys.stdout
    names = [c.name for c in columns]
    if fmt == "json":
        data = [{n: plain(r.get(n)) for n in names} for r in rows]
        out.write(_json(data, indent=2) + "\n")
    elif fmt == "jsonl":
        for r in rows:
            out.write(_json({n: plain(r.get(n)) for n in names}) + "\n")
    elif fmt == "tsv":
        out.write("\t".join(names) + "\n")
        for r in rows:
            out.write("\t".join(tsv_escape(_cell(r.get(n))) for n in names) + "\n")
    elif fmt == "csv":
        import csv  # (here, as json: only the csv output loads it)
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(names)
        for r in rows:
            w.writerow(
                [
                    csv_safe(_cell(r.get(n)))
                    if isinstance(r.get(n), str)
                    else _CELL_CONTROL.sub(_escape_control, _cell(r.get(n)))
                    for n in names
                ]
            )
        out.write(buf.getvalue())
    elif fmt == "ids":
        seen = set()
        for r in rows:
            i = r.get(id_field)
            if i is not None and i not in seen:
                seen.add(i)
                out.write(f"{i}\n")
    else:
        _table(rows, [c for c in columns if c.table], out)
    out.flush()


def console(out=None, stderr: bool = False):
    from rich.console import Console

    stream = out or (sys.stderr if stderr else sys.stdout)
    color = use_color(stream)
    width = None if is_tty(stream) else int(os.environ.get("COLUMNS", "120") or 120)
    return Console(
        file=stream,
        highlight=False,
        no_color=not color,
        force_terminal=color or None,
        color_system="auto" if color else None,
        width=width,
        emoji=False,
        markup=False,
    )


def rich_text(value: Any):
    """A cell as rich Text, with highlighted words in bold."""
    from rich.text import Text

    if value is None:
        return Text("unknown", style="dim")
    if isinstance(value, (list, tuple)):  # one item a line in a table cell
        return Text(safe_text("\n".join(_cell(v) for v in value)))
    s = safe_text(_cell(value)) if not isinstance(value, str) else safe_text(value)
    t = Text()
    pos = 0
    for m in re.finditer(re.escape(HL_START) + "(.*?)" + re.escape(HL_END), s, re.S):
        t.append(s[pos : m.start()])
        t.append(m.group(1), style="bold yellow")
        pos = m.end()
    t.append(s[pos:])
    return t


def _width(value: Any) -> int:
    if value is None:
        return 7  # "unknown"
    if isinstance(value, (list, tuple)):
        return max((len(_cell(v)) for v in value), default=0)
    return len(_cell(value))


def _widths(rows: list[dict], columns: list[Column], total: int) -> list[int | None]:
    """Fixed columns get their content's width (up to max_width); columns with a ratio share the rest."""
    natural = []
    for c in columns:
        longest = max([len(c.header or c.name)] + [_width(r.get(c.name)) for r in rows])
        natural.append(min(longest, c.max_width) if c.max_width else longest)
    spare = total - sum(n for n, c in zip(natural, columns, strict=True) if not c.ratio) - 3 * len(columns) - 2
    ratios = sum(c.ratio or 0 for c in columns)
    out: list[int | None] = []
    for n, c in zip(natural, columns, strict=True):
        if not c.ratio:
            out.append(n)
        else:
            share = max(c.min_width or 12, spare * c.ratio // max(1, ratios))
            out.append(min(n, share))
    return out


def _needed(rows: list[dict], columns: list[Column]) -> int:
    widths = _widths(rows, columns, 10**6)
    fixed = sum((c.min_width or 12) if c.ratio else (w or 0) for c, w in zip(columns, widths, strict=True))
    return fixed + 3 * len(columns) + 2


def _table(rows: list[dict], columns: list[Column], out) -> None:
    from rich import box
    from rich.table import Table

    con = console(out)
    columns = list(columns)
    while any(c.optional for c in columns) and _needed(rows, columns) > con.width:
        columns.remove([c for c in columns if c.optional][-1])
    table = Table(box=box.SIMPLE_HEAD, show_lines=False, pad_edge=False, expand=False)
    for c, w in zip(columns, _widths(rows, columns, con.width), strict=True):
        table.add_column(c.header or c.name, justify=c.justify, width=w, no_wrap=c.no_wrap, overflow="fold")
    for r in rows:
        table.add_row(*(rich_text(r.get(c.name)) for c in columns))
    con.print(table)


def message(text: str, *, warning: bool = False) -> None:
    """A one-line message on stderr."""
    prefix = "perucases: warning: " if warning else "perucases: "
    click.echo(prefix + safe_text(text), err=True)
