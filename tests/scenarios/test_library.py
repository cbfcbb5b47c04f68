"""The scenario library in data/scenarios: every file plays and every expectation holds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rcsim.engine.scenario import (
    ActionStep,
    AdvanceStep,
    ExpectStep,
    UndoStep,
    UntilStep,
    load,
    play,
)
from rcsim.tui.cli.run import main

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted((ROOT / "data" / "scenarios").glob("*.toml"))


def test_the_library_is_there() -> None:
    assert len(LIBRARY) >= 20


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_each_scenario_passes(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["run", str(path)])
    out, err = capsys.readouterr()
    assert status == 0, out + err
    assert "PASS" in out and "FAIL" not in out


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_each_scenario_is_presentable(path: Path) -> None:
    """Trainers present these: each has a description and checks something."""
    scenario = load(path)
    assert scenario.description and scenario.description.strip()
    assert any(isinstance(s, ExpectStep) for s in scenario.steps)


def test_the_library_covers_the_rules() -> None:
    """Both policies, rule overrides, every action and refusals all appear somewhere."""
    scenarios = [load(p) for p in LIBRARY]
    steps = [s for sc in scenarios for s in sc.steps]
    assert {sc.policy for sc in scenarios} == {"seed", "current"}
    overridden = {name for sc in scenarios for name in sc.rules}
    assert {"cancellation_response_hours", "very_late_hours", "comment_max_chars"} <= overridden
    actions = {s.action for s in steps if isinstance(s, ActionStep) and not s.fails}
    assert actions == {"submit_requirements", "deliver", "accept_delivery", "request_revision",
                       "cancel_order", "request_update", "ask_to_cancel", "request_extension",
                       "respond_update", "accept", "decline", "withdraw"}
    refused = {r.refusal.code for sc in scenarios for r in play(sc).results
               if r.refusal is not None and r.passed}
    assert {"wrong_party", "wrong_status", "request_open", "request_blocks", "not_requester",
            "not_responder", "wrong_answer", "no_open_request", "field_required", "field_blank",
            "comment_too_long", "unknown_reason", "field_range", "order_final",
            "direct_cancel_not_allowed"} <= refused
    assert any(isinstance(s, AdvanceStep) and s.seconds is None for s in steps)
    assert any(isinstance(s, UntilStep) for s in steps)
    assert {s.count for s in steps if isinstance(s, UndoStep)} >= {1, 2}  # "as before, but ..."
    expected_now = {v for s in steps if isinstance(s, ExpectStep) for k, v in s.checks if k == "now"}
    assert expected_now


def test_the_whole_library_in_a_subprocess() -> None:
    """`python -m rcsim.tui.cli.run FILE...` is the runner, with its exit status."""
    done = subprocess.run(
        [sys.executable, "-m", "rcsim.tui.cli.run", *map(str, LIBRARY)], cwd=ROOT,
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert f"{len(LIBRARY)} scenarios: {len(LIBRARY)} passed, 0 failed" in done.stdout


def test_json_for_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    status = main([str(p) for p in LIBRARY] + ["--json"])
    out = capsys.readouterr().out
    documents = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert [d["file"] for d in documents] == [str(p) for p in LIBRARY]
    assert all(d["passed"] and d["failed_steps"] == [] for d in documents)
