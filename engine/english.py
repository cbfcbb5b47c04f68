"""Plain English for someone using the Python API: a refusal's sentence from its code, identifiers shown raw.

The app and `rcsim run` never show these: they translate a refusal's `code` and `params` from
data/i18n (tui/i18n.py). This table is the engine's own, so that the engine reads no text
catalogue; a scenario file's `error = "..."` may match a part of these sentences, which stay the
same in every language.
"""

from __future__ import annotations

from typing import Any, Mapping

REFUSALS: dict[str, str] = {
    "unknown_party": "There is no party called {party!r}: use 'buyer' or 'freelancer'.",
    "unknown_action": "There is no action called {action!r}.",
    "unknown_order": "There is no order {order}.",
    "duplicate_order": "An order with the id {order} already exists.",
    "invalid_order": "The order cannot be added: {detail}",
    "wrong_party": "The action {action!r} may be taken by: {allowed}.",
    "wrong_status": "The action {action!r} is not possible while the order is {status}; "
                    "it must be {allowed}.",
    "order_final": "Order {order} is {status}: nothing can change it any more.",
    "request_open": "Order {order} already has an open request ({request}, {request_type}); it "
                    "must be answered, withdrawn or run out before another one is opened.",
    "request_blocks": "The action {action!r} is not possible while request {request} "
                      "({request_type}) is open on order {order}.",
    "no_open_request": "There is no open request on order {order}.",
    "request_ended": "Request {request} on order {order} has already ended ({state}).",
    "unknown_request": "There is no request {request} on order {order}.",
    "not_requester": "Only the requester ({requester}) can withdraw request {request}.",
    "not_responder": "Only the responder ({responder}) can answer request {request}.",
    "wrong_answer": "A request of the type {request_type} is answered with {answers}, "
                    "not {action}.",
    "direct_cancel_not_allowed": "The buyer can cancel order {order} directly only while its "
                                 "requirements are missing or once it is very late; it is "
                                 "{status}.",
    "field_required": "The field {field!r} is required for the action {action!r}.",
    "field_blank": "The field {field!r} must not be empty for the action {action!r}.",
    "field_unknown": "The action {action!r} takes no field {field!r} (it takes: {known}).",
    "field_type": "The field {field!r} must be of the form {expected!r}, not {found!r}.",
    "field_range": "The field {field!r} must be between {low} and {high}, not {found}.",
    "field_negative": "The field {field!r} must not be negative, not {found}.",
    "field_cents": "The field {field!r} must have at most two decimals, not {found}.",
    "extra_needs_description": "A paid extra needs a description of what the extras are.",
    "comment_too_long": "The comment has {length} characters; at most {limit} are allowed.",
    "unknown_reason": "{reason!r} is not a reason the {party} can choose; choose one of: "
                      "{choices}.",
    "clock_backwards": "The clock cannot go backwards: it is {now}, and {target} is earlier.",
    "bad_duration": "{text!r} is not a duration: write it like 90m, 47h, 2d or 1d12h.",
    "bad_instant": "{text!r} is not an instant: write it like 2026-03-02T09:00:00Z.",
    "no_deadline": "No deadline is pending: nothing would happen.",
    "clock_limit": "The simulated clock stops at {limit}, so that every deadline stays inside "
                   "the calendar.",
    "outside_calendar": "{text!r} lies outside the calendar: an instant must fall between "
                        "{start} and {end} (UTC).",
    "extension_past_calendar": "An extension of {days} day(s) would move the delivery date of "
                               "order {order} past the end of the calendar ({limit}); at most "
                               "{most} day(s) still fit.",
    "timeout_past_calendar": "The clock cannot pass {at}: there the delivery extension request "
                             "{request} on order {order} would be accepted automatically and "
                             "move the delivery date past the end of the calendar ({limit}). "
                             "The buyer can decline it, or the freelancer withdraw it, first.",
    "read_only": "{path} was opened read-only: nothing can change it.",
    "bad_rules": "The rules are not valid: {detail}",
}

# Lists of identifiers: the alternatives are joined with "or", the others listed.
_ALTERNATIVES = ("allowed", "answers")


def _plain(name: str, value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        if not value:
            return "nobody" if name == "allowed" else "none"
        return (" or " if name in _ALTERNATIVES else ", ").join(str(v) for v in value)
    return value


def refusal_message(code: str, params: Mapping[str, Any]) -> str:
    """A refusal in plain English, its identifiers as they are ("buyer", "in_progress")."""
    template = REFUSALS.get(code)
    if template is None:
        return f"{code} {dict(params)!r}"
    try:
        return template.format(**{k: _plain(k, v) for k, v in params.items()})
    except (KeyError, IndexError, ValueError):  # a parameter missing: still say something
        return f"{code} {dict(params)!r}"
