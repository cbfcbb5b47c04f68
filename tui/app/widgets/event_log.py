"""The timeline (toggled with a key): every step of the simulation, newest first, each with the
events it caused beneath it, and the steps taken back above the step the simulation stands at.
Enter (or a click) on a row chooses its step: go back to it, or branch from it."""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, datetime
from itertools import accumulate

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from rcsim.engine import HistoryEntry, Simulation
from rcsim.tui.app.messages import StepChosen, TimelineLeft
from rcsim.tui.app.widgets.lazy_table import Cell, Column, LazyTable
from rcsim.tui.words.describe import describe_event, party_label
from rcsim.tui.words.i18n import fmt_datetime, language, t
from rcsim.tui.words.text import clean, one_line
from rcsim.tui.words.travel import step_text, with_seat

LOG_COLUMNS = ("seq", "at", "order", "actor", "what")


class TimelineTable(LazyTable, inherit_bindings=False):
    """The timeline's rows: the arrows choose a step, Enter opens it, Esc goes back to the order
    list (the timeline stays shown); the footer and help say so."""

    BINDINGS = [
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
        Binding("enter", "select", "timeline.key.open", key_display="Enter"),
        Binding("escape", "leave", "timeline.key.leave"),
    ]

    def action_leave(self) -> None:
        """Back to the order list of the pane in front."""
        self.post_message(TimelineLeft())
UNDONE_STYLE = "dim italic"
HERE_STYLE = "bold"


class EventLog(Vertical):
    """Shows the steps newest first, each followed by its events; each row is read from the
    engine when it is drawn, so a history of 100,000 events costs what is on screen. The row
    of step N has the key "step-N" (0: the start); an event's row belongs to its step."""

    revision: reactive[int] = reactive(0, init=False, repaint=False)  # a trigger, not shown

    def __init__(self, sim: Simulation) -> None:
        super().__init__(id="event-log")
        self.sim = sim
        self._starts: list[int] = []  # row of each step's line, from the newest step down
        self._steps = 0  # steps kept
        self._entries: dict[int, HistoryEntry] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="event-log-title")
        table = TimelineTable(self._row, language=language(), id="event-log-table")
        self._set_columns(table, self.app.size.width)
        yield table

    def _set_columns(self, table: LazyTable, width: int) -> None:
        widths = self._widths(width)
        if [c.width for c in table.columns] != [widths[k] for k in LOG_COLUMNS]:
            table.set_columns([Column(k, t(f"timeline.column.{k}"), widths[k]) for k in LOG_COLUMNS])
            table.refresh_rows()

    def _widths(self, total: int) -> dict[str, int]:
        """Each column as wide as its longest text; "what happened" takes the rest."""
        longest_date = fmt_datetime(datetime(2026, 12, 24, 22, 0, tzinfo=UTC))
        steps = self.sim.step_count + self.sim.redo_count
        widths = {
            "seq": len(str(steps or 1)) + 2,  # room for the mark of where it stands
            "at": len(longest_date),
            "order": max((len(o) for o in self.sim.order_ids()), default=1),
            "actor": max(len(party_label(p)) for p in ("buyer", "freelancer", "system")),
        }
        widths = {k: max(w, len(t(f"timeline.column.{k}"))) for k, w in widths.items()}
        widths["what"] = max(20, total - sum(w + 2 for w in widths.values()) - 2 - 2)
        return widths

    def on_resize(self) -> None:
        if self._ready:
            self._set_columns(self.query_one(LazyTable), self.content_region.width)

    def on_mount(self) -> None:
        self._ready = True
        self.reload()

    _ready = False  # its table exists (a key may ask to show the log while it is still mounting)

    def watch_revision(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Count the steps and their events and draw the visible rows anew, the cursor on the
        step the simulation stands at. While hidden or being removed nothing is done."""
        if not self.display or not self._ready:
            return
        sim = self.sim
        counts = sim.event_counts()
        self._steps = len(counts)
        self._entries = {}
        # newest first: each step's line, then its events
        sizes = [1 + counts[n - 1] for n in range(self._steps, 0, -1)]
        self._starts = [0, *accumulate(sizes)]  # the last one is the start's row
        table = self.query_one(LazyTable)
        self._set_columns(table, self.content_region.width or self.app.size.width)
        table.set_row_count(self._starts[-1] + 1)
        here = self.row_of(sim.step_count)
        table.move_cursor(here, announce=False)
        # the step it stands at in the middle: the steps taken back above it stay in view
        table.scroll_to(y=max(0, here - table.scrollable_content_region.height // 2),
                        animate=False, immediate=True)
        redo = sim.redo_count
        title = (t("timeline.title.redo" + (".one" if redo == 1 else ""), steps=sim.step_count,
                   redo=redo) if redo
                 else t("timeline.title", steps=sim.step_count))
        self.query_one("#event-log-title", Static).update(Content.assemble(
            (title, "bold"), "  ", (t("timeline.hint"), "italic")))

    def on_lazy_table_selected(self, message: LazyTable.Selected) -> None:
        """Enter or a click on a row: its step is chosen (the App asks what to do with it)."""
        message.stop()
        self.post_message(StepChosen(step_of_key(message.key)))

    def row_of(self, step: int) -> int:
        """The row of step `step`'s line (0: the start, the last row)."""
        return self._starts[self._steps - step]

    def _entry(self, number: int) -> HistoryEntry:
        entry = self._entries.get(number)
        if entry is None:
            entry = self._entries[number] = self.sim.history_entry(number)
        return entry

    def _row(self, index: int) -> tuple[str, tuple[Cell, ...]]:
        what = self.query_one(LazyTable).columns[-1].width
        position = bisect_right(self._starts, index) - 1
        number = self._steps - position
        here = self.sim.step_count
        if number == 0:
            mark = "▶ " if here == 0 else "  "
            return "step-0", ((f"{mark}0", HERE_STYLE if here == 0 else ""), ("", ""), ("", ""),
                              ("", ""), (one_line(t("timeline.start"), what), ""))
        entry = self._entry(number)
        style = UNDONE_STYLE if entry.undone else ""
        offset = index - self._starts[position]
        if offset == 0:
            mark = "▶ " if number == here else "  "
            text = with_seat(step_text(entry), entry)
            if entry.undone:
                text = t("timeline.undone", what=text)
            who = party_label(entry.party) if entry.party else (
                t("timeline.clock") if entry.kind == "clock" else "")
            return f"step-{number}", (
                (f"{mark}{number}", HERE_STYLE if number == here else style),
                (fmt_datetime(entry.at), style), (clean(entry.order or ""), style),
                (who, style), (one_line(clean(text), what), HERE_STYLE if number == here else style))
        event = entry.events[offset - 1]
        return f"step-{number}-event-{event.seq}", (
            ("", style), (fmt_datetime(event.at), style), (clean(event.order), style),
            (party_label(event.actor), style), (one_line("  " + describe_event(event), what), style))


def step_of_key(key: str) -> int:
    """The step a row's key belongs to ("step-9", "step-9-event-12": 9)."""
    return int(key.split("-")[1])
