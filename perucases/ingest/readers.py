"""Readers: one small function a file format, each turning a file's bytes into `Source` text.

A reader decodes and extracts text; the cleaner then treats every format alike. Plain text and
Markdown are read as they are; HTML (perucases.ingest.html), PDF (perucases.ingest.pdf) and DOCX
(perucases.ingest.docx) are extracted to text first, and that text is what offsets and quotes
refer to. Each heavy library is imported only when a file of its kind is read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from perucases.ingest.decode import decode
from perucases.ingest.source import Source

__all__ = ["READERS", "Source", "reader_for"]


def read_plain(path: Path, data: bytes) -> Source:
    d = decode(data)
    return Source(d.text, d.encoding, markdown=False, warning=d.warning)


def read_markdown(path: Path, data: bytes) -> Source:
    d = decode(data)
    return Source(d.text, d.encoding, markdown=True, warning=d.warning)


def read_html(path: Path, data: bytes) -> Source:
    from perucases.ingest.html import read_html as read  # (only now: its library loads only for such a file)

    return read(path, data)


def read_pdf(path: Path, data: bytes) -> Source:
    from perucases.ingest.pdf import read_pdf as read  # (only now: its library loads only for such a file)

    return read(path, data)


def read_docx(path: Path, data: bytes) -> Source:
    from perucases.ingest.docx import read_docx as read  # (only now: its library loads only for such a file)

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
