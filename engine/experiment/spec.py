"""An experiment file (TOML) read and checked completely: an `Experiment`, or an `ExperimentError`
naming the file and the key (with the key it probably meant), as scenario files are refused.

The format is documented in engine/experiment/__init__.py and in the README ("Experiments").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ..english import quoted
from ..errors import Refusal
from ..field_checks import ADDABLE_STATUSES
from ..rules import ADJUSTABLE, load_policies, policy_rules, rule_value, with_changes
from ..scenario.steps import LANGUAGE_TAG, MAX_DEPTH, MAX_DIGITS, Text
from ..scenario.toml_guard import TOO_DEEP, TOO_LONG, hint, parse_toml, read_toml
from ..timeutil import CLOCK_LIMIT, DAY, in_calendar_or_refuse, parse_iso, to_ts
from .distributions import Distribution, DistributionError
from .distributions import parse as parse_distribution

DEFAULT_START = "2026-03-02T09:00:00Z"
MAX_ORDERS = 10_000_000
MAX_REPLICATIONS = 10_000
MAX_HORIZON_DAYS = 3650

TOP_KEYS = ("title", "description", "seed", "replications", "start", "horizon_days",
            "step_minutes", "policy", "common_random_numbers", "population", "buyer",
            "freelancer", "arms")
POPULATION_KEYS = ("orders", "delivery_days", "price", "start_status")
# What each party may do, and with which keys: `probability` (0 to 1, default 1), and when.
BUYER_KEYS = ("submit_requirements", "accept_delivery", "request_revision", "cancel_order",
              "ask_to_cancel", "request_update", "answers")
FREELANCER_KEYS = ("deliver", "redeliver", "ask_to_cancel", "request_extension", "answers")
BEHAVIOUR_KEYS: dict[str, tuple[str, ...]] = {
    "submit_requirements": ("probability", "after_hours"),
    "accept_delivery": ("probability", "after_hours"),
    "request_revision": ("probability", "after_hours"),
    "cancel_order": ("probability", "after_hours"),
    "ask_to_cancel": ("probability", "at_hours"),
    "request_update": ("probability", "at_hours"),
    "deliver": ("probability", "late_hours"),
    "redeliver": ("probability", "after_hours"),
    "request_extension": ("probability", "at_hours", "days", "extra_price"),
}
# Which requests each party answers (those the other party opens), and with which keys.
ANSWERS = {"buyer": ("cancellation", "extension"), "freelancer": ("cancellation", "order_update")}
ANSWER_KEYS = ("probability", "after_hours", "accept")
ARM_KEYS = ("name", "baseline", "policy", "rules", "sweep")
SWEEP_KEYS = ("rule", "values")


class ExperimentError(Exception):
    """A file that is not a valid experiment: the file, the key (dotted, e.g.
    "buyer.ask_to_cancel.at_hours.mean") and what is wrong, as a `code` and plain `params`
    (`hint`: the key or value it probably meant). Saying it in words is the command line's
    (tui/cli/experiment_command.py); str() is a plain fallback."""

    def __init__(self, path: str | Path, code: str, *, key: str | None = None,
                 **params: Any) -> None:
        self.path = str(path)
        self.code = code
        self.key = key
        self.params = params
        super().__init__(self.path, code)

    def __str__(self) -> str:
        where = repr(self.path) + (f": key {quoted(self.key)}" if self.key else "")
        params = ", ".join(f"{k}={quoted(v)}" for k, v in self.params.items())
        return f"{where}: {self.code}" + (f" ({params})" if params else "")


@dataclass(frozen=True)
class Timed:
    """Something a party does with a probability, at a time drawn in hours (`when`: after the
    order's start, after a delivery or after it became possible, as its name says)."""

    probability: float
    when: Distribution


@dataclass(frozen=True)
class Extension:
    """The freelancer's request for more time (and extras)."""

    probability: float
    when: Distribution
    days: Distribution
    extra_price: Distribution


@dataclass(frozen=True)
class Answer:
    """How a party answers a request of one type: whether, how fast, and with which odds of
    accepting (for a cancellation or an extension)."""

    probability: float
    after: Distribution
    accept: float


@dataclass(frozen=True)
class Behaviour:
    """Every party's behaviour: each entry None when the file does not give it (never done)."""

    submit_requirements: Timed | None = None
    accept_delivery: Timed | None = None
    request_revision: Timed | None = None
    cancel_order: Timed | None = None
    buyer_ask_to_cancel: Timed | None = None
    request_update: Timed | None = None
    deliver: Timed | None = None
    redeliver: Timed | None = None
    freelancer_ask_to_cancel: Timed | None = None
    request_extension: Extension | None = None
    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)  # (party, type)


