"""Recording: write what was done in a simulation as a scenario file that plays back to its state.

``record(sim)`` turns a simulation's event log into the TOML text of a scenario (the format of
``engine.scenario``): the orders from their ``order_added`` events, every party action as an
action step with its fields exactly as given, each clock move as an ``until`` step to the time of
the next action (the deadlines in between fire on their own when the file is played), a final
``until`` to the simulation's current time, and at the end one ``expect`` step per order with its
final state (status, latest request, cancellation, due, open requests) and one for the clock, so
that ``rcsim run`` verifies the playback. Refused actions never enter the event log, so they are
never recorded.

By default the recording starts at the simulation's creation, which is always reproducible.
``mark(sim)`` notes a later start; ``record(sim, since=that_mark)`` then starts there, with only
the orders whose state at the mark the format can write exactly (incomplete or in progress with no
open request and no extras, or delivered at the very mark); a comment at the top of the file names
the others and why they were left out.

The text is checked with ``tomllib`` and ``engine.scenario.loads`` before it is returned, and
``write_new`` writes it atomically without ever replacing a file silently. Pure: the standard
library and the engine; no UI toolkit, no OS clock. Every English text of the file's comments
comes from ``TEXT`` below.
"""

from __future__ import annotations

import math
import os
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping, Sequence

from . import scenario as scenario_module
from .atomic import write_text
from .model import SYSTEM
from .rules import FIELD_NAMES, policy_rules
from .service import OrderView, Simulation
from .timeutil import iso, to_datetime, to_ts

TEXT: dict[str, str] = {
    "title": "Recorded session",
    "description": "Recorded in rcsim: {orders} order(s), {actions} action(s), simulated time "
                   "from {start} to {end}.",
    "head": "# Recorded by rcsim from {origin}, {start} to {end} (simulated time, UTC).",
    "origin_created": "the simulation's start",
    "origin_mark": "a marked start",
    "playback": "# Play it back and verify the final state with: rcsim run FILE",
    "left_out": "# Left out: {count} order(s) whose state at the start this format cannot write:",
    "left_out_item": "#   {order}: {reason}",
    "left_out_actions": "#   ({count} action(s) on them after the start are left out too)",
    "reason_final": "already {status} (final)",
    "reason_open_request": "request {request} ({request_type}) is open",
    "reason_in_revision": "in revision (an order cannot start in revision)",
    "reason_extras": "accepted extras change its total",
    "reason_delivered": "delivered before the start: its auto-complete countdown had already begun",
    "reason_added_later": "added after the start",
    "final_state": "# The final state, checked when the file is played back.",
    "nothing": "there is nothing to record: the simulation has no orders",
    "no_orders_left": "there is nothing to record from this start: every order was left out",
    "bad_text": "a value cannot be written in a scenario file: {detail}",
    "not_valid": "the recorded text is not a valid scenario (please report this): {detail}",
}


def text(code: str, **params: Any) -> str:
    """The English text of a code, filled from its parameters."""
    return TEXT[code].format(**params)


class RecordingError(Exception):
    """The simulation cannot be recorded (nothing to record, or a value the format cannot hold)."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        self.message = text(code, **params)
        super().__init__(self.message)


# ------------------------------------------------------------------------------------ TOML values

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}
_JOINERS = "\u200c\u200d"  # zero-width (non-)joiners: part of emoji and of Persian words


def toml_string(value: str) -> str:
    """A TOML basic string that reads back as exactly `value`.

    Quotes and backslashes are escaped, and so is every control character (TOML allows none
    but the tab literally; the tab is escaped too). Invisible characters that would make a line
    look different from what it holds (bidi overrides and isolates, the BOM, line and paragraph
    separators: Unicode's Cf, Zl and Zp, except the joiners inside emoji) are escaped as well.
    Everything else (emoji, right-to-left text, combining marks) is written as it is: the file
    is UTF-8. A lone surrogate has no UTF-8 form and no TOML escape: refused.
    """
    out = []
    for char in value:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif code < 0x20 or code == 0x7F or (
                unicodedata.category(char) in ("Cf", "Zl", "Zp") and char not in _JOINERS):
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise RecordingError("bad_text", detail=f"a lone surrogate U+{code:04X} in {value!r}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    """A TOML value (inline) for text, booleans, numbers, lists and tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RecordingError("bad_text", detail=f"the number {value!r}")
        return repr(value)
    if isinstance(value, datetime):
        return toml_string(iso(to_ts(value)))
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }" \
            if value else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise RecordingError("bad_text", detail=f"the value {value!r}")


def toml_key(key: str) -> str:
    """A bare key when it can be one, else a quoted key."""
    if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key):
        return key
    return toml_string(key)


