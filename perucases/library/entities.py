"""Entities: the cast of a corpus, one entity in detail, co-occurrence, the network.

Every count comes from the index (the entity table stored with each document, the entity keys
stored with each paragraph), never from re-reading the files. `perucases.library.Library`
exposes these as methods; they return plain dataclasses.
"""

from __future__ import annotations

import hashlib
import itertools
import pickle
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from whoosh import query as Q

from perucases.errors import InvalidArgument, NotFound, check_text, shorten
from perucases.extract.gazetteer import TYPES, key_of
from perucases.highlight import HL_END, HL_START
from perucases.index import records
from perucases.index.manifest import write_atomic_bytes
from perucases.render.locators import locator

if TYPE_CHECKING:
    from perucases.library.library import Library

SORTS = ("mentions", "documents", "name")


@dataclass
class EntityRow:
    name: str
    type: str
    mentions: int
    documents: list[str]  # doc ids, sorted
    aliases: list[str]  # the forms seen in the texts
    key: str = field(default="", repr=False)
    description: str | None = field(default=None, repr=False)
    name_key: str = field(default="", repr=False, compare=False)  # key_of(name): what a listing sorts by

    def as_tuple(self) -> tuple:
        """The row as EntityRow(*t) takes it back (the entity table's file): its fields in order."""
        return tuple(getattr(self, name) for name in _ROW_FIELDS)


_ROW_FIELDS = tuple(f.name for f in fields(EntityRow))


@dataclass
class MentionRow:
    id: str
    paragraph: int
    context: str  # a keyword-in-context line, the mention between HL markers


@dataclass
class Cooccurrence:
    name: str
    type: str
    count: int  # paragraphs shared


@dataclass
class EntityDetail:
    name: str
    type: str
    aliases: list[str]
    description: str | None
    documents: list[str]
    mentions: list[MentionRow]
    cooccurs: list[Cooccurrence]
    events: list[dict] = field(default_factory=list)  # its dated events: {date, id, paragraph, sentence}


@dataclass
class Pair:
    a: str
    a_type: str
    b: str
    b_type: str
    count: int  # paragraphs shared
    paragraphs: list[str]  # locators: "000_ca4e617775ace81b ¶5"
    a_key: str = field(default="", repr=False)
    b_key: str = field(default="", repr=False)


def _accented(s: str) -> int:
    return sum(1 for c in unicodedata.normalize("NFD", s) if unicodedata.combining(c))


def read_table(searcher) -> dict[str, EntityRow]:
    """Every entity of the corpus, merged across documents by key."""
    rows: dict[str, EntityRow] = {}
    names: dict[str, Counter] = {}
    types: dict[str, Counter] = {}
    for st in records.doc_records(searcher):
        for key, (name, etype, count, aliases, desc) in st["meta"].get("entities", {}).items():
            row = rows.get(key)
            if row is None:
                row = rows[key] = EntityRow(name, etype, 0, [], [], key, desc)
                names[key], types[key] = Counter(), Counter()
            row.mentions += count
            row.documents.append(st["id"])
            row.aliases = sorted(set(row.aliases) | set(aliases))
            row.description = row.description or desc
            names[key][name] += count
            types[key][etype] += count
    for key, row in rows.items():
        # The form most used, accented forms first ("Fabián" over "Fabian"); the commonest type.
        row.name = max(names[key], key=lambda n: (_accented(n), names[key][n], n))
        row.type = max(types[key], key=lambda t: (types[key][t], t))
        row.documents.sort()
        row.name_key = key_of(row.name)
    return rows


def list_entities(
    table: dict[str, EntityRow],
    etype: str | None = None,
    doc: str | None = None,
    min_mentions: int = 1,
    sort: str = "mentions",
) -> list[EntityRow]:
    rows = [
        r
        for r in table.values()
        if (etype is None or r.type == etype) and r.mentions >= min_mentions and (doc is None or doc in r.documents)
    ]
    if sort == "name":
        rows.sort(key=lambda r: (r.name_key, r.type))
    elif sort == "documents":
        rows.sort(key=lambda r: (-len(r.documents), -r.mentions, r.name_key))
    else:
        rows.sort(key=lambda r: (-r.mentions, -len(r.documents), r.name_key))
    return rows


def check_type(etype: str | None) -> str | None:
    if etype is None:
        return None
    t = etype.upper()
    if t not in TYPES:
        raise InvalidArgument(
            "{etype} must be one of {types}, not {value!r}",
            param="etype",
            types=", ".join(t.lower() for t in TYPES),
            value=etype,
        )
    return t


