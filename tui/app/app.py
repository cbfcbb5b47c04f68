"""The App: owns the simulation and one `revision` reactive; both panes re-read on every change."""

from __future__ import annotations

import gc
import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Iterable, Sequence

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.compose import compose
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.timer import Timer

from rcsim.engine import PARTIES, EventView, HistoryEntry, RcsimError, Refusal, Simulation, SimulationFileError
from rcsim.engine import read_bundled_text
from rcsim.engine import OPENING_ACTIONS

from rcsim.tui.words.describe import describe_event, party_label
from rcsim.tui.words.i18n import LANGUAGES, refusal_text, render_file_problem, set_language, t
from rcsim.tui.words.travel import branch_text, put_back_text, taken_back_text
from rcsim.tui.words.text import clean
from rcsim.tui.app.messages import (
    ActionRequested, BranchRequested, ClockMoveRequested, CompareRequested, PaneFocused,
    RecordingRequested, RuleChangeRequested, StepChosen, TimelineLeft, TravelRequested,
)
from rcsim.tui.app.widgets.clock_bar import ClockBar
from rcsim.tui.app.widgets.footer import LocalizedFooter
from rcsim.tui.app.widgets.party_pane import PaneState, PartyPane

if TYPE_CHECKING:
    from rcsim.engine import RecordingMark as Mark
    from rcsim.tui.app.screens.dialog import Dialog
    from rcsim.engine import Player, StepResult

SPEEDS = ("10m", "1h", "6h", "1d")
TICKS_PER_SECOND = 2
# Actions that move the clock or change the layout; they wait while a dialog is open.
SYNC_SECONDS = 0.25
"""How often a window looks for what other windows wrote to its simulation file (one `stat`
when nothing was written): a step taken elsewhere is on screen within about that time."""
CLOCK_ACTIONS = {"advance", "jump", "next_deadline", "toggle_play", "faster", "slower",
                 "cycle_speed"}
"""What moves the clock: only in the window that holds it (the trainer's, or `--clock`)."""
TRAINER_ACTIONS = {"focus_pane", "rules"}
"""Not in a party's window: the other party's pane, and changing the rules of everyone."""
CONFINED_ACTIONS = {"mark_recording", "save_recording", "compare"}
"""Not in a confined window (a party's window, a browser tab): what reads or writes a file whose
path its user types. Branching too is the trainer's terminal's (on_branch_requested)."""
MAIN_SCREEN_ACTIONS = {"advance", "jump", "next_deadline", "toggle_play", "faster", "slower",
                       "toggle_log", "focus_pane", "quit", "flow_map", "undo", "redo", "compare",
                       "rules"}
"""Not over a dialog (help and the language switch are: every dialog binds them too)."""


