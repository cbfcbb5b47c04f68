"""The confirmation after a request: sent to the other party, no copy to support, answer-by date."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from rcsim.engine import RequestView
from rcsim.tui.app.screens.dialog import Dialog
from rcsim.tui.words.describe import party_forms
from rcsim.tui.words.i18n import fmt_countdown, fmt_datetime, label, t


class RequestSentScreen(Dialog[None]):
    """Says where the request went, that Customer Support got no copy, and by when to answer."""

    BINDINGS = [Binding("escape", "back", "button.ok"), Binding("ctrl+s", "submit", "button.ok"),
                Binding("enter", "submit", "button.ok", show=False)]
    DIALOG_ID = "sent-dialog"
    SUBMIT = ("ok", "button.ok")
    BACK = None

    def __init__(self, request: RequestView) -> None:
        super().__init__()
        self.request = request

    def title_text(self) -> str:
        return t("confirm.title")

    def compose_body(self) -> ComposeResult:
        r = self.request
        other = party_forms("other", r.responder)
        lines = [
            Content(t("confirm.sent", type=label("request_word", r.type), request=r.id,
                      order=r.order, **other)),
            Content.styled(t("confirm.no_support"), "bold"),
            Content(t("confirm.deadline", **other,
                      deadline=fmt_datetime(r.deadline), countdown=fmt_countdown(r.remaining))),
            Content(t(f"confirm.timeout.{r.on_timeout}")),
            Content.styled(t("confirm.withdraw"), "italic"),
        ]
        yield Static(Content("\n").join(lines), id="sent-text")

    def prepare(self) -> None:
        self.query_one("#ok").focus()
