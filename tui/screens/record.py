"""Save what was done in the simulation as a scenario file (`rcsim run` plays it back)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, RadioButton, RadioSet, Static

from ..i18n import fmt_datetime, t
from ..messages import RecordingRequested
from .dialog import Dialog


class RecordScreen(Dialog[None]):
    """Asks for the file (and, when a start was marked, where the recording starts) and posts
    `RecordingRequested`; the App writes it, then closes this or shows here what went wrong.
    An existing file is replaced only when Save is pressed a second time for the same path."""

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
            with RadioSet(id="record-since"):
                yield RadioButton(Content(t("record.since_start", at=fmt_datetime(self.start))),
                                  id="since-start")
                yield RadioButton(Content(t("record.since_mark", at=fmt_datetime(self.mark))),
                                  id="since-mark", value=True)
            yield Static(Content(t("record.since_mark.hint")), classes="field-hint")
        yield Static(Content(t("record.path")), classes="field-label")
        field = Input(str(self.default_path), id="record-path")
        field.cursor_blink = getattr(self.app, "cursor_blink", True)
        yield field

    def prepare(self) -> None:
        self.query_one("#record-path", Input).focus()

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
