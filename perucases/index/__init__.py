"""The index: Whoosh, the one store every query reads.

- `location`: where an index lives and where the bundled corpus is (no Whoosh import);
- `manifest`: what was indexed from which files, and whether the corpus changed (no Whoosh import);
- `schema`: analysers and fields;
- `build`: the incremental, crash-safe writer.
"""
