"""Output of `perucases cite` beyond the shared formats: Markdown notes and reference lists.

Its rows and columns (quotes, references, cited works, checks) are in perucases.render.columns.
"""

from __future__ import annotations

from perucases.cite.verify import marker, md_escape


def quotes_markdown(quotes, note_style: bool) -> str:
    """Each quote as a block quote, its citation (with locator) and reference, and a marker
    that `cite verify` reads back."""
    out = []
    for q in quotes:
        lines = [f"> {md_escape(q.quote)}", ">", f"> — {q.citation}"]
        if not note_style and q.reference:
            lines += [">", f"> {q.reference}"]
        lines.append(marker(q))
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def references_text(rows: list[dict], markdown: bool = False) -> str:
    """A reference a line (a Markdown list with markdown=True), from reference rows."""
    bullet = "- " if markdown else ""
    return "".join(f"{bullet}{r['reference']}\n" for r in rows)
