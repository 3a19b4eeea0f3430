"""Readers: one small function a file format, each turning a file's bytes into `Source` text.

A reader decodes and extracts text; the cleaner then treats every format alike. HTML, PDF and
DOCX readers plug in here (a later issue) by adding to `READERS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from perucases.ingest.decode import decode


@dataclass(frozen=True)
class Source:
    text: str  # the text quotes are taken from; offsets point into it
    encoding: str
    markdown: bool = False
    warning: str | None = None


def read_plain(path: Path, data: bytes) -> Source:
    d = decode(data)
    return Source(d.text, d.encoding, markdown=False, warning=d.warning)


def read_markdown(path: Path, data: bytes) -> Source:
    d = decode(data)
    return Source(d.text, d.encoding, markdown=True, warning=d.warning)


READERS: dict[str, Callable[[Path, bytes], Source]] = {
    ".txt": read_plain,
    ".text": read_plain,
    ".md": read_markdown,
    ".markdown": read_markdown,
}


def reader_for(path: Path) -> Callable[[Path, bytes], Source] | None:
    return READERS.get(path.suffix.lower())
