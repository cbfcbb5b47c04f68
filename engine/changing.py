"""Changing a simulation: each change (orders added, an action, a clock move, rules changed, a
recorded step replayed) checked on the latest state, then taken as one step: written to the
journal first, then applied."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .core import State
from .errors import InputError, Refusal, SimulationFileError
from .journal import act_record, clock_record, orders_record, rules_record
from .journal import prepare as prepare_step
from .model import Event
from .rules import with_changes
from .storage import no_collection
from .timeutil import in_calendar_or_refuse, parse_iso, to_ts
from .viewing import event_view
from .views import EventView

if TYPE_CHECKING:
    from .service import Simulation
    from .timeutil import Instant


def replay(sim: Simulation, record: Mapping[str, Any]) -> tuple[EventView, ...]:
    """`Simulation.replay`, as documented there."""
    def check() -> Callable[[], list[Event]]:
        try:
            step, apply = prepare_step(sim._state, record)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise Refusal("bad_step", detail=str(error) or type(error).__name__) from None

        def commit() -> list[Event]:
            with no_collection():
                return take(sim, step, apply)
        return commit

    order = record.get("order") if record.get("kind") == "act" else None
    if isinstance(order, str):  # an action at the time it was taken: on this order, then
        events = sim._change(check, lambda synced: synced.touches(order) or synced.clock_moved,
                             order)
    else:
        events = sim._change(check, None)
    return tuple(event_view(e) for e in events)


def add_orders(sim: Simulation, specs: Iterable[Mapping[str, Any]]) -> None:
    """`Simulation.add_orders`, as documented there."""
    specs = list(specs)

    def check() -> Callable[[], object]:
        state = sim._state
        adding: set[str] = set()
        news = []
        for spec in specs:  # all checked first (on the latest state): a refusal changes nothing
            new = state.prepare_order(**order_args(spec), adding=adding)
            adding.add(new.id)
            news.append(new)
        if not news:
            return lambda: None

        def apply() -> list[Event]:
            events: list[Event] = []
            for new in news:
                events += state.insert_order(new)
            return events

        def commit() -> object:
            with no_collection():
                return take(sim, orders_record(state.now, news), apply)
        return commit

    sim._change(check, lambda synced: False)


def act(sim: Simulation, party: str, action: str, order: str,
        **fields: Any) -> tuple[EventView, ...]:
    """`Simulation.act`, as documented there."""
    if sim._store.file is None:  # in memory (experiments: many calls): nothing to take in
        sim._writable()
        state = sim._state
        prepared = state.prepare_act(party, action, order, fields)
        events = take(sim, act_record(state.now, prepared), lambda: state.perform(prepared))
        return tuple(event_view(e) for e in events)

    def check() -> Callable[[], list[Event]]:
        state = sim._state
        prepared = state.prepare_act(party, action, order, fields)
        return lambda: take(sim, act_record(state.now, prepared), lambda: state.perform(prepared))

    events = sim._change(check, lambda synced: synced.touches(order), order)
    return tuple(event_view(e) for e in events)


def advance(sim: Simulation, target: Callable[[], int],
            moved: Callable[[], bool] = lambda: False) -> tuple[EventView, ...]:
    """Move the clock to `target()` (on the latest state) as one step (none if it moves
    nowhere and fires nothing). Another process's clock move meanwhile, or `moved()`
    (what was on screen no longer holds), bears on it."""
    def check() -> Callable[[], list[Event]]:
        state = sim._state
        to = target()
        state.check_advance(to)
        upcoming = state.next_deadline()
        if to == state.now and (upcoming is None or upcoming.at > to):
            return lambda: []

        def commit() -> list[Event]:
            with no_collection():
                return take(sim, clock_record(state.now, to), lambda: state.move_clock(to))
        return commit

    events = sim._change(check, lambda synced: synced.clock_moved or moved())
    return tuple(event_view(e) for e in events)


def change_rules(sim: Simulation, changes: Mapping[str, Any]) -> None:
    """`Simulation.change_rules`, as documented there."""
    sim._writable()
    with_changes(sim._state.rules.data, changes)  # refuse what cannot be, whatever else is asked

    def check() -> Callable[[], object]:
        state = sim._state
        changed = {name: value for name, value in changes.items()
                   if state.rules.data[name] != value}
        if not changed:
            return lambda: None
        record = rules_record(state.now, changed)
        _, apply = prepare_step(state, record)
        return lambda: take(sim, record, apply)

    # Another process's change of the rules meanwhile bears on this one.
    sim._change(check, lambda synced: any(step.kind == "rules" for step in synced.steps))


def take(sim: Simulation, record: dict[str, Any], apply: Callable[[], list[Event]]) -> list[Event]:
    """Take a step the engine has checked: write it to the journal (on file: one durable
    append), then apply it. If the system refuses the write (a full disk, a folder turned
    read-only), refuse: nothing changed, in memory or on disk."""
    store, journal = sim._store, sim._journal
    if sim._seat is not None:
        record["seat"] = sim._seat
    size = store.file_size()
    if size <= 0 and store.path is not None:
        # The file was removed (or emptied) while open: it is written anew, whole, first.
        if not store.compact(sim._state, journal):
            raise Refusal("write_failed", path=store.shown, reason=store.last_error)
        size = store.file_size()
    try:
        store.append_step(journal.count + 1, record)
    except SimulationFileError as error:
        raise Refusal("write_failed", path=error.path,
                      reason=error.params.get("reason", error.problem)) from None
    try:
        events = apply()
    except BaseException:
        # The check let the step through, so its effect cannot fail; if it is cut short
        # all the same (an interrupt), the step is taken back and the state rebuilt.
        try:
            store.unappend(size)
        except OSError:  # it stays on the file, so it counts
            journal.add(record, 0)
        sim._state = journal.state_at(journal.count)
        raise
    journal.add(record, len(events), len(sim._state.events))
    if store.should_compact(journal):
        store.compact(sim._state, journal)
    return events


def instant(value: Instant) -> int:
    if isinstance(value, datetime):  # its own date may be fine and its UTC one not (an offset)
        return in_calendar_or_refuse(to_ts(value), value.isoformat())
    if isinstance(value, str):
        return parse_iso(value)
    raise InputError("bad_instant", text=str(value))


def order_args(spec: Mapping[str, Any]) -> dict[str, Any]:
    """An order's fields as given (`add_orders`), checked and named as `State.prepare_order`
    takes them."""
    known = {"id", "title", "price", "delivery_days", "status", "due"}
    unknown = set(spec) - known
    if unknown:
        raise InputError("invalid_order", detail=f"unknown field(s) {', '.join(sorted(unknown))}")
    for key in ("id", "title", "price", "delivery_days"):
        if key not in spec:
            raise InputError("invalid_order", detail=f"the field {key!r} is missing")
    for key, field in (("id", "id"), ("title", "title")):
        if isinstance(spec[key], str):
            State.storable(field, spec[key])
    due = spec.get("due")
    return {"order_id": spec["id"], "title": spec["title"], "price": spec["price"],
            "delivery_days": spec["delivery_days"], "status": spec.get("status") or "in_progress",
            "due": None if due is None else instant(due)}
