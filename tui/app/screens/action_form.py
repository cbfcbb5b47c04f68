"""A form for one action's fields (reason, comment, days, extras), built from the engine's FieldSpecs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Label, RadioButton, RadioSet, Static, TextArea

from rcsim.engine import Option, OrderView
from rcsim.tui.app.messages import ActionRequested
from rcsim.tui.app.screens.dialog import Dialog
from rcsim.tui.words.amounts import read_amount
from rcsim.tui.words.describe import day_count, party_forms, reason_label
from rcsim.tui.words.i18n import has, label, refusal_text, t
from rcsim.tui.words.text import WHOLE, one_line


class ActionFormScreen(Dialog[None]):
    """Collects an action's fields and posts `ActionRequested`; a refusal is shown here."""

    DIALOG_ID = "form-dialog"

    def __init__(self, party: str, action: str, order: OrderView, option: Option) -> None:
        super().__init__()
        self.party = party
        self.action = action
        self.order = order
        self.option = option
        self.specs = {spec.name: spec for spec in option.fields}
        self.allowed = True  # False once another window's step made the action impossible

    def _intro(self) -> str:
        """What submitting the form does and what happens next, in the words of the rules."""
        params: dict[str, Any] = {"order": self.order.id, "hours": self.option.response_hours}
        key = f"form.intro.{self.action}"
        request = self.order.open_request
        if request is not None and has(f"{key}.{request.type}"):
            # an answer: name the request it answers, and whose it is
            key = f"{key}.{request.type}"
            params.update(party_forms("requester", request.requester),
                          days=day_count(request.days or 0))
        elif has(f"{key}.{self.party}"):
            key = f"{key}.{self.party}"
        if not has(key):
            return t("form.intro.other", action=label("action", self.action), order=self.order.id)
        return t(key, **params)

    def title_text(self) -> str:
        return t("form.title", action=label("action", self.action), order=self.order.id,
                 title=one_line(self.order.title, WHOLE))

    def compose_body(self) -> ComposeResult:
        blink = getattr(self.app, "cursor_blink", True)
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
                yield Label(Content(t("field.days", low=spec.low, high=spec.high)),
                            classes="field-label")
                yield self._input("days", "1")
            elif name == "extra_price":
                yield Label(Content(t("field.extra_price")), classes="field-label")
                yield self._input("extra-price", "0")
            elif name == "extra_description":
                yield Label(Content(t("field.extra_description")), classes="field-label")
                yield self._input("extra-description", "")

    def _input(self, widget_id: str, placeholder: str) -> Input:
        field = Input(id=widget_id, placeholder=placeholder)
        field.cursor_blink = getattr(self.app, "cursor_blink", True)
        return field

    def prepare(self) -> None:
        self.query_one(f"#{self.SUBMIT[0]}").disabled = not self.allowed
        focusable = self.query("RadioSet, TextArea, Input")
        if focusable:
            focusable.first().focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit" and not self.allowed:
            return None  # shown dimmed in the footer, as the Submit button is
        return True

    async def order_changed(self, what: Sequence[Callable[[], str]]) -> None:
        """Another window changed this form's order: say what, in words, and show the order
        as it is now; what was typed stays. If the action cannot be taken now, say why and
        offer no Submit (an answer to a request just withdrawn...); if it can again, offer it."""
        sim = self.app.sim  # type: ignore[attr-defined]
        self.order = sim.order_view(self.order.id)
        now = {o.action: o for o in sim.options(self.party, self.order.id)}[self.action]
        if now.allowed:  # its fields as they are now (the days an extension may add...)
            self.option = now
            self.specs = {spec.name: spec for spec in now.fields}
        self.allowed = now.allowed
        self.refresh_bindings()
        await self.retranslate()

        def said() -> str:
            lines = [text() for text in what]
            if now.refusal is not None and not now.allowed:
                lines.append(t("notice.refused", message=refusal_text(now.refusal)))
            else:
                lines.append(t("sync.form_now"))
            return "\n".join(lines)

        self.show_news(said)

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

    def action_submit(self) -> None:
        self.post_message(ActionRequested(self.party, self.action, self.order.id, self.values()))
