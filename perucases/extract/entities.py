"""Entity extraction: who and what a document names, each under one name.

Built like Whoosh's analysis chain, as small stages over a document's cleaned paragraphs:

    tokens -> acronym definitions -> gazetteer matches -> rule candidates -> resolution

- tokens: words with offsets, and whether each starts a sentence;
- acronym definitions: "National Election Authorities (JNE)", "(Servicio de Inteligencia
  Nacional, SIN)": the acronym and its long forms name one entity within the document;
- gazetteer matches: the longest alias at each position (perucases.extract.gazetteer);
- rule candidates: capitalised names after titles and roles ("President", "journalist", "el
  general"), starting with a known given name, containing an organisation or law word, or next to
  an event word ("the Accomarca massacre");
- resolution: a surname alone joins the full name given in the same document ("Salazar" ->
  "Fabian Salazar"; "Hermoza", never "Ríos", for "Nicolás Hermoza Ríos"); an acronym joins an
  organisation of the document whose initials it spells ("AI" -> Amnesty International).

Only cleaned paragraphs are read, so nothing from page chrome can become an entity.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from perucases.extract import places
from perucases.extract.gazetteer import TOKEN, Gazetteer, fold, key_of, rules, strip_possessive
from perucases.extract.wordlists import first_names, month_names
from perucases.resources import data_toml, stopwords

ACRONYM_ONLY = re.compile(r"[A-ZÁÉÍÓÚÑ]{2,6}")


@dataclass
class Mention:
    paragraph: int  # 1-based
    start: int  # offsets in the cleaned paragraph text
    end: int
    key: str
    surface: str


@dataclass
class EntityInfo:
    key: str
    name: str
    type: str
    description: str | None = None
    aliases: set[str] = field(default_factory=set)  # the forms seen in this document
    mentions: int = 0


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str
    folded: str
    sentence_start: bool
    cap: bool  # starts with a capital


# ---------------------------------------------------------------------------- stage 1: tokens


_FOLDED: dict[str, tuple[str, bool]] = {}  # word -> (fold(word), capitalised), for this process
_FOLDED_MAX = 200_000


# Each token with the text before it since the last one (characters no token starts with); the
# same for text all in ASCII, where \w means the same and the regex engine tests it faster.
_GAP_TOKEN = re.compile(rf"([\W_]*)({TOKEN.pattern})")
_GAP_TOKEN_ASCII = re.compile(_GAP_TOKEN.pattern, re.ASCII)
_new = Token.__new__  # (object.__new__ in Python; compiled with mypyc, Token's own, which it requires)


def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    folded = _FOLDED
    end = 0
    for gap, word in (_GAP_TOKEN_ASCII if text.isascii() else _GAP_TOKEN).findall(text):
        start = end + len(gap)
        end = start + len(word)
        if gap == " " and out:
            starts = False  # one space after a word: the common case
        else:
            gap = gap.rstrip(" \"'(“‘[\n\t")
            starts = (not out and not gap.strip()) or (bool(gap) and gap[-1] in ".!?:;")
        known = folded.get(word)
        if known is None:
            if len(folded) >= _FOLDED_MAX:
                folded.clear()
            known = folded[word] = (fold(word), word[:1].isupper())
        # Token(start, end, ...) without its __init__: a call the interpreter makes through C,
        # a tenth of this loop's instructions (a token a word: 270,000 in 2,000 Reuters stories)
        t = _new(Token)
        t.start = start
        t.end = end
        t.text = word
        t.folded = known[0]
        t.sentence_start = starts
        t.cap = known[1]
        out.append(t)
    return out


def _adjacent(text: str, a: Token, b: Token) -> bool:
    """Only spaces between two tokens (or the full stop of an initial: "George W. Bush"): they can
    belong to one name."""
    gap = text[a.end : b.start].strip()
    return not gap or (gap == "." and len(a.text) == 1 and a.text.isupper())


_DIGIT = re.compile(r"\d")


def _name_word(t: Token) -> bool:
    """A capitalised word that can be part of a name: not a code mixing letters and digits."""
    return t.cap and not _DIGIT.search(t.text)


@functools.cache
def _run_words() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """What `_run_end` asks at every name: connectors, organisations' connectors and head words, given names."""
    r = rules()
    return r["connectors"], r["org_connectors"], r["org_words"], first_names()


@functools.cache
def _links() -> frozenset[str]:
    """The lower-case words `_run_end` may join a name across: connectors, organisations' too."""
    conn, org_conn, _, _ = _run_words()
    return conn | org_conn


