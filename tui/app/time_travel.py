"""Going back in time: `u` takes the last step back, `U` puts it back, the timeline's steps go
to a moment (rewind) or branch from it into a new file, and `v` compares with another file.

While presenting a scenario, `u` and `U` step back and forth in it (the Player's steps, and
steps taken by hand since). Every change says what was taken back or put back, in each pane.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from rcsim.engine import HistoryEntry, RcsimError, Refusal, Simulation, SimulationFileError
from rcsim.tui.app.core import file_problem, refused
from rcsim.tui.app.messages import BranchRequested, CompareRequested, StepChosen, TravelRequested
from rcsim.tui.app.presenting import Presenting
from rcsim.tui.app.widgets.clock_bar import ClockBar
from rcsim.tui.words.describe import describe_event, party_label
from rcsim.tui.words.i18n import refusal_text, t
from rcsim.tui.words.text import clean
from rcsim.tui.words.travel import branch_text, put_back_text, taken_back_text


class TimeTravel(Presenting):
    """Undo, redo, rewind, branch and compare; while presenting, through the Player."""

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

        def text() -> str:  # (in the language of the moment it is said in)
            if isinstance(taken, HistoryEntry):
                return taken_back_text((taken,))
            return t("present.stepped_back", number=taken.number, what=describe_step(taken.step))

        self.presented = self.player.results[-1:]
        self.main_screen.query_one(PresenterBar).show(self.presented)
        self.travelled(text)
        self.stepped_back[:] = [*stepped_back, taken]
        self._refresh_travel_keys()  # `U` puts it back: now in the footer

    def _travel_refused(self, refusal: Refusal) -> None:
        self.main_screen.query_one(ClockBar).show_message(
            t("notice.refused", message=refusal_text(refusal)))
        self.sync.take_in()

    def travelled(self, text: Callable[[], str]) -> None:
        """After going back (or forward) in time: every view re-reads the engine; each pane's
        notices are those of that moment (the last events that concern its party), and the
        newest says what was taken back (`text`, so that a language switch says it anew)."""
        sim = self.sim
        self.sync.take_in(refresh=False)
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

    # ---------------------------------------------------------------- the timeline's steps

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
                dialog.show_error(partial(refused, refusal))
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
            dialog.show_error(partial(refused, refusal))
            return
        except SimulationFileError as error:
            dialog.show_error(partial(file_problem, "timeline.branch.cannot", error))
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
        self.sync.follow()  # its file, not the old one's, wakes this window now
        await self._rebuild_main_screen()
        old.close()

    # ---------------------------------------------------------------- comparing

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
            dialog.show_error(partial(file_problem, "compare.cannot_open", error))
            return
        except RcsimError as error:
            dialog.show_error(partial(t, "cli.error", error=error))
            return
        try:
            comparison = self.sim.compare(other)
        finally:
            other.close()
        dialog.show_comparison(comparison, message.path.name)
