"""Real collections: HTML, PDF and DOCX files, Spanish documents, ignore files, stdin, duplicates.

The HTML pages under tests/data/collection were written for these tests (realistic chrome:
cookie banners, menus, share bars, comments, "Most viewed", footers); the PDF and the DOCX are
made by the tests themselves (helpers.make_pdf, helpers.make_docx).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import PDF_HEADER, REPO, make_docx, make_pdf
from perucases.cite.quotes import fold
from perucases.cli import cli
from perucases.ingest.readers import reader_for
from perucases.library import Filters, Library

COLLECTION = REPO / "tests" / "data" / "collection"
HTML_CHROME = [
    "cookies",
    "Donate",
    "Qatar",
    "Pakistan",
    "newsletter",
    "WhatsApp",
    "Facebook",
    "Reply",
    "Privacy",
    "Comments",
    "Viewed",
    "Safeguarding",
    "Salvadorans",
    "Compartir",
    "boletín",
    "Venezuela",
    "Aceptar",
    "Inicio",
    "leído",
]
EN_PAGE = [
    "(Lima) - Panama should reject the asylum request of Vladimiro Montesinos, the former head of Peru's "
    "National Intelligence Service (SIN), the Andean Rights Monitor said today. Montesinos fled Lima on "
    "September 24 after a video showed him bribing a congressman.",
    '"A man accused of running the Colina group cannot be treated as a refugee," said Rosa Villarán, the '
    "monitor's director. The Colina group killed nine students and a teacher of La Cantuta university in "
    "July 1992.",
    "Under the Convention against Torture, Panama must prosecute or extradite him. The Organization of American "
    "States should press the government of Mireya Moscoso to act before the end of October.",
    "Background",
    "President Alberto Fujimori announced on September 16 that he would call new elections and dissolve the "
    "intelligence service. Human rights groups in Peru, among them the Asociación Pro Derechos Humanos "
    "(APRODEH), have documented the service's abuses since 1991.",
]


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> Path:
    """The committed pages plus a PDF and a DOCX made here, and three bad PDFs."""
    d = tmp_path_factory.mktemp("collection") / "cases"
    shutil.copytree(COLLECTION, d)
    (d / "informes").mkdir()
    make_pdf(d / "informes" / "informe-2001.pdf")
    make_docx(d / "memo-cantuta.docx")
    _scan_pdf(d / "informes" / "escaneado.pdf")
    _encrypted_pdf(d / "informes" / "protegido.pdf")
    (d / "informes" / "roto.pdf").write_bytes((d / "informes" / "informe-2001.pdf").read_bytes()[:400])
    return d


@pytest.fixture(scope="module")
def built(collection, tmp_path_factory):
    ix = tmp_path_factory.mktemp("collection-ix")
    r = CliRunner().invoke(cli, ["index", str(collection), "--index", str(ix)])
    assert r.exit_code == 0, r.output
    return ix, r.stderr


@pytest.fixture()
def clib(built) -> Library:
    return Library(built[0])


def _scan_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for _ in range(2):
        c.rect(72, 72, 400, 600, fill=1)  # a page that is a picture, no text layer
        c.showPage()
    c.save()


def _encrypted_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt="a-password")
    c.drawString(72, 720, "Confidential: the names of the witnesses in the Colina trial.")
    c.save()


def run(ix, *args, input=None):
    return CliRunner().invoke(cli, [*args, "--index", str(ix)], input=input)


# ---------------------------------------------------------------------------- HTML


def test_html_page_text_and_metadata(clib):
    doc = clib.document("web/montesinos-panama")
    assert [p.text for p in doc.paragraphs] == EN_PAGE
    i = doc.info
    assert (i.title, i.publisher, i.date, i.date_source, i.language) == (
        "Peru: Spy Chief's Asylum Bid Must Fail",
        "Andean Rights Monitor",
        "2000-09-28",
        "markup",
        "en",
    )  # JSON-LD
    assert i.url == "https://andean-rights.example.org/news/2000/09/28/peru-spy-chief-asylum"
    assert i.authors == ["Lucía Quispe Huamán"]


def test_no_chrome_word_reaches_the_index(built, clib):
    ix, _ = built
    for word in HTML_CHROME:
        r = run(ix, "search", word, "--format", "json")
        hits = json.loads(r.stdout) if r.exit_code == 0 else []
        assert not [h for h in hits if h["id"].startswith(("web/", "es/"))], word
    for doc_id in ("web/montesinos-panama", "es/comunicado-esterilizaciones"):
        text = " ".join(p.text for p in clib.document(doc_id).paragraphs)
        assert not [w for w in HTML_CHROME if re.search(rf"\b{w}\b", text)]


def test_html_date_precision_is_never_invented():
    from perucases.ingest.html import date_precision

    assert date_precision('<time datetime="2000-09-28">', "2000-09-28") == "2000-09-28"
    assert date_precision('<a href="/2002/07/x">', "2002-07-01") == "2002-07"
    assert date_precision("<p>2002</p>", "2002-01-01") == "2002"
    assert date_precision("<p>x</p>", "2002-07-15") == "2002-07-15"


# ---------------------------------------------------------------------------- Spanish


def test_spanish_page_language_search_and_accent_variants(built, clib):
    ix, _ = built
    info = next(d for d in clib.docs() if d.id == "es/comunicado-esterilizaciones")
    assert (info.language, info.date, info.publisher) == ("es", "2002-07-15", "Observatorio Andino de Derechos Humanos")
    for query in (
        "esterilizaciones forzadas",
        "Tupac Amaru",
        "Túpac Amaru",
        "Hermoza Rios",
        "Hermoza Ríos",
        "esterilizada",
    ):  # stemmed in Spanish: esterilizadas
        hits = clib.search(query, Filters.parse(lang="es")).hits
        assert [h.id for h in hits] == ["es/comunicado-esterilizaciones"], query
    assert clib.search("esterilizaciones", Filters.parse(lang="en")).hits == []
    r = run(ix, "search", "esterilisaciones")
    assert r.exit_code == 1 and "did you mean: esterilizaciones" in r.stderr


def test_spanish_entities_and_dates(clib):
    names = {r.name: r.type for r in clib.entities(doc="es/comunicado-esterilizaciones")}
    for name, etype in (
        ("Alberto Fujimori", "PERSON"),
        ("Vladimiro Montesinos", "PERSON"),
        ("Giulia Tamayo", "PERSON"),
        ("Alejandro Aguinaga", "PERSON"),
        ("Movimiento Revolucionario Túpac Amaru", "ORG"),
        ("Defensoría del Pueblo", "ORG"),
        ("Huancavelica", "LOC"),
    ):
        assert names.get(name) == etype, name
    events = {(e.date, e.expression) for e in clib.timeline(doc="es/comunicado-esterilizaciones")}
    assert ("2000-09-26", "el 26 de septiembre de 2000") in events
    assert ("1996/2000", "entre 1996 y 2000") in events
    assert ("2002-07-15", "hoy") in events  # resolved against the page's own date


# ---------------------------------------------------------------------------- PDF


def test_pdf_pages_headers_hyphenation_and_columns(clib):
    doc = clib.document("informes/informe-2001")
    texts = [p.text for p in doc.paragraphs]
    assert [p.page for p in doc.paragraphs] == [1, 1, 1, 2, 2, 2, 2, 3, 3]
    assert texts[0] == "Informe sobre la violencia politica en el Peru"  # the heading the page shows, kept
    assert texts[1].endswith("La investigación reúne testimonios de familiares de las víctimas de Barrios Altos.")
    assert texts[3] == (
        "En julio de 1992 el mismo grupo secuestró a nueve estudiantes y un profesor de la Universidad La Cantuta."
    )  # the left column, whole, before the right one
    assert texts[5].startswith("La ley de amnistía de junio de 1995")
    joined = " ".join(texts)
    assert PDF_HEADER not in joined and "Página" not in joined and "de 3" not in joined
    assert (doc.info.title, doc.info.language) == ("Informe anual 2001", "es")
    # The file names an organisation as its author: it is the publisher, and no person is an author.
    assert (doc.info.authors, doc.info.publisher) == ([], "Coordinadora Nacional de Derechos Humanos")


def test_pdf_locators_in_search_quotes_and_timeline(built, clib):
    ix, _ = built
    hit = clib.search("Cieneguilla").hits[0]
    assert (hit.id, hit.page, hit.paragraph) == ("informes/informe-2001", 2, 5)
    q = clib.quotes("Cieneguilla", limit=1)[0]
    assert (q.page, q.paragraph) == (2, 5)
    path = Path(clib.document(q.id).info.path)
    text = reader_for(path)(path, path.read_bytes()).text
    assert fold(text[q.start : q.end]) == q.text == "Los restos fueron hallados en 1993 en Cieneguilla."
    ev = next(e for e in clib.timeline(doc="informes/informe-2001") if e.date == "1991-11-03")
    assert (ev.page, ev.paragraph) == (1, 3)
    r = run(ix, "cite", "Cieneguilla", "--format", "json", "--style", "apa")
    row = json.loads(r.stdout)[0]
    assert row["locator"] == "informes/informe-2001 p.2 ¶5 s1" and row["citation"].endswith("p. 2)")
    table = run(ix, "timeline", "--doc", "informes/informe-2001", "--format", "json")
    assert {e["page"] for e in json.loads(table.stdout) if e["paragraph"]} == {1, 2}


def test_bad_pdfs_are_skipped_with_a_warning_naming_them(built, clib):
    _, stderr = built
    assert re.search(r"escaneado\.pdf: skipped: PDF without a text layer", stderr)
    assert re.search(r"protegido\.pdf: skipped: encrypted PDF", stderr)
    assert re.search(r"roto\.pdf: skipped: damaged PDF", stderr)
    ids = clib.ids()
    assert "informes/informe-2001" in ids and not {"informes/escaneado", "informes/protegido", "informes/roto"} & set(
        ids
    )


# ---------------------------------------------------------------------------- DOCX


def test_docx_paragraphs_headings_and_tables(clib):
    doc = clib.document("memo-cantuta")
    texts = [p.text for p in doc.paragraphs]
    assert "Cronología" in texts
    assert "18 de julio de 1992 | Secuestro en la Universidad La Cantuta" in texts
    assert any(t.startswith("El 7 de abril de 2009 la Sala Penal Especial") for t in texts)
    assert (doc.info.title, doc.info.authors, doc.info.language) == (
        "Memoria del caso La Cantuta",
        ["Jo-Marie Burt"],
        "es",
    )
    dates = {e.date for e in clib.timeline(doc="memo-cantuta")}
    assert {"2009-04-07", "1992-07-18", "1992-07"} <= dates
    assert clib.references("apa", ["memo-cantuta"]).bibliography[0][1] == (
        "Burt, J.-M. (n.d.). Memoria del caso La Cantuta."
    )


# ---------------------------------------------------------------------------- many files


def test_ignore_file_hidden_folders_and_stdin(tmp_path):
    corpus = tmp_path / "cases"
    (corpus / "drafts").mkdir(parents=True)
    (corpus / "informes" / "borradores").mkdir(parents=True)
    (corpus / ".git").mkdir()
    body = "Informe\n\nThe Colina group killed nine students and a teacher of La Cantuta in July 1992.\n"
    for rel in ("a.txt", "drafts/d.txt", "informes/b.md", "informes/borradores/x.txt", ".git/c.txt", "notes.tmp.txt"):
        (corpus / rel).write_text(body.replace("nine", f"nine ({rel})"), encoding="utf-8")
    (corpus / ".perucasesignore").write_text("drafts/\n*.tmp.txt\n", encoding="utf-8")
    (corpus / "informes" / ".perucasesignore").write_text("borradores/\n", encoding="utf-8")
    ix = tmp_path / "ix"
    assert run(ix, "index", str(corpus)).exit_code == 0
    assert Library(ix).ids() == ["a", "informes/b"]
    # paths on stdin are added to the corpus the index has (find ... | perucases index -)
    extra = tmp_path / "elsewhere"
    extra.mkdir()
    (extra / "e.txt").write_text(body.replace("nine", "nine (e)"), encoding="utf-8")
    (extra / "f.txt").write_text(body.replace("nine", "nine (f)"), encoding="utf-8")
    r = run(ix, "index", "-", input=f"{extra / 'e.txt'}\n{tmp_path / 'missing.pdf'}\n")
    assert r.exit_code == 0 and "missing.pdf: no such file or folder" in r.stderr
    assert Library(ix).ids() == ["a", "e", "informes/b"]
    r = run(ix, "index", "-", "-0", input=f"{extra / 'f.txt'}\0")
    assert r.exit_code == 0 and Library(ix).ids() == ["a", "e", "f", "informes/b"]
    assert run(ix, "index", "-0", str(corpus)).exit_code == 2


def test_duplicates_are_indexed_once_with_both_paths(tmp_path):
    corpus = tmp_path / "cases"
    (corpus / "copia").mkdir(parents=True)
    body = "Informe\n\nThe Colina group killed nine students and a teacher of La Cantuta in July 1992.\n"
    (corpus / "original.txt").write_text(body, encoding="utf-8")
    (corpus / "copia" / "same.txt").write_text(body, encoding="utf-8")
    ix = tmp_path / "ix"
    r = run(ix, "index", str(corpus))
    assert r.exit_code == 0 and "same content as original" in r.stderr and "1 duplicate" in r.stderr
    docs = Library(ix).docs()
    assert [d.id for d in docs] == ["original"]
    assert docs[0].duplicates == [str(corpus / "copia" / "same.txt")]
    assert len(Library(ix).quotes("Colina")) == 1
    # the original goes: the copy is indexed in its place
    (corpus / "original.txt").unlink()
    assert run(ix, "index").exit_code == 0
    assert [(d.id, d.duplicates) for d in Library(ix).docs()] == [("copia/same", [])]
