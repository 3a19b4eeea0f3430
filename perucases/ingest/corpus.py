"""Which files make a corpus, and what each document's id is.

A corpus is one or more folders or files. A document's id is its path relative to its corpus
folder, without the extension (`003_ed39d894751b7a98`, `informes/cvr-tomo-7`); with several
folders the id starts with the folder's name. Hidden files and folders are skipped, and so is
whatever a `.perucasesignore` file (gitignore syntax, in the corpus folder or any folder below it)
matches: its patterns apply to the folder it is in and everything under it.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from perucases.errors import PerucasesError
from perucases.ingest.readers import reader_for

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

CATALOG_NAME = "catalog.toml"  # beside the documents: see perucases.ingest.metadata
IGNORE_NAME = ".perucasesignore"


@dataclass(frozen=True)
class CorpusFile:
    path: Path  # absolute
    root: Path  # the corpus folder it belongs to (for a file given alone, its folder)
    id: str


def _ignore_spec(folder: Path) -> GitIgnoreSpec | None:
    f = folder / IGNORE_NAME
    if not f.is_file():
        return None
    import pathspec

    try:
        lines = f.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _outside(path: Path, root: Path) -> bool:
    """Whether a symbolic link leads out of ROOT (or nowhere)."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return True
    return target != root and root not in target.parents


def _broken_link(path: Path) -> str | None:
    """Why a symbolic link leads nowhere (a missing target, a loop), or None when it leads somewhere."""
    try:
        path.resolve(strict=True)
    except FileNotFoundError:
        return "a broken symbolic link (what it points to does not exist)"
    except (OSError, RuntimeError):  # ELOOP, or pathlib's RuntimeError for a loop before 3.13
        return "a symbolic link that points to itself (a loop)"
    return None


