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

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from types import MappingProxyType
from typing import Any

from .core import Prepared, State
from .errors import Refusal
from .field_checks import NewOrder
from .model import Event, Order, Request
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
    """The steps of one simulation, where it stands among them, and the states a replay can
    start from.

    `records` holds every step kept: the first `head` are in effect (the state is the state
    after step `head`), the ones after it were taken back (undone, or rewound past) and can be
    put back (redone) until a new step is taken, which drops them. `count` is `head`.

    `origin()` gives a fresh state as the simulation was created (step 0); the file's
    checkpoint is a function giving a fresh state after its step. For time travel the journal
    also keeps, in memory only, states after some steps (`saved`: never changed, a copy is
    replayed from), how many events the state holds after each step (`ends`: the events a step
    caused are the ones between its end and the one before), and the events of the steps taken
    back. `state_at(k)` starts from the nearest of these at or before k and replays the records
    after it, keeping a copy now and then on the way (SAVE_EVERY). `cost` estimates what
    opening the file would replay: STEP_COST per step, plus one per event those steps caused.
    """

    def __init__(self, origin: Callable[[], State], records: Iterable[dict[str, Any]] = (),
                 checkpoint: tuple[int, Callable[[], State | None]] | None = None,
                 head: int | None = None) -> None:
        self.origin = origin
        self.records: list[dict[str, Any]] = list(records)
        self.head = len(self.records) if head is None else head
        self.checkpoint = checkpoint
        self.cost = 0
        self.saved: dict[int, State] = {}
        self.ends: dict[int, int] = {}
        self.undone_events: dict[int, tuple[Event, ...]] = {}

    @property
    def count(self) -> int:
        """How many steps are in effect (the number of the last one)."""
        return self.head

    @property
    def kept(self) -> int:
        """How many steps the journal keeps: those in effect and those that can be redone."""
        return len(self.records)

    @property
    def checkpoint_step(self) -> int:
        return 0 if self.checkpoint is None else self.checkpoint[0]

    def add(self, record: dict[str, Any], events: int, ends: int | None = None) -> None:
        """A new step after the last one in effect (the steps that could be redone are
        dropped); `ends`: how many events the state holds after it, if known."""
        self.drop_redo()
        self.records.append(record)
        self.head += 1
        if ends is not None:
            self.ends[self.head] = ends
        self.cost += STEP_COST + events

    def drop_redo(self) -> None:
        """Forget the steps after `head` (a new step is taken in their place)."""
        if self.head == len(self.records):
            return
        del self.records[self.head:]
        for table in (self.saved, self.ends, self.undone_events):
            for step in [s for s in table if s > self.head]:
                del table[step]
        if self.checkpoint is not None and self.checkpoint[0] > self.head:
            self.checkpoint = None  # a state of the steps dropped: replays start elsewhere

    def common(self, records: list[dict[str, Any]], start: int = 0) -> int:
        """How many steps `records` begins with that this journal keeps too (the first `start`
        are known to be the same)."""
        mine = self.records
        end = min(len(mine), len(records))
        index = min(start, end)
        while index < end and mine[index] == records[index]:
            index += 1
        return index

    def keep_first(self, count: int) -> None:
        """Forget every step after the first `count` kept, and what is known of them (another
        process wrote other steps in their place); `head` is left to the caller."""
        del self.records[count:]
        for table in (self.saved, self.ends, self.undone_events):
            for step in [s for s in table if s > count]:
                del table[step]
        if self.checkpoint is not None and self.checkpoint[0] > count:
            self.checkpoint = None

    def set_checkpoint(self, step: int, load: Callable[[], State | None]) -> None:
        self.checkpoint = (step, load)
        self.cost = 0

    def entry(self, number: int) -> JournalEntry:
        record = self.records[number - 1]
        return JournalEntry(number, record["kind"], to_datetime(parse_iso(record["at"])),
                            MappingProxyType(record))

    def entries(self, since: int = 0, to: int | None = None) -> tuple[JournalEntry, ...]:
        """The steps after `since` up to `to` (default: the last in effect)."""
        end = self.head if to is None else to
        return tuple(self.entry(n) for n in range(max(0, since) + 1, end + 1))

    # ---------------------------------------------------------------- states after any step

    def state_at(self, step: int, live: tuple[int, State] | None = None) -> State:
        """A fresh state as it was just after `step` (0: as created; up to the last step kept).

        `live` is a state after some step that may be used up (replayed forward in place)
        when it is the nearest start; every other start is copied first, never changed."""
        if not 0 <= step <= len(self.records):
            raise IndexError(f"there is no step {step} (the journal keeps {len(self.records)})")
        start, state = self._start(step, live)
        self._replay_to(state, start, step)
        return state

    def _start(self, step: int, live: tuple[int, State] | None) -> tuple[int, State]:
        """The nearest state at or before `step` to replay from, as a state of its own."""
        saved = max((s for s in self.saved if s <= step), default=-1)
        if live is not None and saved <= live[0] <= step:
            return live
        if saved >= 0:
            return saved, clone(self.saved[saved])
        loaded = None
        if self.checkpoint is not None and self.checkpoint[0] <= step:
            loaded = self.checkpoint[1]()
            if loaded is None:  # the file holds another checkpoint by now (another process)
                self.checkpoint = None
        if loaded is not None:
            assert self.checkpoint is not None
            start, state = self.checkpoint[0], loaded
        else:
            start, state = 0, self.origin()
            self.saved[0] = clone(state)  # the next start without reading anything
        self.ends.setdefault(start, len(state.events))
        return start, state

    def _replay_to(self, state: State, start: int, step: int) -> None:
        """Replay the records after `start` up to `step` on `state`, noting where each step's
        events end and keeping a copy whenever the replay since the last one kept cost more
        than making a copy does (so a later start costs at most about two copies)."""
        spent = 0
        every = save_every(state)
        for number in range(start + 1, step + 1):
            events = replay(state, self.records[number - 1])
            self.ends[number] = len(state.events)
            spent += STEP_COST + len(events)
            if spent >= every and number < step and number not in self.saved:
                self.saved[number] = clone(state)
                spent, every = 0, save_every(state)

    def index(self, live: State) -> None:
        """Know where every step's events end (replaying on copies what is not known yet) and
        the events of the steps taken back: what `history` shows and time travel needs. `live`
        is the state after `head`; it is left as it is."""
        kept = len(self.records)  # (`ends` and `undone_events` hold no other steps)
        if len(self.ends) == kept + 1 and len(self.undone_events) == kept - self.head:
            return
        missing = [n for n in range(self.head + 1) if n not in self.ends]
        if missing:
            start, state = self._start(missing[0], None)
            self._replay_to(state, start, missing[-1])
        if any(n not in self.undone_events for n in range(self.head + 1, len(self.records) + 1)):
            state = clone(live)
            spent, every = 0, save_every(state)
            for number in range(self.head + 1, len(self.records) + 1):
                events = replay(state, self.records[number - 1])
                self.ends[number] = len(state.events)
                self.undone_events[number] = tuple(events)
                spent += STEP_COST + len(events)
                if spent >= every and number not in self.saved:
                    self.saved[number] = clone(state)
                    spent, every = 0, save_every(state)

    def events_of(self, number: int, live: State) -> tuple[Event, ...]:
        """The events step `number` caused (`index` first): from the live state for a step in
        effect, as kept for one taken back."""
        if number > self.head:
            return self.undone_events.get(number, ())
        return tuple(live.events[self.ends[number - 1]:self.ends[number]])

    def moved(self, step: int, old: State, new: State) -> None:
        """The state after `step` (`new`) is now the live one instead of `old`, the state after
        `head` (`index` first). The steps taken back keep the events they caused; `old`, used
        no more, is kept as a start when none is near (it is never changed from now on)."""
        start = self.head
        for number in range(step + 1, start + 1):
            self.undone_events[number] = tuple(old.events[self.ends[number - 1]:self.ends[number]])
        for number in range(start + 1, step + 1):  # put back: in effect again
            self.undone_events.pop(number, None)
        if step < start and start not in self.saved:
            below = max((s for s in self.saved if s <= start), default=0)
            if self.replay_cost(below, start) >= save_every(old):
                self.saved[start] = old
        self.head = step
        self.ends[step] = len(new.events)

    def replay_cost(self, start: int, step: int) -> int:
        """What replaying the steps after `start` up to `step` costs, in STEP_COST units
        (where a step's events are known; `index` first)."""
        events = self.ends.get(step, 0) - self.ends.get(start, 0)
        return STEP_COST * (step - start) + max(0, events)

    def file_cost(self) -> int:
        """What opening the file would replay to reach `head`: from the file's checkpoint when
        it is at or before `head`, else from the start."""
        start = self.checkpoint_step if self.checkpoint_step <= self.head else 0
        return self.replay_cost(start, self.head)


