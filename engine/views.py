"""What the engine shows of a simulation: immutable views of its state (orders, requests,
messages, events, deadlines, what a party may do), of its history (steps, what other processes
did) and of a comparison of two simulations. Built by the facade (engine/service.py,
engine/viewing.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import Refusal
from .journal import JournalEntry
from .model import FINAL_STATUSES, PARTIES, SYSTEM, other
from .timeutil import parse_iso, to_datetime


@dataclass(frozen=True)
class FieldSpec:
    """One field of an action's form: its name, whether it is required, its choices, and its
    range (days: the lowest and highest number; texts: the longest length in `high`)."""

    name: str
    required: bool
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class Option:
    """An action a party might take on an order, whether it may right now, and why not; an
    action that opens a request (or a delivery) also says how many hours the other party has
    to answer (to accept or ask for a revision) before the deadline decides."""

    action: str
    allowed: bool
    refusal: Refusal | None
    fields: tuple[FieldSpec, ...]
    response_hours: int | None = None


@dataclass(frozen=True)
class RequestView:
    """A request as both parties see it; `remaining` counts down while it is open."""

    id: str
    order: str
    type: str
    requester: str
    responder: str
    state: str
    opened_at: datetime
    deadline: datetime
    closed_at: datetime | None
    remaining: int | None
    reason: str | None
    comment: str | None
    days: int | None
    extra_price: int
    extra_description: str | None
    answer: str | None
    on_timeout: str  # what it does if nobody answers in time: "expire", "cancel" or "accept"


@dataclass(frozen=True)
class MessageView:
    """A message of an order's thread."""

    id: int
    order: str
    at: datetime
    sender: str
    recipient: str
    action: str
    text: str
    reason: str | None
    request: str | None


@dataclass(frozen=True)
class OrderView:
    """An order as a party sees it: base status, derived lateness, the overlay, countdowns."""

    id: str
    title: str
    price: int
    extras_total: int
    status: str
    late: bool
    very_late: bool
    due: datetime | None
    due_in: int | None
    delivered_at: datetime | None
    auto_complete_at: datetime | None
    auto_complete_in: int | None
    auto_complete_paused: bool
    auto_complete_left: int | None  # seconds the paused auto-complete will have when it resumes
    cancellation: Mapping[str, Any] | None
    open_request: RequestView | None
    requests: tuple[RequestView, ...]
    thread: tuple[MessageView, ...]

    @property
    def total(self) -> int:
        return self.price + self.extras_total

    @property
    def in_resolution(self) -> bool:
        """The Resolution Center overlay: a request is open (the base status is unchanged)."""
        return self.open_request is not None

    @property
    def last_request(self) -> RequestView | None:
        return self.requests[-1] if self.requests else None

    @property
    def standing_delivery(self) -> datetime | None:
        """When the delivery the order rests on was made: while it is delivered or completed
        after a delivery (None in revision, cancelled, or never delivered)."""
        return self.delivered_at if self.status in ("delivered", "completed") else None

    @property
    def final(self) -> bool:
        """Completed or cancelled: nothing more can happen to it."""
        return self.status in FINAL_STATUSES

    @property
    def timely_status(self) -> str:
        """The base status with its lateness: very late > late > the base status."""
        if self.very_late:
            return "very_late"
        if self.late:
            return "late"
        return self.status

    @property
    def display_status(self) -> str:
        """What a party sees first: the Resolution Center overlay > very late > late > base."""
        return "in_resolution" if self.in_resolution else self.timely_status


@dataclass(frozen=True)
class PartyView:
    """Everything one party sees: the clock, its orders and its inbox."""

    party: str
    now: datetime
    orders: tuple[OrderView, ...]
    inbox: tuple[MessageView, ...]


@dataclass(frozen=True)
class EventView:
    """An event of the log, with the parties it concerns (both, unless one party acted)."""

    seq: int
    at: datetime
    type: str
    order: str
    actor: str
    data: Mapping[str, Any]

    @property
    def concerns(self) -> tuple[str, ...]:
        return PARTIES if self.actor == SYSTEM else (other(self.actor),)


@dataclass(frozen=True)
class DeadlineView:
    """A pending deadline and what it will do when the clock reaches it."""

    at: datetime
    kind: str
    order: str
    request: str | None
    request_type: str | None
    outcome: str


