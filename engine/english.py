"""Plain English for someone using the Python API: a refusal's sentence from its code, identifiers shown raw.

The app and `rcsim run` never show these: they translate a refusal's `code` and `params` from
data/i18n (tui/words/i18n.py). This table is the engine's own, so that the engine reads no text
catalogue; a scenario file's `error = "..."` may match a part of these sentences, which stay the
same in every language.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Any

QUOTE_LIMIT = 200
"""The most characters of a value a message quotes: a refused value of 10 MB is named by its
start, not echoed whole."""


def quoted(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """`value` as Python writes it (so no control character reaches a terminal), cut to at most
    `limit` characters, the last an ellipsis, when longer."""
    return excerpt(repr(value), limit)


def excerpt(text: str, limit: int = QUOTE_LIMIT) -> str:
    """`text` as it is, cut to at most `limit` characters, the last an ellipsis, when longer."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


class Quoting(string.Formatter):
    """`str.format`, but a `{name!r}` field (a value as found, quoted) is `quoted`: cut short.
    (tui/words/i18n.py builds the catalogue's formatting on it.)"""

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion == "r":
            return quoted(value)
        return super().convert_field(value, conversion)


_QUOTING = Quoting()


def fill(template: str, params: Mapping[str, Any]) -> str:
    """`template.format(**params)`, with every `{name!r}` quoted at most QUOTE_LIMIT characters
    long: the one way messages, in plain English or from the catalogue, quote what was found."""
    if "!r" not in template:  # most texts: the plain, faster path
        return template.format(**params)
    return _QUOTING.vformat(template, (), params)

REFUSALS: dict[str, str] = {
    "unknown_party": "There is no party called {party!r}: use 'buyer' or 'freelancer'.",
    "unknown_seat": "There is no seat called {seat!r}: use 'trainer', 'buyer' or 'freelancer'.",
    "seat_taken": (
        "The {seat}'s seat of this simulation is open in another window: one window per seat."),
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
    "unknown_rule": "There is no rule {rule!r} that can be changed by name{suggestion}; these "
                    "can: {rules}.",
    "rule_range": "The rule {rule} must be a whole number from {low} to {high}, not {found!r}.",
    "rule_choice": "The rule {rule} must be one of {values}, not {found!r}.",
    "rule_order": "The fewest days an extension adds (extension_days_min, {low}) must not be "
                  "more than the most (extension_days_max, {high}).",
    "field_text": "The field {field} contains {char}, a lone surrogate that no file can store: "
                  "remove it and try again.",
    "closed": (
        "The simulation {path} was closed: it takes no more changes (open it again to go on)."),
    "closed_memory": "This simulation was closed: it takes no more changes.",
    "bad_step": "This recorded step cannot be taken here ({detail}), so nothing changed.",
    "nothing_to_undo": "There is no step to take back: the simulation is as it was created.",
    "at_start": "There is no step to take back: the simulation is at its starting point (its "
                "set-up, steps 1 to {steps}, is not taken back).",
    "before_start": "Step {step} lies before the simulation's starting point (its set-up, "
                    "steps 1 to {steps}, is not taken back): go back to step {steps} or "
                    "later, or branch from step {step}.",
    "nothing_to_redo": "There is no step to put back: none was taken back, or a new step was "
                       "taken since.",
    "no_such_step": "There is no step {step}: this simulation keeps the steps 0 to {count}.",
    "write_failed": "{path} could not be written ({reason}), so nothing changed: the simulation "
                    "is as it was before. Free some space or make its folder writable, then "
                    "try again.",
    "busy": "{path} is being written by another rcsim process and was not free within "
            "{seconds} s, so nothing changed: try again.",
    "changed_meanwhile": "{what} meanwhile, in another window, so nothing was done here: "
                         "decide again on what is there now.",
    "not_yours": "Step {step} is {owner}: the {party} can take back or put back only the "
                 "{party}'s own actions.",
}

