"""Rule overrides stay inside RULES.md Part 1: numbers in their documented ranges, and no override
may give one party an action of the other ("the buyer can never act as the freelancer")."""

from __future__ import annotations

import copy

import pytest

from rcsim.engine import Refusal, Simulation
from rcsim.engine.rules import ACTION_PARTIES, load_policies

from .conftest import START


def refusal_of(rules: dict) -> Refusal:
    with pytest.raises(Refusal) as caught:
        Simulation.create(None, start=START, rules=rules)
    assert caught.value.code == "bad_rules"
    return caught.value


def seed_actions() -> dict:
    return copy.deepcopy(load_policies()["seed"]["actions"])


def test_very_late_hours_is_at_least_one_as_the_readme_says() -> None:
    refusal = refusal_of({"very_late_hours": 0})
    assert "very_late_hours must be a whole number from 1 to 87600, not 0" in refusal.message
    assert Simulation.create(None, start=START, rules={"very_late_hours": 1}).rules.data[
        "very_late_hours"] == 1


@pytest.mark.parametrize("action, given, taken_from", [
    ("deliver", "buyer", "freelancer"),               # the buyer delivering their own order
    ("submit_requirements", "freelancer", "buyer"),
    ("accept_delivery", "freelancer", "buyer"),
    ("request_revision", "freelancer", "buyer"),
    ("cancel_order", "freelancer", "buyer"),
    ("request_update", "freelancer", "buyer"),
    ("request_extension", "buyer", "freelancer"),
])
def test_an_override_may_not_give_an_action_to_the_other_party(action: str, given: str,
                                                               taken_from: str) -> None:
    actions = seed_actions()
    actions[action][given] = actions[action][taken_from]
    refusal = refusal_of({"actions": actions})
    assert f"actions.{action}.{given}" in refusal.message
    assert "the buyer can never act as the freelancer" in refusal.message


@pytest.mark.parametrize("action, role", [
    ("accept", "requester"),          # accepting one's own request
    ("decline", "requester"),
    ("respond_update", "requester"),  # the buyer answering their own update request
    ("withdraw", "responder"),        # withdrawing the other party's request
])
def test_an_answer_keeps_its_role(action: str, role: str) -> None:
    actions = seed_actions()
    actions[action] = {role: {"fields": {}}}
    refusal = refusal_of({"actions": actions})
    assert f"actions.{action}.{role}" in refusal.message


def test_an_override_may_take_an_action_away_from_one_party() -> None:
    # "What if only the buyer could ask to cancel?" stays inside Part 1: nobody gains an action.
    actions = seed_actions()
    del actions["ask_to_cancel"]["freelancer"]
    sim = Simulation.create(None, start=START, rules={"actions": actions})
    sim.add_order("A", "Logo", 10, 3)
    assert "ask_to_cancel" not in sim.allowed("freelancer", "A")


def test_every_policy_gives_each_action_to_its_own_parties() -> None:
    for policy in load_policies().values():
        for action, by_role in policy["actions"].items():
            assert set(by_role) <= set(ACTION_PARTIES[action])
    assert ACTION_PARTIES["ask_to_cancel"] == ("buyer", "freelancer")
    assert ACTION_PARTIES["accept"] == ("responder",)
    assert ACTION_PARTIES["withdraw"] == ("requester",)


def test_an_action_or_request_that_is_not_a_table_is_refused_not_crashed_on() -> None:
    actions = seed_actions()
    actions["deliver"]["freelancer"] = 1
    assert "actions.deliver.freelancer must be a table" in refusal_of({"actions": actions}).message
    requests = copy.deepcopy(load_policies()["seed"]["requests"])
    requests["extension"] = ["accept"]
    assert "requests.extension must be a table" in refusal_of({"requests": requests}).message
    actions = seed_actions()
    actions["deliver"]["freelancer"]["while"] = [["in_progress"]]  # a list is not a status
    assert "actions.deliver.freelancer.while must be a list" in refusal_of({"actions": actions}).message
    requests = copy.deepcopy(load_policies()["seed"]["requests"])
    requests["extension"]["answers"] = [{"accept": True}]
    assert "requests.extension.answers must be a list" in refusal_of({"requests": requests}).message
