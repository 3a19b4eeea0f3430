"""Document metadata: what the text states about itself, completed by a catalog file.

Inference reads only the page's own header and chrome (its title line, title suffix, site banner,
dateline), never the body: "Amnesty International said" in a Peru Support Group page does not make
Amnesty the publisher. Anything unknown stays empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from perucases.dates import PartialDate, parse_partial_date
from perucases.ingest.clean import WORD, Cleaned, publisher_names
from perucases.ingest.normalize import normalize_text
from perucases.ingest.people import organisation_name, person_names, plausible_title
from perucases.resources import data_toml, stopwords


@dataclass
class Metadata:
    title: str | None = None
    publisher: str | None = None
    date: PartialDate | None = None
    date_source: str | None = None
    language: str | None = None
    url: str | None = None
    doctype: str | None = None
    note: str | None = None
    authors: list[str] = field(default_factory=list)  # people, as written ("Jo-Marie Burt", "Burt, Jo-Marie")


def detect_language(paragraphs: list[str]) -> str | None:
    """'en' or 'es' by function words; None when the text is too short to tell."""
    en = es = 0
    for p in paragraphs:
        for w in WORD.findall(p.lower()):
            en += w in stopwords("en")
            es += w in stopwords("es")
    if en + es < 5:
        return None
    return "es" if es > en else "en"


def _publisher_from_chrome(cleaned: Cleaned) -> str | None:
    names = publisher_names()
    if cleaned.site_title_suffix:
        return names.get(cleaned.site_title_suffix.casefold(), cleaned.site_title_suffix)
    for seg in cleaned.chrome:
        if seg.casefold() in names:
            return names[seg.casefold()]
    for pub in data_toml("publishers.toml").get("publisher", []):
        for pattern in pub.get("patterns", []):
            if any(re.search(pattern, seg) for seg in cleaned.chrome):
                return pub["name"]
    return None


def infer(cleaned: Cleaned) -> Metadata:
    md = Metadata(title=cleaned.title, publisher=_publisher_from_chrome(cleaned))
    if cleaned.dateline:
        md.date, md.date_source = cleaned.dateline, "text"
    md.language = detect_language([p.text for p in cleaned.paragraphs])
    return md


def apply_source_meta(md: Metadata, found: dict) -> Metadata:
    """What the file says of itself (HTML meta tags and JSON-LD, PDF and DOCX properties) wins
    over what was guessed from the text; the catalog still wins over both."""
    for key in ("title", "publisher", "url"):
        value = " ".join(str(found.get(key) or "").split())
        if value and (key != "title" or plausible_title(value)):
            setattr(md, key, normalize_text(value) if key != "url" else value)
    if found.get("authors"):
        values = [normalize_text(str(a)) for a in found["authors"]]
        md.authors = person_names(values, others=tuple(x for x in (md.publisher, found.get("site")) if x))
        if not md.authors and md.publisher is None:  # an organisation named as the author issued it
            md.publisher = next((o for o in map(organisation_name, values) if o), None)
    if found.get("date"):
        apply_markup_date(md, parse_partial_date(str(found["date"])))
    lang = str(found.get("language") or "").lower()
    if md.language is None and lang in ("en", "es"):
        md.language = lang
    return md


def apply_text_date(md: Metadata, text: str, pages: tuple[int, ...] = ()) -> Metadata:
    """The date the text states as its own (perucases.ingest.pubdate), read from its head (a PDF's
    first page): it replaces a dateline the cleaner found, and stays empty when the text states none."""
    from perucases.ingest.pubdate import publication_date

    date = publication_date(text, pages[1] if len(pages) > 1 else None)
    if date is not None:
        md.date, md.date_source = date, "text"
    return md


def apply_markup_date(md: Metadata, date: PartialDate | None) -> Metadata:
    """A page's date from its markup (htmldate): used when the text states none, or when it only
    makes the text's own date more precise (the text says June 2001, the markup 2001-06-14)."""
    if date is None:
        return md
    if md.date is None or (md.date_source == "text" and date.iso.startswith(md.date.iso) and date.iso != md.date.iso):
        md.date, md.date_source = date, "markup"
    return md


def apply_catalog(md: Metadata, entry: dict | None) -> Metadata:
    """The catalog completes and overrides inference; an empty string there means 'unknown'."""
    if not entry:
        return md
    for key in ("title", "publisher", "url", "doctype", "note"):
        if key in entry:
            setattr(md, key, str(entry[key]).strip() or None)
    if "author" in entry or "authors" in entry:
        value = entry.get("authors", entry.get("author"))
        names = [value] if isinstance(value, str) else list(value or [])
        md.authors = [str(n).strip() for n in names if str(n).strip()]
    if "language" in entry:
        md.language = str(entry["language"]).strip() or None
    if "date" in entry:
        value = str(entry["date"]).strip()
        md.date = parse_partial_date(value) if value else None
        md.date_source = entry.get("date_source", "catalog") if md.date else None
    return md
