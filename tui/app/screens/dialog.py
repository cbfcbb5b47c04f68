"""The frame every dialog shares: a title, a body that scrolls, an error line and the buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, Static, TextArea

from rcsim.tui.app.widgets._update import still
from rcsim.tui.app.widgets.footer import LocalizedFooter
from rcsim.tui.words.i18n import t
from rcsim.tui.words.text import clean

ResultT = TypeVar("ResultT")

def words(text: str | Callable[[], str]) -> str:
    """A text, or what a function gives (a text said anew in the current language)."""
    return text() if callable(text) else text


class DialogBox(VerticalScroll):
    """The box of a dialog: it tells its dialog when its size changes (`Dialog.box_resized`),
    for what is laid out to the box's width (a table's columns)."""

    def on_resize(self) -> None:
        screen = self.screen
        if isinstance(screen, Dialog):
            screen.box_resized()


class Dialog(ModalScreen[ResultT]):
    """A modal dialog. Escape goes back and ctrl+s submits, in every dialog; Enter in a one-line
    field submits too. `?` (F1 in a text field) is help, listing every key of the dialog, and
    `g` (ctrl+g in a text field) switches the language live, as on the main screen. The body
    scrolls, so its buttons can be reached in any terminal that rcsim works in (80x24 included).

    A dialog names its box (`DIALOG_ID`), its primary button and its back button (`SUBMIT`,
    `BACK`: id and label key), and fills in `title_text`, `compose_body`, `prepare` (what its
    widgets need once built: the first focus...) and `action_submit`. A language switch builds
    it anew (`retranslate`): what was typed, chosen, focused and scrolled to stays.
    """

    BINDINGS = [
        Binding("escape", "back", "button.cancel"),
        Binding("ctrl+s", "submit", "button.submit"),
        Binding("question_mark", "help", "key.help", key_display="?"),
        Binding("f1", "help", "key.help"),
        Binding("g", "switch_language", "key.language"),
        Binding("ctrl+g", "switch_language", "key.language"),
    ]

    DIALOG_ID = "dialog"
    SUBMIT: tuple[str, str] = ("submit", "button.submit")
    MORE: tuple[tuple[str, str], ...] = ()
    """Buttons between the primary and the back button (id and label key): `action_more(id)`."""
    BACK: tuple[str, str] | None = ("back", "button.cancel")

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")
        self._error: str | Callable[[], str] | None = None

    def title_text(self) -> str:
        raise NotImplementedError

    def compose_body(self) -> ComposeResult:
        yield from ()

    def compose(self) -> ComposeResult:
        yield LocalizedFooter()
        with DialogBox(id=self.DIALOG_ID, classes="dialog"):
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
        self._built()

    def _built(self) -> None:
        for button in self.query(Button):
            still(button)
        self.prepare()

    def prepare(self) -> None:
        """What the dialog's widgets need once built (the first focus...), after its first
        compose and after a language switch built it anew."""

    def box_resized(self) -> None:
        """The dialog's box has a new size (laid out for the first time, or the terminal
        changed)."""

    # ---------------------------------------------------------------- a language switch

    def keep_state(self) -> dict[str, Any]:
        """What a user did in this dialog that a rebuild must keep: the text of each field, each
        choice, the focus and the scroll position (a dialog adds its own in `keep_more`)."""
        state: dict[str, Any] = {
            "inputs": {w.id: (w.value, w.cursor_position) for w in self.query(Input) if w.id},
            "areas": {w.id: (w.text, w.cursor_location) for w in self.query(TextArea) if w.id},
            "radios": {w.id: w.value for w in self.query(RadioButton) if w.id},
            "focus": self.focused.id if self.focused is not None else None,
            "scroll": self.query_one(f"#{self.DIALOG_ID}").scroll_offset,
        }
        state.update(self.keep_more())
        return state

    def keep_more(self) -> dict[str, Any]:
        return {}

    def restore(self, state: dict[str, Any]) -> None:
        """Put back what `keep_state` kept into the widgets built anew."""
        for widget_id, (value, cursor) in state["inputs"].items():
            for field in self.query(f"#{widget_id}").results(Input):
                field.value = value
                field.cursor_position = cursor
        for widget_id, (text, location) in state["areas"].items():
            for area in self.query(f"#{widget_id}").results(TextArea):
                area.text = text
                area.cursor_location = location
        for widget_id, value in state["radios"].items():
            for radio in self.query(f"#{widget_id}").results(RadioButton):
                if value:
                    radio.value = True
        if self._error is not None:
            self.show_error(self._error)
        focus = state["focus"]
        if focus:
            for widget in self.query(f"#{focus}"):
                if widget.focusable:
                    widget.focus(scroll_visible=False)
                    break
        box = self.query_one(f"#{self.DIALOG_ID}")
        scroll = state["scroll"]
        self.call_after_refresh(lambda: box.scroll_to(scroll.x, scroll.y, animate=False))

    async def retranslate(self) -> None:
        """Build the dialog anew in the current language, keeping what was typed, chosen,
        focused and scrolled to, and the error it shows (said anew)."""
        state = self.keep_state()
        await self.recompose()
        self._built()
        self.restore(state)

    # ---------------------------------------------------------------- errors and buttons

    def show_error(self, text: str | Callable[[], str]) -> None:
        """Say what went wrong, in the dialog, and keep it open (nothing was changed). A
        function giving the text is asked again after a language switch."""
        self._error = text
        error = self.query_one("#form-error", Static)
        error.update(Content.styled(clean(words(text)), "bold"))
        error.add_class("-shown")
        error.scroll_visible(animate=False)

    def show_news(self, text: str | Callable[[], str]) -> None:
        """Say what changed under the dialog (after it was built anew): shown as an error is,
        and scrolled into view once the rebuild has put its scroll position back."""
        self.show_error(text)
        error = self.query_one("#form-error", Static)
        self.call_after_refresh(lambda: error.scroll_visible(animate=False))

    def clear_error(self) -> None:
        self._error = None
        self.query_one("#form-error", Static).remove_class("-shown")

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

    async def action_help(self) -> None:
        """Help over this dialog, listing its keys (the App's help, as on the main screen)."""
        await self.app.run_action("app.help")

    async def action_switch_language(self) -> None:
        """German <-> English, live, this dialog included (the App's switch)."""
        await self.app.run_action("app.switch_language")

    def action_submit(self) -> None:
        self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_more(self, button_id: str) -> None:
        """One of the MORE buttons was pressed."""
