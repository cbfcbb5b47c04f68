"""Scenario files: load and validate a TOML story, play it step by step, check it, report it.

A scenario file (TOML, read with the standard library's ``tomllib``) tells one story on a fresh,
in-memory simulation and says what must hold along the way::

    title = "Buyer asks to cancel; the freelancer never answers"   # required
    description = "Shown while presenting."                        # optional
    start = "2026-03-02T09:00:00Z"                                 # required, UTC
    policy = "seed"                                                # optional: seed | current

    [rules]                            # optional overrides, named as in data/rules.json
    cancellation_response_hours = 72

    [[orders]]                         # id, title, price (USD), delivery_days; optional
    id = "FO-1001"                     # status (incomplete | in_progress | delivered)
    title = "Logo design"              # and due (an instant)
    price = 120
    delivery_days = 3

    [[steps]]                          # each step is exactly one of four kinds:
    actor = "buyer"                    # 1. an action: actor, action, order and the
    action = "ask_to_cancel"           #    action's fields (comment, reason, days,
    order = "FO-1001"                  #    extra_price, extra_description; request);
    comment = "Sorry, the project was dropped."
    # fails = true; error = "..."      #    `fails = true`: must be refused (`error`: the
                                       #    refusal's code, or a part of its message)
    [[steps]]
    advance = "47h59m"                 # 2. a clock move by a duration, or "next"
    [[steps]]
    until = "2026-03-04T09:00:00Z"     # 3. a clock move to an instant
    [[steps]]                          # 4. expectations on one order
    expect = { order = "FO-1001", status = "cancelled", cancellation = "mutual" }
    note = "Any step may carry a note: narration shown while presenting."

``expect`` keys: ``order`` (required unless only ``now`` is checked), ``status``, ``late``,
``very_late``, ``request`` (state of the order's latest request or ``none``), ``request_type``,
``cancellation`` (``mutual``, ``direct`` or ``none``), ``due`` and ``now`` (instants; ``due`` may
be ``none``), ``open_requests`` (a count) and ``inbox = { buyer = "text", freelancer = "text" }``
(that party received a message on this order containing the text).

Unknown keys are errors everywhere (a typo never passes silently), named with the key they
probably meant; an action step must give the fields its party's form requires unless it is
marked ``fails = true``. A ``reason`` is one of the actor's reason codes (a ``fails`` step may
give the other party's). Numbers are finite with at most MAX_DIGITS digits, nothing nests deeper
than MAX_DEPTH, every instant has a UTC date, and no instant or ``advance`` takes the clock past
its end (timeutil.CLOCK_LIMIT).

A file is validated completely before anything runs (``load``): a bad file raises
``ScenarioError`` naming the file, the step (or order) and the key, and what is wrong.
``Player(scenario)`` then plays it on a fresh in-memory ``Simulation``, one ``step()`` at a time
(for an app that presents it) or all at once (``run()``); each ``StepResult`` holds the events
fired with their simulated time, the refusal, or each expectation's expected and found value.

``main(argv)`` is ``rcsim run FILE... [--json]``: it prints a transcript per file (or one JSON
document per line with ``--json``) and exits 0 when every expectation held and every ``fails``
step was refused, 1 when one did not, and 2 when a file is not a valid scenario (nothing is run
then; a directory stands for its ``*.toml`` files). When the reader of the output goes away
(``rcsim run ... | head``) the run stops there, quietly, with the status 141 a shell gives a
command that a closed pipe ended. ``python -m engine.scenario FILE...`` does the same. Every text
the runner prints comes from the translation files (data/i18n/<lang>.json, keys "run.*");
``--lang de`` prints German. File names and user text (titles, notes, comments...) are printed
inert, as the app shows them (engine/safetext.py): an escape sequence is shown, never executed.
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import os
import re
import sys
import textwrap
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence, TextIO

from .errors import Refusal
from .i18n import LANGUAGES, fmt_money, has, language, refusal_text, set_language
from .i18n import table as translations
from .i18n import text as translate
from .model import BASE_STATUSES, PARTIES, REQUEST_STATES, REQUEST_TYPES, other
from .rules import ACTIONS, ANSWER_ACTIONS, FIELD_NAMES, load_policies, policy_rules
from .safetext import clean, json_inert
from .sentences import day_count, duration_words, event_sentence
from .service import EventView, OrderView, Simulation
from .timeutil import (
    CLOCK_LIMIT, in_calendar_or_refuse, iso, parse_duration, parse_iso, to_datetime, to_ts,
)

# ------------------------------------------------------------------------------------ texts

def text(code: str, **params: Any) -> str:
    """The loader's or the runner's text of a code, in the current language (data/i18n, "run.*")."""
    return translate(language(), "run." + code, params)


# ------------------------------------------------------------------------------------ errors


class ScenarioError(Exception):
    """A file that is not a valid scenario: where (file, step or order, key) and what is wrong.

    Raised by `load` before anything runs; `code` and `params` identify the problem for a
    translation or a test, `message` is the English sentence.
    """

    def __init__(self, path: str | Path, code: str, *, step: int | None = None,
                 order: int | None = None, order_id: str | None = None,
                 key: str | None = None, rules: bool = False, **params: Any) -> None:
        self.path = str(path)
        self.code = code
        self.step = step
        self.order = order
        self.key = key
        self.params = params
        where = [text("at_file", path=self.path)]
        if step is not None:
            where.append(text("at_step", step=step))
        if order is not None:
            where.append(text("at_order", index=order,
                              order_id=f" ({order_id})" if order_id else ""))
        if rules:
            where.append(text("at_rules"))
        if key is not None:
            where.append(text("at_key", key=key))
        # Inert as the app shows user text: a file name or a value may hold escape sequences.
        self.problem = clean(text(code, **params))
        self.message = clean(": ".join(where)) + ": " + self.problem
        super().__init__(self.message)


# ------------------------------------------------------------------------------------ the format

TOP_KEYS = ("title", "description", "start", "policy", "rules", "orders", "steps")
ORDER_KEYS = ("id", "title", "price", "delivery_days", "status", "due")
ORDER_STATUSES = ("incomplete", "in_progress", "delivered")
ACTION_KEYS = ("actor", "action", "order", "fails", "error", "note")
EXPECT_KEYS = ("order", "status", "late", "very_late", "request", "request_type", "cancellation",
               "due", "now", "open_requests", "inbox")
STEP_KINDS = ("action", "advance", "until", "expect")
NEXT = "next"
# No value of a scenario nests deeper than a few tables and lists, and no number (a price, days,
# hours, a count) needs more digits: beyond these a file is refused, naming where.
MAX_DEPTH = 20
MAX_DIGITS = 15
# tomllib recurses once per nested array or inline table (RecursionError some hundreds deep) and
# cannot read an integer of more than 4,300 digits (ValueError): before it reads a file, such a
# value is replaced by one of these markers, which the validation then names with its step and key.
_TOO_DEEP = "\x00rcsim:nested-too-deep"
_TOO_LONG = "\x00rcsim:number-too-long"
_LONG_RUN = 1000  # a run of more digits than this is a number far too large for any key


@dataclass(frozen=True)
class OrderSpec:
    """An order the simulation starts with."""

    id: str
    title: str
    price: int | float
    delivery_days: int
    status: str = "in_progress"
    due: datetime | None = None

    def as_args(self) -> dict[str, Any]:
        """The keyword arguments of `Simulation.add_orders` for this order."""
        return {"id": self.id, "title": self.title, "price": self.price,
                "delivery_days": self.delivery_days, "status": self.status, "due": self.due}


@dataclass(frozen=True, kw_only=True)
class Step:
    """One step of a scenario: its 1-based number and its optional narration."""

    number: int
    note: str | None = None
    kind = "step"


@dataclass(frozen=True, kw_only=True)
class ActionStep(Step):
    """A party acts on an order; with `fails`, the action must be refused."""

    actor: str
    action: str
    order: str
    fields: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    fails: bool = False
    error: str | None = None
    kind = "action"


@dataclass(frozen=True, kw_only=True)
class AdvanceStep(Step):
    """The clock moves forward by a duration, or (`seconds` None) to the next deadline."""

    by: str
    seconds: int | None
    kind = "advance"


@dataclass(frozen=True, kw_only=True)
class UntilStep(Step):
    """The clock moves forward to an instant."""

    instant: datetime
    kind = "until"


@dataclass(frozen=True, kw_only=True)
class ExpectStep(Step):
    """Expectations on one order, checked in file order; `inbox` is split per party."""

    order: str | None
    checks: tuple[tuple[str, Any], ...]
    kind = "expect"


@dataclass(frozen=True)
class Scenario:
    """A validated scenario file: how the simulation starts and the steps to play on it."""

    path: str
    title: str
    description: str | None
    start: datetime
    policy: str
    rules: Mapping[str, Any]
    orders: tuple[OrderSpec, ...]
    steps: tuple[Step, ...]

    @property
    def name(self) -> str:
        return Path(self.path).name

    def simulation(self, path: str | Path | None = None) -> Simulation:
        """A fresh simulation holding this scenario's orders, before any step (in memory, or in
        a new file at `path`, e.g. for an app that presents the scenario)."""
        sim = Simulation.create(path, start=self.start, policy=self.policy, rules=dict(self.rules))
        sim.add_orders(o.as_args() for o in self.orders)
        return sim


# ------------------------------------------------------------------------------------ loading


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file completely; raise ScenarioError naming the problem."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ScenarioError(path, "unreadable", detail=error.strerror or str(error)) from None
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(path, "unreadable", detail=f"not UTF-8 text ({error.reason})") from None
    return loads(source, str(path))


def loads(source: str, path: str = "<scenario>") -> Scenario:
    """Validate a scenario given as TOML text (`path` only names it in errors)."""
    try:
        document = tomllib.loads(_defuse(source))
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(path, "toml", detail=str(error)) from None
    except (RecursionError, ValueError) as error:  # not expected after _defuse: still a message
        raise ScenarioError(path, "toml", detail=type(error).__name__) from None
    return parse(document, path)


def _string_end(source: str, i: int) -> int:
    """The index after the TOML string that starts at `i` (any of its four kinds)."""
    quote = source[i]
    delimiter = quote * 3 if source.startswith(quote * 3, i) else quote
    j, n = i + len(delimiter), len(source)
    while j < n:
        char = source[j]
        if char == "\\" and quote == '"':
            j += 2
            continue
        if char == "\n" and len(delimiter) == 1:
            return j  # an unclosed one-line string: tomllib will say so
        if source.startswith(delimiter, j):
            j += len(delimiter)
            extra = 0  # a multi-line string may end with one or two quotes of its own
            while len(delimiter) == 3 and extra < 2 and j < n and source[j] == quote:
                j, extra = j + 1, extra + 1
            return j
        j += 1
    return n


def _value_end(source: str, i: int) -> int:
    """The index after the array or inline table that opens at `i`."""
    depth, j, n = 0, i, len(source)
    while j < n:
        char = source[j]
        if char in "\"'":
            j = _string_end(source, j)
            continue
        if char == "#":
            end = source.find("\n", j)
            j = n if end < 0 else end
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return n


_NUMBER_START = frozenset(" \t=[{,+-")
_NUMBER_GOES_ON = frozenset(".eE_:xob") | frozenset("0123456789abcdefABCDEF")


def _defuse(source: str) -> str:
    """The TOML text with what tomllib cannot read replaced by a marker string: every array or
    inline table nested deeper than MAX_DEPTH, and every integer of more than _LONG_RUN digits.

    Strings and comments are left alone; a replaced array keeps its newlines, so every line
    number tomllib reports stays right. A file that has neither is returned as it is.
    """
    out: list[str] = []
    containers: list[str] = []  # the open arrays and inline tables, innermost last
    i, n, line_start, copied = 0, len(source), True, 0
    while i < n:
        char = source[i]
        if char == "\n":
            line_start = True
        elif char in "\"'":
            i, line_start = _string_end(source, i), False
            continue
        elif char == "#" or (char == "[" and not containers and line_start):
            end = source.find("\n", i)  # a comment, or a table header: to the end of the line
            i = n if end < 0 else end
            continue
        elif char in "[{":
            if len(containers) >= MAX_DEPTH:
                end = _value_end(source, i)
                newlines = source.count("\n", i, end) if containers[-1] == "[" else 0
                out += [source[copied:i], f'"{_toml_escaped(_TOO_DEEP)}"', "\n" * newlines]
                i = copied = end
                line_start = False
                continue
            containers.append(char)
        elif char in "]}":
            if containers:
                containers.pop()
        elif char.isdigit() and (i == 0 or source[i - 1] in _NUMBER_START or source[i - 1] == "\n"):
            end = i
            while end < n and (source[end].isdigit() or source[end] == "_"):
                end += 1
            if end - i > _LONG_RUN and (end == n or source[end] not in _NUMBER_GOES_ON):
                sign = 1 if i and source[i - 1] in "+-" else 0
                out += [source[copied:i - sign], f'"{_toml_escaped(_TOO_LONG)}"']
                copied = end
            i, line_start = end, False
            continue
        if char not in " \t\r\n":
            line_start = False
        i += 1
    if not out:
        return source
    out.append(source[copied:])
    return "".join(out)


def _toml_escaped(marker: str) -> str:
    return marker.replace("\x00", "\\u0000")


def parse(document: Mapping[str, Any], path: str | Path = "<scenario>") -> Scenario:
    """Validate a scenario already read into plain data (as tomllib gives it)."""
    return _Loader(str(path), document).scenario()


class _Loader:
    """Checks one document, key by key, and builds the Scenario; the first problem raises."""

    def __init__(self, path: str, document: Mapping[str, Any]) -> None:
        self.path = path
        self.doc = document

    def fail(self, code: str, **params: Any) -> ScenarioError:
        return ScenarioError(self.path, code, **params)

    # ---- helpers that raise at a location given as keyword arguments (step=, order=, key=)

    def text_value(self, value: Any, key: str, *, blank_ok: bool = False, **where: Any) -> str:
        if not isinstance(value, str) or (not blank_ok and not value.strip()):
            raise self.fail("type", key=key, expected=text("expected.non_empty_text"), found=value, **where)
        return value

    def instant(self, value: Any, key: str, *, none_ok: bool = False, clock: bool = False,
                **where: Any) -> datetime | None:
        """An instant with a UTC date; with `clock`, one the simulated clock can reach."""
        if none_ok and value == "none":
            return None
        try:
            if isinstance(value, datetime):  # a TOML date-time: its UTC date may not exist
                ts = in_calendar_or_refuse(to_ts(value), value.isoformat())
            elif isinstance(value, str):
                ts = parse_iso(value)
            elif isinstance(value, (date, time)):
                raise self.fail("type", key=key, found=value, **where,
                                expected=text("expected.instant_with_time"))
            else:
                raise self.fail("type", key=key, found=value, **where,
                                expected=text("expected.instant"))
        except Refusal as refusal:
            raise self.fail("refused_by_engine", key=key, detail=refusal_text(refusal), **where) from None
        if clock and ts > CLOCK_LIMIT:
            raise self.fail("past_clock_end", key=key, found=iso(ts), limit=iso(CLOCK_LIMIT), **where)
        return to_datetime(ts)

    def boolean(self, value: Any, key: str, **where: Any) -> bool:
        if not isinstance(value, bool):
            raise self.fail("type", key=key, expected=text("expected.boolean"), found=value, **where)
        return value

    def choice(self, value: Any, key: str, choices: Sequence[str], **where: Any) -> str:
        if value not in choices:
            raise self.fail("choice", key=key, choices=", ".join(choices), found=value,
                            hint=_hint(value, choices), **where)
        return value

    def unknown_keys(self, spec: Mapping[str, Any], known: Sequence[str], code: str,
                     takes: Sequence[str] | None = None, prefix: str = "", **params: Any) -> None:
        """Raise for the first key of `spec` not in `known`, naming the one it probably meant
        among `takes` (default: `known`), which the message lists."""
        for key in spec:
            if key not in known:
                takes = known if takes is None else takes
                raise self.fail(code, key=prefix + str(key), known=", ".join(takes),
                                hint=_hint(key, takes), **params)

    # ---- values at any depth

    def at(self, path: tuple[Any, ...]) -> dict[str, Any]:
        """Where a value lies, as ScenarioError takes it: the step or order (or [rules]) and the
        key, as dotted names up to the first list index."""
        names: list[str] = []
        head, rest = path[0], list(path[1:])
        where: dict[str, Any] = {}
        container = self.doc.get(head)
        if head in ("steps", "orders") and rest and isinstance(rest[0], int):
            index = rest.pop(0)
            if head == "steps":
                where["step"] = index + 1
            else:
                spec = container[index] if isinstance(container, list) else None
                order_id = spec.get("id") if isinstance(spec, dict) else None
                where.update(order=index + 1,
                             order_id=order_id if isinstance(order_id, str) else None)
        elif head == "rules" and rest:
            where["rules"] = True
        else:
            rest = [head, *rest]
        for part in rest:
            if not isinstance(part, str) or len(names) == 3:
                break
            names.append(part)
        where["key"] = ".".join(names) if names else head
        return where

    def check_values(self) -> None:
        """Every value at any depth: nested at most MAX_DEPTH deep, every number finite and of
        at most MAX_DIGITS digits. Checked first, so that nothing later meets a value it cannot
        handle (an integer too long to print, a recursion too deep)."""
        largest = 10 ** MAX_DIGITS
        stack: list[tuple[tuple[Any, ...], Any]] = [((k,), v) for k, v in reversed(self.doc.items())]
        while stack:
            path, value = stack.pop()
            if len(path) > MAX_DEPTH or value == _TOO_DEEP:
                raise self.fail("too_deep", most=MAX_DEPTH, **self.at(path))
            if isinstance(value, float) and not math.isfinite(value):
                raise self.fail("not_finite", found=value, **self.at(path))
            if path[-1] == _TOO_LONG or value == _TOO_LONG or (
                    isinstance(value, (int, float)) and not isinstance(value, bool)
                    and abs(value) >= largest):
                raise self.fail("too_large", most=MAX_DIGITS, **self.at(path))
            if isinstance(value, dict):
                stack.extend(((*path, k), v) for k, v in reversed(value.items()))
            elif isinstance(value, list):
                stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))

    # ---- the document

    def scenario(self) -> Scenario:
        doc = self.doc
        self.check_values()
        self.unknown_keys(doc, TOP_KEYS, "unknown_top")
        for key in ("title", "start", "orders", "steps"):
            if key not in doc:
                raise self.fail("missing", what=f"the key {key!r}")
        title = self.text_value(doc["title"], "title")
        description = doc.get("description")
        if description is not None:
            description = self.text_value(description, "description", blank_ok=True)
        start = self.instant(doc["start"], "start", clock=True)
        policies = load_policies()
        policy = self.choice(doc.get("policy", "seed"), "policy", tuple(policies))
        rules = doc.get("rules", {})
        if not isinstance(rules, dict):
            raise self.fail("type", key="rules", expected=text("expected.rules_table"),
                            found=rules)
        names = [k for k in policies[policy] if k not in ("policy", "description")]
        self.unknown_keys(rules, names, "unknown_rule", rules=True)
        try:
            rules_data = policy_rules(policy, rules)
        except Refusal as refusal:
            detail = refusal.params.get("detail", refusal.message)
            key = next((k for k in rules if str(detail).startswith(k)), None)  # the rule named
            raise self.fail("refused_by_engine", rules=True, key=key, detail=detail) from None
        orders = self.orders(doc["orders"], start, policy, rules)
        steps = self.steps(doc["steps"], {o.id for o in orders}, start, rules_data)
        return Scenario(self.path, title, description, start, policy,
                        MappingProxyType(dict(rules)), orders, steps)

    def orders(self, raw: Any, start: datetime, policy: str,
               rules: Mapping[str, Any]) -> tuple[OrderSpec, ...]:
        if not isinstance(raw, list) or not all(isinstance(o, dict) for o in raw):
            raise self.fail("type", key="orders", expected=text("expected.orders_list"), found=raw)
        if not raw:
            raise self.fail("empty_list", key="orders", what=text("expected.orders_table"))
        # Each order is added to a probe simulation, so that whatever the engine would refuse
        # (a price of 0, an unknown status...) is found now, with the order's number.
        probe = Simulation.create(None, start=start, policy=policy, rules=dict(rules))
        first: dict[str, int] = {}
        specs = []
        for index, spec in enumerate(raw, start=1):
            order_id = spec.get("id") if isinstance(spec.get("id"), str) else None
            where = {"order": index, "order_id": order_id}
            self.unknown_keys(spec, ORDER_KEYS, "unknown_step_key", kind=text("kind.order"),
                              **where)
            for key in ("id", "title", "price", "delivery_days"):
                if key not in spec:
                    raise self.fail("missing", what=f"the key {key!r}", **where)
            order_id = self.text_value(spec["id"], "id", **where)
            if order_id in first:
                raise self.fail("duplicate_order", key="id", found=order_id,
                                first=first[order_id], **where)
            first[order_id] = index
            self.text_value(spec["title"], "title", **where)
            status = self.choice(spec.get("status", "in_progress"), "status", ORDER_STATUSES,
                                 **where)
            due = self.instant(spec["due"], "due", **where) if "due" in spec else None
            order = OrderSpec(order_id, spec["title"], spec["price"], spec["delivery_days"],
                              status, due)
            try:
                probe.add_orders([order.as_args()])
            except Refusal as refusal:
                key = next((k for k in ("price", "delivery_days", "due") if k in refusal.message),
                           None)
                detail = refusal.params.get("detail", refusal.message)
                raise self.fail("refused_by_engine", key=key, detail=detail, **where) from None
            specs.append(order)
        return tuple(specs)

    def steps(self, raw: Any, order_ids: set[str], start: datetime,
              rules_data: Mapping[str, Any]) -> tuple[Step, ...]:
        if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
            raise self.fail("type", key="steps", expected=text("expected.steps_list"), found=raw)
        if not raw:
            raise self.fail("empty_list", key="steps", what=text("expected.steps_table"))
        self.rules_data = rules_data
        self.order_ids = order_ids
        # The clock's lowest possible position: an `until` before it surely goes back, and an
        # `advance` or `until` past the clock's end can never be played. A move to the next
        # deadline goes forward by an amount not known here, so the bound stays as it was.
        self.earliest = to_ts(start)
        return tuple(self.step(number, spec) for number, spec in enumerate(raw, start=1))

    def known_order(self, value: Any, key: str, **where: Any) -> str:
        value = self.text_value(value, key, **where)
        if value not in self.order_ids:
            known = sorted(self.order_ids)
            raise self.fail("unknown_order", key=key, found=value, known=", ".join(known),
                            hint=_hint(value, known), **where)
        return value

    def step(self, number: int, spec: Mapping[str, Any]) -> Step:
        where = {"step": number}
        kinds = [k for k in STEP_KINDS if k in spec or (k == "action" and "actor" in spec)]
        if not kinds:
            # A typo in the one key that says what a step is ("acter", "advnce") is named.
            every = (*ACTION_KEYS, *FIELD_NAMES, "request", "advance", "until", "expect")
            self.unknown_keys(spec, every, "unknown_step_key", kind=text("kind.step"), **where)
            raise self.fail("no_kind", **where)
        if len(kinds) > 1:
            raise self.fail("several_kinds", kinds=" and ".join(kinds), **where)
        note = spec.get("note")
        if note is not None:
            note = self.text_value(note, "note", **where)
        kind = kinds[0]
        if kind == "action":
            return self.action_step(number, note, spec)
        self.unknown_keys(spec, (kind, "note"), "unknown_step_key", kind=text(f"kind.{kind}"),
                          **where)
        if kind == "advance":
            by = spec["advance"]
            if by == NEXT:
                return AdvanceStep(number=number, note=note, by=by, seconds=None)
            if not isinstance(by, str):
                raise self.fail("type", key="advance", found=by, **where,
                                expected=text("expected.duration"))
            try:
                seconds = parse_duration(by)
            except Refusal as refusal:
                raise self.fail("refused_by_engine", key="advance", detail=refusal_text(refusal),
                                **where) from None
            if self.earliest + seconds > CLOCK_LIMIT:
                raise self.fail("advance_past_clock_end", key="advance", by=by,
                                earliest=iso(self.earliest), limit=iso(CLOCK_LIMIT), **where)
            self.earliest += seconds
            return AdvanceStep(number=number, note=note, by=by, seconds=seconds)
        if kind == "until":
            instant = self.instant(spec["until"], "until", clock=True, **where)
            assert instant is not None
            ts = to_ts(instant)
            if ts < self.earliest:
                raise self.fail("backwards", key="until", found=iso(ts),
                                earliest=iso(self.earliest), **where)
            self.earliest = ts
            return UntilStep(number=number, note=note, instant=instant)
        return self.expect_step(number, note, spec["expect"])

    def action_step(self, number: int, note: str | None, spec: Mapping[str, Any]) -> ActionStep:
        where = {"step": number}
        action = spec.get("action")
        actions_spec = self.rules_data["actions"]
        # The fields this action takes by anyone (a `fails` step may use the wrong party's);
        # answers may also name the request they answer.
        if action in ACTIONS:
            by_role = actions_spec[action]
            takes = [f for f in FIELD_NAMES if any(f in s["fields"] for s in by_role.values())]
            if action in ANSWER_ACTIONS:
                takes.append("request")
        else:
            by_role, takes = {}, [*FIELD_NAMES, "request"]
        self.unknown_keys(spec, (*ACTION_KEYS, *FIELD_NAMES, "request"), "unknown_step_key",
                          takes=(*ACTION_KEYS, *takes), kind=text("kind.action"), **where)
        for key in ("actor", "action", "order"):
            if key not in spec:
                raise self.fail("missing", what=f"the key {key!r} of an action step", **where)
        actor = self.choice(spec["actor"], "actor", PARTIES, **where)
        if action not in ACTIONS:
            raise self.fail("unknown_action", key="action", found=action,
                            known=", ".join(ACTIONS), hint=_hint(action, ACTIONS), **where)
        order = self.known_order(spec["order"], "order", **where)
        fails = self.boolean(spec.get("fails", False), "fails", **where)
        error = spec.get("error")
        if error is not None:
            error = self.text_value(error, "error", **where)
            if not fails:
                raise self.fail("error_without_fails", key="error", **where)
        fields = {k: v for k, v in spec.items() if k not in ACTION_KEYS}
        self.unknown_keys(fields, takes, "unknown_field", action=action, **where)
        if "reason" in fields:
            self.reason(fields["reason"], actor, fails, **where)
        if not fails:  # a step that must succeed has to give what its party's form requires
            role = ("requester" if action == "withdraw" else "responder") \
                if action in ANSWER_ACTIONS else actor
            needed = by_role.get(role, {"fields": {}})["fields"]
            for name, need in needed.items():
                if need == "required" and name not in fields:
                    raise self.fail("field_required", key=name, action=action, actor=actor,
                                    field=name, **where)
        return ActionStep(number=number, note=note, actor=actor, action=action, order=order,
                          fields=MappingProxyType(fields), fails=fails, error=error)

    def reason(self, value: Any, actor: str, fails: bool, **where: Any) -> None:
        """A reason is given as its code (`other`, not the label "Other"): one of the actor's, or
        for a `fails` step any party's (to show that the other party's is refused)."""
        reasons = self.rules_data["reasons"]
        allowed = [c for party in PARTIES for c in reasons[party]] if fails else reasons[actor]
        if isinstance(value, str) and value in allowed:
            return
        codes = reasons[actor]
        hint = ""
        if isinstance(value, str):  # the label of a code, in either language?
            for lang in LANGUAGES:
                for code in codes:
                    label = translations(lang).get(f"reason.{actor}.{code}")
                    if label is not None and label.casefold() == value.strip().casefold():
                        hint = text("reason_label", reason=code)
            hint = hint or _hint(value, codes)
        raise self.fail("unknown_reason", key="reason", found=value, actor=actor,
                        known=", ".join(codes), hint=hint, **where)

    def expect_step(self, number: int, note: str | None, raw: Any) -> ExpectStep:
        where = {"step": number}
        if not isinstance(raw, dict):
            raise self.fail("type", key="expect", expected=text("expected.expect_table"), found=raw, **where)
        self.unknown_keys(raw, EXPECT_KEYS, "unknown_expect", prefix="expect.", **where)
        checked = [k for k in raw if k != "order"]
        if not checked:
            raise self.fail("missing", key="expect", what=text("expected.something_to_check"),
                            **where)
        order = None
        if "order" in raw:
            order = self.known_order(raw["order"], "expect.order", **where)
        elif checked != ["now"]:
            raise self.fail("missing", key="expect", what=text("expected.key_order"), **where)
        checks: list[tuple[str, Any]] = []
        for key in checked:
            value, name = raw[key], f"expect.{key}"
            if key == "status":
                checks.append((key, self.choice(value, name, BASE_STATUSES, **where)))
            elif key in ("late", "very_late"):
                checks.append((key, self.boolean(value, name, **where)))
            elif key == "request":
                checks.append((key, self.choice(value, name, ("none", *REQUEST_STATES), **where)))
            elif key == "request_type":
                checks.append((key, self.choice(value, name, ("none", *REQUEST_TYPES), **where)))
            elif key == "cancellation":
                checks.append((key, self.choice(value, name, ("none", "mutual", "direct"),
                                                **where)))
            elif key in ("due", "now"):
                instant = self.instant(value, name, none_ok=key == "due", clock=key == "now",
                                       **where)
                checks.append((key, "none" if instant is None else iso(to_ts(instant))))
            elif key == "open_requests":
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise self.fail("type", key=name, expected=text("expected.count"),
                                    found=value, **where)
                checks.append((key, value))
            else:  # inbox
                if not isinstance(value, dict) or not value:
                    raise self.fail("type", key=name, found=value, **where,
                                    expected=text("expected.inbox_table"))
                self.unknown_keys(value, PARTIES, "unknown_step_key", prefix=f"{name}.",
                                  kind=text("kind.inbox"), **where)
                for party, wanted in value.items():
                    self.text_value(wanted, f"{name}.{party}", **where)
                    checks.append((f"inbox.{party}", wanted))
        return ExpectStep(number=number, note=note, order=order, checks=tuple(checks))


def _hint(found: Any, known: Iterable[str]) -> str:
    """", did you mean 'actor'?" when `found` is close to one of `known` (difflib), else ""."""
    if not isinstance(found, str):
        return ""
    known = list(known)
    folded = {k.casefold(): k for k in known}
    match = folded.get(found.casefold()) or next(
        iter(difflib.get_close_matches(found, known, n=1)), None)
    return text("did_you_mean", match=match) if match and match != found else ""


# ------------------------------------------------------------------------------------ playing


@dataclass(frozen=True)
class CheckResult:
    """One expectation: the key, what the file expected, what the simulation showed."""

    key: str
    expected: Any
    found: Any
    passed: bool


@dataclass(frozen=True)
class StepResult:
    """What one step did: the events it fired (each with its simulated time), the refusal it
    met, or its checks; `passed` says whether it went as the file says, `problem` why not."""

    step: Step
    passed: bool
    now: datetime
    events: tuple[EventView, ...] = ()
    refusal: Refusal | None = None
    checks: tuple[CheckResult, ...] = ()
    problem: str | None = None

    @property
    def number(self) -> int:
        return self.step.number


@dataclass(frozen=True)
class Report:
    """A whole run: the scenario, the events of its set-up, and every step's result."""

    scenario: Scenario
    setup_events: tuple[EventView, ...]
    results: tuple[StepResult, ...]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> tuple[StepResult, ...]:
        return tuple(r for r in self.results if not r.passed)


