"""The rules as data: durations, reason lists and who may do what, read from data/rules.json."""

from __future__ import annotations

import copy
import difflib
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from . import bundled
from .errors import InputError, Refusal
from .model import BASE_STATUSES, PARTIES, REQUEST_TYPES, Action, RequestType

RULES_FILE = "rules.json"  # in rcsim's data (engine/bundled.py)

# Names of the numeric rules a simulation may override, with their lowest and highest allowed
# values (ten years at most: a deadline must stay inside the calendar).
NUMBERS: dict[str, tuple[int, int]] = {
    "update_response_hours": (1, 87_600),
    "cancellation_response_hours": (1, 87_600),
    "extension_response_hours": (1, 87_600),
    "auto_complete_hours": (1, 87_600),
    "very_late_hours": (1, 87_600),
    "comment_max_chars": (1, 1_000_000),
    "extension_days_min": (1, 3_650),
    "extension_days_max": (1, 3_650),
}
TIMEOUT_OUTCOMES = ("expire", "accept")
FIELD_NAMES = ("comment", "reason", "days", "extra_price", "extra_description")
ANSWER_ROLES = ("responder", "requester")
OPENING_ACTIONS: dict[str, RequestType] = {
    Action.REQUEST_UPDATE: RequestType.ORDER_UPDATE, Action.ASK_TO_CANCEL: RequestType.CANCELLATION,
    Action.REQUEST_EXTENSION: RequestType.EXTENSION}
ANSWER_ACTIONS = (Action.RESPOND_UPDATE, Action.ACCEPT, Action.DECLINE, Action.WITHDRAW)
# Where a party finds each action (the seed's path): the Resolution Center offers the requests
# below; the answers to an open request sit with that request; everything else is on the order
# page. Which party may take which action is the rules data's business (`actions`).
RESOLUTION_CENTER_ACTIONS = (Action.REQUEST_UPDATE, Action.ASK_TO_CANCEL)
ORDER_PAGE_ACTIONS = (Action.SUBMIT_REQUIREMENTS, Action.DELIVER, Action.ACCEPT_DELIVERY,
                      Action.REQUEST_REVISION, Action.REQUEST_EXTENSION, Action.CANCEL_ORDER)
ACTIONS: tuple[Action, ...] = tuple(Action)
# Who may take each action (RULES.md Part 1, "Actions and their fields"): an override may take an
# action away from a party, never give it to the other one. Answers go by role in the request.
ACTION_PARTIES: dict[str, tuple[str, ...]] = {
    "submit_requirements": ("buyer",), "deliver": ("freelancer",), "accept_delivery": ("buyer",),
    "request_revision": ("buyer",), "cancel_order": ("buyer",), "request_update": ("buyer",),
    "ask_to_cancel": ("buyer", "freelancer"), "request_extension": ("freelancer",),
    "respond_update": ("responder",), "accept": ("responder",), "decline": ("responder",),
    "withdraw": ("requester",),
}
# "very_late" is the one derived condition a rule may name beside the base statuses.
CONDITIONS = (*BASE_STATUSES, "very_late")


def _bad(detail: str) -> Refusal:
    return InputError("bad_rules", detail=detail)


def load_policies() -> dict[str, dict[str, Any]]:
    """Every policy of rcsim's rules file, each resolved to a complete, validated rule set (a
    copy: the caller may change it). The file is read and checked once per process."""
    return copy.deepcopy(_policies())


@functools.cache
def _policies() -> dict[str, dict[str, Any]]:
    document = bundled.read_json(RULES_FILE)
    try:
        return _resolve(document["policies"])
    except (KeyError, TypeError, AttributeError) as error:
        raise bundled.BundledFileError(RULES_FILE, f"not a rules file ({error!r})") from None
    except InputError as error:
        raise bundled.BundledFileError(RULES_FILE, error.message) from None


