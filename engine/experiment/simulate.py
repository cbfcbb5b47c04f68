"""One chunk of an experiment: its orders drawn, then played through the real rule engine.

Each order's *script* (its starting status, delivery days and price, and every party's intent:
whether and when it acts, how it answers) is drawn first, from a `random.Random` seeded by the
experiment's seed, the replication and the chunk (and the arm, without common random numbers);
the draws depend on the experiment file only, never on the rules, so with common random numbers
every arm plays the same orders with the same intents. The scripts are then played on an
in-memory `Simulation` (the public API) with the arm's rules: an intent is an action taken at its
simulated time; the engine decides what it does, refuses what the rules do not allow at that
moment (counted, and dropped), and fires every deadline at its own instant. What happened is
read from the events the engine returns and counted in a `Tally`.
"""

from __future__ import annotations

import gc
import heapq
import itertools
import random
from collections.abc import Callable
from decimal import Decimal
from itertools import count
from typing import Any

from ..errors import Refusal
from ..service import Simulation
from ..timeutil import iso, parse_iso
from ..views import EventView
from .spec import Experiment

CHUNK_ORDERS = 5000
"""Orders per chunk: a unit of work, and of progress. Fixed, so that the results of a seed do not
depend on how the chunks are spread over workers."""
MAX_DELIVERIES = 3
"""A buyer reacts to at most this many deliveries of an order (accept, ask for a revision, or let
it complete by itself); after that, silence."""
COMMENT = "x"  # what a required comment says (the shortest any rules allow)

TALLY = ("orders", "completed", "mutual_silence", "mutual_accepted", "direct", "unresolved",
         "resolved", "resolved_seconds", "delivered", "late_deliveries", "ext_requested",
         "ext_accepted", "ext_declined", "ext_lapsed", "ext_auto_accepted", "extras_cents",
         "cancelled_value_cents", "refused")
"""What a chunk counts (whole numbers, so that sums over chunks are exact in any order)."""

# Intents, in a heap entry's `kind`.
SUBMIT, DELIVER, REACT, REDELIVER, OPEN, ANSWER, CANCEL = range(7)
OPENINGS = ("buyer_ask_to_cancel", "request_update", "freelancer_ask_to_cancel",
            "request_extension")


