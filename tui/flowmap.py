"""The flow map: one model of the rules (statuses, transitions, the Resolution Center's requests,
their answers and what silence does after how long) and its renderers: text, Mermaid, Graphviz.

The model is built from a simulation's rules data alone (`build_map(rules.data)`), and it asks
the engine rather than copying it: the rules data say who may take which action in which
status, but where an action leads, what an answer does and what a deadline does live in the
engine's code. So `build_map` plays every action the engine allows, from every status an order
can reach, on small in-memory simulations with exactly these rules, and draws what happened
(the status after, the request's state, a moved delivery date) and how long each deadline took.
Change a duration (a 72-hour window) or an action's statuses and the map changes with it.

`locate` adds what one simulation holds: the number of orders in each status, and where one
order stands and the path it took (from its events, with the simulated time of each step).

No Textual here: `rcsim map` prints the text, Mermaid and DOT forms without it, and the app's
flow map screen (tui/app/screens/flow_map.py) draws the text form's styled spans.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

from rcsim.engine import BASE_STATUSES, PARTIES, Refusal, Simulation
from rcsim.engine import ADDABLE_STATUSES
from rcsim.engine import FINAL_STATUSES, REQUEST_TYPES
from rcsim.engine import ANSWER_ACTIONS, OPENING_ACTIONS, Rules, load_policies

from rcsim.tui.words.i18n import fmt_datetime, t
from rcsim.tui.words.safetext import clean

KEPT = "kept"
"""The pseudo-node an answer or a deadline leads to when the order keeps the status it has."""
RC = "rc:"
"""Prefix of a request's node id: "rc:cancellation"."""
PROBE_ORDER = "P"
PROBE_START = "2026-01-05T00:00:00Z"  # any instant will do: the probes only measure durations


def rc_node(request_type: str) -> str:
    return RC + request_type


@dataclass(frozen=True)
class Edge:
    """One transition of the map.

    `kind`: "action" (a party moves the order to another status), "deadline" (the order's own
    deadline, the auto-complete), "open" (a party opens a request), "answer" (an answer to an
    open request, or its withdrawal), "timeout" (nobody answered in time).
    `parties`: who takes it (for an answer, the parties seen taking it; `role` says whether as
    the one who answers or the one who asked). `guard`: "very_late" when only a very late order
    allows it. `hours`: how long a deadline waits. `state`: the request's state after it.
    `cancellation`: the kind of cancellation it made ("mutual", "direct"). `due_moved`: the
    delivery date moved.
    """

    source: str
    target: str
    kind: str
    action: str
    parties: tuple[str, ...] = ()
    role: str | None = None
    guard: str | None = None
    hours: int | None = None
    state: str | None = None
    cancellation: str | None = None
    due_moved: bool = False
    outcome: str | None = None  # a timeout's outcome as the engine names it: expire/cancel/accept

    @property
    def key(self) -> str:
        """A stable id: which edge an order's path went along."""
        return f"{self.source}>{self.target}:{self.kind}:{self.action}:{self.guard or ''}"


@dataclass(frozen=True)
class RequestNode:
    """A request type of the Resolution Center: what opens it, who may in which statuses, how
    long the other party has, and what silence does then."""

    type: str
    opened_with: str
    openers: tuple[tuple[str, tuple[str, ...]], ...]  # (party, statuses it may open it in)
    very_late_openers: tuple[str, ...]  # parties who may open it only once the order is very late
    hours: int | None
    outcome: str | None

    @property
    def node(self) -> str:
        return rc_node(self.type)


@dataclass(frozen=True)
class Step:
    """One step of an order's path: when, who, what, from which node to which."""

    at: datetime
    seq: int
    actor: str
    event: str
    source: str | None
    target: str
    edge: str | None  # the Edge.key it went along (None: where it started, or not on the map)


@dataclass(frozen=True)
class Position:
    """Where one order stands: its status, its lateness and the request open over it."""

    order: str
    title: str
    status: str
    late: bool
    very_late: bool
    request: str | None


