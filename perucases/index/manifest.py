"""The manifest: schema version, corpus, and each indexed file's size, mtime and hash.

It lets `perucases` tell whether the index is stale with a few `stat` calls and without
importing Whoosh. It is written atomically after each Whoosh commit and records that commit's
generation; when the two disagree (a crash between them) the writer rebuilds the file table from
the index itself, which is the truth.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from perucases import __version__
from perucases.ingest.corpus import CATALOG_NAME, CorpusFile, discover, open_regular
from perucases.resources import data_fingerprint, packages_fingerprint

# Bump when the fields or analysers change: an older index is then rebuilt.
SCHEMA_VERSION = 10
MANIFEST = "manifest.json"


def pipeline_fingerprint() -> str:
    """Schema version, package version, data files and the versions of the packages that read
    documents and name places (resources.CONTENT_PACKAGES): a change in any means a full rebuild."""
    return f"{SCHEMA_VERSION}:{__version__}:{data_fingerprint()}:{packages_fingerprint()}"


def _parts(fingerprint: str) -> tuple[list[str], dict[str, str]]:
    """A pipeline fingerprint's schema, package and data parts, and its packages' versions."""
    head = fingerprint.split(":", 3)
    pairs = (kv.partition("=") for kv in head.pop().split(",")) if len(head) > 3 else ()
    return head, {k: v for k, _, v in pairs if k}


@dataclass
class FileRecord:
    id: str
    size: int
    mtime_ns: int
    sha256: str
    catalog: str  # hash of the file's catalog entry ("" when none)
    duplicate_of: str = ""  # the id of the indexed document with the same content ("" when indexed itself)

    def to_json(self) -> dict:
        out = {
            "id": self.id,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "sha256": self.sha256,
            "catalog": self.catalog,
        }
        if self.duplicate_of:
            out["duplicate_of"] = self.duplicate_of
        return out


_FILES_KEY = ',\n "files": {'  # the top-level key (indent 1); strings hold no raw newline


@dataclass
class Manifest:
    corpus: list[str]
    indexname: str
    generation: int
    pipeline: str
    files: dict[str, FileRecord] = field(default_factory=dict)  # absolute path -> record
    skipped: dict[str, str] = field(default_factory=dict)  # path -> why (kept so we do not re-warn)
    catalogs: dict[str, str] = field(default_factory=dict)  # corpus folder -> its catalog's stat
    gazetteers: list[str] = field(default_factory=list)  # gazetteer files given with --gazetteer
    gazetteer: str = ""  # fingerprint of the gazetteer the entities were extracted with
    gazetteer_files: dict[str, str] = field(default_factory=dict)  # user gazetteer file -> its stat
    gazetteer_snapshot: dict = field(default_factory=dict)  # Gazetteer.snapshot(): to see what changed
    options: dict = field(default_factory=dict)  # max_file_size, follow_links: how the corpus is read
    files_count: int = -1  # as saved; with load(max_files=N), files may be left empty: this says how many

    @classmethod
    def load(cls, index_dir: Path, max_files: int | None = None) -> Manifest | None:
        """The manifest, or None. With MAX_FILES, a file table (most of the manifest: 4.8 MB for
        21,578 files) of more entries than that is neither parsed nor built, when the manifest
        allows it: the queries' freshness check only needs its size once the corpus is large."""
        try:
            text = (index_dir / MANIFEST).read_text(encoding="utf-8")
            raw = None
            if max_files is not None:
                # save() writes "files" last, after "files_count": the head is a JSON object itself.
                cut = text.find(_FILES_KEY)
                if cut > 0:
                    try:
                        raw = json.loads(text[:cut] + "\n}")
                    except ValueError:
                        raw = None
                if raw is None or raw.get("files_count", 0) <= max_files:
                    raw = None  # an older manifest, or a table small enough to read whole
                else:
                    raw["files"] = {}
            if raw is None:
                raw = json.loads(text)
            return cls(
                corpus=list(raw["corpus"]),
                indexname=raw["indexname"],
                generation=int(raw["generation"]),
                pipeline=raw["pipeline"],
                files={p: FileRecord(**r) for p, r in raw["files"].items()},
                skipped=dict(raw.get("skipped", {})),
                catalogs=dict(raw.get("catalogs", {})),
                gazetteers=list(raw.get("gazetteers", [])),
                gazetteer=raw.get("gazetteer", ""),
                gazetteer_files=dict(raw.get("gazetteer_files", {})),
                gazetteer_snapshot=dict(raw.get("gazetteer_snapshot", {})),
                options=dict(raw.get("options", {})),
                files_count=int(raw.get("files_count", len(raw["files"]))),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, index_dir: Path) -> None:
        data = {
            "format": 1,
            "schema_version": SCHEMA_VERSION,
            "perucases": __version__,
            "pipeline": self.pipeline,
            "corpus": self.corpus,
            "indexname": self.indexname,
            "generation": self.generation,
            "skipped": dict(sorted(self.skipped.items())),
            "catalogs": dict(sorted(self.catalogs.items())),
            "gazetteers": self.gazetteers,
            "gazetteer": self.gazetteer,
            "gazetteer_files": dict(sorted(self.gazetteer_files.items())),
            "gazetteer_snapshot": self.gazetteer_snapshot,
            "options": self.options,
            "files_count": len(self.files),
            "files": {p: r.to_json() for p, r in sorted(self.files.items())},  # last: see load()
        }
        try:
            raw = _manifest_text(data, ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # a file name that is not UTF-8 (lone surrogates): escaped in JSON
            raw = _manifest_text(data, ascii=True).encode("utf-8")
        write_atomic_bytes(index_dir / MANIFEST, raw)


def _manifest_text(data: dict, ascii: bool) -> str:
    """DATA as JSON: indented, except that each file of the table ("files", last) is one line,
    written by json's C encoder (json writes indented text with its pure-Python one): 0.09 s
    instead of 0.15 s for the 19,000 files of a large corpus, at every update, and a file to a
    line reads and diffs better."""
    files = data["files"]
    head = json.dumps({k: v for k, v in data.items() if k != "files"}, indent=1, ensure_ascii=ascii)
    if not files:
        return head[:-2] + ',\n "files": {}\n}'
    line = json.JSONEncoder(ensure_ascii=ascii).encode
    rows = ",\n".join(f"  {line(p)}: {line(r)}" for p, r in files.items())
    return head[:-2] + _FILES_KEY + "\n" + rows + "\n }\n}"


def write_atomic(path: Path, text: str) -> None:
    write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it, synced, then renamed."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); give it the mode any new file of the index gets
        # (whoosh's own: 0666 less the umask), so that whoever may read the index may read it.
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    """The process's umask (read from /proc where it can be, else set and set back)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def unreadable(index_dir: Path) -> str | None:
    """Why the manifest of INDEX_DIR cannot be read when that is a permission or disk problem
    ("manifest.json: Permission denied"), not damage; None when it reads or is not there."""
    try:
        with open(index_dir / MANIFEST, "rb") as fh:
            fh.read(1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"{MANIFEST}: {exc.strerror or exc}"
    return None


def current_generation(index_dir: Path, indexname: str) -> int | None:
    """The newest committed Whoosh generation, read from the TOC file names."""
    rx = re.compile(rf"_{re.escape(indexname)}_(\d+)\.toc$")
    gens = []
    try:
        for name in os.listdir(index_dir):
            m = rx.match(name)
            if m:
                gens.append(int(m.group(1)))
    except OSError:
        return None
    return max(gens) if gens else None


def entry_hash(entry: dict | None) -> str:
    if not entry:
        return ""
    return hashlib.sha256(json.dumps(entry, sort_keys=True, default=str).encode()).hexdigest()[:16]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open_regular(path) as fh:  # never a FIFO or a device: they would not end
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_signature(path: Path) -> str:
    """Size and mtime of a file ("" when there is none): parse it again only when it changes."""
    try:
        st = path.stat()
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}"


def catalog_signature(root: Path) -> str:
    return file_signature(root / CATALOG_NAME)


def gazetteer_files(roots: list[Path], extra: list[str]) -> dict[str, str]:
    """The user's gazetteer files (gazetteer.toml in each corpus folder, then --gazetteer files)
    that exist, with their signatures, in the order they apply."""
    out = {}
    for r in roots:
        f = Path(r) / "gazetteer.toml"
        if Path(r).is_dir() and f.is_file():
            out[str(f)] = file_signature(f)
    for e in extra:
        out[str(Path(e))] = file_signature(Path(e))
    return out


@dataclass
class Plan:
    """What an update has to do to bring the index in line with the corpus."""

    files: list[CorpusFile]
    loader: Callable[[Path], dict]
    add: list[CorpusFile] = field(default_factory=list)
    change: list[CorpusFile] = field(default_factory=list)
    remove: list[tuple[str, str]] = field(default_factory=list)  # (path, id)
    touch: dict[str, FileRecord] = field(default_factory=dict)  # same content, new mtime
    unsupported: list[tuple[Path, str]] = field(default_factory=list)
    signatures: dict[str, str] = field(default_factory=dict)  # root -> catalog_signature
    _catalogs: dict[str, dict] = field(default_factory=dict)

    def catalog(self, root: Path | str) -> dict:
        """The catalog of a corpus folder, read on first use."""
        key = str(root)
        if key not in self._catalogs:
            self._catalogs[key] = self.loader(Path(key))
        return self._catalogs[key]

    def catalog_hash(self, cf: CorpusFile) -> str:
        catalog = self.catalog(cf.root)
        return entry_hash(catalog.get(cf.id) or catalog.get(cf.path.name))

    @property
    def needs_writer(self) -> bool:
        return bool(self.add or self.change or self.remove)

    catalogs_changed: bool = False  # a catalog file's size or mtime differs from the manifest's

    @property
    def stale(self) -> bool:
        return self.needs_writer or bool(self.touch) or self.catalogs_changed


def make_plan(
    manifest: Manifest | None, roots: list[Path], catalog_loader: Callable[[Path], dict], follow_links: bool = False
) -> Plan:
    files, unsupported = discover(roots, follow_links)
    plan = Plan(files, catalog_loader, unsupported=unsupported)
    for root in sorted({str(cf.root) for cf in files}):
        plan.signatures[root] = catalog_signature(Path(root))
    known = manifest.files if manifest else {}
    skipped = manifest.skipped if manifest else {}
    same_catalog = {r for r, sig in plan.signatures.items() if manifest and manifest.catalogs.get(r) == sig}
    plan.catalogs_changed = manifest is not None and plan.signatures != manifest.catalogs
    present = set()
    for cf in files:
        key = str(cf.path)
        present.add(key)
        rec = known.get(key)
        try:
            st = os.stat(key)
        except OSError:
            continue  # vanished since the walk: treated as removed below if it was indexed
        if rec is None:
            old = skipped.get(key)
            if old and old.startswith(f"{st.st_size}:{st.st_mtime_ns}:"):
                continue  # skipped before, unchanged since: do not warn again
            plan.add.append(cf)
            continue
        catalog_changed = str(cf.root) not in same_catalog and rec.catalog != plan.catalog_hash(cf)
        if rec.id != cf.id or catalog_changed:
            plan.change.append(cf)
        elif rec.size != st.st_size or rec.mtime_ns != st.st_mtime_ns:
            try:
                digest = sha256_file(cf.path)
            except OSError:
                plan.change.append(cf)
                continue
            if digest == rec.sha256:
                plan.touch[key] = FileRecord(
                    rec.id, st.st_size, st.st_mtime_ns, rec.sha256, rec.catalog, rec.duplicate_of
                )
            else:
                plan.change.append(cf)
    for key, rec in known.items():
        if key not in present:
            plan.remove.append((key, rec.id))
    # A duplicate whose indexed twin goes or changes is read again (it may now be the one indexed).
    gone = {rec.id for key, rec in known.items() if not rec.duplicate_of and key not in present}
    gone |= {known[str(cf.path)].id for cf in plan.change if str(cf.path) in known}
    queued = {str(cf.path) for cf in plan.add + plan.change}
    by_path = {str(cf.path): cf for cf in files}
    for key, rec in known.items():
        if rec.duplicate_of in gone and key in by_path and key not in queued:
            plan.change.append(by_path[key])
    return plan


def needs_rebuild(manifest: Manifest | None, index_dir: Path) -> str | None:
    """Why the index must be built from scratch, or None."""
    if manifest is None:
        return "no index yet" if not (index_dir / "manifest.json").exists() else "the manifest is unreadable"
    current = pipeline_fingerprint()
    if manifest.pipeline != current:
        (was, old), (now, new) = _parts(manifest.pipeline), _parts(current)
        if was == now and old != new:
            keys = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
            changed = ", ".join(f"{k} {old.get(k, 'none')} -> {new.get(k, 'none')}" for k in keys)
            return f"the packages that read documents changed: {changed}"
        return "the index was built by another version of perucases"
    if current_generation(index_dir, manifest.indexname) is None:
        return "the index files are missing"
    return None
