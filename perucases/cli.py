"""The command line: a thin layer over perucases.library (and perucases.render).

Exit codes (like grep): 0 results, 1 none, 2 a usage or input error (one line on stderr, no
traceback; --debug shows the details of an unexpected error), 130 interrupted.
Data goes to stdout, messages to stderr. Heavy modules (Whoosh, rich) load inside commands only.
"""

from __future__ import annotations

import contextlib
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from perucases import __version__
from perucases.errors import IndexDamaged, LibraryError, PerucasesError, shorten
from perucases.render import columns as cols
from perucases.render.output import FORMATS as FORMATS_ALL
from perucases.render.output import emit, message, output_options, resolve_format, rows


class _ClosedPipe(Exception):
    """stdout was closed by the reader (`| head`); carried past click, which would exit 1."""


class PerucasesGroup(click.Group):
    """Turns every error into one line on stderr and an exit code; `| head` ends quietly."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise _ClosedPipe() from None
        except Exception as exc:  # noqa: BLE001 - click would turn an EOFError into "interrupted" (Abort)
            if not _unreadable(exc):
                raise
            what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            raise IndexDamaged(
                f"a file of the index could not be read ({shorten(what, 120)}): the index may be "
                f"damaged; perucases index --check tells, perucases index --rebuild repairs it"
            ) from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv or bool(os.environ.get("PERUCASES_DEBUG"))
        previous = _catch_ctrl_c()
        _tolerant_streams()
        try:
            rv = super().main(argv, prog_name or "perucases", complete_var, standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) else 0
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help())
            code = 0
        except click.UsageError as exc:
            where = f" (see: {exc.ctx.command_path} --help)" if exc.ctx is not None else ""
            message(f"error: {exc.format_message()}{where}")
            code = 2
        except click.ClickException as exc:
            message(f"error: {exc.format_message()}")
            code = exc.exit_code
        except PerucasesError as exc:
            message(f"error: {shorten(_worded(exc), 1000)}")  # one line, whatever it echoes
            code = exc.exit_code
        except (KeyboardInterrupt, click.exceptions.Abort):
            _ctrl_c["pressed"] = True  # from here on, another Ctrl-C ends the process at once
            message("interrupted")
            _ctrl_c["reported"] = True
            code = 130
        except (BrokenPipeError, _ClosedPipe):
            _silence_stdout()
            code = 0
        except OSError as exc:
            if debug:
                raise
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            message(f"error: {where}{exc.strerror or exc}")
            code = 2
        except Exception as exc:  # noqa: BLE001 - the one place that turns surprises into a line
            if debug:
                raise
            message(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
            code = 2
        finally:
            if not standalone_mode:  # a command-line run keeps it to the end (the exit clean-up)
                _restore_ctrl_c(previous)
        if standalone_mode:
            if _ctrl_c["program"]:
                # The command has ended, its output written and its exit code set: a Ctrl-C from
                # here on is ignored, else it would kill a finished command by SIGINT (also during
                # the interpreter's shut-down, which puts back the default action; found by
                # bench/stress.py). Only in the perucases program: a CliRunner's process keeps its own.
                import signal

                signal.signal(signal.SIGINT, signal.SIG_IGN)
            if code == 130:  # interrupted: end now, with no interpreter clean-up for another Ctrl-C to hit
                for stream in (sys.stdout, sys.stderr):
                    with contextlib.suppress(OSError, ValueError):
                        stream.flush()
                os._exit(130)
            sys.exit(code)
        return code


# The library's parameters as the command line spells them, for its error messages.
FLAGS = {
    "limit": "--limit",
    "context": "--context",
    "date_from": "--from",
    "date_to": "--to",
    "lang": "--lang",
    "publisher": "--publisher",
    "grep": "--grep",
    "precision": "--precision",
    "etype": "--type",
    "timeout": "--timeout",
    "max_file_size": "--max-file-size",
}


def _worded(exc: PerucasesError) -> str:
    """An error's message, a library parameter named by its flag ("--limit must be at least 1")."""
    return exc.worded(FLAGS) if isinstance(exc, LibraryError) else str(exc)


