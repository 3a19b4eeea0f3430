"""Rendering: how every command's results are written (after the library, before the terminal).

    output     the shared mechanism: --format table|json|jsonl|csv|tsv|ids, the row serialiser,
               tables, escaping for TSV/CSV and terminals, messages on stderr
    columns    every command's column list (the JSON contract) and its rows
    locators   "003 p.4 ¶2 s1", spelt once (a leaf module: the library uses it too)
    text       the text views of show and entity
    cite       cite's Markdown notes and reference lists
    timeline   timeline's chronology, Markdown, TimelineJS and HTML page

This package imports nothing itself, so that perucases.render.locators stays cheap to import.
"""
