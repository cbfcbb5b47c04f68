"""Views: what a reader may skip re-reading after an action (the TUI re-reads only what changed)."""

from __future__ import annotations

from rcsim.engine import Simulation

from .conftest import START


def test_last_event_seq_starts_at_zero_and_follows_the_log():
    sim = Simulation.create(None, start=START)
    assert sim.last_event_seq() == 0
    sim.add_orders([{"id": "A", "title": "a", "price": 10, "delivery_days": 2, "status": "incomplete"}])
    sim.act("buyer", "submit_requirements", "A")
    act(sim, "freelancer", "deliver", "A")
    assert sim.last_event_seq() == sim.events()[-1].seq == len(sim.events())
    assert sim.events(sim.last_event_seq()) == ()


def act(sim: Simulation, party: str, action: str, order: str) -> None:
    """Take an action with every required field filled in (the first reason, a short text)."""
    option = next(o for o in sim.options(party, order) if o.action == action)
    assert option.allowed, option.refusal
    fields = {f.name: (f.choices[0] if f.choices else "x") for f in option.fields if f.required}
    sim.act(party, action, order, **fields)


def _every_view(sim: Simulation) -> dict[str, object]:
    return {o.id: o for o in sim.view("buyer").orders}


def test_between_clock_moves_only_the_orders_named_by_new_events_change():
    """The promise `last_event_seq` documents, over one action of each kind."""
    sim = Simulation.create(None, start=START)
    sim.add_orders([{"id": oid, "title": oid, "price": 100, "delivery_days": 3, "status": status}
                    for oid, status in (("I", "incomplete"), ("P", "in_progress"),
                                        ("D", "delivered"), ("Q", "in_progress"))])
    steps = [
        ("buyer", "submit_requirements", "I"),
        ("freelancer", "deliver", "P"),
        ("buyer", "request_revision", "D"),
        ("buyer", "ask_to_cancel", "Q"),
        ("freelancer", "decline", "Q"),
    ]
    for party, action, order in steps:
        before, seq = _every_view(sim), sim.last_event_seq()
        act(sim, party, action, order)
        after = _every_view(sim)
        named = {event.order for event in sim.events(seq)}
        assert named == {order}
        assert {oid for oid in after if after[oid] != before[oid]} <= named
        assert after[order] != before[order]
        assert sim.order_view(order) == after[order]
