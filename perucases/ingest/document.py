"""A `Document`: one file read, decoded, cleaned and described."""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from perucases.dates import PartialDate
from perucases.ingest import limits
from perucases.ingest.capture import caught, summary
from perucases.ingest.clean import Paragraph, clean
from perucases.ingest.corpus import CorpusFile, NotRegular, open_regular
from perucases.ingest.decode import SkipFile
from perucases.ingest.limits import human_size
from perucases.ingest.metadata import Metadata, apply_catalog, apply_source_meta, apply_text_date, infer
from perucases.ingest.readers import reader_for

DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024


@dataclass
class Document:
    id: str
    path: str
    original: str  # the decoded text of the file: paragraph offsets point into it
    paragraphs: list[Paragraph]
    meta: Metadata
    sha256: str
    size: int
    mtime_ns: int
    encoding: str
    warnings: list[str] = field(default_factory=list)
    # Filled by the extract stage (perucases.extract) before indexing:
    mentions: list = field(default_factory=list)  # entities.Mention
    entities: dict = field(default_factory=dict)  # key -> entities.EntityInfo
    events: list = field(default_factory=list)  # events.Event

    @property
    def words(self) -> int:
        return sum(p.words for p in self.paragraphs)

    @property
    def date(self) -> PartialDate | None:
        return self.meta.date


def parse_size(text: str) -> int:
    """'100M', '500K', '2G', '1.5MB' or bytes -> bytes."""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*", text.lower())
    if not m:
        raise ValueError(f"not a size: {text!r} (use bytes or K, M, G: 100M)")
    value = float(m.group(1)) * {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[m.group(2)]
    if value < 1:
        raise ValueError(f"a size limit must be at least one byte: {text!r}")
    return int(value)


def file_stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _read_up_to(fh, size: int, max_size: int) -> bytes:
    """The file's bytes, read up to one past MAX_SIZE (the limit is on what is read: the file may
    have grown since it was measured at SIZE bytes)."""
    parts = [fh.read(min(size, max_size) + 1)]
    got = len(parts[0])
    while got <= max_size and len(parts[-1]):
        parts.append(fh.read(min(1 << 20, max_size + 1 - got)))
        got += len(parts[-1])
    return b"".join(parts)


def ingest_file(
    cf: CorpusFile, catalog: dict[str, dict] | None = None, max_size: int = DEFAULT_MAX_FILE_SIZE
) -> Document:
    """Read and clean one file. Raises SkipFile with the reason when it cannot be indexed."""
    reader = reader_for(cf.path)
    if reader is None:
        raise SkipFile(f"unsupported file type {cf.path.suffix or '(none)'}")
    try:
        size, mtime_ns = file_stat(cf.path)
        if size > max_size:
            raise SkipFile(f"larger than the size limit of {human_size(max_size)} ({size} bytes; see --max-file-size)")
        limits.before_opening(cf.path.suffix, size)  # a 200 MB text is not read to be refused
        with open_regular(cf.path) as fh:  # a FIFO or a device is refused, never waited on
            data = _read_up_to(fh, size, max_size)
        if len(data) > max_size:
            raise SkipFile(
                f"larger than the size limit of {human_size(max_size)} (it grew while being read; see --max-file-size)"
            )
    except NotRegular as exc:
        raise SkipFile(exc.strerror) from None
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
    limits.before_reading(cf.path.suffix, data, max_size)  # what reading it would cost, bounded
    with caught() as said:  # pypdf, trafilatura: their warnings, said once on the file's own line
        source = reader(cf.path, data)
    limits.after_reading(source.text)
    extra = summary(said)
    cleaned = clean(source.text, markdown=source.markdown, structured=source.structured, title=source.meta.get("title"))
    if not cleaned.paragraphs:
        raise SkipFile("no text left after cleaning")
    meta = infer(cleaned)
    apply_text_date(meta, source.text, source.pages)
    apply_source_meta(meta, source.meta)
    if source.pages:
        for p in cleaned.paragraphs:
            p.page = bisect.bisect_right(source.pages, p.start)
    entry = None
    if catalog:
        entry = catalog.get(cf.id) or catalog.get(cf.path.name)
    apply_catalog(meta, entry)
    warnings = [w for w in (source.warning, extra) if w]
    return Document(
        id=cf.id,
        path=str(cf.path),
        original=source.text,
        paragraphs=cleaned.paragraphs,
        meta=meta,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mtime_ns=mtime_ns,
        encoding=source.encoding,
        warnings=warnings,
    )
