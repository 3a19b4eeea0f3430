"""Where a pattern's matches can start (perucases.extract.regexstart): proved from its parse, or
not at all."""

import re
import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from helpers import examples
from perucases.extract.regexstart import word_start_chars

WORD_START = re.compile(r"(?<!\w)\w")


@pytest.mark.parametrize(
    ("pattern", "flags", "chars"),
    [
        (r"(?<!\w)(?:ab)?\d", 0, set("a0123456789")),
        (r"(?<!\w)(?:the\s+)?(?:may|june)", 0, set("tmj")),
        (r"(?<!\w)(?:early|late)?[-\s]*may", 0, None),  # may start with "-" or a space
        (r"(?<!\w)[0-3]?\d", 0, set("0123456789")),
        (r"(?<!\w)(?:x|y)*z", 0, set("xyz")),
        (r"(?<!\w)é", 0, set()),  # only a character outside ASCII: none listed
        (r"(?<!\w)may", re.IGNORECASE, set("mM")),
        (r"(?<!\w)ſep", re.IGNORECASE, set(string.ascii_letters)),  # "ſ" matches "s" and "S"
        (r"(?<!\w)(?:ab)?\s", 0, None),  # a space can come first
        (r"\d+", 0, None),  # no (?<!\w): a match may start inside a word
        (r"\b\d+", 0, None),
        (r"(?<!\w)(?:x)?", 0, None),  # can match the empty string
        (r"(?<!\w)[^a]", 0, None),
        (r"(?<!\w).", 0, None),
        (r"(?<!\w)(a)\1", 0, set("a")),
        (r"(?<!\w)\1?(a)", 0, None),  # a back-reference first: not followed
        (r"(?<!\w)(?<=a)'x", 0, None),
        (r"(?<!\w)b", re.ASCII, None),  # its \w is not Unicode's: "éb" has a match at "b"
    ],
)
def test_word_start_chars(pattern, flags, chars):
    got = word_start_chars(pattern, flags)
    assert got == (None if chars is None else frozenset(chars))


PIECES = st.sampled_from(["a", "b", "7", "_", "é", "-", " ", "'", r"\d", r"\w", r"\s", "[ab]", "[a-c7]", "[^a]", "."])


@st.composite
def patterns(draw, depth=2):
    """Small patterns that open with (?<!\\w): pieces, optional groups, alternatives."""

    def seq(d):
        parts = []
        for _ in range(draw(st.integers(1, 3))):
            kind = draw(st.sampled_from(["piece", "piece", "opt", "alt", "plus"] if d > 0 else ["piece"]))
            if kind == "piece":
                parts.append(draw(PIECES))
            elif kind == "opt":
                parts.append(f"(?:{seq(d - 1)})?")
            elif kind == "plus":
                parts.append(f"(?:{seq(d - 1)})+")
            else:
                parts.append(f"(?:{seq(d - 1)}|{seq(d - 1)})")
        return "".join(parts)

    return r"(?<!\w)" + seq(depth)


@settings(max_examples=examples(500), deadline=None)
@given(patterns(), st.text(alphabet="ab7_é- 'xA\n", max_size=30))
def test_matches_start_where_the_proof_says(pattern, text):
    """When a start is proved, every match on any text starts at a word, with a listed character
    (or one outside ASCII)."""
    chars = word_start_chars(pattern)
    assume(chars is not None)
    for m in re.finditer(pattern, text):
        assert m.end() > m.start(), pattern
        assert WORD_START.match(text, m.start()), (pattern, text, m)
        c = text[m.start()]
        assert c in chars or not c.isascii(), (pattern, text, m)
