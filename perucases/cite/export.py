"""Exports of CSL-JSON items: BibTeX, RIS and CSL-JSON, for Zotero, Pandoc and LaTeX.

Organisations as authors are protected whole ({{Human Rights Watch}} in BibTeX, a CSL literal
name, "AU  - Human Rights Watch," in RIS: all surname, no given name); titles are protected in BibTeX
so that styles cannot recase them.
"""

from __future__ import annotations

import json

from perucases.cite.csl import citation_key, doctype

_BIB_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _bib_escape(text: str) -> str:
    return "".join(_BIB_SPECIAL.get(c, c) for c in text)


def _bib_name(name: dict) -> str:
    if "literal" in name:
        return "{" + _bib_escape(name["literal"]) + "}"  # {{Human Rights Watch}}: one name, never split
    family = _bib_escape(name["family"])
    if " " in family:
        family = "{" + family + "}"  # {Fernández Mendoza}, Jorge: two surnames stay together
    return f"{family}, {_bib_escape(name.get('given', ''))}".rstrip(", ")


def bibtex_entry(item: dict, kind_name: str | None = None) -> str:
    kind = doctype(kind_name)
    fields: list[tuple[str, str]] = []
    if item.get("author"):
        fields.append(("author", " and ".join(_bib_name(n) for n in item["author"])))
    if item.get("title"):
        fields.append(("title", "{" + _bib_escape(item["title"]) + "}"))
    entry_type = kind["bibtex"]
    publisher = item.get("publisher") or item.get("container-title")
    if publisher:
        if entry_type == "article":
            fields.append(("journal", _bib_escape(publisher)))
        elif entry_type == "techreport":
            fields.append(("institution", _bib_escape(publisher)))
        else:
            fields.append(("publisher", _bib_escape(publisher)))
    if kind.get("howpublished"):
        fields.append(("howpublished", _bib_escape(kind["howpublished"])))
    if entry_type == "techreport" and kind.get("genre"):
        fields.append(("type", _bib_escape(kind["genre"])))
    parts = (item.get("issued") or {}).get("date-parts", [[]])[0]
    if parts:
        fields.append(("year", str(parts[0])))
        if len(parts) > 1:
            fields.append(("month", _MONTHS[parts[1] - 1]))
        fields.append(("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
    if item.get("URL"):
        fields.append(("url", item["URL"]))
    if item.get("language"):
        fields.append(("langid", {"en": "english", "es": "spanish"}.get(item["language"], item["language"])))
    if item.get("note"):
        fields.append(("note", _bib_escape(item["note"])))
    body = ",\n".join(f"  {k} = {v}" if k == "month" else f"  {k} = {{{v}}}" for k, v in fields)
    return f"@{entry_type}{{{citation_key(item['id'])},\n{body}\n}}\n"


def bibtex(items: list[dict], kinds: dict[str, str | None] | None = None) -> str:
    """KINDS: document id -> its catalog doctype (press release, news article, ...)."""
    return "\n".join(bibtex_entry(it, (kinds or {}).get(it["id"])) for it in items)


def ris_record(item: dict, kind_name: str | None = None) -> str:
    kind = doctype(kind_name)
    lines = [("TY", kind["ris"])]
    for n in item.get("author") or []:
        # "Family, Given"; an organisation is all family name ("Human Rights Watch,"), so that
        # no reader splits it into a surname and initials
        name = n["literal"] + "," if "literal" in n else f"{n['family']}, {n.get('given', '')}".rstrip(" ")
        lines.append(("AU", name))
    if item.get("title"):
        lines.append(("TI", item["title"]))
    if item.get("container-title"):
        lines.append(("T2", item["container-title"]))
    if item.get("publisher"):
        lines.append(("PB", item["publisher"]))
    parts = (item.get("issued") or {}).get("date-parts", [[]])[0]
    if parts:
        lines.append(("PY", str(parts[0])))
        y, m, d = (parts + [None, None])[:3]
        lines.append(("DA", f"{y}/{m:02d}/{d:02d}/" if d else f"{y}/{m:02d}//" if m else f"{y}///"))
    if item.get("genre"):
        lines.append(("M3", item["genre"]))
    if item.get("URL"):
        lines.append(("UR", item["URL"]))
    if item.get("language"):
        lines.append(("LA", item["language"]))
    if item.get("note"):
        lines.append(("N1", item["note"]))
    lines.append(("ID", item["id"]))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\n" for tag, value in lines)


def ris(items: list[dict], kinds: dict[str, str | None] | None = None) -> str:
    return "\n".join(ris_record(it, (kinds or {}).get(it["id"])) for it in items)


def csl_json(items: list[dict]) -> str:
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
