"""The publication date a document states about itself (issue 15, item 1): read from the head of
its text in every format, with its source shown by `docs`. All texts here are written for the
tests."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from helpers import make_pdf
from perucases.cli import cli
from perucases.ingest.pubdate import publication_date


@pytest.mark.parametrize(
    "text, iso",
    [
        # labelled dates
        ("Annual note on detentions\nPublished: 3 May 2004\n\nThe ministry said on Monday that ...", "2004-05-03"),
        ("Informe de la Defensoría\nPublicado el 14 de marzo de 2019\n\nLa Defensoría presentó ...", "2019-03-14"),
        ("Peru: Elections and Reform\nUpdated November 9, 2005\nJane Roe\nAnalyst in Andean Affairs\n", "2005-11-09"),
        ("Memo\nDate: 12 October 1998\nTo: the board\n\nThe board met in ...", "1998-10-12"),
        (
            "MEMORANDUM\nTo: Regional Director\nFrom: Legal Office\nDate: 3 March 1999\nSubject: Exhumations\n\nText.",
            "1999-03-03",
        ),
        # a label on its line, the date on the next; other labels' dates are not the document's
        ("Record\nDocument Creation Date:\nJune 1, 2015\nPublication Date:\nMay 2, 2003\nBody:\nText.", "2003-05-02"),
        # a line that is only a date, with weekday, time, parentheses or a note
        ("PRESS BRIEFING\nWEDNESDAY, MARCH 7, 2001, 12:40 P.M.\n\nQUESTION: On another subject ...", "2001-03-07"),
        ("Nota de prensa\n\n14 de marzo de 2019 - 10:05 a. m.\n\nLa fiscalía provincial ...", "2019-03-14"),
        ("Nota de prensa 12\n(12 de Octubre del 2003)\nLa comisión recibió ...", "2003-10-12"),
        ("Guatemala: Background\n\nMarch 3, 2014 (RL99999)\n\nSummary\nThe country ...", "2014-03-03"),
        # place and date: letters and rulings, also in words
        (
            "CORTE SUPERIOR\nSALA PENAL\n\nAUTO DE VISTA\n\nArequipa, quince de marzo de dos mil diecinueve\n\n"
            "VISTOS: el recurso ...",
            "2019-03-15",
        ),
        ("Cusco, 2 de febrero de 1995\n\nSeñor Director:\nPor medio de la presente ...", "1995-02-02"),
        ("Office of the Press Secretary\nSanta Fe, NM, June 6, 2001\nThe envoy met ...", "2001-06-06"),
        # a byline with its date
        ("Prison reform stalls\nBy Jane Roe · September 28, 2000\n\nThe reform bill ...", "2000-09-28"),
        # released by an office, in a flattened cover page
        (
            "Country Report - 2004 Released by the Office of Example Affairs, Labor and Rights March 3, 2005 "
            "The country is a republic ...",
            "2005-03-03",
        ),
        # a date between a title and the text of a flattened cover
        (
            "2004 Report on Practices: Chile Page 1 of 9 Report on Practices March 2, 2005 Chile is a republic "
            "with ...",
            "2005-03-02",
        ),
    ],
)
def test_a_stated_publication_date_is_found(text, iso):
    assert publication_date(text).iso == iso


@pytest.mark.parametrize(
    "text",
    [
        # a fact box: "Date:" there is the date of the event described
        "= Example massacre =\n\nInfobox\n- Location: Example, Peru\n- Date: 1992-05-02\n- Type: Massacre\n\n"
        "The massacre ...",
        "Autogolpe de 1992\nFecha 5 de abril de 1992\n(Hace 31 años)\nEl autogolpe ...",
        "Example massacre\nLocation: Example, Peru\nDate: 1992-05-02\nType: Massacre\nDeaths: 9\n\nThe massacre ...",
        # dates inside sentences, and a caption's place and date inside a sentence
        "The court ruled on 31 January 2006 that the decree was void.\n\nIt added ...",
        "A candidate greets supporters on the outskirts of Cusco, Jan. 8, 2016.\nThe campaign ...",
        "The prisoners were moved on\nMay 2, 1992\nto another prison.",
        "Holders may convert the notes into shares at any time before\nJune 30, 1991.\nThe notes pay interest.",
        # labels that do not date the document
        "Archive page\nLast updated: 4 April 2020\nAccessed: 5 May 2021\n\nThe archive holds ...",
        "Witness file\nBorn: 13 November 1969\n\nShe was arrested ...",
        # a list of dated lines: related posts
        "Related\nMarch 3, 2019\nPrison visit report\nApril 9, 2019\nHearing notes\nMay 1, 2019\nLetter\n\nText ...",
        # a date far below the head
        "Report\n\n" + "The commission heard witnesses in the province. " * 80 + "\nJune 6, 2001\n",
    ],
)
def test_no_date_is_taken_where_the_text_states_none(text):
    assert publication_date(text) is None


def _docs(tmp_path, files: dict) -> dict:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, content in files.items():
        if callable(content):
            content(corpus / name)
        else:
            (corpus / name).write_text(content, encoding="utf-8")
    ix = tmp_path / "ix"
    r = CliRunner().invoke(cli, ["index", str(corpus), "--index", str(ix)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["docs", "--format", "json", "--index", str(ix)])
    assert r.exit_code == 0, r.output
    return {d["id"]: d for d in json.loads(r.stdout)}


HTML = """<!DOCTYPE html><html lang="en"><head><title>{title}</title>{meta}</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>{title}</h1>{dateline}
<p>The commission heard the families of the disappeared in a public session in the provincial capital.
The families asked the state to search for the remains and to open the archives of the military bases.</p>
<p>The hearing went on for five hours and the commissioners promised a report to the families and
the press before the end of the season, with recommendations on reparations.</p></article>
<aside><h3>Related</h3><p>March 3, 2019</p><p>Another story</p></aside></body></html>"""


def test_docs_shows_where_each_date_comes_from(tmp_path):
    def ruling(path):
        make_pdf(
            path,
            pages=[
                [
                    "SALA PENAL",
                    "",
                    "AUTO DE APELACION",
                    "",
                    "Lima, diez de junio de dos mil veintiuno",
                    "",
                    "VISTOS: el recurso de apelacion interpuesto por la defensa del procesado contra",
                    "el auto del 14 de abril de 2020, que declaro infundada la solicitud de la defensa.",
                ],
                [
                    "FUNDAMENTOS",
                    "",
                    "Primero. El procesado formulo una tutela de derechos el 20 de marzo",
                    "de 2019 y alego que la fiscalia no le tomo su declaracion indagatoria.",
                ],
            ],
            header="Corte Suprema de Justicia",
            title=None,
            author=None,
        )

    def letter(path):
        import docx

        d = docx.Document()
        d.add_paragraph("COORDINADORA REGIONAL")
        d.add_paragraph("Huancayo, 3 de marzo de 2005")
        d.add_paragraph(
            "Señor Fiscal Provincial: nos dirigimos a usted para solicitar la exhumación de las fosas "
            "halladas en el anexo, conforme a lo acordado con las familias el 12 de febrero de 2005."
        )
        d.save(str(path))

    meta = '<meta property="article:published_time" content="2004-07-15T10:00:00Z">'
    docs = _docs(
        tmp_path,
        {
            "note.txt": "Nota de prensa\n\n3 de mayo de 2004 - 9:24 a. m.\n\nLa comisión recibió hoy siete testimonios "
            "de familiares de desaparecidos en la ciudad, en una sesión pública.\n",
            "plain.txt": "The commission heard witnesses in the province for three days in 1984.\n\nIt closed.\n",
            "ruling.pdf": ruling,
            "letter.docx": letter,
            "page.html": HTML.format(title="Hearing in the provinces", meta=meta, dateline=""),
            "dated.html": HTML.format(title="Second hearing", meta=meta, dateline="<p>Published: August 2, 2004</p>"),
        },
    )
    got = {k: (d["date"], d["date_source"]) for k, d in docs.items()}
    assert got == {
        "note": ("2004-05-03", "text"),
        "plain": (None, None),
        "ruling": ("2021-06-10", "text"),
        "letter": ("2005-03-03", "text"),
        "page": ("2004-07-15", "markup"),
        "dated": ("2004-08-02", "text"),
    }