def _run_end(text: str, toks: list[Token], taken: list[bool], i: int) -> int:
    """The last token of the capitalised name starting at token I: capitalised words, joined by up
    to two lower-case connectors ("Comisión de la Verdad", "Alicia Pérez viuda de Rojas"; "in",
    "en" only inside an organisation's name), never across a possessive, a title after "and" ("the
    Army and President X"), or a connector before another person ("Gobierno ... de Juan Pérez").
    (`rule_candidates` does not call it when the token after I is neither capitalised nor one of
    `_links`: then it is I. What may join a name is decided here and in `_links` together.)"""
    conn, org_conn, orgs, given = _run_words()
    n = len(toks)
    j = i
    orgish = toks[i].folded in orgs
    person = toks[i].folded in given
    while not toks[j].text.endswith(("'s", "’s")):
        k = j + 1
        if k < n and not taken[k] and _name_word(toks[k]) and _adjacent(text, toks[j], toks[k]):
            j = k
            orgish = orgish or toks[k].folded in orgs
            continue
        m = k
        links: list[str] = []
        while (
            m < n
            and len(links) < 2
            and not taken[m]
            and not toks[m].cap
            and (toks[m].folded in conn or (orgish and toks[m].folded in org_conn))
            and _adjacent(text, toks[m - 1], toks[m])
        ):
            links.append(toks[m].folded)
            m += 1
        if not links or m >= n or taken[m] or not _name_word(toks[m]) or not _adjacent(text, toks[m - 1], toks[m]):
            break
        if len(links) == 2 and links[0] in ("and", "y", "e"):
            break  # "X and the Y": two names
        if _is_title(toks[m].folded) and links[-1] in ("and", "y", "e"):
            break
        if not person and toks[m].folded in given and m + 1 < n and toks[m + 1].cap:
            break
        j = m
        orgish = orgish or toks[m].folded in orgs
    return j


# ---------------------------------------------------------------------------- stage 2: acronyms


@dataclass
class Definition:
    acronym: str | None  # None for a name and its translation
    forms: list[str]  # long forms: "National Election Authorities", "Servicio de Inteligencia Nacional"


def _token_end(t: Token) -> int:
    return t.end


def _last_token_before(text: str, toks: list[Token], pos: int) -> int:
    """The index of the last token that ends by text position POS with only spaces between it and
    POS, or -1. Found by bisection: a look at every token (each with the text up to POS) took time
    in the square of a paragraph's length at each parenthesis. Only the last token ending by POS
    can qualify: any token before it has that token's characters after it too."""
    i = bisect.bisect_right(toks, pos, key=_token_end) - 1
    return i if i >= 0 and not text[toks[i].end : pos].strip() else -1


def _name_before(text: str, toks: list[Token], pos: int) -> str | None:
    """The capitalised name that ends right before text position POS (before a parenthesis)."""
    conn = rules()["connectors"]
    i = _last_token_before(text, toks, pos)
    if i < 0:
        return None
    words: list[Token] = []
    while i >= 0 and len(words) < 10:
        t = toks[i]
        if words and not _adjacent(text, t, words[0]):
            break
        after_of = i > 0 and toks[i - 1].folded in ("of", "for", "on", "de")
        if t.folded in ("the", "el", "la", "los", "las") and not after_of:
            break  # an article starts the name ("the Comisión ..."), unless "of the Red Cross"
        capital = t.cap and not t.text.endswith(("'s", "’s"))
        joining = (t.folded in conn or t.folded == "to") and words  # "Committee to Protect Journalists"
        if not (capital or joining):
            break
        words.insert(0, t)
        i -= 1
    # "Alan Garcia of the Popular ... Alliance (APRA)": the long form starts after the person.
    given = [x for x, w in enumerate(words) if w.folded in first_names()]
    if given and any(w.folded in conn for w in words[given[-1] :]):
        cut = next(x for x in range(given[-1], len(words)) if words[x].folded in conn)
        words = words[cut:]
    while words and (words[0].folded in conn or words[0].folded in rules()["not_names"]):
        words.pop(0)
    if len(words) < 2:
        return None
    return text[words[0].start : words[-1].end]


def find_definitions(text: str, toks: list[Token]) -> list[Definition]:
    out = []
    for m in re.finditer(r"\(\s*([^()]{2,120}?)\s*\)", text):
        inner = m.group(1)
        before = _name_before(text, toks, m.start())
        if re.fullmatch(r"[A-ZÁÉÍÓÚÑ]{2,8}", inner):
            if before:
                out.append(Definition(inner, [before]))
            continue
        two = re.fullmatch(r"(.+?),\s*([A-ZÁÉÍÓÚÑ]{2,8})", inner)
        if two and sum(1 for w in TOKEN.findall(two.group(1)) if w[:1].isupper()) >= 2:
            out.append(Definition(two.group(2), [f for f in (two.group(1).strip(), before) if f]))
            continue
        # A name and its translation: "the Caravan of Death (Caravana de la Muerte)".
        words = TOKEN.findall(inner)
        conn = rules()["connectors"]
        if (
            before
            and 2 <= len(words) <= 10
            and words[0][:1].isupper()
            and words[-1][:1].isupper()
            and all(w[:1].isupper() or fold(w) in conn for w in words)
            and fold(words[0]) not in rules()["not_names"]
        ):
            out.append(Definition(None, [before, inner.strip()]))
    return out


# ---------------------------------------------------------------------------- stage 3: candidates


@dataclass
class Candidate:
    paragraph: int
    start: int
    end: int
    surface: str
    key: str | None = None  # resolved entity, when known
    type: str | None = None
    tokens: list[str] = field(default_factory=list)
    cue: bool = False  # after a title or role: a person even as a single surname
    place: tuple[str, str] | None = None  # the place of the world these words name, if any
    suffix: bool = False  # a head word after a known place ("Province" of "Lima Province"): kept only joined to it
    initial: bool = False  # starts a sentence