def _tolerant_streams() -> None:
    """A file name that is not UTF-8 (Python keeps its bytes as lone surrogates) must not make
    output fail: stdout writes those bytes as they are (as ls does: a path printed can be used),
    stderr, for people, as \\udcXX."""
    for stream, errors in ((sys.stdout, "surrogateescape"), (sys.stderr, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)  # (a stream replaced by a test may not have it)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors=errors)


def _unreadable(exc: BaseException) -> bool:
    """Is EXC what reading a truncated or damaged file raises (struct, zlib and pickle errors)?"""
    if isinstance(exc, EOFError):
        return True
    mod = sys.modules
    kinds = [m.error for m in (mod.get("struct"), mod.get("zlib")) if m is not None]
    if mod.get("pickle") is not None:
        kinds.append(mod["pickle"].UnpicklingError)
    return isinstance(exc, tuple(kinds))


# "program": run as the perucases program (main() below), not by a test's CliRunner in its process
_ctrl_c: dict = {"pressed": False, "reported": False, "program": False}


def _on_ctrl_c(signum, frame) -> None:
    """The first Ctrl-C raises KeyboardInterrupt: what was being written is undone, the extraction
    processes are stopped, and the command ends with "interrupted" (130). A second one while
    that clean-up runs ends the process at once, as quietly (the index is safe either way: it is
    crash-safe, and the clean-up only removes files nothing uses)."""
    if _ctrl_c["pressed"]:
        try:
            if not _ctrl_c["reported"]:
                os.write(2, b"perucases: interrupted\n")
        finally:
            os._exit(130)
    _ctrl_c["pressed"] = True
    raise KeyboardInterrupt


def _catch_ctrl_c():
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        previous = signal.getsignal(signal.SIGINT)
        if previous is not signal.default_int_handler:  # ignored, or someone else's: leave it
            return None
        _ctrl_c.update(pressed=False, reported=False)
        signal.signal(signal.SIGINT, _on_ctrl_c)
    except (ValueError, OSError):
        return None
    return previous


def _restore_ctrl_c(previous) -> None:
    import signal

    if previous is not None:
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGINT, previous)


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def timeout_option(f):
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0),
        default=30.0,
        show_default=True,
        metavar="SECONDS",
        help="Stop a query that runs longer than this (0: no limit); the index refresh before it is not counted.",
    )(f)


class time_limit:
    """perucases.library.limits.time_limit, imported when used (it is not needed for --help)."""

    def __init__(self, seconds):
        from perucases.library.limits import time_limit as limit  # (only now: start-up)

        self._limit = limit(seconds)

    def __enter__(self):
        return self._limit.__enter__()

    def __exit__(self, *exc):
        return self._limit.__exit__(*exc)


def index_option(f):
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        envvar="PERUCASES_INDEX",
        show_envvar=True,
        help="Index folder (default: index/ of the checkout you are in, else your data folder).",
    )(f)


def filter_options(f):
    f = click.option("--lang", default=None, metavar="en|es", help="Only documents in this language.")(f)
    f = click.option("--publisher", default=None, help="Only documents whose publisher has these words.")(f)
    f = click.option(
        "--to",
        "date_to",
        default=None,
        metavar="DATE",
        help="Published on or before (1997, 1997-04, 1997-04-22, 'April 1997').",
    )(f)
    f = click.option(
        "--from",
        "date_from",
        default=None,
        metavar="DATE",
        help="Published on or after (1997, 1997-04, 1997-04-22, 'April 1997').",
    )(f)
    return f


@contextmanager
def progress_bar():
    """A rich progress bar on stderr, only when stderr is a terminal."""
    from perucases.render.output import is_tty

    if not is_tty(sys.stderr):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from perucases.render.output import console

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console(stderr=True),
        transient=True,
    ) as p:
        yield p


def _warn(text: str) -> None:
    message(text)


@contextmanager
def library(index_dir: Path | None, corpus: list[Path] | None = None):
    from perucases.library import Library  # (only now: it loads Whoosh, which --help must not)

    with progress_bar() as progress:
        lib = Library(index_dir, corpus, warn=_warn, progress=progress)
        lib.open()
    with lib:
        yield lib


