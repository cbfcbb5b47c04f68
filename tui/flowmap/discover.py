"""Building the map from the engine: `build_map` plays every action the engine allows, from
every status an order can reach, on small in-memory simulations with exactly these rules, and
draws what happened (the status after, the request's state, a moved delivery date) and how long
each deadline took. The rules data say who may take which action in which status; where an
action leads, what an answer does and what a deadline does live in the engine's code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from rcsim.engine import (
    ADDABLE_STATUSES,
    ANSWER_ACTIONS,
    BASE_STATUSES,
    FINAL_STATUSES,
    OPENING_ACTIONS,
    PARTIES,
    REQUEST_TYPES,
    Refusal,
    Rules,
    Simulation,
    load_policies,
)
from rcsim.tui.flowmap.model import KEPT, Edge, FlowMap, RequestNode, rc_node

PROBE_ORDER = "P"
PROBE_START = "2026-01-05T00:00:00Z"  # any instant will do: the probes only measure durations


def overrides_of(data: Mapping[str, Any]) -> tuple[tuple[str, Any, Any], ...]:
    """The rules of `data` that differ from its policy's: (rule, the policy's value, value)."""
    base = load_policies().get(data.get("policy", ""), {})
    return tuple((key, base.get(key), value) for key, value in data.items()
                 if key not in ("policy", "description") and base.get(key) != value)


class _Probe:
    """Small simulations with the map's rules, each replaying a list of actions on one order."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.policy = data["policy"]
        self.rules = {k: v for k, v in data.items() if k not in ("policy", "description")}
        self.very_late_seconds = int(data["very_late_hours"]) * 3600

    def play(self, start: tuple[str, bool], steps: Sequence[tuple[str, str]]) -> Simulation:
        """A simulation with one order added in `start` (status, very late) and `steps` done."""
        sim = Simulation.create(None, start=PROBE_START, policy=self.policy, rules=self.rules)
        status, very_late = start
        due = None
        if very_late:
            due = datetime.fromtimestamp(sim.now.timestamp() - self.very_late_seconds,
                                         tz=sim.now.tzinfo)
        sim.add_order(PROBE_ORDER, "probe", 1, 1, status=status, due=due)
        for party, action in steps:
            sim.act(party, action, PROBE_ORDER, **self.fields(sim, party, action))
        return sim

    @staticmethod
    def fields(sim: Simulation, party: str, action: str) -> dict[str, Any]:
        """The least a form of this action needs: a comment, the first reason, the fewest days."""
        option = next(o for o in sim.options(party, PROBE_ORDER) if o.action == action)
        given: dict[str, Any] = {}
        for spec in option.fields:
            if not spec.required:
                continue
            if spec.choices:
                given[spec.name] = spec.choices[0]
            elif spec.name == "days":
                given[spec.name] = spec.low or 1
            elif spec.low is not None:
                given[spec.name] = spec.low
            else:
                given[spec.name] = "probe"
        return given


@dataclass
class _Found:
    """What the probes saw, before it is merged into edges."""

    lifecycle: dict[tuple[str, str, str, str, bool, str | None], None] = field(default_factory=dict)
    deadlines: dict[tuple[str, str, str, int], None] = field(default_factory=dict)
    openings: dict[tuple[str, str, str, bool], None] = field(default_factory=dict)
    answers: dict[tuple[str, str, str, str, str, str | None, bool], set[str]] = field(
        default_factory=dict)
    timeouts: dict[tuple[str, str, str, str | None, bool, str], set[int]] = field(
        default_factory=dict)