def _cue_before(toks: list[Token], i: int, text: str) -> bool:
    """A title right before token I, with only a space or a comma between: "President", the
    last part of a hyphenated word ("ex-general"), or two words of a title."""
    if i == 0:
        return False
    prev = toks[i - 1]
    if prev.folded not in _cue_words() and "-" not in prev.folded:
        return False  # (most words before a name: no title, nor a title's last word)
    gap = text[prev.end : toks[i].start]
    if gap != " " and gap.strip() not in ("", ","):
        return False
    f = prev.folded
    if _is_title(f) or ("-" in f and _is_title(f.rsplit("-", 1)[1])):
        return True
    return i >= 2 and f"{toks[i - 2].folded} {f}" in rules()["person_titles"]


def _classify(folded: list[str], cue: bool, after: str, before: str) -> str | None:
    """The type a capitalised name's own words (FOLDED: as `fold` gives them) and the words around
    it give it, or None.

    Laws by their head word ("Ley", "Decree"); named events by an event word at either end ("the
    Santa Massacre", "Operación Chavín de Huántar") or just after it ("the Putis massacre") or
    before it ("la matanza de Cayara"); organisations by a head word anywhere ("Peruvian Army",
    "Ministerio Público", "Grupo de Tareas"); places by a place word at either end ("Santa
    Province", "Provincia de Huanta") or a place cue before ("the district of Cayara"); people
    after a title or role, or with a known given name."""
    r = rules()
    fs = set(folded)
    if not fs.isdisjoint(r["law_words"]):
        return "LAW"
    if len(folded) > 1 and (folded[-1] in r["event_after"] or folded[0] in r["event_first"]):
        return "EVENT"
    if not fs.isdisjoint(r["org_words"]):
        return "ORG"
    if len(folded) > 1 and (folded[-1] in r["loc_words"] or folded[0] in r["loc_words"]):
        return "LOC"
    if after in r["event_after"]:
        return "EVENT"
    if before[before.rfind(" ") + 1 :] in _cue_ends():  # (most words before a name end no cue)
        tails = _tails(before)
        if not tails.isdisjoint(r["event_before"]):
            return "EVENT"
        if not tails.isdisjoint(r["place_cues"]):
            return "LOC"
        if not tails.isdisjoint(r["org_cues"]):
            return "ORG"
    if (cue or folded[0] in first_names()) and fs.isdisjoint(r["loc_words"]):
        return "PERSON"
    return None


@functools.cache
def _cue_ends() -> frozenset[str]:
    """The last words of the cues `_classify` looks for before a name ("of" of "the district of")."""
    r = rules()
    return frozenset(cue.split()[-1] for cue in r["event_before"] | r["place_cues"] | r["org_cues"])


def _tails(before: str) -> set[str]:
    """The last one, two and three words of BEFORE: "the district of" -> {"of", "district of", ...}."""
    w = before.split()
    return {" ".join(w[-k:]) for k in (1, 2, 3) if len(w) >= k}


def _is_title(folded: str) -> bool:
    """A title or role before a name ("president", "general"), or its plural."""
    return folded in _title_forms()


@functools.cache
def _title_forms() -> frozenset[str]:
    titles = rules()["person_titles"]
    return frozenset(titles) | {f"{t}s" for t in titles}


@functools.cache
def _cue_words() -> frozenset[str]:
    """The words `_cue_before` can find a title in: titles and their plurals, and the last words
    of titles of more than one word."""
    return _title_forms() | {t.rsplit(" ", 1)[1] for t in rules()["person_titles"] if " " in t}


# "Ley N.° 26479", "Decreto Supremo 065-2001-PCM", "Grupo de Tareas 3.3": the number is part of the name.
_NUMBER = re.compile(
    r"[ \t]*(?:(?:N\.?[ \t]?[°º]|Nº|No\.|Nro\.|n\.?[ \t]?[°º]|number)[ \t]*)?"
    r"(\d+(?:[.\-/]\d+)*(?:-[A-Z]{2,8})?)(?![\w.]\w)"
)


@functools.cache
def _stop_lead() -> frozenset[str]:
    """Words that cannot start a name: English stop words, and Spanish ones but for articles
    ("La Cantuta", "El Frontón")."""
    words = {fold(w) for w in stopwords("en")} | ({fold(w) for w in stopwords("es")} - {"la", "las", "los", "el"})
    words |= {fold(w) for w in data_toml("timex.toml")["numbers"]}  # "Eight Death Squad members"
    return frozenset(words)


def _person_context(text: str, end: int) -> bool:
    """A verb of saying or a role right after a name: "Salazar said", "Pérez, a lawyer", "Ana
    Rojas, abogada de la familia"."""
    r = rules()
    m = re.match(r"\s*,?\s*(\w+)(?:\s+(\w+))?(?:\s+(\w+))?", text[end : end + 60])
    if not m:
        return False
    w = [fold(x) for x in m.groups() if x]
    if w and w[0] in r["person_after"]:
        return True
    if text[end : end + 2].lstrip().startswith(","):
        rest = w[1:] if w and w[0] in ("a", "an", "the", "el", "la", "un", "una", "former", "ex") else w
        return any(x in r["person_roles"] for x in rest[:2])
    return False


