"""Sentences of a cleaned paragraph: where they end, and where they do not (abbreviations,
initials), as the quotes, the timeline and the sources cut them."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import examples
from perucases.ingest.sentences import _abbreviation, sentence_spans


def sentences(text):
    return [text[a:b] for a, b in sentence_spans(text)]


def test_sentences_end_at_a_mark_before_a_capital_a_digit_or_an_opening_quote():
    text = 'Gen. Hermoza Ríos spoke. "We won," he said! Jo-Marie J. Burt wrote (in 2001). ¿Qué pasó? 1992 came.'
    assert sentences(text) == [
        "Gen. Hermoza Ríos spoke.",
        '"We won," he said!',
        "Jo-Marie J. Burt wrote (in 2001).",
        "¿Qué pasó?",
        "1992 came.",
    ]
    assert sentences("It ended.  then it went on. ") == ["It ended.  then it went on."]
    assert sentences("") == [] and sentences("   ") == []


# The rule as the module states it, with a look-behind for the mark: what sentence_spans must give.
_SPEC = re.compile(r"""(?<=[.!?])["'”’)\]]*\s+(?=["“'‘(\[¿¡]?[A-ZÁÉÍÓÚÑÜ0-9])""")


def by_the_rule(text):
    out, start = [], 0
    for m in _SPEC.finditer(text):
        stop = m.start() - 1
        if text[stop] == "." and _abbreviation(text, stop):
            continue
        end = m.start()
        while end > start and text[end - 1] == " ":
            end -= 1
        out.append((start, end))
        start = m.end()
    out.append((start, len(text.rstrip())))
    return [(a, b) for a, b in out if text[a:b].strip()]


@settings(max_examples=examples(400), deadline=None)
@given(
    st.lists(
        st.sampled_from([".", "!", "?", '"', "”", ")", " ", "  ", "\n", "A", "b", "1", "(", "¿", "Mr", "J", "U.S"]),
        max_size=30,
    )
)
def test_sentences_are_cut_where_the_rule_cuts_them(parts):
    text = "".join(parts)
    assert sentence_spans(text) == by_the_rule(text)
