"""Messages the widgets and screens post up to the App (attributes down, messages up)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message
from textual.screen import Screen


@dataclass
class ActionRequested(Message):
    """A party wants to take an action on an order; the App asks the engine.

    `form` is the screen that collected the fields: on a refusal the App shows the reason
    there and keeps it open; on success it closes it.
    """

    party: str
    action: str
    order: str
    fields: dict[str, Any] = field(default_factory=dict)
    form: Screen[Any] | None = None


@dataclass
class ClockRequested(Message):
    """Someone pressed a clock control: `command` is "hour", "day", "jump", "next", "play" or "speed"."""

    command: str