_LOCATIVE = re.compile(
    r"(?:\b(?:in|at|from|to|near|into|of|en|de|desde|hacia|a|cerca\s+de)\s+(?:the\s+|el\s+|la\s+)?|[,(]\s*)$", re.I
)


def _locative_before(text: str, start: int) -> bool:
    """A preposition of place (or a comma in a list of places) before a one-word city name: "in
    Antofagasta", "en Casma", "Núñez, Buenos Aires". A city's name alone may be any word."""
    return _LOCATIVE.search(text[max(0, start - 14) : start]) is not None


@functools.cache
def _head_words() -> frozenset[str]:
    """Words that head an organisation's, place's, law's or event's name ("Ministry", "Province")."""
    r = rules()
    return r["org_words"] | r["loc_words"] | r["law_words"] | r["event_first"]


def _colon_before(text: str, pos: int) -> bool:
    """Is the last character before POS, spaces aside, a colon?"""
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return pos > 0 and text[pos - 1] == ":"


_AND = frozenset(("and", "y", "e"))  # what joins two names of people or places


def _first_in(toks: list[Token], run: list[int], words: frozenset[str]) -> int | None:
    """The position in RUN (token indexes) of its first token whose folded form is in WORDS, or None."""
    folded = [toks[k].folded for k in run]
    if words.isdisjoint(folded):  # (the usual case, in one test)
        return None
    return next(x for x, f in enumerate(folded) if f in words)


