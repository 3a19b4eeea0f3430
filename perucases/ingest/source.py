"""`Source`: what a reader makes of a file's bytes (the text, its encoding, what the file says
of itself). A leaf module: the readers (perucases.ingest.readers and the format modules it
calls) and the cleaner all import it, and it imports none of them."""

from __future__ import annotations

from dataclasses import dataclass, field


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
