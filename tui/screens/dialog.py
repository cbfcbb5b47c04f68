"""The frame every dialog shares: a title, a body that scrolls, an error line and the buttons."""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ..i18n import t
from ..text import clean
from ..widgets._update import still
from ..widgets.footer import LocalizedFooter

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A modal dialog. Escape goes back and ctrl+s submits, in every dialog; Enter in a one-line
    field submits too. The body scrolls, so its buttons can be reached in any terminal that
    rcsim works in (80x24 included).

    A dialog names its box (`DIALOG_ID`), its primary button and its back button (`SUBMIT`,
    `BACK`: id and label key), and fills in `title_text`, `compose_body` and `action_submit`.
    """

    BINDINGS = [
        Binding("escape", "back", "button.cancel"),
        Binding("ctrl+s", "submit", "button.submit"),
    ]

    DIALOG_ID = "dialog"
    SUBMIT: tuple[str, str] = ("submit", "button.submit")
    MORE: tuple[tuple[str, str], ...] = ()
    """Buttons between the primary and the back button (id and label key): `action_more(id)`."""
    BACK: tuple[str, str] | None = ("back", "button.cancel")

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def title_text(self) -> str:
        raise NotImplementedError

    def compose_body(self) -> ComposeResult:
        yield from ()

    def compose(self) -> ComposeResult:
        yield LocalizedFooter()
        with VerticalScroll(id=self.DIALOG_ID, classes="dialog"):
            yield Static(Content.styled(clean(self.title_text()), "bold"), classes="dialog-title")
            yield from self.compose_body()
            yield Static(id="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(t(self.SUBMIT[1])), id=self.SUBMIT[0], variant="primary")
                for button_id, key in self.MORE:
                    yield Button(Content(t(key)), id=button_id)
                if self.BACK is not None:
                    yield Button(Content(t(self.BACK[1])), id=self.BACK[0])

    def on_mount(self) -> None:
        for button in self.query(Button):
            still(button)

    def show_error(self, text: str) -> None:
        """Say what went wrong, in the dialog, and keep it open (nothing was changed)."""
        error = self.query_one("#form-error", Static)
        error.update(Content.styled(clean(text), "bold"))
        error.add_class("-shown")
        error.scroll_visible(animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == self.SUBMIT[0]:
            self.action_submit()
        elif self.BACK is not None and event.button.id == self.BACK[0]:
            self.action_back()
        elif event.button.id in {button_id for button_id, _ in self.MORE}:
            self.action_more(event.button.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_more(self, button_id: str) -> None:
        """One of the MORE buttons was pressed."""
