"""The cues that decide where the date patterns run: found through the words they start at, they
are exactly those a scan of the text for each cue finds (the patterns see the same stretches)."""

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import examples
from perucases.extract import timex

WORDS = [
    "may",
    "May",
    "mayo",
    "de",
    "del",
    "el",
    "the",
    "a",
    "años",
    "año",
    "year",
    "years",
    "year-end",
    "yearly",
    "this",
    "thistle",
    "that",
    "same",
    "mismo",
    "from",
    "now",
    "fromnow",
    "between",
    "and",
    "to",
    "y",
    "after",
    "Monday",
    "mondays",
    "mon",
    "money",
    "fall",
    "falls",
    "los",
    "ochenta",
    "eighties",
    "décadas",
    "hace",
    "ago",
    "today",
    "following",
    "next",
    "day",
    "día",
    "siguiente",
    "fiscal",
    "FY",
    "quarter",
    "century",
    "1990",
    "1990s",
    "'90s",
    "20",
    "5",
    "21st",
    "en",
    "mención",
    "ese",
    "más",
    "tarde",
    "anniversary",
    "sept",
    "Sept.",
    "x",
    "ſeptember",
    "İstanbul",
    "a_b",
    "_the",
    "x_year",
    "the_",
]
SEPS = [" ", "  ", ", ", ". ", "-", "\n", "", "(", ")", "'", "’", "–"]


def texts(words, seps, max_size):
    """Texts of WORDS, each followed by one of SEPS."""
    parts = st.lists(st.tuples(st.sampled_from(words), st.sampled_from(seps)), max_size=max_size)
    return parts.map(lambda ps: "".join(w + s for w, s in ps))


def scanned(low):
    return {cue: timex._windows(exact, low) for cue, (exact, _) in timex._lower_cues().items()}


@settings(max_examples=examples(400), deadline=None)
@given(texts(WORDS, SEPS, 40))
def test_cue_windows_are_those_of_a_scan(text):
    low = text.lower()
    assert timex._cue_windows(low) == scanned(low)


def test_cue_windows_of_a_sentence():
    low = "el 5 de mayo del 2001, the same year, from now on; between 3 and 5 de mayo de 1990".lower()
    windows = timex._cue_windows(low)
    assert windows == scanned(low)
    assert windows["month"] and windows["same_year"] and windows["month_de"] and not windows["decadew"]


def test_every_cue_but_digits_is_found_through_words():
    by_word, scanned_cues = timex._word_cues()
    assert sorted(scanned_cues) == ["decade", "digits"]
    assert len(by_word) == len(timex._lower_cues()) - 2


DATE_WORDS = [
    "May",
    "may",
    "MAY",
    "Mayo",
    "mayo",
    "5",
    "21st",
    "1990",
    "2001",
    "90s",
    "de",
    "del",
    "of",
    "the",
    "The",
    "same",
    "SAME",
    "year",
    "Year",
    "el",
    "mismo",
    "año",
    "AÑO",
    "September",
    "SEPT",
    "Sept.",
    "ſeptember",
    "İn",
    "Monday",
    "MONDAY",
    "FY",
    "fiscal",
    "Fiscal",
    "mid",
    "Late",
    "early",
    "last",
    "Last",
    "week",
    "ago",
    "two",
    "Two",
    "years",
    "later",
    "between",
    "and",
    "to",
    "hoy",
    "Today",
    "Σ",
    "µ",
    "Kelvin",
]


@settings(max_examples=examples(300), deadline=None)
@given(texts(DATE_WORDS, [" ", ", ", ". ", "-", "–", " de "], 14))
def test_patterns_match_lowercased_text_as_they_match_the_text(text):
    """The patterns run on the lowercased text without IGNORECASE: the same matches, the same
    groups (as the text writes them) as with IGNORECASE on the text itself."""
    assert timex._match(text) == timex._match(text, lowered=False)


def test_characters_ignorecase_treats_otherwise_keep_the_text_path():
    import datetime as dt

    assert timex._folds_as_lower("On May 5, 1990 in Ayacucho, Perú (según él)")
    assert not timex._folds_as_lower("ſeptember 5, 1990")  # 'ſ' matches 's' only when ignoring case
    found = timex.find("It happened two yearſ ago, on Monday.", dt.date(2000, 5, 5))
    assert [(t.text, t.value) for t in found] == [("two yearſ ago", "1998"), ("Monday", "2000-05-01")]
    assert timex._lowercased(r"(?P<mon>May)\s+(?:FY|\W)") == r"(?P<mon>may)\s+(?:fy|\W)"


def test_a_trie_writes_shared_letters_once():
    assert timex._trie(["sep", "sept", "september", "septiembre", "may", "mayo", "mar"]) == (
        "(?:ma(?:r|y(?:o)?)|sep(?:t(?:ember|iembre)?)?)"
    )
    assert timex._trie(["ese año", "el año"]) == r"(?:e(?:l\ año|se\ año))"


