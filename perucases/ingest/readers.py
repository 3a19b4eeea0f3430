"""Readers: one small function a file format, each turning a file's bytes into `Source` text.

A reader decodes and extracts text; the cleaner then treats every format alike. Plain text and
Markdown are read as they are; HTML (perucases.ingest.html), PDF (perucases.ingest.pdf) and DOCX
(perucases.ingest.docx) are extracted to text first, and that text is what offsets and quotes
refer to. Each heavy library is imported only when a file of its kind is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from perucases.ingest.decode import decode


@dataclass(frozen=True)
class Source:
    text: str  # the text quotes are taken from; offsets point into it
    encoding: str
    markdown: bool = False
    # The reader laid the text out in paragraphs, one a line (HTML, PDF, DOCX): see ingest.clean.
    structured: bool = False
    warning: str | None = None
    # What the file says of itself (HTML meta tags, JSON-LD, PDF and DOCX properties): title,
    # publisher, date (ISO, at the precision known), authors, url, language.
    meta: dict = field(default_factory=dict)
    pages: tuple[int, ...] = ()  # PDF: where each page starts in `text` (page 1 at pages[0])


def read_plain(path: Path, data: bytes) -> Source:
    d = decode(data)
    return Source(d.text, d.encoding, markdown=False, warning=d.warning)


def read_markdown(path: Path, data: bytes) -> Source:
    d = decode(data)
    return Source(d.text, d.encoding, markdown=True, warning=d.warning)


def read_html(path: Path, data: bytes) -> Source:
    from perucases.ingest.html import read_html as read

    return read(path, data)


def read_pdf(path: Path, data: bytes) -> Source:
    from perucases.ingest.pdf import read_pdf as read

    return read(path, data)


def read_docx(path: Path, data: bytes) -> Source:
    from perucases.ingest.docx import read_docx as read

    return read(path, data)


READERS: dict[str, Callable[[Path, bytes], Source]] = {
    ".txt": read_plain,
    ".text": read_plain,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
}


def reader_for(path: Path) -> Callable[[Path, bytes], Source] | None:
    return READERS.get(path.suffix.lower())