def rule_candidates(text: str, toks: list[Token], taken: list[bool], paragraph: int) -> list[Candidate]:
    """Capitalised names the gazetteer did not match, typed by the cues around them.

    A name with no cue is kept untyped (type None): resolution may still join it to a full name
    of the document ("Villa Bonilla" for "Inés Villa Bonilla"), to an organisation whose initials
    it spells, or find it among the places of the world; otherwise it is dropped, never guessed."""
    r = rules()
    conn, not_names = r["connectors"], r["not_names"]
    org_words, loc_words, demonyms, event_after = r["org_words"], r["loc_words"], r["demonyms"], r["event_after"]
    given = first_names()
    months = month_names()
    lead = _stop_lead()
    heads = _head_words()
    links = _links()
    out: list[Candidate] = []
    i, n = 0, len(toks)
    caps = [x for x, t in enumerate(toks) if t.cap and not taken[x]]  # where a name can start
    while True:
        at = bisect.bisect_left(caps, i)
        if at == len(caps):
            break
        i = caps[at]  # the next capitalised word not matched by the gazetteer
        if not _name_word(toks[i]):
            i += 1
            continue
        k = i + 1
        if k == n or taken[k] or not (toks[k].cap or toks[k].folded in links):
            run = [i]  # what `_run_end` finds when nothing can follow (most names: one word)
        else:
            run = list(range(i, _run_end(text, toks, taken, i) + 1))
        i = run[-1] + 1
        head_at = run[0]
        titled = False  # a title among the leading words taken off: a cue, as one right before the name
        org_cue = False
        demonym = False
        # Leading words that are not part of a name: titles, months, "The", a sentence's first word.
        # A nationality stays in front of an organisation: "Peruvian Army", "Argentine Navy".
        while run:
            first = toks[run[0]].folded
            demonym = first in demonyms and any(toks[k].folded in org_words for k in run[1:])
            if demonym:
                break
            if len(run) > 1 and first in r["org_cues"]:
                org_cue = True  # "the NGO Paz y Esperanza"
            elif not (
                first in not_names
                or first in months
                or _is_title(first)
                or first in conn
                or first in demonyms
                or (first in lead and len(run) > 1)
                or (toks[run[0]].sentence_start and first.endswith("ly"))
                or (
                    len(run) > 1
                    and ACRONYM_ONLY.fullmatch(toks[run[0]].text) is not None
                    and toks[run[1]].folded in given
                )
            ):  # "PNP Juan Pérez"
                break
            titled = titled or _is_title(first)
            run.pop(0)
        if not run:
            continue  # (most often one capitalised word that cannot be a name: "The", "In")
        cue = titled or _cue_before(toks, head_at, text)
        # (both tests below need these only for a name of two words or more opening a sentence)
        after_colon = head_word = False
        if len(run) > 1 and toks[run[0]].sentence_start:
            after_colon = _colon_before(text, toks[run[0]].start)
            head_word = toks[run[0]].folded in heads
        if (
            len(run) > 1
            and toks[run[0]].sentence_start
            and toks[run[0]].folded not in given
            and not demonym
            and not after_colon
            and not head_word
            and _classify([toks[k].folded for k in run], cue, "", "")
            != _classify([toks[k].folded for k in run[1:]], cue, "", "")
        ):
            run.pop(0)  # "Later Pérez", "Journalists Juan Pérez": the capital only starts the sentence
        if len(run) > 2 and toks[run[0]].sentence_start and toks[run[1]].folded in conn and not after_colon:
            head = toks[run[0]].folded
            if head not in heads and head not in given:
                run.pop(0)  # "Officials of the Ministry of Defence": the sentence's first word is not the name
                while run and toks[run[0]].folded in conn:
                    run.pop(0)
        if len(run) == 1:  # (most names: one word)
            if toks[run[0]].folded in months:
                continue
        else:
            first_month = _first_in(toks, run, months)
            if first_month is not None:
                run = run[:first_month]
        while run and toks[run[-1]].folded in conn:
            run.pop()
        if not run:
            continue
        # A title inside the name starts a person: "Army Brigadier General Sergio Arellano Stark".
        for x in range(len(run) - 2, 0, -1):
            tail = [toks[k] for k in run[x + 1 :]]
            if (
                _is_title(toks[run[x]].folded)
                and tail
                and not any(t.folded in org_words or t.folded in loc_words or t.folded in conn for t in tail)
                and (tail[0].folded in given or (len(tail) >= 2 and toks[run[x - 1]].folded not in conn))
            ):
                i = run[x + 1]  # read the person on its own, after the title
                run = run[:x]
                while run and _is_title(toks[run[-1]].folded):
                    run.pop()
                break
        if not run:
            continue
        nxt_cap = run[-1] + 1 < n and toks[run[-1] + 1].cap
        person = toks[run[0]].folded in given
        while (
            len(run) > 1
            and (_is_title(toks[run[-1]].folded) or toks[run[-1]].folded in r["person_roles"])
            and (nxt_cap or person)
            and toks[run[-2]].folded not in conn
        ):
            run.pop()  # "Peruvian Army Major" before a name; "Maureen Taft-Morales Analyst" on a cover
        while run and toks[run[-1]].folded in conn:
            run.pop()
        if not run:
            continue
        words = [strip_possessive(toks[k].text) for k in run]
        nxt = toks[run[-1] + 1].folded if run[-1] + 1 < n and _adjacent(text, toks[run[-1]], toks[run[-1] + 1]) else ""
        prev = " ".join([t.folded for t in toks[max(0, run[0] - 3) : run[0]]])
        etype = _classify([toks[k].folded for k in run], cue, nxt, prev)
        if (
            etype in ("EVENT", "LAW")
            and len(run) == 2
            and toks[run[0]].sentence_start
            and nxt not in event_after
            and toks[run[0]].folded not in r["event_first"]
            and toks[run[0]].folded not in r["law_words"]
            and not places.lookup([words[0]])
        ):
            continue  # "Car bombing", "New Constitution": a capital that only starts the sentence
        # "Santa Province of the Ancash Region": two places
        if etype == "LOC":
            for x in range(1, len(run) - 1):
                if toks[run[x]].folded in loc_words and toks[run[x + 1]].folded in conn:
                    i = run[x + 1]
                    while i < n and toks[i].folded in conn:
                        i += 1
                    run, words = run[: x + 1], words[: x + 1]
                    break
        a, b = toks[run[0]].start, toks[run[-1]].end
        if (
            etype is None
            and 2 <= len(run) <= 4
            and all(toks[k].folded not in conn for k in run)
            and _person_context(text, b)
        ):
            etype = "PERSON"
        if etype is None and org_cue:
            etype = "ORG"
        if (
            etype in ("PERSON", None)
            and run[0] > 0
            and toks[run[0] - 1].folded in ("el", "la", "los", "las")
            and _adjacent(text, toks[run[0] - 1], toks[run[0]])
            and places.lookup([toks[run[0] - 1].text, words[0]])
        ):
            etype = None  # "El Salvador", not the given name Salvador
        # "Juan Pérez y María López" are two people, "El Salvador and Guatemala" two places
        if etype in ("PERSON", None) and len(run) > 1:
            cut = _first_in(toks, run, _AND)
            if cut:
                i = run[cut] + 1  # read the second name on its own
                run, words = run[:cut], words[:cut]
                b = toks[run[-1]].end
        numbered = None
        if (
            etype in ("LAW", "ORG")
            and len(run) > 1
            and toks[run[-1]].folded in ("n", "no", "nro", "num")
            and _NUMBER.match(text, toks[run[-2]].end)
        ):
            run, words = run[:-1], words[:-1]  # "Ley N.° 26479": the N belongs to the number
            b = toks[run[-1]].end
        number = _NUMBER.match(text, b) if etype in ("LAW", "ORG") else None
        if (
            number
            and etype == "ORG"
            and fold(words[-1]) not in r["unit_words"]
            and not re.match(r"[ \t]*[Nn]", number.group(0))
        ):
            number = None  # only numbered units ("Grupo de Tareas 3.3") and laws carry their number
        if number and not re.fullmatch(r"(?:1[89]|20)\d\d", number.group(1)):
            words = [*words, number.group(1)]
            b = number.end()
            numbered = " ".join(text[toks[run[0]].start : b].split())  # "Ley N.° 26479" as written
            i = max(i, next((k for k in range(run[-1] + 1, n) if toks[k].start >= b), n))
        elif (
            len(run) == 1
            and run[0] > 0
            and taken[run[0] - 1]
            and _adjacent(text, toks[run[0] - 1], toks[run[0]])
            and (toks[run[0]].folded in org_words or toks[run[0]].folded in loc_words)
        ):
            # "Lima Province", "Ayacucho Regional ...": the head of a name that starts with a known place
            etype = "ORG" if toks[run[0]].folded in org_words else "LOC"
            out.append(
                Candidate(
                    paragraph, toks[run[0]].start, toks[run[0]].end, words[0], None, etype, words, cue, suffix=True
                )
            )
            continue
        elif len(run) == 1 and etype in ("ORG", "LAW") and toks[run[0]].folded not in r["single_orgs"]:
            continue  # "Court", "Law": a common noun with a capital
        if len(run) == 1 and etype == "PERSON" and not cue:
            continue  # a given name alone is not a name
        if toks[run[-1]].text.endswith(("'s", "’s")) and b == toks[run[-1]].end:
            b -= 2
        if etype == "EVENT" and nxt in event_after and fold(words[-1]) not in event_after:
            words = [*words, toks[run[-1] + 1].text]  # "the Putis massacre": the word names it too
            b = toks[run[-1] + 1].end
            i = max(i, run[-1] + 2)
        if etype == "EVENT" and nxt not in event_after:
            cue_before = next(
                (e for e in sorted(r["event_before"], key=len, reverse=True) if prev == e or prev.endswith(" " + e)),
                None,
            )
            if cue_before:  # "el caso Pucayacu", "la matanza de Cayara": the cue is part of the name
                start = toks[run[0] - len(cue_before.split())]
                if _adjacent(text, start, toks[run[0]]) or len(cue_before.split()) > 1:
                    a = start.start
                    words = [*text[a : toks[run[0]].start].split(), *words]
        c = Candidate(
            paragraph, a, b, numbered or " ".join(words), None, etype, words, cue, initial=toks[run[0]].sentence_start
        )
        if etype is None:
            place = places.lookup(words)
            if place is None and len(run) > 2 and fold(words[0]) in r["place_heads"] and fold(words[1]) in conn:
                place = places.lookup([w for w in words[1:] if fold(w) not in ("de", "del", "of")] or words)
            if (
                place is None
                and run[0] > 0
                and toks[run[0] - 1].folded in ("el", "la", "los", "las")
                and _adjacent(text, toks[run[0] - 1], toks[run[0]])
            ):
                place = places.lookup([toks[run[0] - 1].text, *words])  # "El Salvador", "La Paz"
                if place:
                    c.start = a = toks[run[0] - 1].start
                    c.surface = f"{toks[run[0] - 1].text} {c.surface}"
                    c.tokens = [toks[run[0] - 1].text, *c.tokens]
            if place and (place[1] != "city" or len(run) > 1 or _locative_before(text, a)):
                c.place = place
        out.append(c)
    return out