def _explore(data: Mapping[str, Any]) -> tuple[_Found, tuple[str, ...], tuple[str, ...]]:
    """Play every allowed action from every reachable (status, very late) of an order."""
    probe = _Probe(data)
    found = _Found()
    starts: list[tuple[str, bool]] = []
    for first in ADDABLE_STATUSES:
        for very_late in (False, True):
            try:
                sim = probe.play((first, very_late), ())
            except Refusal:  # (an order without a delivery date cannot be late)
                continue
            view = sim.order_view(PROBE_ORDER)
            if view.very_late == very_late:
                starts.append((first, very_late))
    queue: list[tuple[tuple[str, bool], tuple[tuple[str, str], ...]]] = [(s, ()) for s in starts]
    seen: set[tuple[str, bool]] = set()
    while queue:
        start, steps = queue.pop(0)
        sim = probe.play(start, steps)
        before = sim.order_view(PROBE_ORDER)
        here = (before.status, before.very_late)
        if here in seen:
            continue
        seen.add(here)
        status = before.status
        upcoming = sim.next_deadline()
        if upcoming is not None and upcoming.request is None:  # the order's own deadline
            hours = round((upcoming.at - sim.now).total_seconds() / 3600)
            sim.advance_to_next_deadline()
            after = sim.order_view(PROBE_ORDER).status
            found.deadlines[(status, after, upcoming.kind, hours)] = None
            sim = probe.play(start, steps)
        for party in PARTIES:
            for option in sim.options(party, PROBE_ORDER):
                if not option.allowed or option.action in ANSWER_ACTIONS:
                    continue
                action = option.action
                played = probe.play(start, (*steps, (party, action)))
                view = played.order_view(PROBE_ORDER)
                if action in OPENING_ACTIONS:
                    found.openings[(status, party, action, before.very_late)] = None
                    _probe_request(probe, found, start, (*steps, (party, action)), status,
                                   OPENING_ACTIONS[action])
                    continue
                kind = (view.cancellation or {}).get("kind")
                found.lifecycle[(status, view.status, action, party, before.very_late, kind)] = None
                if (view.status, view.very_late) not in seen:
                    queue.append((start, (*steps, (party, action))))
    reachable = tuple(s for s in BASE_STATUSES if any(r[0] == s for r in seen))
    start_statuses = tuple(dict.fromkeys(s for s, _ in starts))
    return found, start_statuses, reachable


def _probe_request(probe: _Probe, found: _Found, start: tuple[str, bool],
                   steps: tuple[tuple[str, str], ...], status: str, rtype: str) -> None:
    """Every answer to a request just opened, and what its deadline does, from `status`."""
    sim = probe.play(start, steps)
    opened = sim.order_view(PROBE_ORDER)
    for party in PARTIES:
        for option in sim.options(party, PROBE_ORDER):
            if not option.allowed or option.action not in ANSWER_ACTIONS:
                continue
            answered = probe.play(start, (*steps, (party, option.action)))
            view = answered.order_view(PROBE_ORDER)
            key = (rtype, option.action, Rules.role_for(option.action, party),
                   view.last_request.state if view.last_request else "",
                   (view.cancellation or {}).get("kind"), view.due != opened.due)
            target = KEPT if view.status == status else view.status
            found.answers.setdefault((*key[:3], target, *key[3:]), set()).add(party)
    upcoming = sim.next_deadline()
    if upcoming is None or upcoming.request is None:
        return
    hours = round((upcoming.at - sim.now).total_seconds() / 3600)
    sim.advance_to_next_deadline()
    view = sim.order_view(PROBE_ORDER)
    target = KEPT if view.status == status else view.status
    state = view.last_request.state if view.last_request else ""
    timeout_key = (rtype, target, state, (view.cancellation or {}).get("kind"),
                   view.due != opened.due, upcoming.outcome)
    found.timeouts.setdefault(timeout_key, set()).add(hours)


def _parties(values: Iterable[str]) -> tuple[str, ...]:
    chosen = set(values)
    return tuple(p for p in PARTIES if p in chosen)