class RcsimApp(App[None]):
    """Buyer ("Kunde") on the left, freelancer on the right, the clock on top, the log below."""

    # The stylesheet beside this module, read as package data (also from a zipped install).
    CSS = read_bundled_text("app.tcss", package=__package__ or "rcsim.tui.app")
    TITLE = "rcsim"

    BINDINGS = [
        Binding("h", "advance('1h')", "key.hour"),
        Binding("d", "advance('1d')", "key.day"),
        Binding("t", "jump", "key.jump"),
        Binding("n", "next_deadline", "key.next"),
        Binding("p", "toggle_play", "key.play"),
        Binding("right_square_bracket", "faster", "key.faster", show=False),
        Binding("left_square_bracket", "slower", "key.slower", show=False),
        Binding("l", "toggle_log", "key.log"),
        Binding("question_mark", "help", "key.help", key_display="?"),
        Binding("f1", "help", "key.help"),  # the footer shows it where `?` is a letter
        Binding("f", "flow_map", "key.map", show=False),
        Binding("R", "rules", "key.rules", show=False),
        Binding("1", "focus_pane('buyer')", "key.buyer", show=False),
        Binding("2", "focus_pane('freelancer')", "key.freelancer", show=False),
        Binding("g", "switch_language", "key.language"),
        Binding("ctrl+g", "switch_language", "key.language"),  # in a text field, `g` is a letter
        Binding("ctrl+p", "command_palette", "key.palette", show=False, priority=True),
        Binding("q", "quit", "key.quit"),
        # Presenting a scenario (shown only then) and recording one.
        Binding("s", "present_step", "present.key.step"),
        Binding("e", "present_end", "present.key.end"),
        Binding("m", "mark_recording", "record.key.mark", show=False),
        Binding("w", "save_recording", "record.key.save", show=False),
        # Going back in time: undo, redo (shown when there is something to put back), compare.
        Binding("u", "undo", "key.undo"),
        Binding("U", "redo", "key.redo"),
        Binding("v", "compare", "key.compare", show=False),
        Binding("b", "to_class", "key.class"),
    ]

    # repaint=False: a change is shown by the widgets bound to it; a repaint here would
    # re-render the whole screen on every revision.
    revision: reactive[int] = reactive(0, repaint=False)
    playing: reactive[bool] = reactive(False, repaint=False)
    speed: reactive[str] = reactive(SPEEDS[1], repaint=False)
    language: reactive[str] = reactive("en", init=False, repaint=False)
    """The language of every text; switching it builds the main screen anew in that language."""
    front_party: reactive[str] = reactive("buyer", init=False, repaint=False)
    """The party whose pane is in front: the only one shown when the screen is narrow."""

    def __init__(self, sim: Simulation, *, cursor_blink: bool = True,
                 player: Player | None = None, language: str = "en", role: str | None = None,
                 holds_clock: bool | None = None, confined: bool = False,
                 ends_with_parent: bool = False, class_link: str | None = None) -> None:
        super().__init__()
        self.class_link = class_link  # a pair's view in a served class: `b`, back to the class
        self.sim = sim
        # A party's window or a browser tab (`rcsim serve`) reads and writes no path its user
        # types: recording, comparing with a file and branching belong to the trainer's own
        # terminal. A tab ends with the server that started it (`ends_with_parent`).
        self.confined = confined
        self._server_pid = os.getppid() if ends_with_parent else None
        # Role-play: a party's window (`rcsim --as buyer`) shows that party's pane alone and
        # moves the clock only when asked to (`--clock`); the trainer's window (no role) shows
        # both panes and holds the clock.
        self.role = role
        self.parties: tuple[str, ...] = (role,) if role is not None else tuple(PARTIES)
        self.holds_clock = role is None if holds_clock is None else holds_clock
        self._sync_timer: Timer | None = None
        self.cursor_blink = cursor_blink
        _freeze_start_up_objects()
        self._timer: Timer | None = None
        self.player = player  # presenting a scenario: it plays its steps on `sim`
        self.recording_mark: Mark | None = None
        # What the screen shows beyond the engine's state, kept here so that the main screen can
        # be built anew (after a language switch) exactly where it was.
        self.pane_states = {"buyer": PaneState(), "freelancer": PaneState()}
        self.log_shown = False
        self.presented: list[StepResult] = []  # the steps played by the last presenter key
        # While presenting: what each `u` took back (a scenario step's result, or a step taken
        # by hand), so that `U` puts it back; cleared by any other change.
        self.stepped_back: list[StepResult | HistoryEntry] = []
        self.set_reactive(RcsimApp.language, language)
        if role is not None:
            self.set_reactive(RcsimApp.front_party, role)

    def on_load(self) -> None:
        # The language of this app's task, which every screen and widget it builds inherits
        # (tui/words/i18n.py keeps it in a context variable, never process-wide).
        set_language(self.language)

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        """The main screen, built from the App's state alone: rebuilt after a language switch
        (also while a dialog is over it, `_rebuild_main_screen`), it is exactly what a fresh
        start in that language shows."""
        from rcsim.tui.app.screens.main import TooSmall

        yield TooSmall()
        yield ClockBar(self.sim, controls=self.holds_clock, role=self.role).data_bind(RcsimApp.revision, RcsimApp.playing, RcsimApp.speed)
        if self.player is not None:
            from rcsim.tui.app.widgets.presenter import PresenterBar
            yield PresenterBar(self.player, self.presented)
        narrow = self.is_narrow(self.size.width)  # the first frame is laid out for its size
        with Horizontal(id="panes"):
            for party in self.parties:
                pane = PartyPane(self.sim, party, self.pane_states[party])
                pane.display = party == self.front_party or not narrow
                yield pane.data_bind(RcsimApp.revision)
        if self.log_shown:
            from rcsim.tui.app.widgets.event_log import EventLog  # not needed for the first frame
            yield EventLog(self.sim).data_bind(RcsimApp.revision)
        yield LocalizedFooter()

    def get_key_display(self, binding: Binding) -> str:
        """A key as the footer and help show it, in the current language ("^G", "Strg+G")."""
        shown = super().get_key_display(binding)
        if len(shown) == 2 and shown.startswith("^"):
            return t("key.ctrl", letter=shown[1].upper())
        if shown == "esc":
            return t("key.escape")
        if len(shown) in (2, 3) and shown[0] == "f" and shown[1:].isdigit():
            return shown.upper()  # F1, as printed on the key
        return shown

    def get_default_screen(self) -> Screen:
        from rcsim.tui.app.screens.main import BREAKPOINTS_H, BREAKPOINTS_W, MainScreen
        screen = MainScreen(id="_default")
        screen.HORIZONTAL_BREAKPOINTS = BREAKPOINTS_W
        screen.VERTICAL_BREAKPOINTS = BREAKPOINTS_H
        return screen

    async def run_async(self, **kwargs: Any) -> None:
        """Run with the cyclic garbage collector paused until the first frame is shown.

        Start-up builds ~36,000 long-lived objects (widgets, styles, rules); the collector would
        walk them ~90 times before the first frame (~6 ms, measured). `on_ready` freezes them and
        resumes collecting; leaving the app resumes it too, whatever happened.
        """
        self._collecting = gc.isenabled()
        gc.disable()
        try:
            return await super().run_async(**kwargs)
        finally:
            self._resume_collecting()

    def on_ready(self) -> None:
        """The first frame is on screen: keep what start-up built out of the collector's walks
        (plus ~2,000 objects of start-up garbage, once), then collect as usual."""
        if getattr(self, "_collecting", False) and not gc.isenabled():
            gc.freeze()
        self._resume_collecting()

    def _resume_collecting(self) -> None:
        if getattr(self, "_collecting", False):
            self._collecting = False
            gc.enable()

    def on_mount(self) -> None:
        self.sub_title = self._sub_title()
        self._timer = self.set_interval(1 / TICKS_PER_SECOND, self._tick, pause=True)
        if self.sim.path is not None:  # other windows may write the same file: look often
            self._sync_timer = self.set_interval(SYNC_SECONDS, self.take_in)
        if self._server_pid is not None:  # a browser tab: it ends with the server that started it
            self.set_interval(1.0, self._check_parent)

    def _check_parent(self) -> None:
        """A tab's app whose server is gone (killed, where no signal told this process) quits:
        nobody can reach it any more."""
        if os.getppid() != self._server_pid:
            self.exit()

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
        self.take_in(refresh=False)
        self._notify_events(events)
        self.stepped_back.clear()
        self.revision += 1
        self._refresh_travel_keys()
        self.call_after_refresh(self._keep_focus)

    def _keep_focus(self) -> None:
        """After a change, the keys still go somewhere: a button the change hid or disabled
        (Withdraw my request, once withdrawn) hands the focus to its party's order list."""
        if self.screen is not self.main_screen:
            return
        focused = self.focused
        if focused is not None and focused.display and focused.visible and not focused.disabled \
                and focused.region.height > 0:
            return
        party = self.front_party if self.front_party in self.parties else self.parties[0]
        self.pane(party).focus_list()

    def _notify_events(self, events: Iterable[EventView]) -> None:
        for event in events:
            for party in event.concerns:
                if party in self.parties:
                    self.pane(party).add_notice(event.at, partial(describe_event, event))

    # ---------------------------------------------------------------- other windows

    def take_in(self, refresh: bool = True) -> None:
        """What other windows did to the simulation file since this one last looked (every
        SYNC_SECONDS, and before each change of this one's): each pane is told what concerns
        its party, what was taken back is said, and every view re-reads the engine. Never
        waits for another window's write: the next look takes it in."""
        try:
            found = self.sim.take_in(0)
        except Refusal as refusal:  # the file cannot be read just now: the next look tries again
            self.main_screen.query_one(ClockBar).show_message(
                t("notice.refused", message=refusal_text(refusal)))
            return
        except SimulationFileError as error:
            self.main_screen.query_one(ClockBar).show_message(clean(t(
                "sync.cannot_read", path=error.path,
                problem=render_file_problem(error.code, error.params))))
            return
        if not found:
            return
        said: list[tuple[str | None, Callable[[], str]]] = []  # (the order, or all), what
        for synced in found:
            if synced.restarted:
                for party in self.parties:
                    self.pane(party).add_notice(self.sim.now, lambda: t("sync.restarted"))
                said.append((None, lambda: t("sync.restarted")))
                continue
            if synced.taken_back:
                back = partial(_elsewhere, "sync.taken_back", taken_back_text, synced.taken_back)
                for party in self.parties:
                    self.pane(party).add_notice(self.sim.now, back)
                said.append((None, back))
            if synced.put_back:
                again = partial(_elsewhere, "sync.put_back", put_back_text, synced.put_back)
                for party in self.parties:
                    self.pane(party).add_notice(self.sim.now, again)
                said.append((None, again))
            self._notify_events(synced.events)
            said.extend((event.order, partial(_event_elsewhere, event)) for event in synced.events)
        self._tell_dialogs(said)
        if refresh:
            self.stepped_back.clear()
            self.revision += 1
            self._refresh_travel_keys()
            self.call_after_refresh(self._keep_focus)

    def _tell_dialogs(self, said: Sequence[tuple[str | None, Callable[[], str]]]) -> None:
        """A form or a Resolution Center open on an order another window changed: it says what
        changed, in words, and shows the order as it is now (what was typed stays)."""
        from rcsim.tui.app.screens.action_form import ActionFormScreen
        from rcsim.tui.app.screens.resolution_center import ResolutionCenterScreen

        for screen in self.screen_stack:
            if not isinstance(screen, (ActionFormScreen, ResolutionCenterScreen)):
                continue
            texts = [text for order, text in said if order in (None, screen.order.id)]
            if texts:
                self.call_later(screen.order_changed, texts)

    # ---------------------------------------------------------------- acting

    def _dialog(self) -> Dialog[Any] | None:
        """The dialog in front, if any: where the answer to what it asked for is shown."""
        from rcsim.tui.app.screens.dialog import Dialog
        return self.screen if isinstance(self.screen, Dialog) else None

    async def on_action_requested(self, message: ActionRequested) -> None:
        """A pane or a form asks to act: the engine decides; a refusal changes nothing and is
        shown where it was asked for (the form stays open), a success closes the form."""
        dialog = self._dialog()
        try:
            events = self.sim.act(message.party, message.action, message.order, **message.fields)
        except Refusal as refusal:
            if dialog is not None:
                dialog.show_error(partial(_refused, refusal))
            else:
                self.pane(message.party).show_refusal(refusal)
            self.take_in()  # what changed meanwhile, if that was why: on screen now
            return
        if dialog is not None:
            await dialog.dismiss(None)
        self.changed(events)
        if message.action in OPENING_ACTIONS and events:
            from rcsim.tui.app.screens.request_sent import RequestSentScreen
            request = self.sim.request(events[0].data["request"])
            self.push_screen(RequestSentScreen(request))

    # ---------------------------------------------------------------- the clock

    def move_clock(self, how: str, value: str = "", *, in_bar: bool = True) -> Refusal | None:
        """Move the simulated clock ("by" a duration or to the "next" deadline); returns a
        refusal, which the clock bar says unless the dialog that asked says it (`in_bar`)."""
        try:
            if how == "next":
                events = self.sim.advance_to_next_deadline()
            else:
                events = self.sim.advance(value)
        except Refusal as refusal:
            if in_bar:
                self.main_screen.query_one(ClockBar).show_message(
                    t("notice.refused", message=refusal_text(refusal)))
            self.take_in()
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
            dialog.show_error(partial(_refused, refusal))

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

    # ---------------------------------------------------------------- key actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MAIN_SCREEN_ACTIONS and isinstance(self.screen, ModalScreen):
            return False
        if action in ("present_step", "present_end", "mark_recording", "save_recording") \
                and isinstance(self.screen, ModalScreen):
            return False  # (hidden from the footer of a dialog)
        return self.may(action)

    def may(self, action: str) -> bool | None:
        """Whether this window may take `action` at all (False: never here, e.g. a party's clock
        or a confined window's files; None: not now), whatever screen is in front: the keys
        (check_action) and the command palette ask it alike."""
        if action in CLOCK_ACTIONS and not self.holds_clock:
            return False  # a party's window: the trainer moves the clock
        if self.role is not None and action in TRAINER_ACTIONS:
            return False
        if self.confined and action in CONFINED_ACTIONS:
            return False
        if action == "to_class":
            return self.class_link is not None
        if action == "next_deadline" and self.sim.next_deadline() is None:
            return None
        if action in ("present_step", "present_end"):
            if self.player is None:
                return False  # hidden from the Footer unless presenting
            return None if self.player.done else True
        if action == "undo":  # always: with nothing left to take back, it says so
            return True
        if action == "redo":
            return bool(self.stepped_back if self.player is not None else self.sim.redo_count)
        return True

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

    async def action_toggle_log(self) -> None:
        """`l`: show the timeline, with the focus in it; or hide it (the focus, if it was in
        it, back on the order list in front)."""
        from rcsim.tui.app.widgets.event_log import EventLog  # not needed for the first frame

        logs = self.main_screen.query("#event-log")
        self.log_shown = not self.log_shown
        if not logs:
            # Mounted on first use: a hidden log would still cost start-up time and layout passes.
            self._log_mounting = self.main_screen.mount(
                EventLog(self.sim).data_bind(RcsimApp.revision),
                before=self.main_screen.query_one(LocalizedFooter))
            await self._log_mounting
            self._log_mounting = None
            self._focus_log()
            return
        log = logs.first(EventLog)
        if not self.log_shown and self._focus_in_log():
            self.pane(self.front_party).focus_list()
        log.display = self.log_shown
        log.reload()
        if self.log_shown:
            self._focus_log()

    def _focus_in_log(self) -> bool:
        focused = self.main_screen.focused
        return focused is not None and focused.id == "event-log-table"

    def _focus_log(self) -> None:
        for table in self.main_screen.query("#event-log-table"):
            table.focus()

    def on_timeline_left(self, message: TimelineLeft) -> None:
        self.pane(self.front_party).focus_list()

    def action_switch_language(self) -> None:
        """German <-> English, live: the main screen is built anew in the other language, as a
        fresh start in it would be; the simulation, the selections and the notices stay."""
        self.language = LANGUAGES[(LANGUAGES.index(self.language) + 1) % len(LANGUAGES)]

    async def watch_language(self, language: str) -> None:
        """Every screen anew in the new language: the main screen, and each dialog over it
        (keeping what was typed and chosen there); the command palette closes by itself."""
        from rcsim.tui.app.screens.dialog import Dialog

        set_language(language)
        self.sub_title = self._sub_title()
        for screen in self.screen_stack:
            # Each screen handles its own events in a task of its own, which took the language
            # of the moment it was made: it takes the new one too.
            screen.call_later(set_language, language)
        await self._rebuild_main_screen()
        for screen in self.screen_stack:
            if isinstance(screen, Dialog):
                await screen.retranslate()
        self.refresh_bindings()  # the footers show their keys in the new language

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

    def action_help(self) -> None:
        """Help, listing every key of the screen it is opened from (there: close it)."""
        from rcsim.tui.app.screens.help import HelpScreen, screen_key_lines

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(self.sim.rules.data, screen_key_lines(self.screen)))

    def action_flow_map(self) -> None:
        """The flow map: the rules as a map, with the front pane's order on it."""
        from rcsim.tui.app.screens.flow_map import FlowMapScreen
        self.push_screen(FlowMapScreen(self.sim, self.pane(self.front_party).order_id))

    # ---------------------------------------------------------------- the rules screen

    def action_rules(self) -> None:
        """Every rule that can be changed by name, and a change of one, from now on."""
        from rcsim.tui.app.screens.rules import RulesScreen
        self.push_screen(RulesScreen(self.sim))

    async def on_rule_change_requested(self, message: RuleChangeRequested) -> None:
        """The rules screen asks to change a rule: the engine checks it and takes it as a step;
        a refusal is shown in the screen and changes nothing, a change is shown there and as a
        notice in both panes (what reads the rules re-reads them)."""
        from rcsim.tui.app.screens.rules import RulesScreen, rule_name, with_unit

        dialog = self._dialog()
        old = self.sim.rules.data.get(message.rule)
        try:
            self.sim.change_rules({message.rule: message.value})
        except Refusal as refusal:
            if dialog is not None:
                dialog.show_error(partial(_refused, refusal))
            return
        text: Callable[[], str]
        if old == message.value:  # the engine took no step
            text = partial(t, "rules.unchanged")
        else:
            def changed_text(rule: str = message.rule, old: Any = old,
                             new: Any = message.value) -> str:
                return t("rules.changed", name=rule_name(rule), was=with_unit(rule, old),
                         now=with_unit(rule, new))

            text = changed_text
            for party in self.parties:
                self.pane(party).add_notice(self.sim.now, changed_text)
            self.revision += 1
        if isinstance(dialog, RulesScreen):
            dialog.show_changed(text)

    def action_focus_pane(self, party: str) -> None:
        self.front_party = party
        self.pane(party).focus_list()

    # ---------------------------------------------------------------- presenting and recording

    def present(self, results: list[StepResult]) -> None:
        """Show played steps: their events in both panes, their order's page, the bar."""
        from rcsim.tui.app.widgets.presenter import PresenterBar
        self.changed(event for result in results for event in result.events)
        order = getattr(results[-1].step, "order", None) if results else None
        if order in self.sim.order_ids():
            for party in self.parties:
                self.pane(party).select_order(order)
        self.presented = list(results)
        self.main_screen.query_one(PresenterBar).show(results)

    def action_present_step(self) -> None:
        """Apply the scenario's next step (the Player plays it on this simulation)."""
        if self.player is not None and not self.player.done:
            self.present([self.player.step()])

    def action_present_end(self) -> None:
        """Play every remaining step, then show what went wrong and the summary."""
        if self.player is not None and not self.player.done:
            results = []
            while not self.player.done:
                results.append(self.player.step())
            self.present(results)

    def action_mark_recording(self) -> None:
        """Note now as the start a later recording may begin at."""
        from rcsim.engine import mark_recording as mark
        from rcsim.tui.words.i18n import fmt_datetime
        self.recording_mark = mark(self.sim)
        self.notify(t("record.marked", at=fmt_datetime(self.recording_mark.at)), markup=False,
                    title=t("record.notice_title"))

    def action_save_recording(self) -> None:
        """Ask for a file (and, when a start was marked, where the recording starts)."""
        from rcsim.engine import free_file_name as free_name
        from rcsim.tui.app.screens.record import RecordScreen

        start = self.sim.events()[0].at if self.sim.events() else self.sim.now
        mark = self.recording_mark.at if self.recording_mark is not None else None
        from rcsim.tui.app.screens.travel import shown_path  # as a user would type it: relative, here
        self.push_screen(RecordScreen(start, mark, shown_path(free_name(Path.cwd(), "recording"))))

    async def on_recording_requested(self, message: RecordingRequested) -> None:
        """Record, check and write the file; the dialog says what went wrong and stays open,
        or closes and a notice says what was saved."""
        from rcsim.engine import (
            RecordingError, free_file_name as free_name, write_new_recording as write_new,
        )

        from rcsim.tui.words.recording import record

        dialog = self._dialog()
        assert dialog is not None  # only the recording dialog asks for this
        since = self.recording_mark if message.from_mark else None
        path = message.path
        if path.is_dir():  # a folder: a free name in it
            path = free_name(path, "recording")
        try:
            recording = record(self.sim, since, title=t("record.scenario_title"))
        except RecordingError as error:
            dialog.show_error(partial(_record_failed, error))
            return
        try:
            written = write_new(path, recording.text, overwrite=message.overwrite)
        except FileExistsError:
            from rcsim.tui.app.screens.record import RecordScreen
            if isinstance(dialog, RecordScreen):
                dialog.confirm_overwrite(path)
            dialog.show_error(partial(t, "record.exists", path=path))
            return
        except OSError as error:
            dialog.show_error(partial(_record_failed, error))
            return
        await dialog.dismiss(None)
        text = t("record.saved", path=written, orders=len(recording.orders),
                 actions=recording.actions)
        if recording.left_out:
            text += " " + t("record.left_out", count=len(recording.left_out))
        # A typed path may hold "[...]": shown as it is, never read as markup.
        self.notify(clean(text), title=t("record.notice_title"), timeout=10, markup=False)

    # ---------------------------------------------------------------- going back in time

    def action_undo(self) -> None:
        """`u`: take back the last step (while presenting: step back in the scenario)."""
        self.playing = False
        if self.player is not None:
            self._present_undo()
            return
        try:
            entry = self.sim.undo(by=self.role)
        except Refusal as refusal:
            self._travel_refused(refusal)
            return
        self.travelled(lambda: taken_back_text((entry,)))

    def action_redo(self) -> None:
        """`U`: put back the step taken back last (while presenting: play it again)."""
        self.playing = False
        if self.player is not None:
            if not self.stepped_back:
                return
            last = self.stepped_back.pop()
            rest = list(self.stepped_back)
            if isinstance(last, HistoryEntry):  # a step taken by hand: put back as it was
                self._redo()
            else:
                self.action_present_step()
            self.stepped_back[:] = rest
            return
        self._redo()

    def _redo(self) -> None:
        try:
            entry = self.sim.redo(by=self.role)
        except Refusal as refusal:
            self._travel_refused(refusal)
            return
        self.travelled(lambda: put_back_text((entry,)))

    def _present_undo(self) -> None:
        """Step back in the scenario presented: the Player takes its last step back (or a step
        taken by hand since), and the bar shows the step before as the last one played."""
        from rcsim.tui.app.widgets.presenter import PresenterBar, describe_step

        assert self.player is not None
        try:
            taken = self.player.undo()
        except IndexError:  # at the scenario's start: its set-up is not taken back
            self._travel_refused(Refusal("at_start", steps=self.player.setup_steps))
            return
        stepped_back = list(self.stepped_back)
        if isinstance(taken, HistoryEntry):
            text: Callable[[], str] = lambda: taken_back_text((taken,))
        else:
            text = lambda: t("present.stepped_back", number=taken.number,
                             what=describe_step(taken.step))
        self.presented = self.player.results[-1:]
        self.main_screen.query_one(PresenterBar).show(self.presented)
        self.travelled(text)
        self.stepped_back[:] = [*stepped_back, taken]
        self._refresh_travel_keys()  # `U` puts it back: now in the footer

    _travel_keys: tuple[Any, Any] | None = None

    def _refresh_travel_keys(self) -> None:
        """The footer shows `U` only with something to put back (`u` always: with nothing
        left to take back, it says so): its keys are asked for anew when that changes (not on
        every step)."""
        keys = (self.check_action("undo", ()), self.check_action("redo", ()))
        if keys != self._travel_keys:
            self._travel_keys = keys
            self.refresh_bindings()

    def _travel_refused(self, refusal: Refusal) -> None:
        self.main_screen.query_one(ClockBar).show_message(
            t("notice.refused", message=refusal_text(refusal)))
        self.take_in()

    def travelled(self, text: Callable[[], str]) -> None:
        """After going back (or forward) in time: every view re-reads the engine; each pane's
        notices are those of that moment (the last events that concern its party), and the
        newest says what was taken back (`text`, so that a language switch says it anew)."""
        sim = self.sim
        self.take_in(refresh=False)
        self.main_screen.query_one(ClockBar).show_message("")
        for party in self.parties:
            notices: list[Any] = []
            seq = sim.last_event_seq()
            while seq > 0 and len(notices) < 2:
                event = sim.event(seq)
                if party in event.concerns:
                    notices.insert(0, (event.at, lambda event=event: describe_event(event), "event"))
                seq -= 1
            notices.append((sim.now, text, "travel"))
            self.pane(party).set_notices(notices)
        self.stepped_back.clear()
        self.revision += 1
        self._refresh_travel_keys()

    def on_step_chosen(self, message: StepChosen) -> None:
        """A step was chosen on the timeline: its dialog (go back to it, or branch from it)."""
        from rcsim.tui.app.screens.travel import StepScreen

        kept = self.sim.step_count + self.sim.redo_count
        if not 0 <= message.step <= kept:
            return
        entry = self.sim.history_entry(message.step) if message.step else None
        self.push_screen(StepScreen(message.step, entry, self.sim.step_count, kept,
                                    self.branch_path(message.step), self.sim.baseline))

    async def on_travel_requested(self, message: TravelRequested) -> None:
        """Go to just after a step: the dialog closes and a notice says what was taken back
        (or put back); or the dialog says why not, and nothing changed."""
        dialog = self._dialog()
        before = self.sim.step_count
        try:
            steps = self.sim.rewind(message.step, by=self.role)
        except Refusal as refusal:
            if dialog is not None:
                dialog.show_error(partial(_refused, refusal))
            return
        if dialog is not None:
            await dialog.dismiss(None)
        self.playing = False
        if self.player is not None and self.player.follow():
            from rcsim.tui.app.widgets.presenter import PresenterBar
            self.presented = self.player.results[-1:]
            self.main_screen.query_one(PresenterBar).show(self.presented)
        if steps:
            back = message.step < before
            self.travelled(lambda: taken_back_text(steps) if back else put_back_text(steps))

    def branch_path(self, step: int) -> Path:
        """A free name for a branch from `step`: beside the simulation's file (in the current
        folder for one in memory), named after it and the step; relative when that folder is
        the current one."""
        path = self.sim.path
        folder = path.parent if path is not None else Path.cwd()
        stem = path.stem if path is not None else "simulation"
        shown = Path() if folder == Path.cwd() else folder
        for n in range(1, 1000):
            name = f"{stem}-step-{step}.json" if n == 1 else f"{stem}-step-{step}-{n}.json"
            if not (folder / name).exists():
                return shown / name
        return shown / f"{stem}-step-{step}.json"

    async def on_branch_requested(self, message: BranchRequested) -> None:
        """Write the branch, then open it here in place of this simulation; or say in the
        dialog why not (the file exists, the folder takes no file...): nothing changed."""
        dialog = self._dialog()
        assert dialog is not None  # only the branch dialog asks for this
        if self.role is not None:  # it would leave the simulation everyone else is in
            dialog.show_error(partial(t, "sync.branch_in_trainer_window"))
            return
        if self.confined:  # a browser tab writes no file its user names
            dialog.show_error(t("sync.branch_in_terminal"))
            return
        open_seats = self.sim.open_seats()
        if open_seats:  # the parties' windows would stay behind on this file
            dialog.show_error(t("sync.branch_seats_open", seats=t("word.list_sep").join(
                party_label(seat) for seat in open_seats)))
            return
        try:
            path = self.sim.branch(message.step, message.path)
            branch = Simulation.open(path)
        except Refusal as refusal:
            dialog.show_error(partial(_refused, refusal))
            return
        except SimulationFileError as error:
            dialog.show_error(partial(_file_problem, "timeline.branch.cannot", error))
            return
        await dialog.dismiss(None)
        await self.open_simulation(branch)
        self.notify(clean(t("timeline.branch.opened", path=message.path, origin=branch_text(branch))),
                    title=t("timeline.branch.notice_title"), markup=False, timeout=10)

    async def open_simulation(self, sim: Simulation) -> None:
        """Show another simulation (a branch just written) in place of this one, which is
        closed: the main screen is built anew over it. A scenario presented is left."""
        old = self.sim
        self.sim = sim
        self.player = None
        self.presented = []
        self.stepped_back.clear()
        self.recording_mark = None
        self.playing = False
        for state in self.pane_states.values():
            state.notices.clear()
            if state.order_id not in sim.order_ids():
                state.order_id = None
        self.sub_title = self._sub_title()
        await self._rebuild_main_screen()
        old.close()

    def action_to_class(self) -> None:
        """A pair's trainer view in a served class: back to the class dashboard, in this tab."""
        if self.class_link is not None:
            self.open_url(self.class_link, new_tab=False)

    def action_compare(self) -> None:
        """`v`: compare this simulation with another file (for a branch: the file it came from)."""
        from rcsim.tui.app.screens.travel import CompareScreen

        origin = self.sim.branched_from
        default = origin.file if origin is not None else None
        self.push_screen(CompareScreen(default, self.sim_name()))

    def sim_name(self) -> str:
        path = self.sim.path
        return path.name if path is not None else t("compare.memory")

    async def on_compare_requested(self, message: CompareRequested) -> None:
        """Open the other file (only read), compare, and show it in the dialog; or say why not."""
        from rcsim.tui.app.screens.travel import CompareScreen

        dialog = self._dialog()
        assert isinstance(dialog, CompareScreen)
        try:
            other = Simulation.open(message.path, read_only=True)
        except SimulationFileError as error:
            dialog.show_error(partial(_file_problem, "compare.cannot_open", error))
            return
        except RcsimError as error:
            dialog.show_error(partial(t, "cli.error", error=error))
            return
        try:
            comparison = self.sim.compare(other)
        finally:
            other.close()
        dialog.show_comparison(comparison, message.path.name)

    # The command palette's own commands: (catalogue key, action, its arguments). Each is
    # offered only where this window may take it (`may`: never a party's clock, nor a confined
    # window's files), and runs as its key does.
    PALETTE_COMMANDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
        ("present.command.step", "present_step", ()), ("present.command.end", "present_end", ()),
        ("record.command.mark", "mark_recording", ()),
        ("record.command.save", "save_recording", ()),
        ("command.language", "switch_language", ()), ("command.hour", "advance", ("1h",)),
        ("command.day", "advance", ("1d",)), ("command.jump", "jump", ()),
        ("command.next", "next_deadline", ()), ("command.play", "toggle_play", ()),
        ("command.log", "toggle_log", ()), ("command.help", "help", ()),
        ("command.map", "flow_map", ()), ("command.undo", "undo", ()), ("command.redo", "redo", ()),
        ("command.compare", "compare", ()), ("command.rules", "rules", ()),
    )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key, action, arguments in self.PALETTE_COMMANDS:
            if self.may(action) is False:
                continue
            yield SystemCommand(t(key), t(f"{key}.help"),
                                partial(self._palette_command, action, arguments))

    def _palette_command(self, action: str, arguments: tuple[str, ...]) -> object:
        """A command chosen in the palette: run if this window may take it (asked again: the
        window may have changed since the palette listed it)."""
        if self.may(action) is False:
            return None
        return getattr(self, f"action_{action}")(*arguments)


