"""Is what a simulation file holds a consistent simulation? Checked when a file is opened, before
anything is written, in two steps that each stop at the first problem and name it:

- `check_documents`: the shape of the stored documents: every table there, every field there
  and of its type (a text, a whole number, an instant, ...), no id twice.
- `check_state`: the simulation they make: known statuses, parties and request types, every
  reference to an order or a request pointing to one that fits, no open deadline before the
  simulated clock, counters past every id already given out.

Both raise `SimulationFileError` (the file is named, the problem has a code and its params) and
change nothing. They know the records, not how they are stored, so they carry over to any store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from .core import State
from .errors import Refusal, SimulationFileError
from .model import (
    BASE_STATUSES,
    FINAL_STATUSES,
    PARTIES,
    REQUEST_STATES,
    REQUEST_TYPES,
    SEATS,
    SYSTEM,
)
from .rules import NUMBERS
from .timeutil import iso, parse_iso

TABLES = ("meta", "rules", "orders", "requests", "messages", "events")

# Field -> kind of value; a kind ending in "?" may also be null.
META = {"now": "instant", "counters": "object"}
COUNTERS = {"request": "whole", "message": "whole", "event": "whole", "deadline": "whole"}
ORDER = {
    "id": "name", "title": "text", "price": "positive", "delivery_days": "positive",
    "status": "name", "created": "instant", "due": "instant?", "extras_total": "whole",
    "delivered_at": "instant?", "review_deadline": "instant?", "review_remaining": "positive?",
    "review_seq": "whole", "closed_at": "instant?", "cancellation": "object?",
    "open_request": "name?", "requests": "names",
}
REQUEST = {
    "id": "name", "order": "name", "type": "name", "requester": "name", "responder": "name",
    "state": "name", "opened_at": "instant", "deadline": "instant", "seq": "whole",
    "closed_at": "instant?", "reason": "text?", "comment": "text?", "days": "positive?",
    "extra_price": "whole", "extra_description": "text?", "answer": "text?",
}
MESSAGE = {
    "id": "positive", "order": "name", "at": "instant", "sender": "name", "recipient": "name",
    "action": "name", "text": "text", "reason": "text?", "request": "name?",
}
EVENT = {"seq": "positive", "at": "instant", "type": "name", "order": "name", "actor": "name",
         "data": "object"}
ROWS = {"orders": ("order", "id", ORDER), "requests": ("request", "id", REQUEST),
        "messages": ("message", "id", MESSAGE), "events": ("event", "seq", EVENT)}

CANCELLATION_KINDS = ("mutual", "direct")
RESOLUTIONS = ("direct", "accept", "timeout")
COUNTED_ID = re.compile(r"R-(\d+)")


def _fail(path: object, code: str, **params: Any) -> SimulationFileError:
    return SimulationFileError(path, code, **params)


def shown(value: Any) -> str:
    """A value found in a file as a message shows it: as Python writes it (so no control
    character reaches a terminal), and cut short when long."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _ident(value: Any) -> str:
    """An id from the file as part of a message ("order FO-1001"), escaped unless plain."""
    return value if isinstance(value, str) and value.isprintable() and value else shown(value)


# ---------------------------------------------------------------- the stored documents


def _fits(kind: str, value: Any) -> bool:
    if kind.endswith("?"):
        return value is None or _fits(kind[:-1], value)
    if kind in ("text", "name"):
        return isinstance(value, str) and (kind == "text" or value != "")
    if kind in ("whole", "positive"):
        return (isinstance(value, int) and not isinstance(value, bool)
                and value >= (1 if kind == "positive" else 0))
    if kind == "instant":
        if not isinstance(value, str):
            return False
        try:
            parse_iso(value)
        except (Refusal, OverflowError, ValueError):
            return False
        return True
    if kind == "object":
        return isinstance(value, dict)
    if kind == "names":
        return isinstance(value, list) and all(isinstance(v, str) and v for v in value)
    if kind == "list":
        return isinstance(value, list)
    raise ValueError(kind)


@lru_cache(maxsize=65536)
def _instant_ok(value: str) -> bool:
    try:
        parse_iso(value)
    except (Refusal, OverflowError, ValueError):
        return False
    return True


def _names_ok(value: list[Any]) -> bool:
    return all(v.__class__ is str and v for v in value)


# The same kinds as `_fits`, as Python expressions over a value `{v}`: exact JSON types.
_TESTS = {
    "text": "{v}.__class__ is str",
    "name": "({v}.__class__ is str and {v} != '')",
    "whole": "({v}.__class__ is int and {v} >= 0)",
    "positive": "({v}.__class__ is int and {v} >= 1)",
    "instant": "({v}.__class__ is str and _instant_ok({v}))",
    "object": "{v}.__class__ is dict",
    "names": "({v}.__class__ is list and _names_ok({v}))",
    "list": "{v}.__class__ is list",
}


