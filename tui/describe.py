"""Translated sentences about the engine's views: events, deadlines, statuses, requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine import DeadlineView, EventView, OrderView, RequestView

from .i18n import fmt_datetime, fmt_money, label, t


def party_label(party: str) -> str:
    return t(f"party.{party}")


def the_party(party: str) -> str:
    """"the buyer" / "the freelancer", for sentences."""
    return t(f"party.{party}.the")


def reason_label(party: str, reason: str | None) -> str:
    return t(f"reason.{party}.{reason}") if reason else ""


def status_label(order: OrderView) -> str:
    """Base status with its lateness flag ("In progress (very late)")."""
    text = label("status", order.status)
    if order.very_late:
        return t("status.with_flag", status=text, flag=t("status.very_late"))
    if order.late:
        return t("status.with_flag", status=text, flag=t("status.late"))
    return text


def cancellation_label(order: OrderView) -> str:
    c = order.cancellation
    if not c:
        return ""
    if c.get("kind") == "direct":
        return t("cancellation.direct", initiator=the_party(c.get("initiator", "buyer")))
    return t(f"cancellation.mutual.{c.get('resolved_by', 'accept')}")


def _when(value: Any) -> str:
    if isinstance(value, str):
        try:
            return fmt_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    return fmt_datetime(value) if isinstance(value, datetime) else ""


def describe_event(event: EventView) -> str:
    """One sentence about what happened."""
    data = event.data
    params = {
        "order": event.order, "actor": party_label(event.actor),
        "type": label("request_word", data.get("request_type")) if data.get("request_type") else "",
        "deadline": _when(data.get("deadline")), "days": data.get("days", ""),
        "status": label("status", data.get("status")) if data.get("status") else "",
    }
    etype = event.type
    if etype == "timeout":
        rtype = data.get("request_type")
        key = f"event.timeout.{rtype}"
        if rtype == "extension":
            key += f".{data.get('outcome', 'expired')}"
        return t(key, **params)
    if etype == "accept" and data.get("effect") in ("cancelled", "due_moved"):
        return t(f"event.accept.{data['effect']}", **params)
    key = f"event.{etype}"
    if key not in _EVENT_KEYS:
        return t("event.unknown", order=event.order, type=etype)
    return t(key, **params)


_EVENT_KEYS = {
    "event.order_added", "event.submit_requirements", "event.deliver", "event.accept_delivery",
    "event.request_revision", "event.cancel_order", "event.request_update", "event.ask_to_cancel",
    "event.request_extension", "event.respond_update", "event.accept", "event.decline",
    "event.withdraw", "event.auto_complete",
}


def describe_deadline(deadline: DeadlineView) -> str:
    """What a pending deadline will do."""
    rtype = label("request_word", deadline.request_type) if deadline.request_type else ""
    return t(f"deadline.{deadline.kind}.{deadline.outcome}", order=deadline.order, type=rtype)


def extras_text(request: RequestView) -> str:
    return t("page.request.extras", description=request.extra_description or "",
             price=fmt_money(request.extra_price))
