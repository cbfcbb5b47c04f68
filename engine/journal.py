"""The simulation as a journal of steps: what was done, in order, so that replaying it gives the state.

A step is one change a user made: orders added (one batch), one party's action, one clock
move, or rules changed by name. Each is kept as a record of plain data (JSON types only),
numbered from 1:

    {"kind": "orders", "at": T, "orders": [{"id", "title", "price" (cents), "delivery_days",
                                             "status"?, "due"?}, ...]}
    {"kind": "act", "at": T, "party", "action", "order", "fields": {...}, "request"?}
    {"kind": "clock", "at": T, "to": T2}
    {"kind": "rules", "at": T, "set": {"cancellation_response_hours": 72, ...}}

`at` is the simulated time the step was taken at (instants as ISO 8601 text, as in the file).
What a record holds is what the engine's check let through, normalised: money in cents, an
action's fields as `State.fields` returns them, and every clock move as a move to an instant
(`advance("36h")` and `advance_to_next_deadline()` both become `"to": ...`), so a replay does not
depend on how the step was asked for. A `rules` step holds the rules it changed, by name
(engine.rules.ADJUSTABLE), each to its new value; it applies from then on (a deadline already
running keeps its instant). The engine is deterministic: replaying the first k records
on the simulation as it was created (its origin) gives exactly the state after step k. A refused
step is no step: it is never recorded.

A `Journal` holds the records and the states a replay can start from: the origin (step 0) and a
checkpoint (a full state after some step, which a file keeps so that opening it does not replay
from the start). Time travel (rewind, undo, branch) builds on `Journal.state_at(k)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, Sequence

from .core import NewOrder, Prepared, State
from .errors import Refusal
from .model import Event
from .rules import Rules, with_changes
from .timeutil import iso, parse_iso, to_datetime

KINDS = ("orders", "act", "clock", "rules")
STEP_COST = 4  # replaying a step, in units of reading one record (an event it causes: 1)


# ---------------------------------------------------------------- records


def orders_record(at: int, orders: Sequence[NewOrder]) -> dict[str, Any]:
    """The record of a batch of orders added at `at` (checked by `State.prepare_order`)."""
    specs = []
    for new in orders:
        spec: dict[str, Any] = {"id": new.id, "title": new.title, "price": new.price,
                                "delivery_days": new.delivery_days}
        if new.status != "in_progress":
            spec["status"] = new.status
        if new.due is not None:
            spec["due"] = iso(new.due)
        specs.append(spec)
    return {"kind": "orders", "at": iso(at), "orders": specs}


def act_record(at: int, prepared: Prepared) -> dict[str, Any]:
    """The record of one party's action (checked by `State.prepare_act`)."""
    record: dict[str, Any] = {"kind": "act", "at": iso(at), "party": prepared.party,
                              "action": prepared.action, "order": prepared.order.id,
                              "fields": dict(prepared.fields)}
    if prepared.request_id is not None:
        record["request"] = prepared.request_id
    return record


def clock_record(at: int, target: int) -> dict[str, Any]:
    """The record of a clock move from `at` to the instant `target`."""
    return {"kind": "clock", "at": iso(at), "to": iso(target)}


