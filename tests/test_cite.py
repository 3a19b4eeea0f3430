"""cite: exact quotes with offsets, references in CSL styles, exports, --verify and --sources."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import CHROME_WORDS, SEED_IDS, examples, seed_text
from perucases.cite.csl import pandoc, person
from perucases.cite.quotes import fold
from perucases.errors import InvalidArgument
from perucases.library import Filters, Library

ALL_TYPES = {
    # the CSL 1.0.2 item types (specification, "Appendix III - Types")
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "bill",
    "book",
    "broadcast",
    "chapter",
    "classic",
    "collection",
    "dataset",
    "document",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "event",
    "figure",
    "graphic",
    "hearing",
    "interview",
    "legal_case",
    "legislation",
    "manuscript",
    "map",
    "motion_picture",
    "musical_score",
    "pamphlet",
    "paper-conference",
    "patent",
    "performance",
    "periodical",
    "personal_communication",
    "post",
    "post-weblog",
    "regulation",
    "report",
    "review",
    "review-book",
    "software",
    "song",
    "speech",
    "standard",
    "thesis",
    "treaty",
    "webpage",
}


def original(doc_id: str) -> str:
    return seed_text(doc_id)


def check_quote(lib: Library, q) -> None:
    """The property every quote must have: the file's text at start:end, folded, is the quote."""
    text = original(q.id)
    assert fold(text[q.start : q.end]) == q.text
    assert q.quote == ("\u2026 " if q.cut_start else "") + q.text + (" \u2026" if q.cut_end else "")
    # folding changes line breaks only
    assert re.sub(r"\s+", " ", text[q.start : q.end]) == re.sub(r"\s+", " ", q.text)
    # inside its paragraph: never in page chrome
    para = lib.document(q.id).paragraphs[q.paragraph - 1]
    assert para.start <= q.start < q.end <= para.end
    assert not any(re.search(rf"\b{w}\b", q.text) for w in CHROME_WORDS)


# ---------------------------------------------------------------------------- quotes


def test_best_sentence_quoted_exactly_with_its_offsets(lib):
    quotes = lib.quotes("Colina death squad")
    top = quotes[0]
    sentence = (
        "Montesinos has been alleged to be responsible for planning kidnappings and murders carried out by "
        "the Colina group, a death squad belonging to the SIN."
    )
    assert (top.id, top.paragraph, top.sentence) == (SEED_IDS[0], 5, 1)
    assert top.text == sentence
    assert top.start == original(SEED_IDS[0]).index(sentence) and top.end == top.start + len(sentence)
    assert not top.cut_start and not top.cut_end
    assert top.sha256 and len(top.sha256) == 12
    for q in quotes:
        check_quote(lib, q)


def test_curly_quotes_and_accents_are_kept(lib):
    quotes = lib.quotes("innocent prisoners remain in jail")
    q = next(q for q in quotes if q.id == SEED_IDS[3])
    assert "\u201csome 200 innocent prisoners remain in jail\u201d" in q.text
    check_quote(lib, q)
    vivanco = lib.quotes("Vivanco farce")
    assert any("Jos\u00e9 Miguel Vivanco" in q.text for q in vivanco)


def test_context_adds_sentences_within_the_paragraph(lib):
    one = lib.quotes("Colina death squad", limit=1)[0]
    wide = lib.quotes("Colina death squad", limit=1, context=1)[0]
    assert wide.sentences == 2 and wide.sentence == 1  # the first sentence has none before it
    assert wide.start == one.start and wide.end > one.end
    assert wide.text.startswith(one.text + " Eight death squad members")
    check_quote(lib, wide)


