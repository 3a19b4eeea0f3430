"""Documents: the list with their metadata, ids resolved from prefixes, one document's text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh import query as Q

from perucases.errors import InvalidArgument, LibraryError, NotFound, check_text, shorten
from perucases.index import records
from perucases.index.manifest import Manifest
from perucases.library.filters import Filters

if TYPE_CHECKING:
    from perucases.library.library import Library


@dataclass
class DocInfo:
    id: str
    title: str | None
    publisher: str | None
    date: str | None
    date_source: str | None
    language: str | None
    url: str | None
    path: str
    words: int
    paragraphs: int
    authors: list[str] = field(default_factory=list)  # people named as authors (page metadata, catalog)
    duplicates: list[str] = field(default_factory=list)  # other files with the same content (not indexed again)


@dataclass
class ParagraphText:
    n: int
    text: str  # cleaned, normalised
    start: int  # character offsets of the paragraph in the original text
    end: int
    original: str  # the original characters, hard line breaks folded to spaces
    page: int | None = None  # PDF: the page the paragraph starts on


@dataclass
class DocText:
    info: DocInfo
    paragraphs: list[ParagraphText]


def docs(lib: Library, filters: Filters | None = None) -> list[DocInfo]:
    fq = (filters or Filters()).queries()
    s = lib.searcher()
    rows = [info(st) for st in records.doc_records(s, Q.And(fq) if fq else None)]
    dups = duplicates(lib)
    for r in rows:
        r.duplicates = dups.get(r.id, [])
    return sorted(rows, key=lambda d: d.id)


def ids(lib: Library) -> list[str]:
    """The ids of the documents in the index, sorted."""
    s = lib.searcher()
    return live(lib, sorted({t.decode("utf-8") for t in s.lexicon("id")}))


def live(lib: Library, ids: list[str]) -> list[str]:
    """The ids that are documents now (the id lexicon keeps removed ones until a merge)."""
    s = lib.searcher()
    return [i for i in ids if s.document_number(key=i) is not None]


def resolve(lib: Library, prefix: str) -> str:
    """A full id from an id or a unique prefix of one (`003` -> `003_ed39d894751b7a98`)."""
    check_text(prefix, "the document id")
    prefix = prefix.strip()
    if not prefix:
        raise InvalidArgument("empty document id", param="doc")
    if live(lib, [prefix]):  # an exact id: one lookup, no scan of the corpus's ids
        return prefix
    s = lib.searcher()
    candidates = sorted({t.decode("utf-8") for t in s.reader().expand_prefix("id", prefix)})
    matches = live(lib, candidates)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(f"no document with id {shorten(prefix)!r} (perucases docs lists them)")
    shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
    raise InvalidArgument("id {prefix!r} is ambiguous: {shown}", param="doc", prefix=shorten(prefix), shown=shown)


def document(lib: Library, doc_id: str) -> DocText:
    doc_id = lib.resolve(doc_id)
    s = lib.searcher()
    stored = s.document(key=doc_id)
    src = records.source(s, doc_id)
    texts = {st["para"]: records.body_text(st) for st in records.paragraphs(s, doc_id)}
    original = src["original"]
    paras = []
    for n, (start, end, _pairs, *rest) in enumerate(src["paragraphs"], 1):
        quote = " ".join(original[start:end].split())
        paras.append(ParagraphText(n, texts.get(n, ""), start, end, quote, rest[0] if rest else None))
    return DocText(info(stored), paras)


def raw(lib: Library, doc_id: str) -> bytes:
    path = lib.document(doc_id).info.path
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise LibraryError(f"{path}: cannot read the original file: {exc.strerror or exc}") from None


def paths(lib: Library) -> dict[str, str]:
    """Document id -> the file it was read from."""
    return {d.id: d.path for d in lib.docs()}


def info(stored: dict) -> DocInfo:
    m = stored["meta"]
    return DocInfo(
        stored["id"],
        m.get("title"),
        m.get("publisher"),
        m.get("date"),
        m.get("date_source"),
        m.get("language"),
        m.get("url"),
        m["path"],
        m["words"],
        m["paragraphs"],
        m.get("authors") or [],
    )


def duplicates(lib: Library) -> dict[str, list[str]]:
    """Document id -> the paths of files with the same content, recorded but not indexed."""
    manifest = Manifest.load(lib.index_dir)
    out: dict[str, list[str]] = {}
    for path, rec in sorted((manifest.files if manifest else {}).items()):
        if rec.duplicate_of:
            out.setdefault(rec.duplicate_of, []).append(path)
    return out