def rules_record(at: int, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The record of rules changed at `at` (checked by `engine.rules.with_changes`)."""
    return {"kind": "rules", "at": iso(at), "set": dict(changes)}


def replay(state: State, record: Mapping[str, Any]) -> list[Event]:
    """Apply a recorded step to `state` (the state after the step before it), through the same
    checks as when it was taken. A record that does not apply raises `Refusal` (the engine's
    reason) or `ValueError` (a record that is no step), and changes nothing."""
    return prepare(state, record)[1]()


def prepare(state: State, record: Mapping[str, Any]) -> tuple[dict[str, Any], Callable[[], list[Event]]]:
    """Check a recorded step against `state`, changing nothing: the record as the engine writes
    it (normalised again) and the function that applies it; or `Refusal` / `ValueError` as
    `replay` raises them."""
    kind = record.get("kind")
    at = record.get("at")
    if not isinstance(at, str) or parse_iso(at) != state.now:
        raise ValueError(f"it was taken at {at!r}, but the clock then shows {iso(state.now)}")
    now = state.now
    if kind == "orders":
        adding: set[str] = set()
        news = []
        for spec in record["orders"]:
            due = spec.get("due")
            new = state.prepare_order(spec["id"], spec["title"], _money(spec["price"]),
                                      spec["delivery_days"], spec.get("status", "in_progress"),
                                      None if due is None else parse_iso(due), adding)
            adding.add(new.id)
            news.append(new)

        def add() -> list[Event]:
            events: list[Event] = []
            for new in news:
                events += state.insert_order(new)
            return events

        return orders_record(now, news), add
    if kind == "act":
        given = dict(record["fields"])
        if "extra_price" in given:
            given["extra_price"] = _money(given["extra_price"])
        if "request" in record:
            given["request"] = record["request"]
        prepared = state.prepare_act(record["party"], record["action"], record["order"], given)
        return act_record(now, prepared), lambda: state.perform(prepared)
    if kind == "clock":
        target = parse_iso(record["to"])
        state.check_advance(target)
        return clock_record(now, target), lambda: state.move_clock(target)
    if kind == "rules":
        changes = record["set"]
        if not isinstance(changes, Mapping):
            raise ValueError(f"the rules it sets are {changes!r}, not a table")
        rules = Rules(with_changes(state.rules.data, changes))

        def change() -> list[Event]:
            state.rules = rules  # from now on; deadlines already set keep their instant
            return []

        return rules_record(now, changes), change
    raise ValueError(f"{kind!r} is no kind of step")


def _money(cents: Any) -> Any:
    """An amount in cents, as the engine takes amounts (in whole units: cents / 100, exactly)."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        return cents  # the engine refuses it, naming it
    return Decimal(cents).scaleb(-2)


@dataclass(frozen=True)
class JournalEntry:
    """One step of the journal: its number (from 1), kind, when it was taken, and its record (a
    read-only view of what the journal keeps: plain data, as the file holds it)."""

    number: int
    kind: str
    at: datetime
    record: Mapping[str, Any]


# ---------------------------------------------------------------- the journal


class Journal:
    """The steps of one simulation and the states a replay can start from.

    `origin()` gives a fresh state as the simulation was created (step 0); a checkpoint is a
    function giving a fresh state after its step. `state_at(k)` starts from the latest of them at
    or before k and replays the records after it. `cost` estimates what opening the file would
    replay: STEP_COST per step since the checkpoint, plus one per event those steps caused.
    """

    def __init__(self, origin: Callable[[], State], records: Iterable[dict[str, Any]] = (),
                 checkpoint: tuple[int, Callable[[], State]] | None = None) -> None:
        self.origin = origin
        self.records: list[dict[str, Any]] = list(records)
        self.checkpoint = checkpoint
        self.cost = 0

    @property
    def count(self) -> int:
        """How many steps there are (the number of the last one)."""
        return len(self.records)

    @property
    def checkpoint_step(self) -> int:
        return 0 if self.checkpoint is None else self.checkpoint[0]

    def add(self, record: dict[str, Any], events: int) -> None:
        self.records.append(record)
        self.cost += STEP_COST + events

    def set_checkpoint(self, step: int, load: Callable[[], State]) -> None:
        self.checkpoint = (step, load)
        self.cost = 0

    def entry(self, number: int) -> JournalEntry:
        record = self.records[number - 1]
        return JournalEntry(number, record["kind"], to_datetime(parse_iso(record["at"])),
                            MappingProxyType(record))

    def entries(self, since: int = 0) -> tuple[JournalEntry, ...]:
        return tuple(self.entry(n) for n in range(max(0, since) + 1, self.count + 1))

    def state_at(self, step: int) -> State:
        """A fresh state as it was just after `step` (0: as created)."""
        if not 0 <= step <= self.count:
            raise IndexError(f"there is no step {step} (the journal has {self.count})")
        if self.checkpoint is not None and self.checkpoint[0] <= step:
            start, state = self.checkpoint[0], self.checkpoint[1]()
        else:
            start, state = 0, self.origin()
        for record in self.records[start:step]:
            replay(state, record)
        return state


def replay_all(state: State, records: Iterable[Mapping[str, Any]]) -> int:
    """Replay records on `state` in order; returns how many events they caused. Raises as
    `replay` does, with the index of the record (from 0) as `error.index`."""
    events = 0
    for index, record in enumerate(records):
        try:
            events += len(replay(state, record))
        except (Refusal, ValueError, KeyError, TypeError) as error:
            error.index = index  # type: ignore[union-attr]
            raise
    return events
