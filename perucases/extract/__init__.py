"""Extract: what a document names, found in its cleaned paragraphs during indexing.

- `gazetteer`: canonical entities and aliases (built in, extended by the user's file);
- `entities`: the extraction stages, returning mentions per paragraph and one entry per entity.
"""
