"""Reading a scenario file: TOML in, a validated Scenario out, or a ScenarioError naming where and what."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..english import quoted
from ..errors import RcsimError, Refusal
from ..field_checks import ADDABLE_STATUSES
from ..model import BASE_STATUSES, PARTIES, REQUEST_STATES, REQUEST_TYPES
from ..rules import ACTIONS, ANSWER_ACTIONS, FIELD_NAMES, Rules, load_policies, policy_rules
from ..service import Simulation
from ..timeutil import (
    CLOCK_LIMIT,
    in_calendar_or_refuse,
    iso,
    parse_duration,
    parse_iso,
    to_datetime,
    to_ts,
)
from .steps import (
    ACTION_KEYS,
    EXPECT_KEYS,
    LANGUAGE_TAG,
    MAX_DEPTH,
    MAX_DIGITS,
    NEXT,
    ORDER_KEYS,
    STEP_KINDS,
    TEXT_FIELDS,
    TOP_KEYS,
    ActionStep,
    AdvanceStep,
    ExpectStep,
    OrderSpec,
    Scenario,
    Step,
    Text,
    UndoStep,
    UntilStep,
)
from .toml_guard import TOO_DEEP, TOO_LONG, parse_toml, read_toml
from .toml_guard import hint as _hint


class ScenarioError(RcsimError):
    """A file that is not a valid scenario: where (file, step or order, key) and what is wrong.

    Raised by `load` before anything runs. `code` names the problem and `params` hold plain
    values only: identifiers (a kind of step, an expected form, the key it probably meant as
    `hint`, a refusal's `refusal` code and `refusal_params`), numbers, instants as text, and the
    value found. Saying it in words is presentation (`tui.report.error_text`, in either
    language); str() is a plain, untranslated fallback for someone using the Python API.
    """

    def __init__(self, path: str | Path, code: str, *, step: int | None = None,
                 order: int | None = None, order_id: str | None = None,
                 key: str | None = None, rules: bool = False, **params: Any) -> None:
        self.path = str(path)
        self.code = code
        self.step = step
        self.order = order
        self.order_id = order_id
        self.key = key
        self.rules = rules
        self.params = params
        super().__init__(self.path, code)

    def __str__(self) -> str:
        where = [repr(self.path)]
        if self.step is not None:
            where.append(f"step {self.step}")
        if self.order is not None:
            where.append(f"order {self.order}" + (f" ({quoted(self.order_id)})" if self.order_id else ""))
        if self.rules:
            where.append("[rules]")
        if self.key is not None:
            where.append(f"key {quoted(self.key)}")
        params = ", ".join(f"{k}={quoted(v)}" for k, v in self.params.items())
        return ": ".join(where) + f": {self.code}" + (f" ({params})" if params else "")


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file completely; raise ScenarioError naming the problem."""
    return parse(read_toml(path, ScenarioError), path)


def loads(source: str, path: str = "<scenario>") -> Scenario:
    """Validate a scenario given as TOML text (`path` only names it in errors)."""
    return parse(parse_toml(source, path, ScenarioError), path)


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

    def refused(self, refusal: Refusal, **where: Any) -> ScenarioError:
        """A value the engine refused: the refusal's code and parameters, not its text."""
        return self.fail("refused_by_engine", refusal=refusal.code,
                         refusal_params=dict(refusal.params), **where)

    # ---- helpers that raise at a location given as keyword arguments (step=, order=, key=)

    def text_value(self, value: Any, key: str, *, blank_ok: bool = False, **where: Any) -> str:
        if not isinstance(value, str) or (not blank_ok and not value.strip()):
            raise self.fail("type", key=key, expected="non_empty_text", found=value, **where)
        return value

    def texts(self, value: Any, key: str, *, blank_ok: bool = False, **where: Any) -> str:
        """A text, or the same text per language (`{ en = "...", de = "..." }`: a Text)."""
        if not isinstance(value, dict):
            if not isinstance(value, str):
                raise self.fail("type", key=key, expected="texts_by_language", found=value,
                                **where)
            return self.text_value(value, key, blank_ok=blank_ok, **where)
        if not value:
            raise self.fail("type", key=key, expected="texts_by_language", found=value, **where)
        for language, text in value.items():
            if not LANGUAGE_TAG.fullmatch(language):
                raise self.fail("language_key", key=f"{key}.{language}", found=language, **where)
            self.text_value(text, f"{key}.{language}", blank_ok=blank_ok, **where)
        return Text(value)

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
                raise self.fail("type", key=key, found=value, expected="instant_with_time",
                                **where)
            else:
                raise self.fail("type", key=key, found=value, expected="instant", **where)
        except Refusal as refusal:
            raise self.refused(refusal, key=key, **where) from None
        if clock and ts > CLOCK_LIMIT:
            raise self.fail("past_clock_end", key=key, found=iso(ts), limit=iso(CLOCK_LIMIT), **where)
        return to_datetime(ts)

    def boolean(self, value: Any, key: str, **where: Any) -> bool:
        if not isinstance(value, bool):
            raise self.fail("type", key=key, expected="boolean", found=value, **where)
        return value

    def choice(self, value: Any, key: str, choices: Sequence[str], **where: Any) -> str:
        if value not in choices:
            raise self.fail("choice", key=key, choices=tuple(choices), found=value,
                            hint=_hint(value, choices), **where)
        return value

    def unknown_keys(self, spec: Mapping[str, Any], known: Sequence[str], code: str,
                     takes: Sequence[str] | None = None, prefix: str = "", **params: Any) -> None:
        """Raise for the first key of `spec` not in `known`, naming the one it probably meant
        among `takes` (default: `known`), which the message lists."""
        for key in spec:
            if key not in known:
                takes = known if takes is None else takes
                raise self.fail(code, key=prefix + str(key), known=tuple(takes),
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
        stack: list[tuple[tuple[Any, ...], Any]] = [((k,), v) for k, v in reversed(list(self.doc.items()))]
        while stack:
            path, value = stack.pop()
            if len(path) > MAX_DEPTH or value == TOO_DEEP:
                raise self.fail("too_deep", most=MAX_DEPTH, **self.at(path))
            if isinstance(value, float) and not math.isfinite(value):
                raise self.fail("not_finite", found=value, **self.at(path))
            if path[-1] == TOO_LONG or value == TOO_LONG or (
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
                raise self.fail("missing", name=key)
        title = self.texts(doc["title"], "title")
        description = doc.get("description")
        if description is not None:
            description = self.texts(description, "description", blank_ok=True)
        start = self.instant(doc["start"], "start", clock=True)
        assert start is not None  # (none_ok is off: an instant or an error)
        policies = load_policies()
        policy = self.choice(doc.get("policy", "seed"), "policy", tuple(policies))
        rules = doc.get("rules", {})
        if not isinstance(rules, dict):
            raise self.fail("type", key="rules", expected="rules_table", found=rules)
        names = [k for k in policies[policy] if k not in ("policy", "description")]
        self.unknown_keys(rules, names, "unknown_rule", rules=True)
        try:
            rules_data = policy_rules(policy, rules)
        except Refusal as refusal:
            detail = str(refusal.params.get("detail", ""))
            named = next((k for k in rules if detail.startswith(k)), None)  # the rule named
            raise self.refused(refusal, rules=True, key=named) from None
        orders = self.orders(doc["orders"], start, policy, rules)
        steps = self.steps(doc["steps"], {o.id for o in orders}, start, rules_data)
        return Scenario(self.path, title, description, start, policy,
                        MappingProxyType(dict(rules)), orders, steps)

    def orders(self, raw: Any, start: datetime, policy: str,
               rules: Mapping[str, Any]) -> tuple[OrderSpec, ...]:
        if not isinstance(raw, list) or not all(isinstance(o, dict) for o in raw):
            raise self.fail("type", key="orders", expected="orders_list", found=raw)
        if not raw:
            raise self.fail("empty_list", key="orders", what="orders_table")
        first: dict[str, int] = {}
        specs = []
        for index, spec in enumerate(raw, start=1):
            order_id = spec.get("id") if isinstance(spec.get("id"), str) else None
            where: dict[str, Any] = {"order": index, "order_id": order_id}
            self.unknown_keys(spec, ORDER_KEYS, "unknown_step_key", kind="order", **where)
            for key in ("id", "title", "price", "delivery_days"):
                if key not in spec:
                    raise self.fail("missing", name=key, **where)
            order_id = self.text_value(spec["id"], "id", **where)
            if order_id in first:
                raise self.fail("duplicate_order", key="id", found=order_id,
                                first=first[order_id], **where)
            first[order_id] = index
            title = self.texts(spec["title"], "title", **where)
            status = self.choice(spec.get("status", "in_progress"), "status", ADDABLE_STATUSES,
                                 **where)
            due = self.instant(spec["due"], "due", **where) if "due" in spec else None
            specs.append(OrderSpec(order_id, title, spec["price"], spec["delivery_days"],
                                   status, due))
        # The orders are added to a probe simulation, so that whatever the engine would refuse
        # (a price of 0, an unknown status...) is found now: all at once (one step), and only
        # when that is refused, one by one, to name the first order refused, with its number.
        def probe() -> Simulation:
            return Simulation.create(None, start=start, policy=policy, rules=dict(rules))

        try:
            probe().add_orders([order.as_args() for order in specs])
        except Refusal as together:
            alone = probe()
            for index, order in enumerate(specs, start=1):
                try:
                    alone.add_orders([order.as_args()])
                except Refusal as refusal:
                    detail = str(refusal.params.get("detail", ""))
                    named = next((k for k in ("price", "delivery_days", "due") if k in detail),
                                 None)
                    raise self.refused(refusal, key=named, order=index,
                                       order_id=order.id) from None
            raise self.refused(together) from None  # together only: as the engine says it
        return tuple(specs)

    def steps(self, raw: Any, order_ids: set[str], start: datetime,
              rules_data: Mapping[str, Any]) -> tuple[Step, ...]:
        if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
            raise self.fail("type", key="steps", expected="steps_list", found=raw)
        if not raw:
            raise self.fail("empty_list", key="steps", what="steps_table")
        self.rules = Rules(rules_data)
        self.order_ids = order_ids
        # The clock's lowest possible position: an `until` before it surely goes back, and an
        # `advance` or `until` past the clock's end can never be played. A move to the next
        # deadline goes forward by an amount not known here, so the bound stays as it was.
        self.earliest = to_ts(start)
        # The clock's lowest possible position before each step the simulation may have taken
        # (any action, a clock move), so that an `undo` puts it back. An action marked `fails`
        # counts too: if the rules allow it when played, it is applied (and reported as not
        # refused), so it may be among the steps an `undo` takes back.
        self.taken: list[int] = []
        return tuple(self.step(number, spec) for number, spec in enumerate(raw, start=1))

    def known_order(self, value: Any, key: str, **where: Any) -> str:
        value = self.text_value(value, key, **where)
        if value not in self.order_ids:
            known = sorted(self.order_ids)
            raise self.fail("unknown_order", key=key, found=value, known=tuple(known),
                            hint=_hint(value, known), **where)
        return value

    def step(self, number: int, spec: Mapping[str, Any]) -> Step:
        where: dict[str, Any] = {"step": number}
        kinds = [k for k in STEP_KINDS if k in spec or (k == "action" and "actor" in spec)]
        if not kinds:
            # A typo in the one key that says what a step is ("acter", "advnce") is named.
            every = (*ACTION_KEYS, *FIELD_NAMES, "request", "advance", "until", "expect", "undo")
            self.unknown_keys(spec, every, "unknown_step_key", kind="step", **where)
            raise self.fail("no_kind", **where)
        if len(kinds) > 1:
            raise self.fail("several_kinds", kinds=tuple(kinds), **where)
        note = spec.get("note")
        if note is not None:
            note = self.texts(note, "note", **where)
        kind = kinds[0]
        if kind == "action":
            step = self.action_step(number, note, spec)
            self.taken.append(self.earliest)
            return step
        self.unknown_keys(spec, (kind, "note"), "unknown_step_key", kind=kind, **where)
        if kind in ("advance", "until"):
            self.taken.append(self.earliest)
        if kind == "undo":
            count = spec["undo"]
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                raise self.fail("type", key="undo", found=count, expected="count_above_0", **where)
            if count > len(self.taken):
                raise self.fail("undo_too_many", key="undo", found=count, most=len(self.taken),
                                **where)
            self.earliest = self.taken[-count]  # the clock goes back as far as it was then
            del self.taken[-count:]
            return UndoStep(number=number, note=note, count=count)
        if kind == "advance":
            by = spec["advance"]
            if by == NEXT:
                return AdvanceStep(number=number, note=note, by=by, seconds=None)
            if not isinstance(by, str):
                raise self.fail("type", key="advance", found=by, expected="duration", **where)
            try:
                seconds = parse_duration(by)
            except Refusal as refusal:
                raise self.refused(refusal, key="advance", **where) from None
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
        where: dict[str, Any] = {"step": number}
        action = spec.get("action")
        # The fields this action takes by anyone (a `fails` step may use the wrong party's);
        # answers may also name the request they answer.
        if action in ACTIONS:
            by_role = self.rules.roles(action)
            takes = [f for f in FIELD_NAMES if any(f in s["fields"] for s in by_role.values())]
            if action in ANSWER_ACTIONS:
                takes.append("request")
        else:
            by_role, takes = {}, [*FIELD_NAMES, "request"]
        self.unknown_keys(spec, (*ACTION_KEYS, *FIELD_NAMES, "request"), "unknown_step_key",
                          takes=(*ACTION_KEYS, *takes), kind="action", **where)
        for key in ("actor", "action", "order"):
            if key not in spec:
                raise self.fail("missing", name=key, kind="action", **where)
        actor = self.choice(spec["actor"], "actor", PARTIES, **where)
        if action not in ACTIONS:
            raise self.fail("unknown_action", key="action", found=action,
                            known=ACTIONS, hint=_hint(action, ACTIONS), **where)
        order = self.known_order(spec["order"], "order", **where)
        fails = self.boolean(spec.get("fails", False), "fails", **where)
        error = spec.get("error")
        if error is not None:
            error = self.text_value(error, "error", **where)
            if not fails:
                raise self.fail("error_without_fails", key="error", **where)
        fields = {k: v for k, v in spec.items() if k not in ACTION_KEYS}
        self.unknown_keys(fields, takes, "unknown_field", action=action, **where)
        for name in TEXT_FIELDS:  # a text per language (any other value is the engine's to check)
            if isinstance(fields.get(name), dict):
                fields[name] = self.texts(fields[name], name, blank_ok=True, **where)
        if "reason" in fields:
            self.reason(fields["reason"], actor, fails, **where)
        if not fails:  # a step that must succeed has to give what its party's form requires
            role = Rules.role_for(action, actor)
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
        allowed = [c for party in PARTIES for c in self.rules.reasons(party)] if fails \
            else self.rules.reasons(actor)
        if isinstance(value, str) and value in allowed:
            return
        codes = self.rules.reasons(actor)
        # (Whether the value is the label of a code, "Other" for `other`, is for the words of
        # the error to say: the labels are the app's texts, not the engine's.)
        raise self.fail("unknown_reason", key="reason", found=value, actor=actor, known=codes,
                        hint=_hint(value, codes), **where)

    def expect_step(self, number: int, note: str | None, raw: Any) -> ExpectStep:
        where: dict[str, Any] = {"step": number}
        if not isinstance(raw, dict):
            raise self.fail("type", key="expect", expected="expect_table", found=raw, **where)
        self.unknown_keys(raw, EXPECT_KEYS, "unknown_expect", prefix="expect.", **where)
        checked = [k for k in raw if k != "order"]
        if not checked:
            raise self.fail("nothing_to_check", key="expect", **where)
        order = None
        if "order" in raw:
            order = self.known_order(raw["order"], "expect.order", **where)
        elif checked != ["now"]:
            raise self.fail("missing", key="expect", name="order", **where)
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
                    raise self.fail("type", key=name, expected="count", found=value, **where)
                checks.append((key, value))
            else:  # inbox
                if not isinstance(value, dict) or not value:
                    raise self.fail("type", key=name, found=value, expected="inbox_table",
                                    **where)
                self.unknown_keys(value, PARTIES, "unknown_step_key", prefix=f"{name}.",
                                  kind="inbox", **where)
                for party, wanted in value.items():
                    wanted = self.texts(wanted, f"{name}.{party}", **where)
                    checks.append((f"inbox.{party}", wanted))
        return ExpectStep(number=number, note=note, order=order, checks=tuple(checks))
