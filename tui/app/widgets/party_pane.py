"""One party's side of the simulation: its order list and the selected order's page.

The same class serves the buyer and the freelancer; they differ only by `party`, and what
each button may do comes from `Simulation.options(party, order)`, never from rules copied here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Button, Static

from rcsim.engine import BASE_STATUSES, REQUEST_TYPES, Option, OrderView, Refusal, Simulation
from rcsim.tui.app.messages import (
    ActionRequested,
    FormRequested,
    PaneFocused,
    ResolutionCenterRequested,
)
from rcsim.tui.app.widgets._update import show, update
from rcsim.tui.app.widgets.lazy_table import Cell, Column, LazyTable
from rcsim.tui.app.widgets.order_page import OrderPage
from rcsim.tui.words.describe import party_label
from rcsim.tui.words.i18n import (
    compact_duration,
    fmt_countdown,
    fmt_datetime,
    language,
    refusal_text,
    t,
)
from rcsim.tui.words.text import clean, one_line

# How the order list shows a status (presentation only: which status an order has is the engine's).
STATUS_STYLES = {"very_late": "bold red", "late": "dark_orange3", "cancelled": "italic"}
COLUMNS = ("order", "title", "status", "due", "request")
MAX_NOTICES = 3
NOTICE_LINES = 6  # the lines the notices take at most (beyond: the newest alone, whole)
TITLE_WIDTH = 14
"""The list's Title column before the pane is laid out (and where the pane has just that room)."""
MAX_TITLE_WIDTH = 40
"""The widest the Title column gets in a wide pane: titles up to this long are shown whole."""
MIN_TITLE_WIDTH = 6

Notice = tuple[datetime, "str | Callable[[], str]", str]  # (simulated time, text, kind)


class PaneState:
    """What a pane shows that the engine does not hold: the selected order and the notices.

    The App keeps one per party and hands it down, so a pane built anew (after a language
    switch) carries on where the old one was.
    """

    __slots__ = ("order_id", "notices")

    def __init__(self) -> None:
        self.order_id: str | None = None
        self.notices: list[Notice] = []


def _notice_text(text: str | Callable[[], str]) -> str:
    return text() if callable(text) else text


