"""The trainer's class dashboard: a row per pair (where its orders stand, who is waiting for whom,
its last step and how long ago, whether its seats are open, a pair with no step for a while
marked as stuck), following every pair live; the clock of one pair or of every pair at once,
undo and branch per pair, one pair's trainer view opened from it, and the debrief.

`rcsim class dashboard DIR` in a terminal; behind the trainer's link of `rcsim serve --pairs`
in a browser (`--served --link /SECRET/`), where Enter opens the pair's trainer view in the same
tab and its `b` leads back here.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from rcsim.engine import Refusal, Simulation
from rcsim.engine import class_pair_path as pair_path
from rcsim.engine import seat_held as held
from rcsim.tui.app.file_watch import FileWatch, soon_in
from rcsim.tui.app.widgets.footer import LocalizedFooter
from rcsim.tui.web.classroom import Classroom, Pair
from rcsim.tui.words import class_report
from rcsim.tui.words.describe import party_label
from rcsim.tui.words.i18n import LANGUAGES, fmt_datetime, refusal_text, set_language, t, using
from rcsim.tui.words.safetext import clean
from rcsim.tui.words.travel import step_text, with_seat

LOOK_SECONDS = 0.5  # how often the dashboard looks at the pairs' files
COLUMNS = ("pair", "seats", "time", "orders", "waiting", "last", "ago")
STUCK_MINUTES = 3.0


@dataclass
class PairState:
    """What the dashboard keeps of a pair: its simulation (opened as the trainer's window)."""

    pair: Pair
    sim: Simulation


def fit(text: str, width: int) -> str:
    """`text` in `width` cells: whole where it fits, else cut with "…"."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def minutes_text(seconds: float) -> str:
    minutes = int(seconds // 60)
    return t("class.dash.just_now") if minutes < 1 else t("class.dash.minutes_ago", count=minutes)


class DebriefScreen(ModalScreen[None]):
    """The class's report, as `rcsim class report` prints it, over the dashboard."""

    BINDINGS = [Binding("escape", "back", "button.close"), Binding("r", "back", show=False)]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="debrief"):
            yield Static(Content(self.text), id="debrief-text")  # plain text: never markup

    def action_back(self) -> None:
        self.dismiss(None)


