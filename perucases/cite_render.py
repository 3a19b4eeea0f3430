"""Output of `perucases cite`: quote rows, Markdown notes, reference lists, exports."""

from __future__ import annotations

from perucases.cite.verify import marker, md_escape
from perucases.render import Column, short_id

QUOTE_COLUMNS = [
    Column("rank", "#", justify="right", no_wrap=True, optional=True),
    Column("quote", ratio=3, min_width=24),
    Column("citation", "source", ratio=2, min_width=16),
    Column("locator", "where", no_wrap=True),
    Column("id", table=False),
    Column("paragraph", table=False),
    Column("sentence", table=False),
    Column("page", table=False),
    Column("start", table=False),
    Column("end", table=False),
    Column("cut_start", table=False),
    Column("cut_end", table=False),
    Column("text", table=False),
    Column("sha256", table=False),
    Column("title", table=False),
    Column("publisher", table=False),
    Column("date", table=False),
    Column("reference", table=False),
    Column("style", table=False),
    Column("score", table=False),
]
REFERENCE_COLUMNS = [
    Column("id", no_wrap=True),
    Column("reference", ratio=3, min_width=30),
    Column("citation", table=False),
    Column("style", table=False),
]
SOURCE_COLUMNS = [
    Column("kind", no_wrap=True),
    Column("work", ratio=2, min_width=20),
    Column("publisher", optional=True),
    Column("date", no_wrap=True, optional=True),
    Column("locator", "where", no_wrap=True),
    Column("text", "sentence", ratio=3, min_width=20),
    Column("id", table=False),
    Column("paragraph", table=False),
    Column("sentence", table=False),
    Column("start", table=False),
    Column("end", table=False),
]
CHECK_COLUMNS = [
    Column("line", justify="right", no_wrap=True),
    Column("status", no_wrap=True),
    Column("id", no_wrap=True),
    Column("paragraph", "¶", justify="right"),
    Column("detail", ratio=2, min_width=20),
    Column("quote", ratio=2, min_width=20, optional=True),
    Column("start", table=False),
    Column("end", table=False),
]


def quote_rows(quotes) -> list[dict]:
    rows = []
    for rank, q in enumerate(quotes, 1):
        rows.append({
            "rank": rank, "id": q.id, "paragraph": q.paragraph, "sentence": q.sentence, "start": q.start,
            "end": q.end, "quote": q.quote, "cut_start": q.cut_start, "cut_end": q.cut_end, "sha256": q.sha256,
            "title": q.title, "publisher": q.publisher, "date": q.date, "citation": q.citation,
            "reference": q.reference, "style": q.style, "score": q.score, "text": q.text,
            "locator": f"{short_id(q.id)}{f' p.{q.page}' if q.page else ''} ¶{q.paragraph} s{q.sentence}",
            "page": q.page,
        })
    return rows


def quotes_markdown(quotes, note_style: bool) -> str:
    """Each quote as a block quote, its citation (with locator) and reference, and a marker
    that `cite --verify` reads back."""
    out = []
    for q in quotes:
        lines = [f"> {md_escape(q.quote)}", ">", f"> — {q.citation}"]
        if not note_style and q.reference:
            lines += [">", f"> {q.reference}"]
        lines.append(marker(q))
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def reference_rows(formatted) -> list[dict]:
    return [{"id": i, "reference": entry, "style": formatted.style} for i, entry in formatted.bibliography]


def source_rows(works) -> list[dict]:
    rows = []
    for w in works:
        rows.append({"id": w.id, "paragraph": w.paragraph, "sentence": w.sentence, "kind": w.kind, "work": w.work,
                     "publisher": w.publisher, "date": w.date, "start": w.start, "end": w.end, "text": w.text,
                     "locator": f"{short_id(w.id)} ¶{w.paragraph} s{w.sentence}"})
    return rows


def check_rows(checks) -> list[dict]:
    return [{"line": c.line, "status": c.status, "id": c.id, "paragraph": c.paragraph, "start": c.start,
             "end": c.end, "detail": c.detail, "quote": c.quote} for c in checks]