SAVE_EVERY = 64  # at least this many units of replay between two states kept in memory


def save_every(state: State) -> int:
    """How much replay (in STEP_COST units) makes a copy of `state` worth keeping: about what
    copying it costs (one unit per order and request, a little for each list entry)."""
    size = len(state.orders) + len(state.requests) + (len(state.events) + len(state.messages)) // 16
    return max(SAVE_EVERY, size)


# ---------------------------------------------------------------- copies of a state


def _copier(cls: type) -> Callable[[Any], Any]:
    """A fast copy of a record of `cls` (a slotted dataclass): its fields read at once."""
    names = [f.name for f in fields(cls)]
    read = attrgetter(*names)
    return lambda record: cls(*read(record))


_COPY_ORDER = _copier(Order)
_COPY_REQUEST = _copier(Request)


def _copy_order(order: Order) -> Order:
    new = _COPY_ORDER(order)
    new.requests = list(order.requests)
    if order.cancellation is not None:
        new.cancellation = dict(order.cancellation)
    return new


def _copy_value(value: Any) -> Any:
    """An attribute of a state, copied as deep as a step can change it: the records that change
    in place (orders, requests) anew, lists and tables anew (a table of lists: each list anew);
    frozen records (messages, events), numbers, texts and the rules are shared."""
    if isinstance(value, dict):
        copied = {}
        for key, item in value.items():
            if isinstance(item, Order):
                copied[key] = _copy_order(item)
            elif isinstance(item, Request):
                copied[key] = _COPY_REQUEST(item)
            elif isinstance(item, (list, dict, set)):
                copied[key] = _copy_value(item)
            else:
                copied[key] = item
        return copied
    if isinstance(value, list):
        return list(value)
    if isinstance(value, set):
        return set(value)
    return value


def clone(state: State) -> State:
    """A state equal to `state` that shares nothing a step changes (about a millisecond per
    thousand orders): so that a state kept for time travel stays as it was."""
    new = type(state).__new__(type(state))
    for name, value in vars(state).items():
        setattr(new, name, _copy_value(value))
    return new


def replay_all(state: State, records: Iterable[Mapping[str, Any]],
               ends: dict[int, int] | None = None, start: int = 0) -> int:
    """Replay records on `state` in order; returns how many events they caused. With `ends`,
    notes how many events the state holds after each (the records being the steps after step
    `start`). Raises as `replay` does, with the index of the record (from 0) as `error.index`."""
    events = 0
    for index, record in enumerate(records):
        try:
            events += len(replay(state, record))
        except (Refusal, ValueError, KeyError, TypeError) as error:
            error.index = index  # type: ignore[union-attr]
            raise
        if ends is not None:
            ends[start + index + 1] = len(state.events)
    return events