class Player:
    """Plays a Scenario on a fresh in-memory Simulation, one step at a time.

    The app presents a scenario by calling `step()` once per key press and showing
    `simulation` after it; `run()` plays whatever is left. A step that does not go as the file
    says is recorded as failed and the play continues.
    """

    def __init__(self, scenario: Scenario, simulation: Simulation | None = None) -> None:
        """`simulation`: one made by `scenario.simulation(...)` and not changed since; by
        default a fresh in-memory one."""
        self.scenario = scenario
        self.simulation = simulation if simulation is not None else scenario.simulation()
        self.setup_events: tuple[EventView, ...] = self.simulation.events()
        self.results: list[StepResult] = []

    @property
    def position(self) -> int:
        """How many steps have been played."""
        return len(self.results)

    @property
    def done(self) -> bool:
        return self.position >= len(self.scenario.steps)

    @property
    def next_step(self) -> Step | None:
        """The step `step()` will play, or None at the end."""
        return None if self.done else self.scenario.steps[self.position]

    def step(self) -> StepResult:
        """Play the next step and return its result; IndexError when all have been played."""
        if self.done:
            raise IndexError("every step of the scenario has been played")
        step = self.scenario.steps[self.position]
        if isinstance(step, ActionStep):
            result = self._act(step)
        elif isinstance(step, ExpectStep):
            result = self._expect(step)
        else:
            result = self._move(step)
        self.results.append(result)
        return result

    def run(self) -> Report:
        """Play every remaining step and return the report of the whole run."""
        while not self.done:
            self.step()
        return self.report()

    def report(self) -> Report:
        """The report of the steps played so far."""
        return Report(self.scenario, self.setup_events, tuple(self.results))

    def _act(self, step: ActionStep) -> StepResult:
        sim = self.simulation
        try:
            events = sim.act(step.actor, step.action, step.order, **step.fields)
        except Refusal as refusal:
            # A refusal changes nothing: the engine promises it (tests/engine/test_journal.py),
            # so the state is not compared around each action (that cost the whole state).
            if not step.fails:
                problem = text("problem_refused", message=refusal_text(refusal))
            elif step.error is not None and not refusal_matches(refusal, step.error):
                problem = text("problem_wrong_refusal", error=step.error, message=refusal_text(refusal))
            else:
                problem = None
            return StepResult(step, problem is None, sim.now, refusal=refusal, problem=problem)
        problem = text("problem_not_refused") if step.fails else None
        return StepResult(step, problem is None, sim.now, events=events, problem=problem)

    def _move(self, step: Step) -> StepResult:
        sim = self.simulation
        try:
            if isinstance(step, UntilStep):
                events = sim.advance_to(step.instant)
            elif step.seconds is None:
                events = sim.advance_to_next_deadline()
            else:
                events = sim.advance(step.seconds)
        except Refusal as refusal:
            return StepResult(step, False, sim.now, refusal=refusal,
                              problem=text("problem_clock", message=refusal_text(refusal)))
        return StepResult(step, True, sim.now, events=events)

    def _expect(self, step: ExpectStep) -> StepResult:
        sim = self.simulation
        view = sim.order_view(step.order) if step.order is not None else None
        checks = []
        for key, expected in step.checks:
            found = self._found(key, view)
            if key.startswith("inbox."):
                passed = any(expected in item for item in found)  # exactly as typed
                found = list(found)
            else:
                passed = found == expected
            checks.append(CheckResult(key, expected, found, passed))
        return StepResult(step, all(c.passed for c in checks), sim.now, checks=tuple(checks))

    def _found(self, key: str, view: OrderView | None) -> Any:
        sim = self.simulation
        if key == "now":
            return iso(to_ts(sim.now))
        assert view is not None
        last = view.last_request
        if key == "status":
            return view.status
        if key == "late":
            return view.late
        if key == "very_late":
            return view.very_late
        if key == "request":
            return last.state if last else "none"
        if key == "request_type":
            return last.type if last else "none"
        if key == "cancellation":
            return view.cancellation["kind"] if view.cancellation else "none"
        if key == "due":
            return iso(to_ts(view.due)) if view.due is not None else "none"
        if key == "open_requests":
            return sum(1 for r in view.requests if r.state == "open")
        party = key.split(".", 1)[1]
        # What that party received on this order: each message's text, and the reason chosen.
        return tuple(
            m.text + (f" [reason: {m.reason}]" if m.reason else "")
            for m in sim.view(party).inbox if m.order == view.id
        )


