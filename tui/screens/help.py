"""The rules in a few lines each, with the deadlines configured in this simulation."""

from __future__ import annotations

from typing import Any, Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..i18n import t
from ..widgets.footer import LocalizedFooter

HELP_KEYS = ("help.policy", "help.rc", "help.one_request", "help.update", "help.cancel",
             "help.extension", "help.late", "help.auto_complete", "help.comments", "help.keys")


def help_lines(rules: Mapping[str, Any]) -> list[str]:
    """The help paragraphs, filled with this simulation's numbers."""
    lines = []
    for key in HELP_KEYS:
        if key == "help.extension":
            key = f"help.extension.{rules['extension_timeout']}"
        lines.append(t(key, **rules))
    return lines


class HelpScreen(ModalScreen[None]):
    """Help: how the Resolution Center works in this simulation, and the keys."""

    BINDINGS = [Binding("escape", "close", "button.close"),
                Binding("question_mark", "close", "button.close", show=False)]

    def __init__(self, rules: Mapping[str, Any]) -> None:
        super().__init__(classes="dialog-screen")
        self.rules = rules

    def compose(self) -> ComposeResult:
        yield LocalizedFooter()
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static(Content.styled(t("help.title"), "bold"), classes="dialog-title")
            for line in help_lines(self.rules):
                yield Static(Content(line), classes="help-item")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(t("button.close")), id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#close").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
