"""The engine is pure: no UI toolkit, no text catalogue and no tui in its imports, no OS clock and
no sleeping in its source; and the presentation modules of `rcsim run` load no UI toolkit."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"
UI_PACKAGES = ("textual", "rich")
CATALOGUE = ROOT / "data" / "i18n"

PROBE = """
import json, sys
import rcsim.engine.demo, rcsim.engine.storage, rcsim.engine.simfile
import rcsim.engine.service, rcsim.engine.views, rcsim.engine.core
from rcsim import engine
sim = engine.demo.create_demo(None, start="2026-03-02T09:00:00Z")
sim.advance("30d")
print(json.dumps(sorted(sys.modules)))
"""


def test_importing_and_running_the_engine_loads_no_ui_toolkit():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    modules = json.loads(result.stdout)
    assert "rcsim.engine.demo" in modules and "tinydb" in modules  # the probe really ran the engine
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
    "tui import": re.compile(r"^\s*(from|import)\s+(rcsim\.)?tui\b", re.M),
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
            if pattern.search(code if name not in ("from time import", "ui import", "tui import")
                              else code + "\n"):
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
        "tui import": "from tui.i18n import t\n",
    }
    for name, sample in samples.items():
        assert FORBIDDEN[name].search(sample), name


def _imports_and_strings(path: Path) -> tuple[set[str], list[str]]:
    """The modules a source imports (relative ones as written, e.g. ".i18n") and its string
    constants other than docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    modules: set[str] = set()
    strings: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            modules |= {base} | {f"{base}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings:
            strings.append(node.value)
    return modules, strings


def _top(module: str) -> str:
    """A module's package: "tui" for rcsim.tui.words.report (and for a relative ..tui), else its first name."""
    parts = module.lstrip(".").split(".")
    return parts[1] if parts[0] == "rcsim" and len(parts) > 1 else parts[0]


def test_no_engine_module_imports_a_text_catalogue_or_the_app() -> None:
    hits = []
    for path in engine_sources():
        modules, strings = _imports_and_strings(path)
        hits += [f"{path.relative_to(ROOT)}: imports {m}" for m in sorted(modules)
                 if "i18n" in m or _top(m) in ("tui", *UI_PACKAGES)]
        hits += [f"{path.relative_to(ROOT)}: names {s!r}" for s in strings if "i18n" in s]
    assert hits == []


def test_the_catalogue_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""Names data/i18n in its docstring only."""\nfrom .i18n import t\n'
                      'import tui.report\nPATH = "data/i18n"\n', encoding="utf-8")
    modules, strings = _imports_and_strings(sample)
    assert {".i18n", "tui.report"} <= modules and strings == ["data/i18n"]


# Everything the engine does, in one process that records every file it opens.
ENGINE_AT_WORK = """
import io, json, sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
import rcsim.engine.demo, rcsim.engine.english, rcsim.engine.recording, rcsim.engine.scenario
from rcsim import engine
from rcsim.engine import Refusal, Simulation
sim = engine.demo.create_demo(None, start="2026-03-02T09:00:00Z")
sim.advance("30d")
try:
    sim.act("freelancer", "withdraw", "FO-1001")
except Refusal as refusal:
    assert refusal.message
for path in sorted(engine.scenario.steps.Path(sys.argv[1]).glob("*.toml")):
    assert engine.scenario.play(engine.scenario.load(path)).passed, path
try:
    engine.scenario.loads('title = "x"\\nstart = "soon"\\norders = []\\nsteps = []\\n')
except engine.scenario.ScenarioError as error:
    assert str(error)
recording = engine.recording.write(engine.recording.plan(sim), title="t", head=["a comment"])
assert engine.scenario.loads(recording.text).title == "t"
print(json.dumps({"opened": opened, "modules": sorted(sys.modules)}))
"""


def test_the_engine_at_work_opens_no_text_catalogue_and_loads_no_ui() -> None:
    result = subprocess.run([sys.executable, "-c", ENGINE_AT_WORK, str(ROOT / "data" / "scenarios")],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    seen = json.loads(result.stdout)
    assert any(p.endswith("rules.json") for p in seen["opened"])  # the hook sees the opens
    catalogue = [p for p in seen["opened"] if Path(p).resolve().is_relative_to(CATALOGUE)]
    assert catalogue == []
    leaked = [m for m in seen["modules"] if _top(m) in (*UI_PACKAGES, "tui")]
    assert leaked == []


# The presentation that `rcsim run` needs: it starts fast and works without a display.
RUNNER_AT_WORK = """
import io, json, sys
from rcsim.tui.cli import run
from rcsim.tui.words import describe, i18n, recording, report, safetext
from rcsim.engine.demo import create_demo
out, err = io.StringIO(), io.StringIO()
assert run.main([sys.argv[1], "--lang", "de"], stdout=out, stderr=err) == 0, err.getvalue()
assert run.main([sys.argv[1], "--json"], stdout=out, stderr=err) == 0, err.getvalue()
sim = create_demo(None, start="2026-03-02T09:00:00Z")
sim.advance("3d")
assert recording.record(sim).text
print(json.dumps(sorted(sys.modules)))
"""


def test_the_scenario_runner_and_its_words_load_no_ui_toolkit() -> None:
    result = subprocess.run([sys.executable, "-c", RUNNER_AT_WORK,
                             str(ROOT / "data" / "scenarios" / "extension_accepted.toml")],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    modules = json.loads(result.stdout)
    assert "rcsim.tui.words.report" in modules and "rcsim.tui.cli.run" in modules  # the probe really ran the runner
    assert [m for m in modules if m.split(".")[0] in UI_PACKAGES] == []
