"""The linter passes over everything in the repository's Python (settings: [tool.ruff] in
pyproject.toml: pycodestyle, pyflakes, import order, bugbear, pyupgrade, simplify)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ruff(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_ruff_finds_nothing() -> None:
    result = ruff("check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_would_say_so(tmp_path: Path) -> None:
    """The settings are read and a finding fails: an unused import and a misplaced one."""
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"),
                                             encoding="utf-8")
    (tmp_path / "sample.py").write_text("import sys\nimport os\n\nprint(os.sep)\n",
                                        encoding="utf-8")
    result = ruff("check", "--no-cache", "--output-format", "concise", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "F401" in result.stdout and "I001" in result.stdout
