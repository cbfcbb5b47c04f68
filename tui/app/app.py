"""The App: owns the simulation and one `revision` reactive; both panes re-read on every change.

`RcsimApp` is composed of one part per job, each a module of its own beside this one: the
state every part shares (core.py), what this window may do (permissions.py), going back in time
(time_travel.py), presenting a scenario (presenting.py), recording one (recording.py), the
clock (clock.py), and the sync with other windows on the same file (sync.py, a collaborator:
`app.sync`). Here: its keys, its screen, acting on the engine, and the dialogs its keys open.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen

from rcsim.engine import (
    OPENING_ACTIONS,
    PARTIES,
    HistoryEntry,
    Refusal,
    Simulation,
    read_bundled_text,
)
from rcsim.tui.app.clock import TICKS_PER_SECOND, ClockControl
from rcsim.tui.app.core import SPEEDS, refused
from rcsim.tui.app.messages import (
    ActionRequested,
    FormRequested,
    ResolutionCenterRequested,
    RuleChangeRequested,
    TimelineLeft,
)
from rcsim.tui.app.permissions import Permissions
from rcsim.tui.app.recording import Recording
from rcsim.tui.app.sync import SYNC_SECONDS, WindowSync
from rcsim.tui.app.time_travel import TimeTravel
from rcsim.tui.app.widgets.clock_bar import ClockBar
from rcsim.tui.app.widgets.footer import LocalizedFooter
from rcsim.tui.app.widgets.party_pane import PaneState, PartyPane
from rcsim.tui.words.i18n import LANGUAGES, set_language, t

if TYPE_CHECKING:
    from rcsim.engine import Player, StepResult
    from rcsim.engine import RecordingMark as Mark

__all__ = ["SPEEDS", "SYNC_SECONDS", "TICKS_PER_SECOND", "RcsimApp", "make_app"]


class RcsimApp(Permissions, TimeTravel, Recording, ClockControl):
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
        self.sync = WindowSync(self, ends_with_parent=ends_with_parent)
        # Role-play: a party's window (`rcsim --as buyer`) shows that party's pane alone and
        # moves the clock only when asked to (`--clock`); the trainer's window (no role) shows
        # both panes and holds the clock.
        self.role = role
        self.parties: tuple[str, ...] = (role,) if role is not None else tuple(PARTIES)
        self.holds_clock = role is None if holds_clock is None else holds_clock
        self.cursor_blink = cursor_blink
        _freeze_start_up_objects()
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
        yield ClockBar(self.sim, controls=self.holds_clock, role=self.role).data_bind(
            RcsimApp.revision, RcsimApp.playing, RcsimApp.speed)
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
        from rcsim.tui.app.screens.main import MainScreen

        return MainScreen()

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
        self.start_clock()  # play mode's timer, paused
        self.sync.start()  # the look at the file other windows write, and at a tab's server

    def on_unmount(self) -> None:
        self.sync.stop()  # (the file's watch, in a thread of its own)

    # ---------------------------------------------------------------- acting

    async def on_action_requested(self, message: ActionRequested) -> None:
        """A pane or a form asks to act: the engine decides; a refusal changes nothing and is
        shown where it was asked for (the form stays open), a success closes the form."""
        dialog = self._dialog()
        try:
            events = self.sim.act(message.party, message.action, message.order, **message.fields)
        except Refusal as refusal:
            if dialog is not None:
                dialog.show_error(partial(refused, refusal))
            else:
                self.pane(message.party).show_refusal(refusal)
            self.sync.take_in()  # what changed meanwhile, if that was why: on screen now
            return
        if dialog is not None:
            await dialog.dismiss(None)
        self.changed(events)
        if message.action in OPENING_ACTIONS and events:
            from rcsim.tui.app.screens.request_sent import RequestSentScreen
            request = self.sim.request(events[0].data["request"])
            self.push_screen(RequestSentScreen(request))

    def on_form_requested(self, message: FormRequested) -> None:
        """A pane asks for an action's form (its fields first): over the main screen."""
        from rcsim.tui.app.screens.action_form import ActionFormScreen
        self.push_screen(ActionFormScreen(message.party, message.action, message.order,
                                          message.option))

    def on_resolution_center_requested(self, message: ResolutionCenterRequested) -> None:
        """A pane opens an order's Resolution Center: the action chosen there is that pane's
        to take (its form next, if it has fields)."""
        from rcsim.tui.app.screens.resolution_center import ResolutionCenterScreen

        def chosen(action: str | None) -> None:
            if action:
                self.pane(message.party).request_action(action)

        self.push_screen(ResolutionCenterScreen(message.party, message.order, message.choices),
                         chosen)

    # ---------------------------------------------------------------- the views

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

    def action_focus_pane(self, party: str) -> None:
        self.front_party = party
        self.pane(party).focus_list()

    def action_to_class(self) -> None:
        """A pair's trainer view in a served class: back to the class dashboard, in this tab."""
        if self.class_link is not None:
            self.open_url(self.class_link, new_tab=False)

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
                dialog.show_error(partial(refused, refusal))
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