@dataclass(frozen=True)
class FlowMap:
    """The whole map, and (from `locate`) what one simulation adds to it."""

    policy: str
    overrides: tuple[tuple[str, Any, Any], ...]  # (rule, the policy's value, this value)
    statuses: tuple[str, ...]
    final: tuple[str, ...]
    starts: tuple[str, ...]  # the statuses an order may start in
    reachable: tuple[str, ...]
    very_late_hours: int
    edges: tuple[Edge, ...]
    requests: tuple[RequestNode, ...]
    counts: Mapping[str, int] | None = None
    total: int | None = None
    position: Position | None = None
    path: tuple[Step, ...] = ()

    def edges_from(self, source: str, kinds: Iterable[str] | None = None) -> tuple[Edge, ...]:
        wanted = None if kinds is None else set(kinds)
        return tuple(e for e in self.edges if e.source == source
                     and (wanted is None or e.kind in wanted))

    @property
    def lifecycle(self) -> tuple[Edge, ...]:
        """The transitions between statuses (actions and the order's own deadlines)."""
        return tuple(e for e in self.edges if e.kind in ("action", "deadline"))

    @property
    def path_edges(self) -> frozenset[str]:
        return frozenset(s.edge for s in self.path if s.edge)

    @property
    def path_nodes(self) -> frozenset[str]:
        return frozenset(s.target for s in self.path)


# ------------------------------------------------------------------------- probing the engine


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


# ------------------------------------------------------------------------- one simulation


def locate(flow: FlowMap, sim: Simulation, order: str | None = None) -> FlowMap:
    """The map with the number of orders in each status (and late, very late, in each request),
    and, for `order`, where it stands and the path it took, from its events."""
    counts: dict[str, int] = {}
    total = 0
    for order_id in sim.order_ids():
        view = sim.order_view(order_id)
        total += 1
        counts[view.status] = counts.get(view.status, 0) + 1
        for flag in ("late", "very_late"):
            if getattr(view, flag) and not (flag == "late" and view.very_late):
                counts[flag] = counts.get(flag, 0) + 1
        if view.open_request is not None:
            node = rc_node(view.open_request.type)
            counts[node] = counts.get(node, 0) + 1
    located = replace(flow, counts=counts, total=total)
    if order is None or order not in sim.order_ids():
        return located
    view = sim.order_view(order)
    position = Position(order, view.title, view.status, view.late, view.very_late,
                        view.open_request.type if view.open_request else None)
    return replace(located, position=position, path=trace(flow, sim, order))


def trace(flow: FlowMap, sim: Simulation, order: str) -> tuple[Step, ...]:
    """The path of one order over the map, one step per event on it, each at its simulated
    time: along the map's edges, as the engine logged them."""
    steps: list[Step] = []
    status: str | None = None
    request: str | None = None
    for event in sim.events():
        if event.order != order:
            continue
        data = event.data
        if event.type == "order_added":
            status = data.get("status") or status
            steps.append(Step(event.at, event.seq, event.actor, event.type, None, status or "",
                              None))
            continue
        if status is None:
            continue
        if event.type in OPENING_ACTIONS:
            rtype = data.get("request_type") or OPENING_ACTIONS[event.type]
            edge = _pick(flow.edges_from(status, ("open",)), event.type, rc_node(rtype))
            request = rtype
            steps.append(Step(event.at, event.seq, event.actor, event.type, status,
                              rc_node(rtype), edge.key if edge else None))
            continue
        if event.type in ANSWER_ACTIONS or event.type == "timeout":
            rtype = data.get("request_type") or request
            action = event.type
            candidates = flow.edges_from(rc_node(rtype or ""), ("answer", "timeout"))
            edge = _pick_outcome(candidates, action, data)
            target = status if edge is None or edge.target == KEPT else edge.target
            steps.append(Step(event.at, event.seq, event.actor, event.type, rc_node(rtype or ""),
                              target, edge.key if edge else None))
            status, request = target, None
            continue
        edge = _pick(flow.edges_from(status, ("action", "deadline")), event.type, None)
        target = edge.target if edge else status
        steps.append(Step(event.at, event.seq, event.actor, event.type, status, target,
                          edge.key if edge else None))
        status = target
    return tuple(steps)


def _pick(edges: Sequence[Edge], action: str, target: str | None) -> Edge | None:
    for edge in edges:
        if edge.action == action and (target is None or edge.target == target):
            return edge
    return None


