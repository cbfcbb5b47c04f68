"""The event log: every event of the simulation with its simulated time, newest first (toggled with a key)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from engine import Simulation

from ..describe import describe_event, party_label
from ..i18n import fmt_datetime, t
from ..text import clean

LOG_COLUMNS = ("seq", "at", "order", "actor", "what")


class EventLog(Vertical):
    """Appends the events it has not shown yet whenever `revision` changes."""

    revision: reactive[int] = reactive(0, init=False, repaint=False)  # a trigger, not shown

    def __init__(self, sim: Simulation) -> None:
        super().__init__(id="event-log")
        self.sim = sim
        self.shown = 0

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(t("log.title"), "bold"), id="event-log-title")
        table: DataTable[Text] = DataTable(id="event-log-table", cursor_type="row",
                                           zebra_stripes=True)
        for key in LOG_COLUMNS:
            table.add_column(Text(t(f"log.column.{key}")), key=key)
        yield table

    def on_mount(self) -> None:
        self._ready = True
        self.reload()

    _ready = False  # its table exists (a key may ask to show the log while it is still mounting)

    def watch_revision(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Append the new events; while hidden (or being removed) nothing is done (adding rows
        costs a layout pass)."""
        if not self.display or not self._ready:
            return
        table = self.query_one(DataTable)
        new = self.sim.events(self.shown)
        for event in new:
            table.add_row(Text(str(event.seq)), Text(fmt_datetime(event.at)), Text(clean(event.order)),
                          Text(party_label(event.actor)), Text(clean(describe_event(event))),
                          key=str(event.seq))
        if new:
            self.shown = new[-1].seq
            # Newest first: what just happened is always in view, without scrolling.
            table.sort("seq", key=lambda cell: int(cell.plain), reverse=True)
            table.move_cursor(row=0, animate=False)
