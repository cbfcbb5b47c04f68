"""The README's promises: its first two commands and its Python example still work, it stays a
front door (short, linking into the documentation), and the format page's example plays."""

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


def test_the_scenario_format_pages_example_passes(tmp_path: Path) -> None:
    from rcsim.tui.cli import run

    page = README.parent / "docs" / "formats" / "scenarios.md"
    example = re.findall(r"```toml\n(.*?)```", page.read_text(encoding="utf-8"), re.S)[0]
    story = tmp_path / "readme.toml"
    story.write_text(example, encoding="utf-8")
    assert run.main([str(story)]) == 0


# Inline code that names a file or folder of the project: it starts with one of its folders.
PROJECT_PATH = re.compile(r"`((?:\.\./|/|\./)?(?:data|engine|tui|tests|bench|docs|\.ci)/[^`\s]*"
                          r"|[^`\s]+\.md)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _prose(text: str) -> str:
    """The README without its fenced code blocks (commands and examples, not references)."""
    return re.sub(r"```.*?```", "", text, flags=re.S)


def test_readme_points_only_to_files_inside_the_repository() -> None:
    """A clone stands on its own: every link and every path the README names is in the clone."""
    root = README.parent.resolve()
    text = README.read_text(encoding="utf-8")
    assert "../" not in text, "the README points outside the repository"
    targets = [link.split("#", 1)[0] for link in LINK.findall(text)
               if not re.match(r"[a-z]+:", link) and not link.startswith("#")]
    paths = PROJECT_PATH.findall(_prose(text))
    assert "docs/RULES.md" in targets, "the rules the engine implements are linked"
    assert "data/rules.json" in paths and len(paths) >= 5  # the pattern finds what it should
    for name in targets + paths:
        target = (root / name).resolve()
        assert target.is_relative_to(root), f"{name} is outside the repository"
        # a path with a wildcard names the folder it globs in
        assert target.exists() or (("*" in name) and target.parent.is_dir()), f"{name} is missing"


def test_the_rules_document_links_only_inside_the_repository() -> None:
    root = README.parent.resolve()
    rules = root / "docs" / "RULES.md"
    for link in LINK.findall(rules.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", link) or link.startswith("#"):
            continue
        target = (rules.parent / link.split("#", 1)[0]).resolve()
        assert target.is_relative_to(root) and target.exists(), link


def test_the_readme_is_a_front_door_into_the_documentation() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    linked = {link.split("#", 1)[0] for link in LINK.findall(text)}
    for page in ("docs/guide/trainers.md", "docs/guide/product-managers.md", "docs/serving.md",
                 "docs/class.md", "docs/formats/scenarios.md", "docs/reference/keys.md",
                 "docs/reference/api.md", "docs/benchmarks.md", "docs/architecture.md"):
        assert page in linked, page
