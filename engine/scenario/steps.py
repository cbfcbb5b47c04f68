"""What a scenario is: its orders, its five kinds of step, and the keys and limits of the file format."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..service import Simulation

TOP_KEYS = ("title", "description", "start", "policy", "rules", "orders", "steps")
ORDER_KEYS = ("id", "title", "price", "delivery_days", "status", "due")
ACTION_KEYS = ("actor", "action", "order", "fails", "error", "note")
EXPECT_KEYS = ("order", "status", "late", "very_late", "request", "request_type", "cancellation",
               "due", "now", "open_requests", "inbox")
STEP_KINDS = ("action", "advance", "until", "expect", "undo")
NEXT = "next"
# No value of a scenario nests deeper than a few tables and lists, and no number (a price, days,
# hours, a count) needs more digits: beyond these a file is refused, naming where.
MAX_DEPTH = 20
MAX_DIGITS = 15
# The texts of a file may be given per language, `title = { en = "...", de = "..." }`, a key of
# two or three lower-case letters each (ISO 639). Which languages there are is the
# presentation's business: the engine keeps them all, and reads no catalogue.
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}")
TEXT_FIELDS = ("comment", "extra_description")  # action fields that are texts a party types


class Text(str):
    """A text of a file given in several languages. As a `str` it is the English one (or the
    first given, when there is no English); `languages` holds each, and `in_language` picks
    one, for the presentation to show the text in its own language."""

    languages: Mapping[str, str]

    def __new__(cls, languages: Mapping[str, str]) -> Text:
        if not languages:
            raise ValueError("a text needs at least one language")
        text = super().__new__(cls, languages.get("en", next(iter(languages.values()))))
        text.languages = MappingProxyType(dict(languages))
        return text

    def in_language(self, language: str) -> str:
        """The text in `language`, else the English one (or the first given)."""
        return self.languages.get(language, str(self))

    def __reduce__(self) -> tuple[Any, ...]:  # (a str subclass with state: pickled whole)
        return (Text, (dict(self.languages),))


def in_language(value: Any, language: str) -> Any:
    """`value` in `language` when it is a Text, else as it is (a text given once)."""
    return value.in_language(language) if isinstance(value, Text) else value


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
        """The keyword arguments of `Simulation.add_orders` for this order (its title in
        English, unless the scenario was put `in_language` first)."""
        return {"id": self.id, "title": str(self.title), "price": self.price,
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


@dataclass(frozen=True, kw_only=True)
class UndoStep(Step):
    """The last `count` steps the simulation took are taken back (`Simulation.undo`): the
    actions that were not refused and the clock moves that moved the clock; expectations and
    refused actions are no steps of the simulation. "As before, but ...": a story goes back and
    takes another turn."""

    count: int
    kind = "undo"


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

    def in_language(self, language: str) -> Scenario:
        """This scenario with what it gives the simulation in `language` (where the file gives
        it per language): the orders' titles, the parties' comments and descriptions of
        extras, and the inbox texts expected, which must match what was sent. Its narration
        (the title, the description, the notes) stays in every language, for a presentation
        to show in its own, even when it switches (`Text.in_language`)."""
        orders = tuple(replace(o, title=in_language(o.title, language)) for o in self.orders)
        steps: list[Step] = []
        for step in self.steps:
            if isinstance(step, ActionStep) and any(isinstance(v, Text) for v in step.fields.values()):
                step = replace(step, fields=MappingProxyType(
                    {k: in_language(v, language) for k, v in step.fields.items()}))
            elif isinstance(step, ExpectStep) and any(isinstance(v, Text) for _, v in step.checks):
                step = replace(step, checks=tuple((k, in_language(v, language))
                                                  for k, v in step.checks))
            steps.append(step)
        return replace(self, orders=orders, steps=tuple(steps))

    def simulation(self, path: str | Path | None = None) -> Simulation:
        """A fresh simulation holding this scenario's orders, before any step (in memory, or in
        a new file at `path`, e.g. for an app that presents the scenario)."""
        sim = Simulation.create(path, start=self.start, policy=self.policy, rules=dict(self.rules))
        sim.add_orders(o.as_args() for o in self.orders)
        sim.set_baseline()  # its orders are where the story starts: undo never takes them back
        return sim