@lru_cache(maxsize=16)
def _build(frozen: str) -> FlowMap:
    data = json.loads(frozen)
    found, starts, reachable = _explore(data)
    edges: list[Edge] = []
    # Lifecycle: one edge per (from, to, action, guard), with the parties who take it. An action
    # the engine allows only once the order is very late carries that guard.
    plain = {(s, a, p) for (s, _, a, p, vl, _) in found.lifecycle if not vl}
    merged: dict[tuple[str, str, str, str | None, str | None], list[str]] = {}
    for (source, target, action, party, very_late, kind) in found.lifecycle:
        guard = "very_late" if very_late and (source, action, party) not in plain else None
        if very_late and guard is None:
            continue  # the same as when the order is not very late
        merged.setdefault((source, target, action, guard, kind), []).append(party)
    for (source, target, action, guard, kind), parties in merged.items():
        edges.append(Edge(source, target, "action", action, _parties(parties), guard=guard,
                          cancellation=kind))
    for (source, target, kind, hours) in found.deadlines:
        edges.append(Edge(source, target, "deadline", kind, hours=hours))
    # Requests: who opens each, in which statuses; then its answers and its timeout.
    plain_open = {(s, p, a) for (s, p, a, vl) in found.openings if not vl}
    requests = []
    for rtype in REQUEST_TYPES:
        opened_with = next(a for a, t_ in OPENING_ACTIONS.items() if t_ == rtype)
        openers, late_only = [], []
        for party in PARTIES:
            statuses = tuple(s for s in BASE_STATUSES
                             if (s, party, opened_with) in plain_open)
            if statuses:
                openers.append((party, statuses))
            if any(p == party and a == opened_with and vl and (s, p, a) not in plain_open
                   for (s, p, a, vl) in found.openings):
                late_only.append(party)
        sources: dict[tuple[str, str | None], list[str]] = {}
        for (s, p, a, vl) in found.openings:
            if a != opened_with:
                continue
            guard = "very_late" if vl and (s, p, a) not in plain_open else None
            if vl and guard is None:
                continue
            sources.setdefault((s, guard), []).append(p)
        for status in BASE_STATUSES:
            for guard in (None, "very_late"):
                if (status, guard) in sources:
                    edges.append(Edge(status, rc_node(rtype), "open", opened_with,
                                      _parties(sources[(status, guard)]), guard=guard))
        for (rt, action, role, target, state, kind, moved), answering in sorted(
                found.answers.items(), key=lambda item: _answer_order(item[0])):
            if rt == rtype:
                edges.append(Edge(rc_node(rtype), target, "answer", action, _parties(answering),
                                  role=role, state=state, cancellation=kind, due_moved=moved))
        hours_seen: set[int] = set()
        outcome = None
        for (rt, target, state, kind, moved, outcome_), waited in found.timeouts.items():
            if rt != rtype:
                continue
            hours_seen |= waited
            outcome = outcome_
            edges.append(Edge(rc_node(rtype), target, "timeout", "timeout", hours=max(waited),
                              state=state, cancellation=kind, due_moved=moved, outcome=outcome_))
        if openers or late_only:
            requests.append(RequestNode(rtype, opened_with, tuple(openers), tuple(late_only),
                                        max(hours_seen) if hours_seen else None, outcome))
    return FlowMap(
        policy=data["policy"], overrides=overrides_of(data), statuses=tuple(BASE_STATUSES),
        final=tuple(s for s in BASE_STATUSES if s in FINAL_STATUSES), starts=starts,
        reachable=reachable, very_late_hours=int(data["very_late_hours"]), edges=tuple(edges),
        requests=tuple(requests))


def _answer_order(key: tuple[Any, ...]) -> tuple[int, int]:
    action, target = key[1], key[3]
    return (ANSWER_ACTIONS.index(action), 0 if target != KEPT else 1)


def build_map(rules: Mapping[str, Any] | Rules) -> FlowMap:
    """The flow map of a rule set (a simulation's `rules` or their `data`)."""
    data = rules.data if isinstance(rules, Rules) else rules
    return _build(json.dumps(data, sort_keys=True))
