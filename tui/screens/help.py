"""The rules in a few lines each, with the deadlines configured in this simulation."""

from __future__ import annotations

from typing import Any, Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from ..i18n import t
from .dialog import Dialog

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


class HelpScreen(Dialog[None]):
    """Help: how the Resolution Center works in this simulation, and the keys. It opens at its
    top, with the focus on the text, so the arrows and Page keys scroll it."""

    BINDINGS = [Binding("escape", "back", "button.close"),
                Binding("ctrl+s", "submit", "button.close", show=False),
                Binding("question_mark", "back", "button.close", show=False)]
    DIALOG_ID = "help-dialog"
    SUBMIT = ("close", "button.close")
    BACK = None

    def __init__(self, rules: Mapping[str, Any]) -> None:
        super().__init__()
        self.rules = rules

    def title_text(self) -> str:
        return t("help.title")

    def compose_body(self) -> ComposeResult:
        for line in help_lines(self.rules):
            yield Static(Content(line), classes="help-item")

    def on_mount(self) -> None:
        self.query_one("#help-dialog").focus()
