"""Real files as users bring them: web pages, PDFs and Word files read as a person reads them,
with true metadata; search showing the paragraph that answers, and partial matches.

Every file here is made by the test itself (reportlab for PDFs, python-docx, short HTML pages),
with the patterns real files have: a copyright line on a report's inside cover, a letterhead
repeated on every page, a paragraph cut by a page break, a Drupal body class, ligatures, camel-case
names, "Read also" lines, authors that are not people.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from perucases.cli import cli
from perucases.ingest.clean import clean
from perucases.ingest.corpus import CorpusFile
from perucases.ingest.document import ingest_file
from perucases.ingest.people import person_names, plausible_title
from perucases.library import Library

LOREM = (
    "La Comisión recibió los testimonios de los familiares de las víctimas y de los "
    "testigos de los hechos ocurridos en la provincia durante los años de la violencia política"
)


def run(ix: Path, *args, input=None):
    return CliRunner().invoke(cli, [*args, "--index", str(ix)], input=input, catch_exceptions=False)


def read(path: Path):
    return ingest_file(CorpusFile(path, path.parent, path.stem))


def draw_pdf(
    path: Path,
    pages: list[list[tuple]],
    *,
    head: list[str] = (),
    foot: str | None = None,
    title: str | None = None,
    author: str | None = None,
) -> None:
    """A PDF drawn with reportlab. Each page is a list of (text, font, size) lines set from the top;
    ("", None, gap) leaves GAP points of space. HEAD lines stand at the top of every page and FOOT
    (with {n} and {m} for the page numbers) at the bottom."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    if title:
        c.setTitle(title)
    if author:
        c.setAuthor(author)
    width, height = A4
    for n, lines in enumerate(pages, 1):
        y = height - 40
        for h in head:
            c.setFont("Helvetica-Bold", 9)
            c.drawString(72, y, h)
            y -= 11
        if foot:
            c.setFont("Helvetica", 9)
            c.drawString(width / 2 - 30, 30, foot.format(n=n, m=len(pages)))
        y = height - 110
        for text, font, size in lines:
            if not text:
                y -= size
                continue
            c.setFont(font, size)
            c.drawString(72, y, text)
            y -= size * 1.4
        c.showPage()
    c.save()


def body(text: str, width: int = 86) -> list[tuple]:
    """TEXT wrapped in lines of the body face."""
    out, cur = [], ""
    for w in text.split():
        if cur and len(cur) + 1 + len(w) > width:
            out.append((cur, "Helvetica", 11))
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        out.append((cur, "Helvetica", 11))
    return out


GAP = [("", None, 14)]


# ---------------------------------------------------------------------------- PDF


def test_pdf_text_after_a_copyright_line_is_kept(tmp_path):
    pdf = tmp_path / "informe.pdf"
    draw_pdf(
        pdf,
        [
            [
                ("Informe sobre la violencia", "Helvetica-Bold", 20),
                *GAP,
                ("© Asociación Pro Derechos Humanos 2003. Todos los derechos reservados.", "Helvetica", 9),
            ],
            [*body(LOREM + " en Ayacucho."), *GAP, *body("Las exhumaciones comenzaron en marzo de 2002 en Chuschi.")],
            [*body("El informe final recomienda reparaciones para las comunidades de Huanta.")],
        ],
    )
    doc = read(pdf)
    text = " ".join(p.text for p in doc.paragraphs)
    assert "exhumaciones comenzaron en marzo de 2002" in text and "comunidades de Huanta." in text
    assert doc.meta.title == "Informe sobre la violencia"  # the first page's largest text
    assert doc.meta.publisher == "Asociación Pro Derechos Humanos"  # the copyright holder


