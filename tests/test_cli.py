"""The installed `rcsim` command itself: `rcsim run` over the whole scenario library."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RCSIM = Path(sys.executable).with_name("rcsim")


@pytest.mark.skipif(not RCSIM.exists() and shutil.which("rcsim") is None,
                    reason="the rcsim console script is not installed in this environment")
def test_rcsim_run_plays_the_scenario_library_and_exits_0() -> None:
    command = str(RCSIM) if RCSIM.exists() else "rcsim"
    files = sorted(str(p) for p in (ROOT / "data" / "scenarios").glob("*.toml"))
    result = subprocess.run([command, "run", *files], capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "LANG": "de_DE.UTF-8"})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert f"{len(files)} scenario(s): {len(files)} passed, 0 failed" in result.stdout
    assert "expected" in result.stdout, "rcsim run prints English unless --lang de, whatever LANG says"
