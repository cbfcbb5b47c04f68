"""Recording: what was done in a simulation, as a scenario file that plays back to its state.

``plan(sim)`` works out from a simulation's event log what the scenario (the format of
``engine.scenario``) holds: the orders from their ``order_added`` events, every party action as an
action step with its fields exactly as given, each clock move as an ``until`` step to the time of
the next action (the deadlines in between fire on their own when the file is played), a final
``until`` to the simulation's current time, and at the end one ``expect`` step per order with its
final state (status, latest request, cancellation, due, open requests) and one for the clock, so
that ``rcsim run`` verifies the playback. Refused actions never enter the event log, so they are
never recorded.

By default the recording starts at the simulation's creation, which is always reproducible.
``mark(sim)`` notes a later start; ``plan(sim, since=that_mark)`` then starts there, with only
the orders whose state at the mark the format can write exactly (incomplete or in progress with no
open request and no extras, or delivered at the very mark); the others are left out, each with
the code of its reason (``LeftOut``).

``write(plan, title=..., head=[...])`` then writes the TOML text, with the comment lines it is
given: the words of a recording (its comments, its default title and description) are the app's
(``tui/words/recording.py``), in the app's language; the engine computes what to record and why, as
codes. The text is checked with ``tomllib`` and ``engine.scenario.loads`` before it is returned,
and ``write_new`` writes it atomically without ever replacing a file silently. Pure: the standard
library and the engine; no UI toolkit, no OS clock, no text catalogue.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import scenario as scenario_module
from .atomic import write_text
from .errors import RcsimError
from .model import SYSTEM
from .rules import FIELD_NAMES, policy_rules
from .service import Simulation
from .timeutil import iso, to_datetime, to_ts
from .views import OrderView


class RecordingError(RcsimError):
    """The simulation cannot be recorded: `code` says why ("nothing", "no_orders_left",
    "rules_changed",
    "lone_surrogate", "not_finite", "unwritable", "inexact_amount", "not_valid",
    "not_read_back"), `params` hold plain values. Its words are the app's
    (`tui.recording.error_text`); str() and `message` are a plain, untranslated fallback."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)

    def __str__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return self.code + (f" ({params})" if params else "")

    @property
    def message(self) -> str:
        return str(self)


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
            raise RecordingError("lone_surrogate", code_point=f"{code:04X}", text=value)
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
            raise RecordingError("not_finite", value=repr(value))
        return repr(value)
    if isinstance(value, datetime):
        return toml_string(iso(to_ts(value)))
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }" \
            if value else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise RecordingError("unwritable", value=repr(value))


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
        raise RecordingError("inexact_amount", cents=cents)
    return amount


# ------------------------------------------------------------------------------------ the mark


@dataclass(frozen=True)
class Mark:
    """A chosen start for a recording: the clock, the last event before it, every order then."""

    at: datetime
    seq: int
    orders: tuple[OrderView, ...]
    step: int = 0  # the journal's last step then


def mark(sim: Simulation) -> Mark:
    """Note the simulation's present as the start of a later recording."""
    events = sim.events()
    seq = events[-1].seq if events else 0
    return Mark(sim.now, seq, tuple(sim.order_view(o) for o in sim.order_ids()), sim.step_count)


@dataclass(frozen=True)
class LeftOut:
    """An order a recording leaves out, and why: `reason` is a code ("final", "open_request",
    "in_revision", "extras", "delivered", "added_later") with its plain `params`."""

    order: str
    reason: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


def left_out_reason(order: OrderView, at: datetime,
                    auto_complete_seconds: int) -> tuple[str, dict[str, Any]] | None:
    """Why an order's state at `at` cannot be written as a scenario's starting order, as a code
    and its parameters (or None)."""
    if order.final:
        return "final", {"status": order.status}
    if order.open_request is not None:
        return "open_request", {"request": order.open_request.id,
                                "request_type": order.open_request.type}
    if order.status == "in_revision":
        return "in_revision", {}
    if order.extras_total:
        return "extras", {}
    if order.status == "delivered":
        # Only an order delivered at the very start has the countdown a fresh one gets.
        fresh = order.auto_complete_at is not None and not order.auto_complete_paused and \
            to_ts(order.auto_complete_at) == to_ts(at) + auto_complete_seconds
        if not fresh:
            return "delivered", {}
    return None


