"""A simulation's starting point (issue 21, item 4): the demo's or a scenario's set-up is no step to
take back. The engine keeps where it ends (`Simulation.baseline`, stored with the simulation);
undo and rewind stop there and say so; the set-up steps are still in the history; a file
written before there was a baseline opens as before (baseline 0, every step can be taken back)."""

from __future__ import annotations

import json

import pytest

from rcsim.engine import Refusal, Simulation
from rcsim.engine.demo import create_demo
from rcsim.engine.scenario import Player, load

from .conftest import START
from .layouts import resealed

DEMO_STEPS = 9  # the demo's orders, then its eight actions


def test_the_demo_is_its_own_starting_point_and_undo_says_so() -> None:
    sim = create_demo(None, start=START)
    assert sim.baseline == sim.step_count == DEMO_STEPS
    before = sim.snapshot()
    with pytest.raises(Refusal) as caught:
        sim.undo()
    assert caught.value.code == "at_start" and caught.value.params == {"steps": DEMO_STEPS}
    assert "starting point" in caught.value.message
    assert sim.snapshot() == before and sim.step_count == DEMO_STEPS
    for party in ("buyer", "freelancer"):  # a party's window stops there too
        with pytest.raises(Refusal) as caught:
            sim.undo(by=party)
        assert caught.value.code == "at_start"
    sim.advance("1h")
    sim.undo()  # what was done after the start is taken back as always
    with pytest.raises(Refusal):
        sim.undo()
    assert sim.snapshot() == before
    assert len(sim.history()) == DEMO_STEPS + 1, "the set-up steps stay in the history"


def test_rewinding_into_the_set_up_is_refused_and_changes_nothing() -> None:
    sim = create_demo(None, start=START)
    sim.advance("1d")
    before = sim.snapshot()
    for step in (0, 1, DEMO_STEPS - 1):
        with pytest.raises(Refusal) as caught:
            sim.rewind(step)
        assert caught.value.code == "before_start"
        assert caught.value.params == {"step": step, "steps": DEMO_STEPS}
        assert sim.snapshot() == before
    sim.rewind(DEMO_STEPS)  # the starting point itself
    assert sim.step_count == DEMO_STEPS and sim.redo_count == 1


def test_the_starting_point_is_kept_in_the_file(tmp_path) -> None:
    path = tmp_path / "class.json"
    create_demo(path, start=START).close()
    with Simulation.open(path) as sim:
        assert sim.baseline == DEMO_STEPS
        sim.advance("2h")
        sim.compact()  # written whole again: still there
    with Simulation.open(path) as sim:
        assert sim.baseline == DEMO_STEPS
        with pytest.raises(Refusal):
            sim.rewind(3)
        # A branch keeps the starting point; one from inside the set-up starts where it was cut.
        whole = sim.branch(DEMO_STEPS + 1, tmp_path / "whole.json")
        part = sim.branch(4, tmp_path / "part.json")
    with Simulation.open(whole) as sim:
        assert sim.baseline == DEMO_STEPS
    with Simulation.open(part) as sim:
        assert sim.baseline == 4 and sim.step_count == 4


def test_a_file_written_before_there_was_a_starting_point_opens_as_before(tmp_path) -> None:
    path = tmp_path / "old.json"
    create_demo(path, start=START).close()
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = json.loads(lines[0])
    assert first["meta"]["1"].pop("baseline") == DEMO_STEPS
    path.write_bytes(resealed((json.dumps(first) + "\n" + "".join(lines[1:])).encode()))
    with Simulation.open(path) as sim:
        assert sim.baseline == 0
        sim.undo()  # as before: every step can be taken back
        assert sim.step_count == DEMO_STEPS - 1


@pytest.mark.parametrize("bad", [-1, "9", 1.5, True])
def test_a_starting_point_that_is_not_a_whole_number_is_refused(tmp_path, bad) -> None:
    from rcsim.engine import SimulationFileError

    path = tmp_path / "bad.json"
    create_demo(path, start=START).close()
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = json.loads(lines[0])
    first["meta"]["1"]["baseline"] = bad
    path.write_bytes(resealed((json.dumps(first) + "\n" + "".join(lines[1:])).encode()))
    before = path.read_bytes()
    with pytest.raises(SimulationFileError) as caught:
        Simulation.open(path)
    assert "baseline" in str(caught.value.params)
    assert path.read_bytes() == before


def test_a_scenarios_orders_are_its_starting_point() -> None:
    from pathlib import Path

    story = Path(__file__).resolve().parents[2] / "data" / "scenarios" / \
        "buyer_cancel_timeout_mutual.toml"
    player = Player(load(story))
    sim = player.simulation
    assert sim.baseline == player.setup_steps == 1
    with pytest.raises(Refusal) as caught:
        sim.undo()
    assert caught.value.code == "at_start"


def test_a_simulation_made_step_by_step_has_its_starting_point_where_it_is_set() -> None:
    sim = Simulation.create(None, start=START)
    assert sim.baseline == 0
    sim.add_order("A", "Logo", 100, 3)
    sim.set_baseline()
    assert sim.baseline == 1
    sim.act("buyer", "request_update", "A")
    sim.undo()
    with pytest.raises(Refusal):
        sim.undo()
