"""The clock's keys: an hour, a day, a typed duration, the next deadline, play and its speed.

Only in the window that holds the clock (permissions.py): the trainer's, or a party's with
`--clock`. Every move is the engine's explicit `advance`; play mode is such a move on a timer.
"""

from __future__ import annotations

from functools import partial

from textual.timer import Timer

from rcsim.engine import Refusal
from rcsim.tui.app.core import SPEEDS, AppCore, refused
from rcsim.tui.app.messages import ClockMoveRequested
from rcsim.tui.app.widgets.clock_bar import ClockBar
from rcsim.tui.words.i18n import refusal_text, t

TICKS_PER_SECOND = 2


class ClockControl(AppCore):
    """The App's clock: moving it, and play mode (a tick every 1/TICKS_PER_SECOND s)."""

    _timer: Timer | None = None

    def start_clock(self) -> None:
        """The play mode's timer, paused until `p`."""
        self._timer = self.set_interval(1 / TICKS_PER_SECOND, self._tick, pause=True)

    def move_clock(self, how: str, value: str = "", *, in_bar: bool = True) -> Refusal | None:
        """Move the simulated clock ("by" a duration or to the "next" deadline); returns a
        refusal, which the clock bar says unless the dialog that asked says it (`in_bar`)."""
        try:
            events = (self.sim.advance_to_next_deadline() if how == "next"
                      else self.sim.advance(value))
        except Refusal as refusal:
            if in_bar:
                self.main_screen.query_one(ClockBar).show_message(
                    t("notice.refused", message=refusal_text(refusal)))
            self.sync.take_in()
            return refusal
        self.main_screen.query_one(ClockBar).show_message("")
        self.changed(events)
        return None

    async def on_clock_move_requested(self, message: ClockMoveRequested) -> None:
        """The duration dialog asks to move the clock: it closes, or says why not and stays."""
        dialog = self._dialog()
        refusal = self.move_clock("by", message.by, in_bar=dialog is None)
        if dialog is None:
            return
        if refusal is None:
            await dialog.dismiss(None)
        else:
            dialog.show_error(partial(refused, refusal))

    def _tick(self) -> None:
        """One step of play mode: an explicit clock move by the speed's share of a second."""
        from rcsim.engine import parse_duration
        step = parse_duration(self.speed) // TICKS_PER_SECOND
        self.move_clock("by", f"{step // 60}m")

    def watch_playing(self, playing: bool) -> None:
        if self._timer is not None:
            self._timer.resume() if playing else self._timer.pause()

    def action_cycle_speed(self) -> None:
        self.speed = SPEEDS[(SPEEDS.index(self.speed) + 1) % len(SPEEDS)]

    def action_advance(self, value: str) -> None:
        self.move_clock("by", value)

    def action_jump(self) -> None:
        from rcsim.tui.app.screens.duration import DurationScreen
        self.push_screen(DurationScreen())

    def action_next_deadline(self) -> None:
        self.move_clock("next")

    def action_toggle_play(self) -> None:
        self.playing = not self.playing

    def action_faster(self) -> None:
        self.speed = SPEEDS[min(SPEEDS.index(self.speed) + 1, len(SPEEDS) - 1)]

    def action_slower(self) -> None:
        self.speed = SPEEDS[max(SPEEDS.index(self.speed) - 1, 0)]
