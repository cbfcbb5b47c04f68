"""Ask for a duration ("36h", "2d") and move the clock forward by it."""

from __future__ import annotations

from typing import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, Static

from engine import Refusal

from ..i18n import refusal_text, t
from .dialog import Dialog


class DurationScreen(Dialog[None]):
    """`apply(text)` moves the clock and returns the refusal, if any; the screen stays open on one."""

    BINDINGS = [Binding("ctrl+s", "submit", "button.go")]
    DIALOG_ID = "duration-dialog"
    SUBMIT = ("go", "button.go")

    def __init__(self, apply: Callable[[str], Refusal | None]) -> None:
        super().__init__()
        self.apply = apply

    def title_text(self) -> str:
        return t("duration.title")

    def compose_body(self) -> ComposeResult:
        yield Static(Content(t("duration.prompt")))
        field = Input(id="duration", placeholder=t("duration.placeholder"))
        field.cursor_blink = getattr(self.app, "cursor_blink", True)
        yield field

    def on_mount(self) -> None:
        self.query_one("#duration").focus()

    def action_submit(self) -> None:
        refusal = self.apply(self.query_one("#duration", Input).value)
        if refusal is None:
            self.dismiss(None)
        else:
            self.show_error(t("notice.refused", message=refusal_text(refusal)))