class PartyPane(Vertical):
    """A party's order list and order page; re-reads its view whenever `revision` changes."""

    BINDINGS = [
        Binding("r", "resolution_center", "key.rc"),
    ]

    # A trigger only: `reload` updates the parts that changed; a repaint would re-render the
    # whole pane (border, table and page) on every revision.
    revision: reactive[int] = reactive(0, init=False, repaint=False)

    def __init__(self, sim: Simulation, party: str, state: PaneState | None = None) -> None:
        super().__init__(id=f"{party}-pane", classes="party-pane")
        self.sim = sim
        self.party = party
        self.state = state if state is not None else PaneState()
        self._title_width = TITLE_WIDTH  # the list's Title column: narrower (or none) in a narrow pane
        self._gap = 2  # the list's spaces per cell (see _title_width_for)
        self.retired = False
        """Set by the App just before this pane is replaced by a new one (a language switch):
        its children may already be gone, so events still arriving change nothing."""
        self._ids: tuple[str, ...] = ()  # every order, in list order
        self._index: dict[str, int] = {}  # order id -> its row
        self._id_width = 0
        self._page = OrderPage(sim, party)  # the selected order's page, below the list

    @property
    def order_id(self) -> str | None:
        """The selected order (kept in `state`)."""
        return self.state.order_id

    @order_id.setter
    def order_id(self, value: str | None) -> None:
        self.state.order_id = value

    @property
    def notices(self) -> list[Notice]:
        return self.state.notices

    @property
    def order(self) -> OrderView | None:
        """The selected order, as last read (by its page)."""
        return self._page.order

    @property
    def options(self) -> dict[str, Option]:
        """What this party may do on the selected order, as last read (by its page)."""
        return self._page.options

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield Static(id="notices")
        # Shown only when the screen is too narrow for both panes side by side; a party's own
        # window (role-play) has no other side to switch to.
        if len(getattr(self.app, "parties", ())) > 1:
            yield Static(Content(t(f"pane.switch.{self.party}")), id="other-side")
        yield LazyTable(self._list_row, language=language(), id="orders")
        yield self._page

    def on_mount(self) -> None:
        self.border_title = Content(t("pane.title", party=party_label(self.party)))
        self._read_ids()
        self._add_columns()
        self.reload()
        if self.order_id is not None:  # a pane built anew goes on with its state's order
            self.select_order(self.order_id)

    def _add_columns(self) -> None:
        # Fixed widths: what a row shows can change without re-measuring the table.
        self.query_one("#orders", LazyTable).set_columns(
            [Column(key, t(f"column.{key}"), self._column_width(key)) for key in self._columns()],
            gap=self._gap)

    def on_resize(self) -> None:
        """The Title column takes what room the other columns leave (the order page shows the
        whole title); a pane too narrow for a readable title drops the column. The page is
        laid out anew for the new width (its badge, its buttons)."""
        if self.retired:
            return
        gap = self._gap
        self.call_after_refresh(self._relayout_page)
        width = self._title_width_for(self.content_region.width)
        if width != self._title_width or gap != self._gap:
            self._title_width = width
            self._add_columns()
            self.query_one("#orders", LazyTable).refresh_rows()
        self._render_notices()  # (which whole notices fit depends on the width)

    def _relayout_page(self) -> None:
        if self.retired or not self.is_attached:
            return
        self._page.relayout(self.order_id)

    def _title_width_for(self, width: int) -> int:
        """The Title column's width in a pane this wide (0: none), and the gap between the
        columns (`_gap`): a space each side of a cell, or one only where longer words (German)
        would otherwise leave no room for a readable title."""
        self._gap = 2
        if width <= 0:  # not laid out yet
            return TITLE_WIDTH
        table = self.query_one("#orders", LazyTable)
        if table.row_count + 1 > table.size.height > 0:  # rows overflow: a scrollbar
            width -= table.styles.scrollbar_size_vertical
        for gap in (2, 1):
            others = sum(self._column_width(key) + gap for key in COLUMNS if key != "title")
            room = min(MAX_TITLE_WIDTH, width - others - gap)
            if room >= MIN_TITLE_WIDTH:
                self._gap = gap
                return room
        return 0

    def _columns(self) -> tuple[str, ...]:
        return COLUMNS if self._title_width else tuple(k for k in COLUMNS if k != "title")

    def watch_revision(self) -> None:
        if not self.retired:
            self.reload()

    # ---------------------------------------------------------------- reading the engine

    def _read_ids(self) -> bool:
        """Read the list of orders; True if it changed (orders were added)."""
        ids = self.sim.order_ids()
        if ids == self._ids:
            return False
        self._ids = ids
        self._index = {order_id: i for i, order_id in enumerate(ids)}
        self._id_width = max((len(i) for i in ids), default=0)
        return True

    def reload(self) -> None:
        """Show the engine's state anew: the list draws the rows on screen again (asking the
        engine for each when it draws it), the page re-reads the selected order. What this costs
        depends on what is visible, not on how many orders exist."""
        table = self.query_one("#orders", LazyTable)
        if self._read_ids() and table.columns:
            self._add_columns()  # a longer order id may widen the first column
        table.set_row_count(len(self._ids))
        if self.order_id not in self._index:
            self.order_id = self._ids[0] if self._ids else None
        self._update_page()
        self._render_notices()

    def _list_row(self, index: int) -> tuple[str, tuple[Cell, ...]]:
        """Row `index` of the order list, read from the engine when it is drawn."""
        order_id = self._ids[index]
        return order_id, self._row(self.sim.order_view(order_id))

    def _column_width(self, key: str) -> int:
        labels = [t(f"column.{key}")]
        if key == "order":
            return max(len(labels[0]), self._id_width)
        if key == "title":
            labels.append("x" * self._title_width)
        elif key == "status":
            labels += [t(f"status_list.{s}") for s in (*BASE_STATUSES, "late", "very_late")]
        elif key == "due":  # (the longest a countdown of each kind can take in this language)
            for seconds in (10 * 86400 + 23 * 3600, 23 * 3600 + 59 * 60):
                labels += [t("countdown.overdue", duration=compact_duration(seconds)),
                           t("list.due.delivered", countdown=t("countdown.in",
                                                               duration=compact_duration(seconds)))]
        elif key == "request":
            labels += [t("list.request", type=t(f"request_type_short.{r}"),
                         countdown=compact_duration(s))
                       for r in REQUEST_TYPES for s in (13 * 86400 + 23 * 3600, 23 * 3600 + 59 * 60)]
        return max(len(label) for label in labels)

    def _row(self, o: OrderView) -> tuple[Cell, ...]:
        status = o.timely_status
        if o.due_in is not None:  # in progress: the delivery date counts down
            due = fmt_countdown(o.due_in, compact=True)
        elif o.auto_complete_at is not None or o.auto_complete_paused:  # delivered
            due = (t("list.due.paused") if o.auto_complete_paused
                   else t("list.due.delivered",
                          countdown=fmt_countdown(o.auto_complete_in, compact=True)))
        else:
            due = t("list.due.waiting")
        request: Cell = ("", "")
        r = o.open_request
        if r is not None:
            request = (t("list.request", type=t(f"request_type_short.{r.type}"),
                         countdown=compact_duration(r.remaining or 0)), "bold")
        cells = {"order": (clean(o.id), "bold"), "title": (one_line(o.title, self._title_width), ""),
                 "status": (t(f"status_list.{status}"), STATUS_STYLES.get(status, "")),
                 "due": (due, ""),
                 "request": request}
        return tuple(cells[key] for key in self._columns())

    def _update_page(self) -> None:
        self._page.show_order(self.order_id)

    # ---------------------------------------------------------------- notices

    def add_notice(self, at: datetime, text: str | Callable[[], str], kind: str = "event") -> None:
        """Show a notice (an event that concerns this party, or a refusal) at the top of the pane.

        `text` may be a function giving it, so that a language switch shows it anew.
        """
        # The same notice again (a dimmed button pressed twice) moves to the end instead of
        # stacking up and pushing other notices out.
        shown = _notice_text(text)
        self.notices[:] = [n for n in self.notices if n[2] != kind or _notice_text(n[1]) != shown]
        self.notices.append((at, text, kind))
        del self.notices[:-MAX_NOTICES]
        self._render_notices()

    def set_notices(self, notices: list[Notice]) -> None:
        """Show these notices instead of the ones shown (after going back in time: the notices
        of that moment); the last MAX_NOTICES of them."""
        self.notices[:] = notices[-MAX_NOTICES:]
        self._render_notices()

    def show_refusal(self, refusal: Refusal | None) -> None:
        if refusal is None:
            return
        self.add_notice(self.sim.now, lambda: t("notice.refused", message=refusal_text(refusal)),
                        "refusal")

    def _render_notices(self) -> None:
        widget = self.query_one("#notices", Static)
        show(widget, bool(self.notices))
        # Newest first: what just happened is always in view, however long the older ones are.
        entries = [Content.assemble((f"{fmt_datetime(at)}  ", "bold"),
                                    (clean(_notice_text(text)),
                                     "bold" if kind == "refusal" else ""))
                   for at, text, kind in reversed(self.notices)]
        # Whole notices only: an older one that would not fit in the lines the notices have is
        # left out, rather than cut off mid-sentence (the newest is shown whole, however long).
        width = widget.content_region.width or self.content_region.width - 2
        if width > 0 and entries:
            kept, used = [entries[0]], len(entries[0].wrap(width))
            for entry in entries[1:]:
                lines = len(entry.wrap(width))
                if used + lines > NOTICE_LINES:
                    break
                kept.append(entry)
                used += lines
            entries = kept
            widget.styles.max_height = max(NOTICE_LINES, used)
        widget.set_class(bool(self.notices) and self.notices[-1][2] == "refusal", "-refusal")
        update(widget, Content("\n").join(entries))

    # ---------------------------------------------------------------- user input

    def on_descendant_focus(self) -> None:
        if not self.retired:
            self.post_message(PaneFocused(self.party))

    def on_lazy_table_highlighted(self, event: LazyTable.Highlighted) -> None:
        event.stop()
        if self.retired:
            return
        if event.key != self.order_id:
            self.order_id = event.key
            self._update_page()

    def on_lazy_table_selected(self, event: LazyTable.Selected) -> None:
        """Enter (or a click on the highlighted row) is "View": go to the order page."""
        event.stop()
        self.order_id = event.key
        self._update_page()
        self.query_one("#order-page").scroll_home(animate=False)
        self.query_one("#rc-button").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button_id_ = event.button.id or ""
        if button_id_ == "rc-button":
            self.action_resolution_center()
        elif button_id_.startswith("act-"):
            self.request_action(button_id_[4:].replace("-", "_"))

    def select_order(self, order_id: str) -> None:
        """Move the list's cursor to an order (and show its page)."""
        self.query_one("#orders", LazyTable).move_cursor(self._index[order_id], announce=False)
        self.order_id = order_id
        self._update_page()

    def row_index(self, order_id: str) -> int:
        """The row of an order in the list."""
        return self._index[order_id]

    def row_text(self, order_id: str) -> str:
        """What the list shows for an order, as plain text (for tests and tools)."""
        return "  ".join(text for text, _ in self._list_row(self._index[order_id])[1])

    def request_action(self, action: str) -> None:
        """Take an action on the selected order: refused ones say why; ones with fields ask first."""
        if self.order_id is None:
            return
        option = self.options.get(action)
        if option is None or not option.allowed:
            self.show_refusal(option.refusal if option else self.sim.may(self.party, action, self.order_id))
            return
        if not option.fields:
            self.post_message(ActionRequested(self.party, action, self.order_id))
            return
        self.post_message(FormRequested(self.party, action, self.sim.order_view(self.order_id),
                                        option))

    def action_resolution_center(self) -> None:
        """The "Resolution Center" button: choose an action, then fill in its form (the App
        opens the dialog and, once one is chosen, asks `request_action`)."""
        if self.order_id is None:
            return
        order = self.sim.order_view(self.order_id)
        choices = [self.options[a] for a in self.sim.resolution_center_actions(self.party)
                   if a in self.options]
        self.post_message(ResolutionCenterRequested(self.party, order, tuple(choices)))

    def focus_list(self) -> None:
        self.query_one("#orders", LazyTable).focus()
