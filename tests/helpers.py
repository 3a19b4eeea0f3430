"""Shared test constants and helpers (importable: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED_IDS = [
    "000_ca4e617775ace81b",
    "001_1c4d081f4f470003",
    "002_43576777d5a8cf2f",
    "003_ed39d894751b7a98",
    "004_866eeb82b2cb32e1",
]
# Words that only the page chrome of the seeds contains (menus, footers, "Most Viewed" lists).
CHROME_WORDS = [
    "Pakistan",
    "Qatar",
    "Donate",
    "Blackbaud",
    "Skip",
    "WhatsApp",
    "Deported",
    "Amazonians",
    "Salvadorans",
    "LGBT",
    "newsletter",
    "subscribing",
    "Safeguarding",
    "Revisions",
    "Reply",
]


# Property tests draw `examples(n)` cases: n under `pytest --slow` (every test, as CI runs them), about
# half as many in a plain `pytest` (conftest sets THOROUGH from --slow before the tests are collected).
THOROUGH = False


def examples(n: int) -> int:
    return n if THOROUGH else max(n // 2, min(n, 30))


def seed_text(doc_id: str) -> str:
    return (REPO / "seeds" / f"{doc_id}.txt").read_text(encoding="utf-8")


def assert_index_sound(ix: Path) -> None:
    """`perucases index --check` passes on IX, with no traceback (run in this process: a new one
    costs a second of CPU)."""
    from click.testing import CliRunner

    from perucases.cli import cli

    r = CliRunner().invoke(cli, ["index", "--check", "--index", str(ix)])
    assert "Traceback" not in r.stderr, r.stderr
    assert r.exit_code == 0, r.stderr


def index_here(*args: str) -> None:
    """`perucases index ARGS`, run in this process (CliRunner), as the set-up of a test whose
    subject comes after it: the same command and index as the installed one makes, without the
    half second of CPU a new process costs."""
    from click.testing import CliRunner

    from perucases.cli import cli

    r = CliRunner().invoke(cli, ["index", *args])
    assert r.exit_code == 0, r.output


def python(*args: str) -> list[str]:
    """The command line of this Python running ARGS isolated (-I): it imports the installed
    perucases, as the `perucases` command does, not the checkout the tests run in (`python -c`
    puts the working folder first on its path; there, with no bytecode written, every module was
    also compiled again in each such process)."""
    return [sys.executable, "-I", *args]


def perucases() -> str:
    """The installed command, beside this Python."""
    exe = Path(sys.executable).parent / "perucases"
    return str(exe) if exe.exists() else shutil.which("perucases")


def notes_corpus(folder: Path, n: int) -> Path:
    """The seeds and N short notes in more/: enough files for a build in several processes."""
    from perucases.index.location import bundled_seeds

    shutil.copytree(bundled_seeds(), folder)
    (folder / "more").mkdir()
    for k in range(n):
        (folder / "more" / f"note-{k:04d}.txt").write_text(
            f"Note {k}\n\nThe Colina group and Vladimiro Montesinos, note {k}, in September 2000.\n", encoding="utf-8"
        )
    return folder


# ---------------------------------------------------------------------------- documents made by the tests

PDF_HEADER = "Coordinadora de Derechos Humanos - Informe anual 2001"
PDF_PAGES = [
    # page 1: one column, a title, a word hyphenated at a line end
    [
        "Informe sobre la violencia politica en el Peru",
        "",
        "La Coordinadora Nacional de Derechos Humanos presenta este informe sobre los",
        "crímenes cometidos durante el gobierno de Alberto Fujimori. La investi-",
        "gación reúne testimonios de familiares de las víctimas de Barrios Altos.",
        "",
        "El 3 de noviembre de 1991, un escuadrón del Grupo Colina asesinó a quince",
        "personas en una fiesta del barrio limeño de Barrios Altos.",
    ],
    # page 2: two columns (left, right)
    (
        [
            "En julio de 1992 el mismo grupo",
            "secuestró a nueve estudiantes y un",
            "profesor de la Universidad La Cantuta.",
            "",
            "Los restos fueron hallados en 1993",
            "en Cieneguilla.",
        ],
        [
            "La ley de amnistía de junio de 1995",
            "liberó a los miembros del Grupo",
            "Colina condenados por estos crímenes.",
            "",
            "La Corte Interamericana declaró en",
            "2001 que esa ley carece de efectos.",
        ],
    ),
    # page 3: one column
    [
        "Recomendaciones",
        "",
        "La Coordinadora pide al Congreso de la República que anule la amnistía y",
        "que el Ministerio Público reabra las investigaciones sobre Vladimiro Montesinos.",
    ],
]


def make_pdf(
    path,
    pages=None,
    header: str = PDF_HEADER,
    title: str | None = "Informe anual 2001",
    author: str | None = "Coordinadora Nacional de Derechos Humanos",
) -> None:
    """A multi-page PDF drawn with reportlab: a running header, 'Página N de M' footers,
    one- and two-column pages. Made by the tests, never copied from anywhere."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pages = PDF_PAGES if pages is None else pages
    c = canvas.Canvas(str(path), pagesize=A4)
    if title:
        c.setTitle(title)
    if author:
        c.setAuthor(author)
    width, height = A4
    for n, page in enumerate(pages, 1):
        c.setFont("Helvetica", 9)
        c.drawString(72, height - 40, header)
        c.drawString(width / 2 - 30, 30, f"Página {n} de {len(pages)}")
        c.setFont("Helvetica", 11)
        columns = page if isinstance(page, tuple) else (page,)
        for k, lines in enumerate(columns):
            x = 72 + k * (width - 144) / 2 if len(columns) > 1 else 72
            y = height - 90
            for line in lines:
                if line:
                    c.drawString(x, y, line)
                y -= 15
        c.showPage()
    c.save()


def make_docx(path) -> None:
    """A small Word file made with python-docx: title, heading, paragraphs, a table."""
    import docx

    d = docx.Document()
    d.core_properties.author = "Jo-Marie Burt"
    d.add_heading("Memoria del caso La Cantuta", level=0)
    d.add_paragraph(
        "Este memorando resume el proceso contra los responsables de la desaparición de nueve "
        "estudiantes y un profesor de la Universidad La Cantuta en julio de 1992."
    )
    d.add_heading("Cronología", level=1)
    d.add_paragraph("El 7 de abril de 2009 la Sala Penal Especial condenó a Alberto Fujimori a 25 años de prisión.")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Fecha", "Hecho"
    t.cell(1, 0).text, t.cell(1, 1).text = "18 de julio de 1992", "Secuestro en la Universidad La Cantuta"
    d.save(str(path))