def fast_check(spec: Mapping[str, str]) -> Callable[[Any], bool]:
    """A function telling whether a document has every field of `spec` of its kind: the check
    `_check_fields` makes, compiled into one function (a large file has hundreds of thousands
    of documents); `_check_fields` then only runs to name the problem of a document it rejects."""
    lines = ["def check(doc):", "    if doc.__class__ is not dict:", "        return False", "    try:"]
    for number, (field, kind) in enumerate(spec.items()):
        value = f"v{number}"
        test = _TESTS[kind.rstrip("?")].format(v=value)
        if kind.endswith("?"):
            test = f"{value} is None or {test}"
        lines += [f"        {value} = doc[{field!r}]", f"        if not ({test}):",
                  "            return False"]
    lines += ["    except KeyError:", "        return False", "    return True"]
    namespace: dict[str, Any] = {"_instant_ok": _instant_ok, "_names_ok": _names_ok}
    exec("\n".join(lines), namespace)  # noqa: S102 - code built from the specs above only
    return namespace["check"]


def _expected(kind: str) -> str:
    return kind[:-1] + "_or_null" if kind.endswith("?") else kind


def _check_fields(path: object, where: tuple[str, str], doc: Mapping[str, Any],
                  spec: Mapping[str, str]) -> None:
    for field, kind in spec.items():
        if field not in doc:
            raise _fail(path, "field_missing", where=where, field=field)
        if not _fits(kind, doc[field]):
            raise _fail(path, "field_type", where=where, field=field, expected=_expected(kind),
                        found=shown(doc[field]))


def check_documents(raw: Mapping[str, Any], path: object) -> None:
    """Every table of the file there, each document an object with every field of its kind, and
    no order, request, message or event id twice. `raw` is the file's parsed JSON (its meta
    table already found to name this format and version)."""
    file = ("file", "")
    for table in TABLES:
        if table not in raw:
            raise _fail(path, "field_missing", where=file, field=table)
        check_table(path, table, raw[table])
    check_meta(path, raw["meta"]["1"])
    if "1" not in raw["rules"]:
        raise _fail(path, "field_missing", where=("table", "rules"), field="1")
    for table in ROWS:
        check_rows(path, table, raw[table], set())


def check_table(path: object, table: str, docs: Any) -> None:
    """A table is an object of documents, each an object."""
    if not isinstance(docs, dict):
        raise _fail(path, "field_type", where=("file", ""), field=table, expected="table",
                    found=shown(docs))
    for key, doc in docs.items():
        if not isinstance(doc, dict):
            raise _fail(path, "field_type", where=("table", table), field=key,
                        expected="object", found=shown(doc))


def check_meta(path: object, meta: Mapping[str, Any]) -> None:
    """The clock and the counters of a state (the meta table's, or a journal's origin)."""
    _check_fields(path, ("meta", ""), meta, META)
    _check_fields(path, ("meta", ""), meta["counters"], COUNTERS)


def check_rows(path: object, table: str, docs: Mapping[str, Any], seen: set[Any],
               name: str | None = None) -> None:
    """Documents of the table `table` (orders, requests, messages or events; stored under
    `name`, by default the same), or a part of them: each an object with every field of its
    kind, and none with an id in `seen` (the ids of the documents checked before; added to it)."""
    kind, key, spec = ROWS[table]
    fast = FAST[table]
    if not isinstance(docs, dict):
        check_table(path, name or table, docs)
    for doc_id, doc in docs.items():
        if not fast(doc):
            if not isinstance(doc, dict):
                check_table(path, name or table, docs)
            ident = doc.get(key)
            where = (kind, _ident(ident)) if _fits(spec[key], ident) else ("row", f"{name or table}/{doc_id}")
            _check_fields(path, where, doc, spec)
        ident = doc[key]
        if ident in seen:
            raise _fail(path, "duplicate", where=("table", name or table), id=shown(ident))
        seen.add(ident)


FAST = {table: fast_check(spec) for table, (_, _, spec) in ROWS.items()}


# A step of the journal (engine/journal.py): the fields of every step, of each kind, and of each
# order a step adds. What the engine checks when the step is replayed is left to the engine.
STEP = {"kind": "name", "at": "instant"}
STEP_KINDS = {
    "orders": {"orders": "list"},
    "act": {"party": "name", "action": "name", "order": "name", "fields": "object"},
    "clock": {"to": "instant"},
    "rules": {"set": "object"},
}
STEP_OPTIONS = {"act": {"request": "name"}}

ORDER_SPEC = {"id": "name", "title": "text", "price": "positive", "delivery_days": "positive"}
ORDER_SPEC_OPTIONS = {"status": "name", "due": "instant"}


