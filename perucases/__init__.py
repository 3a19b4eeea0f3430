"""perucases: search, quote and cite a folder of human-rights case documents.

The package is a pipeline that runs one way:

    files -> ingest (read, decode, clean, metadata) -> extract -> index (Whoosh) -> library -> cli -> render

`perucases.library` is the Python API (`from perucases import Library`); the command line in
`perucases.cli` is a thin layer over it. The library's names are loaded when first used, so that
importing perucases (and `perucases --help`) does not load Whoosh.
"""

from __future__ import annotations

import importlib

# (not typing's TYPE_CHECKING: importing typing costs `perucases --help` 20 ms; mypy reads this one too)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from perucases.library import *  # noqa: F403

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # `from perucases import compiled` asks here before it imports the submodule: the library's names
    # are capitalised (classes, errors), a module's name is not, so a module does not load the library.
    if not name[:1].isupper():
        raise AttributeError(f"module 'perucases' has no attribute {name!r}")
    # (here, not at the top: the library's names load when first used, not when perucases is imported)
    library = importlib.import_module("perucases.library")
    if name in library.EXPORTS:
        return getattr(library, name)
    raise AttributeError(f"module 'perucases' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *importlib.import_module("perucases.library").EXPORTS])