def chunks(experiment: Experiment) -> int:
    """How many chunks the population is cut into."""
    return -(-experiment.orders // CHUNK_ORDERS)


def chunk_seed(experiment: Experiment, arm: int, replication: int, chunk: int) -> str:
    """The seed of one chunk's draws: from the experiment's seed, the replication and the chunk
    (and the arm, without common random numbers), never from a worker's state."""
    if experiment.common_random_numbers:
        return f"rcsim-experiment/{experiment.seed}/{replication}/{chunk}"
    return f"rcsim-experiment/{experiment.seed}/{arm}/{replication}/{chunk}"


class Script:
    """What one order starts as and what its parties will do, all drawn before it is played
    (times in seconds, None: never)."""

    __slots__ = ("status", "days", "cents", "submit", "cancel", "late", "reactions",
                 "redeliver", "opens", "answers")
    status: str
    days: int
    cents: int
    submit: int | None
    cancel: int | None
    late: int | None

    def __init__(self) -> None:
        self.reactions: list[tuple[str | None, int]] = []
        self.redeliver: list[int | None] = []
        self.opens: list[tuple[int, str, str, dict[str, Any]]] = []
        self.answers: dict[tuple[str, str], tuple[int, bool] | None] = {}


def draw_scripts(experiment: Experiment, rng: random.Random, n: int) -> list[Script]:
    """`n` orders' scripts, each drawn in the same order of draws whatever the rules (what is
    drawn depends on the file and on the order's own earlier draws only)."""
    b = experiment.behaviour
    step = experiment.step
    random_ = rng.random
    hour = 3600 / step

    def timed(spec: Any) -> tuple[float, Callable[[], float]] | None:
        """(probability, a sampler of its time in hours) of a behaviour, or None."""
        return None if spec is None else (spec.probability, spec.when.sampler(rng))

    def seconds(when: Callable[[], float]) -> int:
        """A time drawn (hours), in seconds, rounded to the step; not before its start."""
        steps = round(when() * hour)
        return steps * step if steps > 0 else 0

    def maybe(spec: tuple[float, Callable[[], float]] | None) -> int | None:
        """Whether it happens (its probability), and when."""
        if spec is None or random_() >= spec[0]:
            return None
        return seconds(spec[1])

    statuses = [s for s, _ in experiment.start_status]
    cumulative = list(itertools.accumulate(w for _, w in experiment.start_status))
    choices = rng.choices
    days, price = experiment.delivery_days.sampler(rng), experiment.price.sampler(rng)
    submit, cancel, redeliver = (timed(b.submit_requirements), timed(b.cancel_order),
                                 timed(b.redeliver))
    deliver = timed(b.deliver)
    accept, revise = timed(b.accept_delivery), timed(b.request_revision)
    p_accept = accept[0] if accept else 0.0
    p_revise = p_accept + (revise[0] if revise else 0.0)
    openings = []
    for name in OPENINGS:
        spec = getattr(b, name)
        if spec is not None:
            extension = None
            if name == "request_extension":
                extension = (spec.days.sampler(rng), spec.extra_price.sampler(rng))
            openings.append((name, spec.probability, spec.when.sampler(rng), extension))
    answers = [(key, answer.probability, answer.after.sampler(rng), answer.accept)
               for key, answer in sorted(b.answers.items())]
    scripts = []
    for _ in range(n):
        s = Script()
        s.status = status = choices(statuses, cum_weights=cumulative)[0]
        s.days = min(3650, max(1, round(days())))
        s.cents = max(1, round(price() * 100))
        s.submit = maybe(submit) if status == "incomplete" else None
        s.cancel = maybe(cancel)
        if deliver is not None and random_() < deliver[0]:
            s.late = round(deliver[1]() * hour) * step  # early: negative
        else:
            s.late = None
        reactions, redeliveries = s.reactions, s.redeliver
        for _ in range(MAX_DELIVERIES):
            u = random_()
            if accept is not None and u < p_accept:
                reactions.append(("accept", seconds(accept[1])))
            elif revise is not None and u < p_revise:
                reactions.append(("revise", seconds(revise[1])))
            else:
                reactions.append((None, 0))
            redeliveries.append(maybe(redeliver))
        for name, probability, when, extension in openings:
            if random_() >= probability:
                continue
            at = seconds(when)
            if extension is not None:
                fields: dict[str, Any] = {"days": max(1, round(extension[0]()))}
                extra = max(0, round(extension[1]() * 100))
                if extra:
                    fields.update(extra_price=Decimal(extra).scaleb(-2),
                                  extra_description=COMMENT)
                s.opens.append((at, "freelancer", "request_extension", fields))
            elif name == "request_update":
                s.opens.append((at, "buyer", "request_update", {}))
            elif name == "buyer_ask_to_cancel":
                s.opens.append((at, "buyer", "ask_to_cancel", {"comment": COMMENT}))
            else:
                s.opens.append((at, "freelancer", "ask_to_cancel", {}))
        for key, probability, after, accepts in answers:
            if random_() < probability:
                steps = round(after() * hour)
                s.answers[key] = (steps * step if steps > 0 else 0, random_() < accepts)
            else:
                s.answers[key] = None
        scripts.append(s)
    return scripts


class _Order:
    __slots__ = ("script", "status", "due", "request", "deliveries", "revisions", "extras")

    def __init__(self, script: Script, due: int | None) -> None:
        self.script = script
        self.status = script.status
        self.due = due
        self.request: tuple[str, str, str] | None = None  # (id, type, requester)
        self.deliveries = 1 if script.status == "delivered" else 0  # made so far
        self.revisions = 0
        self.extras = 0


def run_chunk(experiment: Experiment, arm: int, replication: int, chunk: int) -> dict[str, int]:
    """Play one chunk of the population under one arm's rules; what happened, counted."""
    rng = random.Random(chunk_seed(experiment, arm, replication, chunk))
    first = chunk * CHUNK_ORDERS
    n = min(CHUNK_ORDERS, experiment.orders - first)
    # Thousands of records that hold no cycles, made and dropped at once: the cyclic collector
    # would walk them again and again for nothing (about a tenth of the time, measured).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Play(experiment, arm, draw_scripts(experiment, rng, n), first).run()
    finally:
        if collecting:
            gc.enable()


class _Play:
    """Scripts played on one in-memory simulation with one arm's rules."""

    def __init__(self, experiment: Experiment, arm: int, scripts: list[Script], first: int) -> None:
        spec = experiment.arms[arm]
        self.start = experiment.start
        self.end = experiment.start + experiment.horizon
        self.sim = Simulation.create(None, start=iso(self.start), policy=spec.policy,
                                     rules=spec.rules)
        self.very_late = self.sim.rules.very_late_seconds
        reasons = self.sim.rules.reasons("freelancer")
        self.reason = "other" if "other" in reasons else reasons[0]
        self.first = first
        self.tally = dict.fromkeys(TALLY, 0)
        self.tally["orders"] = len(scripts)
        self.heap: list[tuple[int, int, int, int, Any]] = []
        self.seq = count()
        self.now = self.start
        specs, self.orders = [], []
        self.ids = [f"O{first + index}" for index in range(len(scripts))]
        self.index = {order_id: index for index, order_id in enumerate(self.ids)}
        for index, script in enumerate(scripts):
            due = self.start + script.days * 86400 if script.status == "in_progress" else None
            self.orders.append(_Order(script, due))
            specs.append({"id": self.ids[index], "title": "order",
                          "price": Decimal(script.cents).scaleb(-2),
                          "delivery_days": script.days, "status": script.status})
        self.sim.add_orders(specs)

    def push(self, at: int, kind: int, index: int, payload: Any = None) -> None:
        now = self.now
        heapq.heappush(self.heap, (at if at > now else now, next(self.seq), index, kind, payload))

    def run(self) -> dict[str, int]:
        for index, order in enumerate(self.orders):
            script = order.script
            if order.status == "incomplete":
                if script.submit is not None:
                    self.push(self.start + script.submit, SUBMIT, index)
                elif script.cancel is not None:
                    self.push(self.start + script.cancel, CANCEL, index)
            elif order.status == "in_progress":
                self.plan_delivery(index)
            else:  # delivered before the experiment: the buyer's first reaction
                self.plan_reaction(index)
            for number, opening in enumerate(script.opens):
                self.push(self.start + opening[0], OPEN, index, number)
        heap, end = self.heap, self.end
        while heap and heap[0][0] <= end:
            at = heap[0][0]
            if at > self.now:
                self.seen(self.sim.advance(at - self.now))
                self.now = at
            while heap and heap[0][0] == at:
                _, _, index, kind, payload = heapq.heappop(heap)
                self.intent(index, kind, payload)
        if end > self.now:
            self.seen(self.sim.advance(end - self.now))
            self.now = end
        tally = self.tally
        tally["unresolved"] = tally["orders"] - tally["completed"] - tally["mutual_silence"] \
            - tally["mutual_accepted"] - tally["direct"]
        return tally

    # ---- intents: an action at its time; the engine decides

    def plan_delivery(self, index: int) -> None:
        order = self.orders[index]
        assert order.due is not None  # (in progress: it has a delivery date)
        if order.script.late is not None:
            self.push(order.due + order.script.late, DELIVER, index, order.due)
        if order.script.cancel is not None:  # once it is very late (the rules say when)
            self.push(order.due + self.very_late + order.script.cancel, CANCEL, index, order.due)

    def plan_reaction(self, index: int) -> None:
        """The buyer's reaction to the order's latest delivery (its number: `deliveries`)."""
        order = self.orders[index]
        if order.deliveries <= MAX_DELIVERIES:
            kind, after = order.script.reactions[order.deliveries - 1]
            if kind is not None:
                self.push(self.now + after, REACT, index, (order.deliveries, kind))

    def act(self, party: str, action: str, index: int, **fields: Any) -> None:
        try:
            events = self.sim.act(party, action, self.ids[index], **fields)
        except Refusal:
            self.tally["refused"] += 1
            return
        self.seen(events)

    def intent(self, index: int, kind: int, payload: Any) -> None:
        order = self.orders[index]
        status = order.status
        if status in ("completed", "cancelled"):
            return
        if kind == DELIVER:
            if status not in ("in_progress", "in_revision"):
                return
            if order.due != payload:  # the delivery date moved (an extension): later, as planned
                assert order.due is not None and order.script.late is not None
                self.push(order.due + order.script.late, DELIVER, index, order.due)
                return
            self.act("freelancer", "deliver", index)
        elif kind == REDELIVER:
            if status == "in_revision":
                self.act("freelancer", "deliver", index)
        elif kind == REACT:
            number, what = payload
            if status == "delivered" and order.deliveries == number:
                if what == "accept":
                    self.act("buyer", "accept_delivery", index)
                else:
                    self.act("buyer", "request_revision", index, comment=COMMENT)
        elif kind == SUBMIT:
            self.act("buyer", "submit_requirements", index)
        elif kind == CANCEL:
            if status not in ("incomplete", "in_progress"):
                return  # delivered meanwhile: the buyer no longer means to cancel
            if status == "in_progress" and order.due != payload:  # very late later than planned
                assert order.due is not None and order.script.cancel is not None
                self.push(order.due + self.very_late + order.script.cancel, CANCEL, index,
                          order.due)
                return
            self.act("buyer", "cancel_order", index)
        elif kind == OPEN:
            _, party, action, fields = order.script.opens[payload]
            if action == "ask_to_cancel" and party == "freelancer":
                fields = {"reason": self.reason}
            self.act(party, action, index, **fields)
        else:  # ANSWER
            request, party, accept, rtype = payload
            if order.request is None or order.request[0] != request:
                return  # answered, withdrawn or run out meanwhile
            if rtype == "order_update":
                self.act(party, "respond_update", index, comment=COMMENT)
            else:
                self.act(party, "accept" if accept else "decline", index)

    # ---- what the engine did

    def seen(self, events: tuple[EventView, ...]) -> None:
        tally = self.tally
        position = self.index
        for event in events:
            index = position[event.order]
            order = self.orders[index]
            etype = event.type
            data = event.data
            if etype == "submit_requirements":
                order.status = "in_progress"
                order.due = parse_iso(data["due"])
                self.plan_delivery(index)
            elif etype == "deliver":
                order.deliveries += 1
                if order.deliveries == 1:  # its first delivery (not one made before the start)
                    tally["delivered"] += 1
                    if order.due is not None and self.now > order.due:
                        tally["late_deliveries"] += 1
                order.status = "delivered"
                self.plan_reaction(index)
            elif etype == "request_revision":
                order.status = "in_revision"
                if order.revisions < MAX_DELIVERIES:
                    after = order.script.redeliver[order.revisions]
                    if after is not None:
                        self.push(self.now + after, REDELIVER, index)
                order.revisions += 1
            elif etype in ("accept_delivery", "auto_complete"):
                order.status = "completed"
                tally["completed"] += 1
                tally["extras_cents"] += order.extras
                self.resolved(event)
            elif etype == "cancel_order":
                self.cancelled(order, "direct", event)
            elif etype in ("request_update", "ask_to_cancel", "request_extension"):
                rtype = data["request_type"]
                order.request = (data["request"], rtype, event.actor)
                if rtype == "extension":
                    tally["ext_requested"] += 1
                responder = "freelancer" if event.actor == "buyer" else "buyer"
                answer = order.script.answers.get((responder, rtype))
                if answer is not None:
                    self.push(self.now + answer[0], ANSWER, index,
                              (data["request"], responder, answer[1], rtype))
            elif etype in ("accept", "decline", "respond_update", "withdraw", "timeout"):
                order.request = None
                rtype = data["request_type"]
                if etype == "timeout":
                    if rtype == "cancellation":
                        self.cancelled(order, "mutual_silence", event)
                    elif rtype == "extension":
                        if data["outcome"] == "accepted":
                            tally["ext_auto_accepted"] += 1
                            self.extended(order, data)
                        else:
                            tally["ext_lapsed"] += 1
                elif etype == "accept":
                    if rtype == "cancellation":
                        self.cancelled(order, "mutual_accepted", event)
                    elif rtype == "extension":
                        tally["ext_accepted"] += 1
                        self.extended(order, data)
                elif etype == "decline" and rtype == "extension":
                    tally["ext_declined"] += 1

    def extended(self, order: _Order, data: Any) -> None:
        order.due = parse_iso(data["due"])
        order.extras += data.get("extras_added", 0)

    def cancelled(self, order: _Order, how: str, event: EventView) -> None:
        order.status = "cancelled"
        self.tally[how] += 1
        self.tally["cancelled_value_cents"] += order.script.cents + order.extras
        self.resolved(event)

    def resolved(self, event: EventView) -> None:
        self.tally["resolved"] += 1
        self.tally["resolved_seconds"] += int(event.at.timestamp()) - self.start