@settings(max_examples=examples(400), deadline=None)
@given(
    st.lists(st.text(alphabet="abñ .", min_size=1, max_size=5), min_size=1, max_size=8),
    st.text(alphabet="abñ .1Á", max_size=30),
)
def test_a_trie_matches_what_the_alternatives_longest_first_match(words, text):
    """In any context, also where what follows makes the engine go back to a shorter word."""
    for tail in ("", r"\d", r"(?!\w)", "a", r"\.?b"):
        for flags in (0, re.IGNORECASE):
            flat = re.compile(rf"(?P<w>{timex._alt(words)}){tail}", flags)
            trie = re.compile(rf"(?P<w>{timex._trie(words)}){tail}", flags)
            assert [(m.span(), m.group("w")) for m in trie.finditer(text)] == [
                (m.span(), m.group("w")) for m in flat.finditer(text)
            ]


CUED_WORDS = [
    "that",
    "year",
    "years",
    "the",
    "said",
    "del",
    "ese",
    "aquel",
    "dicho",
    "citado",
    "en",
    "mención",
    "30",
    "de",
    "following",
    "next",
    "previous",
    "same",
    "month",
    "week",
    "el",
    "mismo",
    "año",
    "al",
    "siguiente",
    "la",
    "misma",
    "semana",
    "mes",
    "this",
    "last",
    "past",
    "coming",
    "current",
    "este",
    "esta",
    "pasado",
    "próximo",
    "weekend",
    "fall",
    "summer",
    "a",
    "ago",
    "earlier",
    "year-earlier",
    "year-ago",
    "May",
    "5",
    "1990",
    "in",
]


@settings(max_examples=examples(400), deadline=None)
@given(texts(CUED_WORDS, [" ", "  ", "-", ", ", ". ", "\n"], 16))
def test_patterns_find_in_their_cues_windows_what_they_find_in_the_whole_text(text):
    """Each pattern runs only around its cue: a cue every match of the pattern holds. Run on the
    whole text instead, the patterns find the same expressions."""
    assert timex._match(text) == timex._match(text, everywhere=True)


def test_every_same_year_phrase_holds_one_of_its_cues():
    """The "same year" phrases are sought through shorter cues ("the said year" through "year"):
    each phrase must hold one, as a whole word, or the patterns would not run around it."""
    w = timex._words()
    for phrase in w["same_year"]:
        assert any(re.search(rf"(?<!\w){re.escape(cue)}(?!\w)", phrase) for cue in w["same_year_cues"]), phrase


def test_cues_that_start_after_the_expression_find_it():
    """Cues need not start where the expression does: "the following day" is found through
    "following day", "a 40 años del" through "años de", "the said year" through "year"."""
    anchor = dt.date(2001, 5, 10)
    found = timex.find("The following day; a 40 años del golpe de 1976; the said year.", anchor)
    assert [(t.text, t.value) for t in found] == [
        ("The following day", "2001-05-11"),
        ("a 40 años del", "2016"),
        ("1976", "1976"),
        ("the said year", "1976"),
    ]


def test_two_word_cues_find_their_expressions():
    assert [t.text for t in timex.find("That year and the following month; a year ago, last week.")] == [
        "That year",
        "the following month",
        "a year ago",
        "last week",
    ]


START_WORDS = [*CUED_WORDS, "'90s", "90s", "1990s", "x1990", "_may", "é", "September", "ſ", "may's", "(may)"]


@settings(max_examples=examples(400), deadline=None)
@given(texts(START_WORDS, [" ", "", "-", ", ", ". ", "\n", "'", "_"], 16))
def test_patterns_tried_at_words_start_their_matches_there(text):
    """Every pattern that `_scan` tries only at the start of a word, with a character it may
    start with, finds its matches nowhere else: run everywhere, on the lowercased text and
    (ignoring case) on the text itself."""
    for patterns, chars, seen in (
        (timex._lower_patterns(), timex._lower_start_chars(), text.lower()),
        (timex._patterns(), timex._start_chars(), text),
    ):
        for name, rx in patterns:
            first = chars[name]
            if first is None:
                continue
            for m in rx.finditer(seen):
                a = m.start()
                assert a == 0 or not re.match(r"\w", seen[a - 1]), (name, m)
                assert re.match(r"\w", seen[a]) and (seen[a] in first or not seen[a].isascii()), (name, m)


def test_every_pattern_but_the_decades_is_tried_at_words_only():
    """The decades' pattern may start with an apostrophe ("'90s"); every other starts at a word,
    each with the characters its first words start with."""
    lower = timex._lower_start_chars()
    assert [name for name, chars in lower.items() if chars is None] == ["decade"]
    assert lower["iso"] == frozenset("12")
    assert lower["hace"] == frozenset("h")
    assert lower["weekday"] == frozenset("defjlmnstvw")  # domingo, fri, jueves, lunes, mon, sat, thu, viernes, wed
    assert [name for name, chars in timex._start_chars().items() if chars is None] == ["decade"]
    assert timex._start_chars()["iso"] == frozenset("12")
    assert timex._start_chars()["hace"] >= frozenset("hH")
