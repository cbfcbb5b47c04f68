"""The Resolution Center: choose what to do about an order, then Continue."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, RadioButton, RadioSet, Static

from engine import OrderView, Option

from ..describe import the_party
from ..i18n import refusal_text, t
from ..widgets.footer import LocalizedFooter
from ..text import one_line


class ResolutionCenterScreen(ModalScreen[str | None]):
    """The seed's step 3: the actions this party may open here; dismisses with the chosen one."""

    BINDINGS = [Binding("escape", "back", "button.cancel")]

    def __init__(self, party: str, order: OrderView, choices: tuple[Option, ...]) -> None:
        super().__init__(classes="dialog-screen")
        self.party = party
        self.order = order
        self.choices = choices

    def compose(self) -> ComposeResult:
        yield LocalizedFooter()
        other = the_party("freelancer" if self.party == "buyer" else "buyer")
        with Vertical(id="rc-dialog", classes="dialog"):
            yield Static(Content.styled(t("rc.title", order=self.order.id,
                                          title=one_line(self.order.title, 50)), "bold"),
                         classes="dialog-title")
            yield Static(Content(t("rc.intro", other=other)))
            first = next((o.action for o in self.choices if o.allowed), None)
            with RadioSet(id="rc-choices"):
                for option in self.choices:
                    yield RadioButton(Content(t(f"rc.label.{self.party}.{option.action}")),
                                      value=option.action == first, disabled=not option.allowed,
                                      id=f"choice-{option.action.replace('_', '-')}")
            yield Static(Content("\n").join(
                Content(t(f"rc.choice.{self.party}.{o.action}")) for o in self.choices), id="rc-help")
            why = [Content.styled(f"{t(f'rc.label.{self.party}.{o.action}')}: {refusal_text(o.refusal)}",
                                  "italic")
                   for o in self.choices if not o.allowed and o.refusal is not None]
            if first is None:
                why.insert(0, Content.styled(t("rc.none"), "bold"))
            yield Static(Content("\n").join(why), id="rc-why")
            yield Static(Content(t("rc.no_support", other=other)), id="rc-no-support")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(t("rc.continue")), id="rc-continue", variant="primary",
                             disabled=first is None)
                yield Button(Content(t("button.cancel")), id="rc-back")

    def on_mount(self) -> None:
        self.query_one("#rc-choices").focus()

    def selected(self) -> str | None:
        pressed = self.query_one("#rc-choices", RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return None
        return pressed.id.removeprefix("choice-").replace("-", "_")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "rc-continue":
            self.dismiss(self.selected())
        else:
            self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)
