"""One error hierarchy: every error rcsim raises on purpose derives from RcsimError; a refusal is
the rules saying no, an input rcsim cannot take is an InputError."""

from __future__ import annotations

import pytest

from rcsim.engine import InputError, RcsimError, Refusal, Simulation, SimulationFileError
from rcsim.engine.recording import RecordingError
from rcsim.engine.scenario import ScenarioError, loads
from rcsim.engine.timeutil import parse_duration, parse_iso

START = "2026-03-02T09:00:00Z"


def test_every_error_of_rcsim_derives_from_one_base() -> None:
    for kind in (Refusal, InputError, SimulationFileError, ScenarioError, RecordingError):
        assert issubclass(kind, RcsimError), kind


@pytest.mark.parametrize("cause, code", [
    (lambda: parse_iso("soon"), "bad_instant"),
    (lambda: parse_duration("a while"), "bad_duration"),
    (lambda: Simulation.create(None, start=START, rules={"cancellation_response_hours": 0}),
     "bad_rules"),
    (lambda: Simulation.create(None, start=START).add_order("A", "", 10, 1), "invalid_order"),
])
def test_configuration_and_parse_errors_are_input_errors(cause, code) -> None:
    with pytest.raises(InputError) as caught:
        cause()
    assert caught.value.code == code


def test_the_rules_saying_no_is_a_refusal_not_an_input_error() -> None:
    sim = Simulation.create(None, start=START)
    sim.add_order("A", "Logo", 10, 2)
    with pytest.raises(Refusal) as caught:
        sim.act("buyer", "withdraw", "A")
    assert caught.value.code == "no_open_request" and not isinstance(caught.value, InputError)


def test_a_scenario_error_is_an_rcsim_error() -> None:
    with pytest.raises(RcsimError):
        loads("title = 1")