def refusal_matches(refusal: Refusal, error: str) -> bool:
    """Whether a step's `error` names this refusal: its code (stable, in every language) or a
    part of its message (case does not matter)."""
    return error == refusal.code or error.lower() in refusal.message.lower()


def play(scenario: Scenario) -> Report:
    """Play a whole scenario on a fresh simulation."""
    return Player(scenario).run()


# ------------------------------------------------------------------------------------ reporting


# The transcript says everything in words of its language: parties, actions, statuses, request
# types and states, reasons, durations. What a user typed (a comment, an error to look for, an
# inbox text) is quoted as the language quotes, with control characters escaped.

EXPECT_WORDS = {"status": "status_word", "request": "request_state",
                "request_type": "request_word"}
_INBOX_REASON = re.compile(r"(?s)(.*) \[reason: (\w+)\]")


def _quote(value: Any) -> str:
    """A text of the file or of a user, quoted, its control characters escaped (never raw)."""
    return text("quoted", text=repr(str(value))[1:-1])


def _list_sep() -> str:
    return translate(language(), "word.list_sep")


def _word(kind: str, value: Any) -> str:
    """The label of an identifier in this language (the identifier itself if it has none)."""
    key = f"{kind}.{value}"
    return translate(language(), key) if has(key) else str(value)


