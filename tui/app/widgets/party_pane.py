"""One party's side of the simulation: its order list and the selected order's page.

The same class serves the buyer and the freelancer; they differ only by `party`, and what
each button may do comes from `Simulation.options(party, order)`, never from rules copied here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Button, Static

from rcsim.engine import BASE_STATUSES, REQUEST_TYPES, Option, OrderView, Refusal, Simulation
from rcsim.engine import ANSWER_ACTIONS

from rcsim.tui.words.describe import (
    cancellation_label, extras_text, party_forms, party_label, reason_label, status_label,
)
from rcsim.tui.words.i18n import compact_duration, fmt_countdown, fmt_datetime, fmt_duration, fmt_money, label, language, refusal_text, t
from rcsim.tui.app.messages import ActionRequested, PaneFocused
from rcsim.tui.words.text import clean, one_line, plain
from rcsim.tui.app.widgets._update import QuietButton, update
from rcsim.tui.app.widgets.lazy_table import Cell, Column, LazyTable

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
MAX_BUTTON_COLUMNS = 3
BUTTON_GUTTER = 1  # as .button-row's grid-gutter in app.tcss



def show(widget: Widget, visible: bool) -> None:
    """Show or hide a widget; setting the same value again would still cost a layout pass."""
    if widget.display != visible:
        widget.display = visible


def button_id(action: str) -> str:
    return "act-" + action.replace("_", "-")


Notice = tuple[datetime, "str | Callable[[], str]", str]  # (simulated time, text, kind)


class ButtonRow(Horizontal):
    """A row of action buttons (a grid, app.tcss): as many side by side (up to three) as the
    longest label shown lets keep its label on one line, for the width the row has whenever it
    changes; a label wider than the whole row ends with "…"."""

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        width = self.content_region.width
        labels = [cell_len(str(b.label)) for b in self.query(Button) if b.display]
        if not width or not labels:
            return
        cell = max(labels) + 2 + BUTTON_GUTTER  # the label, its padding and the gap beside it
        columns = max(1, min(MAX_BUTTON_COLUMNS, (width + BUTTON_GUTTER) // cell))
        if self.styles.grid_size_columns != columns:
            self.styles.grid_size_columns = columns


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
        self.order: OrderView | None = None  # the selected order, as last read
        self.options: dict[str, Option] = {}
        self._tips: dict[str, str | None] = {}  # each action button's tooltip, as last set
        self._title_width = TITLE_WIDTH  # the list's Title column: narrower (or none) in a narrow pane
        self._gap = 2  # the list's spaces per cell (see _title_width_for)
        self.retired = False
        """Set by the App just before this pane is replaced by a new one (a language switch):
        its children may already be gone, so events still arriving change nothing."""
        self._ids: tuple[str, ...] = ()  # every order, in list order
        self._index: dict[str, int] = {}  # order id -> its row
        self._id_width = 0
        self._answer_row: ButtonRow | None = None  # mounted on first use
        self._answer_buttons: dict[str, Button] = {}
        self._page_width = 0  # the width the order page was last laid out for

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

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        # The first order's options, read now, so that its buttons are built with the classes
        # they will show (a class changed after mounting restyles the button).
        first = next(iter(self.sim.order_ids()), None)
        options = {o.action: o for o in self.sim.options(self.party, first)} if first else {}
        yield Static(id="notices")
        # Shown only when the screen is too narrow for both panes side by side; a party's own
        # window (role-play) has no other side to switch to.
        if len(getattr(self.app, "parties", ())) > 1:
            yield Static(Content(t(f"pane.switch.{self.party}")), id="other-side")
        yield LazyTable(self._list_row, language=language(), id="orders")
        with VerticalScroll(id="order-page"):
            with Horizontal(id="page-head"):
                yield Static(id="page-title")
                yield QuietButton(Content(t("page.resolution_center")), id="rc-button", compact=True,
                             variant="primary")
            yield Static(id="page-details")
            yield Static(id="page-request")
            # The answer buttons (#request-actions) are mounted here when an order first needs them.
            yield Static(Content(t("page.actions")), id="actions-title", classes="section")
            with ButtonRow(id="order-actions", classes="button-row"):
                for action in self._page_actions():
                    option = options.get(action)
                    unavailable = option is not None and not option.allowed
                    yield QuietButton(Content(label("action", action)), id=button_id(action),
                                 compact=True, classes="action -unavailable" if unavailable else "action")
            yield Static(id="actions-hint")
            yield Static(id="page-history")
            yield Static(Content(t("page.thread")), id="thread-title", classes="section")
            yield Static(id="thread")

    def _mount_answer_row(self) -> dict[str, Button]:
        """The answer buttons, mounted on first use: hidden at start in most simulations, so not
        worth their five widgets' start-up time. Built in the current language (relabel() finds
        them by their "action" class once mounted)."""
        buttons: dict[str, Button] = {action: QuietButton(Content(label("action", action)), id=button_id(action),
                                       compact=True, classes="action")
                   for action in ANSWER_ACTIONS}
        row = self._answer_row = ButtonRow(*buttons.values(), id="request-actions",
                                           classes="button-row")
        self._answer_buttons = buttons
        self.query_one("#order-page").mount(row, after=self.query_one("#page-request"))
        return buttons

    def _page_actions(self) -> tuple[str, ...]:
        """The order-page actions this party has a role in (the others are never shown)."""
        return self.sim.order_page_actions(self.party)

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
        width = self.query_one("#page-details").content_region.width
        if width != self._page_width:
            self._page_width = width
            self._update_page()

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

    # ---------------------------------------------------------------- the order page

    def _update_page(self) -> None:
        order = self.order = self.sim.order_view(self.order_id) if self.order_id else None
        title = self.query_one("#page-title", Static)
        if order is None:
            update(title, Content(t("page.empty")))
            for widget in self.query("#page-details, #page-request, #actions-hint, #page-history, #thread").results(Static):
                update(widget, Content(""))
            for button in self.query(".action"):
                button.display = False
            return
        self.options = {o.action: o for o in self.sim.options(self.party, order.id)}
        update(title, Content.assemble((order.id, "bold"), "  ", plain(order.title)))
        update(self.query_one("#page-details", Static), self._details(order))
        update(self.query_one("#page-request", Static), self._request_box(order))
        self._update_buttons(order)
        update(self.query_one("#page-history", Static), self._history(order))
        update(self.query_one("#thread", Static), self._thread(order))

    def _details(self, o: OrderView) -> Content:
        status = [(status_label(o), "bold")]
        lines: list[Content] = [Content.assemble(t("page.status"), *status)]
        if o.in_resolution:
            # The badge is shown whole: on the status line where it fits, else on its own
            # (wrapped, its words would part at the line's end).
            badge = Content.styled(t("overlay.in_resolution"), "bold reverse")
            width = self.query_one("#page-details").content_region.width
            joined = Content.assemble(lines[0], "  ·  ", badge)
            if not width or joined.cell_length <= width:
                lines[0] = joined
            else:
                lines.append(badge)
        if o.cancellation:
            lines.append(Content(cancellation_label(o)))
        lines.append(Content(t("page.price", price=fmt_money(o.price), extras=fmt_money(o.extras_total),
                                total=fmt_money(o.total))))
        if o.due is None:
            lines.append(Content(t("page.due_none")))
        else:
            countdown = fmt_countdown(o.due_in) if o.due_in is not None else ""
            text = t("page.due", due=fmt_datetime(o.due), countdown=countdown)
            lines.append(Content(text if countdown else text.replace(" ()", "")))
        if o.standing_delivery is not None:
            lines.append(Content(t("page.delivered", at=fmt_datetime(o.standing_delivery))))
        if o.auto_complete_paused:
            lines.append(Content(t("page.auto_complete_paused",
                                   left=fmt_duration(o.auto_complete_left or 0))))
        elif o.auto_complete_at is not None:
            lines.append(Content(t("page.auto_complete", at=fmt_datetime(o.auto_complete_at),
                                   countdown=fmt_countdown(o.auto_complete_in))))
        if o.final:
            lines.append(Content.styled(t("page.closed"), "italic"))
        return Content("\n").join(lines)

    def _request_box(self, o: OrderView) -> Content:
        r = o.open_request
        if r is None:
            last = o.last_request
            if last is not None and last.state == "declined" and not o.final:
                return Content.styled(t("page.declined_hint"), "italic")
            return Content("")
        lines = [Content.assemble((t("page.request.open", type=label("request_type", r.type),
                                     request=r.id, **party_forms("requester", r.requester)),
                                   "bold"))]
        if r.reason:
            lines.append(Content(t("page.request.reason", reason=reason_label(r.requester, r.reason))))
        if r.days:
            lines.append(Content(t("page.request.days", days=r.days)))
        if r.extra_price:
            lines.append(plain(extras_text(r)))
        if r.comment:
            lines.append(Content.assemble(t("page.request.comment"), (clean(r.comment), "italic")))
        lines.append(Content.assemble((t("page.request.deadline",
                                         **party_forms("responder", r.responder),
                                         deadline=fmt_datetime(r.deadline),
                                         countdown=fmt_countdown(r.remaining)), "bold")))
        lines.append(Content(t(f"page.request.timeout.{r.on_timeout}")))
        if r.requester == self.party:
            lines.append(Content.styled(t("page.request.waiting",
                                          **party_forms("responder", r.responder)), "italic"))
        else:
            lines.append(Content.styled(t("page.request.your_turn"), "italic"))
        return Content("\n").join(lines)

    def _update_buttons(self, o: OrderView) -> None:
        final = o.final
        answers = {a: bool(self.options.get(a) and self.options[a].allowed) for a in ANSWER_ACTIONS}
        if self._answer_row is None and any(answers.values()):
            self._mount_answer_row()
        if self._answer_row is not None:
            for answer, allowed in answers.items():
                show(self._answer_buttons[answer], allowed)
            show(self._answer_row, any(answers.values()))
        unavailable = False
        shown = False
        for action in self._page_actions():
            button = self.query_one("#" + button_id(action), Button)
            option = self.options.get(action)
            show(button, not final)
            if not button.display or option is None:
                continue
            shown = True
            button.set_class(not option.allowed, "-unavailable")
            tip = refusal_text(option.refusal) if option.refusal else None
            if tip != self._tips.get(action):  # a tooltip set anew re-renders the button
                self._tips[action] = tip
                button.tooltip = Text(tip) if tip else None
            unavailable = unavailable or not option.allowed
        show(self.query_one("#order-actions"), shown)
        show(self.query_one("#actions-title"), shown)
        for row in self.query(ButtonRow):
            row.fit()
        update(self.query_one("#actions-hint", Static),
               Content.styled(t("page.unavailable_hint"), "italic") if unavailable else Content(""))

    def _history(self, o: OrderView) -> Content:
        closed = [r for r in o.requests if r.state != "open"]
        if not closed:
            return Content("")
        lines = [Content.styled(t("page.history"), "bold underline")]
        for r in closed:
            when = fmt_datetime(r.closed_at) if r.closed_at else ""
            lines.append(Content(f"{when}  " + t("page.history.item", request=r.id,
                                                    type=label("request_type", r.type),
                                                    **party_forms("requester", r.requester),
                                                    state=label("request_state", r.state))))
        return Content("\n").join(lines)

    def _thread(self, o: OrderView) -> Content:
        if not o.thread:
            return Content.styled(t("page.thread.empty"), "italic")
        parts: list[Content] = []
        for m in o.thread:
            head = t("page.thread.item", at=fmt_datetime(m.at), sender=party_label(m.sender),
                     action=label("action", m.action))
            parts.append(Content.styled(head, "bold"))
            if m.reason:
                parts.append(Content(t("page.thread.reason", reason=reason_label(m.sender, m.reason))))
            if m.text:
                parts.append(plain(m.text))
        return Content("\n").join(parts)

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
        from rcsim.tui.app.screens.action_form import ActionFormScreen
        self.app.push_screen(ActionFormScreen(self.party, action, self.sim.order_view(self.order_id),
                                              option))

    def action_resolution_center(self) -> None:
        """The "Resolution Center" button: choose an action, then fill in its form."""
        if self.order_id is None:
            return
        from rcsim.tui.app.screens.resolution_center import ResolutionCenterScreen
        order = self.sim.order_view(self.order_id)
        choices = [self.options[a] for a in self.sim.resolution_center_actions(self.party)
                   if a in self.options]

        def chosen(action: str | None) -> None:
            if action:
                self.request_action(action)

        self.app.push_screen(ResolutionCenterScreen(self.party, order, tuple(choices)), chosen)

    def focus_list(self) -> None:
        self.query_one("#orders", LazyTable).focus()
