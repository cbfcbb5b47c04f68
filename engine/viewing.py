"""The views the facade returns, made from a state's records: orders with their requests and
threads, messages, events, deadlines, and the options a party has on an order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .core import Deadline, State
from .errors import InputError, Refusal
from .model import PARTIES, Event, Message, Order, Request
from .rules import ACTIONS, OPENING_ACTIONS, Rules
from .timeutil import to_datetime
from .views import (
    DeadlineView,
    EventView,
    FieldSpec,
    MessageView,
    Option,
    OrderView,
    RequestView,
)


def snapshot_of(state: State) -> dict[str, Any]:
    """A state as plain data: its clock, counters, rules and records."""
    return {
        "now": state.now, "counters": dict(state.counters), "rules": dict(state.rules.data),
        "orders": [o.to_doc() for o in state.orders.values()],
        "requests": [r.to_doc() for r in state.requests.values()],
        "messages": [m.to_doc() for m in state.messages],
        "events": [e.to_doc() for e in state.events],
    }


def options(state: State, party: str, order: str) -> tuple[Option, ...]:
    """`Simulation.options`, as documented there."""
    state.order(order)  # an unknown order is refused, not listed as all-no
    if party not in PARTIES:
        raise InputError("unknown_party", party=party)
    result = []
    for action in ACTIONS:
        try:
            found = state.check(party, action, order)
        except Refusal as refusal:
            result.append(Option(action, False, refusal, ()))
            continue
        specs = tuple(field_spec(state.rules, party, name, need == "required")
                      for name, need in found.fields.items())
        opens = OPENING_ACTIONS.get(action)
        if opens:
            hours: int | None = state.rules.response_seconds[opens] // 3600
        elif action == "deliver":  # the buyer's time to accept or ask for a revision
            hours = state.rules.auto_complete_seconds // 3600
        else:
            hours = None
        result.append(Option(action, True, None, specs, hours))
    return tuple(result)


def field_spec(rules: Rules, party: str, name: str, required: bool) -> FieldSpec:
    if name == "reason":
        return FieldSpec(name, required, rules.reasons(party))
    if name == "days":
        low, high = rules.extension_days
        return FieldSpec(name, required, low=low, high=high)
    if name == "extra_price":
        return FieldSpec(name, required, low=0)
    return FieldSpec(name, required, high=rules.comment_max_chars)


def request_view(state: State, r: Request) -> RequestView:
    now = state.now
    return RequestView(
        r.id, r.order, r.type, r.requester, r.responder, r.state, to_datetime(r.opened_at),
        to_datetime(r.deadline), dt(r.closed_at), r.deadline - now if r.state == "open" else None,
        r.reason, r.comment, r.days, r.extra_price, r.extra_description, r.answer,
        state.timeout_outcome(r.type))


def order_view(state: State, o: Order) -> OrderView:
    requests = tuple(request_view(state, state.requests[r]) for r in o.requests)
    open_request = next((r for r in requests if r.state == "open"), None)
    return OrderView(
        id=o.id, title=o.title, price=o.price, extras_total=o.extras_total, status=o.status,
        late=state.is_late(o), very_late=state.is_very_late(o), due=dt(o.due),
        due_in=None if o.due is None or o.status != "in_progress" else o.due - state.now,
        delivered_at=dt(o.delivered_at), auto_complete_at=dt(o.review_deadline),
        auto_complete_in=None if o.review_deadline is None else o.review_deadline - state.now,
        auto_complete_paused=o.review_remaining is not None,
        auto_complete_left=o.review_remaining,
        cancellation=dict(o.cancellation) if o.cancellation else None,
        open_request=open_request, requests=requests,
        thread=tuple(message_view(m) for m in state.threads.get(o.id, ())),
    )


def message_view(m: Message) -> MessageView:
    return MessageView(m.id, m.order, to_datetime(m.at), m.sender, m.recipient, m.action, m.text,
                       m.reason, m.request)


def event_view(e: Event) -> EventView:
    return EventView(e.seq, to_datetime(e.at), e.type, e.order, e.actor, e.data)


def deadline_view(d: Deadline) -> DeadlineView:
    return DeadlineView(to_datetime(d.at), d.kind, d.order, d.request, d.request_type, d.outcome)


def dt(ts: int | None) -> datetime | None:
    return None if ts is None else to_datetime(ts)

