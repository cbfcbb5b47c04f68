"""The documentation site builds without a warning (`mkdocs build --strict`), and its reference
pages are generated from the code and the data: every rule by name, every refusal code, every
command and every key the app declares is on them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# Its module-scoped fixtures (a server, a wheel, a site) are built once: its tests share a worker.
pytestmark = pytest.mark.xdist_group("test_docs")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                             str(target)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def text_of(site: Path, page: str) -> str:
    return re.sub(r"<[^>]+>", " ", (site / page / "index.html").read_text(encoding="utf-8"))


def test_every_rule_by_name_is_on_the_rules_page(site: Path) -> None:
    from rcsim.engine.rules import ADJUSTABLE

    page = text_of(site, "reference/rules")
    for name in ADJUSTABLE:
        assert name in page, name


def test_every_refusal_code_is_on_the_refusals_page(site: Path) -> None:
    from rcsim.engine.english import REFUSALS

    page = text_of(site, "reference/refusals")
    assert all(code in page for code in REFUSALS)


def test_every_command_says_its_help_on_the_command_line_page(site: Path) -> None:
    page = text_of(site, "reference/command-line")
    for command in ("rcsim run", "rcsim map", "rcsim serve", "rcsim class", "rcsim examples",
                    "rcsim experiment", "rcsim log"):
        assert f"usage: {command}" in page, command


def test_every_key_of_the_app_is_on_the_keys_page(site: Path) -> None:
    from textual.binding import Binding

    from rcsim.tui.app.app import RcsimApp

    page = text_of(site, "reference/keys")
    for binding in RcsimApp.BINDINGS:
        if isinstance(binding, Binding):
            assert (binding.key_display or binding.key) in page, binding.key


def test_the_python_api_is_read_from_the_docstrings(site: Path) -> None:
    page = text_of(site, "reference/api")
    assert "take_in" in page and "claim_seat" in page and "advance_to_next_deadline" in page