def _inbox_item(item: str, party: str) -> str:
    """A message a party received, as `Player` reports it ("text [reason: code]"), in words."""
    match = _INBOX_REASON.fullmatch(item)
    if match is None:
        return _quote(item)
    said, reason = match.groups()
    reason_text = text("inbox_reason", reason=_word(f"reason.{other(party)}", reason))
    return f"{_quote(said)} {reason_text}" if said else reason_text


def _value(key: str, value: Any) -> str:
    """An expected or found value of an `expect` key, as the transcript shows it."""
    if isinstance(value, bool):
        return text("yes" if value else "no")
    if key.startswith("inbox."):
        if isinstance(value, (list, tuple)):
            party = key.split(".", 1)[1]
            items = [_inbox_item(str(v), party) for v in value]
            return _list_sep().join(items) if items else text("nothing")
        return _quote(value)
    if value == "none" and key != "status":
        return _quote(text("none"))
    if key in EXPECT_WORDS:
        return _quote(_word(EXPECT_WORDS[key], value))
    if key == "cancellation":
        return _quote(_word("run.cancellation", value))
    if isinstance(value, int):
        return str(value)
    return _quote(value)


def _field_value(party: str, name: str, value: Any) -> str:
    if name == "reason" and has(f"reason.{party}.{value}"):
        return _word(f"reason.{party}", value)  # a choice from the party's list: its label
    if name == "extra_price" and isinstance(value, (int, float)) and not isinstance(value, bool):
        cents = Decimal(str(value)) * 100  # a TOML number: an int or a finite float
        if cents == cents.to_integral_value() and abs(cents) < 10 ** 15:
            return fmt_money(int(cents))
        return str(value)
    if name in ("days", "request"):
        return str(value)
    return _quote(value)


