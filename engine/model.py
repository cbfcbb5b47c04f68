"""Records the engine keeps (orders, requests, messages, events) and their stored form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .timeutil import iso, parse_iso

PARTIES = ("buyer", "freelancer")
BASE_STATUSES = ("incomplete", "in_progress", "delivered", "in_revision", "completed", "cancelled")
FINAL_STATUSES = frozenset({"completed", "cancelled"})
REQUEST_TYPES = ("order_update", "cancellation", "extension")
REQUEST_STATES = ("open", "accepted", "declined", "withdrawn", "expired", "answered")
SYSTEM = "system"


def other(party: str) -> str:
    """The party on the other side."""
    return "freelancer" if party == "buyer" else "buyer"


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