@click.group(cls=PerucasesGroup, no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="perucases")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
def cli(debug: bool) -> None:
    """Search, read and cite a folder of human-rights case documents.

    With no corpus given, perucases indexes the bundled seeds: five documents on Peru under
    Fujimori and Montesinos (1990-2000). Point it at your own folder with `perucases index DIR`.

    \b
    Examples:
      perucases search "Montesinos asylum"
      perucases search 'Fujimori AND extradition' --format jsonl
      perucases docs
      perucases show 003 --paragraphs 2-4
      perucases search torture --format ids | perucases show -
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that read, extract and write the index, each its own part of it "
    "(default: one a core; 1 does everything in this process).",
)
@click.option(
    "-0", "--null", "null", is_flag=True, help="With -: paths on stdin are separated by NUL bytes (find -print0)."
)
@click.option("--rebuild", is_flag=True, help="Rebuild from scratch instead of updating.")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds to wait for another perucases process that is updating the index.",
)
@click.option(
    "--gazetteer",
    "-g",
    "gazetteers",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A gazetteer file of your own (repeatable); the index remembers it.",
)
@click.option(
    "--max-file-size",
    "max_file_size",
    default=None,
    metavar="SIZE",
    help="Skip files larger than this (100M, 500K, 2G; default 100M); the index remembers it.",
)
@click.option(
    "--follow-links",
    "follow_links",
    is_flag=True,
    default=None,
    help="Follow symbolic links that lead out of the corpus folder (not followed by default).",
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Check the index against its manifest and corpus, write nothing; exit 1 on damage.",
)
@index_option
def index(
    paths: tuple[Path, ...],
    jobs: int | None,
    null: bool,
    rebuild: bool,
    wait: float,
    gazetteers,
    max_file_size: str | None,
    follow_links: bool | None,
    check_only: bool,
    index_dir: Path | None,
) -> int:
    """Build or update the index of PATHS (folders or files: .txt .md .html .htm .pdf .docx).

    Without PATHS, updates the corpus the index was built from (the bundled seeds at first).
    Only files whose size or modification time changed are read again, and only those whose
    content changed are re-indexed; deleted files are removed. Folders are read recursively,
    without hidden files and what .perucasesignore files (gitignore syntax) match.

    \b
    A PATH of - reads paths from stdin, one a line (NUL-separated with -0), and adds them to
    the index's corpus:  find ~/cases -name '*.pdf' -newer last-run | perucases index -
    """
    from perucases.library import maintenance  # (only now: start-up; it loads no Whoosh itself)

    target = maintenance.index_dir(index_dir)
    if check_only:
        return _check(target, bool(paths or rebuild))
    limit = None
    if max_file_size is not None:
        try:
            limit = maintenance.parse_size(max_file_size)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--max-file-size") from None
    if any(str(p) == "-" for p in paths):
        listed = _read_paths(null)
        known = maintenance.corpus(target)
        paths = tuple(known + [p for p in paths if str(p) != "-"] + listed)
        if not paths:
            raise PerucasesError("no paths on stdin")
    elif null:
        raise click.UsageError("-0 goes with - (paths on stdin)")
    roots = list(paths) or None
    with progress_bar() as progress:
        report = maintenance.update(
            target,
            roots,
            rebuild=rebuild,
            wait=wait,
            warn=lambda m: message(m, warning="skipped" in m),
            progress=progress,
            gazetteers=list(gazetteers) or None,
            procs=jobs,
            max_file_size=limit,
            follow_links=follow_links,
        )
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    skipped += f", {report.duplicates} duplicate file(s) recorded" if report.duplicates else ""
    message(
        f"{report.documents} document(s) in {target}: {report.added} added, {report.changed} changed, "
        f"{report.removed} removed, {report.unchanged} unchanged{skipped} ({report.seconds:.2f} s)"
    )
    return 0 if report.documents else 1


@cli.command()
@click.argument("query", nargs=-1, required=True)
@filter_options
@click.option(
    "--entity",
    "-e",
    default=None,
    metavar="NAME",
    help="Only documents that name this entity (any of its names; see perucases entities).",
)
@click.option(
    "--limit", "-n", type=click.IntRange(min=1), default=10, show_default=True, help="Most documents to show."
)
@click.option("--explain", is_flag=True, help="Show on stderr how the query was parsed and analysed.")
@timeout_option
@output_options
@index_option
def search(query, date_from, date_to, publisher, lang, entity, limit, explain, timeout, fmt, index_dir) -> int:
    """Search the documents; each hit names its best paragraph.

    QUERY uses Whoosh's language: words (all must match), AND, OR, NOT, "a phrase", wildcards
    (tortur*), fuzzy words (Vivanko~), and fields: title:, body:, publisher:, lang:, id:.
    Accents never matter: Jose finds José.
    """
    from perucases.library import Filters  # (only now: start-up)

    text = " ".join(query)
    filters = Filters.parse(date_from, date_to, publisher, lang)
    with library(index_dir) as lib, time_limit(timeout):
        result = lib.search(text, filters, limit=limit, explain=explain, entity=entity)
    for line in result.explain:
        click.echo(line, err=True)
    hint = f"; did you mean: {' | '.join(result.suggestions)}" if result.suggestions else ""
    if not result.hits:
        message(f"no documents match {shorten(text, 200)!r}{hint}")
        return 1
    if result.partial:
        message(
            f"no document has every word of {shorten(text, 200)!r}; showing the {len(result.hits)} with most of them "
            f"(marked partial, with the words each lacks){hint}"
        )
    columns = cols.PARTIAL_SEARCH_COLUMNS if result.partial else cols.SEARCH_COLUMNS
    emit(rows(result.hits, columns), columns, resolve_format(fmt))
    return 0


@cli.command()
@filter_options
@output_options
@index_option
def docs(date_from, date_to, publisher, lang, fmt, index_dir) -> int:
    """List the documents with their metadata."""
    from perucases.library import Filters  # (only now: start-up)

    filters = Filters.parse(date_from, date_to, publisher, lang)
    with library(index_dir) as lib:
        infos = lib.docs(filters)
    if not infos:
        message("no documents")
        return 1
    emit(rows(infos, cols.DOC_COLUMNS), cols.DOC_COLUMNS, resolve_format(fmt))
    return 0


@cli.command()
@click.option(
    "--type", "-t", "etype", default=None, metavar="TYPE", help="Only this type: person, org, loc, event or law."
)
@click.option("--doc", "-d", default=None, metavar="ID", help="Only entities named in this document.")
@click.option(
    "--min-mentions",
    "-m",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Only entities mentioned at least this often.",
)
@click.option("--sort", type=click.Choice(("mentions", "documents", "name")), default="mentions", show_default=True)
@click.option("--pairs", is_flag=True, help="List entity pairs by the paragraphs they share instead.")
@click.option(
    "--graph",
    "graph",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    metavar="FILE",
    help="Write the co-occurrence network to FILE: GraphML, or GEXF if FILE ends in .gexf.",
)
@output_options
@index_option
def entities(etype, doc, min_mentions, sort, pairs, graph, fmt, index_dir) -> int:
    """The people, bodies, places, cases and laws the documents name, each under one name.

    Each row: name, type, mentions, the documents naming it, and the forms seen in the texts.
    """
    with library(index_dir) as lib:
        if graph:
            nodes, edges = lib.write_graph(graph, etype, min_mentions)
            message(f"wrote {graph}: {nodes} entities, {edges} links")
            return 0 if nodes else 1
        if pairs:
            found = rows(lib.pairs(etype, min_mentions), cols.PAIR_COLUMNS)
            columns = cols.PAIR_COLUMNS
        else:
            found = rows(lib.entities(etype, doc, min_mentions, sort), cols.ENTITY_COLUMNS)
            columns = cols.ENTITY_COLUMNS
    if not found:
        message("no entities")
        return 1
    emit(found, columns, resolve_format(fmt), id_field="name" if not pairs else "a")
    return 0


@cli.command()
@click.argument("name", nargs=-1, required=True)
@click.option(
    "--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many co-occurring entities to show."
)
@output_options(
    formats=("text", "json", "jsonl", "csv", "tsv", "table"),
    default="text",
    help="text: a report; json: everything; others: a row per mention.",
)
@index_option
def entity(name, top, fmt, index_dir) -> int:
    """One entity: its names, documents, every mention in context, and who it appears with.

    NAME is any of its names or aliases, case and accents ignored, or a unique prefix.
    """
    import json

    from perucases.render import text

    with library(index_dir) as lib:
        d = lib.entity(" ".join(name), top=top)
    if fmt == "json":
        click.echo(json.dumps(cols.entity_detail(d), ensure_ascii=False, indent=2))
    elif fmt == "text":
        text.entity(d)
    else:
        emit(rows(d.mentions, cols.MENTION_COLUMNS), cols.MENTION_COLUMNS, fmt)
    return 0


@cli.group()
def curate() -> None:
    """Correct the entities: your changes go to a gazetteer file beside the corpus.

    The file (gazetteer.toml in the corpus folder, or --gazetteer FILE) is plain TOML: keep it
    under version control and share it. Changes take effect at once.
    """


def _curate(index_dir, gazetteer, change) -> int:
    with library(index_dir) as lib:
        path, summary = change(lib, gazetteer)
    message(f"{summary} (in {path})")
    return 0


def gazetteer_option(f):
    return click.option(
        "--gazetteer",
        "-g",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="The gazetteer file to write (default: gazetteer.toml in the corpus folder).",
    )(f)


@curate.command("merge")
@click.argument("name")
@click.argument("others", nargs=-1, required=True)
@gazetteer_option
@index_option
def curate_merge(name, others, gazetteer, index_dir) -> int:
    """Make OTHERS names of the entity NAME."""
    return _curate(index_dir, gazetteer, lambda lib, g: lib.merge_entities(name, list(others), g))


@curate.command("rename")
@click.argument("name")
@click.argument("new")
@gazetteer_option
@index_option
def curate_rename(name, new, gazetteer, index_dir) -> int:
    """Call the entity NAME by NEW from now on (NAME stays an alias)."""
    return _curate(index_dir, gazetteer, lambda lib, g: lib.rename_entity(name, new, g))


@curate.command("retype")
@click.argument("name")
@click.argument("etype", metavar="TYPE")
@gazetteer_option
@index_option
def curate_retype(name, etype, gazetteer, index_dir) -> int:
    """Give the entity NAME another TYPE: person, org, loc, event or law."""
    return _curate(index_dir, gazetteer, lambda lib, g: lib.retype_entity(name, etype, g))


@curate.command("ignore")
@click.argument("names", nargs=-1, required=True)
@gazetteer_option
@index_option
def curate_ignore(names, gazetteer, index_dir) -> int:
    """Never list these entities again."""
    return _curate(index_dir, gazetteer, lambda lib, g: lib.ignore_entities(list(names), g))


CITE_FORMATS = ("table", "json", "jsonl", "csv", "tsv", "md", "text")
REFERENCE_FORMATS = ("text", "md", "table", "json", "jsonl", "csv", "tsv")


class CiteGroup(click.Group):
    """`cite QUERY...` is `cite query QUERY...`: a first word that is no command (nor --help) starts
    the query, so `cite "Colina group"` and `cite --doc 003 hostages` read as they always did. A
    query that is a command's name goes after --, or to `cite query`: `cite -- refs`."""

    def parse_args(self, ctx, args):
        if args and args[0] in ctx.help_option_names:
            args = args[:1]  # cite --help, whatever follows (--index DIR)
        elif not args or args[0] not in self.commands:
            args = ["query", *args]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx):
        return list(self.commands)  # in the order they are defined: query first


