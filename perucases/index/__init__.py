"""The index: Whoosh, the one store every query reads.

- `location`: where an index lives and where the bundled corpus is (no Whoosh import);
- `manifest`: what was indexed from which files, and whether the corpus changed (no Whoosh import);
- `schema`: analysers and fields;
- `build`: the incremental, crash-safe writer;
- `store`: opening and creating perucases' indexes (`open_index`, `create_index`): whoosh's
  storage, index, readers, searcher and writer subclassed for them alone, under a version check;
- `codec`: how a segment is written (whoosh3's codec and posting pool, subclassed);
- `expand`: wildcards, prefixes, ranges and fuzzy words as perucases searches them (`scope`).
"""
