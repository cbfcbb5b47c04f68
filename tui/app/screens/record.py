"""Save what was done in the simulation as a scenario file (`rcsim run` plays it back)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, RadioButton, RadioSet, Static

from rcsim.tui.app.messages import RecordingRequested
from rcsim.tui.app.screens.dialog import Dialog
from rcsim.tui.words.i18n import fmt_datetime, t


class RecordScreen(Dialog[None]):
    """Asks for the file (and, when a start was marked, where the recording starts) and posts
    `RecordingRequested`; the App writes it, then closes this or shows here what went wrong.
    An existing file is replaced only when Save is pressed a second time for the same path.

    The save is deliberate: the focus starts on the choice of start (the marked start chosen,
    and said beneath), Enter in the file name goes to Save, and Save (or ctrl+s) writes."""

    BINDINGS = [Binding("ctrl+s", "submit", "record.save")]
    DIALOG_ID = "record-dialog"
    SUBMIT = ("record-save", "record.save")
    BACK = ("record-cancel", "button.cancel")

    def __init__(self, start: datetime, mark: datetime | None, default_path: Path) -> None:
        super().__init__()
        self.start = start
        self.mark = mark
        self.default_path = default_path
        # the existing file that a second Save replaces: a confirmation holds for that path only
        self._confirm: Path | None = None

    def title_text(self) -> str:
        return t("record.title")

    def compose_body(self) -> ComposeResult:
        yield Static(Content(t("record.prompt")))
        yield Static(Content(t("record.since")), classes="field-label")
        if self.mark is None:
            yield Static(Content(t("record.since_start", at=fmt_datetime(self.start))))
        else:
            # The marked start first: it is chosen, and a choice highlights its first button.
            with RadioSet(id="record-since"):
                yield RadioButton(Content(t("record.since_mark", at=fmt_datetime(self.mark))),
                                  id="since-mark", value=True)
                yield RadioButton(Content(t("record.since_start", at=fmt_datetime(self.start))),
                                  id="since-start")
            yield Static(id="record-chosen")
            yield Static(Content(t("record.since_mark.hint")), classes="field-hint")
        yield Static(Content(t("record.path")), classes="field-label")
        field = Input(str(self.default_path), id="record-path")
        field.cursor_blink = getattr(self.app, "cursor_blink", True)
        yield field
        yield Static(Content(t("record.keys")), classes="field-hint")

    def prepare(self) -> None:
        choice = self.query("#record-since")
        (choice.first() if choice else self.query_one("#record-path", Input)).focus()
        self._say_chosen()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self._say_chosen()

    def _say_chosen(self) -> None:
        """Beneath the choice, the start that will be recorded, in words."""
        if self.mark is None:
            return
        pressed = self.query_one("#record-since", RadioSet).pressed_button
        if pressed is not None:
            self.query_one("#record-chosen", Static).update(
                Content.styled(t("record.chosen", start=str(pressed.label)), "bold"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the file name goes to Save: a recording is written by pressing Save (or
        ctrl+s), once the choice above could be read."""
        event.stop()
        event.prevent_default()  # (not the Dialog's: Enter there submits)
        self.query_one("#record-save").focus()

    def confirm_overwrite(self, path: Path) -> None:
        """The file exists: a second Save for this same path replaces it."""
        self._confirm = path

    def action_submit(self) -> None:
        typed = self.query_one("#record-path", Input).value.strip()
        if not typed:
            self.show_error(lambda: t("record.no_path"))
            return
        path = Path(typed).expanduser()
        from_mark = self.mark is not None and self.query_one("#since-mark", RadioButton).value
        self.post_message(RecordingRequested(path, from_mark, overwrite=path == self._confirm))