# ---------------------------------------------------------------------------- stage 4: resolution


def surname_of(words: list[str]) -> str | None:
    """The short form of a person's name: the first surname ("Hermoza" of "Nicolás Hermoza Ríos",
    "La Rosa" of "Leonor la Rosa Bustamante", "McCaffrey" of "Barry McCaffrey")."""
    conn = rules()["connectors"]
    given = first_names()
    i = 1
    while i < len(words) - 1 and fold(words[i]) in given:
        i += 1
    if i >= len(words):
        return None
    if fold(words[i]) in conn and i + 1 < len(words):
        return f"{words[i]} {words[i + 1]}"
    return words[i]


def _initials(name: str) -> str:
    conn = rules()["connectors"]
    return "".join(w[0] for w in TOKEN.findall(name) if fold(w) not in conn).upper()


def extract(paragraphs: list[str], gaz: Gazetteer) -> tuple[list[Mention], dict[str, EntityInfo]]:
    """Mentions (with paragraph numbers) and the entities they resolve to, for one document."""
    toks = [tokenize(p) for p in paragraphs]
    # Acronyms defined in the document, and the entity each definition names.
    local: dict[tuple[str, ...], str] = {}
    local_entities: dict[str, EntityInfo] = {}
    for p, text in enumerate(paragraphs):
        for d in find_definitions(text, toks[p]):
            forms = [*d.forms, d.acronym] if d.acronym else list(d.forms)
            key = next((k for k in (gaz.lookup(TOKEN.findall(f)) for f in forms) if k), None)
            if key is None:
                name = d.forms[0]
                words = TOKEN.findall(name)
                etype = _classify([fold(w) for w in words], False, "", "") or "ORG"
                key = key_of(name)
                local_entities.setdefault(key, EntityInfo(key, name, etype))
            for f in forms:
                local[tuple(fold(t) for t in TOKEN.findall(f))] = key
    local_starts: dict[str, int] = {}
    for folded in local:
        local_starts[folded[0]] = max(local_starts.get(folded[0], 0), len(folded))
    cands: list[Candidate] = []
    gaz_starts = gaz.starts
    for p, text in enumerate(paragraphs):
        tk = toks[p]
        taken = [False] * len(tk)
        found: list[Candidate] = []  # the gazetteer's, in this paragraph
        # Only the words an alias starts with can start a match: the others are passed over at once.
        if local_starts:
            firsts = [x for x, t in enumerate(tk) if t.folded in gaz_starts or t.folded in local_starts]
        else:
            firsts = [x for x, t in enumerate(tk) if t.folded in gaz_starts]
        i = 0
        for first in firsts:
            if first < i:
                continue  # inside the match before
            i = first
            hit = None
            longest = max(gaz_starts.get(tk[i].folded, 0), local_starts.get(tk[i].folded, 0))
            for size in range(min(longest, len(tk) - i), 0, -1):
                window = tk[i : i + size]
                if any(
                    text[window[x].end : window[x + 1].start].strip() not in ("", "'", "’", '"', ",")
                    for x in range(size - 1)
                ):
                    continue
                folded = tuple(t.folded for t in window)
                key = local.get(folded) if (size > 1 or window[0].text.isupper()) else None
                key = key or gaz.lookup([t.text for t in window], folded)
                if key:
                    hit = (size, key)
                    break
            if hit and i > 0 and _given_name_before(text, tk, taken, i, gaz, hit[1]):
                hit = None  # "Juan Bosco Hermoza Ríos": another person of that surname
            if hit:
                size, key = hit
                a, b = tk[i].start, tk[i + size - 1].end
                if tk[i + size - 1].text.endswith(("'s", "’s")):
                    b -= 2
                found.append(Candidate(p + 1, a, b, " ".join(strip_possessive(t.text) for t in tk[i : i + size]), key))
                for x in range(i, i + size):
                    taken[x] = True
                i += size
            else:
                i += 1
        ruled = rule_candidates(text, tk, taken, p + 1)
        cands.extend(_attach_places(text, found, ruled, gaz))
    return _resolve(cands, gaz, local_entities, paragraphs)


