"""The simulation is a journal of steps: replaying the first k steps gives exactly the state after
step k, for every k, on a fresh simulation, from the file's checkpoints, and after reopening."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from rcsim.engine import ACTIONS, Refusal, Simulation
from rcsim.engine.viewing import snapshot_of

from ..conftest import THOROUGH
from .conftest import START

PARTIES = ("buyer", "freelancer")
STATUSES = ("incomplete", "in_progress", "delivered")
# Field values, valid and invalid (so that some actions are refused), None: left out.
FIELDS: dict[str, list[Any]] = {
    "comment": [None, "ok", "", "x" * 2501],
    "reason": [None, "other", "late", "buyer_unresponsive", "no_longer_needed", "?"],
    "days": [None, 1, 2, 0, 1.5],
    "extra_price": [None, 0, 5, 12.25, -1],
    "extra_description": [None, "More pages", ""],
}
GOOD = {"comment": "fine", "days": 2, "extra_price": 7.5, "extra_description": "More"}

orders_op = st.tuples(st.just("orders"), st.lists(st.sampled_from(STATUSES), min_size=1, max_size=3),
                      st.integers(1, 4), st.sampled_from([None, -30, 5]))
act_op = st.tuples(st.just("act"), st.sampled_from(PARTIES), st.integers(0, 50), st.integers(0, 50),
                   st.sampled_from([True, True, True, False]),  # mostly allowed ones
                   st.fixed_dictionaries({k: st.sampled_from(v) for k, v in FIELDS.items()}))
clock_op = st.tuples(st.just("clock"), st.one_of(st.integers(-120, 6 * 24 * 60),
                                                 st.sampled_from([0, 47 * 60, 48 * 60, 96 * 60])))
next_op = st.tuples(st.just("next"))
compact_op = st.tuples(st.just("compact"))
journals = st.tuples(orders_op, st.lists(
    st.one_of(orders_op, act_op, act_op, act_op, act_op, clock_op, next_op, compact_op),
    min_size=10, max_size=50)).map(lambda first_and_rest: [first_and_rest[0], *first_and_rest[1]])
settings_ = settings(max_examples=100 if THOROUGH else 25, deadline=None, derandomize=True, database=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def take(sim: Simulation, op: tuple, count: list[int]) -> None:
    """One random call: a step, a refused one, or a compaction (no step)."""
    kind = op[0]
    orders = sim.order_ids()
    try:
        if kind == "orders":
            _, statuses, days, due_hours = op
            specs = []
            for status in statuses:
                count[0] += 1
                spec: dict[str, Any] = {"id": f"O{count[0]}", "title": "Work", "price": 40 + count[0] / 4,
                                        "delivery_days": days, "status": status}
                if due_hours is not None and status != "incomplete":
                    spec["due"] = sim.now + due_hours * 3600 * __import__("datetime").timedelta(seconds=1)
                specs.append(spec)
            sim.add_orders(specs)
        elif kind == "act":
            _, party, order_pick, action_pick, allowed_only, fields = op
            if not orders:
                return
            order = orders[order_pick % len(orders)]
            allowed = sim.allowed(party, order)
            if allowed_only and allowed:
                action = allowed[action_pick % len(allowed)]
                options = {o.action: o for o in sim.options(party, order)}
                fields = {}
                for field in options[action].fields:
                    if field.name == "reason":
                        fields["reason"] = field.choices[action_pick % len(field.choices)]
                    elif field.required or action_pick % 2:
                        fields[field.name] = GOOD[field.name]
            else:
                action = ACTIONS[action_pick % len(ACTIONS)]
                fields = {k: v for k, v in fields.items() if v is not None}
            sim.act(party, action, order, **fields)
        elif kind == "clock":
            sim.advance(op[1] * 60)
        elif kind == "next":
            sim.advance_to_next_deadline()
        else:
            sim.compact()
    except Refusal:
        pass


@given(journal=journals, policy=st.sampled_from(["seed", "current"]))
@settings_
def test_replaying_the_first_k_steps_gives_the_state_after_step_k_for_every_k(journal, policy):
    with tempfile.TemporaryDirectory(prefix="rcsim-journal-") as folder:
        path = Path(folder) / "sim.json"
        sim = Simulation.create(path, start=START, policy=policy)
        states = {0: sim.snapshot()}  # step -> the state just after it
        count = [0]
        for op in journal:
            before = sim.step_count
            take(sim, op, count)
            assert sim.step_count in (before, before + 1)  # a step, or nothing (refused)
            states[sim.step_count] = sim.snapshot()
        entries = sim.journal()
        assert [e.number for e in entries] == list(range(1, sim.step_count + 1))
        for k, expected in states.items():
            # on a fresh simulation, step by step through the public API ...
            fresh = Simulation.create(None, start=START, policy=policy)
            for entry in entries[:k]:
                fresh.replay(entry.record)
            assert fresh.snapshot() == expected, k
            assert [e.record for e in fresh.journal()] == [e.record for e in entries[:k]]
            # ... and from the journal's own starting points (the origin or a checkpoint)
            assert snapshot_of(sim._state_at(k)) == expected, k
        sim.close()
        with Simulation.open(path) as again:  # reopening gives the state in memory, and its past
            assert again.snapshot() == states[sim.step_count]
            assert [e.record for e in again.journal()] == [e.record for e in entries]
            for k, expected in states.items():
                assert snapshot_of(again._state_at(k)) == expected, k
        with Simulation.open(path, read_only=True) as look:
            assert look.snapshot() == states[sim.step_count]


@given(journal=journals)
@settings_
def test_a_memory_simulation_keeps_the_same_journal_as_a_file_one(journal):
    with tempfile.TemporaryDirectory(prefix="rcsim-journal-") as folder:
        on_file = Simulation.create(Path(folder) / "sim.json", start=START)
        in_memory = Simulation.create(None, start=START)
        for op in journal:
            take(on_file, op, [len(on_file.order_ids())])
            take(in_memory, op, [len(in_memory.order_ids())])
        assert in_memory.snapshot() == on_file.snapshot()
        assert [e.record for e in in_memory.journal()] == [e.record for e in on_file.journal()]
        saved = in_memory.save_as(Path(folder) / "saved.json")  # the whole journal goes along
        saved.close()
        on_file.close()
        with Simulation.open(Path(folder) / "saved.json") as again:
            assert again.snapshot() == on_file.snapshot()
            assert [e.record for e in again.journal()] == [e.record for e in on_file.journal()]


@given(journal=journals, party=st.sampled_from(PARTIES), action=st.sampled_from(ACTIONS),
       pick=st.integers(0, 50), fields=st.fixed_dictionaries({k: st.sampled_from(v) for k, v in FIELDS.items()}),
       request=st.sampled_from([None, "R-1", "R-2", 7]))
@settings_
def test_any_refused_action_leaves_the_state_exactly_as_it_was(journal, party, action, pick, fields,
                                                               request):
    """The engine's promise that the scenario runner relies on (it no longer compares the whole
    state around each refused action): a refusal changes nothing, not even a counter."""
    sim = Simulation.create(None, start=START)
    count = [0]
    for op in journal:
        take(sim, op, count)
    orders = sim.order_ids()
    order = orders[pick % len(orders)] if orders and pick < 45 else "NO-SUCH-ORDER"
    given_fields = {k: v for k, v in fields.items() if v is not None}
    if request is not None:
        given_fields["request"] = request
    before, steps, deadline = sim.snapshot(), sim.step_count, sim.next_deadline()
    try:
        sim.act(party, action, order, **given_fields)
    except Refusal as refusal:
        assert refusal.message
        assert sim.snapshot() == before and sim.step_count == steps
        assert sim.next_deadline() == deadline


def test_a_recorded_step_that_does_not_apply_here_is_refused_and_changes_nothing(tmp_path):
    sim = Simulation.create(tmp_path / "sim.json", start=START)
    sim.add_order("A", "Logo", 120, 3)
    sim.act("buyer", "ask_to_cancel", "A", comment="Sorry")
    other = Simulation.create(None, start=START)
    before = other.snapshot()
    with pytest.raises(Refusal) as caught:  # no order A here
        other.replay(sim.journal()[1].record)
    assert caught.value.code == "unknown_order"
    other.advance("1h")
    with pytest.raises(Refusal) as caught:  # taken at another time
        other.replay(sim.journal()[0].record)
    assert caught.value.code == "bad_step" and "2026-03-02T09:00:00Z" in caught.value.message
    for junk in ({"kind": "undo", "at": "2026-03-02T10:00:00Z"}, {"kind": "act"}, {}):
        with pytest.raises(Refusal) as caught:
            other.replay(junk)
        assert caught.value.code == "bad_step"
    assert other.step_count == 1 and other.snapshot()["orders"] == before["orders"]
    sim.close()
