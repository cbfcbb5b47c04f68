"""Records the engine keeps (orders, requests, messages, events) and their stored form."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from .timeutil import iso, parse_iso

# The names of RULES.md Part 1 as enumerations the type checker sees. Each member *is* its
# text ("buyer" == Party.BUYER): files, scenario files and translation keys are unchanged.

class Name(StrEnum):
    """A name of the rules: written, compared and shown as its text, also by repr()."""

    def __repr__(self) -> str:
        return repr(self.value)


class Party(Name):
    """The two parties. Customer Support is not one."""

    BUYER = "buyer"
    FREELANCER = "freelancer"


class Status(Name):
    """An order's base status (late and very late are derived, never stored)."""

    INCOMPLETE = "incomplete"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    IN_REVISION = "in_revision"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class RequestType(Name):
    """What a request of the Resolution Center (or the order page) asks for."""

    ORDER_UPDATE = "order_update"
    CANCELLATION = "cancellation"
    EXTENSION = "extension"


class RequestState(Name):
    """A request is open, then exactly one of the others; only an open one can change."""

    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    ANSWERED = "answered"


class Action(Name):
    """What a party can do (RULES.md Part 1, "Actions and their fields")."""

    SUBMIT_REQUIREMENTS = "submit_requirements"
    DELIVER = "deliver"
    ACCEPT_DELIVERY = "accept_delivery"
    REQUEST_REVISION = "request_revision"
    CANCEL_ORDER = "cancel_order"
    REQUEST_UPDATE = "request_update"
    ASK_TO_CANCEL = "ask_to_cancel"
    REQUEST_EXTENSION = "request_extension"
    RESPOND_UPDATE = "respond_update"
    ACCEPT = "accept"
    DECLINE = "decline"
    WITHDRAW = "withdraw"


PARTIES: tuple[Party, ...] = tuple(Party)
SEATS: tuple[str, ...] = ("trainer", *PARTIES)
"""Whose window took a step: the trainer's (both parties, the clock) or a party's own."""
BASE_STATUSES: tuple[Status, ...] = tuple(Status)
FINAL_STATUSES = frozenset({Status.COMPLETED, Status.CANCELLED})
REQUEST_TYPES: tuple[RequestType, ...] = tuple(RequestType)
REQUEST_STATES: tuple[RequestState, ...] = tuple(RequestState)
SYSTEM = "system"
"""The actor of what the clock does (timeouts, automatic completion) and of set-up."""


def other(party: str) -> Party:
    """The party on the other side."""
    return Party.FREELANCER if party == Party.BUYER else Party.BUYER


def instant(default: Any = dataclasses.MISSING) -> Any:
    """A field that holds an instant: whole seconds in memory, ISO 8601 text in the file."""
    return field(default=default, metadata={"store": "instant"})


def copied(default: Any = None, *, factory: Any = dataclasses.MISSING) -> Any:
    """A field that holds a list or a table: copied when stored and when read."""
    if factory is not dataclasses.MISSING:
        return field(default_factory=factory, metadata={"store": "copy"})
    return field(default=default, metadata={"store": "copy"})


def named(kind: type[StrEnum], default: Any = dataclasses.MISSING) -> Any:
    """A field that holds one of the rules' names (`kind`): its text in the file."""
    return field(default=default, metadata={"store": kind})


class Record:
    """`to_doc` and `from_doc` for a record dataclass, from its fields: the stored document has
    the fields in their order, instants as ISO text, lists and tables copied. One place, so a
    field added to a record is stored and read back without a second list of names."""

    __slots__ = ()
    # Each record class's own (set on first use, read from the class's own __dict__)
    _codec_cache: ClassVar[tuple[tuple[str, Any], ...]]

    @classmethod
    def _codec(cls) -> tuple[tuple[str, Any], ...]:
        # (name, how it is stored: None as it is, "instant", "copy" or a name's enumeration)
        codec: tuple[tuple[str, Any], ...] | None = cls.__dict__.get("_codec_cache")
        if codec is None:
            codec = tuple((f.name, f.metadata.get("store"))
                          for f in dataclasses.fields(cls))  # type: ignore[arg-type]
            cls._codec_cache = codec
        return codec

    def to_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {}
        for name, how in self._codec():
            value = getattr(self, name)
            if value is not None and how is not None:
                value = (iso(value) if how == "instant" else type(value)(value) if how == "copy"
                         else str(value))
            doc[name] = value
        return doc

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Any:
        """The record a stored document holds (its fields checked: engine/consistency.py)."""
        values = []
        for name, how in cls._codec():
            value = doc[name]
            if value is not None and how is not None:
                if how == "instant":
                    value = parse_iso(value)
                elif how == "copy":
                    value = type(value)(value)
                else:
                    # (not a name of the rules: left as it is, the consistency check says so)
                    with contextlib.suppress(ValueError):
                        value = how(value)
            values.append(value)
        return cls(*values)


@dataclass(slots=True)
class Order(Record):
    """An order. Its base status is stored; lateness and the overlay are derived."""

    id: str
    title: str
    price: int  # cents
    delivery_days: int
    status: Status = named(Status)
    created: int = instant()
    due: int | None = instant(None)
    extras_total: int = 0  # cents
    delivered_at: int | None = instant(None)
    review_deadline: int | None = instant(None)  # auto-complete instant while it runs
    review_remaining: int | None = None  # seconds left while a request pauses it
    review_seq: int = 0
    closed_at: int | None = instant(None)
    cancellation: dict[str, Any] | None = copied()
    open_request: str | None = None
    requests: list[str] = copied(factory=list)


@dataclass(slots=True)
class Request(Record):
    """A Resolution Center (or order page) request: opened by one party, answered by the other."""

    id: str
    order: str
    type: RequestType = named(RequestType)
    requester: Party = named(Party)
    responder: Party = named(Party)
    state: RequestState = named(RequestState)
    opened_at: int = instant()
    deadline: int = instant()
    seq: int = 0
    closed_at: int | None = instant(None)
    reason: str | None = None
    comment: str | None = None
    days: int | None = None
    extra_price: int = 0  # cents
    extra_description: str | None = None
    answer: str | None = None


@dataclass(frozen=True, slots=True)
class Message(Record):
    """What one party wrote (or chose as a reason) and the other party received."""

    id: int
    order: str
    at: int = instant()
    sender: str = ""
    recipient: str = ""
    action: str = ""
    text: str = ""
    reason: str | None = None
    request: str | None = None


@dataclass(frozen=True, slots=True)
class Event(Record):
    """One entry of the append-only event log, stamped with the simulated time it happened."""

    seq: int
    at: int = instant()
    type: str = ""
    order: str = ""
    actor: str = ""  # "buyer", "freelancer" or "system"
    data: dict[str, Any] = copied(factory=dict)
