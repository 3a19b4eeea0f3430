"""Curation: the researcher's corrections to the entities, kept in a gazetteer file of their own.

The file is plain TOML that `perucases curate` rewrites in a stable order (entities by name, then
the ignore list), so that it diffs cleanly under version control:

    [[entity]]
    name = "Alberto Fujimori"
    type = "PERSON"
    aliases = ["El Chino", "Fujimori"]

    [ignore]
    names = ["Lima Group"]

Where it lives: --gazetteer FILE, else gazetteer.toml in the corpus folder; for the bundled
seeds inside an installed package, gazetteer.toml in the index folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from perucases.errors import InvalidArgument, check_text
from perucases.extract.gazetteer import TYPES, USER_GAZETTEER, Entry, key_of, read_entries
from perucases.index.location import bundled_seeds
from perucases.index.manifest import Manifest, write_atomic

if TYPE_CHECKING:
    from perucases.library.library import Library

HEADER = """\
# perucases gazetteer: your additions and corrections to the entities.
# Written by `perucases curate`; you may edit it by hand too. Each [[entity]] has a name, a type
# (PERSON, ORG, LOC, EVENT, LAW), aliases and an optional description; an entry that shares a
# name or alias with a known entity merges with it, and its name and type win.
"""


def default_path(lib: Library) -> tuple[Path, bool]:
    """The user's gazetteer file for this index, and whether the index must be told about it."""
    manifest = Manifest.load(lib.index_dir)
    root = Path(manifest.corpus[0]) if manifest and manifest.corpus else bundled_seeds()
    packaged = root == bundled_seeds().resolve() and root.parent.name == "perucases"
    if root.is_dir() and not packaged:
        return root / USER_GAZETTEER, False
    return Path(lib.index_dir) / USER_GAZETTEER, True


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def write_file(path: Path, entries: list[Entry], ignore: set[str]) -> None:
    lines = [HEADER]
    for e in sorted(entries, key=lambda e: key_of(e.name)):
        lines.append("[[entity]]")
        lines.append(f"name = {_toml_str(e.name)}")
        if e.type:
            lines.append(f"type = {_toml_str(e.type)}")
        if e.aliases:
            lines.append("aliases = [" + ", ".join(_toml_str(a) for a in sorted(e.aliases, key=key_of)) + "]")
        if e.description:
            lines.append(f"description = {_toml_str(e.description)}")
        lines.append("")
    if ignore:
        lines.append("[ignore]")
        lines.append("names = [" + ", ".join(_toml_str(n) for n in sorted(ignore, key=key_of)) + "]")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, "\n".join(lines))


def _merge_into(entries: list[Entry], new: Entry) -> list[Entry]:
    forms = {key_of(f) for f in new.forms()}
    keep, merged = [], Entry(new.name, new.type, set(new.aliases), new.description)
    for e in entries:
        if forms & {key_of(f) for f in e.forms()}:
            merged.aliases |= e.forms()
            merged.type = merged.type or e.type
            merged.description = merged.description or e.description
        else:
            keep.append(e)
    merged.aliases = {a for a in merged.aliases if key_of(a) != key_of(merged.name)}
    return [*keep, merged]


def apply_change(lib: Library, gazetteer: Path | None, change: tuple) -> tuple[Path, str]:
    """Write one curation to the user's gazetteer and re-extract; returns (file, summary).
    CHANGE is ("merge", name, [others]), ("rename", name, new), ("retype", name, type) or
    ("ignore", [names])."""
    from perucases.index.build import update  # (only now: the writer's modules cost 70 ms to load)

    for value in change[1:]:
        for v in value if isinstance(value, (list, tuple)) else [value]:
            check_text(str(v), "a name")
    table = lib.entity_table()
    path, register = (Path(gazetteer), True) if gazetteer else default_path(lib)
    path = path.expanduser().resolve()
    entries, ignore = read_entries(path) if path.is_file() else ([], set())
    op = change[0]
    if op == "merge":
        target = table[lib.resolve_entity(change[1])]
        others = [table[lib.resolve_entity(n)] for n in change[2]]
        if any(o.key == target.key for o in others):
            raise InvalidArgument("merge: an entity cannot be merged with itself", param="others")
        aliases = set(target.aliases) | {f for o in others for f in (o.name, *o.aliases)}
        entries = _merge_into(entries, Entry(target.name, target.type, aliases))
        summary = f"merged {', '.join(o.name for o in others)} into {target.name}"
    elif op == "rename":
        target = table[lib.resolve_entity(change[1])]
        new = change[2].strip()
        if not key_of(new):
            raise InvalidArgument("rename: the new name is empty", param="new")
        entries = _merge_into(entries, Entry(new, target.type, {target.name, *target.aliases}))
        summary = f"renamed {target.name} to {new}"
    elif op == "retype":
        target = table[lib.resolve_entity(change[1])]
        etype = change[2].upper()
        if etype not in TYPES:
            raise InvalidArgument(f"retype: TYPE must be one of {', '.join(t.lower() for t in TYPES)}")
        entries = [e for e in entries if not ({key_of(f) for f in e.forms()} & {target.key})]
        entries = _merge_into(entries, Entry(target.name, etype, set(target.aliases)))
        for e in entries:
            if key_of(e.name) == target.key:
                e.type = etype
        summary = f"{target.name} is now {etype}"
    elif op == "ignore":
        names = [table[lib.resolve_entity(n)].name for n in change[1]]
        ignore |= set(names)
        summary = f"ignoring {', '.join(names)}"
    else:  # pragma: no cover - the CLI offers only the four
        raise InvalidArgument(f"unknown curation {op!r}")
    write_file(path, entries, ignore)
    manifest = Manifest.load(lib.index_dir)
    extra = list(manifest.gazetteers) if manifest else []
    if register and str(path) not in extra:
        extra.append(str(path))
    lib.close()  # the index changes under it: the next query opens it again
    update(lib.index_dir, None, warn=lib.warn, gazetteers=[Path(e) for e in extra])
    return path, summary