def test_filters_restrict_quotes(lib):
    assert {q.id for q in lib.quotes("Fujimori", limit=20, filters=Filters.parse("2005"))} == {SEED_IDS[2]}
    assert {q.id for q in lib.quotes("prisoners", limit=20, doc="003")} == {SEED_IDS[3]}
    assert {q.id for q in lib.quotes("Fujimori", limit=20, filters=Filters.parse(publisher="Amnesty"))} <= {
        SEED_IDS[1],
        SEED_IDS[3],
    }
    ent = lib.quotes("Montesinos", limit=20, entity="Vivanco")
    assert ent and all(q.id == SEED_IDS[0] for q in ent)
    assert lib.quotes("zzzzqqq") == []


def _vocabulary() -> list[str]:
    words = set()
    for doc_id in SEED_IDS:
        words |= {w for w in re.findall(r"[A-Za-zÁÉÍÓÚáéíóúñÑ]{4,}", original(doc_id))}
    return sorted(words)


VOCAB = _vocabulary()


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(VOCAB), min_size=1, max_size=3), context=st.integers(0, 2), full=st.booleans())
def test_property_every_quote_is_the_original_at_its_offsets(lib, words, context, full):
    try:
        quotes = lib.quotes(" OR ".join(words), limit=10, context=context, full=full)
    except Exception as exc:  # only the query checker may refuse a drawn query
        assert isinstance(exc, InvalidArgument), exc
        return
    for q in quotes:
        check_quote(lib, q)


LONG = """Lima profile
Un informe sobre la tortura

The commission heard that the detainees, who had been held for weeks without charge in the
basement of the barracks at Los Cabitos, where no lawyer, relative or doctor was ever allowed
to see them, were interrogated at night by officers of the army’s intelligence service, that
several of them were subjected to “submarino” and electric shocks, and that the commanders, far
from investigating the complaints that reached them from the Fiscalía in Ayacucho, ordered the
records of the interrogations destroyed before the inspectors arrived in December.

A second paragraph names Fernández Mendoza.
"""


def test_long_sentences_are_cut_at_clauses_with_an_ellipsis(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "long.txt").write_text(LONG, encoding="utf-8")
    lib = Library(tmp_path / "ix", [corpus])
    q = lib.quotes("submarino electric shocks", limit=1)[0]
    assert q.cut_start or q.cut_end
    assert "\u201csubmarino\u201d and electric shocks" in q.text
    assert q.quote.startswith("\u2026 ") == q.cut_start and q.quote.endswith(" \u2026") == q.cut_end
    raw = LONG
    assert fold(raw[q.start : q.end]) == q.text and "\n" in raw[q.start : q.end]
    full = lib.quotes("submarino electric shocks", limit=1, full=True)[0]
    assert not full.cut_start and not full.cut_end and full.text.startswith("The commission heard")


# ---------------------------------------------------------------------------- references


def refs(lib, style, ids=None):
    return dict(lib.references(style, ids).bibliography)


def test_references_in_the_four_named_styles(lib):
    hrw, ai_uk, psg, ai, blog = SEED_IDS
    apa = refs(lib, "apa")
    assert apa[hrw] == (
        "Human Rights Watch. (2000, September 26). Peru: Montesinos Asylum Claim [Press release]. Human Rights Watch."
    )
    assert apa[psg] == (
        "Peru Support Group. (2006, January 31). Amnesty International launch campaign to bring "
        "Fujimori to justice. Peru Support Group."
    )
    assert apa[ai_uk].startswith(
        "Amnesty International UK. (2003). Peru: Government must free innocent prisoners [Press release]."
    )
    # the blog post names no author and no publisher: the title leads, printed once, nothing invented
    assert apa[blog] == "Documents Reveal Close U.S. Ties with Disgraced Peruvian Intelligence Chief. (2002)."
    chicago = refs(lib, "chicago")
    assert chicago[hrw] == (
        "Human Rights Watch. \u201cPeru: Montesinos Asylum Claim.\u201d Press release. "
        "Human Rights Watch, September 26, 2000."
    )
    assert chicago[ai].startswith("Amnesty International. \u201cPERU: Safe Release of Hostages")
    mla = refs(lib, "mla")
    assert mla[hrw] == (
        "Human Rights Watch. \u201cPeru: Montesinos Asylum Claim.\u201d Press release. "
        "Human Rights Watch, 26 Sept. 2000."
    )
    harvard = refs(lib, "harvard")
    assert harvard[psg].startswith("Peru Support Group (2006) \u201cAmnesty International launch campaign")
    for table in (apa, chicago, mla, harvard):
        assert set(table) == set(SEED_IDS)
        for entry in table.values():
            assert not re.search(r"Watch, H\.|International, A\.|Group, P\.", entry)  # organisations stay whole
            assert "n.d." not in entry and "no date" not in entry  # every seed has a date


