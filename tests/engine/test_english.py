"""A refusal prints itself in plain English for the Python API, from the engine's own table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rcsim.engine import Refusal, Simulation
from rcsim.engine.english import REFUSALS, refusal_message

ENGINE = Path(__file__).resolve().parents[2] / "engine"


def test_every_refusal_code_the_engine_raises_has_an_english_sentence() -> None:
    codes = set()
    for path in ENGINE.rglob("*.py"):
        codes |= set(re.findall(r'Refusal\(\s*"(\w+)"', path.read_text(encoding="utf-8")))
    assert len(codes) > 20
    assert codes <= set(REFUSALS)


def test_the_message_names_identifiers_as_they_are() -> None:
    sim = Simulation.create(start="2026-03-02T09:00:00Z")
    sim.add_order("FO-1", "Logo", 120, 3)
    sim.act("buyer", "ask_to_cancel", "FO-1", comment="Dropped.")
    with pytest.raises(Refusal) as caught:
        sim.act("freelancer", "withdraw", "FO-1")
    assert caught.value.message == "Only the requester (buyer) can withdraw request R-1."
    with pytest.raises(Refusal) as caught:
        sim.act("freelancer", "request_update", "FO-1")
    assert caught.value.message == "The action 'request_update' may be taken by: buyer."
    with pytest.raises(Refusal) as caught:
        sim.act("buyer", "accept_delivery", "FO-1")
    assert caught.value.message == ("The action 'accept_delivery' is not possible while the "
                                    "order is in_progress; it must be delivered.")


def test_a_code_without_a_sentence_or_a_missing_parameter_still_says_something() -> None:
    assert refusal_message("no_such_code", {"x": 1}) == "no_such_code {'x': 1}"
    assert refusal_message("unknown_order", {}) == "unknown_order {}"
    assert refusal_message("wrong_party", {"action": "accept", "allowed": ()}) == (
        "The action 'accept' may be taken by: nobody.")