def test_pdf_letterhead_page_numbers_and_a_paragraph_across_a_page_break(tmp_path):
    pdf = tmp_path / "resolucion.pdf"
    first = body(
        LOREM + ", y en su informe señaló que los hechos no fueron investigados por la fiscalía de la "
        "provincia de Huamanga, que archivó el caso sin"
    )
    draw_pdf(
        pdf,
        [
            [("AUTO DE APELACIÓN", "Helvetica-Bold", 12), *GAP, *first],
            [
                *body("citar a los testigos ni ordenar las pericias que la ley exige en estos casos."),
                *GAP,
                ("FUNDAMENTOS DE DERECHO", "Helvetica-Bold", 11),
                *GAP,
                *body(
                    "Primero. La tutela de derechos protege al imputado frente a la actuación ilegítima del "
                    "fiscal durante la investigación preparatoria."
                ),
            ],
            [*body("Segundo. Por estos fundamentos, la Sala declaró infundado el recurso de apelación.")],
        ],
        head=["CORTE SUPERIOR DE JUSTICIA", "DE AYACUCHO", "SALA PENAL DE APELACIONES"],
        foot="Página {n} | {m}",
        author="jperez",
        title="202503630500121700020260623164056",
    )
    doc = read(pdf)
    texts = [p.text for p in doc.paragraphs]
    joined = "\n".join(texts)
    assert "CORTE SUPERIOR" not in joined and "DE AYACUCHO" not in joined and "SALA PENAL" not in joined
    assert "Página" not in joined and not re.search(r"\b[123] \| 3\b", joined)
    # the paragraph the page break cut is one paragraph, on the page where it starts
    cut = next(p for p in doc.paragraphs if p.text.startswith("La Comisión recibió"))
    assert cut.text.endswith(
        "archivó el caso sin citar a los testigos ni ordenar las pericias que la ley exige en estos casos."
    )
    assert cut.page == 1
    assert "FUNDAMENTOS DE DERECHO" in texts  # a heading is a paragraph of its own
    assert next(p.page for p in doc.paragraphs if p.text.startswith("Segundo.")) == 3
    # the file's own title is a file id and its author a login: neither is used
    assert doc.meta.title == "AUTO DE APELACIÓN" and doc.meta.authors == []
    assert doc.meta.publisher == "Corte Superior de Justicia de Ayacucho"


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian's fonts-dejavu-core (.ci/run)


