"""What one file may cost: limits on what is read from it, whatever its size on disk.

The size limit (--max-file-size, 100 MB by default) is on the bytes of the file. These are on
what reading it produces, so that no one file, however small on disk, can take the memory or
the time of a whole build (a 4 MB DOCX that inflates to 1.5 GB of XML, a 20 MB text of one
line, a page of 200,000 unclosed tags):

- the text extracted from any file: at most MAX_TEXT characters. Reading, cleaning, extracting
  and indexing cost about 55 bytes of memory and (on a 2-core development machine) 10 to 20
  microseconds a character, so one document takes at most about 110 MB and half a minute;
- a DOCX file: its parts, decompressed, within the size limit (the limit applies to what is
  read, not to the zip file), and its XML parts within MAX_DOCX_XML;
- an HTML page: at most MAX_MARKUP bytes and MAX_HTML_TAGS elements (the extractor's time and
  memory grow with the number of elements);
- a PDF: its text is counted page by page as it is extracted, and the reading stops at
  MAX_TEXT; pypdf bounds each stream it decompresses (75 MB).

A file over a limit is skipped with a warning naming it and the limit, like any file that cannot
be used. The checks are made at the entry of ingestion (perucases.ingest.document), before the
format's reader runs, where they can be.
"""

from __future__ import annotations

import re

from perucases.ingest.decode import SkipFile

MAX_TEXT = 2_000_000  # characters of text from one file
MAX_DOCX_XML = 32 * 1024 * 1024  # bytes of XML in a DOCX file, decompressed
MAX_MARKUP = 32 * 1024 * 1024  # bytes of an HTML page
MAX_HTML_TAGS = 100_000  # elements (start tags) of an HTML page

_TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_START_TAG = re.compile(rb"<[A-Za-z]")


def _n(value: int) -> str:
    return f"{value:,}"


def _mb(value: int) -> str:
    return human_size(value)


def human_size(n: int) -> str:
    """N bytes for a person: 100 MB, 1.5 GB, 512 bytes."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            v = n / scale
            return f"{v:.0f} {unit}" if v == int(v) else f"{v:.1f} {unit}"
    return f"{n} bytes"


def before_opening(suffix: str, size: int) -> None:
    """Refuse, from its size alone, a file whose bytes could not hold text within the limits (a
    text file of more than 4 bytes a character of MAX_TEXT, an HTML page over MAX_MARKUP), so
    that it is not even read."""
    suffix = suffix.lower()
    if suffix in _TEXT_SUFFIXES and size > 4 * MAX_TEXT:  # even at 4 bytes a character
        raise SkipFile(f"more text than the limit of {_n(MAX_TEXT)} characters a file ({_mb(size)})")
    if suffix in _HTML_SUFFIXES and size > MAX_MARKUP:
        raise SkipFile(f"an HTML page larger than the limit of {_mb(MAX_MARKUP)} ({_mb(size)})")


def before_reading(suffix: str, data: bytes, max_size: int) -> None:
    """Refuse, before its reader runs, a file whose reading would cost more than the limits
    allow (SkipFile with the reason)."""
    suffix = suffix.lower()
    before_opening(suffix, len(data))  # (the file may have grown since it was measured)
    if suffix in _HTML_SUFFIXES:
        for tags, _ in enumerate(_START_TAG.finditer(data), 1):
            if tags > MAX_HTML_TAGS:
                raise SkipFile(f"an HTML page with more than {_n(MAX_HTML_TAGS)} elements")
    elif suffix == ".docx":
        _check_zip(data, max_size)


def _check_zip(data: bytes, max_size: int) -> None:
    """A DOCX's parts, as its zip directory declares them decompressed. zipfile never
    decompresses a part past its declared size (a part that lies about it fails its CRC check
    and the file is refused as damaged), so this bounds what python-docx reads."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # the reader says what is wrong with it
    total = sum(i.file_size for i in infos)
    if total > max_size:
        raise SkipFile(
            f"a DOCX file that decompresses to {_mb(total)}, over the size limit of {_mb(max_size)} "
            f"(see --max-file-size)"
        )
    xml = sum(i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels")))
    if xml > MAX_DOCX_XML:
        raise SkipFile(f"a DOCX file with {_mb(xml)} of XML, over the limit of {_mb(MAX_DOCX_XML)}")


def after_reading(text: str) -> None:
    """Refuse a file whose text is over MAX_TEXT characters."""
    if len(text) > MAX_TEXT:
        raise SkipFile(f"more text than the limit of {_n(MAX_TEXT)} characters a file ({_n(len(text))})")


def text_so_far(chars: int) -> None:
    """For readers that extract text piece by piece (a PDF, page by page): stop at MAX_TEXT."""
    if chars > MAX_TEXT:
        raise SkipFile(f"more text than the limit of {_n(MAX_TEXT)} characters a file (stopped reading at {_n(chars)})")
