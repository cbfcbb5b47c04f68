"""The rules themselves: checks, effects and deadlines over one simulation's state.

Every public method either raises a Refusal before touching anything, or applies its whole
effect. Each change comes in two halves: a check that changes nothing (`prepare_order`,
`prepare_act`, `check_advance`) and the effect of what it let through (`insert_order`, `perform`,
`move_clock`), so that a step can be written to the journal after its check and before its
effect. Deadlines are stored timestamps; a heap over them is rebuilt on load and walked in
(deadline, creation order) when the clock moves, so each fires once, at its own instant.
What a party gives is checked in engine/field_checks.py, and the deadlines pending are read from
the heap in engine/deadlines.py.
"""

from __future__ import annotations

import heapq
from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Any

from . import deadlines
from .deadlines import Deadline
from .errors import InputError, Refusal
from .field_checks import NewOrder, action_fields, new_order, storable
from .model import (
    FINAL_STATUSES,
    PARTIES,
    SYSTEM,
    Action,
    Event,
    Message,
    Order,
    Party,
    Request,
    RequestState,
    RequestType,
    Status,
    other,
)
from .rules import ACTIONS, ANSWER_ACTIONS, OPENING_ACTIONS, Rules
from .timeutil import CALENDAR_END, CLOCK_LIMIT, DAY, iso


@dataclass(frozen=True, slots=True)
class Prepared:
    """An action checked and ready to apply: the request it answers and its normalised fields."""

    party: str
    action: str
    order: Order
    request: Request | None
    fields: dict[str, Any]
    request_id: str | None  # as given (None: the order's open request)


@dataclass(frozen=True)
class Check:
    """What a check found: the order, the request an answer acts on, and the field spec."""

    order: Order
    request: Request | None
    fields: Mapping[str, str]