def find_key(table: dict[str, EntityRow], name: str) -> str:
    """The key of the entity NAME names: its name or an alias seen (case and accents ignored), or a
    unique prefix of a name. An ambiguous name lists the candidates."""
    k = key_of(name)
    if not k:
        raise InvalidArgument("empty entity name", param="entity")
    if k in table:
        return k
    by_alias = sorted({key for key, r in table.items() if k in {key_of(a) for a in r.aliases}})
    if len(by_alias) == 1:
        return by_alias[0]
    if not by_alias:
        by_alias = sorted(key for key, r in table.items() if key_of(r.name).startswith(k))
        if len(by_alias) == 1:
            return by_alias[0]
    if not by_alias:
        raise NotFound(f"no entity named {shorten(name)!r} (perucases entities lists them)")
    shown = "; ".join(f"{table[x].name} ({table[x].type})" for x in by_alias[:8])
    raise InvalidArgument("{name!r} is ambiguous: {shown}", param="entity", name=shorten(name), shown=shown)


def _kwic(text: str, start: int, end: int, width: int = 70) -> str:
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    if start - width > 0:
        left = "…" + left[left.find(" ") + 1 :] if " " in left else "…" + left
    if end + width < len(text):
        right = (right[: right.rfind(" ")] if " " in right else right) + "…"
    return f"{left}{HL_START}{text[start:end]}{HL_END}{right}"


def entity_detail(searcher, table: dict[str, EntityRow], key: str, top: int = 10) -> EntityDetail:
    row = table[key]
    mentions: list[MentionRow] = []
    co: Counter = Counter()
    q = records.of_kind(records.PARA, Q.Term("entities", key))
    paras = sorted(
        (searcher.stored_fields(n) for n in searcher.docs_for_query(q)), key=lambda st: (st["id"], st["para"])
    )
    for st in paras:
        text = records.body_text(st)
        for k, a, b in st.get("ments", []):
            if k == key:
                mentions.append(MentionRow(st["id"], st["para"], _kwic(text, a, b)))
        co.update({k for k, _, _ in st.get("ments", []) if k != key})
    cooccurs = [Cooccurrence(table[k].name, table[k].type, n) for k, n in co.items() if k in table]
    cooccurs.sort(key=lambda c: (-c.count, key_of(c.name)))
    return EntityDetail(row.name, row.type, row.aliases, row.description, row.documents, mentions, cooccurs[:top])


def shared_paragraphs(searcher, table: dict[str, EntityRow], keep: set[str]) -> list[Pair]:
    """Entity pairs (both in KEEP) by the paragraphs they share."""
    shared: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for n in searcher.docs_for_query(records.of_kind(records.PARA)):
        st = searcher.stored_fields(n)
        keys = sorted({k for k, _, _ in st.get("ments", []) if k in keep})
        for a, b in itertools.combinations(keys, 2):
            shared.setdefault((a, b), []).append((st["id"], st["para"]))
    out = []
    for (a, b), locs in shared.items():
        locs.sort()
        out.append(
            Pair(
                table[a].name,
                table[a].type,
                table[b].name,
                table[b].type,
                len(locs),
                [locator(i, p, short=False) for i, p in locs],
                a,
                b,
            )
        )
    out.sort(key=lambda p: (-p.count, key_of(p.a), key_of(p.b)))
    return out