# What is wrong with a simulation file, after its path ("sim.json: does not exist"). A `where`
# parameter is a (kind, id) pair such as ("order", "FO-1001").
FILE_PROBLEMS: dict[str, str] = {
    "step_sequence": (
        "is damaged: its steps are not numbered 1, 2, 3, ... without gaps (step {position} has "
        "the number {number})"),
    "checkpoint_ahead": (
        "is damaged: its checkpoint was written after step {checkpoint}, but it holds only "
        "{count} steps"),
    "step_refused": "is damaged: its step {step} cannot be replayed ({detail})",
    "checksum": (
        "is damaged: its line {line} was changed after rcsim wrote it (the checksum does not "
        "match)"),
    "unsealed": "is damaged: its line {line} has no checksum, which every line of this format has",
    "sealed_short": (
        "is damaged: its last full write wrote {lines} lines, but only the first {found} of them "
        "are there as written"),
    "head_beyond": (
        "is damaged: it stands after step {step} of {steps} steps kept, but it holds only "
        "{count} steps"),
    "busy": (
        "is being written by another rcsim process and was not free within {seconds} s: try again"),
    "folder_not_writable": "its folder {folder} takes no new file ({reason})",
    "not_a_folder": "{folder} is a file, not a folder",
    "folder_missing": "the folder {folder} does not exist",
    "cannot_create": "cannot be created ({reason})",
    "exists": "already exists: a new simulation is never written over a file",
    "backup_exists": "already exists: the old simulation is never kept over another file",
    "missing": "does not exist",
    "not_a_file": "is not a file",
    "link_loop": "is a symbolic link that leads round in a circle, to no file",
    "cannot_read": "cannot be read ({reason})",
    "empty": "is empty: it is not a simulation file",
    "not_json": (
        "is not valid JSON (line {line}, column {column}: {reason}): it is not a simulation file"),
    "too_deep": "is nested too deeply to be read: it is not a simulation file",
    "number_too_long": (
        "holds a number with more digits than can be read (over 4,300): it is not a simulation "
        "file"),
    "no_meta": "has no rcsim meta table: it is not a simulation file",
    "wrong_format": "is not an rcsim simulation (its meta table names no format {format!r})",
    "wrong_version": (
        "is a simulation of format version {found}; this rcsim reads version {version}"),
    "bad_rules": "is damaged: its rules are not valid ({detail})",
    "no_policy": "is damaged: its rules name no policy",
    "damaged": "is damaged ({detail})",
    "write_failed": "the system refused to write it ({reason})",
    "closed": "was closed: it is no longer written",
    "field_missing": "is damaged: {where}: the field {field} is missing",
    "field_type": "is damaged: {where}: {field} must be {expected}, not {found}",
    "duplicate": "is damaged: {where}: the id {id} appears twice",
    "field_range": (
        "is not a consistent simulation: {where}: {field} is {found}, but must lie between {low} "
        "and {high}"),
    "unknown_value": (
        "is not a consistent simulation: {where}: {field} is {found}, which is none of {choices}"),
    "same_party": (
        "is not a consistent simulation: {where}: the same party ({party}) asks and answers"),
    "dangling_order": (
        "is not a consistent simulation: {where}: {field} names the order {order}, which is not "
        "in this simulation"),
    "dangling_request": (
        "is not a consistent simulation: {where}: {field} names the request {request}, which "
        "does not exist or belongs to another order"),
    "request_unlisted": (
        "is not a consistent simulation: {where}: its list of requests lacks its request "
        "{request}"),
    "open_request_unnamed": (
        "is not a consistent simulation: {where}: its request {request} is open, but the order "
        "does not name it as its open request"),
    "open_request_not_open": (
        "is not a consistent simulation: {where}: its open request {request} is {state}, not open"),
    "open_on_final": (
        "is not a consistent simulation: {where}: it is {status}, but its request {request} is "
        "still open"),
    "cancellation_mismatch": (
        "is not a consistent simulation: {where}: its status ({status}) does not fit its "
        "cancellation record (an order has one exactly when it is cancelled)"),
    "deadline_past": (
        "is not a consistent simulation: {where}: a deadline still open ({deadline}) lies before "
        "the simulated clock ({now}); the clock never passes an open deadline"),
    "auto_complete_state": (
        "is not a consistent simulation: {where}: it has an automatic completion while it is "
        "{status}; only a delivered order has one, and it pauses only while a request is open"),
    "event_after_clock": (
        "is not a consistent simulation: {where} is dated {at}, after the simulated clock ({now})"),
    "event_sequence": (
        "is not a consistent simulation: the event log is not numbered 1, 2, 3, ... without gaps "
        "(entry {position} has the number {seq})"),
    "event_counter": (
        "is not a consistent simulation: the event counter is {value}, but the log holds {count} "
        "events"),
    "counter_low": (
        "is not a consistent simulation: the {counter} counter is {value}, but numbers up to "
        "{highest} are already given out: new ones would repeat them"),
}

WHERE: dict[str, str] = {
    "step": "step {id}",
    "line": "line {id}",
    "file": "top level",
    "meta": "meta table",
    "table": "table {id}",
    "row": "document {id}",
    "order": "order {id}",
    "request": "request {id}",
    "message": "message {id}",
    "event": "event {id}",
}