def _fields(party: str, fields: Mapping[str, Any]) -> str:
    if not fields:
        return ""
    return text("fields", items=_list_sep().join(
        text("field", field=_word("field_word", k), value=_field_value(party, k, v))
        for k, v in fields.items()))


def describe_step(step: Step, now: datetime | None = None) -> str:
    """One line saying what a step does (`now`: the clock after a clock move)."""
    at = iso(to_ts(now)) if now is not None else "?"
    if isinstance(step, ActionStep):
        fails = ""
        if step.fails:
            err = text("step_fails_error", error=_quote(step.error)) if step.error else ""
            fails = text("step_fails", error=err)
        return text("step_action", number=step.number, actor=_word("party", step.actor),
                    action=_word("verb", step.action), order=step.order,
                    fields=_fields(step.actor, step.fields), fails=fails)
    if isinstance(step, AdvanceStep):
        if step.seconds is None:
            return text("step_next", number=step.number, now=at)
        return text("step_advance", number=step.number, by=duration_words(step.seconds), now=at)
    if isinstance(step, UntilStep):
        return text("step_until", number=step.number, instant=iso(to_ts(step.instant)), now=at)
    assert isinstance(step, ExpectStep)
    if step.order is None:
        return text("step_expect_now", number=step.number)
    return text("step_expect", number=step.number, order=step.order)


