"""The engine's two error types: a refused action and a refused simulation file."""

from __future__ import annotations

from typing import Any

# Every refusal has a stable code (used by the UI to translate it and by tests to match it)
# and an English template filled from its parameters.
MESSAGES: dict[str, str] = {
    "unknown_party": "There is no party called {party!r}: use 'buyer' or 'freelancer'.",
    "unknown_action": "There is no action called {action!r}.",
    "unknown_order": "There is no order {order}.",
    "duplicate_order": "An order with the id {order} already exists.",
    "invalid_order": "The order cannot be added: {detail}",
    "wrong_party": "Only the {allowed} can {action}.",
    "wrong_status": "You cannot {action} while the order is {status}; it must be {allowed}.",
    "order_final": "Order {order} is {status}: nothing can change it any more.",
    "request_open": (
        "Order {order} already has an open request ({request}, {request_type}); "
        "it must be answered, withdrawn or run out before another one is opened."
    ),
    "request_blocks": (
        "You cannot {action} while request {request} ({request_type}) is open on order {order}."
    ),
    "no_open_request": "There is no open request on order {order}.",
    "request_ended": "Request {request} on order {order} has already ended ({state}).",
    "unknown_request": "There is no request {request} on order {order}.",
    "not_requester": "Only the requester ({requester}) can withdraw request {request}.",
    "not_responder": "Only the {responder} can answer request {request}.",
    "wrong_answer": "A request of type {request_type} is answered with {answers}, not {action}.",
    "direct_cancel_not_allowed": (
        "The buyer can cancel order {order} directly only while its requirements are missing "
        "or once it is very late; it is {status}."
    ),
    "field_required": "The {field} is required to {action}.",
    "field_blank": "The {field} must not be empty to {action}.",
    "field_unknown": "To {action} takes no field {field!r} (it takes: {known}).",
    "field_type": "The {field} must be {expected}, not {found!r}.",
    "field_range": "The {field} must be between {low} and {high}, not {found}.",
    "field_negative": "The {field} must not be negative, not {found}.",
    "field_cents": "The {field} must have at most two decimals, not {found}.",
    "extra_needs_description": "A paid extra needs a description (extra_description).",
    "comment_too_long": "The comment has {length} characters; at most {limit} are allowed.",
    "unknown_reason": "{reason!r} is not a reason the {party} can choose; choose one of: {choices}.",
    "clock_backwards": "The clock cannot go backwards: it is {now}, and {target} is earlier.",
    "bad_duration": "{text!r} is not a duration: write it like 90m, 47h, 2d or 1d12h.",
    "bad_instant": "{text!r} is not an instant: write it like 2026-03-02T09:00:00Z.",
    "no_deadline": "No deadline is pending: nothing would happen.",
    "bad_rules": "The rules are not valid: {detail}",
}

# Parameters are identifiers (actions, statuses, fields, parties) so that the UI can render a
# refusal in any language; these are their English words for `Refusal.message`.
_WORDS = {
    "in_progress": "in progress", "in_revision": "in revision", "very_late": "very late",
    "late": "late (past its due date)", "order_update": "order update",
    "extra_price": "extra price", "extra_description": "extra description",
}
_LISTS = ("allowed", "known", "choices", "answers")
_IDENTIFIERS = ("action", "status", "request_type", "field")


def _english(key: str, value: Any) -> Any:
    if key in _LISTS and isinstance(value, (tuple, list)):
        return " or ".join(_english("status", v) for v in value) if key in ("allowed", "answers") \
            else ", ".join(str(v) for v in value) or "none"
    if key in _IDENTIFIERS and isinstance(value, str):
        return _WORDS.get(value, value.replace("_", " "))
    return value


class RcsimError(Exception):
    """Base class of every error the engine raises on purpose."""


class Refusal(RcsimError):
    """An action, a clock move or an input the rules do not allow. Nothing was changed."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        self.message = MESSAGES[code].format(**{k: _english(k, v) for k, v in params.items()})
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"Refusal({self.code!r}, {self.message!r})"


class SimulationFileError(RcsimError):
    """A file that is not a readable simulation of a known version. The file was not touched."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
