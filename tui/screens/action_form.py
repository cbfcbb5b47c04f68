"""A form for one action's fields (reason, comment, days, extras), built from the engine's FieldSpecs."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static, TextArea

from engine import Option, OrderView, Refusal, Simulation

from ..amounts import read_amount
from ..describe import reason_label
from ..i18n import label, refusal_text, t
from ..widgets.footer import LocalizedFooter
from ..messages import ActionRequested
from ..text import one_line

INTRO_HOURS = {"ask_to_cancel": "cancellation_response_hours",
               "request_update": "update_response_hours",
               "request_extension": "extension_response_hours"}


class ActionFormScreen(ModalScreen[None]):
    """Collects an action's fields and posts `ActionRequested`; a refusal is shown here."""

    BINDINGS = [
        Binding("escape", "back", "button.cancel"),
        Binding("ctrl+s", "submit", "button.submit"),
    ]

    def __init__(self, sim: Simulation, party: str, action: str, order: OrderView,
                 option: Option) -> None:
        super().__init__(classes="dialog-screen")
        self.sim = sim
        self.party = party
        self.action = action
        self.order = order
        self.specs = {spec.name: spec for spec in option.fields}

    def _intro(self) -> str:
        hours_key = INTRO_HOURS.get(self.action)
        if hours_key is None:
            return t("form.intro.other", action=label("action", self.action), order=self.order.id)
        key = f"form.intro.{self.action}"
        if self.action == "ask_to_cancel":
            key += f".{self.party}"
        return t(key, hours=self.sim.rules.data[hours_key])

    def compose(self) -> ComposeResult:
        yield LocalizedFooter()
        blink = getattr(self.app, "cursor_blink", True)
        with VerticalScroll(id="form-dialog", classes="dialog"):
            yield Static(Content.styled(t("form.title", action=label("action", self.action),
                                          order=self.order.id, title=one_line(self.order.title, 40)),
                                        "bold"), classes="dialog-title")
            yield Static(Content(self._intro()))
            names = list(self.specs)
            # The freelancer picks a reason first, then explains; a buyer explains first.
            if "reason" in self.specs and self.specs["reason"].required:
                names.sort(key=lambda n: n != "reason")
            elif "comment" in self.specs:
                names.sort(key=lambda n: n != "comment")
            for name in names:
                spec = self.specs[name]
                if name == "reason":
                    key = "field.reason." + self.party
                    yield Label(Content(t(key)), classes="field-label")
                    with RadioSet(id="reason"):
                        for reason in spec.choices:
                            yield RadioButton(Content(reason_label(self.party, reason)),
                                              id=f"reason-{reason.replace('_', '-')}")
                elif name == "comment":
                    need = "required" if spec.required else "optional"
                    yield Label(Content(t(f"field.comment.{need}")), classes="field-label")
                    area = TextArea(id="comment", soft_wrap=True)
                    area.cursor_blink = blink
                    yield area
                elif name == "days":
                    yield Label(Content(t("field.days", low=self.sim.rules.data["extension_days_min"],
                                          high=self.sim.rules.data["extension_days_max"])),
                                classes="field-label")
                    yield self._input("days", "1")
                elif name == "extra_price":
                    yield Label(Content(t("field.extra_price")), classes="field-label")
                    yield self._input("extra-price", "0")
                elif name == "extra_description":
                    yield Label(Content(t("field.extra_description")), classes="field-label")
                    yield self._input("extra-description", "")
            yield Static(id="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(t("button.submit")), id="submit", variant="primary")
                yield Button(Content(t("button.cancel")), id="back")

    def _input(self, widget_id: str, placeholder: str) -> Input:
        field = Input(id=widget_id, placeholder=placeholder)
        field.cursor_blink = getattr(self.app, "cursor_blink", True)
        return field

    def on_mount(self) -> None:
        focusable = self.query("RadioSet, TextArea, Input")
        if focusable:
            focusable.first().focus()

    def values(self) -> dict[str, Any]:
        """The fields as the engine takes them; bad numbers are passed as typed, for the engine to refuse."""
        fields: dict[str, Any] = {}
        if "reason" in self.specs:
            pressed = self.query_one("#reason", RadioSet).pressed_button
            if pressed is not None and pressed.id:
                fields["reason"] = pressed.id.removeprefix("reason-").replace("-", "_")
        if "comment" in self.specs:
            fields["comment"] = self.query_one("#comment", TextArea).text
        if "days" in self.specs:
            text = self.query_one("#days", Input).value.strip()
            if text:
                fields["days"] = int(text) if text.lstrip("-").isdigit() else text
        if "extra_price" in self.specs:
            text = self.query_one("#extra-price", Input).value.strip()
            if text:  # "12,50" where the app shows 12,50; ambiguous or malformed: as typed
                fields["extra_price"] = read_amount(text)
        if "extra_description" in self.specs:
            text = self.query_one("#extra-description", Input).value
            if text.strip():
                fields["extra_description"] = text
        return fields

    def show_refusal(self, refusal: Refusal) -> None:
        error = self.query_one("#form-error", Static)
        error.update(Content.styled(t("notice.refused", message=refusal_text(refusal)), "bold"))
        error.add_class("-shown")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "submit":
            self.action_submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        self.post_message(ActionRequested(self.party, self.action, self.order.id, self.values(), form=self))

    def action_back(self) -> None:
        self.dismiss(None)
