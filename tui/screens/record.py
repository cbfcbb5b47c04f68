"""Save what was done in the simulation as a scenario file (`rcsim run` plays it back)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from engine import Simulation
from engine.recording import Mark, Recording, RecordingError, free_name, record, write_new

from ..i18n import fmt_datetime, t
from ..widgets.footer import LocalizedFooter
from ..text import clean


class RecordScreen(ModalScreen["tuple[Path, Recording] | None"]):
    """Asks for the file (and, when a start was marked, where the recording starts), then writes
    it; dismissed with the path and the recording, or None. An existing file is replaced only
    when Save is pressed a second time for the same path."""

    BINDINGS = [Binding("escape", "back", "button.cancel")]

    def __init__(self, sim: Simulation, mark: Mark | None, default_path: Path) -> None:
        super().__init__(classes="dialog-screen")
        self.sim = sim
        self.mark = mark
        self.default_path = default_path
        # the existing file that a second Save replaces: a confirmation holds for that path only
        self._confirm: Path | None = None

    def compose(self) -> ComposeResult:
        yield LocalizedFooter()
        with Vertical(id="record-dialog", classes="dialog"):
            yield Static(Content.styled(t("record.title"), "bold"), classes="dialog-title")
            yield Static(Content(t("record.prompt")))
            yield Static(Content(t("record.since")), classes="field-label")
            start = self.sim.events()[0].at if self.sim.events() else self.sim.now
            if self.mark is None:
                yield Static(Content(t("record.since_start", at=fmt_datetime(start))))
            else:
                with RadioSet(id="record-since"):
                    yield RadioButton(Content(t("record.since_start", at=fmt_datetime(start))),
                                      id="since-start")
                    yield RadioButton(Content(t("record.since_mark", at=fmt_datetime(self.mark.at))),
                                      id="since-mark", value=True)
            yield Static(Content(t("record.path")), classes="field-label")
            field = Input(str(self.default_path), id="record-path")
            field.cursor_blink = getattr(self.app, "cursor_blink", True)
            yield field
            yield Static(id="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(t("record.save")), id="record-save", variant="primary")
                yield Button(Content(t("button.cancel")), id="record-cancel")

    def on_mount(self) -> None:
        self.query_one("#record-path", Input).focus()

    def _since(self) -> Mark | None:
        if self.mark is None:
            return None
        return self.mark if self.query_one("#since-mark", RadioButton).value else None

    def _error(self, text: str) -> None:
        error = self.query_one("#form-error", Static)
        error.update(Content.styled(clean(text), "bold"))
        error.add_class("-shown")

    def save(self) -> None:
        """Record, check and write; show what went wrong and stay open if anything did."""
        typed = self.query_one("#record-path", Input).value.strip()
        if not typed:
            self._error(t("record.no_path"))
            return
        path = Path(typed).expanduser()
        if path.is_dir():
            path = free_name(path, self.default_path.stem)
        try:
            recording = record(self.sim, self._since(), title=t("record.scenario_title"))
        except RecordingError as error:
            self._error(t("record.failed", error=error.message))
            return
        try:
            written = write_new(path, recording.text, overwrite=path == self._confirm)
        except FileExistsError:
            self._confirm = path
            self._error(t("record.exists", path=path))
            return
        except OSError as error:
            self._error(t("record.failed", error=error.strerror or str(error)))
            return
        self.dismiss((written, recording))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "record-save":
            self.save()
        else:
            self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)
