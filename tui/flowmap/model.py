"""The flow map's model: what `build_map` found the engine doing (statuses, transitions, the
Resolution Center's requests, their answers and deadlines) and what one simulation adds to it
(`locate`: how many orders in each status, where one order stands and the path it took).

No Textual and no rendering here: the renderers (flowmap/text.py, mermaid.py, dot.py) draw it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from rcsim.engine import ANSWER_ACTIONS, OPENING_ACTIONS, Simulation

KEPT = "kept"
"""The pseudo-node an answer or a deadline leads to when the order keeps the status it has."""
RC = "rc:"
"""Prefix of a request's node id: "rc:cancellation"."""


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