def unicode_font() -> str:
    """A TrueType face with ligatures and Cyrillic, registered with reportlab as "Uni"."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("Uni", str(DEJAVU)))
    return "Uni"


def test_pdf_line_without_a_full_stop_before_a_gap_is_a_paragraph_of_its_own(tmp_path):
    # a place-and-date line as long as the body's lines, then a gap and a capital: not one sentence
    pdf = tmp_path / "auto.pdf"
    draw_pdf(
        pdf,
        [
            [
                ("AUTO DE CALIFICACIÓN", "Helvetica-Bold", 12),
                *GAP,
                ("Lima, diecisiete de septiembre de dos mil veintiséis", "Helvetica", 11),
                *GAP,
                *body(
                    "VISTOS: el recurso de apelación interpuesto por la defensa de los procesados contra el auto "
                    "que declaró infundada la excepción de improcedencia de acción penal.",
                    width=60,
                ),
            ]
        ],
    )
    doc = read(pdf)
    assert [p.text for p in doc.paragraphs][:2] == [
        "Lima, diecisiete de septiembre de dos mil veintiséis",
        "VISTOS: el recurso de apelación interpuesto por la defensa de los procesados contra el auto que "
        "declaró infundada la excepción de improcedencia de acción penal.",
    ]
    assert str(doc.meta.date) == "2026-09-17"


def test_pdf_ligatures_are_searchable_and_quoted_as_written(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    font = unicode_font()
    draw_pdf(
        corpus / "guia.pdf",
        [
            [
                ("The commission found that the oﬃcial ﬁgures were conﬁdential", font, 11),
                ("and that the army had ﬁled no report of the killings.", font, 11),
            ]
        ],
    )
    ix = tmp_path / "ix"
    assert run(ix, "index", str(corpus)).exit_code == 0
    lib = Library(ix)
    hit = lib.search("official figures confidential").hits[0]
    assert hit.id == "guia" and "official figures" in hit.plain_snippet
    q = lib.quotes("official figures", limit=1)[0]
    path = Path(lib.document(q.id).info.path)
    from perucases.ingest.readers import reader_for

    original = reader_for(path)(path, path.read_bytes()).text
    assert "the oﬃcial ﬁgures were conﬁdential" in original[q.start : q.end]  # the file's own characters
    assert q.text == original[q.start : q.end]


def test_pdf_in_another_script_is_kept(tmp_path):
    pdf = tmp_path / "ru.pdf"
    font = unicode_font()
    draw_pdf(
        pdf,
        [
            [
                ("Комиссия по установлению истины опубликовала доклад о насилии", font, 11),
                ("в стране и о жертвах вооружённого конфликта.", font, 11),
            ]
        ],
    )
    doc = read(pdf)
    assert "Комиссия" in " ".join(p.text for p in doc.paragraphs)


def test_pdf_library_warnings_name_the_file_once(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    draw_pdf(corpus / "sin-fin.pdf", [[*body(LOREM + ".")]])
    data = (corpus / "sin-fin.pdf").read_bytes()
    m = re.search(rb"startxref\s+(\d+)", data)  # a wrong offset: pypdf repairs the table, and says so
    (corpus / "sin-fin.pdf").write_bytes(data[: m.start(1)] + str(int(m[1]) + 7).encode() + data[m.end(1) :])
    r = run(tmp_path / "ix", "index", str(corpus))
    assert r.exit_code == 0
    said = [ln for ln in r.stderr.splitlines() if "sin-fin.pdf" in ln]
    assert said == [
        f"perucases: warning: {corpus / 'sin-fin.pdf'}: damaged cross-reference table (read by repairing it)"
    ]
    assert "startxref" not in r.stderr and "Object Streams" not in r.stderr
    assert Library(tmp_path / "ix").document("sin-fin").paragraphs[0].text.startswith("La Comisión recibió")


def test_pdf_titles_and_authors_only_when_plausible():
    assert not plausible_title("202503630500121700020260623164056")
    assert not plausible_title("ibm.com/redbooks Redpaper")
    assert not plausible_title("Microsoft Word - informe_final.doc")
    assert not plausible_title("Table of Contents")
    assert plausible_title("Informe final de la Comisión de la Verdad")
    assert person_names(["spenaf"]) == [] and person_names(["python-docx"]) == []


# ---------------------------------------------------------------------------- HTML


def page(
    body_html: str,
    title: str = "Peru: a court reopens the Accomarca case",
    body_class: str = "",
    author: str | None = None,
    lang: str = "en",
) -> str:
    meta = f'<meta name="author" content="{author}">' if author else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{meta}</head>'
        f'<body class="{body_class}"><div id="page"><nav class="menu"><a href="/">Home</a> <a href="/news">News</a>'
        f"</nav><main><article><h1>{title}</h1>{body_html}</article></main>"
        f'<aside class="sidebar"><h3>Most viewed</h3><ul><li><a href="/x">Qatar: new labour law</a></li></ul></aside>'
        f"<footer><p>© 2019 Andean Monitor. All rights reserved.</p></footer></div></body></html>"
    )


ARTICLE = [
    "A court in Lima reopened on Monday the case of the Accomarca massacre, in which soldiers killed 69 "
    "peasants in August 1985, after the families of the victims presented new evidence to the judges.",
    "The prosecutor said the army officers who led the patrol would be called to testify again before "
    "the end of the year, and that the court would hear the survivors in Ayacucho.",
    "Human rights groups welcomed the decision and asked the government to release the military files "
    "on the operation, which have been classified since the case was first opened in 1986.",
]


def test_html_drupal_sidebar_body_class_keeps_the_article(tmp_path):
    f = tmp_path / "drupal.html"
    f.write_text(
        page("".join(f"<p>{p}</p>" for p in ARTICLE), body_class="one-sidebar sidebar-second"), encoding="utf-8"
    )
    doc = read(f)
    assert [p.text for p in doc.paragraphs] == ARTICLE  # paragraphs as the page has them
    assert doc.meta.title == "Peru: a court reopens the Accomarca case"


def test_html_read_also_share_and_newsletter_lines_stay_out(tmp_path):
    en = tmp_path / "en.html"
    en.write_text(
        page(
            f"<p>{ARTICLE[0]}</p><p>Read more: Peru's army files remain secret</p>"
            f"<p>{ARTICLE[1]}</p><p>Sign up for our newsletter to get the latest news.</p>"
            f"<p>{ARTICLE[2]}</p><p>Follow us on Twitter @andeanmonitor</p>"
        ),
        encoding="utf-8",
    )
    es = tmp_path / "es.html"
    paras_es = [
        "La Sala Penal Nacional reabrió el lunes el caso de la matanza de Accomarca, en la que una "
        "patrulla del Ejército asesinó a 69 campesinos en agosto de 1985.",
        "Los familiares de las víctimas pidieron que los oficiales declaren otra vez ante el tribunal y "
        "que el Estado entregue los archivos militares de la operación.",
    ]
    es.write_text(
        page(
            f"<p>{paras_es[0]}</p><p>Lee también: El Ejército niega acceso a sus archivos</p>"
            f"<p>{paras_es[1]}</p><p>Suscríbete a nuestro boletín y recibe las noticias del día.</p>",
            title="Perú: reabren el caso Accomarca",
            lang="es",
        ),
        encoding="utf-8",
    )
    assert [p.text for p in read(en).paragraphs] == ARTICLE
    assert [p.text for p in read(es).paragraphs] == paras_es


def test_html_sentence_that_mentions_signing_up_is_kept(tmp_path):
    f = tmp_path / "a.html"
    line = "The ministry continued to sign up new volunteers for the search teams throughout the week."
    f.write_text(page(f"<p>{ARTICLE[0]}</p><p>{line}</p><p>{ARTICLE[1]}</p>"), encoding="utf-8")
    assert line in [p.text for p in read(f).paragraphs]


def test_html_page_in_another_script_is_kept(tmp_path):
    f = tmp_path / "ru.html"
    ru = [
        "Суд в Лиме возобновил дело о массовом убийстве в Аккомарке, где в 1985 году военные убили 69 "
        "крестьян, после того как семьи жертв представили новые доказательства.",
        "Прокурор заявил, что офицеры армии будут снова вызваны для дачи показаний до конца года.",
    ]
    f.write_text(page("".join(f"<p>{p}</p>" for p in ru), title="Перу: дело Аккомарки", lang="ru"), encoding="utf-8")
    assert [p.text for p in read(f).paragraphs] == ru


@pytest.mark.parametrize(
    "author, expected",
    [
        ("Phil Helsel is a reporter for NBC News", ["Phil Helsel"]),
        ("Malcolm Owen Monday; November", ["Malcolm Owen"]),
        ("Detroit News wire services Published", []),
        ("LISA MASCARO; ERIC TUCKER Associated Press", ["Lisa Mascaro", "Eric Tucker"]),
        ("The Russian; Syrian defense ministries", []),
    ],
)
def test_html_authors_are_people_only(tmp_path, author, expected):
    f = tmp_path / "a.html"
    f.write_text(page("".join(f"<p>{p}</p>" for p in ARTICLE), author=author), encoding="utf-8")
    assert read(f).meta.authors == expected


# ---------------------------------------------------------------------------- DOCX


def test_docx_library_default_author_is_not_an_author(tmp_path):
    import docx

    d = docx.Document()  # python-docx sets the author to "python-docx" unless told otherwise
    d.add_heading("Memoria del caso Accomarca", level=1)
    d.add_paragraph(ARTICLE[0])
    d.save(str(tmp_path / "memo.docx"))
    doc = read(tmp_path / "memo.docx")
    assert doc.meta.authors == [] and doc.meta.title == "Memoria del caso Accomarca"


# ---------------------------------------------------------------------------- run-together words


def test_camel_case_names_stay_whole_and_searchable(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "nota.txt").write_text(
        "PetroPerú y la refinería de Talara\n\n"
        "Según OjoPúblico, PetroPerú ocultó pérdidas durante años, y ProPublica publicó los contratos que "
        "la empresa firmó con McDonald y otras compañías para vender combustible en el país.\n\n"
        "El iPhone del gerente fue incautado por la fiscalía durante el allanamiento de las oficinas.\n",
        encoding="utf-8",
    )
    ix = tmp_path / "ix"
    assert run(ix, "index", str(corpus)).exit_code == 0
    lib = Library(ix)
    text = " ".join(p.text for p in lib.document("nota").paragraphs)
    for name in ("OjoPúblico", "PetroPerú", "ProPublica", "McDonald", "iPhone"):
        assert name in text
        assert [h.id for h in lib.search(name).hits] == ["nota"], name
    assert text.startswith("Según OjoPúblico, PetroPerú ocultó pérdidas")  # nothing before it lost


def test_words_run_together_by_scraping_are_still_split():
    c = clean(
        "Peru: Court Reopens Case\n\nSeptember 26, 2000 8:00PM EDTAvailable InEnglishEspañol\n\n"
        "The court reopened the case of the massacre on Monday after new evidence was presented by the "
        "families.\n"
    )
    assert c.dateline is not None and c.dateline.iso == "2000-09-26"
    assert [p.text for p in c.paragraphs] == [
        "The court reopened the case of the massacre on Monday after new evidence was presented by the families."
    ]


# ---------------------------------------------------------------------------- search


@pytest.fixture()
def rulings(tmp_path) -> Path:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "auto.txt").write_text(
        "Auto de apelación\n\n"
        "Lima, en la sede de la Sala, se reunieron los jueces para resolver el recurso interpuesto contra "
        "la resolución de primera instancia.\n\n"
        "FUNDAMENTOS DE DERECHO\n\n"
        "Primero. La tutela de derechos protege al imputado frente a la actuación ilegítima del fiscal durante "
        "la investigación preparatoria, y el juez debe resolverla en audiencia.\n\n"
        "Segundo. El derecho a la defensa no se vulnera cuando el investigado decide no declarar.\n",
        encoding="utf-8",
    )
    (corpus / "otro.txt").write_text(
        "Informe sobre derechos humanos\n\n"
        "La defensa de los derechos humanos en el país requiere fiscales independientes y jueces que "
        "resuelvan a tiempo los pedidos de las víctimas.\n",
        encoding="utf-8",
    )
    ix = tmp_path / "ix"
    assert run(ix, "index", str(corpus)).exit_code == 0
    return ix


def test_best_paragraph_has_the_words_not_a_heading(rulings):
    lib = Library(rulings)
    texts = [p.text for p in lib.document("auto").paragraphs]
    assert texts[1] == "FUNDAMENTOS DE DERECHO"  # a heading with one of the words ("derecho")
    hit = next(h for h in lib.search("tutela de derechos").hits if h.id == "auto")
    assert hit.paragraph == 3 and "tutela de derechos protege" in hit.plain_snippet


def test_partial_matches_when_no_document_has_every_word(rulings):
    r = run(rulings, "search", "tutela", "derechos", "Zanzibar", "--format", "json")
    assert r.exit_code == 0
    assert "no document has every word of 'tutela derechos Zanzibar'" in r.stderr
    hits = json.loads(r.stdout)
    assert [(h["id"], h["partial"], h["missing"]) for h in hits] == [
        ("auto", True, ["Zanzibar"]),
        ("otro", True, ["tutela", "Zanzibar"]),
    ]
    full = json.loads(run(rulings, "search", "tutela", "derechos", "--format", "json").stdout)
    assert [(h["id"], h["partial"], h["missing"]) for h in full] == [("auto", False, [])]
    # an operator query is taken as written: no partial matches
    assert run(rulings, "search", "tutela AND Zanzibar").exit_code == 1


def test_explain_counts_only_what_is_shown(rulings):
    r = run(rulings, "search", '"defensa tutela"', "--explain")
    assert r.exit_code == 1
    assert "0 matching document(s)" in r.stderr and "1 matching" not in r.stderr
