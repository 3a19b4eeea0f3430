"""Extract: what a document names, found in its cleaned paragraphs during indexing.

- `gazetteer`: canonical entities and aliases (built in, extended by the user's file);
- `entities`: the extraction stages, returning mentions per paragraph and one entry per entity.
"""


def prepare(index_dir) -> None:
    """Before an index build starts its extraction processes: load the place table (kept in the
    index folder) and compile the patterns of dates, publication dates and page chrome, so that
    the processes, forked from this one, share them instead of each building them again."""
    from perucases.extract import places

    places.prepare(index_dir)
    compile_patterns()


def compile_patterns(rare: bool = False) -> None:
    """Compile the patterns of dates, publication dates and page chrome (each once a process:
    they are cached); with RARE, also those for the rare text whose lower case the lowercased
    patterns cannot read ('ſ'). The package's build compiles them all to ship their engine code
    (perucases.compiled)."""
    from perucases.dates import _dateline_re, _forms
    from perucases.extract import timex
    from perucases.ingest import clean, pubdate

    if rare:
        timex._patterns()
    timex._lower_patterns()
    timex._lower_start_chars()
    timex._ascii_as_lower()
    timex._lower_cues()
    timex._word_cues()
    timex._lead_scan()
    timex._future_re()
    timex._count_before_re()
    pubdate._forms()
    pubdate._inline_re()
    _forms()
    _dateline_re()
    clean.chrome_rules()
