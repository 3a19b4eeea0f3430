from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from helpers import notes_corpus, perucases
from perucases.index.location import bundled_seeds
from perucases.library import Library

# Property tests assert what comes out, never how fast: no per-example deadline (a loaded machine
# made examples exceed hypothesis's default 200 ms and fail for no fault of the code).
settings.register_profile("perucases", deadline=None)
settings.load_profile("perucases")


def pytest_addoption(parser):
    parser.addoption(
        "--slow",
        action="store_true",
        help="also run the tests marked slow (kill -9, Ctrl-C, scale), and the property tests with all"
        " their examples: CI (.ci/run) does",
    )


def pytest_configure(config):
    import helpers

    helpers.THOROUGH = config.getoption("--slow")  # property tests: every example under --slow


def pytest_collection_modifyitems(config, items):
    """Leave the slow tests out unless --slow is given, a -m or -k expression chooses, or a test is
    named by its id (pytest tests/test_robustness.py::test_kill_9_during_indexing_never_breaks_the_index)."""
    if config.getoption("--slow") or config.getoption("markexpr") or config.getoption("keyword"):
        return
    named = set()
    for arg in config.args:
        file, sep, name = arg.partition("::")
        if sep:
            named.add(((config.invocation_params.dir / file).resolve(), name.split("[")[0]))
    kept, left_out = [], []
    for item in items:
        name = item.nodeid.split("::", 1)[-1].split("[")[0]  # (a class's test: Class::test)
        if item.get_closest_marker("slow") and (item.path.resolve(), name) not in named:
            left_out.append(item)
        else:
            kept.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(scope="session")
def _cache_home(tmp_path_factory) -> Path:
    """One cache folder for the session (perucases writes none: if it ever did, not in the user's)."""
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path_factory, _cache_home):
    """No test may touch the checkout's index/ or the user's data or cache folders."""
    monkeypatch.setenv("PERUCASES_INDEX", str(tmp_path_factory.mktemp("default-index")))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg")))
    monkeypatch.setenv("XDG_CACHE_HOME", str(_cache_home))
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """An index of the bundled seeds, built once; tests must not write to it."""
    d = tmp_path_factory.mktemp("seed-index")
    Library(d, [bundled_seeds()]).open()
    return d


@pytest.fixture(scope="session")
def built_notes(tmp_path_factory) -> tuple[Path, Path]:
    """(the seeds and 1,200 notes, their index), built once in several processes by the installed
    command, for the whole run: the xdist workers share it (the first to need it builds it, under
    a lock, the others wait). Read-only: a test copies the index (and the corpus, to change it)
    before writing."""
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the folder of every worker's base folder
    base = root / "built-notes"
    with FileLock(str(root / "built-notes.lock")):
        if not (base / "built").exists():
            shutil.rmtree(base, ignore_errors=True)
            corpus = notes_corpus(base / "c", 1200)
            r = subprocess.run(
                [perucases(), "index", str(corpus), "--index", str(base / "ix"), "-j", "2"],
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert r.returncode == 0, r.stderr
            (base / "built").touch()
    return base / "c", base / "ix"


@pytest.fixture()
def lib(seed_index) -> Library:
    return Library(seed_index)


@pytest.fixture()
def pool(monkeypatch):
    """A build starts its extraction processes for 20 files or more, not POOL_MIN_FILES (200): the
    same code, on a few dozen files."""
    from perucases.index import build

    monkeypatch.setattr(build, "POOL_MIN_FILES", 20)


@pytest.fixture()
def corpus(tmp_path) -> Path:
    """A writable copy of the seeds, catalog included."""
    dst = tmp_path / "corpus"
    shutil.copytree(bundled_seeds(), dst)
    return dst


@pytest.fixture()
def run(seed_index):
    """Run the CLI against the seed index: run("search", "Colina") -> click Result."""
    runner = CliRunner()

    def _run(*args, input=None, index=None):
        return runner.invoke(
            __import__("perucases.cli", fromlist=["cli"]).cli,
            [*args, "--index", str(index or seed_index)],
            input=input,
            catch_exceptions=False,
        )

    return _run