def check_step(path: object, number: int, record: Any) -> None:
    """A step of the journal has the fields of its kind (whether it applies is the engine's
    business: see engine/journal.py)."""
    where = ("step", str(number))
    if not isinstance(record, dict):
        raise _fail(path, "field_type", where=("table", "steps"), field=str(number),
                    expected="object", found=shown(record))
    _check_fields(path, where, record, STEP)
    spec = STEP_KINDS.get(record["kind"])
    if spec is None:
        raise _fail(path, "unknown_value", where=where, field="kind", found=shown(record["kind"]),
                    choices=", ".join(STEP_KINDS))
    _check_fields(path, where, record, spec)
    _check_options(path, where, record, STEP_OPTIONS.get(record["kind"], {}))
    if "seat" in record:
        _one_of(path, where, "seat", record["seat"], SEATS)
    for order in record.get("orders", ()):
        if not isinstance(order, dict):
            raise _fail(path, "field_type", where=where, field="orders", expected="object",
                        found=shown(order))
        _check_fields(path, where, order, ORDER_SPEC)
        _check_options(path, where, order, ORDER_SPEC_OPTIONS)


# Where the simulation stands among its steps (a file's `head` table, once a step was taken
# back): after step `step`, of the `steps` kept (the ones after it can be put back).
HEAD = {"step": "whole", "steps": "whole"}


def check_head(path: object, head: Any, count: int) -> None:
    """The head document: its fields, and a position among the `count` steps the file holds."""
    where = ("table", "head")
    if not isinstance(head, dict):
        raise _fail(path, "field_type", where=where, field="1", expected="object", found=shown(head))
    _check_fields(path, where, head, HEAD)
    if not head["step"] <= head["steps"] <= count:
        raise _fail(path, "head_beyond", step=head["step"], steps=head["steps"], count=count)


# Where a branch came from (the meta's optional `branch`): the file, if it had one, and the step.
BRANCH = {"file": "text?", "step": "whole"}


def check_branch(path: object, branch: Any) -> None:
    if not isinstance(branch, dict):
        raise _fail(path, "field_type", where=("meta", ""), field="branch", expected="object",
                    found=shown(branch))
    _check_fields(path, ("meta", ""), branch, BRANCH)


def _check_options(path: object, where: tuple[str, str], doc: Mapping[str, Any],
                   spec: Mapping[str, str]) -> None:
    for field, kind in spec.items():
        if field in doc and not _fits(kind, doc[field]):
            raise _fail(path, "field_type", where=where, field=field, expected=_expected(kind),
                        found=shown(doc[field]))


# ---------------------------------------------------------------- the simulation they make


def _one_of(path: object, where: tuple[str, str], field: str, value: Any,
            choices: Iterable[str]) -> None:
    choices = tuple(choices)
    if value not in choices:
        raise _fail(path, "unknown_value", where=where, field=field, found=shown(value),
                    choices=", ".join(choices))