def dollars(cents: int) -> int | float:
    """An amount in cents as the scenario format writes it (US dollars), exactly."""
    if cents % 100 == 0:
        return cents // 100
    amount = cents / 100
    if Decimal(repr(amount)) * 100 != cents:  # cannot happen below 2**53 cents; never guess
        raise RecordingError("bad_text", detail=f"the amount of {cents} cents")
    return amount


# ------------------------------------------------------------------------------------ the mark


@dataclass(frozen=True)
class Mark:
    """A chosen start for a recording: the clock, the last event before it, every order then."""

    at: datetime
    seq: int
    orders: tuple[OrderView, ...]


def mark(sim: Simulation) -> Mark:
    """Note the simulation's present as the start of a later recording."""
    events = sim.events()
    seq = events[-1].seq if events else 0
    return Mark(sim.now, seq, tuple(sim.order_view(o) for o in sim.order_ids()))


def left_out_reason(order: OrderView, at: datetime, auto_complete_seconds: int) -> str | None:
    """Why an order's state at `at` cannot be written as a scenario's starting order (or None)."""
    if order.status in ("completed", "cancelled"):
        return text("reason_final", status=order.status)
    if order.open_request is not None:
        return text("reason_open_request", request=order.open_request.id,
                    request_type=order.open_request.type)
    if order.status == "in_revision":
        return text("reason_in_revision")
    if order.extras_total:
        return text("reason_extras")
    if order.status == "delivered":
        # Only an order delivered at the very start has the countdown a fresh one gets.
        fresh = order.auto_complete_at is not None and not order.auto_complete_paused and \
            to_ts(order.auto_complete_at) == to_ts(at) + auto_complete_seconds
        if not fresh:
            return text("reason_delivered")
    return None


# ------------------------------------------------------------------------------------ recording


@dataclass(frozen=True)
class Recording:
    """A recorded scenario: its TOML text and what it holds (or left out, with the reason)."""

    text: str
    start: datetime
    end: datetime
    orders: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]
    actions: int
    scenario: scenario_module.Scenario


def _order_entry(order_id: str, title: str, price_cents: int, delivery_days: int, status: str,
                 due: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": order_id, "title": title, "price": dollars(price_cents),
                             "delivery_days": delivery_days, "status": status}
    if status != "incomplete" and due is not None:
        entry["due"] = due
    return entry


def _rule_overrides(sim: Simulation) -> dict[str, Any]:
    """The simulation's rules that differ from its policy's (the file's [rules] table)."""
    base = policy_rules(sim.policy)
    return {k: v for k, v in sim.rules.data.items()
            if k not in ("policy", "description") and base.get(k) != v}


def _final_expect(view: OrderView, known_requests: set[str]) -> dict[str, Any]:
    """The expectations that pin an order's final state (requests opened before the start are
    not part of the file, so only later ones count as its latest)."""
    requests = [r for r in view.requests if r.id not in known_requests]
    last = requests[-1] if requests else None
    expect: dict[str, Any] = {"order": view.id, "status": view.status,
                              "request": last.state if last else "none"}
    if last is not None:
        expect["request_type"] = last.type
    expect["cancellation"] = view.cancellation["kind"] if view.cancellation else "none"
    expect["due"] = iso(to_ts(view.due)) if view.due is not None else "none"
    expect["open_requests"] = sum(1 for r in requests if r.state == "open")
    return expect