def test_bibliography_is_sorted_as_the_style_says(lib):
    order = [i for i, _ in lib.references("apa").bibliography]
    assert order == [SEED_IDS[3], SEED_IDS[1], SEED_IDS[4], SEED_IDS[0], SEED_IDS[2]]  # by author, else title


def test_paragraph_locators(lib):
    from perucases.cite.csl import Cite

    for style, want in (("chicago", "para. 5"), ("apa", "para. 5"), ("mla", "par. 5"), ("harvard", "para. 5")):
        f = lib.references(style, [], [Cite(SEED_IDS[0], 5)])
        assert want in f.citations[0], (style, f.citations[0])
    assert lib.references("apa", [], [Cite(SEED_IDS[0], 5)]).citations[0] == "(Human Rights Watch, 2000, para. 5)"


def test_unknown_date_and_spanish_two_part_surnames(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "informe.txt").write_text(
        "Informe sobre Ayacucho\n\nUn texto sin fecha sobre la tortura.\n", encoding="utf-8"
    )
    (corpus / "catalog.toml").write_text(
        '[documents.informe]\ndoctype = "report"\nauthor = "Jorge Fernández Mendoza"\npublisher = "IDL"\n',
        encoding="utf-8",
    )
    lib = Library(tmp_path / "ix", [corpus])
    assert refs(lib, "apa")["informe"] == "Fernández Mendoza, J. (n.d.). Informe sobre Ayacucho. IDL."
    assert refs(lib, "harvard")["informe"].startswith("Fernández Mendoza, J. (no date)")
    assert "n.d." in refs(lib, "chicago")["informe"]
    item = lib.csl_items()[0]
    assert item["author"] == [{"family": "Fernández Mendoza", "given": "Jorge"}] and "issued" not in item
    from perucases.cite.export import bibtex

    assert "author = {{Fernández Mendoza}, Jorge}" in bibtex([item])


def test_person_names():
    assert person("Jo-Marie Burt") == {"family": "Burt", "given": "Jo-Marie"}
    assert person("José Miguel Vivanco") == {"family": "Vivanco", "given": "José Miguel"}
    assert person("Mario Vargas Llosa") == {"family": "Vargas Llosa", "given": "Mario"}
    assert person("Burt, Jo-Marie") == {"family": "Burt", "given": "Jo-Marie"}
    assert person("Aprodeh") == {"literal": "Aprodeh"}


def test_csl_items_are_typed_and_never_invent(lib):
    items = {it["id"]: it for it in lib.csl_items()}
    assert items[SEED_IDS[0]]["type"] == "document" and items[SEED_IDS[0]]["genre"] == "press release"
    assert items[SEED_IDS[2]]["type"] == "article-newspaper"
    assert items[SEED_IDS[2]]["container-title"] == "Peru Support Group"
    assert items[SEED_IDS[4]]["type"] == "post-weblog" and "author" not in items[SEED_IDS[4]]
    assert items[SEED_IDS[0]]["author"] == [{"literal": "Human Rights Watch"}]
    assert items[SEED_IDS[1]]["issued"] == {"date-parts": [[2003]]}
    assert items[SEED_IDS[3]]["issued"] == {"date-parts": [[1997, 4, 23]]}
    assert all("URL" not in it for it in items.values())  # no URL is known for the seeds


