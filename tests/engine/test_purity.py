"""The engine is pure: no UI toolkit in its imports, no OS clock and no sleeping in its source."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"
UI_PACKAGES = ("textual", "rich")

PROBE = """
import json, sys
import engine, engine.demo, engine.store, engine.service, engine.core
sim = engine.demo.create_demo(None, start="2026-03-02T09:00:00Z")
sim.advance("30d")
print(json.dumps(sorted(sys.modules)))
"""


def test_importing_and_running_the_engine_loads_no_ui_toolkit():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    modules = json.loads(result.stdout)
    assert "engine.demo" in modules and "tinydb" in modules  # the probe really ran the engine
    leaked = [m for m in modules if m.split(".")[0] in UI_PACKAGES]
    assert leaked == []


FORBIDDEN = {
    "datetime.now": re.compile(r"\.now\s*\("),
    "datetime.utcnow": re.compile(r"\butcnow\s*\("),
    "time.time": re.compile(r"\btime\.(time|time_ns|monotonic|perf_counter)\s*\("),
    "time.sleep": re.compile(r"\bsleep\s*\("),
    "date.today": re.compile(r"\btoday\s*\("),
    "from time import": re.compile(r"^\s*(from\s+time\s+import|import\s+time\b)", re.M),
    "ui import": re.compile(r"^\s*(from|import)\s+(textual|rich)\b", re.M),
}


def engine_sources() -> list[Path]:
    sources = sorted(ENGINE.rglob("*.py"))
    assert len(sources) >= 9
    return sources


@pytest.mark.parametrize("name", list(FORBIDDEN))
def test_no_engine_source_reads_the_os_clock_or_sleeps(name):
    pattern = FORBIDDEN[name]
    hits = []
    for path in engine_sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if pattern.search(code if name not in ("from time import", "ui import") else code + "\n"):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert hits == []


def test_the_grep_finds_what_it_looks_for():
    # the check above can fail: each pattern matches the call it forbids
    samples = {
        "datetime.now": "stamp = datetime.now(timezone.utc)",
        "datetime.utcnow": "stamp = datetime.utcnow()",
        "time.time": "t = time.time()",
        "time.sleep": "time.sleep(1)",
        "date.today": "d = date.today()",
        "from time import": "import time\n",
        "ui import": "from textual.app import App\n",
    }
    for name, sample in samples.items():
        assert FORBIDDEN[name].search(sample), name