# Lists of identifiers: the alternatives are joined with "or", the others listed.
_ALTERNATIVES = ("allowed", "answers")


# Whose a step is (`not_yours`): the party who acted, or the kind of a step no party took.
OWNERS = {"buyer": "the buyer's action", "freelancer": "the freelancer's action",
          "clock": "a clock move", "orders": "orders added", "rules": "a change of the rules"}


def _plain(name: str, value: Any) -> Any:
    if name == "owner" and isinstance(value, str):
        return OWNERS.get(value, value)
    if name == "suggestion":  # `unknown_rule`: the name it probably meant, if one comes close
        return f" (did you mean {value}?)" if value else ""
    if isinstance(value, (tuple, list)):
        if not value:
            return "nobody" if name == "allowed" else "none"
        return (" or " if name in _ALTERNATIVES else ", ").join(str(v) for v in value)
    return value


def refusal_message(code: str, params: Mapping[str, Any]) -> str:
    """A refusal in plain English, its identifiers as they are ("buyer", "in_progress")."""
    template = REFUSALS.get(code)
    if template is None:
        return f"{code} {quoted(dict(params))}"
    try:
        return fill(template, {k: _plain(k, v) for k, v in params.items()})
    except (KeyError, IndexError, ValueError):  # a parameter missing: still say something
        return f"{code} {quoted(dict(params))}"


def file_problem(code: str, params: Mapping[str, Any]) -> str:
    """What is wrong with a simulation file, in plain English (identifiers as they are)."""
    template = FILE_PROBLEMS.get(code)
    if template is None:
        return f"{code} {quoted(dict(params))}"
    words = {k: _plain(k, v) for k, v in params.items()}
    if isinstance(params.get("where"), (tuple, list)) and len(params["where"]) == 2:
        kind, ident = params["where"]
        words["where"] = WHERE.get(kind, kind + " {id}").format(id=ident)
    try:
        return fill(template, words)
    except (KeyError, IndexError, ValueError):
        return f"{code} {quoted(dict(params))}"


# What another process did meanwhile (`changed_meanwhile`): each step of a party's, as its
# action on the order, in the past.
DONE = {
    "submit_requirements": "submitted the requirements of {order}",
    "deliver": "delivered {order}",
    "accept_delivery": "accepted the delivery of {order}",
    "request_revision": "asked for a revision of {order}",
    "cancel_order": "cancelled {order}",
    "request_update": "asked for an update on {order}",
    "ask_to_cancel": "asked to cancel {order}",
    "request_extension": "asked for more time on {order}",
    "respond_update": "answered the update request on {order}",
    "accept": "accepted the request on {order}",
    "decline": "declined the request on {order}",
    "withdraw": "withdrew the request on {order}",
}


def step_words(step: Mapping[str, Any]) -> str:
    """A step (as `changed_meanwhile` gives it: kind, party, action, order, to, orders, set,
    fired) in plain English, in the past: "the freelancer accepted the request on FO-1001"."""
    kind = step.get("kind")
    if kind == "act":
        done = DONE.get(str(step.get("action")), "took the action {action!r} on {order}")
        return f"the {step.get('party')} " + done.format(action=step.get("action"),
                                                         order=step.get("order"))
    if kind == "clock":
        words = f"the clock moved to {step.get('to')}"
        fired = step.get("fired") or ()
        return words + (f", and deadlines passed on {', '.join(fired)}" if fired else "")
    if kind == "orders":
        ids = list(step.get("orders") or ())
        shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
        return f"{len(ids)} order(s) were added ({shown})"
    if kind == "rules":
        return f"the rules changed ({', '.join(sorted(step.get('set') or {}))})"
    return f"a step of the kind {kind!r} was taken"


def meanwhile_words(steps: Iterable[Mapping[str, Any]], taken_back: int = 0,
                    restarted: bool = False, more: int = 0) -> str:
    """What other processes did meanwhile, as one plain English clause with a capital: "The
    buyer asked to cancel FO-1001, then the freelancer accepted the request on FO-1001"."""
    parts = ["the simulation was started afresh"] if restarted else []
    if taken_back:
        parts.append(f"{taken_back} step(s) were taken back")
    if more:
        parts.append(f"{more} other step(s) were taken")
    parts += [step_words(step) for step in steps]
    # (none of those: a step was taken and taken back again, only the steps to put back changed)
    text = ", then ".join(parts) or "the steps that can be put back changed"
    return text[0].upper() + text[1:]
