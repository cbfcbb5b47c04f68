"""Role-play: several windows (the trainer's, each party's, browser tabs) on one simulation file.

`WindowSync` is the App's part that looks for what other windows wrote (as soon as the operating
system says the file changed, file_watch.py; every SYNC_SECONDS whatever it says, one `stat` when
nothing was written; and before each change of this window's own), tells each pane
what concerns its party and each open form what changed on its order, and keeps the keys going
somewhere after a change. A browser tab's app also ends with the server that started it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual.timer import Timer

from rcsim.engine import EventView, HistoryEntry, Refusal, SimulationFileError
from rcsim.tui.app.file_watch import FileWatch, soon_in
from rcsim.tui.app.widgets.clock_bar import ClockBar
from rcsim.tui.words.describe import describe_event
from rcsim.tui.words.i18n import refusal_text, render_file_problem, t
from rcsim.tui.words.text import clean
from rcsim.tui.words.travel import put_back_text, taken_back_text

if TYPE_CHECKING:
    from rcsim.tui.app.core import AppCore

SYNC_SECONDS = 0.25
"""How often a window looks for what other windows wrote to its simulation file (one `stat`
when nothing was written), whether or not the operating system said it changed: a step taken
elsewhere is on screen within about that time even where no file watch can be had."""


class WindowSync:
    """What other windows did, taken in by one App (`app.sync`)."""

    def __init__(self, app: AppCore, *, ends_with_parent: bool = False) -> None:
        self.app = app
        self.timer: Timer | None = None
        """The look at the simulation file (a file's simulation only)."""
        self._server_pid = os.getppid() if ends_with_parent else None
        self.watch: FileWatch | None = None
        """The operating system's word that the file changed (a file's simulation only)."""
        self.held = False

    def start(self) -> None:
        """Look at once when the file changes, and often whatever happens, when other windows
        may write the same file; a browser tab looks for the server that started it too."""
        self.follow()
        if self._server_pid is not None:  # a browser tab: it ends with the server that started it
            self.app.set_interval(1.0, self._check_parent)

    def follow(self) -> None:
        """Watch (and look at) the file of the simulation the app shows: at the start, and again
        when it opens another (a branch)."""
        app = self.app
        self.stop()
        if app.sim.path is None:  # in memory: no other window can write it
            return
        if self.timer is None:
            self.timer = app.set_interval(SYNC_SECONDS, self.take_in)
        loop = asyncio.get_running_loop()
        self.watch = FileWatch([app.sim.path], lambda: soon_in(loop, self._woken))
        self.watch.start()

    def stop(self) -> None:
        if self.watch is not None:
            self.watch.stop()
            self.watch = None

    def hold(self) -> None:
        """Look no more until the app ends (a test: as if the next look had not come yet)."""
        self.held = True
        if self.timer is not None:
            self.timer.pause()

    def _woken(self) -> None:
        """The file changed (the operating system says): what was written is taken in now,
        unless the looks are held or the app has ended."""
        if not self.held and self.app.is_running:
            self.take_in()

    def _check_parent(self) -> None:
        """A tab's app whose server is gone (killed, where no signal told this process) quits:
        nobody can reach it any more."""
        if os.getppid() != self._server_pid:
            self.app.exit()

    def take_in(self, refresh: bool = True) -> None:
        """What other windows did to the simulation file since this one last looked (every
        SYNC_SECONDS, and before each change of this one's): each pane is told what concerns
        its party, what was taken back is said, and every view re-reads the engine. Never
        waits for another window's write: the next look takes it in."""
        app = self.app
        try:
            found = app.sim.take_in(0)
        except Refusal as refusal:  # the file cannot be read just now: the next look tries again
            app.main_screen.query_one(ClockBar).show_message(
                t("notice.refused", message=refusal_text(refusal)))
            return
        except SimulationFileError as error:
            app.main_screen.query_one(ClockBar).show_message(clean(t(
                "sync.cannot_read", path=error.path,
                problem=render_file_problem(error.code, error.params))))
            return
        if not found:
            return
        said: list[tuple[str | None, Callable[[], str]]] = []  # (the order, or all), what
        for synced in found:
            if synced.restarted:
                for party in app.parties:
                    app.pane(party).add_notice(app.sim.now, lambda: t("sync.restarted"))
                said.append((None, lambda: t("sync.restarted")))
                continue
            if synced.taken_back:
                back = partial(_elsewhere, "sync.taken_back", taken_back_text, synced.taken_back)
                for party in app.parties:
                    app.pane(party).add_notice(app.sim.now, back)
                said.append((None, back))
            if synced.put_back:
                again = partial(_elsewhere, "sync.put_back", put_back_text, synced.put_back)
                for party in app.parties:
                    app.pane(party).add_notice(app.sim.now, again)
                said.append((None, again))
            app._notify_events(synced.events)
            said.extend((event.order, partial(_event_elsewhere, event)) for event in synced.events)
        self._tell_dialogs(said)
        if refresh:
            app.stepped_back.clear()
            app.revision += 1
            app._refresh_travel_keys()
            app.call_after_refresh(self.keep_focus)

    def _tell_dialogs(self, said: Sequence[tuple[str | None, Callable[[], str]]]) -> None:
        """A form or a Resolution Center open on an order another window changed: it says what
        changed, in words, and shows the order as it is now (what was typed stays)."""
        from rcsim.tui.app.screens.action_form import ActionFormScreen
        from rcsim.tui.app.screens.resolution_center import ResolutionCenterScreen

        app = self.app
        for screen in app.screen_stack:
            if not isinstance(screen, (ActionFormScreen, ResolutionCenterScreen)):
                continue
            texts = [text for order, text in said if order in (None, screen.order.id)]
            if texts:
                app.call_later(screen.order_changed, texts)

    def keep_focus(self) -> None:
        """After a change, the keys still go somewhere: a button the change hid or disabled
        (Withdraw my request, once withdrawn) hands the focus to its party's order list."""
        app = self.app
        if app.screen is not app.main_screen:
            return
        focused = app.focused
        if focused is not None and focused.display and focused.visible and not focused.disabled \
                and focused.region.height > 0:
            return
        party = app.front_party if app.front_party in app.parties else app.parties[0]
        app.pane(party).focus_list()


def _elsewhere(key: str, words: Callable[[Sequence[HistoryEntry]], str],
               steps: Sequence[HistoryEntry]) -> str:
    """What another window took back or put back, in the current language (a notice keeps
    this, not the text, so that a language switch says it anew)."""
    return t(key, what=words(steps))


def _event_elsewhere(event: EventView) -> str:
    """What another window did, said to a form open on its order."""
    return t("sync.elsewhere", what=describe_event(event))