def not_regular(mode: int) -> str | None:
    """What a file that is not a regular file is ("a FIFO", ...), or None for a regular file.
    Such files are never opened: reading a FIFO waits for a writer forever, a device never ends."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a file"


def skip_reason_not_regular(kind: str) -> str:
    return f"not a regular file ({kind})"


class NotRegular(OSError):
    """A path that is not a regular file (FIFO, socket, device): refused before any read."""


def open_regular(path: Path | str):
    """Open a file for reading only if it is a regular file: a FIFO is opened without waiting for
    a writer (O_NONBLOCK) and refused, and so are sockets and devices; a binary file object."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        kind = not_regular(os.fstat(fd).st_mode)
        if kind:
            raise NotRegular(0, skip_reason_not_regular(kind), str(path))
        if flags & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _walk(root: Path, follow_links: bool = False, skipped: list | None = None):
    """Files under ROOT, sorted, without hidden ones and without what .perucasesignore files match.
    Symbolic links that lead out of ROOT are passed over (into SKIPPED) unless FOLLOW_LINKS, and
    so are broken links, FIFOs, sockets and devices (never opened) and folders that cannot be
    read; folders are visited once each, so a link cycle ends."""
    specs: list[tuple[Path, GitIgnoreSpec]] = []  # (folder, spec), for the folders on the current path
    seen_dirs: set = set()

    def ignored(path: Path, is_dir: bool) -> bool:
        for base, spec in specs:
            try:
                rel = path.relative_to(base).as_posix()
            except ValueError:
                continue
            if spec.match_file(rel + "/" if is_dir else rel):
                return True
        return False

    def skip(path: Path, why: str) -> None:
        if skipped is not None and reader_for(path) is not None:
            skipped.append((path, why))

    def unreadable(exc: OSError) -> None:
        if skipped is not None:
            skipped.append((Path(exc.filename or root), f"cannot read the folder: {exc.strerror or exc}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=follow_links):
        here = Path(dirpath)
        try:
            real = here.resolve()
        except (OSError, RuntimeError):
            dirnames[:] = []
            continue
        if real in seen_dirs:  # a link back to a folder already read
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        specs[:] = [(b, s) for b, s in specs if here == b or b in here.parents]
        spec = _ignore_spec(here)
        if spec is not None:
            specs.append((here, spec))
        keep = []
        for d in sorted(dirnames):
            if d.startswith(".") or (specs and ignored(here / d, True)):
                continue
            if (here / d).is_symlink() and not follow_links:
                if skipped is not None:
                    skipped.append((here / d, "a symbolic link to a folder (use --follow-links to read it)"))
                continue
            keep.append(d)
        dirnames[:] = keep
        kinds = _kinds(dirpath) if filenames else {}  # one listing, not a stat a file
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            p = here / name
            if specs and ignored(p, False):  # (no ignore file on the way: no path to compare)
                continue
            kind = kinds.get(name, "")
            if kind == "link":
                broken = _broken_link(p)
                if broken:
                    skip(p, broken)
                    continue
                if not follow_links and _outside(p, root):
                    skip(p, "a symbolic link out of the corpus (use --follow-links to read it)")
                    continue
                try:
                    kind = not_regular(os.stat(p).st_mode) or ""
                except OSError as exc:
                    skip(p, f"cannot read: {exc.strerror or exc}")
                    continue
            if kind:
                skip(p, skip_reason_not_regular(kind))
                continue
            yield p


def _kinds(folder: str) -> dict[str, str]:
    """The entries of FOLDER that are not regular files: "link" for a symbolic link, else what
    not_regular() says. From the listing's file types (no stat a file where the file system
    gives them)."""
    out = {}
    try:
        with os.scandir(folder) as it:
            for e in it:
                try:
                    if e.is_symlink():
                        out[e.name] = "link"
                    elif not e.is_file(follow_symlinks=False):
                        out[e.name] = not_regular(e.stat(follow_symlinks=False).st_mode) or ""
                except OSError:
                    continue
    except OSError:
        pass
    return out


def discover(roots: list[Path], follow_links: bool = False) -> tuple[list[CorpusFile], list[tuple[Path, str]]]:
    """Supported files under the roots, with ids; and the files passed over, with why."""
    roots = [Path(r).expanduser().resolve() for r in roots]
    for r in roots:
        if not r.exists():
            raise PerucasesError(f"{r}: no such file or folder")
    found: list[tuple[Path, Path, str, str]] = []  # (file, its root, its id's base, its suffix)
    skipped: list[tuple[Path, str]] = []
    prefix_roots = len([r for r in roots if r.is_dir()]) > 1
    for root in roots:
        try:
            kind = not_regular(root.stat().st_mode)
        except OSError as exc:
            raise PerucasesError(f"{root}: cannot read: {exc.strerror or exc}") from None
        if kind not in (None, "a folder"):
            skipped.append((root, skip_reason_not_regular(kind)))
            continue
        if root.is_file():
            files, base = [root], root.parent
        else:
            files, base = list(_walk(root, follow_links, skipped)), root
        head = len(str(base).rstrip(os.sep)) + 1
        for f in files:
            if reader_for(f) is None:
                if root.is_file():
                    skipped.append((f, f"unsupported file type {f.suffix or '(none)'}"))
                continue
            suffix = f.suffix  # (each of pathlib's properties is computed again when asked)
            rel = str(f)[head:]  # f.relative_to(base).with_suffix("").as_posix(), without pathlib's cost
            rel = rel[: len(rel) - len(suffix)].replace(os.sep, "/")
            if prefix_roots and root.is_dir():
                rel = f"{root.name}/{rel}"
            found.append((f, base, rel, suffix))
    # Two files with one id (a.txt and a.md): both keep their extension.
    counts: dict[str, int] = {}
    for _, _, rel, _ in found:
        counts[rel] = counts.get(rel, 0) + 1
    out, used = [], set()
    seen: set[str] = set()  # the files' paths as text (a Path hashes its parts again every time)
    for f, base, rel, suffix in found:
        doc_id = safe_id(rel + suffix if counts[rel] > 1 else rel)
        path = str(f)
        if path in seen:
            continue
        seen.add(path)
        if doc_id in used:  # an escaped name that another file has as it is: a suffix keeps them apart
            n = 2
            while f"{doc_id}~{n}" in used:
                n += 1
            doc_id = f"{doc_id}~{n}"
        used.add(doc_id)
        out.append(CorpusFile(f, base, doc_id))
    return out, skipped


# What an id never holds, from a file name that does: control characters (a terminal would obey
# them; a newline breaks `--format ids | show -`), bidirectional controls (they reorder what is
# shown), line separators, and the bytes of a name that is not UTF-8 (Python keeps them as lone
# surrogates, which no output can encode). Each is written %XX (%uXXXX above U+00FF).
_UNSAFE_ID = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape_char(m: re.Match) -> str:
    o = ord(m.group())
    if 0xDC80 <= o <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode keeps it
        return f"%{o - 0xDC00:02X}"
    return f"%{o:02X}" if o < 0x100 else f"%u{o:04X}"


def safe_id(rel: str) -> str:
    """A document id from a relative path: printable, one line, encodable."""
    return _UNSAFE_ID.sub(_escape_char, rel)
