"""Type-check the package `rcsim` as it is installed, and the tests and benches that use it:
`python -m tests.typecheck [MYPY ARGS]`.

The repository maps engine/, tui/ and data/ into the package (pyproject.toml), which mypy cannot
follow through the editable install's import hook. So this builds the package's tree out of
symbolic links in build/typecheck/ (ignored by git), tests/ and bench/ beside it, and runs mypy on
the three there, with the settings of [tool.mypy] (tests and benches a little less strictly: see
its overrides); errors name files as rcsim/engine/..., rcsim/tui/..., tests/..., bench/...
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREE = ROOT / "build" / "typecheck"
# What the package `rcsim` is made of: name inside the package -> place in the repository.
PARTS = {"engine": "engine", "tui": "tui", "data": "data", "__init__.py": "rcsim/__init__.py",
         "__main__.py": "rcsim/__main__.py", "py.typed": "rcsim/py.typed"}


# Beside the package in the folder mypy runs in: the tests and the benches, as they are.
BESIDE = ("tests", "bench")


def _link(link: Path, target: Path) -> None:
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target)


def link_tree() -> Path:
    """build/typecheck/rcsim, each part a link into the repository, and links to tests/ and
    bench/ beside it; the folder mypy runs in."""
    package = TREE / "rcsim"
    package.mkdir(parents=True, exist_ok=True)
    for name in BESIDE:
        _link(TREE / name, Path(os.path.relpath(ROOT / name, TREE)))
    for name, source in PARTS.items():
        link = package / name
        _link(link, Path(os.path.relpath(ROOT / source, package)))
    return TREE


def run(args: list[str]) -> tuple[str, str, int]:
    """mypy over `rcsim`, the tests and the benches (plus `args`): its report, its errors, its
    exit status."""
    from mypy import api

    previous = Path.cwd()
    os.chdir(link_tree())
    try:
        return api.run(["--config-file", str(ROOT / "pyproject.toml"),
                        "--cache-dir", str(ROOT / ".mypy_cache"), "-p", "rcsim",
                        *(f"-p{name}" for name in BESIDE), *args])
    finally:
        os.chdir(previous)


if __name__ == "__main__":
    out, err, status = run(sys.argv[1:])
    sys.stdout.write(out)
    sys.stderr.write(err)
    sys.exit(status)