def describe_event(event: EventView) -> str:
    """One line for an event: its simulated time and what happened, in words."""
    return text("event", at=iso(to_ts(event.at)), what=event_sentence(event))


def _check_line(code: str, check: CheckResult, **params: Any) -> str:
    return text(code, key=_word("run.check", check.key), expected=_value(check.key, check.expected),
                found=_value(check.key, check.found), **params)


def describe_result(result: StepResult) -> list[str]:
    """The transcript lines of one step: what it did, its note, what happened, its checks."""
    step = result.step
    lines = [describe_step(step, result.now)]
    if step.note:
        lines.append(text("note", note=step.note))
    if result.refusal is not None and isinstance(step, ActionStep):
        code = "refused_ok" if step.fails else "refused"
        lines.append(text(code, message=refusal_text(result.refusal)))
    for check in result.checks:
        lines.append(_check_line("check_ok" if check.passed else "check_fail", check))
    if not isinstance(step, ExpectStep) and result.refusal is None:
        lines.extend(describe_event(e) for e in result.events)
        if not result.events:
            lines.append(text("no_events"))
    # A refused action has already said so on its "REFUSED" line.
    refused_line = isinstance(step, ActionStep) and not step.fails and result.refusal is not None
    if result.problem is not None and not refused_line:
        lines.append(text("step_failed", problem=result.problem))
    return lines