def record(sim: Simulation, since: Mark | None = None, *, title: str | None = None,
           description: str | None = None) -> Recording:
    """The scenario text that replays `sim` from its creation (or from the mark `since`)."""
    events = sim.events()
    if not events:
        raise RecordingError("nothing")
    left_out: list[tuple[str, str]] = []
    orders: list[dict[str, Any]] = []
    known_requests: dict[str, set[str]] = {}
    if since is None:
        start_ts, base_seq = to_ts(events[0].at), 0
        for event in events:
            if event.type != "order_added":
                continue
            if to_ts(event.at) != start_ts:
                left_out.append((event.order, text("reason_added_later")))
                continue
            d = event.data
            orders.append(_order_entry(event.order, d["title"], d["price"], d["delivery_days"],
                                       d["status"], d.get("due")))
            known_requests[event.order] = set()
    else:
        start_ts, base_seq = to_ts(since.at), since.seq
        # the order view has no delivery days; its order_added event does
        days = {e.order: e.data["delivery_days"] for e in events if e.type == "order_added"}
        for view in since.orders:
            reason = left_out_reason(view, since.at, sim.rules.auto_complete_seconds)
            if reason is not None:
                left_out.append((view.id, reason))
                continue
            due = iso(to_ts(view.due)) if view.due is not None else None
            orders.append(_order_entry(view.id, view.title, view.price, days[view.id],
                                       view.status, due))
            known_requests[view.id] = {r.id for r in view.requests}
        marked = {o.id for o in since.orders}
        for event in events[base_seq:]:
            if event.type == "order_added" and event.order not in marked:
                left_out.append((event.order, text("reason_added_later")))
    if not orders:
        raise RecordingError("no_orders_left" if since is not None else "nothing")
    included = {o["id"] for o in orders}

    steps: list[dict[str, Any]] = []
    clock, actions, skipped = start_ts, 0, 0
    for event in events[base_seq:]:
        if event.actor == SYSTEM:
            continue  # set-up, timeouts and auto-completion: the playback's clock fires them
        if event.order not in included:
            skipped += 1
            continue
        at = to_ts(event.at)
        if at > clock:
            steps.append({"until": iso(at)})
            clock = at
        fields = {k: v for k, v in event.data.items() if k in FIELD_NAMES}
        if "extra_price" in fields:
            fields["extra_price"] = dollars(fields["extra_price"])
        steps.append({"actor": event.actor, "action": event.type, "order": event.order, **fields})
        actions += 1
    end_ts = to_ts(sim.now)
    if end_ts > clock:
        steps.append({"until": iso(end_ts)})
    expects = [{"expect": _final_expect(sim.order_view(o["id"]), known_requests[o["id"]])}
               for o in orders]
    expects.append({"expect": {"now": iso(end_ts)}})

    start, end = iso(start_ts), iso(end_ts)
    head = [text("head", origin=text("origin_created" if since is None else "origin_mark"),
                 start=start, end=end), text("playback")]
    if left_out:
        head.append(text("left_out", count=len(left_out)))
        head.extend(text("left_out_item", order=toml_string(o), reason=r) for o, r in left_out)
        if skipped:
            head.append(text("left_out_actions", count=skipped))
    document = {
        "title": title or text("title"),
        "description": description if description is not None else text(
            "description", orders=len(orders), actions=actions, start=start, end=end),
        "start": start,
        "policy": sim.policy,
    }
    lines = head + [""]
    lines += [f"{key} = {toml_value(value)}" for key, value in document.items()]
    overrides = _rule_overrides(sim)
    if overrides:
        lines += ["", "[rules]"] + [f"{toml_key(k)} = {toml_value(v)}" for k, v in overrides.items()]
    for order in orders:
        lines += ["", "[[orders]]"] + [f"{k} = {toml_value(v)}" for k, v in order.items()]
    for index, step in enumerate(steps + expects):
        if index == len(steps):
            lines += ["", text("final_state")]
        lines += ["", "[[steps]]"] + [f"{toml_key(k)} = {toml_value(v)}" for k, v in step.items()]
    source = "\n".join(lines) + "\n"
    parsed = _verify(source, document["title"], steps)
    return Recording(source, to_datetime(start_ts), to_datetime(end_ts),
                     tuple(o["id"] for o in orders), tuple(left_out), actions, parsed)


def _verify(source: str, title: str, steps: Sequence[Mapping[str, Any]]) -> scenario_module.Scenario:
    """Read the text back as TOML and as a scenario; every action's fields must read back exact."""
    try:
        tomllib.loads(source)
        parsed = scenario_module.loads(source, "<recording>")
    except (tomllib.TOMLDecodeError, scenario_module.ScenarioError) as error:
        raise RecordingError("not_valid", detail=str(error)) from None
    written = [s for s in steps if "actor" in s]
    read = [s for s in parsed.steps if isinstance(s, scenario_module.ActionStep)]
    same = parsed.title == title and len(written) == len(read) and all(
        dict(r.fields) == {k: v for k, v in w.items() if k not in ("actor", "action", "order")}
        for w, r in zip(written, read))
    if not same:
        raise RecordingError("not_valid", detail="a value does not read back as written")
    return parsed


# ------------------------------------------------------------------------------------ files


def free_name(directory: str | os.PathLike[str], stem: str = "recording",
              suffix: str = ".toml") -> Path:
    """A name in `directory` that no file has yet: stem.toml, stem-2.toml, stem-3.toml, ..."""
    folder = Path(directory)
    candidate = folder / f"{stem}{suffix}"
    n = 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem}-{n}{suffix}"
    return candidate


def write_new(path: str | os.PathLike[str], source: str, *, overwrite: bool = False) -> Path:
    """Write `source` to `path` atomically; an existing file is never replaced unless
    `overwrite` (FileExistsError); a reader never sees half a file."""
    return write_text(path, source, overwrite=overwrite)

