"""Citations: references in a CSL style, exports (BibTeX, RIS, CSL-JSON), quotes with their
citations, a notes file's quotes checked against their sources, what a document itself cites.

The citation modules (perucases.cite.*: the CSL processor, the exporters) load only when one of
these is called: a Library that only searches never loads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from perucases.index import records

if TYPE_CHECKING:
    from perucases.library.library import Library


def references(lib: Library, style: str, ids: list[str] | None = None, cites=None, markup: str = "plain"):
    """The references of the documents IDS (all when None) in a CSL STYLE, and CITES
    (perucases.cite.csl.Cite: a document and a paragraph) as in-text citations or notes."""
    from perucases.cite.csl import format_references  # (only now: see the module's note)

    cites = cites or []
    wanted = list(dict.fromkeys([*(ids or []), *(c.id for c in cites)])) if ids is not None or cites else None
    return format_references(lib.csl_items(wanted), style, cites, markup)


def cite(lib: Library, text: str, style: str = "chicago", markup: str = "plain", **options):
    """quotes() with each quote's citation (paragraph locator included) and reference in STYLE."""
    from perucases.cite.csl import Cite  # (only now: see the module's note)

    found = lib.quotes(text, **options)
    if found:
        refs = lib.references(style, [], [Cite(q.id, q.paragraph, q.page) for q in found], markup)
        for q, citation in zip(found, refs.citations, strict=False):
            q.citation, q.reference, q.style = citation, refs.entries.get(q.id), refs.style
    return found


def export(lib: Library, fmt: str, ids: list[str] | None = None) -> str:
    """The references of IDS (all when None) as bibtex, ris or csl-json text."""
    from perucases.cite import export as ex  # (only now: see the module's note)
    from perucases.cite.csl import csl_item

    found = metas(lib, ids)
    items = [csl_item(doc_id, meta) for doc_id, meta in found]
    if fmt == "csl-json":
        return ex.csl_json(items)
    kinds = {doc_id: meta.get("doctype") for doc_id, meta in found}
    return {"bibtex": ex.bibtex, "ris": ex.ris}[fmt](items, kinds)


def metas(lib: Library, ids: list[str] | None = None) -> list[tuple[str, dict]]:
    """(id, stored metadata) of the documents IDS (all when None), in id order."""
    s = lib.searcher()
    # With IDS, only the documents asked for: a corpus may hold many thousands.
    wanted = None if ids is None else {lib.resolve(i) for i in ids}
    stored = list(records.doc_records(s)) if wanted is None else [s.document(key=i) for i in wanted]
    return sorted(((st["id"], st["meta"]) for st in stored if st is not None), key=lambda t: t[0])


def csl_items(lib: Library, ids: list[str] | None = None) -> list[dict]:
    """CSL-JSON items of the documents IDS (all documents when None), in id order."""
    from perucases.cite.csl import csl_item  # (only now: see the module's note)

    return [csl_item(doc_id, meta) for doc_id, meta in metas(lib, ids)]


def verify(lib: Library, text: str):
    """Check every quote of a notes file (Markdown written by `cite --format md`)."""
    from perucases.cite.verify import verify as check  # (only now: see the module's note)

    return check(text, lib)


def cited_works(lib: Library, doc: str):
    """What one document refers to (reports, articles, treaties and laws), each with the
    sentence it comes from: a list of perucases.cite.sources.CitedWork."""
    from perucases.cite.sources import cited_works as works_in  # (only now: see the module's note)

    doc_id = lib.resolve(doc)
    types = {k: e.type for k, e in lib.entity_table().items()}
    s = lib.searcher()
    src = records.source(s, doc_id)
    paras = {st["para"]: (records.body_text(st), st.get("ments", [])) for st in records.paragraphs(s, doc_id)}
    rows = [
        (n, paras.get(n, ("", []))[0], pairs, paras.get(n, ("", []))[1])
        for n, (_start, _end, pairs, *_page) in enumerate(src["paragraphs"], 1)
    ]
    return works_in(doc_id, rows, src["original"], types)
