"""`Library`: an index and its corpus, the product's Python API.

    from perucases import Library
    with Library() as lib:               # the default index, built or refreshed as needed
        for hit in lib.search("Montesinos asylum").hits:
            print(hit.id, hit.paragraph, hit.snippet)

A small facade: it opens the index (bringing it up to date first), owns the one searcher every
query reads through, and closes it; each query is one line handing itself to the module of its
concern (search, documents, entities, timeline, citations, curation, maintenance).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from perucases.index.location import default_index_dir
from perucases.library import opening

if TYPE_CHECKING:
    from perucases.library.documents import DocInfo, DocText
    from perucases.library.entities import EntityDetail, EntityRow, Pair
    from perucases.library.filters import Filters
    from perucases.library.search import SearchResults
    from perucases.library.timeline import TimelineEvent


def _module(concern: str) -> ModuleType:
    """The module of CONCERN (perucases.library.CONCERN), imported at its first use: a command
    loads only what it asks for (`docs` no query parser, `search` no gazetteer; start-up)."""
    return importlib.import_module(f"perucases.library.{concern}")


class Library:
    """An index and its corpus. The index is opened at the first query (or by `open`), brought up
    to date first when the corpus changed (unless REFRESH is false); the searcher every query
    reads through stays open, on that state of the index, until `close` (or the end of a `with`
    block). WARN receives one-line notes (an update, a missing corpus folder); PROGRESS is a
    rich Progress for an update's progress bar."""

    def __init__(
        self,
        index_dir: Path | str | None = None,
        corpus: list[Path] | None = None,
        *,
        refresh: bool = True,
        warn: Callable[[str], None] | None = None,
        progress=None,
    ):
        self.index_dir = Path(index_dir) if index_dir else default_index_dir()
        self.corpus = [Path(c) for c in corpus] if corpus else None
        self.auto_refresh = refresh
        self.warn: Callable[[str], None] = warn or (lambda m: None)
        self.progress = progress
        self._ix: Any = None  # the whoosh index opened, and its searcher (None: not open)
        self._searcher: Any = None
        self._langs: tuple[Any, set[str]] | None = None  # (index, languages it has documents in)
        self._entity_table: dict[str, EntityRow] | None = None  # the corpus's entities, once read

    # -- opening and closing

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> None:
        """Build the index if it is missing, bring it up to date if the corpus changed (unless
        made with refresh=False), open it; nothing when it is open (see perucases.library.opening)."""
        if self._ix is not None:
            return
        # The freshness check compares the file table only up to AUTO_REFRESH_MAX_FILES files.
        manifest = opening.read_manifest(self)
        if self.auto_refresh or manifest is None:
            manifest = opening.bring_up_to_date(self, manifest)
        self._ix, self._searcher = opening.open_index(self, manifest)

    def refresh(self) -> None:
        """Bring the index up to date with the corpus now, and open it again as it then is."""
        self.close()
        self._ix, self._searcher = opening.open_index(self, opening.bring_up_to_date(self, opening.read_manifest(self)))

    def close(self) -> None:
        """Close the searcher; the next query opens the index again (as it then is)."""
        if self._searcher is not None:
            self._searcher.close()
        self._ix = self._searcher = None
        self._langs = self._entity_table = None

    @property
    def ix(self):
        """The whoosh index opened (opening it first)."""
        self.open()
        return self._ix

    def searcher(self):
        """The library's whoosh searcher (opening the index first): one, on the state of the index
        opened, kept across queries (opening one reads the segments' files again). It belongs to
        the library: close() closes it; do not close it yourself (nor use it in a `with`)."""
        self.open()
        return self._searcher

    # -- search

    def search(
        self,
        text: str,
        filters: Filters | None = None,
        limit: int = 10,
        explain: bool = False,
        entity: str | None = None,
    ) -> SearchResults:
        """The documents that match TEXT (best first, each with its best paragraph)."""
        return _module("search").search(self, text, filters, limit, explain, entity)

    def quotes(
        self,
        text: str,
        filters: Filters | None = None,
        limit: int = 10,
        entity: str | None = None,
        doc: str | None = None,
        context: int = 0,
        full: bool = False,
    ) -> list:
        """The sentences that best match TEXT, quoted exactly from the original files, best first:
        a list of perucases.cite.quotes.Quote (see that module for what start/end cover)."""
        return _module("search").quotes(self, text, filters, limit, entity, doc, context, full)

    # -- documents

    def docs(self, filters: Filters | None = None) -> list[DocInfo]:
        """The documents (matching FILTERS), with their metadata, by id."""
        return _module("documents").docs(self, filters)

    def ids(self) -> list[str]:
        """The ids of the documents in the index, sorted."""
        return _module("documents").ids(self)

    def resolve(self, prefix: str) -> str:
        """A full id from an id or a unique prefix of one (`003` -> `003_ed39d894751b7a98`)."""
        return _module("documents").resolve(self, prefix)

    def document(self, doc_id: str) -> DocText:
        """One document (an id or a unique prefix): its metadata and paragraphs."""
        return _module("documents").document(self, doc_id)

    def raw(self, doc_id: str) -> bytes:
        """The bytes of the file a document was read from."""
        return _module("documents").raw(self, doc_id)

    def paths(self) -> dict[str, str]:
        """Document id -> the file it was read from."""
        return _module("documents").paths(self)

    # -- entities

    def entity_table(self) -> dict[str, EntityRow]:
        """The corpus's entities merged across documents, by key (read once, and cached on disk)."""
        return _module("entities").entity_table(self)

    def entities(
        self, etype: str | None = None, doc: str | None = None, min_mentions: int = 1, sort: str = "mentions"
    ) -> list[EntityRow]:
        """The corpus's entities, one row each: name, type, mentions, documents, aliases."""
        return _module("entities").entities(self, etype, doc, min_mentions, sort)

    def resolve_entity(self, name: str) -> str:
        """The key of the entity NAME names: a name, an alias or a unique prefix."""
        return _module("entities").resolve_entity(self, name)

    def entity(self, name: str, top: int = 10) -> EntityDetail:
        """One entity in detail: aliases, documents, every mention in context, co-occurrences."""
        return _module("entities").entity(self, name, top)

    def pairs(self, etype: str | None = None, min_mentions: int = 1) -> list[Pair]:
        """Entity pairs by the paragraphs they share."""
        return _module("entities").pairs(self, etype, min_mentions)

    def write_graph(self, path, etype: str | None = None, min_mentions: int = 1) -> tuple[int, int]:
        """Write the co-occurrence network (GraphML, or GEXF for *.gexf); returns (nodes, edges)."""
        return _module("entities").write_graph(self, path, etype, min_mentions)

    # -- timeline

    def timeline(
        self,
        filters: Filters | None = None,
        entity: str | None = None,
        doc: str | None = None,
        grep: str | None = None,
        precision: str | None = None,
        sort: str = "date",
    ) -> list[TimelineEvent]:
        """Dated events, in order; see perucases.library.timeline."""
        return _module("timeline").timeline(self, filters, entity, doc, grep, precision, sort)

    # -- citations

    def references(self, style: str, ids: list[str] | None = None, cites=None, markup: str = "plain"):
        """The references of the documents IDS (all when None) in a CSL STYLE, and CITES
        (perucases.cite.csl.Cite: a document and a paragraph) as in-text citations or notes."""
        return _module("citations").references(self, style, ids, cites, markup)

    def cite(self, text: str, style: str = "chicago", markup: str = "plain", **options) -> list:
        """quotes() with each quote's citation (paragraph locator included) and reference in STYLE."""
        return _module("citations").cite(self, text, style, markup, **options)

    def export(self, fmt: str, ids: list[str] | None = None) -> str:
        """The references of IDS (all when None) as bibtex, ris or csl-json text."""
        return _module("citations").export(self, fmt, ids)

    def csl_items(self, ids: list[str] | None = None) -> list[dict]:
        """CSL-JSON items of the documents IDS (all documents when None), in id order."""
        return _module("citations").csl_items(self, ids)

    def verify(self, text: str) -> list:
        """Check every quote of a notes file (Markdown written by `cite --format md`)."""
        return _module("citations").verify(self, text)

    def cited_works(self, doc: str) -> list:
        """What one document refers to: a list of perucases.cite.sources.CitedWork."""
        return _module("citations").cited_works(self, doc)

    # -- curation: each writes the user's gazetteer file (GAZETTEER, else the default one) and
    #    updates the index; returns (the file, a one-line summary)

    def merge_entities(self, name: str, others: list[str], gazetteer: Path | None = None) -> tuple[Path, str]:
        """Make OTHERS names of the entity NAME."""
        return _module("curation").apply_change(self, gazetteer, ("merge", name, list(others)))

    def rename_entity(self, name: str, new: str, gazetteer: Path | None = None) -> tuple[Path, str]:
        """Call the entity NAME by NEW from now on (NAME stays an alias)."""
        return _module("curation").apply_change(self, gazetteer, ("rename", name, new))

    def retype_entity(self, name: str, etype: str, gazetteer: Path | None = None) -> tuple[Path, str]:
        """Give the entity NAME another type: person, org, loc, event or law."""
        return _module("curation").apply_change(self, gazetteer, ("retype", name, etype))

    def ignore_entities(self, names: list[str], gazetteer: Path | None = None) -> tuple[Path, str]:
        """Never list these entities again."""
        return _module("curation").apply_change(self, gazetteer, ("ignore", list(names)))

    # -- maintenance

    def update(self, roots: list[Path] | None = None, **options):
        """Build or update the index from ROOTS (else this library's corpus, else the corpus it was
        built from); OPTIONS as perucases.library.maintenance.update. Returns its report."""
        self.close()
        return _module("maintenance").update(
            self.index_dir, roots or self.corpus, warn=self.warn, progress=self.progress, **options
        )

    def check(self):
        """The index checked against its manifest and corpus, without writing (a CheckReport)."""
        return _module("maintenance").check(self.index_dir)
