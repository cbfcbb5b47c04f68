"""Records the engine keeps (orders, requests, messages, events) and their stored form."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

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
BASE_STATUSES: tuple[Status, ...] = tuple(Status)
FINAL_STATUSES = frozenset({Status.COMPLETED, Status.CANCELLED})
REQUEST_TYPES: tuple[RequestType, ...] = tuple(RequestType)
REQUEST_STATES: tuple[RequestState, ...] = tuple(RequestState)
SYSTEM = "system"
"""The actor of what the clock does (timeouts, automatic completion) and of set-up."""


def other(party: str) -> Party:
    """The party on the other side."""
    return Party.FREELANCER if party == Party.BUYER else Party.BUYER


def _ts(value: int | None) -> str | None:
    return None if value is None else iso(value)


def _from_ts(value: str | None) -> int | None:
    return None if value is None else parse_iso(value)


@dataclass(slots=True)
class Order:
    """An order. Its base status is stored; lateness and the overlay are derived."""

    id: str
    title: str
    price: int  # cents
    delivery_days: int
    status: str
    created: int
    due: int | None = None
    extras_total: int = 0  # cents
    delivered_at: int | None = None
    review_deadline: int | None = None  # auto-complete instant while it runs
    review_remaining: int | None = None  # seconds left while a request pauses it
    review_seq: int = 0
    closed_at: int | None = None
    cancellation: dict[str, Any] | None = None
    open_request: str | None = None
    requests: list[str] = field(default_factory=list)

    def to_doc(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "price": self.price,
            "delivery_days": self.delivery_days, "status": self.status,
            "created": iso(self.created), "due": _ts(self.due), "extras_total": self.extras_total,
            "delivered_at": _ts(self.delivered_at), "review_deadline": _ts(self.review_deadline),
            "review_remaining": self.review_remaining, "review_seq": self.review_seq,
            "closed_at": _ts(self.closed_at), "cancellation": self.cancellation,
            "open_request": self.open_request, "requests": list(self.requests),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Order:
        """The order a stored document holds (its fields checked: engine/consistency.py)."""
        ts = _from_ts
        return cls(doc["id"], doc["title"], doc["price"], doc["delivery_days"], doc["status"],
                   parse_iso(doc["created"]), ts(doc["due"]), doc["extras_total"],
                   ts(doc["delivered_at"]), ts(doc["review_deadline"]), doc["review_remaining"],
                   doc["review_seq"], ts(doc["closed_at"]), doc["cancellation"],
                   doc["open_request"], list(doc["requests"]))


@dataclass(slots=True)
class Request:
    """A Resolution Center (or order page) request: opened by one party, answered by the other."""

    id: str
    order: str
    type: str
    requester: str
    responder: str
    state: str
    opened_at: int
    deadline: int
    seq: int
    closed_at: int | None = None
    reason: str | None = None
    comment: str | None = None
    days: int | None = None
    extra_price: int = 0  # cents
    extra_description: str | None = None
    answer: str | None = None

    def to_doc(self) -> dict[str, Any]:
        return {
            "id": self.id, "order": self.order, "type": self.type, "requester": self.requester,
            "responder": self.responder, "state": self.state, "opened_at": iso(self.opened_at),
            "deadline": iso(self.deadline), "seq": self.seq, "closed_at": _ts(self.closed_at),
            "reason": self.reason, "comment": self.comment, "days": self.days,
            "extra_price": self.extra_price, "extra_description": self.extra_description,
            "answer": self.answer,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Request:
        return cls(
            id=doc["id"], order=doc["order"], type=doc["type"], requester=doc["requester"],
            responder=doc["responder"], state=doc["state"], opened_at=parse_iso(doc["opened_at"]),
            deadline=parse_iso(doc["deadline"]), seq=int(doc["seq"]),
            closed_at=_from_ts(doc["closed_at"]), reason=doc["reason"], comment=doc["comment"],
            days=doc["days"], extra_price=int(doc["extra_price"]),
            extra_description=doc["extra_description"], answer=doc["answer"],
        )


@dataclass(frozen=True, slots=True)
class Message:
    """What one party wrote (or chose as a reason) and the other party received."""

    id: int
    order: str
    at: int
    sender: str
    recipient: str
    action: str
    text: str
    reason: str | None = None
    request: str | None = None

    def to_doc(self) -> dict[str, Any]:
        return {"id": self.id, "order": self.order, "at": iso(self.at), "sender": self.sender,
                "recipient": self.recipient, "action": self.action, "text": self.text,
                "reason": self.reason, "request": self.request}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Message:
        return cls(id=int(doc["id"]), order=doc["order"], at=parse_iso(doc["at"]),
                   sender=doc["sender"], recipient=doc["recipient"], action=doc["action"],
                   text=doc["text"], reason=doc["reason"], request=doc["request"])


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the append-only event log, stamped with the simulated time it happened."""

    seq: int
    at: int
    type: str
    order: str
    actor: str  # "buyer", "freelancer" or "system"
    data: dict[str, Any]

    def to_doc(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": iso(self.at), "type": self.type, "order": self.order,
                "actor": self.actor, "data": self.data}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Event:
        return cls(doc["seq"], parse_iso(doc["at"]), doc["type"], doc["order"], doc["actor"],
                   doc["data"])