def describe_failures(report: Report) -> list[str]:
    """One line per failed step or expectation, each naming the step (and key, expected, found)."""
    lines = []
    for result in report.failures:
        step = result.step
        if isinstance(step, ExpectStep):
            for check in result.checks:
                if not check.passed:
                    lines.append(_check_line("failure_check", check, number=step.number,
                                             order=step.order or ""))
        else:
            what = describe_step(step, result.now).strip().split(". ", 1)[-1]
            lines.append(text("failure", number=step.number, what=what, problem=result.problem))
    return lines


def transcript(report: Report) -> str:
    """The readable transcript of a run: set-up, every step, and the result."""
    sc = report.scenario
    overrides = ""
    if sc.rules:
        overrides = text("overrides", items=", ".join(f"{k} = {v}" for k, v in sc.rules.items()))
    lines = [text("scenario", path=sc.path, title=sc.title)]
    if sc.description:
        lines.extend(textwrap.wrap(" ".join(sc.description.split()), width=96,
                                   initial_indent="  ", subsequent_indent="  "))
    lines.append(text("setup", policy=sc.policy, start=iso(to_ts(sc.start)), overrides=overrides))
    for event in report.setup_events:
        due = event.data.get("due")
        lines.append(text("order_line", id=event.order, title=event.data["title"],
                          price=fmt_money(event.data["price"]),
                          days=day_count(event.data["delivery_days"]),
                          status=_word("status_word", event.data["status"]),
                          due=text("due", due=due) if due else ""))
    for result in report.results:
        lines.extend(describe_result(result))
    checks = sum(len(r.checks) for r in report.results)
    if report.passed:
        lines.append(text("result_pass", steps=len(report.results), checks=checks))
    else:
        lines.extend(describe_failures(report))
        lines.append(text("result_fail", failed=len(report.failures), steps=len(report.results)))
    return "\n".join(lines)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(to_ts(value))
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _event_json(event: EventView) -> dict[str, Any]:
    return {"seq": event.seq, "at": iso(to_ts(event.at)), "type": event.type,
            "order": event.order, "actor": event.actor, "data": _jsonable(event.data)}


