"""A rule changed by name, mid-simulation: a step of the journal (kind "rules"), checked like any
override, replayed exactly, applying from then on; a deadline already running keeps its instant."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rcsim.engine import Refusal, Simulation, SimulationFileError
from rcsim.engine.rules import (
    ADJUSTABLE,
    NUMBERS,
    policy_rules,
    rule_spec,
    rule_value,
    with_changes,
)
from rcsim.engine.storage import encode

from .conftest import START, at


def test_every_number_rule_and_the_extension_timeout_can_be_changed_by_name() -> None:
    assert set(ADJUSTABLE) == {*NUMBERS, "extension_timeout"}
    seed = [k for k in policy_rules("seed") if k in ADJUSTABLE]
    assert list(ADJUSTABLE) == seed  # in the rules data's order
    assert rule_spec("cancellation_response_hours").unit == "hours"
    assert (rule_spec("extension_days_max").low, rule_spec("extension_days_max").high) == (1, 3650)
    assert rule_spec("extension_timeout").choices == ("expire", "accept")


@pytest.mark.parametrize("name, value, code", [
    ("cancelation_response_hours", 72, "unknown_rule"),
    ("reasons", 1, "unknown_rule"),  # a list: changed in a scenario file's [rules], not by name
    ("policy", "current", "unknown_rule"),
    ("cancellation_response_hours", 0, "rule_range"),
    ("cancellation_response_hours", 87_601, "rule_range"),
    ("cancellation_response_hours", True, "rule_range"),
    ("cancellation_response_hours", "72", "rule_range"),
    ("cancellation_response_hours", 72.5, "rule_range"),
    ("extension_timeout", "never", "rule_choice"),
])
def test_a_name_or_value_the_rules_cannot_take_is_refused_saying_what_they_can(name, value,
                                                                            code) -> None:
    with pytest.raises(Refusal) as caught:
        rule_value(name, value)
    assert caught.value.code == code
    if code == "unknown_rule":  # one code; the name it probably meant is a parameter
        suggestion = "cancellation_response_hours" if name.startswith("cancel") else None
        assert caught.value.params["suggestion"] == suggestion
        assert ("did you mean cancellation_response_hours?" in caught.value.message) == (
            suggestion is not None)
    if code == "rule_range":
        assert "from 1 to 87600" in caught.value.message


def test_the_fewest_extension_days_may_not_pass_the_most() -> None:
    with pytest.raises(Refusal) as caught:
        with_changes(policy_rules("seed"), {"extension_days_min": 30})
    assert caught.value.code == "rule_order"
    assert with_changes(policy_rules("seed"), {"extension_days_min": 30,
                                              "extension_days_max": 40})["extension_days_min"] == 30


def test_a_change_applies_from_then_on_and_a_running_deadline_keeps_its_instant(make_sim) -> None:
    sim = make_sim(A="in_progress", B="in_progress")
    sim.act("buyer", "ask_to_cancel", "A", comment="Before the change.")
    sim.change_rules({"cancellation_response_hours": 72})
    assert sim.rules.data["cancellation_response_hours"] == 72
    sim.act("buyer", "ask_to_cancel", "B", comment="After the change.")
    assert [(d.order, d.at) for d in sim.deadlines()] == [("A", at(48)), ("B", at(72))]
    sim.advance("48h")
    assert sim.order_view("A").cancellation["kind"] == "mutual"
    assert sim.order_view("B").status == "in_progress"
    sim.advance("24h")
    assert sim.order_view("B").cancellation["kind"] == "mutual"


def test_very_late_is_counted_with_the_new_value_at_once(make_sim) -> None:
    sim = make_sim(A="in_progress")  # due 3 days after the start
    sim.advance("4d")  # 24 h past the due date: very late
    assert sim.order_view("A").very_late
    sim.change_rules({"very_late_hours": 48})
    assert not sim.order_view("A").very_late
    assert "cancel_order" not in sim.allowed("buyer", "A")


def test_a_change_is_a_step_that_replays_exactly(make_sim, tmp_path: Path) -> None:
    sim = make_sim(A="in_progress")
    steps = sim.step_count
    sim.change_rules({"cancellation_response_hours": 72, "extension_timeout": "accept"})
    assert sim.step_count == steps + 1
    entry = sim.journal(steps)[0]
    assert entry.kind == "rules"
    assert dict(entry.record) == {"kind": "rules", "at": START,
                                  "set": {"cancellation_response_hours": 72,
                                          "extension_timeout": "accept"}}
    # the state before the step has the old rules: what undo (issue 11) goes back to
    assert sim._state_at(steps).rules.data["cancellation_response_hours"] == 48
    assert sim._state_at(steps + 1).rules.data == sim.rules.data
    sim.act("buyer", "ask_to_cancel", "A", comment="Now 72 hours.")
    snapshot, path = sim.snapshot(), sim.path
    sim.close()
    with Simulation.open(path) as again:  # replayed from the file's checkpoint
        assert again.snapshot() == snapshot
        again.compact()
    with Simulation.open(path) as compacted:  # the checkpoint holds the changed rules
        assert compacted.snapshot() == snapshot
        assert compacted.rules.data["extension_timeout"] == "accept"
    # a recorded rules step replays on another simulation like any step
    other = Simulation.create(None, start=START)
    other.replay(entry.record)
    assert other.rules.data["cancellation_response_hours"] == 72


def test_a_refused_change_changes_nothing_in_memory_or_on_disk(make_sim) -> None:
    sim = make_sim(A="in_progress")
    before, raw, steps = sim.snapshot(), sim.path.read_bytes(), sim.step_count
    for changes in ({"cancellation_response_hours": 72, "very_late_hours": 0},
                    {"extension_days_min": 40}, {"nothing": 1}):
        with pytest.raises(Refusal):
            sim.change_rules(changes)
    assert sim.snapshot() == before and sim.path.read_bytes() == raw and sim.step_count == steps


def test_a_value_the_rules_already_have_makes_no_step(make_sim) -> None:
    sim = make_sim(A="in_progress")
    steps = sim.step_count
    sim.change_rules({"cancellation_response_hours": 48})
    sim.change_rules({})
    assert sim.step_count == steps


def test_narrowing_a_rule_under_a_request_or_countdown_keeps_the_file_readable(make_sim) -> None:
    """An extension of 20 days opened before the most days are lowered to 10, and a delivery
    whose paused auto-complete has 72 hours left when the rule is shortened to 24: the file,
    compacted, still opens (the checks allow what the rules allowed when it happened)."""
    sim = make_sim(A="in_progress", B="in_progress")
    sim.act("freelancer", "request_extension", "A", days=20)
    sim.act("freelancer", "deliver", "B")
    sim.act("buyer", "ask_to_cancel", "B", comment="Pausing the auto-complete.")
    sim.change_rules({"extension_days_max": 10, "auto_complete_hours": 24})
    sim.compact()
    snapshot, path = sim.snapshot(), sim.path
    sim.close()
    with Simulation.open(path) as again:
        assert again.snapshot() == snapshot
        again.act("buyer", "accept", "A")  # the open request is answered as it was asked
        assert again.order_view("A").due == at(days=23)
        again.act("freelancer", "decline", "B")
        assert again.order_view("B").auto_complete_at == at(72)  # the time it had left


def test_a_rules_step_that_is_not_a_table_or_not_allowed_is_a_damaged_file(make_sim) -> None:
    sim = make_sim(A="in_progress")
    sim.change_rules({"cancellation_response_hours": 72})
    path = sim.path
    sim.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    for bad, code in (([1, 2], "field_type"), ({"cancellation_response_hours": 0}, "step_refused")):
        last = json.loads(lines[-1])
        (number, record), = last["steps"].items()
        record["set"] = bad
        path.write_bytes(("\n".join(lines[:-1]) + "\n").encode()  # with its checksum
                         + encode({"steps": {number: record}}))
        with pytest.raises(SimulationFileError) as caught:
            Simulation.open(path)
        assert caught.value.code == code


def test_a_misspelt_rule_name_says_the_name_it_probably_meant_in_both_languages() -> None:
    from rcsim.tui.words.i18n import refusal_text

    with pytest.raises(Refusal) as caught:
        rule_value("very_late_hour", 48)
    assert caught.value.code == "unknown_rule"
    assert caught.value.params["suggestion"] == "very_late_hours"
    assert "(did you mean very_late_hours?)" in refusal_text(caught.value, "en")
    assert "(meintest du very_late_hours?)" in refusal_text(caught.value, "de")
    with pytest.raises(Refusal) as caught:
        rule_value("policy", "current")
    assert "did you mean" not in refusal_text(caught.value, "en")
    assert "meintest du" not in refusal_text(caught.value, "de")
