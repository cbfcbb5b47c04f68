"""Messages the widgets and screens post up to the App (attributes down, messages up).

Plain classes rather than dataclasses: building a dataclass at import costs ~0.4 ms each, paid
on every launch.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message
from textual.screen import Screen


class ActionRequested(Message):
    """A party wants to take an action on an order; the App asks the engine.

    `form` is the screen that collected the fields: on a refusal the App shows the reason
    there and keeps it open; on success it closes it.
    """

    def __init__(self, party: str, action: str, order: str, fields: dict[str, Any] | None = None,
                 form: Screen[Any] | None = None) -> None:
        super().__init__()
        self.party = party
        self.action = action
        self.order = order
        self.fields: dict[str, Any] = {} if fields is None else fields
        self.form = form

    def __repr__(self) -> str:
        return (f"ActionRequested(party={self.party!r}, action={self.action!r}, "
                f"order={self.order!r}, fields={self.fields!r}, form={self.form!r})")


class ClockRequested(Message):
    """Someone pressed a clock control: `command` is "hour", "day", "jump", "next", "play" or "speed"."""

    def __init__(self, command: str) -> None:
        super().__init__()
        self.command = command

    def __repr__(self) -> str:
        return f"ClockRequested(command={self.command!r})"


class PaneFocused(Message):
    """Something in a party's pane took the focus: that party's side is the one in front."""

    def __init__(self, party: str) -> None:
        super().__init__()
        self.party = party

    def __repr__(self) -> str:
        return f"PaneFocused(party={self.party!r})"
