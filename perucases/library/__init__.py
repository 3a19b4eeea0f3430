"""The product's Python API: `Library` (an index and its corpus) and what it returns and raises.

    from perucases.library import Library, Filters
    with Library("index/") as lib:
        lib.search("Colina", Filters.parse(date_from="1993")).hits

Modules, by concern: `library` (the facade), `opening` (open and refresh an index), `search`
(documents and quotes matching a query), `documents`, `entities`, `timeline`, `citations`,
`curation`, `maintenance` (update and check), `filters`, `limits` (what a query may cost).

No module of this package loads Whoosh when the package is imported: names are loaded when
first used, so that the command line's start-up (`perucases --help`, `perucases index` with
nothing to do) never pays for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perucases.errors import (
        IndexBusy,
        IndexDamaged,
        IndexUnavailable,
        IndexWriteError,
        InvalidArgument,
        LibraryError,
        NotFound,
        QueryTimeout,
        QueryTooCostly,
    )
    from perucases.library.documents import DocInfo, DocText, ParagraphText
    from perucases.library.entities import Cooccurrence, EntityDetail, EntityRow, MentionRow, Pair
    from perucases.library.filters import Filters
    from perucases.library.library import Library
    from perucases.library.search import SearchHit, SearchResults
    from perucases.library.timeline import TimelineEvent

# name -> the module it is defined in
EXPORTS = {
    "Library": "perucases.library.library",
    "Filters": "perucases.library.filters",
    "SearchHit": "perucases.library.search",
    "SearchResults": "perucases.library.search",
    "DocInfo": "perucases.library.documents",
    "DocText": "perucases.library.documents",
    "ParagraphText": "perucases.library.documents",
    "EntityRow": "perucases.library.entities",
    "EntityDetail": "perucases.library.entities",
    "MentionRow": "perucases.library.entities",
    "Cooccurrence": "perucases.library.entities",
    "Pair": "perucases.library.entities",
    "TimelineEvent": "perucases.library.timeline",
    **{
        name: "perucases.errors"
        for name in (
            "LibraryError",
            "InvalidArgument",
            "QueryTooCostly",
            "NotFound",
            "QueryTimeout",
            "IndexUnavailable",
            "IndexBusy",
            "IndexWriteError",
            "IndexDamaged",
        )
    },
}
__all__ = [
    "Cooccurrence",
    "DocInfo",
    "DocText",
    "EntityDetail",
    "EntityRow",
    "Filters",
    "IndexBusy",
    "IndexDamaged",
    "IndexUnavailable",
    "IndexWriteError",
    "InvalidArgument",
    "Library",
    "LibraryError",
    "MentionRow",
    "NotFound",
    "Pair",
    "ParagraphText",
    "QueryTimeout",
    "QueryTooCostly",
    "SearchHit",
    "SearchResults",
    "TimelineEvent",
]


def __getattr__(name: str) -> Any:
    if name in EXPORTS:
        return getattr(importlib.import_module(EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *EXPORTS])
