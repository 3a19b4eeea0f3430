"""What a document itself cites: reports, articles and legal instruments it names.

Three kinds of evidence, each kept with the sentence it comes from (quoted from the original):
  reference   a paragraph that is a reference: "US reveals ties with Montesinos. The BBC, January 8, 2002."
  work        a titled work after a cue noun: "The report, Anti-terrorist legislation and its effects: ..., welcomes"
  instrument  a treaty, law or constitution the entity extractor found (type LAW): "the United Nations
              Convention against Torture"
Cue words are in data/citation_cues.toml.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from perucases.cite.quotes import fold, original_span
from perucases.dates import parse_partial_date
from perucases.ingest.normalize import OffsetMap
from perucases.ingest.sentences import sentence_spans
from perucases.resources import data_toml


@dataclass
class CitedWork:
    id: str
    paragraph: int
    sentence: int
    kind: str  # reference, work, instrument
    work: str  # the title or name as the document gives it
    publisher: str | None
    date: str | None
    start: int  # the sentence's offsets in the original file
    end: int
    text: str  # the sentence, quoted from the original


@functools.cache
def _cues() -> dict:
    return data_toml("citation_cues.toml")


@functools.cache
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    nouns = "|".join(re.escape(w) for w in _cues()["works"])
    titled = "|".join(re.escape(w) for w in _cues()["titled"])
    apposition = re.compile(rf"\b(?:{nouns}),\s+([A-Z¿\"'“‘][^,]{{12,220}}?),\s+(?=[a-z])", re.I)
    named = re.compile(
        rf"\b(?:{nouns})\s+(?:{titled})\s+[\"'“‘]?([A-Z¿][^\"”’]{{8,220}}?)[\"”’]?(?=[,.;:]\s|[,.;:]?$)", re.I
    )
    return apposition, named


_REFERENCE = re.compile(
    r"^(?P<title>[^.]{8,200}?)\.\s+(?P<pub>(?:The\s+)?[A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){0,5}),"
    r"\s+(?P<date>[^.]{4,30}?)\.?$"
)


def cited_works(doc_id: str, paragraphs, original: str, entity_types: dict[str, str]) -> list[CitedWork]:
    """PARAGRAPHS: (n, cleaned text, OffsetMap pairs, mentions [[key, start, end], ...])."""
    out: list[CitedWork] = []
    wanted = set(_cues()["entity_types"])
    apposition, named = _patterns()
    seen_instruments: dict[str, int] = {}
    for n, text, pairs, ments in paragraphs:
        omap = OffsetMap.from_pairs(pairs)
        spans = sentence_spans(text)

        def add(kind, lo, hi, publisher=None, date=None, whole=False, *, n=n, text=text, spans=spans, omap=omap):
            """A work at text[lo:hi] of this paragraph; its sentence (the whole paragraph when WHOLE) is quoted."""
            k = next((i for i, (a, b) in enumerate(spans) if a <= lo < b), 0)
            a, b = (0, len(text)) if whole or not spans else spans[k]
            start, end = original_span(omap, original, a, b)
            w0, w1 = original_span(omap, original, lo, hi)
            out.append(
                CitedWork(
                    doc_id,
                    n,
                    k + 1,
                    kind,
                    fold(original[w0:w1]).strip(),
                    publisher,
                    date,
                    start,
                    end,
                    fold(original[start:end]),
                )
            )

        m = _REFERENCE.match(text.strip())
        if m and len(text) <= 260:
            date = parse_partial_date(m.group("date"))
            if date:
                add("reference", m.start("title"), m.end("title"), m.group("pub"), date.iso, whole=True)
                continue
        for rx in (apposition, named):
            for m in rx.finditer(text):
                add("work", m.start(1), m.end(1))
        for key, a, b in ments:
            if entity_types.get(key) not in wanted:
                continue
            name = text[a:b]
            if key in seen_instruments:  # once a document, by the longest name it uses
                prev = out[seen_instruments[key]]
                if len(name) <= len(prev.work):  # cleaned and original names differ only in quote marks
                    continue
                out.pop(seen_instruments[key])
                seen_instruments = {k: (i if i < seen_instruments[key] else i - 1) for k, i in seen_instruments.items()}
            add("instrument", a, b)
            seen_instruments[key] = len(out) - 1
    out.sort(key=lambda w: (w.paragraph, w.sentence, w.kind, w.work))
    return out