_OF = re.compile(r"\s+(?:de|del|de\s+la|of|of\s+the)\s+", re.I)


def _attach_places(text: str, cands: list[Candidate], ruled: list[Candidate], gaz: Gazetteer) -> list[Candidate]:
    """An organisation or place the rules found, followed by "de"/"of" and a place the gazetteer
    knows, is one name ("Banco de Crédito del Perú", "Destacamento Policial de Huamanga"): the
    place inside it is not listed apart (flat annotation). CANDS and RULED are one paragraph's
    (the gazetteer's and the rules' candidates); the paragraph's candidates come back, CANDS first.
    (Given the whole document's, it took time in the square of its length.)"""
    if not ruled:
        return cands
    places_at = {c.start: c for c in cands if c.key in gaz.entries and gaz.entries[c.key].type == "LOC"}
    drop: set[int] = set()
    ends = {c.end: c for c in places_at.values()}
    for c in ruled:  # "Lima Bar Association", "Lima Province": a known place starts the name
        d = ends.get(c.start - 1) if c.type in ("ORG", "LOC") and text[c.start - 1 : c.start] == " " else None
        if d is not None and id(d) not in drop:
            c.surface = f"{d.surface} {c.surface}"
            c.tokens = [*TOKEN.findall(d.surface), *c.tokens]
            c.start = d.start
            c.suffix = False
            drop.add(id(d))
    ruled = [c for c in ruled if not c.suffix]
    for c in ruled:
        if c.type not in ("ORG", "LOC") or not places_at:
            continue
        m = _OF.match(text, c.end)
        d = places_at.get(m.end()) if m else None
        if m is None or d is None:
            continue
        of = m.group().split()
        c.surface = f"{c.surface} {' '.join(of)} {d.surface}"
        c.tokens = [*c.tokens, *of, *d.tokens] if d.tokens else [*c.tokens, *of, d.surface]
        c.end = d.end
        drop.add(id(d))
    return [c for c in cands if id(c) not in drop] + ruled


def _given_name_before(text: str, tk: list[Token], taken: list[bool], i: int, gaz: Gazetteer, key: str) -> bool:
    """Does a capitalised given name, not itself matched, stand right before the gazetteer's
    person matched at token I?"""
    if key not in gaz.entries or gaz.entries[key].type != "PERSON" or tk[i].folded in first_names():
        return False  # a full name the gazetteer knows ("Valentín Paniagua") is that person
    p = tk[i - 1]
    if taken[i - 1] or not p.cap or not _adjacent(text, p, tk[i]) or p.text.endswith(("'s", "’s")):
        return False
    r = rules()
    if (
        p.folded in r["not_names"]
        or p.folded in r["connectors"]
        or p.folded in r["demonyms"]
        or _is_title(p.folded)
        or p.folded in month_names()
        or p.folded in _stop_lead()
    ):
        return False
    return p.folded in first_names() or not p.sentence_start


