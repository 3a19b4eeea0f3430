"""Output of `perucases timeline` beyond the shared formats: the terminal view, Markdown, TimelineJS 3
JSON, and a self-contained HTML page. All document text is escaped for the medium it goes to."""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path

from perucases.library.timeline import TimelineEvent, happenings
from perucases.render.locators import locator as _locator


def locator(e: TimelineEvent) -> str:
    """Where an event is stated: "003 p.4 ¶2", or "003 (title)", "003 (published)"."""
    return _locator(e.id, e.paragraph, page=e.page, whole="title" if e.kind == "title" else "published")


def histogram(events: list[TimelineEvent]) -> list[tuple[str, int]]:
    counts = Counter(e.year for e in events)
    return sorted(counts.items(), key=lambda kv: (kv[0] == "undated", kv[0]))


def terminal(events: list[TimelineEvent], out) -> None:
    """Grouped by year: date (as precise as known), what, source; then a histogram of the years."""
    from rich.table import Table
    from rich.text import Text

    from perucases.render.output import console, safe_text

    con = console(out)
    by_year: dict[str, list[list[TimelineEvent]]] = {}
    for group in happenings(events):
        by_year.setdefault(group[0].year, []).append(group)
    for year, groups in by_year.items():
        n = sum(len(g) for g in groups)
        con.print(Text(f"{year}  ({n} event{'s' if n != 1 else ''})", style="bold"))
        table = Table(box=None, show_header=False, pad_edge=False, expand=True)
        table.add_column("date", no_wrap=True, width=22)
        table.add_column("sentence", ratio=1)
        table.add_column("source", no_wrap=False, width=22)
        for g in groups:
            e = g[0]
            date = e.date + (" (rel.)" if e.relative else "")
            what = safe_text(e.sentence)
            if e.kind == "publication":
                what = f"published: {what}"
            if e.entities:
                what += f"  [{'; '.join(safe_text(x) for x in e.entities)}]"
            sources = "; ".join(locator(x) for x in g)
            if len({x.id for x in g}) > 1:
                sources = f"{len({x.id for x in g})} sources: {sources}"
            table.add_row(date, what, sources)
        con.print(table)
        con.print()
    hist = histogram(events)
    if hist:
        width = max(n for _, n in hist)
        con.print(Text("events per year", style="bold"))
        for year, n in hist:
            con.print(f"  {year:>8}  {'█' * max(1, round(30 * n / width))} {n}")


def markdown(events: list[TimelineEvent]) -> str:
    lines = ["# Timeline", ""]
    year = None
    for group in happenings(events):
        e = group[0]
        if e.year != year:
            if year is not None:
                lines.append("")
            year = e.year
            lines += [f"## {year}", ""]
        src = ", ".join(locator(x) for x in group)
        what = _md(e.sentence)
        if e.kind == "publication":
            what = f"published: {what}"
        ents = f" ({', '.join(_md(x) for x in e.entities)})" if e.entities else ""
        lines.append(f"- **{e.date}** {what}{ents}: {src}")
    return "\n".join(lines) + "\n"


def _md(s: str) -> str:
    out = []
    for c in s:
        out.append("\\" + c if c in "\\`*_[]<>#|" else c)
    return "".join(out)


def _tjs_date(iso: str | None) -> dict | None:
    if not iso:
        return None
    y, m, d = iso.split("-")
    return {"year": int(y), "month": int(m), "day": int(d)}


def _tjs_start(e: TimelineEvent) -> dict:
    """TimelineJS takes partial dates: give only the components the text gives."""
    parts = e.date.split("/")[0]
    day = _tjs_date(e.start) if e.precision in ("day",) else None
    if day:
        return day
    if e.precision in ("month",) and len(parts) >= 7:
        return {"year": int(parts[:4]), "month": int(parts[5:7])}
    return {"year": int((e.start or e.date)[:4])}


