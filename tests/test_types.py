"""The type checker passes over engine/ and tui/ (settings: [tool.mypy] in pyproject.toml)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_error_in_engine_and_tui() -> None:
    from mypy import api

    previous = Path.cwd()
    os.chdir(ROOT)  # mypy reads its settings and files from the project's pyproject.toml
    try:
        out, err, status = api.run(["--cache-dir", str(ROOT / ".mypy_cache")])
    finally:
        os.chdir(previous)
    assert status == 0, out + err
