"""perucases: search, quote and cite a folder of human-rights case documents.

The package is a pipeline that runs one way:

    files -> ingest (read, decode, clean, metadata) -> index (Whoosh) -> query -> cli -> render

`perucases.query` is the Python API; the command line in `perucases.cli` is a thin layer over it.
"""

__version__ = "0.1.0"
