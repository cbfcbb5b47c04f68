"""Ask for a duration ("36h", "2d") and move the clock forward by it."""

from __future__ import annotations

from typing import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from engine import Refusal

from ..i18n import refusal_text, t
from ..widgets.footer import LocalizedFooter


class DurationScreen(ModalScreen[None]):
    """`apply(text)` moves the clock and returns the refusal, if any; the screen stays open on one."""

    BINDINGS = [Binding("escape", "back", "button.cancel")]

    def __init__(self, apply: Callable[[str], Refusal | None]) -> None:
        super().__init__(classes="dialog-screen")
        self.apply = apply

    def compose(self) -> ComposeResult:
        yield LocalizedFooter()
        with Vertical(id="duration-dialog", classes="dialog"):
            yield Static(Content.styled(t("duration.title"), "bold"), classes="dialog-title")
            yield Static(Content(t("duration.prompt")))
            field = Input(id="duration", placeholder=t("duration.placeholder"))
            field.cursor_blink = getattr(self.app, "cursor_blink", True)
            yield field
            yield Static(id="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(t("button.go")), id="go", variant="primary")
                yield Button(Content(t("button.cancel")), id="back")

    def on_mount(self) -> None:
        self.query_one("#duration").focus()

    def _go(self) -> None:
        refusal = self.apply(self.query_one("#duration", Input).value)
        if refusal is None:
            self.dismiss(None)
        else:
            error = self.query_one("#form-error", Static)
            error.update(Content.styled(t("notice.refused", message=refusal_text(refusal)), "bold"))
            error.add_class("-shown")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._go()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "go":
            self._go()
        else:
            self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)
