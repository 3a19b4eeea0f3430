"""Entity queries over the index: the cast of a corpus, one entity in detail, co-occurrence.

Every count comes from the index (the entity table stored with each document, the entity keys
stored with each paragraph), never from re-reading the files. `perucases.query.Library` exposes
these as methods; they return plain dataclasses.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from perucases.errors import PerucasesError, shorten
from perucases.extract.gazetteer import TYPES, key_of
from perucases.render.locators import locator

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


def entity_table(searcher) -> dict[str, EntityRow]:
    """Every entity of the corpus, merged across documents by key."""
    from whoosh import query as Q

    rows: dict[str, EntityRow] = {}
    names: dict[str, Counter] = {}
    types: dict[str, Counter] = {}
    for docnum in searcher.docs_for_query(Q.Term("kind", "doc")):
        st = searcher.stored_fields(docnum)
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
    return rows


def list_entities(table: dict[str, EntityRow], etype: str | None = None, doc: str | None = None,
                  min_mentions: int = 1, sort: str = "mentions") -> list[EntityRow]:
    rows = [r for r in table.values() if (etype is None or r.type == etype) and r.mentions >= min_mentions
            and (doc is None or doc in r.documents)]
    if sort == "name":
        rows.sort(key=lambda r: (key_of(r.name), r.type))
    elif sort == "documents":
        rows.sort(key=lambda r: (-len(r.documents), -r.mentions, key_of(r.name)))
    else:
        rows.sort(key=lambda r: (-r.mentions, -len(r.documents), key_of(r.name)))
    return rows


def check_type(etype: str | None) -> str | None:
    if etype is None:
        return None
    t = etype.upper()
    if t not in TYPES:
        raise PerucasesError(f"--type must be one of {', '.join(t.lower() for t in TYPES)}, not {etype!r}")
    return t


def resolve_entity(table: dict[str, EntityRow], name: str) -> str:
    """The key of the entity NAME names: its name or an alias seen (case and accents ignored), or a
    unique prefix of a name. An ambiguous name lists the candidates."""
    k = key_of(name)
    if not k:
        raise PerucasesError("empty entity name")
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
        raise PerucasesError(f"no entity named {shorten(name)!r} (perucases entities lists them)")
    shown = "; ".join(f"{table[x].name} ({table[x].type})" for x in by_alias[:8])
    raise PerucasesError(f"{shorten(name)!r} is ambiguous: {shown}")


def _kwic(text: str, start: int, end: int, width: int = 70) -> str:
    from perucases.query import HL_END, HL_START

    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    if start - width > 0:
        left = "…" + left[left.find(" ") + 1 :] if " " in left else "…" + left
    if end + width < len(text):
        right = (right[: right.rfind(" ")] if " " in right else right) + "…"
    return f"{left}{HL_START}{text[start:end]}{HL_END}{right}"


def entity_detail(searcher, table: dict[str, EntityRow], key: str, top: int = 10) -> EntityDetail:
    from whoosh import query as Q

    row = table[key]
    mentions: list[MentionRow] = []
    co: Counter = Counter()
    q = Q.And([Q.Term("kind", "para"), Q.Term("entities", key)])
    paras = sorted((searcher.stored_fields(n) for n in searcher.docs_for_query(q)), key=lambda st: (st["id"], st["para"]))
    for st in paras:
        text = st.get("body") or st.get("body_es") or ""
        for k, a, b in st.get("ments", []):
            if k == key:
                mentions.append(MentionRow(st["id"], st["para"], _kwic(text, a, b)))
        co.update({k for k, _, _ in st.get("ments", []) if k != key})
    cooccurs = [Cooccurrence(table[k].name, table[k].type, n) for k, n in co.items() if k in table]
    cooccurs.sort(key=lambda c: (-c.count, key_of(c.name)))
    return EntityDetail(row.name, row.type, row.aliases, row.description, row.documents, mentions, cooccurs[:top])


def pairs(searcher, table: dict[str, EntityRow], keep: set[str]) -> list[Pair]:
    """Entity pairs (both in KEEP) by the paragraphs they share."""
    from whoosh import query as Q

    shared: dict[tuple[str, str], list[str]] = {}
    for n in searcher.docs_for_query(Q.Term("kind", "para")):
        st = searcher.stored_fields(n)
        keys = sorted({k for k, _, _ in st.get("ments", []) if k in keep})
        for a, b in itertools.combinations(keys, 2):
            shared.setdefault((a, b), []).append((st["id"], st["para"]))
    out = []
    for (a, b), locs in shared.items():
        locs.sort()
        out.append(Pair(table[a].name, table[a].type, table[b].name, table[b].type, len(locs),
                        [locator(i, p, short=False) for i, p in locs], a, b))
    out.sort(key=lambda p: (-p.count, key_of(p.a), key_of(p.b)))
    return out


def write_graph(path, rows: list[EntityRow], edges: list[Pair]) -> None:
    """The co-occurrence network as GraphML, or GEXF when PATH ends in .gexf (Gephi, networkx)."""
    import xml.etree.ElementTree as ET

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
        for kid, target, name, kind in (("label", "node", "label", "string"), ("type", "node", "type", "string"),
                                        ("mentions", "node", "mentions", "int"), ("weight", "edge", "weight", "int")):
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
