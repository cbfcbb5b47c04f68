"""Save what was done in the simulation as a scenario file (`rcsim run` plays it back)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, RadioButton, RadioSet, Static

from engine import Simulation
from engine.recording import Mark, Recording, RecordingError, free_name, write_new

from ..i18n import fmt_datetime, t
from ..recording import error_text as recording_error_text
from ..recording import record
from .dialog import Dialog


class RecordScreen(Dialog["tuple[Path, Recording] | None"]):
    """Asks for the file (and, when a start was marked, where the recording starts), then writes
    it; dismissed with the path and the recording, or None. An existing file is replaced only
    when Save is pressed a second time for the same path."""

    BINDINGS = [Binding("ctrl+s", "submit", "record.save")]
    DIALOG_ID = "record-dialog"
    SUBMIT = ("record-save", "record.save")
    BACK = ("record-cancel", "button.cancel")

    def __init__(self, sim: Simulation, mark: Mark | None, default_path: Path) -> None:
        super().__init__()
        self.sim = sim
        self.mark = mark
        self.default_path = default_path
        # the existing file that a second Save replaces: a confirmation holds for that path only
        self._confirm: Path | None = None

    def title_text(self) -> str:
        return t("record.title")

    def compose_body(self) -> ComposeResult:
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
            yield Static(Content(t("record.since_mark.hint")), classes="field-hint")
        yield Static(Content(t("record.path")), classes="field-label")
        field = Input(str(self.default_path), id="record-path")
        field.cursor_blink = getattr(self.app, "cursor_blink", True)
        yield field

    def on_mount(self) -> None:
        self.query_one("#record-path", Input).focus()

    def _since(self) -> Mark | None:
        if self.mark is None:
            return None
        return self.mark if self.query_one("#since-mark", RadioButton).value else None

    def action_submit(self) -> None:
        self.save()

    def save(self) -> None:
        """Record, check and write; show what went wrong and stay open if anything did."""
        typed = self.query_one("#record-path", Input).value.strip()
        if not typed:
            self.show_error(t("record.no_path"))
            return
        path = Path(typed).expanduser()
        if path.is_dir():
            path = free_name(path, self.default_path.stem)
        try:
            recording = record(self.sim, self._since(), title=t("record.scenario_title"))
        except RecordingError as error:
            self.show_error(t("record.failed", error=recording_error_text(error)))
            return
        try:
            written = write_new(path, recording.text, overwrite=path == self._confirm)
        except FileExistsError:
            self._confirm = path
            self.show_error(t("record.exists", path=path))
            return
        except OSError as error:
            self.show_error(t("record.failed", error=error.strerror or str(error)))
            return
        self.dismiss((written, recording))
