"""No import circles in rcsim.tui and rcsim.engine: a module that imports another never leads
back to itself, through any chain of imports. The graph is built from the source with `ast`:
every import, those inside functions too (an import that runs late still ties the two modules
together), but not those under `if TYPE_CHECKING:` (they never run). A circle found is named,
module by module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The folders of the repository the package's names stand for (pyproject.toml's package-dir).
PACKAGES = {"rcsim.tui": ROOT / "tui", "rcsim.engine": ROOT / "engine"}

def modules(packages: dict[str, Path]) -> dict[str, Path]:
    """Every module of the packages: its dotted name -> its file."""
    found: dict[str, Path] = {}
    for prefix, folder in packages.items():
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join([prefix, *parts])] = path
    return found


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules among `known` that the module `name` (its file `path`) imports, anywhere in
    it but under `if TYPE_CHECKING:`. `from P import X` is the module P.X where that is one,
    else P."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node.test):
            for statement in node.orelse:
                visit(statement)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                targets.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found = set()
    for target in targets:
        # `import a.b.c` runs a, a.b and a.b.c; the edge that matters is to the module named
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)
    return found


def graph(packages: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the modules of the packages it imports."""
    found = modules(packages)
    known = set(found)
    return {name: imported(name, path, known) for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """Every elementary circle through the graph's strongly connected parts, each once, each
    starting at its smallest module (Johnson's search, kept simple: the graph is small)."""
    found: set[tuple[str, ...]] = set()
    order = sorted(edges)
    for start in order:
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for target in sorted(edges.get(node, ())):
                if target == start:
                    found.add(tuple(path))
                elif target > start and target not in path:
                    stack.append((target, [*path, target]))
    return sorted(found)


def test_no_import_circle_in_tui_and_engine() -> None:
    found = cycles(graph(PACKAGES))
    assert not found, "import circles:\n" + "\n".join(
        " -> ".join([*cycle, cycle[0]]) for cycle in found)


def test_the_graph_sees_the_commands_and_the_engine() -> None:
    edges = graph(PACKAGES)
    assert "rcsim.tui.cli.common" in edges["rcsim.tui.cli.run"]
    assert "rcsim.engine" in edges["rcsim.tui.cli.run"]
    # an import inside a function counts: the bare rcsim imports the app only when it starts it
    assert "rcsim.tui.app.app" in edges["rcsim.tui.cli.main"]


def _sample(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    folder = tmp_path / "sample"
    for name, text in {"__init__.py": "", **files}.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return {"sample": folder}


def test_a_new_circle_is_caught_and_named(tmp_path: Path) -> None:
    packages = _sample(tmp_path, {
        "a.py": "from sample.b import thing\n",
        "b.py": "def thing():\n    from sample import c\n",  # inside a function: counts
        "c.py": "from . import a\n",                          # relative: counts
        "d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sample import a\n",
        "e.py": "import sample.d\n",
    })
    found = cycles(graph(packages))
    assert found == [("sample.a", "sample.b", "sample.c")]
    with pytest.raises(AssertionError, match="sample.a -> sample.b -> sample.c -> sample.a"):
        assert not found, "import circles:\n" + "\n".join(
            " -> ".join([*cycle, cycle[0]]) for cycle in found)


def test_a_type_checking_import_makes_no_circle(tmp_path: Path) -> None:
    packages = _sample(tmp_path, {
        "a.py": "from sample.b import thing\n",
        "b.py": "import typing\nif typing.TYPE_CHECKING:\n    from sample.a import x\nthing = 1\n",
    })
    assert cycles(graph(packages)) == []