def report_json(report: Report) -> dict[str, Any]:
    """The run as plain data: the same content as the transcript, for machines."""
    sc = report.scenario
    steps = []
    for result in report.results:
        step = result.step
        entry: dict[str, Any] = {"number": step.number, "kind": step.kind, "note": step.note,
                                 "passed": result.passed, "now": iso(to_ts(result.now))}
        if isinstance(step, ActionStep):
            entry.update(actor=step.actor, action=step.action, order=step.order,
                         fields=dict(step.fields), fails=step.fails, error=step.error)
        elif isinstance(step, AdvanceStep):
            entry["advance"] = step.by
        elif isinstance(step, UntilStep):
            entry["until"] = iso(to_ts(step.instant))
        else:
            entry["order"] = step.order
        entry["events"] = [_event_json(e) for e in result.events]
        entry["refusal"] = (None if result.refusal is None else
                            {"code": result.refusal.code, "message": refusal_text(result.refusal)})
        if isinstance(step, ExpectStep):
            entry["checks"] = [{"key": c.key, "expected": c.expected, "found": c.found,
                                "passed": c.passed} for c in result.checks]
        entry["problem"] = result.problem
        steps.append(entry)
    return {
        "file": sc.path, "title": sc.title, "description": sc.description, "policy": sc.policy,
        "start": iso(to_ts(sc.start)), "rules": dict(sc.rules), "passed": report.passed,
        "failed_steps": [r.number for r in report.failures],
        "setup": [_event_json(e) for e in report.setup_events], "steps": steps,
    }


# ------------------------------------------------------------------------------------ command line


def _files(paths: Iterable[str]) -> list[Path]:
    """The files named, with a directory standing for the *.toml files in it."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        found.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    return found


# The exit status when the reader of the output went away (`rcsim run ... | head`): 128 + SIGPIPE,
# what a shell reports for a command a closed pipe ended, as `yes | head` shows with pipefail.
PIPE_CLOSED = 141


class _Parser(argparse.ArgumentParser):
    """argparse, with its messages (which repeat what was typed) made inert."""

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        super().exit(status, clean(message) if message else None)


def _say(stream: TextIO, line: str = "") -> None:
    """Print runner text, inert: it holds file names and user text (titles, notes...)."""
    print(clean(line), file=stream)


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """`rcsim run FILE... [--json]`: play scenario files; exit status 0, 1 or 2 (see the module),
    or PIPE_CLOSED (141) when the output's reader went away: the run stops there, quietly.

    `argv` may start with "run" (as `rcsim` hands it over) or with the first file.
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["run"]:
        args = args[1:]
    previous = language()
    try:
        parser = _Parser(prog="rcsim run", description=text("help.description"))
        parser.add_argument("files", nargs="+", metavar="FILE", help=text("help.files"))
        parser.add_argument("--json", action="store_true", help=text("help.json"))
        parser.add_argument("--lang", choices=LANGUAGES, default="en", help=text("help.lang"))
        try:
            options = parser.parse_args(args)
        except SystemExit as exit_:  # argparse has printed its message; return rather than exit
            return int(exit_.code or 0)
        set_language(options.lang)
        return _run(options, out, err)
    except BrokenPipeError:
        _quiet(out, err)
        return PIPE_CLOSED
    finally:
        set_language(previous)


def _quiet(*streams: TextIO) -> None:
    """After a closed pipe: point each stream whose reader went away at the null device, so
    that what is still buffered, flushed at exit, raises nothing (Python's documented remedy)."""
    for stream in streams:
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            try:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, stream.fileno())
                os.close(null)
            except (OSError, ValueError):  # not a file (a test's StringIO): nothing is left
                pass


def _run(options: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Validate every file, then play each; the exit status of `main`."""
    files = _files(options.files)
    if not files:
        _say(err, text("no_files"))
        return 2
    # Every file is validated before any is played: nothing is half-run.
    scenarios, invalid = [], 0
    for path in files:
        try:
            scenarios.append(load(path))
        except ScenarioError as error:
            invalid += 1
            _say(err, text("invalid", message=error.message))
    if invalid:
        _say(err, text("not_run", count=invalid))
        return 2
    passed = 0
    for index, scenario in enumerate(scenarios):
        report = play(scenario)
        passed += report.passed
        if options.json:
            # JSON escapes C0 controls itself; the rest a terminal acts on is escaped as \uXXXX.
            print(json_inert(json.dumps(report_json(report), ensure_ascii=False)), file=out)
        else:
            if index:
                _say(out)
            _say(out, transcript(report))
    if not options.json and len(scenarios) > 1:
        _say(out)
        _say(out, text("summary", count=len(scenarios), passed=passed,
                       failed=len(scenarios) - passed))
    return 0 if passed == len(scenarios) else 1


if __name__ == "__main__":
    sys.exit(main())
