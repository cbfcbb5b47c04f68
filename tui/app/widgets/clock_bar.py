"""The simulated clock, always visible: the time, the next deadline and the clock controls."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Button, Static

from rcsim.engine import DeadlineView, Simulation, parse_duration
from rcsim.tui.app.widgets._update import QuietButton, update
from rcsim.tui.words.describe import describe_deadline, party_label
from rcsim.tui.words.i18n import fmt_countdown, fmt_datetime, fmt_duration, t
from rcsim.tui.words.text import clean
from rcsim.tui.words.travel import branch_text


def next_deadline_text(upcoming: Sequence[DeadlineView], now: datetime, width: int) -> str:
    """The next deadline, or every deadline of the next instant: with what each does where the
    line has room, else their orders, else the first "and N more"."""
    if not upcoming:
        return t("clock.next_none")
    first = upcoming[0]
    at = fmt_datetime(first.at)
    countdown = fmt_countdown(int((first.at - now).total_seconds()))
    if len(upcoming) == 1:
        return t("clock.next", what=describe_deadline(first), at=at, countdown=countdown)
    for what in ("; ".join(describe_deadline(d) for d in upcoming),
                 t("word.list_sep").join(d.order for d in upcoming)):
        text = t("clock.next.several", at=at, countdown=countdown, count=len(upcoming), what=what)
        if cell_len(text) <= width:
            return text
    return t("clock.next.short", at=at, countdown=countdown,
             what=t("clock.next.more", first=first.order, count=len(upcoming) - 1))


class ClockBar(Vertical):
    """Shows the simulation's clock; its buttons run the App's clock actions."""

    # Triggers only: the watchers update the parts that change; a repaint of the whole bar
    # would re-render it on every revision for nothing.
    revision: reactive[int] = reactive(0, init=False, repaint=False)
    playing: reactive[bool] = reactive(False, init=False, repaint=False)
    speed: reactive[str] = reactive("1h", init=False, repaint=False)

    def __init__(self, sim: Simulation, *, controls: bool = True, role: str | None = None) -> None:
        super().__init__(id="clock-bar")
        self.sim = sim
        self.controls = controls  # False in a party's window: the trainer moves the clock
        self.role = role  # the party whose window this is (role-play), else None

    def compose(self) -> ComposeResult:
        with Horizontal(id="clock-line"):
            yield Static(id="clock-now")
            yield Static(id="clock-state")
        yield Static(id="clock-next")
        if not self.controls:
            with Horizontal(id="clock-buttons", classes="button-row"):
                held = t("clock.held_elsewhere")
                if self.role is not None:
                    held = t("clock.window", party=party_label(self.role), held=held)
                yield Static(Content(held), id="clock-held")
            yield Static(id="clock-message")
            return
        with Horizontal(id="clock-buttons", classes="button-row"):
            # Each button runs the App's action, as its key does.
            for button_id, label, action in (
                ("clock-hour", t("clock.hour"), "app.advance('1h')"),
                ("clock-day", t("clock.day"), "app.advance('1d')"),
                ("clock-jump", t("clock.jump"), "app.jump"),
                ("clock-next-button", t("clock.next_button"), "app.next_deadline"),
                ("clock-play", t("clock.play"), "app.toggle_play"),
                ("clock-speed", t("clock.speed", speed=self._speed()), "app.cycle_speed"),
            ):
                yield QuietButton(Content(label), id=button_id, action=action, compact=True)
        # A line of its own, shown while it says something: a refusal is read whole at every
        # width, never squeezed beside the buttons.
        yield Static(id="clock-message")

    def on_mount(self) -> None:
        self.refresh_clock()

    def watch_revision(self) -> None:
        self.refresh_clock()

    def watch_playing(self) -> None:
        self.refresh_clock()

    def watch_speed(self) -> None:
        self.refresh_clock()

    def refresh_clock(self) -> None:
        now = self.sim.now
        update(self.query_one("#clock-now", Static), Content.styled(
            t("clock.now", now=fmt_datetime(now, "datetime"), tz=t("format.timezone")), "bold"))
        state = t("clock.playing" if self.playing else "clock.paused", speed=self._speed())
        travel = [text for text in (branch_text(self.sim), self._taken_back()) if text]
        if travel:  # a branch, or steps taken back: said before the play state
            state = t("clock.travel", travel=t("clock.travel_sep").join(travel), state=state)
        update(self.query_one("#clock-state", Static), Content(clean(state)))
        upcoming = self.sim.next_deadlines()
        line = self.query_one("#clock-next", Static)
        text = next_deadline_text(upcoming, now, line.content_region.width or self.app.size.width - 2)
        update(line, Content(text))
        if not self.controls:
            return
        self.query_one("#clock-next-button", Button).disabled = not upcoming
        for button_id, label in (("#clock-play", t("clock.pause" if self.playing else "clock.play")),
                                 ("#clock-speed", t("clock.speed", speed=self._speed()))):
            button = self.query_one(button_id, Button)
            if str(button.label) != label:
                button.label = Content(label)

    def _speed(self) -> str:
        """The speed of play ("1h" a second) in the language's units ("1 Std.")."""
        return fmt_duration(parse_duration(self.speed))

    def _taken_back(self) -> str:
        redo = self.sim.redo_count
        return t("clock.taken_back", count=redo, step=self.sim.step_count) if redo else ""

    def on_resize(self) -> None:
        # The next deadlines are said as the new width allows (once its lines exist: a bar
        # being built anew, after a language switch, may be resized before).
        if self.query("#clock-now") and self.query("#clock-next"):
            self.refresh_clock()

    def show_message(self, text: str) -> None:
        """A refusal of a clock move (e.g. no deadline pending); cleared by the next clock move."""
        message = self.query_one("#clock-message", Static)
        update(message, Content.styled(text, "bold"))
        message.set_class(bool(text), "-shown")