def _resolve(
    cands: list[Candidate], gaz: Gazetteer, local_entities: dict[str, EntityInfo], paragraphs: list[str]
) -> tuple[list[Mention], dict[str, EntityInfo]]:
    entities: dict[str, EntityInfo] = {}

    def info(key: str) -> EntityInfo:
        if key not in entities:
            if key in gaz.entries:
                e = gaz.entries[key]
                entities[key] = EntityInfo(key, e.name, e.type, e.description)
            else:
                entities[key] = local_entities[key]
        return entities[key]

    # A name ending in the surname of a known person is a relative ("Keiko Fujimori").
    surnames = gaz.person_surnames()
    # A full name whose last word the document also uses alone, as people are referred to after
    # their first mention ("Telmo Hurtado ... Hurtado ordered"), is a person.
    alone = {
        fold(c.tokens[0])
        for c in cands
        if c.key is None
        and len(c.tokens) == 1
        and c.type in (None, "PERSON")
        and not c.initial
        and not c.tokens[0].isupper()
    }
    conn = rules()["connectors"]
    for c in cands:
        if (
            c.key is None
            and c.type is None
            and len(c.tokens) >= 2
            and c.place is None
            and (
                fold(c.tokens[-1]) in surnames
                or (len(c.tokens) <= 4 and fold(c.tokens[-1]) in alone and not any(fold(t) in conn for t in c.tokens))
            )
        ):
            c.type = "PERSON"
    # Full names found by the rules, and the short forms that may refer to them in this document.
    short: dict[str, set[str]] = {}
    for c in cands:
        if c.key is None and c.type == "PERSON" and len(c.tokens) >= 2:
            k = key_of(" ".join(c.tokens))
            local_entities.setdefault(k, EntityInfo(k, " ".join(c.tokens), "PERSON"))
            c.key = k
            s = surname_of(c.tokens)
            if s:
                short.setdefault(key_of(s), set()).add(k)
                rest = c.tokens[c.tokens.index(s.split()[0]) :]
                if len(rest) > 1:  # both surnames: "Villa Bonilla"
                    short.setdefault(key_of(" ".join(rest)), set()).add(k)
    orgs: dict[str, str] = {}  # organisations named in the document: key -> name
    for c in cands:
        if c.key in gaz.entries and gaz.entries[c.key].type == "ORG":
            orgs[c.key] = gaz.entries[c.key].name
        elif c.key in local_entities and local_entities[c.key].type == "ORG":
            orgs[c.key] = local_entities[c.key].name
    by_initials: dict[str, list[str]] | None = None  # initials -> the organisations they spell
    for c in cands:
        if c.key is not None:
            continue
        k = key_of(" ".join(c.tokens))
        if c.type in ("PERSON", None):
            owners = short.get(k, set())
            if len(owners) == 1:  # a surname alone, for the full name given in this document
                c.key = next(iter(owners))
                continue
            if len(owners) > 1:
                continue  # ambiguous in this document: not merged by guesswork
        if c.type is None and c.place is not None:  # a country, region or city of the world
            name = c.place[0]
            k = key_of(name)
            if k not in gaz.entries:
                local_entities.setdefault(k, EntityInfo(k, name, "LOC"))
            c.key = k
            continue
        if c.type is None:
            # An acronym spelling the initials of an organisation named in the same document.
            if len(c.tokens) == 1 and ACRONYM_ONLY.fullmatch(c.tokens[0]):
                if by_initials is None:  # (once a document, when it has such an acronym)
                    by_initials = {}
                    for o, name in orgs.items():
                        by_initials.setdefault(_initials(name), []).append(o)
                match = by_initials.get(c.tokens[0], [])
                if len(match) == 1:
                    c.key = match[0]
            continue  # otherwise a capitalised phrase with no cue: not a name we can type
        local_entities.setdefault(k, EntityInfo(k, " ".join(c.tokens), c.type or "ORG"))
        c.key = k
    _family_names(cands, gaz, local_entities)
    mentions: list[Mention] = []
    for c in sorted(cands, key=lambda c: (c.paragraph, c.start)):
        if not c.key or c.key in gaz.ignore:
            continue
        e = info(c.key)
        e.aliases.add(c.surface)
        e.mentions += 1
        mentions.append(Mention(c.paragraph, c.start, c.end, c.key, c.surface))
    return mentions, entities


def _family_names(cands: list[Candidate], gaz: Gazetteer, local_entities: dict[str, EntityInfo]) -> None:
    """A surname alone that the gazetteer knows ("Fujimori") names the one person of that surname
    the document gives in full: Alberto Fujimori when only he is named, Keiko Fujimori when only she
    is, and nobody when both are (relatives stay apart; the mention is left unresolved)."""
    people: dict[str, set[str]] = {}  # folded surname -> keys of people named in full with it
    words_of = [TOKEN.findall(c.surface) for c in cands]
    for c, words in zip(cands, words_of, strict=True):
        if c.key is None or len(words) < 2:
            continue
        etype = gaz.entries[c.key].type if c.key in gaz.entries else getattr(local_entities.get(c.key), "type", None)
        if etype != "PERSON":
            continue
        for tok in words[1:]:
            people.setdefault(fold(tok), set()).add(c.key)
    for c, words in zip(cands, words_of, strict=True):
        if c.key in gaz.entries and gaz.entries[c.key].type == "PERSON" and len(words) == 1:
            owners = people.get(fold(words[0]), set())
            if len(owners) == 1:
                c.key = next(iter(owners))
            elif len(owners) > 1:
                c.key = None
