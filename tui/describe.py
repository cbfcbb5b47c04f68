"""Translated sentences about the engine's views: events, deadlines, statuses, requests."""

from __future__ import annotations

from engine import DeadlineView, EventView, OrderView, RequestView
from engine.sentences import event_sentence, party_forms

from .i18n import fmt_money, label, t


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
        return t("cancellation.direct", **party_forms("initiator", c.get("initiator", "buyer")))
    return t(f"cancellation.mutual.{c.get('resolved_by', 'accept')}")


def describe_event(event: EventView) -> str:
    """One sentence about what happened (and, for an answer or a timeout, what happens next)."""
    return event_sentence(event)


def describe_deadline(deadline: DeadlineView) -> str:
    """What a pending deadline will do."""
    rtype = label("request_word", deadline.request_type) if deadline.request_type else ""
    return t(f"deadline.{deadline.kind}.{deadline.outcome}", order=deadline.order, type=rtype)


def extras_text(request: RequestView) -> str:
    return t("page.request.extras", description=request.extra_description or "",
             price=fmt_money(request.extra_price))
