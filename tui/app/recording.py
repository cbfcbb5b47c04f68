"""Recording what happened as a scenario: `m` marks where a recording may start, `w` asks for a
file and writes it (engine: the recording; tui/words/recording.py: its words). Not in a confined
window (permissions.py): it writes a path its user types."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from rcsim.tui.app.core import AppCore
from rcsim.tui.app.messages import RecordingRequested
from rcsim.tui.words.i18n import t
from rcsim.tui.words.text import clean


class Recording(AppCore):
    """The recording keys and the dialog's request (screens/record.py)."""

    def action_mark_recording(self) -> None:
        """Note now as the start a later recording may begin at."""
        from rcsim.engine import mark_recording as mark
        from rcsim.tui.words.i18n import fmt_datetime
        self.recording_mark = mark(self.sim)
        self.notify(t("record.marked", at=fmt_datetime(self.recording_mark.at)), markup=False,
                    title=t("record.notice_title"))

    def action_save_recording(self) -> None:
        """Ask for a file (and, when a start was marked, where the recording starts)."""
        from rcsim.engine import free_file_name as free_name
        from rcsim.tui.app.screens.record import RecordScreen

        start = self.sim.events()[0].at if self.sim.events() else self.sim.now
        mark = self.recording_mark.at if self.recording_mark is not None else None
        from rcsim.tui.app.screens.travel import (
            shown_path,  # as a user would type it: relative, here
        )
        self.push_screen(RecordScreen(start, mark, shown_path(free_name(Path.cwd(), "recording"))))

    async def on_recording_requested(self, message: RecordingRequested) -> None:
        """Record, check and write the file; the dialog says what went wrong and stays open,
        or closes and a notice says what was saved."""
        from rcsim.engine import (
            RecordingError,
        )
        from rcsim.engine import (
            free_file_name as free_name,
        )
        from rcsim.engine import (
            write_new_recording as write_new,
        )
        from rcsim.tui.words.recording import record

        dialog = self._dialog()
        assert dialog is not None  # only the recording dialog asks for this
        since = self.recording_mark if message.from_mark else None
        path = message.path
        if path.is_dir():  # a folder: a free name in it
            path = free_name(path, "recording")
        try:
            recording = record(self.sim, since, title=t("record.scenario_title"))
        except RecordingError as error:
            dialog.show_error(partial(_record_failed, error))
            return
        try:
            written = write_new(path, recording.text, overwrite=message.overwrite)
        except FileExistsError:
            from rcsim.tui.app.screens.record import RecordScreen
            if isinstance(dialog, RecordScreen):
                dialog.confirm_overwrite(path)
            dialog.show_error(partial(t, "record.exists", path=path))
            return
        except OSError as error:
            dialog.show_error(partial(_record_failed, error))
            return
        await dialog.dismiss(None)
        text = t("record.saved", path=written, orders=len(recording.orders),
                 actions=recording.actions)
        if recording.left_out:
            text += " " + t("record.left_out", count=len(recording.left_out))
        # A typed path may hold "[...]": shown as it is, never read as markup.
        self.notify(clean(text), title=t("record.notice_title"), timeout=10, markup=False)


def _record_failed(error: Exception) -> str:
    """Why a recording was not written, as its dialog says it, in the current language."""
    from rcsim.engine import RecordingError
    from rcsim.tui.words.recording import error_text
    if isinstance(error, RecordingError):
        return t("record.failed", error=error_text(error))
    return t("record.failed", error=getattr(error, "strerror", None) or str(error))
