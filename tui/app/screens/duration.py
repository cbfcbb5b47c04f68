"""Ask for a duration ("36h", "2d") and move the clock forward by it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, Static

from rcsim.tui.app.messages import ClockMoveRequested
from rcsim.tui.app.screens.dialog import Dialog
from rcsim.tui.words.durations import read_duration
from rcsim.tui.words.i18n import t


class DurationScreen(Dialog[None]):
    """Asks for a duration and posts `ClockMoveRequested`; the App closes it, or shows here why
    the clock cannot move that far."""

    BINDINGS = [Binding("ctrl+s", "submit", "button.go")]
    DIALOG_ID = "duration-dialog"
    SUBMIT = ("go", "button.go")

    def title_text(self) -> str:
        return t("duration.title")

    def compose_body(self) -> ComposeResult:
        yield Static(Content(t("duration.prompt")))
        field = Input(id="duration", placeholder=t("duration.placeholder"))
        field.cursor_blink = getattr(self.app, "cursor_blink", True)
        yield field

    def prepare(self) -> None:
        self.query_one("#duration").focus()

    def action_submit(self) -> None:
        # As the app shows durations in this language ("2T 0h"), or in the engine's own form.
        typed = self.query_one("#duration", Input).value
        self.post_message(ClockMoveRequested(read_duration(typed)))