@dataclass(frozen=True)
class HistoryEntry:
    """One step of a simulation's history: its number (from 1), kind, the simulated time it was
    taken at, its record (what was done, as the journal keeps it: engine/journal.py), the events
    it caused, and whether it was taken back (`undone`: it can be put back with `redo`)."""

    number: int
    kind: str
    at: datetime
    record: Mapping[str, Any]
    events: tuple[EventView, ...]
    undone: bool = False

    @property
    def party(self) -> str | None:
        """Who acted (an action), else None."""
        return self.record.get("party")

    @property
    def seat(self) -> str | None:
        """Whose window took the step ("trainer", "buyer", "freelancer"), or None where it was
        not said (a step of the Python API, or of a file from before seats were recorded)."""
        seat = self.record.get("seat")
        return seat if isinstance(seat, str) else None

    @property
    def action(self) -> str | None:
        return self.record.get("action")

    @property
    def order(self) -> str | None:
        """The order acted on (an action), else None."""
        return self.record.get("order")

    @property
    def to(self) -> datetime | None:
        """Where the clock moved to (a clock move), else None."""
        to = self.record.get("to")
        return to_datetime(parse_iso(to)) if self.kind == "clock" and isinstance(to, str) else None

    @property
    def orders(self) -> tuple[str, ...]:
        """The orders added (a batch of orders), else ()."""
        specs = self.record.get("orders") if self.kind == "orders" else None
        return tuple(spec["id"] for spec in specs or ())


@dataclass(frozen=True)
class BranchOrigin:
    """Where a branch came from: the simulation file (None: one in memory) and the step."""

    file: Path | None
    step: int


@dataclass(frozen=True)
class Synced:
    """What other processes did to a simulation file since this process last looked, as
    `Simulation.take_in` found it: the steps they took back (in effect here before, no longer),
    then the steps they put back and the steps they took, each with the events it caused, in
    the order of the journal; `restarted` when the file holds another simulation altogether now
    (started afresh under its name): then nothing else is said. All empty: only the steps that
    can be put back changed (a step was taken and taken back again meanwhile)."""

    taken_back: tuple[HistoryEntry, ...] = ()
    put_back: tuple[HistoryEntry, ...] = ()
    taken: tuple[HistoryEntry, ...] = ()
    restarted: bool = False

    @property
    def steps(self) -> tuple[HistoryEntry, ...]:
        """The steps in effect now that were not before (put back or taken), in order."""
        return tuple(sorted(self.put_back + self.taken, key=lambda entry: entry.number))

    @property
    def events(self) -> tuple[EventView, ...]:
        """The events of those steps, in order."""
        return tuple(event for step in self.steps for event in step.events)

    def touches(self, order: str) -> bool:
        """Whether a step taken back, put back or taken acted on `order`, or caused an event
        on it (a deadline that fired there)."""
        return any(step.order == order or any(e.order == order for e in step.events)
                   for step in self.taken_back + self.put_back + self.taken)

    @property
    def clock_moved(self) -> bool:
        return any(step.kind == "clock" for step in self.taken_back + self.put_back + self.taken)


@dataclass(frozen=True)
class OrderFacts:
    """What a comparison looks at in an order: its status, its open request (type and who
    asked), its total in cents, and how it was cancelled ("mutual", "direct" or None)."""

    status: str
    open_request: str | None
    requester: str | None
    total: int
    cancellation: str | None

    @classmethod
    def of(cls, view: OrderView) -> OrderFacts:
        request = view.open_request
        return cls(view.status, request.type if request else None,
                   request.requester if request else None, view.total,
                   (view.cancellation or {}).get("kind"))


@dataclass(frozen=True)
class OrderDifference:
    """An order that differs between two simulations: its facts in each (None: not there) and
    the names of the facts that differ ("status", "open_request", "total", "cancellation";
    "order" when it exists in one only)."""

    order: str
    here: OrderFacts | None
    there: OrderFacts | None
    fields: tuple[str, ...]


@dataclass(frozen=True)
class RuleDifference:
    """A rule (by the name the rules data gives it, "policy" included) whose value differs
    between two simulations now: its value in each (None: not there)."""

    name: str
    here: Any
    there: Any


@dataclass(frozen=True)
class Comparison:
    """Two simulations side by side (`Simulation.compare`).

    `parted_at`: the first step at which their histories differ (0: they start differently,
    other rules or another start; None: the same steps); `here_step` and `there_step` are that
    step in each (None where one history ends before it). `orders`: every order whose facts
    differ now, in the order of this simulation's orders, then the other's. `here_now` and
    `there_now`: each one's clock; `rules`: every rule whose value differs now, in the rules
    data's order; `policy`: this simulation's policy."""

    parted_at: int | None
    here_steps: int
    there_steps: int
    here_step: JournalEntry | None
    there_step: JournalEntry | None
    orders: tuple[OrderDifference, ...]
    here_now: datetime | None = None
    there_now: datetime | None = None
    rules: tuple[RuleDifference, ...] = ()
    policy: str = ""

    @property
    def clocks_differ(self) -> bool:
        return self.here_now != self.there_now

    @property
    def equal(self) -> bool:
        return (self.parted_at is None and not self.orders and not self.rules
                and not self.clocks_differ)