def test_a_csl_file_as_style(lib, tmp_path):
    from perucases.cite.csl import style_path

    mine = tmp_path / "mine.csl"
    shutil.copy(style_path("apa"), mine)
    assert refs(lib, str(mine)) == refs(lib, "apa")


# ---------------------------------------------------------------------------- exports

CSL_ITEM_SCHEMA = {
    # The shape of CSL-JSON items from the CSL 1.0.2 specification: id, an item type from the
    # specification's list, names as {family, given} or {literal}, dates as date-parts.
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "type"],
        "properties": {
            "id": {"type": ["string", "number"]},
            "type": {"enum": sorted(ALL_TYPES)},
            "author": {
                "type": "array",
                "items": {
                    "type": "object",
                    "oneOf": [
                        {
                            "required": ["literal"],
                            "properties": {"literal": {"type": "string"}},
                            "additionalProperties": False,
                        },
                        {
                            "required": ["family"],
                            "properties": {"family": {"type": "string"}, "given": {"type": "string"}},
                            "additionalProperties": False,
                        },
                    ],
                },
            },
            "issued": {
                "type": "object",
                "required": ["date-parts"],
                "properties": {
                    "date-parts": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 2,
                        "items": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "integer"}},
                    }
                },
            },
            "title": {"type": "string"},
            "publisher": {"type": "string"},
            "container-title": {"type": "string"},
            "genre": {"type": "string"},
            "URL": {"type": "string"},
            "language": {"type": "string"},
            "note": {"type": "string"},
            "citation-key": {"type": "string"},
        },
        "additionalProperties": False,
    },
}


def _pandoc_read(text: str, fmt: str) -> list[dict]:
    r = subprocess.run(
        [pandoc(), "-f", fmt, "-t", "csljson"], input=text, capture_output=True, text=True, encoding="utf-8", check=True
    )
    return json.loads(r.stdout)


