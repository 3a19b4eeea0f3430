"""Ingest: read a file, decode it, clean it, and describe it as a `Document` with paragraphs.

    from perucases.ingest.document import ingest_file
    doc = ingest_file(corpus_file, catalog)

Submodules: `corpus` (which files, which ids), `readers` (one a format), `decode`, `clean`
(the cleaning stages), `normalize` (offset maps), `metadata` (inference and catalog), `document`.
Nothing is imported here, so that listing a corpus does not load the cleaner.
"""
