"""The metadata of the five seeds, through the query API (inference plus seeds/catalog.toml)."""

import pytest

from helpers import seed_text
from perucases.ingest.clean import clean
from perucases.ingest.metadata import apply_catalog, detect_language, infer

EXPECTED = {
    "000_ca4e617775ace81b": ("Peru: Montesinos Asylum Claim", "Human Rights Watch", "2000-09-26", "text"),
    "001_1c4d081f4f470003": (
        "Peru: Government must free innocent prisoners",
        "Amnesty International UK",
        "2003",
        "inferred",
    ),
    "002_43576777d5a8cf2f": (
        "Amnesty International launch campaign to bring Fujimori to justice",
        "Peru Support Group",
        "2006-01-31",
        "text",
    ),
    "003_ed39d894751b7a98": (
        "PERU: Safe release of hostages is welcomed, yet the human rights of prisoners falsely "
        "accused of terrorism should not be forgotten",
        "Amnesty International",
        "1997-04-23",
        "inferred",
    ),
    "004_866eeb82b2cb32e1": (
        "Documents Reveal Close U.S. Ties with Disgraced Peruvian Intelligence Chief",
        None,
        "2002",
        "inferred",
    ),
}


@pytest.mark.parametrize("doc_id", sorted(EXPECTED))
def test_seed_metadata(lib, doc_id):
    info = next(d for d in lib.docs() if d.id == doc_id)
    title, publisher, date, source = EXPECTED[doc_id]
    assert (info.title, info.publisher, info.date, info.date_source) == (title, publisher, date, source)
    assert info.language == "en"
    assert info.path.endswith(f"{doc_id}.txt")
    assert info.words > 250 and info.paragraphs >= 6


def test_inference_reads_only_the_page_own_header_and_chrome():
    # without the catalog: what the texts themselves say
    md = infer(clean(seed_text("003_ed39d894751b7a98")))
    assert md.publisher is None  # "Amnesty International said" in the body is not a publisher
    assert md.date is None  # "yesterday" is not a publication date
    md2 = infer(clean(seed_text("002_43576777d5a8cf2f")))
    assert md2.publisher == "Peru Support Group" and md2.date.iso == "2006-01-31" and md2.date_source == "text"


def test_catalog_overrides_and_empty_means_unknown():
    md = infer(clean(seed_text("000_ca4e617775ace81b")))
    apply_catalog(md, {"publisher": "", "date": "2000-09", "url": "https://example.org/x"})
    assert md.publisher is None
    assert (md.date.iso, md.date_source) == ("2000-09", "catalog")
    assert md.url == "https://example.org/x"


def test_language_detection():
    assert detect_language(["El tribunal condenó a los responsables de la matanza de La Cantuta en 1992."]) == "es"
    assert detect_language(["The court convicted those responsible for the killings at La Cantuta."]) == "en"
    assert detect_language(["Lima"]) is None
