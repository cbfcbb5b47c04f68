"""Field checks: what a party gives (an action's fields, a new order's) checked and normalised
before anything changes: money in cents, days in their range, text a file can hold."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import InputError, Refusal
from .model import Status
from .rules import Rules
from .timeutil import in_calendar_or_refuse

ADDABLE_STATUSES = (Status.INCOMPLETE, Status.IN_PROGRESS, Status.DELIVERED)
MAX_DELIVERY_DAYS = 3650  # ten years: beyond it a due date soon leaves the calendar (year 9999)


@dataclass(frozen=True, slots=True)
class NewOrder:
    """An order checked and ready to add: its price in cents, `due` None for now + its days."""

    id: str
    title: str
    price: int
    delivery_days: int
    status: Status
    due: int | None


def new_order(order_id: Any, title: Any, price: Any, delivery_days: Any, status: Any,
              due: int | None, taken: Iterable[Container[str]]) -> NewOrder:
    """Check an order to add: the order it would be, or the refusal. `taken`: the ids it must
    not have (the orders there are, and those checked before it in the same batch)."""
    if not isinstance(order_id, str) or not order_id.strip():
        raise InputError("invalid_order", detail="the id must be a non-empty text")
    if any(order_id in ids for ids in taken):
        raise InputError("duplicate_order", order=order_id)
    if not isinstance(title, str) or not title.strip():
        raise InputError("invalid_order", detail=f"{order_id} needs a non-empty title")
    price_cents = cents("price", price)
    if price_cents <= 0:
        raise InputError("invalid_order", detail=f"the price of {order_id} must be above 0")
    if (isinstance(delivery_days, bool) or not isinstance(delivery_days, int)
            or not 1 <= delivery_days <= MAX_DELIVERY_DAYS):
        raise InputError("invalid_order", detail=f"delivery_days of {order_id} must be a whole "
                                              f"number from 1 to {MAX_DELIVERY_DAYS}")
    if status not in ADDABLE_STATUSES:
        raise InputError("invalid_order", detail=f"an order starts as {', '.join(ADDABLE_STATUSES)}, "
                                              f"not {status!r}")
    if due is not None and status == Status.INCOMPLETE:
        raise InputError("invalid_order", detail="an incomplete order has no due date yet")
    if due is not None:
        in_calendar_or_refuse(due, due)  # every date must have a day in the calendar
    return NewOrder(order_id, title, price_cents, delivery_days, Status(status), due)


def action_fields(rules: Rules, party: str, action: str, spec: Mapping[str, str],
                  given: Mapping[str, Any]) -> dict[str, Any]:
    """The action's fields, checked against the spec and normalised (money in cents)."""
    for name in given:
        if name not in spec:
            raise Refusal("field_unknown", action=action, field=name, known=tuple(spec))
    out: dict[str, Any] = {}
    for name, need in spec.items():
        value = given.get(name)
        if value is None:
            if need == "required":
                raise Refusal("field_required", field=name, action=action)
            continue
        if name in ("comment", "extra_description"):
            if not isinstance(value, str):
                raise Refusal("field_type", field=name, expected="text", found=value)
            storable(name, value)
            if len(value) > rules.comment_max_chars:
                raise Refusal("comment_too_long", length=len(value),
                              limit=rules.comment_max_chars)
            if not value.strip():
                if need == "required":
                    raise Refusal("field_blank", field=name, action=action)
                continue
            out[name] = value
        elif name == "reason":
            choices = rules.reasons(party)
            if value not in choices:
                raise Refusal("unknown_reason", reason=value, party=party, choices=choices)
            out[name] = value
        elif name == "days":
            low, high = rules.extension_days
            if isinstance(value, bool) or not isinstance(value, int):
                raise Refusal("field_type", field=name, expected="whole_days",
                              found=value)
            if not low <= value <= high:
                raise Refusal("field_range", field=name, low=low, high=high, found=value)
            out[name] = value
        elif name == "extra_price":
            amount = cents(name, value)
            if amount < 0:
                raise Refusal("field_negative", field=name, found=value)
            out[name] = amount
    if out.get("extra_price", 0) > 0 and "extra_description" in spec and "extra_description" not in out:
        raise Refusal("extra_needs_description")
    return out


def storable(name: str, text: str) -> None:
    """Refuse a text no file can hold: a lone surrogate (half of a UTF-16 pair, as a broken
    paste can give) has no UTF-8 form. Checked before anything changes, so memory and file
    refuse it alike."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise Refusal("field_text", field=name, char=f"U+{ord(text[error.start]):04X}") from None


def cents(name: str, value: Any) -> int:
    """An amount of money as given (dollars, at most two decimals) in cents, or the refusal."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise Refusal("field_type", field=name, expected="amount", found=value)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise Refusal("field_type", field=name, expected="amount",
                      found=value) from None
    if not amount.is_finite():
        raise Refusal("field_type", field=name, expected="amount", found=value)
    hundredths = amount * 100
    if hundredths != hundredths.to_integral_value():
        raise Refusal("field_cents", field=name, found=value)
    return int(hundredths)