def timelinejs(events: list[TimelineEvent], title: str = "perucases timeline") -> str:
    """TimelineJS 3 JSON (https://timeline.knightlab.com/docs/json-format.html)."""
    out = []
    for e in events:
        if not e.start:
            continue  # TimelineJS needs a year
        item = {
            "start_date": _tjs_start(e),
            "text": {
                "headline": html.escape("published" if e.kind == "publication" else e.expression),
                "text": html.escape(f"{e.sentence} ({locator(e)})"),
            },
            "group": ", ".join(e.entities[:1]) or None,
        }
        if e.precision == "interval" and e.end:
            item["end_date"] = {"year": int(e.end[:4])}
        if not item["group"]:
            del item["group"]
        out.append(item)
    return json.dumps(
        {"title": {"text": {"headline": html.escape(title)}}, "events": out}, ensure_ascii=False, indent=2
    )


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;color:#222}
h1{font-size:1.5rem} .filter{margin:1rem 0} .year{margin:1.5rem 0 .5rem;font-size:1.2rem;font-weight:bold}
ol.timeline{list-style:none;margin:0;padding:0 0 0 1.5rem;border-left:3px solid #6a7fdb}
li.event{position:relative;margin:0 0 1rem;padding:.5rem .75rem;background:#f5f6fb;border-radius:.4rem}
li.event:before{content:"";position:absolute;left:-2.05rem;top:.9rem;width:.8rem;height:.8rem;border-radius:50%;background:#6a7fdb}
li.event[hidden]{display:none} .date{font-weight:bold;font-variant-numeric:tabular-nums}
blockquote{margin:.3rem 0;font-style:italic} .ents{font-size:.85rem;color:#555} .src{font-size:.85rem}
.sources{font-size:.8rem;color:#933}
"""

_JS = """
(function(){
  var select=document.getElementById('entity');
  function apply(){
    var want=select.value, shown=0;
    document.querySelectorAll('li.event').forEach(function(li){
      var keep=!want||(li.getAttribute('data-entities')||'').split('|').indexOf(want)>=0;
      li.hidden=!keep; if(keep){shown+=parseInt(li.getAttribute('data-events')||'1',10);}
    });
    document.querySelectorAll('section.year').forEach(function(sec){
      sec.hidden=!sec.querySelector('li.event:not([hidden])');
    });
    document.getElementById('count').textContent=shown;
    document.body.setAttribute('data-shown',shown);
  }
  select.addEventListener('change',function(){location.hash=select.value?'entity='+encodeURIComponent(select.value):'';apply();});
  var m=/^#entity=(.*)$/.exec(location.hash); if(m){select.value=decodeURIComponent(m[1]);}
  apply();
})();
"""


def html_page(events: list[TimelineEvent], paths: dict[str, str], title: str = "Timeline") -> str:
    """One self-contained page: no network, no external scripts or fonts; all text escaped."""
    e_ = html.escape
    entities = sorted({n for e in events for n in e.entities}, key=str.casefold)
    options = "".join(f'<option value="{e_(n)}">{e_(n)}</option>' for n in entities)
    sections = []
    by_year: dict[str, list[list[TimelineEvent]]] = {}
    for group in happenings(events):
        by_year.setdefault(group[0].year, []).append(group)
    for year, groups in by_year.items():
        items = []
        for g in groups:
            e = g[0]
            srcs = []
            for x in g:
                href = Path(paths[x.id]).as_uri() if x.id in paths else ""
                where = e_(locator(x))
                srcs.append(f'<a href="{e_(href)}">{where}</a>' if href.startswith("file:") else where)
            corroborated = len({x.id for x in g})
            extra = f'<div class="sources">{corroborated} sources</div>' if corroborated > 1 else ""
            ents = f'<div class="ents">{e_("; ".join(e.entities))}</div>' if e.entities else ""
            label = "published" if e.kind == "publication" else e_(e.expression)
            items.append(
                f'<li class="event" data-entities="{e_("|".join(e.entities))}" data-events="{len(g)}">'
                f'<span class="date">{e_(e.date)}</span> · {label}'
                f"<blockquote>{e_(e.sentence)}</blockquote>{ents}"
                f'<div class="src">{" · ".join(srcs)}</div>{extra}</li>'
            )
        sections.append(
            f'<section class="year"><div class="year">{e_(year)}</div>'
            f'<ol class="timeline">{"".join(items)}</ol></section>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src 'none'\">"
        f"<title>{e_(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{e_(title)}</h1>"
        f'<div class="filter"><label>Entity: <select id="entity"><option value="">all</option>{options}'
        "</select></label>"
        f' <span id="count">{len(events)}</span> events</div>'
        f"{''.join(sections)}"
        f"<script>{_JS}</script></body></html>\n"
    )
