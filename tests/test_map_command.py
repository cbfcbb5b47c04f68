"""`rcsim map`: the flow map as text, Mermaid and Graphviz DOT, from the default rules, a policy,
a rule changed, or a simulation file (read-only), in English or German; without Textual."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rcsim.engine import BASE_STATUSES, Simulation
from rcsim.engine.demo import create_demo
from rcsim.tui.cli.map_command import main
from rcsim.tui.flowmap import build_map, edge_label, mermaid_id
from rcsim.tui.words import i18n

ROOT = Path(__file__).resolve().parent.parent
START = "2026-03-02T09:00:00Z"


def rcsim_map(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "sim.json"
    sim = create_demo(path, start=START)
    sim.advance("2d")  # FO-1006's cancellation request runs out: a mutual cancellation
    sim.close()
    return path


@pytest.mark.parametrize("args", [(), ("--policy", "current"),
                                  ("--rule", "cancellation_response_hours=72")])
def test_mermaid_is_a_state_diagram_naming_every_status_and_transition(args) -> None:
    status, text, _ = rcsim_map("--format", "mermaid", "--lang", "en", *args)
    assert status == 0
    assert text.startswith("stateDiagram-v2\n")
    policy = args[1] if args[:1] == ("--policy",) else "seed"
    rules = {"cancellation_response_hours": 72} if "--rule" in args else {}
    flow = build_map(Simulation.create(None, start=START, policy=policy, rules=rules).rules)
    lines = text.splitlines()
    with i18n.using("en"):
        for status_id in BASE_STATUSES:
            assert any(line.strip().startswith("state ") and line.endswith(f" as {status_id}")
                       for line in lines), status_id
        for edge in flow.edges:
            arrow = f"    {mermaid_id(edge.source)} --> {mermaid_id(edge.target)} : "
            label = edge_label(edge).replace(":", " ·")
            assert any(line.startswith(arrow) and label in line for line in lines), (arrow, label)
    # nothing in a label that Mermaid would read as syntax
    for line in lines[1:]:
        if " : " in line:
            label = line.split(" : ", 1)[1]
            assert not set(label) & set(';#{}"<>:'), line
    if rules:
        assert "no answer for 72 h → expired, Cancelled" in text


@pytest.mark.skipif(shutil.which("dot") is None,
                    reason="Graphviz's dot is not installed (.ci/run installs Debian's graphviz)")
@pytest.mark.parametrize("args", [("--lang", "en"), ("--lang", "de", "--policy", "current"),
                                  ("--lang", "de", "--order", "FO-1006")])
def test_dot_renders_with_graphviz(args, demo_file: Path, tmp_path: Path) -> None:
    if "--order" in args:
        args = (*args, "--db", str(demo_file))
    status, text, err = rcsim_map("--format", "dot", *args)
    assert status == 0, err
    result = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr  # no warning either
    assert "<svg" in result.stdout
    for status_id in BASE_STATUSES:
        assert f"<title>{status_id}</title>" in result.stdout


def test_from_a_simulation_file_the_counts_the_position_and_the_path(demo_file: Path) -> None:
    before = demo_file.read_bytes()
    status, text, err = rcsim_map("--db", str(demo_file), "--order", "FO-1006", "--width", "160",
                                  "--lang", "de")
    assert status == 0, err
    assert demo_file.read_bytes() == before
    assert "Diese Simulation: 12 Aufträge  FO-1006 steht hier: Storniert" in text
    assert "Weg von FO-1006" in text
    assert "04.03.2026 09:00  keine Antwort innerhalb der Frist → Storniert" in text
    assert re.search(r"║ 3 Aufträge +║", text)
    # it only read the file: another rcsim may have it open meanwhile
    with Simulation.open(demo_file) as sim:
        status, text, err = rcsim_map("--db", str(demo_file), "--lang", "en", "--width", "80")
        assert status == 0, err
        assert "■ Cancelled  final  3 orders" in text
        assert sim.policy == "seed"


@pytest.mark.parametrize(("args", "message"), [
    (("--order", "FO-1"), "--order needs --db FILE"),
    (("--rule", "no_such_rule=1"), "There is no rule 'no_such_rule' that can be changed by name; "
                                   "these can: update_response_hours"),
    (("--rule", "cancellation_response_hours"), "--rule needs NAME=VALUE"),
    (("--rule", "cancellation_response_hours=0"), "cancellation_response_hours must be"),
])
def test_what_cannot_be_drawn_is_refused_with_a_message_and_status_2(args, message) -> None:
    status, text, err = rcsim_map("--lang", "en", *args)
    assert (status, text) == (2, "")
    assert message in err


def test_a_file_that_is_no_simulation_or_an_unknown_order(tmp_path: Path, demo_file) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    status, _, err = rcsim_map("--db", str(bad), "--lang", "en")
    assert status == 2 and f"cannot read {bad}" in err and "left untouched" in err
    assert bad.read_text(encoding="utf-8") == "{not json"
    status, _, err = rcsim_map("--db", str(demo_file), "--order", "FO-\x1b[2J9", "--lang", "en")
    assert status == 2 and "there is no order FO-␛[2J9" in err
    status, _, err = rcsim_map("--db", str(demo_file), "--policy", "current")
    assert status == 2 and "has its own rules" in err


def test_rcsim_map_runs_without_textual() -> None:
    code = ("import sys, io; from rcsim.tui.cli.main import main; "
            "status = main(['map', '--format', 'dot']); "
            "assert status == 0, status; "
            "assert not [m for m in sys.modules if m.startswith('textual')], 'textual imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("digraph rcsim_flow {")


def test_the_guide_shows_what_rcsim_map_prints_today() -> None:
    """The product managers' guide's example is the map as it is, not a picture that went out
    of date."""
    readme = (ROOT / "docs" / "guide" / "product-managers.md").read_text(encoding="utf-8")
    command = re.search(r"`rcsim map (--width 90 --rule\s+cancellation_response_hours=72)` prints:"
                        r"\n\n```text\n(.*?)```", readme, re.S)
    assert command is not None
    status, text, _ = rcsim_map("--lang", "en", *command.group(1).split())
    assert status == 0 and text == command.group(2)
