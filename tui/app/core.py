"""What every part of the App shares: the simulation, the one `revision` every view re-reads on,
the panes, and what happens after every change (`changed`).

The App (app.py) is composed of this and one module per job: the clock (clock.py), going back
in time (time_travel.py), presenting a scenario (presenting.py), recording one (recording.py),
what this window may do (permissions.py) and the sync with other windows (sync.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.compose import compose
from textual.reactive import reactive
from textual.screen import Screen

from rcsim.engine import EventView, HistoryEntry, Refusal, Simulation, SimulationFileError
from rcsim.tui.app.messages import PaneFocused
from rcsim.tui.app.widgets.party_pane import PaneState, PartyPane
from rcsim.tui.words.describe import describe_event, party_label
from rcsim.tui.words.i18n import refusal_text, render_file_problem, t

if TYPE_CHECKING:
    from rcsim.engine import Player, StepResult
    from rcsim.engine import RecordingMark as Mark
    from rcsim.tui.app.screens.dialog import Dialog
    from rcsim.tui.app.sync import WindowSync

SPEEDS = ("10m", "1h", "6h", "1d")


class AppCore(App[None]):
    """The App's state and the helpers every part of it uses; `RcsimApp` (app.py) sets it up."""

    # repaint=False: a change is shown by the widgets bound to it; a repaint here would
    # re-render the whole screen on every revision.
    revision: reactive[int] = reactive(0, repaint=False)
    playing: reactive[bool] = reactive(False, repaint=False)
    speed: reactive[str] = reactive(SPEEDS[1], repaint=False)
    language: reactive[str] = reactive("en", init=False, repaint=False)
    """The language of every text; switching it builds the main screen anew in that language."""

    front_party: reactive[str] = reactive("buyer", init=False, repaint=False)
    """The party whose pane is in front: the only one shown when the screen is narrow."""

    # Set up by RcsimApp.__init__ (app.py).
    sim: Simulation
    role: str | None
    """A party's window (`rcsim --as buyer`): that party; the trainer's window: None."""
    parties: tuple[str, ...]
    """The parties whose panes this window shows: both, or a party window's own."""
    holds_clock: bool
    confined: bool
    """A party's window or a browser tab: it reads and writes no path its user types."""
    class_link: str | None
    player: Player | None
    """Presenting a scenario: it plays its steps on `sim`."""
    presented: list[StepResult]
    stepped_back: list[StepResult | HistoryEntry]
    recording_mark: Mark | None
    pane_states: dict[str, PaneState]
    log_shown: bool
    sync: WindowSync
    """What other windows wrote to the simulation file, taken in (sync.py)."""

    # ---------------------------------------------------------------- the panes

    def _sub_title(self) -> str:
        if self.role is None:
            return t("app.subtitle", policy=self.sim.policy)
        return t("app.subtitle.role", party=party_label(self.role), policy=self.sim.policy)

    def pane(self, party: str) -> PartyPane:
        return self.main_screen.query_one(f"#{party}-pane", PartyPane)

    @property
    def main_screen(self) -> Screen:
        """The screen with the panes (dialogs are pushed over it)."""
        return self.screen_stack[0]

    def on_pane_focused(self, message: PaneFocused) -> None:
        self.front_party = message.party

    def watch_front_party(self) -> None:
        self.show_front_party()

    @staticmethod
    def is_narrow(width: int) -> bool:
        """Whether a screen this wide shows one party at a time (the `-narrow` size class)."""
        from rcsim.tui.app.screens.main import WIDE
        return width < WIDE

    def show_front_party(self, width: int | None = None) -> None:
        """On a narrow screen only the front party's pane is shown. Set as `display`, not as a
        class: a class change restyles the whole pane (~140 widgets) on every focus move.

        `width`: the screen's new width, when a resize is being handled (Textual sets the size
        classes after the screen's own handler has run, so they cannot be asked then)."""
        narrow = self.is_narrow(self.main_screen.size.width if width is None else width)
        for pane in self.main_screen.query(PartyPane):
            shown = not narrow or pane.party == self.front_party
            if pane.display != shown:
                pane.display = shown

    # ---------------------------------------------------------------- after every change

    def changed(self, events: Iterable[EventView] = ()) -> None:
        """Bump the revision (every view re-reads the engine) and tell each party what concerns it
        (what other windows did meanwhile first, as it came in before this change)."""
        self.sync.take_in(refresh=False)
        self._notify_events(events)
        self.stepped_back.clear()
        self.revision += 1
        self._refresh_travel_keys()
        self.call_after_refresh(self.sync.keep_focus)

    def _notify_events(self, events: Iterable[EventView]) -> None:
        for event in events:
            for party in event.concerns:
                if party in self.parties:
                    self.pane(party).add_notice(event.at, partial(describe_event, event))

    _travel_keys: tuple[Any, Any] | None = None

    def _refresh_travel_keys(self) -> None:
        """The footer shows `U` only with something to put back (`u` always: with nothing
        left to take back, it says so): its keys are asked for anew when that changes (not on
        every step)."""
        keys = (self.check_action("undo", ()), self.check_action("redo", ()))
        if keys != self._travel_keys:
            self._travel_keys = keys
            self.refresh_bindings()

    def _dialog(self) -> Dialog[Any] | None:
        """The dialog in front, if any: where the answer to what it asked for is shown."""
        from rcsim.tui.app.screens.dialog import Dialog
        return self.screen if isinstance(self.screen, Dialog) else None

    # ---------------------------------------------------------------- building the main screen anew

    _log_mounting: Awaitable[None] | None = None

    async def _rebuild_main_screen(self) -> None:
        if self._log_mounting is not None:  # `l` just before `g`: let the log finish mounting
            await self._log_mounting
            self._log_mounting = None
        main = self.main_screen
        focus_in_main = self.screen is main
        log_focused = self._focus_in_log()
        for pane in main.query(PartyPane):
            pane.retired = True
        # As `recompose` does, but on the main screen whichever screen is in front.
        async with main.batch():
            await main.query("*").exclude(".-textual-system").remove()
            await main.mount_all(compose(self, self.compose()))
        logs = main.query("#event-log-table")
        focus = (logs.first() if log_focused and self.log_shown and logs
                 else self.pane(self.front_party).query_one("#orders"))
        if focus_in_main:
            focus.focus()
        else:  # the focus comes back to the main screen when the dialog closes
            main.set_focus(focus, scroll_visible=False)

    def _focus_in_log(self) -> bool:
        focused = self.main_screen.focused
        return focused is not None and focused.id == "event-log-table"

    def _focus_log(self) -> None:
        for table in self.main_screen.query("#event-log-table"):
            table.focus()


def refused(refusal: Refusal) -> str:
    """A refusal as a dialog says it, in the current language."""
    return t("notice.refused", message=refusal_text(refusal))


def file_problem(key: str, error: SimulationFileError) -> str:
    """A file that cannot be opened or written, as a dialog says it, in the current language."""
    return t(key, path=error.path, problem=render_file_problem(error.code, error.params))
