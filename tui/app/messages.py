"""Messages the widgets and screens post up to the App (attributes down, messages up).

Messages carry data only. The App decides (it asks the engine), then tells what happened to the
widget that asked: a pane through its methods, a dialog (the active screen) through `Dialog`'s
`show_error` and `dismiss`.

Plain classes rather than dataclasses: building a dataclass at import costs ~0.4 ms each, paid
on every launch.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from rcsim.engine import Option, OrderView


class ActionRequested(Message):
    """A party wants to take an action on an order (with the fields of its form, if any)."""

    def __init__(self, party: str, action: str, order: str,
                 fields: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.party = party
        self.action = action
        self.order = order
        self.fields: dict[str, Any] = {} if fields is None else fields

    def __repr__(self) -> str:
        return (f"ActionRequested(party={self.party!r}, action={self.action!r}, "
                f"order={self.order!r}, fields={self.fields!r})")


class ClockMoveRequested(Message):
    """Move the simulated clock forward by a typed duration ("36h", "2d")."""

    def __init__(self, by: str) -> None:
        super().__init__()
        self.by = by

    def __repr__(self) -> str:
        return f"ClockMoveRequested(by={self.by!r})"


class RuleChangeRequested(Message):
    """Change one rule of the simulation by name, from now on (the rules screen)."""

    def __init__(self, rule: str, value: Any) -> None:
        super().__init__()
        self.rule = rule
        self.value = value

    def __repr__(self) -> str:
        return f"RuleChangeRequested(rule={self.rule!r}, value={self.value!r})"


class RecordingRequested(Message):
    """Save what was done as a scenario file at `path`, from the marked start or from the
    simulation's start; an existing file is replaced only with `overwrite`."""

    def __init__(self, path: Path, from_mark: bool, overwrite: bool) -> None:
        super().__init__()
        self.path = path
        self.from_mark = from_mark
        self.overwrite = overwrite

    def __repr__(self) -> str:
        return (f"RecordingRequested(path={self.path!r}, from_mark={self.from_mark!r}, "
                f"overwrite={self.overwrite!r})")


class PaneFocused(Message):
    """Something in a party's pane took the focus: that party's side is the one in front."""

    def __init__(self, party: str) -> None:
        super().__init__()
        self.party = party

    def __repr__(self) -> str:
        return f"PaneFocused(party={self.party!r})"


class StepChosen(Message):
    """A step was chosen on the timeline (0: the start): what to do with it?"""

    def __init__(self, step: int) -> None:
        super().__init__()
        self.step = step

    def __repr__(self) -> str:
        return f"StepChosen(step={self.step!r})"


class TimelineLeft(Message):
    """Esc on the timeline: the focus goes back to the order list in front."""

    def __repr__(self) -> str:
        return "TimelineLeft()"


class TravelRequested(Message):
    """Go to just after step `step` (back, or forward among the steps taken back)."""

    def __init__(self, step: int) -> None:
        super().__init__()
        self.step = step

    def __repr__(self) -> str:
        return f"TravelRequested(step={self.step!r})"


class BranchRequested(Message):
    """Write a branch of the first `step` steps to `path`, and open it."""

    def __init__(self, step: int, path: Path) -> None:
        super().__init__()
        self.step = step
        self.path = path

    def __repr__(self) -> str:
        return f"BranchRequested(step={self.step!r}, path={self.path!r})"


class CompareRequested(Message):
    """Compare the open simulation with the simulation file at `path`."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def __repr__(self) -> str:
        return f"CompareRequested(path={self.path!r})"


class FormRequested(Message):
    """A party chose an action that asks for fields first: its form, over the order."""

    def __init__(self, party: str, action: str, order: OrderView, option: Option) -> None:
        super().__init__()
        self.party = party
        self.action = action
        self.order = order
        self.option = option


class ResolutionCenterRequested(Message):
    """A party opens the Resolution Center of an order: the actions it may choose there."""

    def __init__(self, party: str, order: OrderView, choices: tuple[Option, ...]) -> None:
        super().__init__()
        self.party = party
        self.order = order
        self.choices = choices