class Dashboard(App[None]):
    """The class at a glance, live; the trainer acts on a pair, or on every pair."""

    ENABLE_COMMAND_PALETTE = False  # every command is a key in the footer
    CSS = """
    #class-title { padding: 0 1; text-style: bold; }
    #pairs { height: 1fr; }
    #pair-detail { height: 12; border-top: solid $primary; padding: 0 1; }
    #debrief { background: $surface; padding: 1 2; }
    """
    BINDINGS = [
        Binding("o", "open_pair", "class.key.open"),
        Binding("h", "advance('1h', False)", "class.key.hour"),
        Binding("d", "advance('1d', False)", "class.key.day"),
        Binding("n", "next_deadline(False)", "class.key.next"),
        Binding("H", "advance('1h', True)", "class.key.hour_all"),
        Binding("D", "advance('1d', True)", "class.key.day_all"),
        Binding("N", "next_deadline(True)", "class.key.next_all"),
        Binding("u", "undo", "class.key.undo"),
        Binding("b", "branch", "class.key.branch"),
        Binding("r", "debrief", "class.key.debrief"),
        Binding("g", "switch_language", "key.language"),
        Binding("q", "quit", "key.quit"),
    ]

    def __init__(self, classroom: Classroom, *, link: str | None = None, language: str = "en",
                 stuck_minutes: float = STUCK_MINUTES,
                 wall_clock: Callable[[], float] = time.time,
                 ends_with_parent: bool = False) -> None:
        super().__init__()
        self._server_pid = os.getppid() if ends_with_parent else None
        self.classroom = classroom
        self.link = link  # served: the trainer's link, under which each pair's view is
        self.language = language
        self.stuck_seconds = stuck_minutes * 60
        self.wall_clock = wall_clock
        self.last_notice = ""
        self.states = [PairState(pair, Simulation.open(classroom.path(pair)))
                       for pair in classroom.pairs]
        for state in self.states:
            state.sim.claim_seat("trainer")
        # the operating system's word that a pair's file changed (started with the screen)
        self.pair_files = FileWatch((state.sim.path for state in self.states if state.sim.path),
                                    lambda: None)

    # ---------------------------------------------------------------- the screen

    def compose(self) -> ComposeResult:
        yield Static(id="class-title")
        yield DataTable(id="pairs", cursor_type="row", zebra_stripes=True)
        yield Static(id="pair-detail")
        yield LocalizedFooter()

    def on_load(self) -> None:
        set_language(self.language)  # this app's task, and all it builds, speak it

    def on_mount(self) -> None:
        self.title = t("class.dash.window_title")
        self._build()
        self.set_interval(LOOK_SECONDS, self.look)
        # ... and at once when a pair's file changes, where the operating system says so
        loop = asyncio.get_running_loop()
        self.pair_files.woken = lambda: soon_in(loop, self.look)
        self.pair_files.start()
        if self._server_pid is not None:  # a browser tab: it ends with its server
            self.set_interval(1.0, self._check_server)

    def _check_server(self) -> None:
        if os.getppid() != self._server_pid:
            self.exit()

    def _build(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self.widths = self._widths(self.size.width)
        for key in COLUMNS:
            table.add_column(fit(t(f"class.dash.column.{key}"), self.widths[key]), key=key,
                             width=self.widths[key])
        for state in self.states:
            table.add_row(*self.row(state), key=str(state.pair.number))
        self.query_one("#class-title", Static).update(Content(t(
            "class.dash.title", path=self.classroom.folder.name, count=len(self.states),
            source=class_report.source_text(self.classroom.source))))
        self.show_detail()

    @staticmethod
    def _widths(total: int) -> dict[str, int]:
        """Each column's width at a screen `total` cells wide: the short ones as they need,
        the rest shared by the orders, who waits, and the last step (each cut with "…")."""
        fixed = {"pair": 4, "seats": 20, "time": 19, "ago": 22}
        rest = max(total - sum(fixed.values()) - 2 * len(COLUMNS) - 2, 30)
        shares = {"orders": rest * 4 // 10, "waiting": rest * 3 // 10}
        shares["last"] = rest - sum(shares.values())
        return {**fixed, **shares}

    def on_resize(self) -> None:
        if getattr(self, "widths", None) not in (None, self._widths(self.size.width)):
            self._build()

    def row(self, state: PairState) -> tuple[str | Content, ...]:
        """A pair's row: its number, its open seats, its clock, its orders, who is waiting for
        whom, its last step, and how long ago (a pair stuck for a while, marked)."""
        sim, pair = state.sim, state.pair
        path = pair_path(pair.number, sim, pair.start)
        file = self.classroom.path(pair)
        seats = " ".join(f"{'●' if held(file, f'seat-{role}') else '○'} "
                         f"{party_label(role)}" for role in ("buyer", "freelancer"))
        waiting = []
        for outcome in path.outcomes:
            request = sim.order_view(outcome.order).open_request
            if request is not None:
                waiting.append(t("class.dash.waiting", party=party_label(request.responder),
                                 order=outcome.order, deadline=fmt_datetime(request.deadline)))
        history = [h for h in sim.history() if not h.undone and h.number > pair.start]
        last = clean(with_seat(step_text(history[-1]), history[-1])) if history else t(
            "class.dash.no_step")
        ago = self.wall_clock() - self._written(state)
        stuck = bool(history) is False or any(o.open_request or o.status not in (
            "completed", "cancelled") for o in path.outcomes)
        width = self.widths
        ago_text: str | Content = fit(minutes_text(ago), width["ago"])
        if stuck and ago >= self.stuck_seconds:
            ago_text = Content.styled(fit(t("class.dash.stuck", ago=minutes_text(ago)),
                                          width["ago"]), "bold $error")
        return (str(pair.number), fit(seats, width["seats"]), fit(fmt_datetime(sim.now), width["time"]),
                fit(clean(class_report.outcomes_text(path.outcomes)), width["orders"]),
                fit(clean(t("word.list_sep").join(waiting)) or "–", width["waiting"]),
                fit(last, width["last"]), ago_text)

    def _written(self, state: PairState) -> float:
        path = state.sim.path
        try:
            return path.stat().st_mtime if path is not None else self.wall_clock()
        except OSError:
            return self.wall_clock()

    def look(self) -> None:
        """Take in what every pair did since the last look, and redraw the rows (the minutes
        since each pair's last step change even when nothing happened)."""
        with using(self.language):  # (a timer runs in the context it was made in)
            self._look()

    def _look(self) -> None:
        table = self.query_one(DataTable)
        for state in self.states:
            try:
                state.sim.take_in()
            except Refusal:
                continue  # (busy: the next look takes it in)
            for column, value in zip(COLUMNS, self.row(state), strict=False):
                table.update_cell(str(state.pair.number), column, value)
        self.show_detail()

    def selected(self) -> PairState:
        table = self.query_one(DataTable)
        return self.states[min(table.cursor_row, len(self.states) - 1)]

    def show_detail(self) -> None:
        state = self.selected()
        path = pair_path(state.pair.number, state.sim, state.pair.start)
        lines = [t("class.dash.detail", pair=state.pair.number, file=state.pair.file)]
        lines += class_report.move_lines(path)[-9:]
        self.query_one("#pair-detail", Static).update(Content(clean("\n".join(lines))))

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.show_detail()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:  # Enter on a row (or a click on it): open that pair
        self.action_open_pair()

    # ---------------------------------------------------------------- acting

    def say(self, text: str, *, warning: bool = False, timeout: float = 5) -> None:
        """A notice (plain text, never markup); the last one is kept in `last_notice`."""
        self.last_notice = clean(text)
        self.notify(self.last_notice, severity="warning" if warning else "information",
                    markup=False, timeout=timeout)

    def _each(self, every: bool) -> list[PairState]:
        return list(self.states) if every else [self.selected()]

    def _act(self, every: bool, what: Callable[[Simulation], object], done: str) -> None:
        """Do `what` to the selected pair (or every pair); a refusal is said, per pair."""
        for state in self._each(every):
            try:
                what(state.sim)
            except Refusal as refusal:
                self.say(t("class.dash.refused", pair=state.pair.number,
                           message=refusal_text(refusal)), warning=True)
        self.say(t(done, pairs=t("class.dash.every") if every else t(
            "class.dash.this_pair", pair=self.selected().pair.number)), timeout=3)
        self.look()

    def action_advance(self, by: str, every: bool) -> None:
        self._act(every, lambda sim: sim.advance(by), f"class.dash.moved.{by}")

    def action_next_deadline(self, every: bool) -> None:
        self._act(every, lambda sim: sim.advance_to_next_deadline(), "class.dash.moved.next")

    def action_undo(self) -> None:
        state = self.selected()
        if state.sim.step_count <= state.pair.start:
            self.say(t("class.dash.nothing_to_undo", pair=state.pair.number))
            return
        self._act(False, lambda sim: sim.undo(), "class.dash.undone")

    def action_branch(self) -> None:
        """A copy of the selected pair's simulation as it stands, in the class's branches/
        folder under a name the dashboard chooses (the pair plays on undisturbed)."""
        state = self.selected()
        folder = self.classroom.folder / "branches"
        step = state.sim.step_count
        stem = f"pair-{state.pair.number:02d}-step-{step}"
        target = folder / f"{stem}.json"
        n = 1
        while target.exists():
            n += 1
            target = folder / f"{stem}-{n}.json"
        try:
            folder.mkdir(exist_ok=True)
            state.sim.branch(step, target)
        except (Refusal, OSError) as error:
            message = refusal_text(error) if isinstance(error, Refusal) else str(error)
            self.say(t("class.dash.refused", pair=state.pair.number, message=message),
                     warning=True)
            return
        self.say(t("class.dash.branched", pair=state.pair.number,
                   path=Path("branches") / target.name), timeout=8)

    def action_open_pair(self) -> None:
        state = self.selected()
        if self.link is None:  # a terminal: the pair's trainer view is another rcsim
            self.say(t("class.dash.open_in_terminal", path=self.classroom.path(state.pair)),
                     timeout=10)
            return
        self.open_url(f"{self.link}pair/{state.pair.number}/", new_tab=False)

    def action_debrief(self) -> None:
        self.push_screen(DebriefScreen(class_report.render_text(
            class_report.gather(self.classroom))))

    async def action_switch_language(self) -> None:
        self.language = LANGUAGES[(LANGUAGES.index(self.language) + 1) % len(LANGUAGES)]
        set_language(self.language)
        self.title = t("class.dash.window_title")
        self._build()
        await self.query_one(LocalizedFooter).remove()
        await self.mount(LocalizedFooter())

    def on_unmount(self) -> None:
        self.pair_files.stop()
        for state in self.states:
            state.sim.close()
