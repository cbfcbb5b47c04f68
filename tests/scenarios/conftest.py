"""Helpers for scenario tests: write a scenario file into tmp_path from a TOML body."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

HEADER = '''
title = "A test scenario"
description = "Written by a test."
start = "2026-03-02T09:00:00Z"

[[orders]]
id = "FO-1"
title = "Logo design"
price = 120
delivery_days = 3
'''


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write(body, header=True, top="", name=...) -> a scenario file in tmp_path.

    `top` goes before the header (top-level keys), `body` after its [[orders]] table.
    """

    def _write(body: str, *, header: bool = True, top: str = "",
               name: str = "scenario.toml") -> Path:
        path = tmp_path / name
        text = top + (textwrap.dedent(HEADER) if header else "") + textwrap.dedent(body)
        path.write_text(text, encoding="utf-8")
        return path

    return _write
