"""Check the quotes of a notes file against their sources, before publication.

`cite --format md` writes each quote as a Markdown block quote followed by a marker comment:

    > The quoted sentence, exactly as the source has it.
    >
    > — (Human Rights Watch, 2000, para. 5)
    <!-- perucases-quote id=000_ca4e617775ace81b para=5 sentence=1 start=2013 end=2164 sha256=9f2c51d0e4a1 -->

For each marker, the first paragraph of the block quote above it is compared with the source
file as it is now: `ok` (the file's text at start:end is the quote), `moved` (the quote is in
the file, elsewhere), `changed` (it is not: the file or the quote was edited), `not-found` (no
such document in the index, or its file cannot be read).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from perucases.cite.csl import md_escape_inline
from perucases.cite.quotes import ELLIPSIS, fold

MARKER = re.compile(r"<!--\s*perucases-quote\s+(.*?)\s*-->")
_ATTR = re.compile(r"(\w+)=(\S+)")
_ID_SAFE = "/_-.()+,:@"
_UNESCAPE = re.compile(r"\\([\\`*_\[\]<>#])")


def md_escape(text: str) -> str:
    """Escape what Markdown would read as markup, so that the quote renders as written."""
    out = md_escape_inline(text)
    return "\\" + out if out[:1] == "#" else out


def quote_id(doc_id: str) -> str:
    """A document id as one token of a marker (ids are paths: they may hold spaces)."""
    return quote(doc_id, safe=_ID_SAFE)


def marker(q) -> str:
    cut = "both" if q.cut_start and q.cut_end else "start" if q.cut_start else "end" if q.cut_end else "none"
    return (
        f"<!-- perucases-quote id={quote_id(q.id)} para={q.paragraph} sentence={q.sentence} start={q.start} "
        f"end={q.end} cut={cut} sha256={q.sha256} -->"
    )


@dataclass
class Check:
    line: int  # the marker's line in the notes file
    id: str
    paragraph: int | None
    start: int | None
    end: int | None
    status: str  # ok, moved, changed, not-found
    detail: str
    quote: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _quote_above(lines: list[str], i: int) -> str | None:
    """The first paragraph of the block quote that ends just above line I."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j < 0 or not lines[j].lstrip().startswith(">"):
        return None
    top = j
    while top - 1 >= 0 and lines[top - 1].lstrip().startswith(">"):
        top -= 1
    para: list[str] = []
    for line in lines[top : j + 1]:
        body = line.lstrip()[1:]
        body = body[1:] if body.startswith(" ") else body
        if not body.strip():
            if para:
                break
            continue
        para.append(body.strip())
    return _UNESCAPE.sub(r"\1", " ".join(para)) if para else None


def current_text(path: str) -> tuple[str, str]:
    """The decoded text of a source file as it is now, and its short hash."""
    from perucases.ingest.readers import reader_for

    p = Path(path)
    data = p.read_bytes()
    reader = reader_for(p)
    if reader is None:
        raise OSError("unsupported file type")
    return reader(p, data).text, hashlib.sha256(data).hexdigest()[:12]


def _number(attrs: dict[str, str], key: str) -> int | None:
    v = attrs.get(key)
    return int(v) if v and v.isdigit() else None


def verify(notes: str, lib) -> list[Check]:
    lines = [ln.rstrip("\r") for ln in notes.split("\n")]  # a quote may hold a form feed: only \n ends a line
    docs: dict[str, tuple[str, str] | OSError] = {}  # document id -> (its text, its hash), or why it cannot be read
    out = []
    for i, line in enumerate(lines):
        m = MARKER.search(line)
        if not m:
            continue
        attrs = dict(_ATTR.findall(m.group(1)))
        doc_id = unquote(attrs.get("id", ""))
        quote = _quote_above(lines, i) or ""
        cut = attrs.get("cut", "none")
        text = quote
        if cut in ("start", "both") and text.startswith(ELLIPSIS):
            text = text[1:].lstrip(" ")
        if cut in ("end", "both") and text.endswith(ELLIPSIS):
            text = text[:-1].rstrip(" ")

        para, start, end = (_number(attrs, key) for key in ("para", "start", "end"))
        row = Check(i + 1, doc_id, para, start, end, "not-found", "", quote)
        out.append(row)
        if not quote or start is None or end is None:
            row.detail = "the marker has no block quote above it, or no start/end"
            continue
        try:
            full = lib.resolve(doc_id)
        except Exception:
            row.detail = f"no document {doc_id!r} in the index"
            continue
        if full not in docs:
            try:
                docs[full] = current_text(lib.document(full).info.path)
            except OSError as exc:
                docs[full] = exc
        got = docs[full]
        if isinstance(got, OSError):
            row.detail = f"cannot read the source file: {got.strerror or got}"
            continue
        original, sha = got
        same_file = sha == attrs.get("sha256")
        if fold(original[start:end]) == text:
            row.status = "ok"
            row.detail = "matches the source" if same_file else "matches the source (the file has changed elsewhere)"
            continue
        folded = fold(original)
        at = folded.find(text)
        if at >= 0:
            row.status = "moved"
            row.detail = "the quote is in the source, at other offsets: run cite again for its locator"
        else:
            row.status = "changed"
            now = fold(original[start:end])
            row.detail = ("the source file has changed" if not same_file else "the quote differs from the source") + (
                f"; the source now reads: {now[:120]!r}" if now else ""
            )
    return out
