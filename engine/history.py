"""Time travel in a simulation's history: its steps with their events, undo, redo, rewind, a
branch written to a new file, and two simulations compared."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .core import State
from .errors import InputError, Refusal, SimulationFileError
from .journal import Journal
from .model import PARTIES
from .storage import Store, base_origin, no_collection, origin_of, record_count
from .viewing import event_view, snapshot_of
from .views import Comparison, HistoryEntry, OrderDifference, OrderFacts, RuleDifference

if TYPE_CHECKING:
    from .service import Simulation


def history(sim: Simulation) -> tuple[HistoryEntry, ...]:
    """`Simulation.history`, as documented there."""
    index(sim)
    return tuple(entry(sim, n) for n in range(1, sim._journal.kept + 1))


def history_entry(sim: Simulation, number: int) -> HistoryEntry:
    """`Simulation.history_entry`, as documented there."""
    if isinstance(number, bool) or not isinstance(number, int) \
            or not 1 <= number <= sim._journal.kept:
        raise IndexError(f"no step {number}")
    index(sim)
    return entry(sim, number)


def event_counts(sim: Simulation) -> tuple[int, ...]:
    """`Simulation.event_counts`, as documented there."""
    index(sim)
    journal = sim._journal
    ends = journal.ends
    return tuple(ends[n] - ends[n - 1] if n <= journal.head else len(journal.undone_events[n])
                 for n in range(1, journal.kept + 1))


def entry(sim: Simulation, number: int) -> HistoryEntry:
    journal = sim._journal
    entry = journal.entry(number)
    events = tuple(event_view(e) for e in journal.events_of(number, sim._state))
    return HistoryEntry(number, entry.kind, entry.at, entry.record, events,
                        number > journal.head)


def index(sim: Simulation) -> None:
    """Know the events of every step kept (engine/journal.py: `Journal.index`); a step
    kept that no longer replays (a damaged file) is refused, and nothing changes."""
    try:
        with no_collection():
            sim._journal.index(sim._state)
    except Refusal as refusal:
        raise Refusal("bad_step", detail=refusal.message) from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise Refusal("bad_step", detail=str(error) or type(error).__name__) from None


def undo(sim: Simulation, by: str | None = None) -> HistoryEntry:
    """`Simulation.undo`, as documented there."""
    def step() -> int:
        head = sim._journal.head
        if head == 0:
            raise Refusal("nothing_to_undo")
        if head <= sim.baseline:
            raise Refusal("at_start", steps=sim.baseline)
        return head - 1
    return travel(sim, step, by)[0]


def redo(sim: Simulation, by: str | None = None) -> HistoryEntry:
    """`Simulation.redo`, as documented there."""
    def step() -> int:
        if sim._journal.head == sim._journal.kept:
            raise Refusal("nothing_to_redo")
        return sim._journal.head + 1
    return travel(sim, step, by)[0]


def rewind(sim: Simulation, step: int, by: str | None = None) -> tuple[HistoryEntry, ...]:
    """`Simulation.rewind`, as documented there."""
    def check() -> int:
        journal = sim._journal
        if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= journal.kept:
            raise Refusal("no_such_step", step=step, count=journal.kept)
        if step < sim.baseline:
            raise Refusal("before_start", step=step, steps=sim.baseline)
        return step
    return travel(sim, check, by)


def travel(sim: Simulation, target: Callable[[], int], by: str | None) -> tuple[HistoryEntry, ...]:
    """Go to the step `target` names (on the latest state, under the write lock), checking
    that a party (`by`) moves over its own actions only; returns the steps taken back or
    put back (see `rewind`)."""
    if by is not None and by not in PARTIES:
        raise InputError("unknown_party", party=by)

    def check() -> Callable[[], tuple[HistoryEntry, ...]]:
        step = target()
        journal = sim._journal
        old = journal.head
        numbers = range(old, step, -1) if step < old else range(old + 1, step + 1)
        if by is not None:
            for number in numbers:  # (the latest taken back, the first put back, first)
                record = journal.records[number - 1]
                if record.get("kind") != "act" or record.get("party") != by:
                    raise Refusal("not_yours", step=number, party=by,
                                  owner=record.get("party") if record.get("kind") == "act"
                                  else record.get("kind"))
        if step != journal.head:
            index(sim)  # every step kept is known to replay: nothing below can refuse
        return lambda: go_to(sim, step)
    return sim._change(check, None)


def go_to(sim: Simulation, step: int) -> tuple[HistoryEntry, ...]:
    """Stand after step `step` (checked), on file first (one durable append)."""
    journal = sim._journal
    old = journal.head
    if step == old:
        return ()
    try:
        sim._store.write_head(step, journal.kept)
    except SimulationFileError as error:
        raise Refusal("write_failed", path=error.path,
                      reason=error.params.get("reason", error.problem)) from None
    live = sim._state
    try:
        with no_collection():
            state = journal.state_at(step, live=(old, live) if step > old else None)
    except BaseException:  # (an interrupt) the file stands at `step`: so does memory
        journal.head = step
        journal.undone_events = {n: e for n, e in journal.undone_events.items() if n > step}
        sim._state = journal.state_at(step)
        raise
    journal.moved(step, live, state)
    sim._state = state
    journal.cost = journal.file_cost()
    if sim._store.should_compact(journal):
        sim._store.compact(state, journal)
    numbers = range(step + 1, old + 1) if step < old else range(old + 1, step + 1)
    return tuple(entry(sim, n) for n in numbers)


def branch(sim: Simulation, step: int, path: str | os.PathLike[str]) -> Path:
    """`Simulation.branch`, as documented there."""
    if sim._store.closed:
        raise (Refusal("closed_memory") if sim.path is None
               else Refusal("closed", path=sim._store.shown))
    journal = sim._journal
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= journal.kept:
        raise Refusal("no_such_step", step=step, count=journal.kept)
    index(sim)
    with no_collection():
        state = journal.state_at(step)
        origin_state = journal.origin()
    base: State | None = None
    if record_count(origin_state) > 0:  # a journal that starts from a carried-over file's records
        origin, base = base_origin(origin_state), origin_state
    else:
        origin = origin_of(origin_state.now, origin_state.rules.data)
    with Store.creating(path) as store:
        store.branch = {"file": None if sim.path is None else str(sim.path), "step": step}
        store.baseline = min(sim.baseline, step)  # (a branch from inside the set-up: all of it)
        store.write_new(state, Journal(journal.origin, journal.records[:step]), origin, base)
    store.close()
    assert store.path is not None
    return store.path


def compare(sim: Simulation, other: Simulation) -> Comparison:
    """`Simulation.compare`, as documented there."""
    mine, theirs = sim._journal, other._journal
    parted: int | None = None
    if snapshot_of(mine.state_at(0)) != snapshot_of(theirs.state_at(0)):
        parted = 0
    else:
        for number in range(1, min(mine.head, theirs.head) + 1):
            if mine.records[number - 1] != theirs.records[number - 1]:
                parted = number
                break
        else:
            if mine.head != theirs.head:
                parted = min(mine.head, theirs.head) + 1
    here_step = there_step = None
    if parted:
        here_step = mine.entry(parted) if parted <= mine.head else None
        there_step = theirs.entry(parted) if parted <= theirs.head else None
    ids = list(sim.order_ids()) + [o for o in other.order_ids() if o not in sim._state.orders]
    differences = []
    for order in ids:
        here = OrderFacts.of(sim.order_view(order)) if order in sim._state.orders else None
        there = OrderFacts.of(other.order_view(order)) if order in other._state.orders else None
        if here == there:
            continue
        if here is None or there is None:
            names: tuple[str, ...] = ("order",)
        else:
            names = tuple(name for name in ("status", "open_request", "total", "cancellation")
                          if getattr(here, name) != getattr(there, name)
                          or (name == "open_request" and here.requester != there.requester))
        differences.append(OrderDifference(order, here, there, names))
    here_rules, there_rules = sim.rules.data, other.rules.data
    rule_names = list(here_rules) + [n for n in there_rules if n not in here_rules]
    rules = tuple(RuleDifference(name, here_rules.get(name), there_rules.get(name))
                  for name in rule_names if name != "description"
                  and here_rules.get(name) != there_rules.get(name))
    return Comparison(parted, mine.head, theirs.head, here_step, there_step,
                      tuple(differences), sim.now, other.now, rules, sim.policy)

