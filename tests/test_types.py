"""The type checker passes over the package `rcsim` (settings: [tool.mypy] in pyproject.toml)."""

from __future__ import annotations

from .typecheck import run


def test_mypy_finds_no_error_in_the_package() -> None:
    out, err, status = run([])
    assert status == 0, out + err
    assert "rcsim/engine" not in out and "no issues found" in out
