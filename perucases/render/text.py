"""The text views of `perucases show` (a metadata header and numbered paragraphs) and of
`perucases entity` (a report). Document text is made safe for a terminal."""

from __future__ import annotations

import sys

from perucases.render.locators import locator
from perucases.render.output import console, rich_text, safe_text


def documents(selected, out=None) -> None:
    """show: each document's metadata, then the paragraphs shown, from (DocText, [ParagraphText]) pairs."""
    out = out or sys.stdout
    for k, (d, paras) in enumerate(selected):
        i = d.info
        if k:
            out.write("\n")
        date = f"{i.date} ({i.date_source})" if i.date else "unknown"
        out.write(f"id:        {i.id}\n")
        out.write(f"title:     {safe_text(i.title or 'unknown')}\n")
        out.write(f"publisher: {safe_text(i.publisher or 'unknown')}\n")
        if i.authors:
            out.write(f"authors:   {safe_text('; '.join(i.authors))}\n")
        out.write(f"date:      {date}\n")
        out.write(f"language:  {i.language or 'unknown'}\n")
        out.write(f"url:       {safe_text(i.url or 'unknown')}\n")
        out.write(f"path:      {safe_text(i.path)}\n")
        out.write(f"size:      {i.words} words, {i.paragraphs} paragraphs\n")
        for p in paras:
            page = f" (p. {p.page})" if p.page else ""
            out.write(f"\n[{p.n}]{page} {safe_text(p.text)}\n")
    out.flush()


def entity(d, out=None) -> None:
    """entity: its names, documents, every mention in context, who it appears with, its dated events."""
    con = console(out)
    con.print(f"{safe_text(d.name)}  ({d.type})")
    if d.description:
        con.print(safe_text(d.description))
    con.print(f"aliases:   {safe_text('; '.join(d.aliases))}")
    con.print(f"documents: {'; '.join(d.documents)}")
    con.print(f"\nmentions ({len(d.mentions)}):")
    for m in d.mentions:
        line = rich_text(m.context)
        line.pad_left(2)
        con.print(f"  {locator(m.id, m.paragraph, short=False)}", end="  ")
        con.print(line)
    if d.cooccurs:
        con.print("\nappears with (paragraphs shared):")
        for c in d.cooccurs:
            con.print(f"  {c.count:>3}  {safe_text(c.name)} ({c.type})")
    if d.events:
        con.print("\ndated events:")
        for e in d.events:
            where = locator(e["id"], e["paragraph"], short=False, whole="published")
            con.print(f"  {e['date']:<12} {safe_text(e['sentence'])}  ({where})")
