"""The order page: the selected order's title, its details (status, price, due date, the
automatic completion), the request open on it, the action buttons, the history of its requests
and its thread, for one party.

The party's pane (widgets/party_pane.py) says which order (`show_order`); what each button may do
comes from `Simulation.options(party, order)`, never from rules copied here. A press bubbles up
to the pane, which acts on it.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from rcsim.engine import ANSWER_ACTIONS, Option, OrderView, Simulation
from rcsim.tui.app.widgets._update import QuietButton, show, update
from rcsim.tui.words.describe import (
    cancellation_label,
    extras_text,
    party_forms,
    party_label,
    reason_label,
    status_label,
)
from rcsim.tui.words.i18n import (
    fmt_countdown,
    fmt_datetime,
    fmt_duration,
    fmt_money,
    label,
    refusal_text,
    t,
)
from rcsim.tui.words.text import clean, plain

MAX_BUTTON_COLUMNS = 3
BUTTON_GUTTER = 1  # as .button-row's grid-gutter in app.tcss


def button_id(action: str) -> str:
    return "act-" + action.replace("_", "-")


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


class OrderPage(VerticalScroll):
    """One party's page of the selected order (`order`, with this party's `options` on it)."""

    def __init__(self, sim: Simulation, party: str) -> None:
        super().__init__(id="order-page")
        self.sim = sim
        self.party = party
        self.order: OrderView | None = None  # the order shown, as last read
        self.options: dict[str, Option] = {}
        self._tips: dict[str, str | None] = {}  # each action button's tooltip, as last set
        self._answer_row: ButtonRow | None = None  # mounted on first use
        self._answer_buttons: dict[str, Button] = {}
        self._width = 0  # the width the page was last laid out for

    def compose(self) -> ComposeResult:
        # The first order's options, read now, so that its buttons are built with the classes
        # they will show (a class changed after mounting restyles the button).
        first = next(iter(self.sim.order_ids()), None)
        options = {o.action: o for o in self.sim.options(self.party, first)} if first else {}
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
        self.mount(row, after=self.query_one("#page-request"))
        return buttons

    def _page_actions(self) -> tuple[str, ...]:
        """The order-page actions this party has a role in (the others are never shown)."""
        return self.sim.order_page_actions(self.party)

    def relayout(self, order_id: str | None) -> None:
        """Lay the page out anew if its width changed (its badge, its buttons)."""
        width = self.query_one("#page-details").content_region.width
        if width != self._width:
            self._width = width
            self.show_order(order_id)

    def show_order(self, order_id: str | None) -> None:
        """Show this order as the engine has it now (None: no order)."""
        order = self.order = self.sim.order_view(order_id) if order_id else None
        title = self.query_one("#page-title", Static)
        if order is None:
            update(title, Content(t("page.empty")))
            parts = "#page-details, #page-request, #actions-hint, #page-history, #thread"
            for widget in self.query(parts).results(Static):
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
