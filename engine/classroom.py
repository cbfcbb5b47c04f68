"""A class's pairs compared: the path each pair took through the flow, where the pairs parted from
each other, and how many ended in each outcome. Pure: it reads simulations, writes nothing, and
speaks in events and identifiers (the app puts them into words: tui/words/class_report.py).

A pair's path is what happened to its orders after the class began (`start`, the step count at
which the class handed the simulation over): every event a party caused (a request, an answer, a
delivery...) and every event a deadline caused (a request that ran out, an order completed by
itself), in order. Two pairs took the same move when it was the same kind of event by the same
party on the same order, with the same effect: simulated times and request numbers may differ.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import SYSTEM
from .service import Simulation
from .views import EventView, HistoryEntry

# What makes two events the same move, beside their type, actor and order.
MOVE_DATA = ("request_type", "effect", "outcome", "requester")


def move_of(event: EventView) -> tuple[Any, ...]:
    """What a pair did (or a deadline did to it), without when: comparable across pairs."""
    return (event.type, event.actor, event.order,
            *(str(event.data.get(key, "")) for key in MOVE_DATA))


@dataclass(frozen=True)
class PathStep:
    """One move of a pair's path: the event, and the step of the journal that caused it (its
    number, and the window that took it where the journal says)."""

    event: EventView
    step: int
    seat: str | None

    @property
    def move(self) -> tuple[Any, ...]:
        return move_of(self.event)

    @property
    def by_deadline(self) -> bool:
        return self.event.actor == SYSTEM


@dataclass(frozen=True)
class OrderOutcome:
    """Where an order the pair touched ended: its status, how it was cancelled (the order's
    `cancellation` facts without the request's number: kind, initiator, resolved_by; empty when
    it was not), and the type of a request still open (or None)."""

    order: str
    status: str
    cancellation: tuple[tuple[str, str], ...]
    open_request: str | None

    @property
    def cancelled(self) -> dict[str, str]:
        return dict(self.cancellation)


@dataclass(frozen=True)
class PairPath:
    """One pair: its number, its moves since the class began, where its touched orders stand,
    and its journal's facts (steps since the start, the last step's simulated time)."""

    pair: int
    steps: tuple[PathStep, ...]
    outcomes: tuple[OrderOutcome, ...]
    step_count: int
    start: int

    @property
    def moves(self) -> tuple[tuple[Any, ...], ...]:
        return tuple(step.move for step in self.steps)


def pair_path(pair: int, sim: Simulation, start: int = 0) -> PairPath:
    """The path of the pair whose simulation is `sim`, from step `start` on (steps taken back
    are not part of it)."""
    history: Sequence[HistoryEntry] = [h for h in sim.history() if not h.undone]
    steps = tuple(PathStep(event, entry.number, entry.seat)
                  for entry in history if entry.number > start
                  for event in entry.events if event.type != "order_added")
    touched: list[str] = []
    for step in steps:
        if step.event.order and step.event.order not in touched:
            touched.append(step.event.order)
    outcomes = []
    for order in touched:
        view = sim.order_view(order)
        cancellation = tuple(sorted((k, str(v)) for k, v in (view.cancellation or {}).items()
                                    if k in ("kind", "initiator", "resolved_by")))
        request = view.open_request.type if view.open_request is not None else None
        outcomes.append(OrderOutcome(order, str(view.status), cancellation, request))
    return PairPath(pair, steps, tuple(outcomes), sim.step_count, start)


@dataclass(frozen=True)
class Fork:
    """Where pairs parted: after the moves `after` (shared by every pair in `branches`), each
    pair's next move; `None` for a pair whose path ended there."""

    after: tuple[tuple[Any, ...], ...]
    branches: Mapping[tuple[Any, ...] | None, tuple[int, ...]]
    example: Mapping[tuple[Any, ...], EventView] = field(default_factory=dict)


def forks(paths: Sequence[PairPath]) -> list[Fork]:
    """Every place where the pairs' paths part, in the order of the moves that lead there: the
    pairs that came this far together, and where each went next."""
    found: list[Fork] = []
    examples = {step.move: step.event for path in paths for step in path.steps}

    def walk(prefix: tuple[tuple[Any, ...], ...], group: list[PairPath]) -> None:
        depth = len(prefix)
        nexts: dict[tuple[Any, ...] | None, list[PairPath]] = {}
        for path in group:
            key = path.moves[depth] if depth < len(path.moves) else None
            nexts.setdefault(key, []).append(path)
        if len(nexts) > 1:
            found.append(Fork(prefix, {k: tuple(p.pair for p in v) for k, v in nexts.items()},
                              {k: examples[k] for k in nexts if k is not None}))
        for key, members in nexts.items():
            if key is not None:
                walk(prefix + (key,), members)

    if len(paths) > 1:
        walk((), list(paths))
    return found


def outcome_counts(paths: Sequence[PairPath]) -> list[tuple[tuple[OrderOutcome, ...], tuple[int, ...]]]:
    """Each distinct outcome (where every touched order ended) with the pairs that reached it,
    the most common first."""
    pairs: dict[tuple[OrderOutcome, ...], list[int]] = {}
    for path in paths:
        pairs.setdefault(path.outcomes, []).append(path.pair)
    counted = Counter({outcome: len(members) for outcome, members in pairs.items()})
    return [(outcome, tuple(pairs[outcome])) for outcome, _ in counted.most_common()]