def _pick_outcome(edges: Sequence[Edge], action: str, data: Mapping[str, Any]) -> Edge | None:
    """The answer or timeout edge an event went along: the one whose request state it left."""
    matching = [e for e in edges if e.action == action]
    state = data.get("outcome")
    for edge in matching:
        if state is None or edge.state == state:
            if data.get("effect") == "cancelled" and edge.cancellation is None and len(matching) > 1:
                continue
            return edge
    return matching[0] if matching else None


# ------------------------------------------------------------------------- words


def hours_text(hours: int | None) -> str:
    return t("map.hours", n=hours) if hours is not None else ""


def node_label(node: str) -> str:
    if node == KEPT:
        return "↩ " + t("map.kept")
    if node.startswith(RC):
        return t(f"request_type.{node[len(RC):]}")
    return t(f"status.{node}")


def who(edge: Edge) -> str:
    """Who takes an edge: a party, both ("Buyer or Freelancer"), a role, or nobody (silence)."""
    if edge.kind in ("timeout", "deadline"):
        return ""
    if len(edge.parties) == 1:
        return t(f"party.{edge.parties[0]}")
    if edge.role is not None:
        return t(f"map.role.{edge.role}")
    return t("word.or").join(t(f"party.{p}") for p in edge.parties)


def edge_label(edge: Edge) -> str:
    """What an edge is, in a few words: "Buyer: Submit requirements", "no answer for 48 h"."""
    if edge.kind == "deadline":
        return t(f"map.deadline.{edge.action}", hours=hours_text(edge.hours))
    if edge.kind == "timeout":
        return t("map.silence", hours=hours_text(edge.hours))
    text = t("map.who_does", who=who(edge), action=t(f"action.{edge.action}"))
    if edge.guard:
        text = t("map.guarded", guard=t(f"status.{edge.guard}"), what=text)
    return text


def outcome_label(edge: Edge) -> str:
    """Where an edge leads, and what else happens: "Cancelled (mutual cancellation)",
    "declined; keeps its status", "accepted; the delivery date moves"."""
    parts: list[str] = []
    if edge.kind in ("answer", "timeout") and edge.state:
        parts.append(t(f"request_state.{edge.state}"))
    target = node_label(edge.target)
    if edge.cancellation:
        target = t("map.with_kind", target=target, kind=t(f"map.cancellation.{edge.cancellation}"))
    parts.append(target)
    if edge.due_moved:
        parts.append(t("map.due_moved"))
    return t("word.list_sep").join(parts)


def marks_text(flow: FlowMap) -> str:
    return t("map.marks", late=t("status.late"), very_late=t("status.very_late"),
             hours=hours_text(flow.very_late_hours))


def override_text(flow: FlowMap) -> str:
    parts = [t("map.override", rule=rule, was=_value(old), now=_value(new))
             for rule, old, new in flow.overrides]
    return t("word.list_sep").join(parts)


