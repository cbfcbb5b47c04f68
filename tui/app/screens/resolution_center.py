"""The Resolution Center: choose what to do about an order, then Continue."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button, RadioButton, RadioSet, Static

from rcsim.engine import Option, OrderView, other_party
from rcsim.tui.app.screens.dialog import Dialog
from rcsim.tui.words.describe import party_forms
from rcsim.tui.words.i18n import refusal_text, t
from rcsim.tui.words.text import WHOLE, one_line


class ResolutionCenterScreen(Dialog["str | None"]):
    """The seed's step 3: the actions this party may open here; dismisses with the chosen one."""

    BINDINGS = [Binding("ctrl+s", "submit", "rc.continue")]
    DIALOG_ID = "rc-dialog"
    SUBMIT = ("rc-continue", "rc.continue")
    BACK = ("rc-back", "button.cancel")

    def __init__(self, party: str, order: OrderView, choices: tuple[Option, ...]) -> None:
        super().__init__()
        self.party = party
        self.order = order
        self.choices = choices
        self.first = next((o.action for o in self.choices if o.allowed), None)

    def title_text(self) -> str:
        return t("rc.title", order=self.order.id, title=one_line(self.order.title, WHOLE))

    def compose_body(self) -> ComposeResult:
        other = party_forms("other", other_party(self.party))
        yield Static(Content(t("rc.intro", **other)))
        with RadioSet(id="rc-choices"):
            for option in self.choices:
                yield RadioButton(Content(t(f"rc.label.{self.party}.{option.action}")),
                                  value=option.action == self.first, disabled=not option.allowed,
                                  id=f"choice-{option.action.replace('_', '-')}")
        yield Static(Content("\n").join(
            Content(t(f"rc.choice.{self.party}.{o.action}")) for o in self.choices), id="rc-help")
        why = [Content.styled(f"{t(f'rc.label.{self.party}.{o.action}')}: {refusal_text(o.refusal)}",
                              "italic")
               for o in self.choices if not o.allowed and o.refusal is not None]
        if self.first is None:
            why.insert(0, Content.styled(t("rc.none"), "bold"))
        yield Static(Content("\n").join(why), id="rc-why")
        yield Static(Content(t("rc.no_support", **other)), id="rc-no-support")

    def prepare(self) -> None:
        self.query_one("#rc-continue", Button).disabled = self.first is None
        self.query_one("#rc-choices").focus()  # built anew: `restore` puts the focus back

    async def order_changed(self, what: Sequence[Callable[[], str]]) -> None:
        """Another window changed this order: say what, in words, and offer the choices of
        now (a choice made that can still be taken stays chosen)."""
        sim = self.app.sim  # type: ignore[attr-defined]
        chosen = self.selected()
        self.order = sim.order_view(self.order.id)
        options = {o.action: o for o in sim.options(self.party, self.order.id)}
        self.choices = tuple(options[o.action] for o in self.choices)
        allowed = [o.action for o in self.choices if o.allowed]
        self.first = chosen if chosen in allowed else next(iter(allowed), None)
        state = self.keep_state()
        state["radios"] = {}  # the choice is made anew: `first`
        await self.recompose()
        self._built()
        self.restore(state)
        self.show_news(lambda: "\n".join([*(text() for text in what), t("sync.form_now")]))

    def selected(self) -> str | None:
        pressed = self.query_one("#rc-choices", RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return None
        return pressed.id.removeprefix("choice-").replace("-", "_")

    def action_submit(self) -> None:
        choice = self.selected()
        if choice is not None:
            self.dismiss(choice)
