"""A Hypothesis state machine: random orders, actions, clock moves and reopenings, checked each step.

After every step (rules changed mid-way among them): at most one open request per order; a final
order never changes again; every deadline fires exactly once, at its own instant, in time order;
the clock never goes backwards; the file holds exactly the state in memory; a refused call
changes nothing (memory and bytes).
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from rcsim.engine import ACTIONS, Refusal, Simulation
from rcsim.engine.timeutil import parse_iso

from ..conftest import THOROUGH
from .conftest import START

PARTIES = ("buyer", "freelancer")
STATUSES = ("incomplete", "in_progress", "delivered")
# Pools of field values, valid and invalid; None means "leave the field out".
POOLS: dict[str, list[Any]] = {
    "comment": [None, "ok", "Please hurry", "", "   ", "x" * 2501, "ä" * 2500, 7],
    "reason": [None, "other", "late", "buyer_unresponsive", "no_longer_needed", "cannot_complete", "?"],
    "days": [None, 1, 2, 29, 0, 30, 1.5],
    "extra_price": [None, 0, 5, 12.5, -1, 0.001],
    "extra_description": [None, "More pages", ""],
    "request": [None, None, None, "R-1", "R-2"],
}
GOOD = {"comment": "fine", "days": 2, "extra_price": 0}
GOOD_REASON = {"buyer": "late", "freelancer": "other"}
MINUTE = 60


class EngineMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="rcsim-stateful-"))
        self.path = self.dir / "sim.json"
        self._sim: Simulation | None = None
        self.count = 0
        self.final: dict[str, dict[str, Any]] = {}       # order id -> its doc once final
        self.deadline_of: dict[str, int] = {}             # request id -> deadline seen at opening
        self.timed_out: set[str] = set()
        self.auto_completed: set[str] = set()
        self.last_now = 0

    # ---------------------------------------------------------------- set-up and helpers

    @initialize(policy=st.sampled_from(["seed", "current"]),
                cancel_hours=st.sampled_from([None, 1, 48, 72]),
                statuses=st.lists(st.sampled_from(STATUSES), min_size=2, max_size=4))
    def start(self, policy: str, cancel_hours: int | None, statuses: list[str]) -> None:
        rules = None if cancel_hours is None else {"cancellation_response_hours": cancel_hours}
        self._sim = Simulation.create(self.path, start=START, policy=policy, rules=rules)
        self.last_now = self.sim.snapshot()["now"]
        self.add_orders(statuses, days=2, due_hours=None)

    def teardown(self) -> None:
        if self._sim is not None:
            self._sim.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def sim(self) -> Simulation:
        """The simulation under test (made by the first rule, `start`)."""
        assert self._sim is not None, "start() runs first"
        return self._sim

    def orders(self) -> list[str]:
        return list(self.sim.order_ids())

    def refused_changes_nothing(self, call, *args, **kwargs) -> Any:
        """Run a call; if refused, assert memory and file are unchanged and return None."""
        before = self.sim.snapshot()
        raw = self.path.read_bytes()
        try:
            return call(*args, **kwargs)
        except Refusal as refusal:
            assert refusal.code and refusal.message
            assert self.sim.snapshot() == before
            assert self.path.read_bytes() == raw
            return None

    def record_openings(self, events) -> None:
        for event in events:
            if "deadline" in event.data and event.type in ("request_update", "ask_to_cancel",
                                                           "request_extension"):
                request = event.data["request"]
                assert request not in self.deadline_of
                deadline = parse_iso(event.data["deadline"])
                view = self.sim.request(request)
                assert int(view.deadline.timestamp()) == deadline
                hours = self.sim.rules.response_seconds[event.data["request_type"]]
                assert deadline == int(event.at.timestamp()) + hours
                self.deadline_of[request] = deadline

    # ---------------------------------------------------------------- rules

    @rule(statuses=st.lists(st.sampled_from(STATUSES), min_size=1, max_size=3),
          days=st.integers(1, 4), due_hours=st.sampled_from([None, -30, -2, 10]))
    def more_orders(self, statuses: list[str], days: int, due_hours: int | None) -> None:
        self.add_orders(statuses, days, due_hours)

    def add_orders(self, statuses: list[str], days: int, due_hours: int | None) -> None:
        specs = []
        for status in statuses:
            self.count += 1
            spec: dict[str, Any] = {"id": f"O{self.count}", "title": "Work", "price": 40 + self.count,
                                    "delivery_days": days, "status": status}
            if due_hours is not None and status != "incomplete":
                spec["due"] = self.sim.now.timestamp() + due_hours * 3600
                spec["due"] = self.sim.now.__class__.fromtimestamp(spec["due"], self.sim.now.tzinfo)
            specs.append(spec)
        if len(self.orders()) < 12:
            self.sim.add_orders(specs)

    # Acting is split over several rules because Hypothesis picks rules uniformly: most steps
    # should be actions, most of them allowed ones with fields drawn from valid and invalid values.
    @rule(data=st.data(), pick=st.integers(0, 100))
    def buyer_acts(self, data, pick: int) -> None:
        self.act(data, "buyer", pick, "allowed")

    @rule(data=st.data(), pick=st.integers(0, 100))
    def freelancer_acts(self, data, pick: int) -> None:
        self.act(data, "freelancer", pick, "allowed")

    @rule(data=st.data(), pick=st.integers(0, 100), party=st.sampled_from(PARTIES))
    def either_party_acts(self, data, pick: int, party: str) -> None:
        self.act(data, party, pick, "allowed")

    @rule(data=st.data(), pick=st.integers(0, 100), party=st.sampled_from(PARTIES))
    def anything_goes(self, data, pick: int, party: str) -> None:
        self.act(data, party, pick, "any")

    def act(self, data, party: str, pick: int, mode: str) -> None:
        orders = self.orders()
        order = orders[pick % len(orders)]
        allowed = self.sim.allowed(party, order)
        if mode == "allowed" and allowed:
            action = data.draw(st.sampled_from(allowed))
            options = {o.action: o for o in self.sim.options(party, order)}
            fields = {}
            for spec in options[action].fields:
                if spec.name == "reason":
                    value = data.draw(st.sampled_from((None,) + spec.choices)) if not spec.required \
                        else data.draw(st.sampled_from(spec.choices))
                elif spec.required or data.draw(st.booleans()):
                    value = data.draw(st.sampled_from([GOOD.get(spec.name, "text")] + POOLS[spec.name]))
                else:
                    value = None
                if value is not None:
                    fields[spec.name] = value
        else:
            action = data.draw(st.sampled_from(ACTIONS))
            fields = {name: value for name, pool in POOLS.items()
                      if (value := data.draw(st.sampled_from(pool), label=name)) is not None}
        now = self.sim.snapshot()["now"]
        events = self.refused_changes_nothing(self.sim.act, party, action, order, **fields)
        if events is not None:
            assert self.sim.snapshot()["now"] == now  # an action never moves the clock
            assert events and all(e.type not in ("timeout", "auto_complete") for e in events)
            assert all(int(e.at.timestamp()) == now for e in events)
            self.record_openings(events)

    @rule(minutes=st.one_of(st.integers(0, 6 * 24 * 60), st.sampled_from([0, 1, 47 * 60, 48 * 60, 96 * 60])))
    def advance(self, minutes: int) -> None:
        self.clock_step(lambda: self.sim.advance(minutes * MINUTE))

    @rule(offset=st.sampled_from([-60, 0, 1]))
    def advance_near_next_deadline(self, offset: int) -> None:
        upcoming = self.sim.next_deadline()
        if upcoming is None:
            self.refused_changes_nothing(self.sim.advance_to_next_deadline)
            return
        if offset == 0:
            self.clock_step(self.sim.advance_to_next_deadline)
        else:
            target = upcoming.at.timestamp() + offset
            self.clock_step(lambda: self.sim.advance_to(
                upcoming.at.__class__.fromtimestamp(target, upcoming.at.tzinfo)))

    @rule(seconds=st.integers(1, 10 * 24 * 3600))
    def clock_backwards(self, seconds: int) -> None:
        result = self.refused_changes_nothing(self.sim.advance, -seconds)
        assert result is None
        now = self.sim.now
        result = self.refused_changes_nothing(
            self.sim.advance_to, now.__class__.fromtimestamp(now.timestamp() - seconds, now.tzinfo))
        assert result is None

    @rule(name=st.sampled_from(["cancellation_response_hours", "extension_response_hours",
                                "update_response_hours", "auto_complete_hours", "very_late_hours",
                                "extension_days_min", "extension_days_max", "extension_timeout"]),
          value=st.sampled_from([1, 24, 48, 72, 0, True, "48", "accept", "expire", 30]))
    def change_a_rule(self, name: str, value: Any) -> None:
        """A rule changed mid-way (a `rules` step): refused as a whole or applied from then on;
        a deadline already running keeps its instant (checked when it fires)."""
        deadlines = self.sim.deadlines()
        self.refused_changes_nothing(self.sim.change_rules, {name: value})
        assert [(d.at, d.order) for d in self.sim.deadlines()] == [(d.at, d.order) for d in deadlines]

    @rule()
    def close_and_reopen(self) -> None:
        before = self.sim.snapshot()
        deadlines = self.sim.deadlines()
        self.sim.close()
        self._sim = Simulation.open(self.path)
        assert self.sim.snapshot() == before
        assert self.sim.deadlines() == deadlines

    # ---------------------------------------------------------------- the clock step check

    def clock_step(self, move) -> None:
        before = self.sim.snapshot()
        old_now = before["now"]
        events = self.refused_changes_nothing(move)
        if events is None:
            return
        new_now = self.sim.snapshot()["now"]
        assert new_now >= old_now
        stamps = [int(e.at.timestamp()) for e in events]
        assert stamps == sorted(stamps)  # in deadline order
        assert all(old_now < t <= new_now for t in stamps)
        requests = {r["id"]: r for r in before["requests"]}
        orders = {o["id"]: o for o in before["orders"]}
        closed_at: dict[str, int] = {}  # order -> instant its request timed out in this step
        for event, stamp in zip(events, stamps, strict=False):
            assert event.actor == "system"
            if event.type == "timeout":
                request = event.data["request"]
                assert request not in self.timed_out  # fires exactly once
                self.timed_out.add(request)
                assert requests[request]["state"] == "open"
                assert stamp == self.deadline_of[request] == parse_iso(requests[request]["deadline"])
                closed_at[event.order] = stamp
            else:
                assert event.type == "auto_complete"
                assert event.order not in self.auto_completed
                self.auto_completed.add(event.order)
                doc = orders[event.order]
                assert doc["status"] == "delivered"
                if doc["review_deadline"] is not None:
                    assert stamp == parse_iso(doc["review_deadline"])
                else:  # paused before the step: resumed when its request timed out in this step
                    assert doc["review_remaining"] is not None and event.order in closed_at
                    assert stamp == closed_at[event.order] + doc["review_remaining"]
        fired = {e.data["request"] for e in events if e.type == "timeout"}
        due = {r["id"] for r in before["requests"]
               if r["state"] == "open" and parse_iso(r["deadline"]) <= new_now}
        assert fired == due  # every due request deadline fired, none early
        completed = {e.order for e in events if e.type == "auto_complete"}
        running = {o["id"] for o in before["orders"] if o["status"] == "delivered"
                   and o["review_deadline"] is not None and parse_iso(o["review_deadline"]) <= new_now}
        assert running <= completed
        upcoming = self.sim.next_deadline()
        assert upcoming is None or upcoming.at.timestamp() > new_now

    # ---------------------------------------------------------------- invariants

    @invariant()
    def holds(self) -> None:
        if self.sim is None:
            return
        snap = self.sim.snapshot()
        assert snap["now"] >= self.last_now  # the clock never goes backwards
        self.last_now = snap["now"]
        open_per_order = Counter(r["order"] for r in snap["requests"] if r["state"] == "open")
        assert all(n == 1 for n in open_per_order.values())
        for order in snap["orders"]:
            mine = [r["id"] for r in snap["requests"] if r["order"] == order["id"] and r["state"] == "open"]
            assert mine == ([order["open_request"]] if order["open_request"] else [])
            if order["id"] in self.final:
                assert order == self.final[order["id"]]  # a final order never changes
            elif order["status"] in ("completed", "cancelled"):
                assert order["open_request"] is None and order["review_deadline"] is None
                self.final[order["id"]] = order
        with Simulation.open(self.path, read_only=True) as on_disk:
            assert on_disk.snapshot() == snap  # the file holds what memory holds


# Derandomized, so every run replays the same sequences (not flaky). Shrinking is off: with a
# file written per step it can take Hypothesis' full five minutes; a failure is still reported
# as the exact step sequence, and adding Phase.shrink back locally gives a minimal one.
EngineMachine.TestCase.settings = settings(
    max_examples=300 if THOROUGH else 60, stateful_step_count=50, deadline=None, derandomize=True, database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestEngineMachine = EngineMachine.TestCase