def entity_table(lib: Library) -> dict[str, EntityRow]:
    """The corpus's entities merged across documents. Reading every document's entities takes
    seconds on a large corpus, so the table is kept in the index folder, one file for each
    commit of the index (written atomically; a file that cannot be read is made again). The file
    holds each row as a tuple, which reads back in half the time of the objects themselves."""
    if lib._entity_table is None:
        ix = lib.ix
        s = lib.searcher()  # the generation opened, not the latest on disk
        generation = s.reader().generation()
        cache = lib.index_dir / f".entities-{_TABLE_FORMAT}-{ix.indexname}-{generation}.pickle"
        try:
            lib._entity_table = {t[5]: EntityRow(*t) for t in pickle.loads(cache.read_bytes())}
        except Exception:  # noqa: BLE001 - missing, from another version, damaged: make it again
            s = lib.searcher()
            lib._entity_table = read_table(s)
            try:
                for old in lib.index_dir.glob(".entities-*.pickle"):
                    old.unlink()
                rows = [r.as_tuple() for r in lib._entity_table.values()]
                write_atomic_bytes(cache, pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:
                pass  # a read-only index folder: no cache
    return lib._entity_table


# The layout of the entity table's file (EntityRow.as_tuple), in its name: a file of rows with
# other fields is made again, never read into the wrong ones.
_TABLE_FORMAT = hashlib.sha256(" ".join(_ROW_FIELDS).encode()).hexdigest()[:8]


def entities(
    lib: Library, etype: str | None = None, doc: str | None = None, min_mentions: int = 1, sort: str = "mentions"
):
    """The corpus's entities, one row each: name, type, mentions, documents, aliases."""
    return list_entities(lib.entity_table(), check_type(etype), lib.resolve(doc) if doc else None, min_mentions, sort)


def resolve_entity(lib: Library, name: str) -> str:
    """The key of the entity NAME names (see find_key)."""
    check_text(name, "the entity name")
    return find_key(lib.entity_table(), name)


def entity(lib: Library, name: str, top: int = 10):
    """One entity in detail: aliases, documents, every mention in context, co-occurrences."""
    key = lib.resolve_entity(name)
    s = lib.searcher()
    detail = entity_detail(s, lib.entity_table(), key, top)
    detail.events = [
        {"date": e.date, "id": e.id, "paragraph": e.paragraph, "sentence": e.sentence} for e in lib.timeline(entity=key)
    ]
    return detail


def pairs(lib: Library, etype: str | None = None, min_mentions: int = 1):
    """Entity pairs by the paragraphs they share."""
    keep = {r.key for r in lib.entities(etype, None, min_mentions)}
    s = lib.searcher()
    return shared_paragraphs(s, lib.entity_table(), keep)


def write_graph(lib: Library, path, etype: str | None = None, min_mentions: int = 1) -> tuple[int, int]:
    """Write the co-occurrence network (GraphML, or GEXF for *.gexf); returns (nodes, edges)."""
    rows = lib.entities(etype, None, min_mentions, sort="name")
    edges = lib.pairs(etype, min_mentions)
    write_network(path, rows, edges)
    return len(rows), len(edges)


def write_network(path, rows: list[EntityRow], edges: list[Pair]) -> None:
    """The co-occurrence network as GraphML, or GEXF when PATH ends in .gexf (Gephi, networkx)."""
    import xml.etree.ElementTree as ET  # (only now: only --graph writes XML)

    ids = {r.key: f"n{i}" for i, r in enumerate(rows)}
    if str(path).lower().endswith(".gexf"):
        root = ET.Element("gexf", xmlns="http://gexf.net/1.3", version="1.3")
        graph = ET.SubElement(root, "graph", defaultedgetype="undirected", mode="static")
        attrs = ET.SubElement(graph, "attributes", {"class": "node"})
        ET.SubElement(attrs, "attribute", id="type", title="type", type="string")
        ET.SubElement(attrs, "attribute", id="mentions", title="mentions", type="integer")
        nodes = ET.SubElement(graph, "nodes")
        for r in rows:
            node = ET.SubElement(nodes, "node", id=ids[r.key], label=r.name)
            values = ET.SubElement(node, "attvalues")
            ET.SubElement(values, "attvalue", {"for": "type", "value": r.type})
            ET.SubElement(values, "attvalue", {"for": "mentions", "value": str(r.mentions)})
        es = ET.SubElement(graph, "edges")
        for i, e in enumerate(edges):
            ET.SubElement(es, "edge", id=f"e{i}", source=ids[e.a_key], target=ids[e.b_key], weight=str(e.count))
    else:
        root = ET.Element("graphml", xmlns="http://graphml.graphdrawing.org/xmlns")
        for kid, target, name, kind in (
            ("label", "node", "label", "string"),
            ("type", "node", "type", "string"),
            ("mentions", "node", "mentions", "int"),
            ("weight", "edge", "weight", "int"),
        ):
            ET.SubElement(root, "key", {"id": kid, "for": target, "attr.name": name, "attr.type": kind})
        graph = ET.SubElement(root, "graph", edgedefault="undirected")
        for r in rows:
            node = ET.SubElement(graph, "node", id=ids[r.key])
            for k, v in (("label", r.name), ("type", r.type), ("mentions", str(r.mentions))):
                ET.SubElement(node, "data", key=k).text = v
        for i, e in enumerate(edges):
            edge = ET.SubElement(graph, "edge", id=f"e{i}", source=ids[e.a_key], target=ids[e.b_key])
            ET.SubElement(edge, "data", key="weight").text = str(e.count)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