def style_option(f):
    return click.option(
        "--style",
        "-s",
        default="chicago",
        show_default=True,
        metavar="STYLE",
        help="chicago, apa, mla, harvard, any CSL style name (see cite styles) or a .csl file.",
    )(f)


@cli.group(cls=CiteGroup, subcommand_metavar="QUERY... | COMMAND [ARGS]...")
def cite() -> None:
    """Quote the corpus exactly, with locators, and cite it in a real citation style.

    \b
    perucases cite "Colina death squad"                 best sentences, quoted from the files
    perucases cite "innocent prisoners" --style apa --format md >> notes.md
    perucases cite refs 002 --style chicago             one document's reference
    perucases cite refs --style mla                     the bibliography of the corpus
    perucases cite export bibtex > peru.bib             exports: bibtex, ris, csl-json
    perucases cite verify notes.md                      are the quotes still exact?
    perucases cite sources 004                          what a document itself cites
    perucases cite styles                               the style names --style takes

    `cite QUERY` is short for `cite query QUERY`; to quote words that start with a command's
    name, write `cite -- refs ...` or `cite query refs ...`.
    """


@cite.command("query", short_help="Quote the best sentences for QUERY (cite QUERY is the same).")
@click.argument("query", nargs=-1)
@filter_options
@click.option("--entity", "-e", default=None, metavar="NAME", help="Only quotes from paragraphs that name this entity.")
@click.option("--doc", "-d", default=None, metavar="ID", help="Only quotes from this document.")
@click.option("--all", "all_docs", is_flag=True, hidden=True, help="Deprecated: cite refs.")
@click.option("--sources", "sources_of", default=None, metavar="ID", hidden=True, help="Deprecated: cite sources ID.")
@click.option(
    "--verify",
    "verify_file",
    default=None,
    metavar="FILE",
    hidden=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Deprecated: cite verify FILE.",
)
@style_option
@click.option(
    "--context",
    "-C",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Also quote N sentences before and after (within the paragraph).",
)
@click.option("--full", is_flag=True, help="Never cut long sentences to the clauses that match.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=5, show_default=True, help="Most quotes to show.")
@click.option("--list-styles", is_flag=True, hidden=True, help="Deprecated: cite styles.")
@timeout_option
@output_options(
    formats=CITE_FORMATS, help="Output format (default: table on a terminal, tsv in a pipe); md: notes for cite verify."
)
@index_option
def cite_query(
    query,
    date_from,
    date_to,
    publisher,
    lang,
    entity,
    doc,
    all_docs,
    sources_of,
    verify_file,
    style,
    context,
    full,
    limit,
    list_styles,
    timeout,
    fmt,
    index_dir,
) -> int:
    """The sentences that best support QUERY, quoted character for character from the files, each
    with its locator (003 p.4 ¶2 s1), its citation and reference in --style.

    `perucases cite QUERY` is the same command.
    """
    from perucases.cite.csl import EXPORTS, is_note_style, style_path
    from perucases.library import Filters  # (only now: start-up)

    text = " ".join(query)
    group = click.get_current_context().parent  # usage errors point to cite --help, as before
    modes = [bool(text), bool(all_docs), bool(sources_of), bool(verify_file), bool(list_styles)]
    if sum(modes) > 1 and not (text and doc):
        raise click.UsageError("give one of QUERY, --all, --sources or --verify", ctx=group)
    if not any(modes) and not doc:
        raise click.UsageError("give a QUERY, or a command: refs, export, verify, sources or styles", ctx=group)
    # --list-styles, --verify, --sources, --all, and --doc without a QUERY: the spellings of
    # before cite had commands, kept for one release with a warning.
    if list_styles:
        _deprecated("--list-styles", "styles")
        return _cite_styles()
    export = style.lower() if style.lower() in EXPORTS else None
    if export and (text or sources_of or verify_file):
        raise click.UsageError(f"--style {style} is an export: use cite export {export}", ctx=group)
    if export and fmt:
        raise click.UsageError(f"--style {style} writes its own format: leave out --format", ctx=group)
    if not export and (text or doc or all_docs):
        style_path(style)  # an unknown style is a usage error before any search
    filters = Filters.parse(date_from, date_to, publisher, lang)
    import shlex  # (here: only the old spellings' deprecation lines quote words)

    if verify_file:
        _deprecated("--verify", f"verify {shlex.quote(str(verify_file))}")
        return _cite_verify(verify_file, fmt if fmt != "md" else None, index_dir)
    if sources_of:
        _deprecated("--sources", f"sources {shlex.quote(sources_of)}")
        return _cite_sources(sources_of, fmt if fmt != "md" else None, index_dir)
    if not text:
        ids = [doc] if doc else []
        old = f"--doc {shlex.quote(doc)}" if doc else "--all"
        if export:
            _deprecated(f"{old} --style {style}", " ".join(["export", export, *map(shlex.quote, ids)]))
            return _cite_export(export, ids, filters, index_dir)
        _deprecated(old if all_docs else f"{old} without a QUERY", " ".join(["refs", *map(shlex.quote, ids)]))
        return _cite_refs(ids, style, fmt, filters, index_dir)
    with library(index_dir) as lib, time_limit(timeout):
        quotes = lib.cite(
            text,
            style,
            markup="markdown" if fmt == "md" else "plain",
            filters=filters,
            limit=limit,
            entity=entity,
            doc=doc,
            context=context,
            full=full,
        )
    if not quotes:
        message(f"no quotes match {shorten(text, 200)!r}")
        return 1
    if fmt == "md":
        from perucases.render.cite import quotes_markdown

        sys.stdout.write(quotes_markdown(quotes, is_note_style(style_path(style))))
    else:
        emit(cols.quote_rows(quotes), cols.QUOTE_COLUMNS, resolve_format(None if fmt == "text" else fmt))
    return 0


def _deprecated(old: str, new: str) -> None:
    message(f"cite {old} is deprecated; use cite {new}", warning=True)


@cite.command("refs", short_help="References of documents, or the bibliography, in a style.")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@filter_options
@style_option
@output_options(formats=REFERENCE_FORMATS, default="text", help="text: a reference a line; md: a Markdown list.")
@index_option
def cite_refs(ids, date_from, date_to, publisher, lang, style, fmt, index_dir) -> int:
    """References in a citation style: of the documents IDS (ids or unique prefixes: 002), or
    the bibliography of the corpus (of the documents the filters keep), sorted as the style says."""
    from perucases.cite.csl import style_path
    from perucases.library import Filters  # (only now: start-up)

    style_path(style)  # an unknown style is a usage error before the index is opened
    return _cite_refs(list(ids), style, fmt, Filters.parse(date_from, date_to, publisher, lang), index_dir)


def _cite_refs(ids: list[str], style: str, fmt: str | None, filters, index_dir) -> int:
    from perucases.render.cite import references_text

    with library(index_dir) as lib:
        ids = [lib.resolve(i) for i in ids] if ids else [d.id for d in lib.docs(filters)]
        if not ids:
            message("no documents")
            return 1
        refs = lib.references(style, ids, markup="markdown" if fmt == "md" else "plain")
    found = cols.reference_rows(refs)
    fmt = fmt or "text"
    if fmt in ("text", "md"):
        click.echo(references_text(found, markdown=fmt == "md"), nl=False)
    else:
        emit(found, cols.REFERENCE_COLUMNS, fmt)
    return 0


@cite.command("export", short_help="Export references as BibTeX, RIS or CSL JSON.")
@click.argument(
    "to", metavar="bibtex|ris|csl-json", type=click.Choice(("bibtex", "ris", "csl-json"), case_sensitive=False)
)
@click.argument("ids", nargs=-1, metavar="[ID]...")
@filter_options
@index_option
def cite_export(to, ids, date_from, date_to, publisher, lang, index_dir) -> int:
    """The references of the documents IDS, or of the corpus (the documents the filters keep), for
    Zotero, Pandoc or LaTeX: BibTeX, RIS or CSL JSON. The citation keys are the document ids."""
    from perucases.library import Filters  # (only now: start-up)

    return _cite_export(to.lower(), list(ids), Filters.parse(date_from, date_to, publisher, lang), index_dir)


def _cite_export(to: str, ids: list[str], filters, index_dir) -> int:
    with library(index_dir) as lib:
        ids = [lib.resolve(i) for i in ids] if ids else [d.id for d in lib.docs(filters)]
        if not ids:
            message("no documents")
            return 1
        sys.stdout.write(lib.export(to, ids))
    return 0


@cite.command("verify", short_help="Check a notes file's quotes against their sources.")
@click.argument("notes", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@output_options
@index_option
def cite_verify(notes, fmt, index_dir) -> int:
    """Check the quotes of a notes file (as cite --format md writes them) against their sources:
    ok, moved (run cite again for the new locator), changed or not-found; exit 1 unless all are ok."""
    return _cite_verify(notes, fmt, index_dir)


def _cite_verify(notes: Path, fmt: str | None, index_dir) -> int:
    with library(index_dir) as lib:
        try:
            text = notes.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PerucasesError(f"{notes}: cannot read: {exc}") from None
        checks = lib.verify(text)
    if not checks:
        message(f"{notes}: no perucases quotes in it (markers as written by cite --format md)")
        return 1
    emit(rows(checks, cols.CHECK_COLUMNS), cols.CHECK_COLUMNS, resolve_format(fmt))
    bad = sum(not c.ok for c in checks)
    message(f"{len(checks) - bad} of {len(checks)} quote(s) match their sources" + (f"; {bad} do not" if bad else ""))
    return 1 if bad else 0


@cite.command("sources", short_help="The works a document cites.")
@click.argument("doc", metavar="ID")
@output_options
@index_option
def cite_sources(doc, fmt, index_dir) -> int:
    """The works document ID cites (reference lines, titled works, laws and treaties), each with
    the sentence it comes from."""
    return _cite_sources(doc, fmt, index_dir)


def _cite_sources(doc: str, fmt: str | None, index_dir) -> int:
    with library(index_dir) as lib:
        works = lib.cited_works(doc)
    if not works:
        message("no cited works found")
        return 1
    emit(cols.source_rows(works), cols.SOURCE_COLUMNS, resolve_format(fmt))
    return 0


@cite.command("styles", short_help="List the CSL style names --style takes.")
@index_option
def cite_styles(index_dir) -> int:
    """The CSL style names --style takes (besides a .csl file of your own). No index is needed:
    --index is taken, as by every command, and not used."""
    return _cite_styles()


def _cite_styles() -> int:
    from perucases.cite.csl import style_names

    for name in style_names():
        click.echo(name)
    return 0


@cli.command()
@click.option(
    "--from", "date_from", default=None, metavar="DATE", help="Events on or after (1990, 1990-05, 'May 1990')."
)
@click.option("--to", "date_to", default=None, metavar="DATE", help="Events on or before.")
@click.option("--entity", "-e", default=None, metavar="NAME", help="Only events whose sentence names this entity.")
@click.option("--doc", "-d", default=None, metavar="ID", help="Only events of this document.")
@click.option("--grep", "-g", default=None, metavar="WORDS", help="Only events whose sentence has these words.")
@click.option(
    "--precision",
    type=click.Choice(("day", "month", "year")),
    default=None,
    help="Only events dated at least this precisely.",
)
@click.option("--sort", type=click.Choice(("date", "source")), default="date", show_default=True)
@output_options(
    formats=(*FORMATS_ALL, "md", "timelinejs"),
    help="Output format (default: a chronology on a terminal, tsv in a pipe).",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    metavar="FILE",
    help="Write the chronology as one self-contained HTML page.",
)
@index_option
def timeline(date_from, date_to, entity, doc, grep, precision, sort, fmt, html_file, index_dir) -> int:
    """What happened when, and who says so: every dated statement, in order, with its source.

    Relative dates ("yesterday", "in February", "on 17 December") are resolved against the
    document's date; events from several documents with the same date and entities are one
    happening ("3 sources").
    """
    from perucases.library import Filters  # (only now: start-up)
    from perucases.render import timeline as tr

    filters = Filters.parse(date_from, date_to)
    with library(index_dir) as lib:
        events = lib.timeline(filters, entity, doc, grep, precision, sort)
        paths = lib.paths() if html_file else {}
    if html_file:
        Path(html_file).write_text(tr.html_page(events, paths), encoding="utf-8")
        message(f"wrote {html_file}: {len(events)} events")
        return 0 if events else 1
    if not events:
        message("no events")
        return 1
    fmt = fmt or ("chronology" if sys.stdout.isatty() else "tsv")
    if fmt in ("chronology", "table"):
        tr.terminal(events, sys.stdout)
    elif fmt == "md":
        sys.stdout.write(tr.markdown(events))
    elif fmt == "timelinejs":
        sys.stdout.write(tr.timelinejs(events) + "\n")
    else:
        emit(rows(events, cols.TIMELINE_COLUMNS), cols.TIMELINE_COLUMNS, fmt)
    return 0


def parse_paragraphs(spec: str) -> list[tuple[int, int | None]]:
    """'3', '3-5', '2,4-6', '5-' -> ranges (inclusive; None = to the end)."""
    out = []
    for part in spec.split(","):
        part = part.strip()
        try:
            if "-" in part:
                a, b = part.split("-", 1)
                lo, hi = int(a), (int(b) if b.strip() else None)
            else:
                lo = hi = int(part)
        except ValueError:
            raise PerucasesError(f"--paragraphs {spec!r}: use N, N-M, N- or a comma list") from None
        if lo < 1 or (hi is not None and hi < lo):
            raise PerucasesError(f"--paragraphs {spec!r}: paragraphs count from 1, N-M needs N <= M")
        out.append((lo, hi))
    return out


def _check(target: Path, extra: bool) -> int:
    from perucases.library import maintenance  # (only now: start-up)

    if extra:
        raise click.UsageError("--check takes no PATHS and no --rebuild: it only reads")
    rep = maintenance.check(target)
    for line in rep.damage:
        message(f"damage: {line}", warning=True)
    for line in rep.stale[:50]:
        message(f"stale: {line}")
    if len(rep.stale) > 50:
        message(f"stale: ... and {len(rep.stale) - 50} more")
    if rep.damage:
        message(f"the index at {target} is damaged: repair it with perucases index --rebuild --index {target}")
        return 1
    message(
        f"the index at {target} is sound: {rep.documents} document(s)"
        + (f"; {len(rep.stale)} change(s) to pick up with perucases index" if rep.stale else "")
    )
    return 0


def _read_paths(null: bool) -> list[Path]:
    """Paths from stdin, one a line or NUL-separated; a path that is not there is warned about."""
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    parts = data.split(b"\0") if null else data.splitlines()
    out = []
    for raw in parts:
        name = os.fsdecode(raw.strip(b"\r") if not null else raw)
        if not name.strip():
            continue
        p = Path(name)
        if not p.exists():
            message(f"{name}: no such file or folder (skipped)", warning=True)
            continue
        out.append(p)
    return out


def _read_ids(ids: tuple[str, ...]) -> list[str]:
    out = []
    for i in ids:
        if i == "-":
            out += [line.strip() for line in sys.stdin if line.strip()]
        else:
            out.append(i)
    return out


@cli.command()
@click.argument("ids", nargs=-1, required=True)
@click.option(
    "--paragraphs", "-p", "spec", default=None, metavar="N|N-M", help="Only these paragraphs: 3, 3-5, 2,4-6 or 5-."
)
@click.option("--raw", is_flag=True, help="Print the original file's bytes instead.")
@output_options(
    formats=("text", "table", "json", "jsonl", "csv", "tsv"),
    default="text",
    help="text: header and numbered paragraphs; others: a row per paragraph.",
)
@index_option
def show(ids, spec, raw, fmt, index_dir) -> int:
    """Print documents cleaned, with a metadata header and numbered paragraphs.

    IDS are document ids or unique prefixes of them (003); - reads ids from stdin, one a line.
    """
    wanted = _read_ids(ids)
    if not wanted:
        message("no document ids given")
        return 1
    ranges = parse_paragraphs(spec) if spec else None
    with library(index_dir) as lib:
        docs_ = [lib.document(i) for i in wanted]
        if raw:
            out = sys.stdout.buffer
            for d in docs_:
                out.write(lib.raw(d.info.id))
            out.flush()
            return 0
    selected = []
    for d in docs_:
        paras = d.paragraphs
        if ranges:
            last = len(paras)
            for lo, _hi in ranges:
                if lo > last:
                    raise PerucasesError(f"{d.info.id} has {last} paragraph(s); --paragraphs {spec} is out of range")
            paras = [p for p in paras if any(lo <= p.n <= (hi or last) for lo, hi in ranges)]
        selected.append((d, paras))
    if fmt == "text":
        from perucases.render import text

        text.documents(selected)
    elif fmt == "json":
        import json

        click.echo(json.dumps(cols.shown_documents(selected), ensure_ascii=False, indent=2))
    else:
        emit(cols.paragraph_rows(selected), cols.PARAGRAPH_COLUMNS, fmt)
    return 0


def main() -> None:
    """The `perucases` program (tests call `cli` itself, in their own process)."""
    _ctrl_c["program"] = True
    cli.main(prog_name="perucases")


if __name__ == "__main__":
    main()
