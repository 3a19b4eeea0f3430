"""Which files make a corpus, and what each document's id is.

A corpus is one or more folders or files. A document's id is its path relative to its corpus
folder, without the extension (`003_ed39d894751b7a98`, `informes/cvr-tomo-7`); with several
folders the id starts with the folder's name. Hidden files and folders are skipped, and so is
whatever a `.perucasesignore` file (gitignore syntax, in the corpus folder or any folder below it)
matches: its patterns apply to the folder it is in and everything under it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from perucases.errors import PerucasesError
from perucases.ingest.readers import reader_for

CATALOG_NAME = "catalog.toml"  # beside the documents: see perucases.ingest.metadata
IGNORE_NAME = ".perucasesignore"


@dataclass(frozen=True)
class CorpusFile:
    path: Path  # absolute
    root: Path  # the corpus folder it belongs to (for a file given alone, its folder)
    id: str


def _ignore_spec(folder: Path):
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


def _walk(root: Path, follow_links: bool = False, skipped: list | None = None):
    """Files under ROOT, sorted, without hidden ones and without what .perucasesignore files match.
    Symbolic links that lead out of ROOT are passed over (into SKIPPED) unless FOLLOW_LINKS;
    folders are visited once each, so a link cycle ends."""
    specs: list[tuple[Path, object]] = []  # (folder, spec), for the folders on the current path
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

    for dirpath, dirnames, filenames in os.walk(root, followlinks=follow_links):
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
            if d.startswith(".") or ignored(here / d, True):
                continue
            if (here / d).is_symlink() and not follow_links:
                if skipped is not None:
                    skipped.append((here / d, "a symbolic link to a folder (use --follow-links to read it)"))
                continue
            keep.append(d)
        dirnames[:] = keep
        links = _symlinks(dirpath) if filenames else set()  # one listing, not a stat a file
        for name in sorted(filenames):
            if name.startswith(".") or ignored(here / name, False):
                continue
            p = here / name
            if name in links and not follow_links and _outside(p, root):
                if skipped is not None and reader_for(p) is not None:
                    skipped.append((p, "a symbolic link out of the corpus (use --follow-links to read it)"))
                continue
            yield p


def _symlinks(folder: str) -> set[str]:
    """Names of the symbolic links in FOLDER (from its listing's file types)."""
    try:
        with os.scandir(folder) as it:
            return {e.name for e in it if e.is_symlink()}
    except OSError:
        return set()


def discover(roots: list[Path], follow_links: bool = False) -> tuple[list[CorpusFile], list[tuple[Path, str]]]:
    """Supported files under the roots, with ids; and the files passed over, with why."""
    roots = [Path(r).expanduser().resolve() for r in roots]
    for r in roots:
        if not r.exists():
            raise PerucasesError(f"{r}: no such file or folder")
    found: list[tuple[Path, Path, str]] = []
    skipped: list[tuple[Path, str]] = []
    prefix_roots = len([r for r in roots if r.is_dir()]) > 1
    for root in roots:
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
            rel = str(f)[head:]  # f.relative_to(base).with_suffix("").as_posix(), without pathlib's cost
            rel = rel[: len(rel) - len(f.suffix)].replace(os.sep, "/")
            if prefix_roots and root.is_dir():
                rel = f"{root.name}/{rel}"
            found.append((f, base, rel))
    # Two files with one id (a.txt and a.md): both keep their extension.
    counts: dict[str, int] = {}
    for _, _, rel in found:
        counts[rel] = counts.get(rel, 0) + 1
    out, seen = [], set()
    for f, base, rel in found:
        doc_id = rel + f.suffix if counts[rel] > 1 else rel
        if f in seen:
            continue
        seen.add(f)
        out.append(CorpusFile(f, base, doc_id))
    return out, skipped
