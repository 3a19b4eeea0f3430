"""Locators: where in the corpus a fact is, as people read it ("003 p.4 ¶2 s1").

The one place that spells them, for every command's output and for the library's values that are
locators (an entity pair's shared paragraphs). A leaf module: it imports nothing.
"""

from __future__ import annotations


def short_id(doc_id: str) -> str:
    """003_ed39d894751b7a98 -> 003 in locators; other ids as they are."""
    head = doc_id.split("_", 1)[0]
    return head if "_" in doc_id and head.isdigit() else doc_id


def locator(
    doc_id: str,
    paragraph: int | None = None,
    sentence: int | None = None,
    page: int | None = None,
    *,
    short: bool = True,
    whole: str | None = None,
) -> str:
    """ "003 p.4 ¶2 s1": the document (its short id, or the whole id with short=False), the PDF page
    if known, the paragraph, the sentence if given. With WHOLE, a fact with no paragraph is
    located in the document as a whole: "003 (published)", "003 (title)"."""
    head = short_id(doc_id) if short else doc_id
    if whole is not None and not paragraph:
        return f"{head} ({whole})"
    where = f"{head}{f' p.{page}' if page else ''} ¶{paragraph}"
    return where if sentence is None else f"{where} s{sentence}"