_frozen = False


def _freeze_start_up_objects() -> None:
    """Move the objects made so far (imports, the simulation) out of the collector's sight.

    They live as long as the process; without this every full collection walks them again:
    ~25 ms of a launch and ~10 ms of the exit (measured, ~35,000 objects). Once per process,
    so a test run that builds many apps does not keep their garbage.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


def _file_problem(key: str, error: SimulationFileError) -> str:
    """A file that cannot be opened or written, as a dialog says it, in the current language."""
    return t(key, path=error.path, problem=render_file_problem(error.code, error.params))


def _record_failed(error: Exception) -> str:
    """Why a recording was not written, as its dialog says it, in the current language."""
    from rcsim.engine import RecordingError

    from rcsim.tui.words.recording import error_text
    if isinstance(error, RecordingError):
        return t("record.failed", error=error_text(error))
    return t("record.failed", error=getattr(error, "strerror", None) or str(error))


def _refused(refusal: Refusal) -> str:
    """A refusal as a dialog says it, in the current language."""
    return t("notice.refused", message=refusal_text(refusal))


def _elsewhere(key: str, words: Callable[[Sequence[HistoryEntry]], str],
               steps: Sequence[HistoryEntry]) -> str:
    """What another window took back or put back, in the current language (a notice keeps
    this, not the text, so that a language switch says it anew)."""
    return t(key, what=words(steps))


def _event_elsewhere(event: EventView) -> str:
    """What another window did, said to a form open on its order."""
    return t("sync.elsewhere", what=describe_event(event))


def make_app(sim: Simulation, *, cursor_blink: bool = True, animation_level: str | None = None,
             language: str | None = None, theme: str | None = None,
             player: Player | None = None, role: str | None = None,
             holds_clock: bool | None = None, confined: bool = False,
             ends_with_parent: bool = False, class_link: str | None = None) -> RcsimApp:
    """The one way to build the App: for the command line, the tests and the benchmark.

    `player`: present a scenario; `sim` must then be `player.simulation`. `role`: a party's
    window (that party's pane alone; the clock only with `holds_clock`).
    """
    if language is None:
        from rcsim.tui.words.i18n import language as current_language
        language = current_language()
    app = RcsimApp(sim, cursor_blink=cursor_blink, player=player, language=language, role=role,
                   holds_clock=holds_clock, confined=confined, ends_with_parent=ends_with_parent,
                   class_link=class_link)
    if animation_level is not None:
        app.animation_level = animation_level  # type: ignore[assignment]
    if theme is not None:
        app.theme = theme
    return app
