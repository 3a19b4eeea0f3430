"""Maintenance: building and updating an index (`update`), checking it (`check`).

Library.update and Library.check are the API; the command line's `perucases index` calls these
functions directly, without a Library: a Library's modules load Whoosh, which an update that
finds nothing changed never needs (perucases.index.build loads it only to write).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from perucases.errors import IndexDamaged, InvalidArgument, NotFound
from perucases.index.location import bundled_seeds, default_index_dir
from perucases.index.manifest import Manifest

if TYPE_CHECKING:
    from perucases.index.build import Report
    from perucases.index.check import CheckReport

__all__ = ["check", "corpus", "index_dir", "parse_size", "update"]


def parse_size(text: str) -> int:
    """'100M', '500K', '2G', '1.5MB' or bytes -> bytes; ValueError for anything else."""
    from perucases.ingest.document import parse_size as parse  # (only now: it loads the ingest modules)

    return parse(text)


def index_dir(given: Path | str | None = None) -> Path:
    """The index folder: GIVEN, else $PERUCASES_INDEX, else index/ of the checkout you are in,
    else your data folder."""
    return Path(given) if given else default_index_dir()


def corpus(index: Path) -> list[Path]:
    """The corpus the index at INDEX was built from ([] when there is no index)."""
    manifest = Manifest.load(index)
    return [Path(c) for c in manifest.corpus] if manifest else []


def update(
    index: Path,
    roots: list[Path] | None = None,
    *,
    rebuild: bool = False,
    wait: float = 60.0,
    warn: Callable[[str], None] | None = None,
    progress=None,
    gazetteers: list[Path] | None = None,
    procs: int | None = None,
    max_file_size: int | str | None = None,
    follow_links: bool | None = None,
) -> Report:
    """Build or update the index at INDEX from ROOTS (folders or files), or from the corpus it was
    built from (the bundled seeds when there is no index yet). Only files whose size or
    modification time changed are read again; see perucases.index.build.update."""
    from perucases.index.build import update as build_update  # (only now: it costs 70 ms to load)

    if isinstance(max_file_size, str):
        try:
            max_file_size = parse_size(max_file_size)
        except ValueError as exc:
            raise InvalidArgument(str(exc), param="max_file_size") from None
    if roots is None and Manifest.load(index) is None:
        if (index / "manifest.json").exists():
            raise IndexDamaged(
                f"the index at {index} is damaged (its manifest is unreadable); "
                f"give its corpus: perucases index CORPUS... --rebuild --index {index}"
            )
        roots = [bundled_seeds()]
    for p in roots or []:
        if not p.exists():
            raise NotFound(f"{p}: no such file or folder")
    return build_update(
        index,
        roots,
        rebuild=rebuild,
        wait=wait,
        warn=warn or (lambda m: None),
        progress=progress,
        gazetteers=gazetteers,
        procs=procs,
        max_file_size=max_file_size,
        follow_links=follow_links,
    )


def check(index: Path) -> CheckReport:
    """The index at INDEX checked against its manifest and its corpus, without writing: damage
    (the index cannot be trusted) and stale entries (changes an update would pick up)."""
    from perucases.index.check import check as check_index  # (only now: it loads Whoosh)

    return check_index(index)
