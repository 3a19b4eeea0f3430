"""The user's catalog (catalog.toml beside the documents): what it may say of each document.

Its own module, light to import: a query that checks whether the index is current reads the
catalogs without loading the cleaning and metadata stages (perucases.ingest.metadata, which
applies the catalog's entries to a document).
"""

from __future__ import annotations

from pathlib import Path

from perucases.dates import parse_partial_date
from perucases.errors import PerucasesError
from perucases.ingest.corpus import CATALOG_NAME
from perucases.resources import read_user_toml

# Where a document's date comes from: "text" (the text states it: a dateline, a "Published" line,
# a cover's or ruling's date), "markup" (an HTML page's meta tags, <time>, JSON-LD), "catalog" (the
# user's catalog.toml), "inferred" (worked out from the text, as the catalog's note explains).
DATE_SOURCES = ("text", "markup", "catalog", "inferred")


class CatalogError(PerucasesError):
    pass


def load_catalog(folder: Path) -> dict[str, dict]:
    """The `[documents."ID"]` tables of FOLDER/catalog.toml, or {} when there is none."""
    path = folder / CATALOG_NAME
    if not path.is_file():
        return {}
    data = read_user_toml(path)
    docs = data.get("documents", {})
    if not isinstance(docs, dict):
        raise CatalogError(f"{path}: [documents] must be a table of documents")
    out = {}
    for key, entry in docs.items():
        if not isinstance(entry, dict):
            raise CatalogError(f"{path}: documents.{key} must be a table")
        if "date" in entry and entry["date"] not in ("", None) and parse_partial_date(str(entry["date"])) is None:
            raise CatalogError(f"{path}: documents.{key}.date {entry['date']!r} is not a date (YYYY[-MM[-DD]])")
        if entry.get("date_source", "catalog") not in DATE_SOURCES:
            raise CatalogError(f"{path}: documents.{key}.date_source must be one of {', '.join(DATE_SOURCES)}")
        out[str(key)] = entry
    return out