class State:
    """One simulation's rules, clock and records, with the rule engine's operations on them."""

    def __init__(self, rules: Rules, now: int) -> None:
        self.rules = rules
        self.now = now
        self.orders: dict[str, Order] = {}
        self.requests: dict[str, Request] = {}
        self.messages: list[Message] = []
        self.threads: dict[str, list[Message]] = {}  # order id -> its messages, in order
        self.events: list[Event] = []
        self.counters = {"request": 0, "message": 0, "event": 0, "deadline": 0}
        self._heap: list[tuple[int, int, str, str]] = []

    # ---------------------------------------------------------------- derived facts

    def is_late(self, order: Order) -> bool:
        """An in-progress order is late once the clock is past its due date."""
        return order.status == Status.IN_PROGRESS and order.due is not None and self.now > order.due

    def is_very_late(self, order: Order) -> bool:
        """An in-progress order is very late from `very_late_hours` after its due date on."""
        return (order.status == Status.IN_PROGRESS and order.due is not None
                and self.now >= order.due + self.rules.very_late_seconds)

    def order(self, order_id: str) -> Order:
        """The order with this id, or a refusal naming it."""
        try:
            return self.orders[order_id]
        except (KeyError, TypeError):
            raise Refusal("unknown_order", order=order_id) from None

    # ---------------------------------------------------------------- orders

    def add_order(self, order_id: str, title: str, price: Any, delivery_days: Any,
                  status: str = Status.IN_PROGRESS, due: int | None = None) -> list[Event]:
        """Add an order in a starting status; `due` (a timestamp) overrides now + delivery_days."""
        return self.insert_order(self.prepare_order(order_id, title, price, delivery_days, status, due))

    def prepare_order(self, order_id: Any, title: Any, price: Any, delivery_days: Any,
                      status: Any = Status.IN_PROGRESS, due: int | None = None,
                      adding: Container[str] = ()) -> NewOrder:
        """Check an order to add, changing nothing: the order it would be, or the refusal.
        `adding` holds the ids of orders checked before it in the same batch (not added yet)."""
        return new_order(order_id, title, price, delivery_days, status, due, (self.orders, adding))

    def insert_order(self, new: NewOrder) -> list[Event]:
        """Add an order `prepare_order` checked (against this state, as it still is)."""
        order = Order(id=new.id, title=new.title, price=new.price, delivery_days=new.delivery_days,
                      status=new.status, created=self.now)
        if new.status != Status.INCOMPLETE:
            order.due = new.due if new.due is not None else self.now + new.delivery_days * DAY
        if new.status == Status.DELIVERED:
            order.delivered_at = self.now
            self._start_review(order, self.rules.auto_complete_seconds)
        self.orders[new.id] = order
        return [self._event("order_added", new.id, SYSTEM, {
            "title": new.title, "price": new.price, "delivery_days": new.delivery_days,
            "status": new.status, "due": iso(order.due) if order.due is not None else None,
        })]

    # ---------------------------------------------------------------- checks

    def check(self, party: str, action: str, order_id: str, request_id: str | None = None) -> Check:
        """Raise the refusal a party would get for this action on this order now, or pass."""
        if party not in PARTIES:
            raise InputError("unknown_party", party=party)
        if action not in ACTIONS:
            raise InputError("unknown_action", action=action)
        order = self.order(order_id)
        if order.status in FINAL_STATUSES:
            raise Refusal("order_final", order=order.id, status=order.status)
        roles = self.rules.roles(action)
        if action in ANSWER_ACTIONS:
            request = self._target_request(order, request_id)
            role = Rules.role_for(action, party)  # who answers: the rules' one table
            if role == "requester" and party != request.requester:
                raise Refusal("not_requester", requester=request.requester, request=request.id)
            if role == "responder" and party != request.responder:
                raise Refusal("not_responder", responder=request.responder, request=request.id)
            if action != Action.WITHDRAW and action not in self.rules.answers(request.type):
                raise Refusal("wrong_answer", request_type=request.type, action=action,
                              answers=self.rules.answers(request.type))
            if action == Action.ACCEPT and request.type == RequestType.EXTENSION:
                self.extended_due(order, request.days or 0, self.now, request=request.id)
            spec = roles.get(role)
            if spec is None:  # the rules data gives nobody this answer
                raise Refusal("wrong_party", allowed=(), action=action)
            return Check(order, request, spec["fields"])
        spec = roles.get(party)
        if spec is None:
            raise Refusal("wrong_party", allowed=tuple(roles), action=action)
        allowed = spec["while"]
        if not (order.status in allowed or ("very_late" in allowed and self.is_very_late(order))):
            if action == Action.CANCEL_ORDER:
                raise Refusal("direct_cancel_not_allowed", order=order.id, status=self.display_status(order))
            raise Refusal("wrong_status", action=action, status=self.display_status(order),
                          allowed=tuple(allowed))
        if order.open_request and (action in OPENING_ACTIONS or spec.get("blocked_by_open_request")):
            open_request = self.requests[order.open_request]
            code = "request_open" if action in OPENING_ACTIONS else "request_blocks"
            raise Refusal(code, order=order.id, request=open_request.id,
                          request_type=open_request.type, action=action)
        return Check(order, None, spec["fields"])

    def display_status(self, order: Order) -> str:
        """The status a party sees first: very late > late > the base status (no overlay)."""
        if self.is_very_late(order):
            return "very_late"
        if self.is_late(order):
            return "late"
        return order.status

    def _target_request(self, order: Order, request_id: str | None) -> Request:
        if request_id is not None:
            # a scenario or the UI may pass any value here: a non-text id is simply unknown
            request = self.requests.get(request_id) if isinstance(request_id, str) else None
            if request is None or request.order != order.id:
                raise Refusal("unknown_request", request=request_id, order=order.id)
            if request.state != RequestState.OPEN:
                raise Refusal("request_ended", request=request.id, order=order.id, state=request.state)
            return request
        if order.open_request is None:
            raise Refusal("no_open_request", order=order.id)
        return self.requests[order.open_request]

    def fields(self, party: str, action: str, spec: Mapping[str, str],
               given: Mapping[str, Any]) -> dict[str, Any]:
        """The action's fields, checked against the spec and normalised (money in cents;
        engine/field_checks.py)."""
        return action_fields(self.rules, party, action, spec, given)

    storable = staticmethod(storable)

    # ---------------------------------------------------------------- acting

    def act(self, party: str, action: str, order_id: str, given: Mapping[str, Any]) -> list[Event]:
        """Check and apply one party's action; returns the events it produced."""
        return self.perform(self.prepare_act(party, action, order_id, given))

    def prepare_act(self, party: str, action: str, order_id: str,
                    given: Mapping[str, Any]) -> Prepared:
        """Check one party's action in full, changing nothing: what `perform` will apply (the
        fields normalised, money in cents), or the refusal."""
        given = dict(given)
        request_id = given.pop("request", None)
        found = self.check(party, action, order_id, request_id)
        fields = self.fields(party, action, found.fields, given)
        if OPENING_ACTIONS.get(action) == RequestType.EXTENSION:  # accepting it could not be done
            self.extended_due(found.order, fields.get("days") or 0, self.now)
        return Prepared(party, action, found.order, found.request, fields, request_id)

    def perform(self, prepared: Prepared) -> list[Event]:
        """Apply an action `prepare_act` checked (on this state, as it still is)."""
        party, action, order, request, fields = (prepared.party, prepared.action, prepared.order,
                                                 prepared.request, prepared.fields)
        if action in OPENING_ACTIONS:
            return self._open(party, action, order, fields)
        if request is not None:
            return self._answer(party, action, order, request, fields)
        return getattr(self, f"_do_{action}")(party, order, fields)

    def _do_submit_requirements(self, party: str, order: Order, fields: dict) -> list[Event]:
        order.status = Status.IN_PROGRESS
        order.due = self.now + order.delivery_days * DAY
        return [self._event("submit_requirements", order.id, party, {"due": iso(order.due)})]

    def _do_deliver(self, party: str, order: Order, fields: dict) -> list[Event]:
        order.status = Status.DELIVERED
        order.delivered_at = self.now
        self._start_review(order, self.rules.auto_complete_seconds)
        self._message(order, party, Action.DELIVER, fields)
        return [self._event(Action.DELIVER, order.id, party, fields)]

    def _do_accept_delivery(self, party: str, order: Order, fields: dict) -> list[Event]:
        self._complete(order)
        return [self._event("accept_delivery", order.id, party, {})]

    def _do_request_revision(self, party: str, order: Order, fields: dict) -> list[Event]:
        order.status = Status.IN_REVISION
        order.review_deadline = order.review_remaining = None
        self._message(order, party, "request_revision", fields)
        return [self._event("request_revision", order.id, party, fields)]

    def _do_cancel_order(self, party: str, order: Order, fields: dict) -> list[Event]:
        was = Status.INCOMPLETE if order.status == Status.INCOMPLETE else "very_late"
        self._cancel(order, kind="direct", initiator=party, resolved_by="direct", request=None)
        self._message(order, party, "cancel_order", fields)
        return [self._event("cancel_order", order.id, party, {**fields, "while": was})]

    def extended_due(self, order: Order, days: int, at: int, request: str | None = None) -> int:
        """The due date an extension of `days` accepted at `at` gives the order, or the refusal
        saying that it would leave the calendar (and how many days still fit)."""
        base = order.due if order.due is not None else at
        due = base + days * DAY
        if due > CALENDAR_END:
            raise Refusal("extension_past_calendar", order=order.id, days=days,
                          most=max(0, (CALENDAR_END - base) // DAY), limit=iso(CALENDAR_END),
                          **({"request": request} if request else {}))
        return due

    def _open(self, party: str, action: str, order: Order, fields: dict) -> list[Event]:
        rtype = OPENING_ACTIONS[action]  # (an extension that could not be accepted: prepare_act)
        self.counters["request"] += 1
        request = Request(
            id=f"R-{self.counters['request']}", order=order.id, type=rtype, requester=Party(party),
            responder=other(party), state=RequestState.OPEN, opened_at=self.now,
            deadline=self.now + self.rules.response_seconds[rtype], seq=self._next_seq(),
            reason=fields.get("reason"), comment=fields.get("comment"), days=fields.get("days"),
            extra_price=fields.get("extra_price", 0), extra_description=fields.get("extra_description"),
        )
        self.requests[request.id] = request
        order.requests.append(request.id)
        order.open_request = request.id
        if order.review_deadline is not None:  # the auto-complete waits while a request is open
            order.review_remaining = order.review_deadline - self.now
            order.review_deadline = None
        heapq.heappush(self._heap, (request.deadline, request.seq, "request", request.id))
        self._message(order, party, action, fields, request=request.id)
        return [self._event(action, order.id, party, {
            **fields, "request": request.id, "request_type": rtype, "deadline": iso(request.deadline),
        })]

    def _answer(self, party: str, action: str, order: Order, request: Request,
                fields: dict) -> list[Event]:
        data: dict[str, Any] = {**fields, "request": request.id, "request_type": request.type,
                                "requester": request.requester}
        request.answer = fields.get("comment")
        if action == Action.WITHDRAW:
            self._close(request, RequestState.WITHDRAWN)
        elif action == Action.DECLINE:
            self._close(request, RequestState.DECLINED)
        elif action == Action.RESPOND_UPDATE:
            self._close(request, RequestState.ANSWERED)
        else:  # accept
            data["effect"] = self._apply_accept(request)
        data.update(self._outcome_facts(request))
        self._message(order, party, action, fields, request=request.id)
        return [self._event(action, order.id, party, data)]

    def _outcome_facts(self, request: Request) -> dict[str, Any]:
        """What a sentence about a closed request needs to say what happens next: for an
        extension, the delivery date after it (moved or kept) and the extras it added."""
        if request.type != RequestType.EXTENSION:
            return {}
        order = self.orders[request.order]
        return {"due": iso(order.due) if order.due is not None else None,
                "extras_added": request.extra_price if request.state == RequestState.ACCEPTED else 0}

    def _apply_accept(self, request: Request) -> str:
        order = self.orders[request.order]
        self._close(request, RequestState.ACCEPTED)
        if request.type == RequestType.CANCELLATION:
            self._cancel(order, kind="mutual", initiator=request.requester,
                         resolved_by="accept", request=request.id)
            return "cancelled"
        if request.type == RequestType.EXTENSION:  # checked before (check, or advance_to for a timeout)
            order.due = (order.due if order.due is not None else self.now) + (request.days or 0) * DAY
            order.extras_total += request.extra_price
            return "due_moved"
        return "none"

    # ---------------------------------------------------------------- shared effects

    def _close(self, request: Request, state: RequestState) -> None:
        request.state = state
        request.closed_at = self.now
        order = self.orders[request.order]
        order.open_request = None
        if order.status == Status.DELIVERED and order.review_remaining is not None:
            self._start_review(order, order.review_remaining)

    def _start_review(self, order: Order, seconds: int) -> None:
        """Start (or resume) the auto-complete countdown, or hold it while a request is open."""
        if order.open_request is not None:
            order.review_deadline, order.review_remaining = None, seconds
            return
        order.review_remaining = None
        order.review_deadline = self.now + seconds
        order.review_seq = self._next_seq()
        heapq.heappush(self._heap, (order.review_deadline, order.review_seq, "auto_complete", order.id))

    def _complete(self, order: Order) -> None:
        order.status = Status.COMPLETED
        order.closed_at = self.now
        order.review_deadline = order.review_remaining = None

    def _cancel(self, order: Order, *, kind: str, initiator: str, resolved_by: str,
                request: str | None) -> None:
        order.status = Status.CANCELLED
        order.closed_at = self.now
        order.review_deadline = order.review_remaining = None
        order.cancellation = {"kind": kind, "initiator": initiator, "resolved_by": resolved_by,
                              "request": request}

    def _message(self, order: Order, sender: str, action: str, fields: Mapping[str, Any],
                 request: str | None = None) -> None:
        text, reason = fields.get("comment"), fields.get("reason")
        if text is None and reason is None:
            return
        self.counters["message"] += 1
        message = Message(
            id=self.counters["message"], order=order.id, at=self.now, sender=sender,
            recipient=other(sender), action=action, text=text or "", reason=reason, request=request,
        )
        self.messages.append(message)
        self.threads.setdefault(order.id, []).append(message)

    def _event(self, etype: str, order_id: str, actor: str, data: Mapping[str, Any]) -> Event:
        self.counters["event"] += 1
        event = Event(seq=self.counters["event"], at=self.now, type=etype, order=order_id,
                      actor=actor, data=dict(data))
        self.events.append(event)
        return event

    def _next_seq(self) -> int:
        self.counters["deadline"] += 1
        return self.counters["deadline"]

    # ---------------------------------------------------------------- time

    def _valid(self, at: int, seq: int, kind: str, ref: str) -> bool:
        if kind == "request":
            request = self.requests[ref]
            return request.state == RequestState.OPEN and request.deadline == at and request.seq == seq
        order = self.orders[ref]
        return order.status == Status.DELIVERED and order.review_deadline == at and order.review_seq == seq

    def _clean_top(self) -> None:
        while self._heap and not self._valid(*self._heap[0]):
            heapq.heappop(self._heap)

    def rebuild_indexes(self) -> None:
        """Rebuild what is derived from the records: threads and the deadline heap (after loading)."""
        self.threads = {}
        for message in self.messages:
            self.threads.setdefault(message.order, []).append(message)
        heap = [(r.deadline, r.seq, "request", r.id) for r in self.requests.values() if r.state == RequestState.OPEN]
        heap += [(o.review_deadline, o.review_seq, "auto_complete", o.id)
                 for o in self.orders.values() if o.review_deadline is not None]
        heapq.heapify(heap)
        self._heap = heap

    def timeout_outcome(self, request_type: str) -> str:
        """What an unanswered request of this type does: "expire", "cancel" or "accept"."""
        if request_type == RequestType.CANCELLATION:
            return "cancel"
        if request_type == RequestType.EXTENSION:
            return self.rules.extension_timeout
        return "expire"

    def next_deadline(self) -> Deadline | None:
        """The earliest pending deadline, or None (engine/deadlines.py)."""
        return deadlines.next_deadline(self)

    def next_deadlines(self) -> list[Deadline]:
        """Every pending deadline at the earliest instant, in the order they fire."""
        return deadlines.next_deadlines(self)

    def pending_deadlines(self, limit: int | None = None) -> list[Deadline]:
        """Pending deadlines in the order they will fire."""
        return deadlines.pending_deadlines(self, limit)

    def advance_to(self, target: int) -> list[Event]:
        """Move the clock to `target`, firing every deadline passed at its own instant, in order."""
        self.check_advance(target)
        return self.move_clock(target)

    def check_advance(self, target: int) -> None:
        """Refuse a clock move to `target` the rules do not allow, changing nothing."""
        if target < self.now:
            raise Refusal("clock_backwards", now=iso(self.now), target=iso(target))
        if target > CLOCK_LIMIT:
            raise Refusal("clock_limit", limit=iso(CLOCK_LIMIT))
        self._check_timeouts(target)

    def move_clock(self, target: int) -> list[Event]:
        """Apply a clock move `check_advance` allowed (on this state, as it still is)."""
        fired: list[Event] = []
        heap = self._heap
        while heap and heap[0][0] <= target:
            entry = heapq.heappop(heap)
            if self._valid(*entry):
                self.now = entry[0]
                fired.append(self._fire(entry[2], entry[3]))
        self.now = target
        return fired

    def _check_timeouts(self, target: int) -> None:
        """Refuse a clock move, before anything fires, if an extension it would accept
        automatically (policy `current`) would move a due date past the calendar's end.

        The move is refused as a whole, so nothing is half done; the clock may still move up to
        that deadline, and the request can be declined or withdrawn like any other. Each order
        has at most one open request, and nothing else changes a due date while the clock
        moves, so the due dates read now are the ones the timeouts would extend.
        """
        if self.rules.extension_timeout != "accept":
            return
        for entry in self._heap:
            at, _, kind, ref = entry
            if at > target or kind != "request" or not self._valid(*entry):
                continue
            request = self.requests[ref]
            if request.type != RequestType.EXTENSION:
                continue
            try:
                self.extended_due(self.orders[request.order], request.days or 0, at)
            except Refusal:
                raise Refusal("timeout_past_calendar", order=request.order, request=request.id,
                              at=iso(at), days=request.days or 0,
                              limit=iso(CALENDAR_END)) from None

    def _fire(self, kind: str, ref: str) -> Event:
        if kind == "auto_complete":
            order = self.orders[ref]
            self._complete(order)
            return self._event("auto_complete", order.id, SYSTEM, {})
        request = self.requests[ref]
        data: dict[str, Any] = {"request": request.id, "request_type": request.type,
                                "requester": request.requester}
        if request.type == RequestType.EXTENSION and self.rules.extension_timeout == "accept":
            data["effect"] = self._apply_accept(request)
        else:
            self._close(request, RequestState.EXPIRED)
            if request.type == RequestType.CANCELLATION:
                order = self.orders[request.order]
                self._cancel(order, kind="mutual", initiator=request.requester,
                             resolved_by="timeout", request=request.id)
                data["effect"] = "cancelled"
            else:
                data["effect"] = "none"
        data["outcome"] = request.state
        data.update(self._outcome_facts(request))
        return self._event("timeout", request.order, SYSTEM, data)
