"""Cleaning each seed: chrome gone, run-together words split, wrapped lines joined, offsets exact."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import CHROME_WORDS, SEED_IDS, examples, seed_text
from perucases.ingest import clean as clean_module
from perucases.ingest.clean import WORD, clean
from perucases.ingest.decode import SkipFile, decode
from perucases.ingest.normalize import normalize_text


def cleaned(doc_id):
    return clean(seed_text(doc_id))


def all_text(doc_id):
    c = cleaned(doc_id)
    return "\n".join(p.text for p in c.paragraphs) + "\n" + (c.title or "")


@pytest.mark.parametrize("doc_id", SEED_IDS)
@pytest.mark.parametrize("word", CHROME_WORDS)
def test_no_chrome_word_survives(doc_id, word):
    assert not re.search(rf"\b{word}\b", all_text(doc_id), re.IGNORECASE)


@pytest.mark.parametrize(
    "doc_id, phrase",
    [
        ("000_ca4e617775ace81b", "Share this via"),
        ("000_ca4e617775ace81b", "Most Viewed"),
        ("000_ca4e617775ace81b", "More Reading"),
        ("000_ca4e617775ace81b", "tax deductible gift"),
        ("000_ca4e617775ace81b", "Human Rights Watch defends the rights of people in 90 countries"),
        ("001_1c4d081f4f470003", "Log in"),
        ("001_1c4d081f4f470003", "View latest press releases"),
        ("002_43576777d5a8cf2f", "PSG Aims"),
        ("002_43576777d5a8cf2f", "Why join the PSG"),
        ("002_43576777d5a8cf2f", "The Peru Support Group exists to promote"),
        ("002_43576777d5a8cf2f", "All news"),
        ("004_866eeb82b2cb32e1", "Post Revisions"),
        ("004_866eeb82b2cb32e1", "Leave a Reply"),
    ],
)
def test_chrome_blocks_removed(doc_id, phrase):
    assert phrase.lower() not in all_text(doc_id).lower()
    assert phrase.lower() in normalize_text(seed_text(doc_id)).lower()  # it was there to remove


def test_run_together_words_are_split_000():
    c = cleaned("000_ca4e617775ace81b")
    text = " ".join(p.text for p in c.paragraphs)
    for glued in ("EDTAvailable", "WatchSkip", "Torture.To", "contentHelp", "Printer(New"):
        assert glued not in text
    # "Torture.To claim" was a paragraph break that scraping lost
    ends = [p.text for p in c.paragraphs]
    i = next(k for k, t in enumerate(ends) if t.startswith("To claim victim status for Montesinos"))
    assert ends[i - 1].endswith("United Nations Convention against Torture.")
    # "September 26, 2000 8:00PM EDTAvailable In" gave its dateline once split
    assert c.dateline.iso == "2000-09-26"
    assert c.title == "Peru: Montesinos Asylum Claim"
    assert c.site_title_suffix == "Human Rights Watch"


def test_names_with_inner_capitals_are_not_split():
    text = "A drug cartel back by U.S. firepower and intelligence, thank goodness Barry McCaffrey was looking out."
    assert "McCaffrey" in clean(text).paragraphs[0].text
    assert "Mc Caffrey" not in clean(text).paragraphs[0].text


def test_hard_wrapped_lines_are_joined_003():
    c = cleaned("003_ed39d894751b7a98")
    assert len(c.paragraphs) == 6
    first = c.paragraphs[0].text
    # these words stand on two lines in the file, with a blank line between
    assert "held hostage in the Japanese ambassador's residence in Lima" in first
    assert c.title.startswith("PERU: Safe release of hostages is welcomed")
    assert c.title.endswith("falsely accused of terrorism should not be forgotten")
    assert not any("  " in p.text or "\n" in p.text for p in c.paragraphs)


def test_quotes_and_dashes_normalised_for_matching():
    c = cleaned("002_43576777d5a8cf2f")
    text = " ".join(p.text for p in c.paragraphs)
    assert "Fujimori's term in office" in text  # ’ in the file
    assert "12,650 signatures - if you" in text  # – in the file
    assert "\u2019" not in text and "\u201c" not in text


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_every_word_maps_back_to_the_original(doc_id):
    original = seed_text(doc_id)
    for p in cleaned(doc_id).paragraphs:
        assert normalize_text(original[p.start : p.end]).replace(" ", "") == p.text.replace(" ", "")
        for m in WORD.finditer(p.text):
            a, b = p.offsets.span(m.start(), m.end())
            assert normalize_text(original[a:b]) == m.group(), (doc_id, p.n, m.group())


def test_original_quote_keeps_curly_quotes_and_accents():
    original = seed_text("000_ca4e617775ace81b")
    p = next(p for p in cleaned("000_ca4e617775ace81b").paragraphs if "José" in p.text)
    i = p.text.index("José Miguel Vivanco")
    a, b = p.offsets.span(i, i + len("José Miguel Vivanco"))
    assert original[a:b] == "José Miguel Vivanco"
    original3 = seed_text("003_ed39d894751b7a98")
    p3 = cleaned("003_ed39d894751b7a98").paragraphs[0]
    i = p3.text.index('"terrorism"')
    a, b = p3.offsets.span(i, i + len('"terrorism"'))
    assert original3[a:b] == "\u201cterrorism\u201d"


def test_markdown_paragraphs():
    text = "# Heading\n\nFirst line of a paragraph\nthat goes on here and ends.\n\n- a list item\n- another\n"
    paras = [p.text for p in clean(text, markdown=True).paragraphs]
    assert "First line of a paragraph that goes on here and ends." in paras


def test_decode_fallbacks_and_refusals():
    assert decode("Perú".encode()).encoding == "utf-8"
    d = decode("Perú y Panamá".encode("latin-1"))
    assert d.text == "Perú y Panamá" and d.encoding == "cp1252" and "not valid UTF-8" in d.warning
    with pytest.raises(SkipFile, match="empty"):
        decode(b"  \n\n ")
    with pytest.raises(SkipFile, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_clean_never_fails_and_offsets_stay_in_bounds(text):
    c = clean(text)
    for p in c.paragraphs:
        assert p.text and p.text == p.text.strip()
        assert 0 <= p.start < p.end <= len(text)
        for i in range(len(p.text)):
            a, b = p.offsets.span(i, i + 1)
            assert p.start <= a < b <= p.end


@settings(max_examples=examples(300), deadline=None)
@given(st.binary(max_size=300))
def test_decode_any_bytes(data):
    try:
        d = decode(data)
    except SkipFile as exc:
        assert str(exc)
    else:
        assert isinstance(d.text, str)


def test_a_line_that_goes_on_is_not_a_title():
    c = clean('On 3 March 1999 the page said <a href="javascript:alert(1)">click</a> in Lima.\n')
    assert c.title is None
    assert "On 3 March 1999" in c.paragraphs[0].text


# Cleaning copies a single space between plain characters along with its words; the general path
# (each whitespace run a separator of its own) must give the same text and the same offset map.
_NORM_ALPHABET = st.sampled_from(
    list("ab é")
    + [
        " ",
        "  ",
        "\n",
        "\t",
        "\u00a0",
        "\u00ad",
        "\x00",
        "\u0301",
        "\u2019",
        "\u2026",
        "\u2014",
        "\ue000",
        "\ufeff",
        "\r\n",
    ]
)


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.lists(_NORM_ALPHABET, max_size=30).map("".join), min_size=1, max_size=4), st.integers(0, 3))
def test_copying_single_spaces_changes_nothing(pieces, pad):
    from perucases.ingest import normalize as N

    text = " " * pad + "|".join(pieces)
    cuts, at = [], pad
    for piece in pieces:  # add() is called on pieces of a text, as cleaning does
        cuts.append((at, at + len(piece)))
        at += len(piece) + 1
    fast, general = N.Builder(), N.Builder()
    for a, b in cuts:
        fast.add(text, a, b)
        general.add(text, a, b, N._SPECIAL_ALL)
    out, offsets = fast.build()
    assert (out, offsets) == general.build()
    assert "  " not in out and out == out.strip(" ")


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "Z", "é", "Þ", "1", " ", "\n", "×", "(", "q" * 70, "Q" * 70, "7" * 70]), max_size=40
    ),
    st.integers(min_value=0),
)
def test_the_word_before_a_run_together_point_is_the_one_a_search_of_the_whole_line_finds(parts, at):
    """The word left of a run-together point is sought in the last characters first (a long line
    took seconds): it must be the match of the pattern over everything before the point."""
    s = "".join(parts)
    i = at % (len(s) + 1)
    whole = clean_module._LEFT_WORD.search(s, 0, i)
    got = clean_module._left_word(s, i)
    assert (got and got.span()) == (whole and whole.span())
