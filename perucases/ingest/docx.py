"""DOCX: paragraphs, headings and the text of tables (python-docx), in document order."""

from __future__ import annotations

import io
from pathlib import Path

from perucases.ingest.decode import SkipFile
from perucases.ingest.people import plausible_title
from perucases.ingest.source import Source


def read_docx(path: Path, data: bytes) -> Source:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover - a dependency
        raise SkipFile("python-docx is not installed") from None
    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zipfile, lxml and python-docx errors: a damaged or foreign file
        raise SkipFile(f"damaged DOCX: {type(exc).__name__}: {exc}"[:200]) from None
    blocks: list[str] = []
    title = None
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, d)
            t = " ".join(p.text.split())
            if not t:
                continue
            style = (p.style.name if p.style is not None else "") or ""
            if title is None and style in ("Title", "Heading 1"):
                title = t
            blocks.append(t)
        elif tag == "tbl":
            for row in Table(child, d).rows:
                cells: list[str] = []
                for cell in row.cells:
                    c = " ".join(cell.text.split())
                    if c and (not cells or cells[-1] != c):  # merged cells repeat their text
                        cells.append(c)
                if cells:
                    blocks.append(" | ".join(cells))
    if not blocks:
        raise SkipFile("no text in the DOCX file")
    meta: dict = {}
    props = d.core_properties
    own = (props.title or "").strip()
    if own and plausible_title(own):
        meta["title"] = own
    elif title:
        meta["title"] = title
    if props.author:
        meta["authors"] = [props.author.strip()]
    if props.language:
        meta["language"] = props.language[:2].lower()
    return Source("\n\n".join(blocks) + "\n", "docx", structured=True, meta=meta)
