"""The engine's public face: tui/ (the app, the commands, the words) takes what it needs from
the `rcsim.engine` package alone, never from one of its modules, so that the engine can be
rearranged inside without the app noticing."""

from __future__ import annotations

import ast
from pathlib import Path

import rcsim.engine

ROOT = Path(__file__).resolve().parent.parent
ENGINE_MODULES = {path.stem for path in (ROOT / "engine").iterdir()
                  if (path.suffix == ".py" and path.stem != "__init__")
                  or (path.is_dir() and (path / "__init__.py").exists())}


def engine_imports(path: Path) -> list[tuple[int, str]]:
    """Each import of the engine in a file: (line, what it names)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.startswith("rcsim.engine"):
            found.extend((node.lineno, f"{node.module}:{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names
                         if alias.name.startswith("rcsim.engine"))
    return found


def test_tui_imports_the_engine_package_only() -> None:
    assert {"service", "scenario", "experiment", "rules"} <= ENGINE_MODULES  # the scan sees them
    wrong = []
    for path in sorted((ROOT / "tui").rglob("*.py")):
        for line, name in engine_imports(path):
            module, _, imported = name.partition(":")
            if module != "rcsim.engine" or imported in ENGINE_MODULES:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert not wrong, "tui/ imports an engine module:\n" + "\n".join(wrong)


def test_the_scan_would_catch_a_module_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from rcsim.engine.scenario import load\nfrom rcsim.engine import bundled\n"
                      "import rcsim.engine.rules\n", encoding="utf-8")
    assert [name for _, name in engine_imports(sample)] == [
        "rcsim.engine.scenario:load", "rcsim.engine:bundled", "rcsim.engine.rules"]


def test_every_name_the_engine_exports_is_there() -> None:
    for name in rcsim.engine.__all__:
        assert getattr(rcsim.engine, name) is not None, name


MOST_LINES = 500  # one job per module: past this, a module holds more than one


def test_no_module_is_over_500_lines() -> None:
    long = []
    for folder in ("engine", "tui", "rcsim"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            count = len(path.read_text(encoding="utf-8").splitlines())
            if count > MOST_LINES:
                long.append(f"{path.relative_to(ROOT)}: {count} lines")
    assert not long, "split by job:\n" + "\n".join(long)