def _resolve(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each policy of the rules file's `policies`, its `extends` chain merged, validated."""
    resolved: dict[str, dict[str, Any]] = {}

    def resolve(name: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
        if name in resolved:
            return resolved[name]
        if name in seen or name not in raw:
            raise _bad(f"policy {name!r} is unknown or extends itself")
        body = dict(raw[name])
        parent = body.pop("extends", None)
        merged = copy.deepcopy(resolve(parent, seen + (name,))) if parent else {}
        merged.update(copy.deepcopy(body))
        validate(merged)
        resolved[name] = merged
        return merged

    for name in raw:
        resolve(name)
    return resolved


def policy_rules(policy: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The rule set of a named policy, with a simulation's overrides applied and validated."""
    policies = load_policies()
    if policy not in policies:
        raise _bad(f"there is no policy {policy!r} (there are: {', '.join(policies)})")
    rules = copy.deepcopy(policies[policy])
    rules["policy"] = policy
    for key, value in (overrides or {}).items():
        if key not in rules or key in ("policy", "description"):
            raise _bad(f"there is no rule called {key!r}")
        rules[key] = copy.deepcopy(value)
    validate(rules)
    return rules


def validate(rules: Mapping[str, Any]) -> None:
    """Raise a Refusal naming the first rule that is missing or has the wrong form."""
    for key, (low, high) in NUMBERS.items():
        value = rules.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _bad(f"{key} must be a whole number from {low} to {high}, not {value!r}")
    if rules["extension_days_min"] > rules["extension_days_max"]:
        raise _bad("extension_days_min is larger than extension_days_max")
    if rules.get("extension_timeout") not in TIMEOUT_OUTCOMES:
        raise _bad(f"extension_timeout must be one of {TIMEOUT_OUTCOMES}, "
                   f"not {rules.get('extension_timeout')!r}")
    reasons = rules.get("reasons")
    if not isinstance(reasons, dict) or set(reasons) != set(PARTIES):
        raise _bad("reasons must list the reasons of the buyer and of the freelancer")
    for party, ids in reasons.items():
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
            raise _bad(f"reasons.{party} must be a non-empty list of reason names")
        if len(set(ids)) != len(ids):
            raise _bad(f"reasons.{party} names a reason twice")
    requests = rules.get("requests")
    if not isinstance(requests, dict) or set(requests) != set(REQUEST_TYPES):
        raise _bad(f"requests must describe exactly {', '.join(REQUEST_TYPES)}")
    for rtype, spec in requests.items():
        if not isinstance(spec, dict):
            raise _bad(f"requests.{rtype} must be a table")
        if spec.get("opened_with") != next(a for a, t in OPENING_ACTIONS.items() if t == rtype):
            raise _bad(f"requests.{rtype}.opened_with is not the action that opens it")
        answers = spec.get("answers")
        if not isinstance(answers, list) or not answers or not all(a in ANSWER_ACTIONS for a in answers):
            raise _bad(f"requests.{rtype}.answers must be a list drawn from {ANSWER_ACTIONS}")
    actions = rules.get("actions")
    if not isinstance(actions, dict) or set(actions) != set(ACTIONS):
        raise _bad(f"actions must describe exactly {', '.join(ACTIONS)}")
    for action, by_role in actions.items():
        roles = ANSWER_ROLES if action in ANSWER_ACTIONS else PARTIES
        if not isinstance(by_role, dict) or not by_role or not set(by_role) <= set(roles):
            raise _bad(f"actions.{action} must be keyed by {' or '.join(roles)}")
        for role, spec in by_role.items():
            where = f"actions.{action}.{role}"
            if not isinstance(spec, dict):
                raise _bad(f"{where} must be a table")
            if role not in ACTION_PARTIES[action]:
                raise _bad(f"{where} is not allowed: {action} belongs to "
                           f"{' and '.join(ACTION_PARTIES[action])} only (RULES.md Part 1: "
                           f"the buyer can never act as the freelancer, nor the reverse)")
            if action not in ANSWER_ACTIONS:
                allowed = spec.get("while")
                if not isinstance(allowed, list) or not all(c in CONDITIONS for c in allowed):
                    raise _bad(f"{where}.while must be a list drawn from {CONDITIONS}")
            fields = spec.get("fields")
            if not isinstance(fields, dict) or not set(fields) <= set(FIELD_NAMES) or not all(
                v in ("required", "optional") for v in fields.values()
            ):
                raise _bad(f"{where}.fields must map field names to 'required' or 'optional'")


@dataclass(frozen=True)
class Rules:
    """A validated rule set with typed accessors; `data` is exactly what the file holds."""

    data: Mapping[str, Any]

    @property
    def policy(self) -> str:
        return self.data["policy"]

    def hours(self, name: str) -> int:
        return self.data[name]

    @cached_property
    def response_seconds(self) -> dict[str, int]:
        return {
            "order_update": self.data["update_response_hours"] * 3600,
            "cancellation": self.data["cancellation_response_hours"] * 3600,
            "extension": self.data["extension_response_hours"] * 3600,
        }

    @property
    def auto_complete_seconds(self) -> int:
        return self.data["auto_complete_hours"] * 3600

    @property
    def very_late_seconds(self) -> int:
        return self.data["very_late_hours"] * 3600

    @property
    def comment_max_chars(self) -> int:
        return self.data["comment_max_chars"]

    @property
    def extension_days(self) -> tuple[int, int]:
        """The fewest and the most days an extension may add."""
        return self.data["extension_days_min"], self.data["extension_days_max"]

    @property
    def extension_timeout(self) -> str:
        return self.data["extension_timeout"]

    def reasons(self, party: str) -> tuple[str, ...]:
        return tuple(self.data["reasons"][party])

    def answers(self, request_type: str) -> tuple[str, ...]:
        return tuple(self.data["requests"][request_type]["answers"])

    def roles(self, action: str) -> Mapping[str, Any]:
        """Who may take an action: parties, or "responder" / "requester" for answers."""
        return self.data["actions"][action]

    @staticmethod
    def role_for(action: str, party: str) -> str:
        """Under which key of `roles(action)` a party takes an action: for an answer its role in
        the request ("requester" withdraws, the "responder" gives the other answers), for
        anything else the party itself. Fixed by the rules (ACTION_PARTIES), never overridden."""
        if action in ANSWER_ACTIONS:
            return ACTION_PARTIES[action][0]
        return party


# ---------------------------------------------------------------- changing one rule by name
# The rules a user may change by name, without code: `--rule NAME=VALUE` on the command line,
# the app's rules screen and a simulation's `rules` step (engine/journal.py). They are the numbers
# of NUMBERS and what an unanswered extension request does, in the rules data's order. The lists
# and "who may do what" (`reasons`, `requests`, `actions`) change in a scenario file's [rules].


@dataclass(frozen=True)
class RuleSpec:
    """A rule that can be changed by name: its unit ("hours", "days", "characters", or "choice"
    for a value named among `choices`) and the lowest and highest number it may take."""

    name: str
    unit: str
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()


def _number(name: str, unit: str) -> RuleSpec:
    low, high = NUMBERS[name]
    return RuleSpec(name, unit, low, high)


ADJUSTABLE: dict[str, RuleSpec] = {spec.name: spec for spec in (
    _number("update_response_hours", "hours"),
    _number("cancellation_response_hours", "hours"),
    _number("extension_response_hours", "hours"),
    RuleSpec("extension_timeout", "choice", choices=TIMEOUT_OUTCOMES),
    _number("auto_complete_hours", "hours"),
    _number("very_late_hours", "hours"),
    _number("comment_max_chars", "characters"),
    _number("extension_days_min", "days"),
    _number("extension_days_max", "days"),
)}


def rule_spec(name: Any) -> RuleSpec:
    """The rule of this name that can be changed, or a refusal naming the ones that can (and
    the one it probably meant)."""
    spec = ADJUSTABLE.get(name) if isinstance(name, str) else None
    if spec is not None:
        return spec
    known = ", ".join(ADJUSTABLE)
    # (a name over three times the longest cannot come close, and difflib would take seconds)
    close = difflib.get_close_matches(name, list(ADJUSTABLE), n=1) \
        if isinstance(name, str) and len(name) <= 3 * max(map(len, ADJUSTABLE)) else []
    # One code, whether or not a name comes close: the one it probably meant is a parameter.
    raise Refusal("unknown_rule", rule=name, suggestion=close[0] if close else None, rules=known)


def rule_value(name: Any, value: Any) -> Any:
    """`value` if the rule `name` may take it (a whole number in its range, or one of its
    choices), else a refusal that says what it may take."""
    spec = rule_spec(name)
    if spec.choices:
        if value not in spec.choices:
            raise Refusal("rule_choice", rule=spec.name, values=", ".join(spec.choices),
                          found=value)
        return value
    low, high = spec.low, spec.high
    assert low is not None and high is not None  # (a number rule has its range)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Refusal("rule_range", rule=spec.name, low=low, high=high, found=value)
    return value


def with_changes(data: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A rule set (`data`, validated) with some rules changed by name, checked one by one and
    then together (the fewest extension days no more than the most); refused as a whole."""
    changed = dict(data)
    for name, value in changes.items():
        changed[name] = rule_value(name, value)
    if changed["extension_days_min"] > changed["extension_days_max"]:
        raise Refusal("rule_order", low=changed["extension_days_min"],
                      high=changed["extension_days_max"])
    validate(changed)
    return changed
