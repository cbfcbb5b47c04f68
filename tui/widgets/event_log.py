"""The event log: every event of the simulation with its simulated time, newest first (toggled with a key)."""

from __future__ import annotations

from datetime import datetime, timezone

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from engine import Simulation

from ..describe import describe_event, party_label
from ..i18n import fmt_datetime, language, t
from ..text import clean, one_line
from .lazy_table import Cell, Column, LazyTable

LOG_COLUMNS = ("seq", "at", "order", "actor", "what")


class EventLog(Vertical):
    """Shows the events newest first; each row is read from the engine when it is drawn, so a
    log of 100,000 events costs what is on screen."""

    revision: reactive[int] = reactive(0, init=False, repaint=False)  # a trigger, not shown

    def __init__(self, sim: Simulation) -> None:
        super().__init__(id="event-log")
        self.sim = sim

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(t("log.title"), "bold"), id="event-log-title")
        table = LazyTable(self._row, language=language(), id="event-log-table")
        self._set_columns(table, self.app.size.width)
        yield table

    def _set_columns(self, table: LazyTable, width: int) -> None:
        widths = self._widths(width)
        if [c.width for c in table.columns] != [widths[k] for k in LOG_COLUMNS]:
            table.set_columns([Column(k, t(f"log.column.{k}"), widths[k]) for k in LOG_COLUMNS])
            table.refresh_rows()

    def _widths(self, total: int) -> dict[str, int]:
        """Each column as wide as its longest text; "what happened" takes the rest."""
        longest_date = fmt_datetime(datetime(2026, 12, 24, 22, 0, tzinfo=timezone.utc))
        widths = {
            "seq": len(str(self.sim.last_event_seq() or 1)) + 1,
            "at": len(longest_date),
            "order": max((len(o) for o in self.sim.order_ids()), default=1),
            "actor": max(len(party_label(p)) for p in ("buyer", "freelancer", "system")),
        }
        widths = {k: max(w, len(t(f"log.column.{k}"))) for k, w in widths.items()}
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
        """Count the events and draw the visible rows anew (newest first: what just happened is
        always at the top). While hidden or being removed nothing is done."""
        if not self.display or not self._ready:
            return
        table = self.query_one(LazyTable)
        table.set_row_count(self.sim.last_event_seq())
        table.move_cursor(0, announce=False)

    def _row(self, index: int) -> tuple[str, tuple[Cell, ...]]:
        event = self.sim.event(self.sim.last_event_seq() - index)
        what = self.query_one(LazyTable).columns[-1].width
        return str(event.seq), ((str(event.seq), ""), (fmt_datetime(event.at), ""),
                                (clean(event.order), ""), (party_label(event.actor), ""),
                                (one_line(describe_event(event), what), ""))
