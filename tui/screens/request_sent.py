"""The confirmation after a request: sent to the other party, no copy to support, answer-by date."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from engine import RequestView, Rules

from ..describe import the_party
from ..i18n import fmt_countdown, fmt_datetime, label, t
from ..widgets.footer import LocalizedFooter


class RequestSentScreen(ModalScreen[None]):
    """Says where the request went, that Customer Support got no copy, and by when to answer."""

    BINDINGS = [Binding("escape", "close", "button.ok"), Binding("enter", "close", "button.ok", show=False)]

    def __init__(self, request: RequestView, rules: Rules) -> None:
        super().__init__(classes="dialog-screen")
        self.request = request
        self.rules = rules

    def compose(self) -> ComposeResult:
        yield LocalizedFooter()
        r = self.request
        other = the_party(r.responder)
        lines = [
            Content(t("confirm.sent", type=label("request_word", r.type), request=r.id,
                      other=other, order=r.order)),
            Content.styled(t("confirm.no_support"), "bold"),
            Content(t("confirm.deadline", Other=other[:1].upper() + other[1:], deadline=fmt_datetime(r.deadline),
                      countdown=fmt_countdown(r.remaining))),
            Content(t(f"confirm.timeout.{r.on_timeout}")),
            Content.styled(t("confirm.withdraw"), "italic"),
        ]
        with Vertical(id="sent-dialog", classes="dialog"):
            yield Static(Content.styled(t("confirm.title"), "bold"), classes="dialog-title")
            yield Static(Content("\n").join(lines), id="sent-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(t("button.ok")), id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#ok").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