# ------------------------------------------------------------------------------------ recording


@dataclass(frozen=True)
class Plan:
    """What a recording holds, before it is written: the start (the simulation's creation, or a
    mark), the orders and steps, the final expectations, and what was left out and why."""

    start: datetime
    end: datetime
    from_mark: bool
    policy: str
    rules: Mapping[str, Any]
    orders: tuple[Mapping[str, Any], ...]
    steps: tuple[Mapping[str, Any], ...]
    expects: tuple[Mapping[str, Any], ...]
    left_out: tuple[LeftOut, ...]
    skipped_actions: int
    """Actions after the start on orders that were left out (not recorded either)."""
    mark: datetime | None = None
    """A recording from a mark that starts at the simulation's creation (the state at the mark
    held what a scenario's orders cannot start with): the instant of the mark, else None."""
    mark_index: int | None = None
    """Where, among `steps`, the mark falls: the steps before it bring every order to where it
    stood then (`write` puts an expectation of the clock there, with the caller's note)."""

    @property
    def actions(self) -> int:
        return sum(1 for s in self.steps if "actor" in s)


@dataclass(frozen=True)
class Recording:
    """A recorded scenario: its TOML text and what it holds (or left out, with the reason)."""

    text: str
    start: datetime
    end: datetime
    orders: tuple[str, ...]
    left_out: tuple[LeftOut, ...]
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


def plan(sim: Simulation, since: Mark | None = None) -> Plan:
    """What a scenario replaying `sim` from its creation (or from the mark `since`) holds.

    From a mark, the orders are written as they stood then where the format can write each of
    them (in progress, incomplete, delivered at the very mark...). Where it cannot (an open
    request, a revision, extras, a final order), the recording starts at the simulation's
    creation instead and replays what led to the mark, which it marks (`Plan.mark`): every
    state the simulation stood in at the mark is expressed that way. Of the two, the one that
    leaves out fewer orders is chosen (orders added after the creation, or a change of rules
    before the mark, can only be written from the mark)."""
    if since is None:
        return _plan(sim, None)
    try:
        at_mark: Plan | None = _plan(sim, since)
    except RecordingError as error:
        if error.code != "no_orders_left":
            raise
        at_mark, refused = None, error
    if at_mark is not None and not at_mark.left_out:
        return at_mark
    try:
        replayed = _plan(sim, None, replay_to=since)
    except RecordingError:
        if at_mark is None:
            raise refused from None
        return at_mark
    if at_mark is None or len(replayed.left_out) < len(at_mark.left_out):
        return replayed
    return at_mark


