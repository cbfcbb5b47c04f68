"""The README's promises: its first two commands and its Python example still work."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_begins_with_exactly_two_commands_run_and_test() -> None:
    text = README.read_text(encoding="utf-8")
    first = _blocks("sh")[0]
    assert text.index("```sh") < text.index("\n## "), "the commands come before any section"
    lines = [line for line in first.splitlines() if line.strip()]
    assert len(lines) == 2
    assert lines[0].endswith(".venv/bin/rcsim")
    assert lines[1].endswith("-m pytest -q")
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert lines[1] in ci, ".ci/run runs the README's test command"


def test_readme_python_example_runs(tmp_path: Path) -> None:
    example = _blocks("python")[0]
    result = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "not_requester" in result.stdout
    assert "cancelled mutual" in result.stdout
    assert (tmp_path / "what-if.json").is_file()


def test_readme_scenario_example_passes(tmp_path: Path) -> None:
    from engine import scenario

    story = tmp_path / "readme.toml"
    story.write_text(_blocks("toml")[0], encoding="utf-8")
    assert scenario.main([str(story)]) == 0
