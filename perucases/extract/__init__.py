"""Extract: what a document names, found in its cleaned paragraphs during indexing.

- `gazetteer`: canonical entities and aliases (built in, extended by the user's file);
- `entities`: the extraction stages, returning mentions per paragraph and one entry per entity.
"""


def prepare(index_dir) -> None:
    """Before an index build starts its extraction processes: load the place table (kept in the
    index folder) and compile the patterns of dates and publication dates, so that the processes,
    forked from this one, share them instead of each building them again."""
    from perucases.dates import _dateline_re, _forms
    from perucases.extract import places, timex
    from perucases.ingest import pubdate

    places.prepare(index_dir)
    timex._lower_patterns()
    timex._ascii_as_lower()
    timex._lower_cues()
    timex._word_cues()
    pubdate._forms()
    pubdate._inline_re()
    _forms()
    _dateline_re()