@dataclass(frozen=True)
class Arm:
    """One set of rules to compare: a policy and rules changed by name."""

    name: str
    policy: str
    rules: dict[str, Any]
    baseline: bool = False


@dataclass(frozen=True)
class Experiment:
    """A checked experiment: plain data (it travels to worker processes and Dask workers)."""

    path: str
    title: str
    description: str | None
    seed: int
    replications: int
    start: int  # a timestamp
    horizon: int  # seconds each order is followed
    step: int  # seconds: the times of what parties do are rounded to this
    common_random_numbers: bool
    orders: int
    delivery_days: Distribution
    price: Distribution  # US dollars
    start_status: tuple[tuple[str, float], ...]
    behaviour: Behaviour
    arms: tuple[Arm, ...]

    @property
    def baseline(self) -> int:
        """The index of the baseline arm."""
        return next(i for i, arm in enumerate(self.arms) if arm.baseline)


def load(path: str | Path) -> Experiment:
    """Read and check an experiment file; ExperimentError names the file and the key."""
    return parse(read_toml(path, ExperimentError), path)


def loads(source: str, path: str = "<experiment>") -> Experiment:
    return parse(parse_toml(source, path, ExperimentError), path)


def parse(document: Mapping[str, Any], path: str | Path = "<experiment>") -> Experiment:
    return _Loader(str(path), document).experiment()


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Loader:
    def __init__(self, path: str, document: Mapping[str, Any]) -> None:
        self.path = path
        self.doc = document

    def fail(self, code: str, key: str | None = None, **params: Any) -> ExperimentError:
        return ExperimentError(self.path, code, key=key, **params)

    # ---- values

    def check_values(self) -> None:
        """Nested at most MAX_DEPTH deep; every number finite, of at most MAX_DIGITS digits."""
        largest = 10 ** MAX_DIGITS
        stack: list[tuple[tuple[Any, ...], Any]] = [((k,), v) for k, v in self.doc.items()]
        while stack:
            where, value = stack.pop()
            key = ".".join(str(p) for p in where if isinstance(p, str))
            if len(where) > MAX_DEPTH or value == TOO_DEEP:
                raise self.fail("too_deep", key, most=MAX_DEPTH)
            if isinstance(value, float) and not math.isfinite(value):
                raise self.fail("not_finite", key, found=value)
            if where[-1] == TOO_LONG or value == TOO_LONG or (
                    _number(value) and abs(value) >= largest):
                raise self.fail("too_large", key, most=MAX_DIGITS)
            if isinstance(value, dict):
                stack.extend(((*where, k), v) for k, v in value.items())
            elif isinstance(value, list):
                stack.extend(((*where, i), v) for i, v in enumerate(value))

    def table(self, value: Any, key: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail("type", key, expected="table", found=value)
        return value

    def keys(self, table: Mapping[str, Any], known: Sequence[str], prefix: str) -> None:
        for name in table:
            if name not in known:
                raise self.fail("unknown_key", f"{prefix}{name}", known=tuple(known),
                                hint=hint(name, known))

    def whole(self, value: Any, key: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail("range", key, low=low, high=high, found=value)
        return value

    def share(self, value: Any, key: str) -> float:
        if not _number(value) or not 0 <= value <= 1:
            raise self.fail("probability", key, found=value)
        return float(value)

    def text(self, value: Any, key: str) -> str:
        """A text, or the same text per language (`{ en = "...", de = "..." }`: a Text, whose
        `str` is the English one; the command line shows the language it speaks)."""
        if isinstance(value, dict) and value:
            for language, text in value.items():
                if not LANGUAGE_TAG.fullmatch(language):
                    raise self.fail("language_key", f"{key}.{language}", found=language)
                self.text(text, f"{key}.{language}")
            return Text(value)
        if not isinstance(value, str) or not value.strip():
            raise self.fail("type", key, expected="non_empty_text", found=value)
        return value

    def distribution(self, value: Any, key: str) -> Distribution:
        try:
            return parse_distribution(value)
        except DistributionError as error:
            inner = f"{key}.{error.key}" if error.key else key
            params = dict(error.params)
            if error.code == "dist_unknown":
                params["hint"] = hint(params.get("found"), params["known"])
            elif error.code == "dist_parameter":
                params["hint"] = hint(error.key, params["known"])
            raise self.fail(error.code, inner, **params) from None

    # ---- the document

    def experiment(self) -> Experiment:
        doc = self.doc
        self.check_values()
        self.keys(doc, TOP_KEYS, "")
        for name in ("title", "seed", "population", "arms"):
            if name not in doc:
                raise self.fail("missing", name)
        title = self.text(doc["title"], "title")
        description = doc.get("description")
        if description is not None:
            if isinstance(description, dict):
                description = self.text(description, "description")
            elif not isinstance(description, str):
                raise self.fail("type", "description", expected="text", found=description)
        seed = doc["seed"]
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise self.fail("type", "seed", expected="whole_number", found=seed)
        replications = self.whole(doc.get("replications", 10), "replications", 1,
                                  MAX_REPLICATIONS)
        start = self.instant(doc.get("start", DEFAULT_START), "start")
        horizon_days = self.whole(doc.get("horizon_days", 60), "horizon_days", 1,
                                  MAX_HORIZON_DAYS)
        if start + horizon_days * DAY > CLOCK_LIMIT:
            raise self.fail("past_clock_end", "horizon_days")
        step_minutes = self.whole(doc.get("step_minutes", 60), "step_minutes", 1, 1440)
        crn = doc.get("common_random_numbers", True)
        if not isinstance(crn, bool):
            raise self.fail("type", "common_random_numbers", expected="boolean", found=crn)
        policies = tuple(load_policies())
        policy = doc.get("policy", "seed")
        if policy not in policies:
            raise self.fail("choice", "policy", choices=policies, found=policy,
                            hint=hint(policy, policies))
        population = self.table(doc["population"], "population")
        self.keys(population, POPULATION_KEYS, "population.")
        if "orders" not in population:
            raise self.fail("missing", "population.orders")
        orders = self.whole(population["orders"], "population.orders", 1, MAX_ORDERS)
        delivery_days = self.distribution(population.get("delivery_days", 7),
                                          "population.delivery_days")
        price = self.distribution(population.get("price", 50), "population.price")
        start_status = self.start_status(population.get("start_status", {"in_progress": 1}))
        behaviour = self.behaviour()
        arms = self.arms(doc["arms"], policy)
        return Experiment(self.path, title, description, seed, replications, start,
                          horizon_days * DAY, step_minutes * 60, crn, orders, delivery_days, price, start_status,
                          behaviour, arms)

    def instant(self, value: Any, key: str) -> int:
        try:
            if isinstance(value, datetime):
                return in_calendar_or_refuse(to_ts(value), value.isoformat())
            if isinstance(value, (date, time)):
                raise self.fail("type", key, expected="instant_with_time", found=value)
            if isinstance(value, str):
                return parse_iso(value)
        except Refusal as refusal:
            raise self.fail("refused_by_engine", key, refusal=refusal.code,
                            refusal_params=dict(refusal.params)) from None
        raise self.fail("type", key, expected="instant", found=value)

    def start_status(self, value: Any) -> tuple[tuple[str, float], ...]:
        key = "population.start_status"
        table = self.table(value, key)
        self.keys(table, ADDABLE_STATUSES, key + ".")
        weights = []
        for status in ADDABLE_STATUSES:
            weight = table.get(status, 0)
            if not _number(weight) or weight < 0:
                raise self.fail("weight", f"{key}.{status}", found=weight)
            weights.append((status, float(weight)))
        if not sum(w for _, w in weights) > 0:
            raise self.fail("no_weight", key)
        return tuple(weights)

    def behaviour(self) -> Behaviour:
        found: dict[str, Any] = {}
        answers: dict[tuple[str, str], Answer] = {}
        for party, known in (("buyer", BUYER_KEYS), ("freelancer", FREELANCER_KEYS)):
            table = self.table(self.doc.get(party, {}), party)
            self.keys(table, known, f"{party}.")
            for name, spec in table.items():
                key = f"{party}.{name}"
                if name == "answers":
                    answers.update(self.answers(party, spec, key))
                    continue
                spec = self.table(spec, key)
                self.keys(spec, BEHAVIOUR_KEYS[name], key + ".")
                probability = self.share(spec.get("probability", 1), key + ".probability")
                when_key = BEHAVIOUR_KEYS[name][1]
                when = self.distribution(spec.get(when_key, 0), f"{key}.{when_key}")
                field_name = f"{party}_{name}" if name == "ask_to_cancel" else name
                if name == "request_extension":
                    found[field_name] = Extension(
                        probability, when, self.distribution(spec.get("days", 3), key + ".days"),
                        self.distribution(spec.get("extra_price", 0), key + ".extra_price"))
                else:
                    found[field_name] = Timed(probability, when)
        for name in ("accept_delivery", "request_revision"):
            if name not in found:
                found[name] = None
        both = (found["accept_delivery"].probability if found["accept_delivery"] else 0) + \
            (found["request_revision"].probability if found["request_revision"] else 0)
        if both > 1:
            raise self.fail("probabilities_sum", "buyer.request_revision.probability",
                            first="buyer.accept_delivery.probability", total=both)
        return Behaviour(**found, answers=answers)

    def answers(self, party: str, value: Any, key: str) -> dict[tuple[str, str], Answer]:
        table = self.table(value, key)
        self.keys(table, ANSWERS[party], key + ".")
        found = {}
        for rtype, spec in table.items():
            where = f"{key}.{rtype}"
            spec = self.table(spec, where)
            known = ANSWER_KEYS if rtype != "order_update" else ANSWER_KEYS[:2]
            self.keys(spec, known, where + ".")
            found[(party, rtype)] = Answer(
                self.share(spec.get("probability", 1), where + ".probability"),
                self.distribution(spec.get("after_hours", 0), where + ".after_hours"),
                self.share(spec.get("accept", 1 if rtype == "order_update" else 0.5),
                           where + ".accept"))
        return found

    def arms(self, value: Any, policy: str) -> tuple[Arm, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(a, dict) for a in value):
            raise self.fail("type", "arms", expected="arms_list", found=value)
        arms: list[Arm] = []
        policies = tuple(load_policies())
        for number, spec in enumerate(value, start=1):
            key = f"arms.{number}"
            self.keys(spec, ARM_KEYS, key + ".")
            if "name" not in spec:
                raise self.fail("missing", key + ".name")
            name = self.text(spec["name"], key + ".name")
            baseline = spec.get("baseline", False)
            if not isinstance(baseline, bool):
                raise self.fail("type", key + ".baseline", expected="boolean", found=baseline)
            arm_policy = spec.get("policy", policy)
            if arm_policy not in policies:
                raise self.fail("choice", key + ".policy", choices=policies, found=arm_policy,
                                hint=hint(arm_policy, policies))
            rules = dict(self.table(spec.get("rules", {}), key + ".rules"))
            self.rules(arm_policy, rules, key + ".rules")
            if "sweep" not in spec:
                arms.append(Arm(name, arm_policy, rules, baseline))
                continue
            if baseline:
                raise self.fail("sweep_baseline", key + ".baseline")
            sweep = self.table(spec["sweep"], key + ".sweep")
            self.keys(sweep, SWEEP_KEYS, key + ".sweep.")
            for part in SWEEP_KEYS:
                if part not in sweep:
                    raise self.fail("missing", f"{key}.sweep.{part}")
            rule = sweep["rule"]
            if rule not in ADJUSTABLE:
                raise self.fail("unknown_rule", key + ".sweep.rule", found=rule,
                                known=tuple(ADJUSTABLE), hint=hint(rule, ADJUSTABLE))
            values = sweep["values"]
            if not isinstance(values, list) or not values:
                raise self.fail("type", key + ".sweep.values", expected="values_list",
                                found=values)
            for index, item in enumerate(values, start=1):
                changed = {**rules, rule: item}
                self.rules(arm_policy, changed, f"{key}.sweep.values.{index}")
                arms.append(Arm(_named(name, item), arm_policy, changed))
        names = [arm.name for arm in arms]
        for index, name in enumerate(names):
            if name in names[:index]:
                raise self.fail("duplicate_arm", f"arms.{index + 1}.name", found=name)
        marked = [i for i, arm in enumerate(arms) if arm.baseline]
        if len(marked) > 1:
            raise self.fail("several_baselines", f"arms.{marked[1] + 1}.baseline")
        if not marked:
            arms[0] = Arm(arms[0].name, arms[0].policy, arms[0].rules, True)
        return tuple(arms)

    def rules(self, policy: str, rules: Mapping[str, Any], key: str) -> None:
        """Rules changed by name, checked as `--rule` checks them, naming the key."""
        for name, value in rules.items():
            try:
                rule_value(name, value)
            except Refusal as refusal:
                inner = key if key.split(".")[-2] == "values" else f"{key}.{name}"
                params = dict(refusal.params)
                raise self.fail("rule_refused", inner, refusal=refusal.code,
                                refusal_params=params) from None  # (it names the one meant)
        try:
            with_changes(policy_rules(policy), rules)
        except Refusal as refusal:
            raise self.fail("rule_refused", key, refusal=refusal.code,
                            refusal_params=dict(refusal.params)) from None


def _named(name: str, value: Any) -> str:
    """The name of a sweep's arm: its name and the value, in each language it is given in."""
    if isinstance(name, Text):
        return Text({language: f"{text}: {value}" for language, text in name.languages.items()})
    return f"{name}: {value}"