def _plan(sim: Simulation, since: Mark | None, replay_to: Mark | None = None) -> Plan:
    """The plan from the creation, or from the mark `since` (the orders as they stood then),
    or from the creation with the mark `replay_to` marked among the steps."""
    events = sim.events()
    if not events:
        raise RecordingError("nothing")
    # A scenario file has one set of rules: a change of rules (a `rules` step) after the start
    # cannot be played back, and is refused, saying when it was (mark a start after it).
    changed = [e for e in sim.journal(since.step if since is not None else 0) if e.kind == "rules"]
    if changed:
        raise RecordingError("rules_changed", at=iso(to_ts(changed[-1].at)),
                             rules=", ".join(name for e in changed for name in e.record["set"]))
    left_out: list[LeftOut] = []
    orders: list[dict[str, Any]] = []
    known_requests: dict[str, set[str]] = {}
    if since is None:
        start_ts, base_seq = to_ts(events[0].at), 0
        for event in events:
            if event.type != "order_added":
                continue
            if to_ts(event.at) != start_ts:
                left_out.append(LeftOut(event.order, "added_later"))
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
                left_out.append(LeftOut(view.id, reason[0], MappingProxyType(reason[1])))
                continue
            due = iso(to_ts(view.due)) if view.due is not None else None
            orders.append(_order_entry(view.id, view.title, view.price, days[view.id],
                                       view.status, due))
            known_requests[view.id] = {r.id for r in view.requests}
        marked = {o.id for o in since.orders}
        for event in events[base_seq:]:
            if event.type == "order_added" and event.order not in marked:
                left_out.append(LeftOut(event.order, "added_later"))
    if not orders:
        raise RecordingError("no_orders_left" if since is not None else "nothing")
    included = {o["id"] for o in orders}

    steps: list[dict[str, Any]] = []
    clock, skipped = start_ts, 0
    mark_index: int | None = None

    def reach_mark() -> None:
        """The steps so far bring the simulation to the mark: the clock to its instant."""
        nonlocal clock, mark_index
        assert replay_to is not None
        at = to_ts(replay_to.at)
        if at > clock:
            steps.append({"until": iso(at)})
            clock = at
        mark_index = len(steps)

    for event in events[base_seq:]:
        if replay_to is not None and mark_index is None and event.seq > replay_to.seq:
            reach_mark()
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
    if replay_to is not None and mark_index is None:
        reach_mark()
    end_ts = to_ts(sim.now)
    if end_ts > clock:
        steps.append({"until": iso(end_ts)})
    expects = [{"expect": _final_expect(sim.order_view(o["id"]), known_requests[o["id"]])}
               for o in orders]
    expects.append({"expect": {"now": iso(end_ts)}})
    return Plan(to_datetime(start_ts), to_datetime(end_ts),
                since is not None or replay_to is not None, sim.policy,
                MappingProxyType(_rule_overrides(sim)), tuple(orders), tuple(steps),
                tuple(expects), tuple(left_out), skipped,
                replay_to.at if replay_to is not None else None, mark_index)


# Characters a TOML comment may not hold (control characters other than the tab), and the
# invisible ones toml_string escapes too: a comment line shows them as \uXXXX.
_NOT_IN_COMMENT = re.compile("[\x00-\x08\x0a-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def _comment(line: str) -> str:
    """A TOML comment line holding `line` (one line, nothing a comment may not hold)."""
    return "# " + _NOT_IN_COMMENT.sub(lambda m: f"\\u{ord(m.group()):04X}", line)


def write(plan: Plan, *, title: str, description: str | None = None,
          head: Iterable[str] = (), before_expects: Iterable[str] = (),
          mark_note: str | None = None) -> Recording:
    """The scenario text of a plan, titled `title`: `head` are the comment lines at the top of
    the file, `before_expects` those before the final expectations (each line is written as a
    comment; the words are the caller's). Where a plan replays the steps up to a mark, the mark
    is an expectation of the clock there, with `mark_note` as its note."""
    document: dict[str, Any] = {"title": title}
    if description is not None:
        document["description"] = description
    document.update(start=iso(to_ts(plan.start)), policy=plan.policy)
    lines = [_comment(line) for line in head] + [""]
    lines += [f"{key} = {toml_value(value)}" for key, value in document.items()]
    if plan.rules:
        lines += ["", "[rules]"] + [f"{toml_key(k)} = {toml_value(v)}" for k, v in plan.rules.items()]
    for order in plan.orders:
        lines += ["", "[[orders]]"] + [f"{k} = {toml_value(v)}" for k, v in order.items()]
    steps = list(plan.steps)
    if plan.mark is not None and plan.mark_index is not None:
        at_mark: dict[str, Any] = {"expect": {"now": iso(to_ts(plan.mark))}}
        if mark_note:
            at_mark["note"] = mark_note
        steps.insert(plan.mark_index, at_mark)
    for index, step in enumerate(steps + list(plan.expects)):
        if index == len(steps):
            comments = [_comment(line) for line in before_expects]
            lines += ["", *comments] if comments else []
        lines += ["", "[[steps]]"] + [f"{toml_key(k)} = {toml_value(v)}" for k, v in step.items()]
    source = "\n".join(lines) + "\n"
    parsed = _verify(source, title, plan.steps)
    return Recording(source, plan.start, plan.end, tuple(o["id"] for o in plan.orders),
                     plan.left_out, plan.actions, parsed)


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
        for w, r in zip(written, read, strict=False))
    if not same:
        raise RecordingError("not_read_back")
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