def _value(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return t("map.changed")
    return str(value)


def _shown(identifier: str) -> str:
    """An order id as typed, inert and on one line (it goes into terminals, Mermaid and DOT)."""
    return " ".join(clean(identifier).split())


def count_text(n: int) -> str:
    return t("map.orders.one" if n == 1 else "map.orders.other", n=n)


def position_text(flow: FlowMap) -> str:
    pos = flow.position
    if pos is None:
        return ""
    where = t(f"status.{pos.status}")
    if pos.very_late:
        where = t("status.with_flag", status=where, flag=t("status.very_late"))
    elif pos.late:
        where = t("status.with_flag", status=where, flag=t("status.late"))
    if pos.request:
        where = t("map.over", request=t(f"request_type.{pos.request}"), status=where)
    return t("map.position", order=_shown(pos.order), where=where)


def step_text(step: Step) -> str:
    """One step of a path: what happened and where it led."""
    if step.source is None:
        what = t("map.step.added")
    elif step.event == "timeout":
        what = t("map.step.timeout")
    elif step.event in ("auto_complete",):
        what = t("map.step.deadline")
    else:
        actor = t(f"party.{step.actor}") if step.actor in PARTIES else t("party.system")
        what = t("map.who_does", who=actor, action=t(f"action.{step.event}"))
    return t("map.step", at=fmt_datetime(step.at), what=what, to=node_label(step.target))


# ------------------------------------------------------------------------- the text form

Span = tuple[str, str]
"""A piece of text and its role: "" (plain), "title", "muted", "status", "final", "current",
"path", "rc", "arrow", "count", "override"."""

WIDE = 110
"""From this width on the text form draws the statuses as boxes side by side with the arrows
between them; below it, a list (a terminal of 80 columns)."""


class _Canvas:
    """A grid of characters, each with a role; grows downwards."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.rows: list[list[list[str]]] = []

    def _row(self, y: int) -> list[list[str]]:
        while len(self.rows) <= y:
            self.rows.append([[" ", ""] for _ in range(self.width)])
        return self.rows[y]

    def put(self, y: int, x: int, text: str, role: str = "") -> None:
        row = self._row(y)
        for i, char in enumerate(text):
            if 0 <= x + i < self.width:
                row[x + i] = [char, role]

    @property
    def height(self) -> int:
        return len(self.rows)

    def wrap(self, y: int, x: int, spans: Sequence[Span], indent: int | None = None) -> int:
        """Write spans from (y, x), wrapping at word boundaries; returns the next free row."""
        indent = x if indent is None else indent
        col = x
        for text, role in spans:
            for word in _words(text):
                if col + len(word.rstrip()) > self.width and col > indent:
                    y += 1
                    col = indent
                    word = word.lstrip()
                self.put(y, col, word, role)
                col += len(word)
        self._row(y)
        return y + 1

    def flow(self, y: int, x: int, units: Sequence[Sequence[Span]], indent: int,
             gap: str = "   ") -> int:
        """Write units (each a few spans) one after the other, `gap` apart; a unit that does
        not fit in what is left of a line starts the next one. Returns the next free row."""
        col = x
        for unit in units:
            size = sum(len(text) for text, _ in unit)
            if col > indent and col + len(gap) + size > self.width:
                y += 1
                col = indent
            elif col > indent:
                self.put(y, col, gap)
                col += len(gap)
            y = self.wrap(y, col, unit, indent=indent) - 1
            col = self._end(y)
        self._row(y)
        return y + 1

    def _end(self, y: int) -> int:
        row = self._row(y)
        end = len(row)
        while end and row[end - 1][0] == " ":
            end -= 1
        return end

    def lines(self) -> list[list[Span]]:
        out = []
        for row in self.rows:
            end = len(row)
            while end and row[end - 1][0] == " ":
                end -= 1
            spans: list[Span] = []
            for char, role in row[:end]:
                if spans and spans[-1][1] == role:
                    spans[-1] = (spans[-1][0] + char, role)
                else:
                    spans.append((char, role))
            out.append(spans)
        return out


def _words(text: str) -> list[str]:
    """Words with the spaces after them, so that wrapping keeps the spacing."""
    words: list[str] = []
    current = ""
    for char in text:
        if char == " " and current and current[-1] != " ":
            current += char
        elif char != " " and current.endswith(" "):
            words.append(current)
            current = char
        else:
            current += char
    if current:
        words.append(current)
    return words


def text_lines(flow: FlowMap, width: int = 160, *, title: bool = True) -> list[list[Span]]:
    """The map as lines of styled spans: boxes and arrows from WIDE columns on, else a list.
    `title=False` leaves out the first line (the title and the policy), for a screen that
    shows them in its own title."""
    canvas = _Canvas(max(40, width))
    y = _header(canvas, flow, title)
    if width >= WIDE:
        y = _requests_wide(canvas, flow, y + (y > 0))
        y = _statuses_wide(canvas, flow, y + 1)
    else:
        y = _statuses_list(canvas, flow, y + (y > 0))
        y = _requests_list(canvas, flow, y + 1)
    _path(canvas, flow, y + 1)
    return canvas.lines()


def render_text(flow: FlowMap, width: int = 160) -> str:
    """The map as plain text, `width` columns wide."""
    return "\n".join("".join(text for text, _ in line) for line in text_lines(flow, width)) + "\n"


def title_text(flow: FlowMap) -> str:
    return t("map.title") + "  " + t("map.policy", policy=flow.policy)


def _header(canvas: _Canvas, flow: FlowMap, title: bool = True) -> int:
    y = canvas.wrap(0, 0, [(t("map.title"), "title"), ("  ", ""),
                           (t("map.policy", policy=flow.policy), "")]) if title else 0
    if flow.overrides:
        y = canvas.wrap(y, 0, [(t("map.overrides"), "override"), (" ", ""),
                               (override_text(flow), "override")], indent=2)
    if flow.total is not None:
        spans: list[Span] = [(t("map.total", count=count_text(flow.total)), "")]
        if flow.position is not None:
            spans += [("  ", ""), (position_text(flow), "current")]
        y = canvas.wrap(y, 0, spans, indent=2)
    return y


def _count(flow: FlowMap, node: str) -> int:
    return (flow.counts or {}).get(node, 0)


def _is_current(flow: FlowMap, node: str) -> bool:
    pos = flow.position
    if pos is None:
        return False
    return node == pos.status or (pos.request is not None and node == rc_node(pos.request))


def _node_role(flow: FlowMap, node: str, default: str) -> str:
    if _is_current(flow, node):
        return "current"
    if node in flow.path_nodes:
        return "path"
    return default


def _edge_role(flow: FlowMap, edge: Edge, default: str = "arrow") -> str:
    return "path" if edge.key in flow.path_edges else default


def _request_head(flow: FlowMap, request: RequestNode) -> list[Span]:
    spans: list[Span] = [("◆ " + t(f"request_type.{request.type}"),
                          _node_role(flow, request.node, "rc"))]
    spans.append(("  " + t("map.opened_with", action=t(f"action.{request.opened_with}")), "muted"))
    if flow.counts is not None:
        spans.append(("  " + t("map.open_count", n=_count(flow, request.node)), "count"))
    if flow.position is not None and flow.position.request == request.type:
        spans.append(("  ● " + _shown(flow.position.order), "current"))
    return spans


def _outcome_spans(flow: FlowMap, edge: Edge) -> list[Span]:
    role = _edge_role(flow, edge, "")
    return [(edge_label(edge), role or ""), (" → ", role or "arrow"),
            (outcome_label(edge), role or "status")]


def _requests_wide(canvas: _Canvas, flow: FlowMap, y: int) -> int:
    """Each request: its name, what opens it, how many are open; then its answers and what
    silence does. Who may open it in which status is drawn over the status boxes."""
    y = canvas.wrap(y, 0, [(t("map.rc.title"), "title"), ("  ", ""),
                           (t("map.rc.over"), "muted")])
    for request in flow.requests:
        y = canvas.wrap(y, 1, _request_head(flow, request), indent=3)
        units = [[("↳ ", "muted"), *_outcome_spans(flow, edge)]
                 for edge in flow.edges_from(request.node, ("answer", "timeout"))]
        y = canvas.flow(y, 3, units, indent=3)
    return y


def _openers_wide(canvas: _Canvas, flow: FlowMap, y: int,
                  columns: Sequence[tuple[int, int]]) -> int:
    """One line per request, right over the status boxes: in the column of each status it may
    be opened in, who may open it ("▼ Cancel: Buyer, Freelancer")."""
    for request in flow.requests:
        for index, status in enumerate(flow.statuses):
            parties = [p for p, statuses in request.openers if status in statuses]
            late = [p for p in request.very_late_openers
                    if status == "in_progress" and p not in parties]
            if not parties and not late:
                continue
            names = t("word.list_sep").join(t(f"party.{p}") for p in parties)
            if late:
                names = t("word.list_sep").join(filter(None, (names, t(
                    "map.guarded", guard=t("status.very_late"),
                    what=t("word.list_sep").join(t(f"party.{p}") for p in late)))))
            left, inner = columns[index]
            text = t("map.cell", request=t(f"request_type_short.{request.type}"), who=names)
            if len(text) > inner + 1 and len(parties) == len(PARTIES) and not late:
                text = t("map.cell", request=t(f"request_type_short.{request.type}"),
                         who=t("map.both"))
            here = flow.position is not None and flow.position.request == request.type \
                and flow.position.status == status
            if len(text) > inner + 1:  # cut where it must be, and show that it was
                text = text[:inner] + "…"
            canvas.put(y, left, text, "current" if here else "rc")
        y += 1
    return y


def _columns(width: int, count: int) -> list[tuple[int, int]]:
    """(left, inner width) of each status column."""
    step = width // count
    return [(i * step, step - 2) for i in range(count)]


def _box_lines(flow: FlowMap, status: str, inner: int) -> list[list[Span]]:
    role = _node_role(flow, status, "final" if status in flow.final else "status")
    label = t(f"status.{status}")
    lines: list[list[Span]] = []
    for part in _wrap_words(label, inner - 2):
        lines.append([(part, role)])
    if status in flow.final:
        lines.append([(t("map.final"), "muted")])
    if status not in flow.reachable:
        lines.append([(t("map.unreachable"), "muted")])
    if status in flow.starts:
        lines.append([(t("map.start"), "muted")])
    if flow.counts is not None:
        lines.append([(count_text(_count(flow, status)), "count")])
        late = [f"{t(f'status.{flag}')} {_count(flow, flag)}" for flag in ("late", "very_late")
                if _count(flow, flag)]
        if status == "in_progress" and late:
            joined = " · ".join(late)
            for part in [joined] if len(joined) <= inner - 2 else late:
                lines.append([(part, "count")])
    if flow.position is not None and flow.position.status == status:
        lines.append([("● " + _shown(flow.position.order), "current")])
    return lines


def _wrap_words(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word[:width])
    return lines or [""]


def _statuses_wide(canvas: _Canvas, flow: FlowMap, y: int) -> int:
    y = canvas.wrap(y, 0, [(t("map.statuses.title"), "title"), ("  ", ""),
                           (marks_text(flow), "muted")])
    columns = _columns(canvas.width, len(flow.statuses))
    y = _openers_wide(canvas, flow, y, columns)
    boxes = [_box_lines(flow, s, inner) for s, (_, inner) in zip(flow.statuses, columns)]
    height = max(len(b) for b in boxes)
    for status, (left, inner), lines in zip(flow.statuses, columns, boxes):
        role = _node_role(flow, status, "final" if status in flow.final else "status")
        border = role if role in ("current", "path") else "muted"
        heavy = status in flow.final
        h, v = ("═", "║") if heavy else ("─", "│")
        corners = ("╔", "╗", "╚", "╝") if heavy else ("╭", "╮", "╰", "╯")
        canvas.put(y, left, corners[0] + h * inner + corners[1], border)
        for row in range(height):
            canvas.put(y + 1 + row, left, v, border)
            canvas.put(y + 1 + row, left + inner + 1, v, border)
        for row, spans in enumerate(lines):
            col = left + 2
            for text, span_role in spans:
                canvas.put(y + 1 + row, col, text[: inner - 2], span_role)
                col += len(text)
        canvas.put(y + 1 + height, left, corners[2] + h * inner + corners[3], border)
    y += height + 2
    centres = [left + (inner + 2) // 2 for left, inner in columns]
    index = {s: i for i, s in enumerate(flow.statuses)}
    for edge in flow.lifecycle:
        for x in centres:
            canvas.put(y, x, "│", "muted")
        a, b = centres[index[edge.source]], centres[index[edge.target]]
        role = _edge_role(flow, edge)
        label = " " + edge_label(edge) + " "
        if a < b:
            canvas.put(y, a, "├" + "─" * (b - a - 2) + "▶", role)
            span = (a + 2, b - 2)
        else:
            canvas.put(y, b + 1, "◀" + "─" * (a - b - 2) + "┤", role)
            span = (b + 3, a - 1)
        text_role = role if role == "path" else ""
        if span[1] - span[0] >= len(label):
            canvas.put(y, span[0], label, text_role)
        elif max(a, b) + 2 + len(label) <= canvas.width:
            canvas.put(y, max(a, b) + 1, label, text_role)
        else:
            start = max(0, min(a, b) - len(label))
            canvas.put(y, start, label[-(min(a, b) - start):] if min(a, b) > start else label,
                       text_role)
        y += 1
    return y


def _statuses_list(canvas: _Canvas, flow: FlowMap, y: int) -> int:
    y = canvas.wrap(y, 0, [(t("map.statuses.title"), "title")])
    y = canvas.wrap(y, 2, [(marks_text(flow), "muted")], indent=2)
    for status in flow.statuses:
        role = _node_role(flow, status, "final" if status in flow.final else "status")
        spans: list[Span] = [("■ " if status in flow.final else "□ ", role),
                             (t(f"status.{status}"), role)]
        notes = []
        if status in flow.final:
            notes.append(t("map.final"))
        if status in flow.starts:
            notes.append(t("map.start"))
        if status not in flow.reachable:
            notes.append(t("map.unreachable"))
        if notes:
            spans.append(("  " + t("word.list_sep").join(notes), "muted"))
        if flow.counts is not None:
            spans.append(("  " + count_text(_count(flow, status)), "count"))
            late = [f"{t(f'status.{flag}')} {_count(flow, flag)}"
                    for flag in ("late", "very_late") if _count(flow, flag)]
            if status == "in_progress" and late:
                spans.append((" (" + t("word.list_sep").join(late) + ")", "count"))
        if flow.position is not None and flow.position.status == status:
            spans.append(("  ● " + _shown(flow.position.order), "current"))
        y = canvas.wrap(y, 0, spans, indent=4)
        for edge in flow.edges_from(status, ("action", "deadline")):
            role = _edge_role(flow, edge)
            y = canvas.wrap(y, 4, [("→ ", role), (node_label(edge.target), _node_role(
                flow, edge.target, "status")), ("  ", ""), (edge_label(edge),
                                                            role if role == "path" else "")],
                            indent=8)
    return y


def _requests_list(canvas: _Canvas, flow: FlowMap, y: int) -> int:
    y = canvas.wrap(y, 0, [(t("map.rc.title"), "title")])
    y = canvas.wrap(y, 2, [(t("map.rc.over"), "muted")], indent=2)
    for request in flow.requests:
        y = canvas.wrap(y, 0, _request_head(flow, request), indent=4)
        for party, statuses in request.openers:
            y = canvas.wrap(y, 4, [(t("map.opens", who=t(f"party.{party}"), statuses=t(
                "word.list_sep").join(t(f"status.{s}") for s in statuses)), "rc")], indent=8)
        for party in request.very_late_openers:
            y = canvas.wrap(y, 4, [(t("map.opens", who=t(f"party.{party}"),
                                      statuses=t("status.very_late")), "rc")], indent=8)
        for edge in flow.edges_from(request.node, ("answer", "timeout")):
            y = canvas.wrap(y, 4, [("↳ ", "muted"), *_outcome_spans(flow, edge)], indent=8)
    return y


def _path(canvas: _Canvas, flow: FlowMap, y: int) -> int:
    if flow.position is None:
        return y
    y = canvas.wrap(y, 0, [(t("map.path.title", order=_shown(flow.position.order)), "title")])
    for step in flow.path:
        y = canvas.wrap(y, 2, [(step_text(step), "path")], indent=6)
    return y


# ------------------------------------------------------------------------- Mermaid


def _mermaid_text(text: str) -> str:
    """A label as Mermaid reads it: no statement separators, comments, quotes or colons."""
    for old, new in (("↩ ", ""), (";", ","), ("%%", "%"), ('"', "'"), (":", " ·"), ("#", "Nr."),
                     ("{", "("), ("}", ")"), ("-->", "→"), ("<", "‹"), (">", "›")):
        text = text.replace(old, new)
    return " ".join(text.split())


def mermaid_id(node: str) -> str:
    if node == KEPT:
        return "status_kept"
    return node.replace(RC, "rc_")


def render_mermaid(flow: FlowMap) -> str:
    """The map as a Mermaid `stateDiagram-v2`."""
    out = ["stateDiagram-v2", "    direction LR"]
    for status in flow.statuses:
        out.append(f'    state "{_mermaid_text(_node_text(flow, status))}" as {status}')
    for request in flow.requests:
        out.append(f'    state "{_mermaid_text(_node_text(flow, request.node))}" as '
                   f"{mermaid_id(request.node)}")
    out.append(f'    state "{_mermaid_text(t("map.kept"))}" as {mermaid_id(KEPT)}')
    for status in flow.starts:
        out.append(f"    [*] --> {status}")
    for edge in flow.edges:
        label = _mermaid_text(_edge_text(edge))
        out.append(f"    {mermaid_id(edge.source)} --> {mermaid_id(edge.target)} : {label}")
    for status in flow.final:
        out.append(f"    {status} --> [*]")
    out.append(f"    note right of in_progress : {_mermaid_text(marks_text(flow))}"
               if "in_progress" in flow.statuses else "")
    out.append("    classDef rc fill:#fff4d6,stroke:#b8860b")
    out.append("    classDef final fill:#e8e8e8,stroke:#555")
    out.append("    classDef current fill:#cde8ff,stroke:#0050a0,stroke-width:3px")
    out.append("    classDef path stroke:#0050a0,stroke-width:2px")
    if flow.requests:
        out.append("    class " + ",".join(mermaid_id(r.node) for r in flow.requests) + " rc")
    if flow.final:
        out.append("    class " + ",".join(flow.final) + " final")
    current = [n for n in (*flow.statuses, *(r.node for r in flow.requests))
               if _is_current(flow, n)]
    visited = [n for n in (*flow.statuses, *(r.node for r in flow.requests))
               if n in flow.path_nodes and n not in current]
    if visited:
        out.append("    class " + ",".join(mermaid_id(n) for n in visited) + " path")
    if current:
        out.append("    class " + ",".join(mermaid_id(n) for n in current) + " current")
    return "\n".join(line for line in out if line) + "\n"


def _node_text(flow: FlowMap, node: str) -> str:
    """A node's name with what one simulation adds: how many orders, and the selected one."""
    text = node_label(node)
    extras = []
    if flow.counts is not None and node != KEPT:
        extras.append(count_text(_count(flow, node)) if not node.startswith(RC)
                      else t("map.open_count", n=_count(flow, node)))
    if _is_current(flow, node) and flow.position is not None:
        extras.append("● " + _shown(flow.position.order))
    return text + (" (" + t("word.list_sep").join(extras) + ")" if extras else "")


def _edge_text(edge: Edge) -> str:
    text = edge_label(edge)
    if edge.kind in ("answer", "timeout"):
        text += " → " + outcome_label(edge)
    elif edge.cancellation:
        text += " → " + outcome_label(edge)
    return text


# ------------------------------------------------------------------------- Graphviz DOT


def _dot(text: str) -> str:
    text = text.replace("↩ ", "")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot_id(node: str) -> str:
    return mermaid_id(node)


def render_dot(flow: FlowMap) -> str:
    """The map as a Graphviz digraph (render with `dot -Tsvg`)."""
    title = t("map.title") + " · " + t("map.policy", policy=flow.policy)
    if flow.overrides:
        title += "\n" + t("map.overrides") + " " + override_text(flow)
    if flow.position is not None:
        title += "\n" + position_text(flow)
    out = [
        "digraph rcsim_flow {",
        f"  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label={_dot(title)}];",
        '  node [shape=box, style="rounded", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  start [shape=point, width=0.15, label=""];',
    ]
    for status in flow.statuses:
        label = _node_text(flow, status)
        if status == "in_progress":
            label += "\n" + marks_text(flow)
        attrs = [f"label={_dot(label)}"]
        if status in flow.final:
            attrs.append("peripheries=2")
        attrs += _dot_highlight(flow, status)
        out.append(f"  {status} [{', '.join(attrs)}];")
    for status in flow.starts:
        out.append(f"  start -> {status};")
    out.append("  subgraph cluster_rc {")
    out.append(f"    label={_dot(t('map.rc.title'))};")
    out.append('    style="dashed"; color="#b8860b";')
    for request in flow.requests:
        attrs = [f"label={_dot(_node_text(flow, request.node))}",
                 'style="rounded,filled"', 'fillcolor="#fff4d6"']
        attrs += _dot_highlight(flow, request.node)
        out.append(f"    {dot_id(request.node)} [{', '.join(attrs)}];")
    out.append(f"    {dot_id(KEPT)} [label={_dot(t('map.kept'))}, shape=note];")
    out.append("  }")
    for edge in flow.edges:
        attrs = [f"label={_dot(_edge_text(edge))}"]
        if edge.kind in ("timeout", "deadline"):
            attrs.append('style="dashed"')
        if edge.key in flow.path_edges:
            attrs += ['color="#0050a0"', "penwidth=2.5", 'fontcolor="#0050a0"']
        out.append(f"  {dot_id(edge.source)} -> {dot_id(edge.target)} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_highlight(flow: FlowMap, node: str) -> list[str]:
    if _is_current(flow, node):
        return ['color="#0050a0"', "penwidth=3", 'fontcolor="#0050a0"']
    if node in flow.path_nodes:
        return ['color="#0050a0"', "penwidth=1.5"]
    return []


RENDERERS = {"text": render_text, "mermaid": render_mermaid, "dot": render_dot}
