"""The package's layout: no import cycles, the library exported from `perucases`, and a command
line that starts without Whoosh."""

from __future__ import annotations

import ast
import functools
import subprocess
from pathlib import Path

import pytest

import perucases
from helpers import python

PACKAGE = Path(perucases.__file__).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """The import statements of TREE at any level (inside functions too), but those under
    `if TYPE_CHECKING:`, which never run."""
    found, todo = [], [tree]
    while todo:
        for node in ast.iter_child_nodes(todo.pop()):
            if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                todo.extend(node.orelse)
                found.extend(n for n in node.orelse if isinstance(n, (ast.Import, ast.ImportFrom)))
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append(node)
            todo.append(node)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the perucases modules it imports, at any level (inside functions too)."""
    return {m: set(imported) for m, imported in _import_graph().items()}  # (a copy: the tests' own)


@functools.cache
def _import_graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                # `from perucases.index import records` imports the module perucases.index.records
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for t in targets:
                while t and t not in modules:  # `import perucases.index.build as b`: the module itself
                    t = t.rpartition(".")[0]
                if t and t != name:
                    graph[name].add(t)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return stack[stack.index(n) :] + [n]
            if n not in state and (found := visit(n)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_the_import_graph_is_read_at_every_level():
    graph = import_graph()
    # a top-level import, a function-level one, and a package's own submodule imported by name
    assert "perucases.index.records" in graph["perucases.index.build"]
    assert "perucases.ingest.html" in graph["perucases.ingest.readers"]  # inside read_html
    assert "perucases.library.opening" in graph["perucases.library.library"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_the_package_has_no_import_cycle():
    assert find_cycle(import_graph()) is None


@pytest.mark.parametrize(
    "leaf, importers",
    [
        (
            "perucases.ingest.source",
            ["perucases.ingest.readers", "perucases.ingest.html", "perucases.ingest.pdf", "perucases.ingest.docx"],
        ),
        ("perucases.index.prepared", ["perucases.index.build", "perucases.index.parallel"]),
        ("perucases.highlight", ["perucases.library.search", "perucases.library.entities"]),
        ("perucases.extract.wordlists", ["perucases.extract.entities", "perucases.extract.places"]),
    ],
)
def test_shared_definitions_live_in_leaf_modules(leaf, importers):
    graph = import_graph()
    for m in importers:
        assert leaf in graph[m], m
    assert not graph[leaf] & set(importers)


def test_the_command_line_depends_on_the_library_not_on_the_index_or_ingest():
    imported = import_graph()["perucases.cli"]
    assert "perucases.library" in imported
    assert not {m for m in imported if m.startswith(("perucases.index", "perucases.ingest"))}
    assert {"perucases.query", "perucases.curate", "perucases.entity_query"}.isdisjoint(import_graph())


def test_the_library_is_exported_from_perucases(tmp_path):
    import perucases.library as library
    from perucases import InvalidArgument, Library, NotFound

    assert perucases.Library is Library is library.Library
    assert sorted(library.EXPORTS) == library.__all__
    assert all(getattr(perucases, name) is getattr(library, name) for name in library.__all__)
    assert issubclass(InvalidArgument, perucases.LibraryError) and issubclass(NotFound, perucases.LibraryError)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        perucases.nothing  # noqa: B018


def test_importing_perucases_and_its_command_line_does_not_load_whoosh():
    code = (
        "import sys, perucases, perucases.cli, perucases.library; "
        "print(sorted(m for m in sys.modules if m == 'whoosh' or m.startswith('whoosh.')))"
    )
    out = subprocess.run([*python("-c"), code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    # Nor does the Library class: its concern modules load at their first use.
    code = "import sys, perucases; print(perucases.Library.__module__, 'whoosh' in sys.modules)"
    out = subprocess.run([*python("-c"), code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "perucases.library.library False"
