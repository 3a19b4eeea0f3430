"""The cues that decide where the date patterns run: found through the words they start at, they
are exactly those a scan of the text for each cue finds (the patterns see the same stretches)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from perucases.extract import timex

WORDS = ["may", "May", "mayo", "de", "del", "el", "the", "a", "años", "año", "year", "years", "year-end", "yearly",
         "this", "thistle", "that", "same", "mismo", "from", "now", "fromnow", "between", "and", "to", "y", "after",
         "Monday", "mondays", "mon", "money", "fall", "falls", "los", "ochenta", "eighties", "décadas", "hace", "ago",
         "today", "following", "next", "day", "día", "siguiente", "fiscal", "FY", "quarter", "century", "1990",
         "1990s", "'90s", "20", "5", "21st", "en", "mención", "ese", "más", "tarde", "anniversary", "sept", "Sept.",
         "x", "ſeptember", "İstanbul", "a_b"]
SEPS = [" ", "  ", ", ", ". ", "-", "\n", "", "(", ")", "'", "’", "–"]


def scanned(low):
    return {cue: timex._windows(exact, low) for cue, (exact, _) in timex._lower_cues().items()}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPS)), max_size=40))
def test_cue_windows_are_those_of_a_scan(parts):
    text = "".join(w + s for w, s in parts)
    low = text.lower()
    assert timex._cue_windows(low) == scanned(low)


def test_cue_windows_of_a_sentence():
    low = "el 5 de mayo del 2001, the same year, from now on; between 3 and 5 de mayo de 1990".lower()
    windows = timex._cue_windows(low)
    assert windows == scanned(low)
    assert windows["month"] and windows["same_year"] and windows["month_de"] and not windows["decadew"]


def test_every_cue_but_digits_is_found_through_words():
    by_word, scanned_cues, _ = timex._word_cues()
    assert sorted(scanned_cues) == ["decade", "digits"]
    assert len(by_word) == len(timex._lower_cues()) - 2