def check_state(state: State, path: object) -> None:
    """The records make one consistent simulation, as the engine itself only ever leaves it."""
    now = state.now
    for request in state.requests.values():
        where = ("request", _ident(request.id))
        _one_of(path, where, "type", request.type, REQUEST_TYPES)
        _one_of(path, where, "state", request.state, REQUEST_STATES)
        _one_of(path, where, "requester", request.requester, PARTIES)
        _one_of(path, where, "responder", request.responder, PARTIES)
        if request.requester == request.responder:
            raise _fail(path, "same_party", where=where, party=request.requester)
        order = state.orders.get(request.order)
        if order is None:
            raise _fail(path, "dangling_order", where=where, field="order", order=shown(request.order))
        if request.id not in order.requests:
            raise _fail(path, "request_unlisted", where=("order", _ident(order.id)),
                        request=_ident(request.id))
        if request.state == "open":
            if order.open_request != request.id:
                raise _fail(path, "open_request_unnamed", where=("order", _ident(order.id)),
                            request=_ident(request.id))
            if request.deadline < now:
                raise _fail(path, "deadline_past", where=("order", _ident(order.id)),
                            deadline=iso(request.deadline), now=iso(now))
        if request.type == "extension" and request.days is not None:
            # Within what the rule may ever allow: a `rules` step may have narrowed it since
            # the request was opened (a change applies from then on).
            low, high = 1, NUMBERS["extension_days_max"][1]
            if not low <= request.days <= high:
                raise _fail(path, "field_range", where=where, field="days", found=request.days,
                            low=low, high=high)
    requests = state.requests
    for order in state.orders.values():  # (the common case costs a few comparisons: large files)
        status = order.status
        if status not in BASE_STATUSES:
            _one_of(path, ("order", _ident(order.id)), "status", status, BASE_STATUSES)
        for rid in order.requests:
            listed = requests.get(rid)
            if listed is None or listed.order != order.id:
                raise _fail(path, "dangling_request", where=("order", _ident(order.id)),
                            field="requests", request=shown(rid))
        if order.open_request is not None:
            where = ("order", _ident(order.id))
            open_one = requests.get(order.open_request)
            if open_one is None or open_one.order != order.id:
                raise _fail(path, "dangling_request", where=where, field="open_request",
                            request=shown(order.open_request))
            request = open_one
            if request.state != "open":
                raise _fail(path, "open_request_not_open", where=where, request=_ident(request.id),
                            state=request.state)
            if status in FINAL_STATUSES:
                raise _fail(path, "open_on_final", where=where, status=status,
                            request=_ident(request.id))
        if order.cancellation is not None or status == "cancelled":
            _check_cancellation(path, ("order", _ident(order.id)), status, order.cancellation, state)
        if order.review_deadline is not None or order.review_remaining is not None:
            _check_auto_complete(path, ("order", _ident(order.id)), order, state)
    for message in state.messages:
        where = ("message", str(message.id))
        _one_of(path, where, "sender", message.sender, PARTIES)
        _one_of(path, where, "recipient", message.recipient, PARTIES)
        if message.order not in state.orders:
            raise _fail(path, "dangling_order", where=where, field="order", order=shown(message.order))
        if message.request is not None and message.request not in state.requests:
            raise _fail(path, "dangling_request", where=where, field="request",
                        request=shown(message.request))
    actors, orders = (*PARTIES, SYSTEM), state.orders
    for position, event in enumerate(state.events, 1):
        if event.seq != position:
            raise _fail(path, "event_sequence", position=position, seq=event.seq)
        if event.actor in actors and event.order in orders and event.at <= now:
            continue
        where = ("event", str(event.seq))
        _one_of(path, where, "actor", event.actor, actors)
        if event.order not in orders:
            raise _fail(path, "dangling_order", where=where, field="order", order=shown(event.order))
        raise _fail(path, "event_after_clock", where=where, at=iso(event.at), now=iso(now))
    _check_counters(path, state)


def _check_cancellation(path: object, where: tuple[str, str], status: str,
                        cancellation: Mapping[str, Any] | None, state: State) -> None:
    if (status == "cancelled") != (cancellation is not None):
        raise _fail(path, "cancellation_mismatch", where=where, status=status)
    if cancellation is None:
        return
    for field, choices in (("kind", CANCELLATION_KINDS), ("initiator", PARTIES),
                           ("resolved_by", RESOLUTIONS)):
        _one_of(path, where, f"cancellation.{field}", cancellation.get(field), choices)
    request = cancellation.get("request")
    if request is not None and request not in state.requests:
        raise _fail(path, "dangling_request", where=where, field="cancellation.request",
                    request=shown(request))


def _check_auto_complete(path: object, where: tuple[str, str], order: Any, state: State) -> None:
    """A running auto-complete belongs to a delivered order and lies ahead; a paused one to a
    delivered order with an open request, and has at most the rules' time left."""
    if order.review_deadline is not None:
        if order.status != "delivered" or order.review_remaining is not None:
            raise _fail(path, "auto_complete_state", where=where, status=order.status)
        if order.review_deadline < state.now:
            raise _fail(path, "deadline_past", where=where, deadline=iso(order.review_deadline),
                        now=iso(state.now))
    if order.review_remaining is not None:
        if order.status != "delivered" or order.open_request is None:
            raise _fail(path, "auto_complete_state", where=where, status=order.status)
        # At most the longest the rule may ever be: a `rules` step may have shortened it since
        # the countdown started (a change applies from then on).
        limit = NUMBERS["auto_complete_hours"][1] * 3600
        if order.review_remaining > limit:
            raise _fail(path, "field_range", where=where, field="review_remaining",
                        found=order.review_remaining, low=1, high=limit)


def _check_counters(path: object, state: State) -> None:
    """New ids are the counters plus one: each counter must be past every id given out."""
    counters = state.counters
    if counters["event"] != len(state.events):
        raise _fail(path, "event_counter", value=counters["event"], count=len(state.events))
    used = {
        "request": max((int(m.group(1)) for rid in state.requests
                        if (m := COUNTED_ID.fullmatch(rid))), default=0),
        "message": max((m.id for m in state.messages), default=0),
        "deadline": max([r.seq for r in state.requests.values()]
                        + [o.review_seq for o in state.orders.values()], default=0),
    }
    for name, highest in used.items():
        if counters[name] < highest:
            raise _fail(path, "counter_low", counter=name, value=counters[name], highest=highest)