def test_csl_json_export(run):
    import jsonschema

    r = run("cite", "export", "csl-json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    jsonschema.validate(data, CSL_ITEM_SCHEMA)
    assert [it["id"] for it in data] == SEED_IDS
    back = {it["id"]: it for it in _pandoc_read(r.stdout, "csljson")}
    assert back[SEED_IDS[0]]["author"] == [{"literal": "Human Rights Watch"}]
    assert back[SEED_IDS[3]]["issued"] == {"date-parts": [[1997, 4, 23]]}


def test_bibtex_export_parses(run):
    import bibtexparser

    r = run("cite", "export", "bibtex")
    assert r.exit_code == 0
    parsed = bibtexparser.parse_string(r.stdout)
    assert not parsed.failed_blocks
    entries = {e.key: e for e in parsed.entries}
    assert list(entries) == SEED_IDS
    assert entries[SEED_IDS[0]].entry_type == "misc"
    assert entries[SEED_IDS[0]].fields_dict["author"].value == "{Human Rights Watch}"
    assert entries[SEED_IDS[0]].fields_dict["howpublished"].value == "Press release"
    assert entries[SEED_IDS[2]].entry_type == "article"
    assert entries[SEED_IDS[2]].fields_dict["journal"].value == "Peru Support Group"
    assert "author" not in entries[SEED_IDS[4]].fields_dict
    back = {it["id"]: it for it in _pandoc_read(r.stdout, "bibtex")}  # Pandoc reads it, names kept whole
    assert back[SEED_IDS[0]]["author"] == [{"literal": "Human Rights Watch"}]
    assert back[SEED_IDS[0]]["title"] == "Peru: Montesinos Asylum Claim"


def test_ris_export_has_the_required_tags(run):
    r = run("cite", "export", "ris")
    assert r.exit_code == 0
    records = [rec for rec in r.stdout.split("\n\n") if rec.strip()]
    assert len(records) == 5
    for rec in records:
        lines = rec.strip("\n").split("\n")
        assert lines[0].startswith("TY  - ") and lines[-1].startswith("ER  -")
        assert all(re.match(r"^[A-Z][A-Z0-9]  - ", ln) for ln in lines)
        tags = [ln[:2] for ln in lines]
        assert {"TI", "PY", "ID"} <= set(tags)
    assert records[0].split("\n")[0] == "TY  - PRESS" and "AU  - Human Rights Watch,\n" in records[0]
    assert "TY  - NEWS" in records[2] and "TY  - BLOG" in records[4]
    back = _pandoc_read(r.stdout, "ris")
    assert len(back) == 5 and back[0]["author"] == [{"family": "Human Rights Watch"}]  # whole, no initials


# ---------------------------------------------------------------------------- CLI


def test_cli_json_fields(run):
    r = run("cite", "hostage crisis", "--format", "json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert {"id", "paragraph", "sentence", "start", "end", "quote", "reference", "style"} <= set(rows[0])
    assert rows[0]["id"] == SEED_IDS[3] and "hostage crisis" in rows[0]["quote"]
    assert rows[0]["style"] == "Chicago Manual of Style 18th edition (notes and bibliography)"
    assert "para. " in rows[0]["citation"]
    text = original(rows[0]["id"])
    assert fold(text[rows[0]["start"] : rows[0]["end"]]) == rows[0]["quote"]


def test_cli_markdown_notes_and_verify(run, tmp_path):
    r = run("cite", "innocent prisoners", "--style", "apa", "--format", "md", "-n", "2")
    assert r.exit_code == 0
    assert r.stdout.startswith("> ")
    assert "> \u2014 (Amnesty International" in r.stdout and "para. " in r.stdout
    assert r.stdout.count("<!-- perucases-quote id=") == 2
    notes = tmp_path / "notes.md"
    notes.write_text("# My notes\n\n" + r.stdout, encoding="utf-8")
    ok = run("cite", "verify", str(notes), "--format", "json")
    assert ok.exit_code == 0
    assert [c["status"] for c in json.loads(ok.stdout)] == ["ok", "ok"]
    first_quote = r.stdout.split("\n", 1)[0][2:]
    notes.write_text(r.stdout.replace(first_quote, first_quote.replace("prisoners", "detainees"), 1), encoding="utf-8")
    bad = run("cite", "verify", str(notes), "--format", "json")
    assert bad.exit_code == 1
    assert [c["status"] for c in json.loads(bad.stdout)] == ["changed", "ok"]


def test_verify_finds_moved_changed_and_missing_sources(tmp_path, corpus):
    from click.testing import CliRunner

    from perucases.cli import cli

    index = tmp_path / "ix"
    runner = CliRunner()
    r = runner.invoke(cli, ["index", str(corpus), "--index", str(index)])
    assert r.exit_code == 0, r.output
    md = runner.invoke(cli, ["cite", "Colina death squad", "-n", "1", "--format", "md", "--index", str(index)])
    notes = tmp_path / "n.md"
    notes.write_text(
        md.stdout + "\n> a quote from nowhere\n<!-- perucases-quote id=999 para=1 start=0 end=5 -->\n", encoding="utf-8"
    )
    src = corpus / f"{SEED_IDS[0]}.txt"
    src.write_text("An editor's line added at the top.\n" + src.read_text(encoding="utf-8"), encoding="utf-8")
    r = runner.invoke(cli, ["cite", "verify", str(notes), "--format", "json", "--index", str(index)])
    assert r.exit_code == 1
    assert [c["status"] for c in json.loads(r.stdout)] == ["moved", "not-found"]
    src.write_text(src.read_text(encoding="utf-8").replace("Colina group", "Grupo Colina"), encoding="utf-8")
    r = runner.invoke(cli, ["cite", "verify", str(notes), "--format", "json", "--index", str(index)])
    assert [c["status"] for c in json.loads(r.stdout)][0] == "changed"
    src.unlink()
    r = runner.invoke(cli, ["cite", "verify", str(notes), "--format", "json", "--index", str(index)])
    assert r.exit_code == 1


def test_verify_without_quotes_and_usage_errors(run, tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("# nothing quoted here\n", encoding="utf-8")
    r = run("cite", "verify", str(empty))
    assert r.exit_code == 1 and "no perucases quotes" in r.stderr
    assert run("cite").exit_code == 2
    r = run("cite", "Fujimori", "--style", "bibtex")
    assert r.exit_code == 2 and "export" in r.stderr
    r = run("cite", "refs", "003", "--style", "no-such-style")
    assert r.exit_code == 2 and "unknown style" in r.stderr and "Traceback" not in r.stderr
    assert run("cite", "zzzzqqq").exit_code == 1


def test_doc_reference_and_bibliography_text(run):
    r = run("cite", "refs", "002", "--style", "chicago")
    assert r.exit_code == 0
    assert r.stdout == (
        "Peru Support Group. \u201cAmnesty International Launch Campaign to Bring Fujimori to "
        "Justice.\u201d Peru Support Group, January 31, 2006.\n"
    )
    r = run("cite", "refs", "--style", "apa", "--format", "md")
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 5
    assert r.stdout.splitlines()[0].startswith("- Amnesty International. (1997, April 23). *PERU:")


def test_sources_a_document_cites(run):
    r = run("cite", "sources", "004", "--format", "json")
    rows = json.loads(r.stdout)
    assert [(w["kind"], w["work"], w["publisher"], w["date"]) for w in rows] == [
        ("reference", "US reveals ties with Montesinos", "The BBC", "2002-01-08")
    ]
    assert rows[0]["text"] == "US reveals ties with Montesinos. The BBC, January 8, 2002."
    rows = json.loads(run("cite", "sources", "001", "--format", "json").stdout)
    work = next(w for w in rows if w["kind"] == "work")
    assert work["work"] == (
        "Anti-terrorist legislation and its effects: unfinished business from the transition to democracy"
    )
    assert work["text"].startswith("The report, Anti-terrorist legislation")
    rows = json.loads(run("cite", "sources", "000", "--format", "json").stdout)
    assert [w["work"] for w in rows] == ["United Nations Convention against Torture"]
    assert "Panama's obligations under the United Nations Convention against Torture" in rows[0]["text"]
    for w in rows:
        assert fold(original(SEED_IDS[0])[w["start"] : w["end"]]) == w["text"]


def test_installed_cite_in_a_subprocess(tmp_path, seed_index):
    exe = Path(sys.executable).parent / "perucases"
    found = str(exe) if exe.exists() else shutil.which("perucases")
    assert found, "the perucases command is not installed"
    r = subprocess.run(
        [found, "cite", "hostage crisis", "--format", "md", "-n", "1", "--index", str(seed_index)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    notes = tmp_path / "notes.md"
    notes.write_text(r.stdout, encoding="utf-8")
    v = subprocess.run(
        [found, "cite", "verify", str(notes), "--index", str(seed_index)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert v.returncode == 0, v.stderr
    assert "1 of 1 quote(s) match their sources" in v.stderr


# ---------------------------------------------------------------------------- awkward files


def _one_file_library(tmp_path, name: str, text: str) -> tuple[Library, str]:
    corpus = tmp_path / "c"
    corpus.mkdir(exist_ok=True)
    (corpus / name).write_text(text, encoding="utf-8", newline="")
    return Library(tmp_path / "ix", [corpus]), text


def test_decomposed_accents_are_quoted_whole(tmp_path):
    import unicodedata

    text = unicodedata.normalize("NFD", "Informe\n\nDespués, el fiscal investigó la denuncia de tortura en Perú.\n")
    lib, raw = _one_file_library(tmp_path, "nfd.txt", text)
    for query in ("fiscal", "Perú"):
        q = lib.quotes(query, limit=1)[0]
        assert not q.cut_start and not q.cut_end
        assert q.text == raw[q.start : q.end] and q.text.startswith("Despue")
        assert unicodedata.normalize("NFC", q.text) == "Después, el fiscal investigó la denuncia de tortura en Perú."


def test_form_feeds_fold_and_verify(tmp_path):
    from click.testing import CliRunner

    from perucases.cli import cli

    text = "Report\n\nThe killings were committed by the Colina\n\fgroup in November 1991, witnesses said.\n"
    lib, raw = _one_file_library(tmp_path, "ff.txt", text)
    q = lib.quotes("Colina", limit=1)[0]
    assert q.text == "The killings were committed by the Colina group in November 1991, witnesses said."
    assert fold(raw[q.start : q.end]) == q.text
    runner = CliRunner()
    md = runner.invoke(cli, ["cite", "Colina", "--format", "md", "--index", str(tmp_path / "ix")])
    notes = tmp_path / "n.md"
    notes.write_text(md.stdout, encoding="utf-8")
    r = runner.invoke(cli, ["cite", "verify", str(notes), "--format", "json", "--index", str(tmp_path / "ix")])
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["status"] == "ok"


def test_ids_with_spaces_round_trip_and_make_valid_keys(tmp_path):
    import bibtexparser
    from click.testing import CliRunner

    from perucases.cli import cli

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "informe final (2003).txt").write_text(
        "Informe final\n\nThe Colina group killed students.\n", encoding="utf-8"
    )
    (corpus / "informe preliminar.txt").write_text("Informe preliminar\n\nA draft about the army.\n", encoding="utf-8")
    runner = CliRunner()
    ix = str(tmp_path / "ix")
    assert runner.invoke(cli, ["index", str(corpus), "--index", ix]).exit_code == 0
    md = runner.invoke(cli, ["cite", "Colina", "--format", "md", "--index", ix]).stdout
    assert "id=informe%20final%20(2003)" in md
    notes = tmp_path / "n.md"
    notes.write_text(md, encoding="utf-8")
    r = runner.invoke(cli, ["cite", "verify", str(notes), "--format", "json", "--index", ix])
    assert r.exit_code == 0 and [c["id"] for c in json.loads(r.stdout)] == ["informe final (2003)"]
    bib = runner.invoke(cli, ["cite", "export", "bibtex", "--index", ix]).stdout
    parsed = bibtexparser.parse_string(bib)
    assert not parsed.failed_blocks
    assert sorted(e.key for e in parsed.entries) == ["informe_final__2003_", "informe_preliminar"]
    assert len(_pandoc_read(bib, "bibtex")) == 2


def test_a_document_without_publisher_or_date_still_has_a_reference(tmp_path):
    lib, _ = _one_file_library(tmp_path, "nota.txt", "Nota sobre Ayacucho\n\nUn texto breve sobre la tortura.\n")
    for style in ("chicago", "apa", "mla", "harvard"):
        entry = refs(lib, style)["nota"]
        assert "nota sobre ayacucho" in entry.lower(), (style, entry)  # language unknown: styles may recase
    assert "n.d." in refs(lib, "apa")["nota"]


def test_an_unknown_style_is_a_usage_error_even_without_matches(run):
    r = run("cite", "zzzzqqq", "--style", "no-such-style")
    assert r.exit_code == 2 and "unknown style" in r.stderr


def test_organisation_authors_in_the_catalog_stay_whole(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "cvr.txt").write_text("Informe final\n\nLa violencia en Ayacucho.\n", encoding="utf-8")
    (corpus / "catalog.toml").write_text(
        '[documents.cvr]\nauthor = "Comisión de la Verdad y Reconciliación"\ndate = "2003-08-28"\n', encoding="utf-8"
    )
    lib = Library(tmp_path / "ix", [corpus])
    assert refs(lib, "apa")["cvr"].startswith("Comisión de la Verdad y Reconciliación. (2003")
    assert person("Carlos Iván Degregori") == {"family": "Degregori", "given": "Carlos Iván"}
    assert person("María del Pilar García") == {"family": "García", "given": "María del Pilar"}
