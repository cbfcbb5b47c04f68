"""The main screen, its sizes: side by side, one party at a time, or a line saying it is too small."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from rcsim.tui.words.i18n import t
from rcsim.tui.words.safetext import clean

MIN_WIDTH = 70
"""The narrowest terminal rcsim works in: one pane with Order, Status, Due and RC."""
MIN_HEIGHT = 20
"""The shortest terminal rcsim works in: the clock, a few orders and the start of the page."""
WIDE = 120
"""From this width on, the buyer and the freelancer are side by side; below, one at a time."""

BREAKPOINTS_W = [(0, "-too-narrow"), (MIN_WIDTH, "-narrow"), (WIDE, "-wide")]
SHORT = 36
"""Below this height the event log takes fewer rows."""

BREAKPOINTS_H = [(0, "-too-short"), (MIN_HEIGHT, "-short"), (SHORT, "-tall")]


class TooSmall(Static):
    """One line saying the size rcsim needs, shown instead of everything else when the
    terminal is smaller than that (text that overlaps helps nobody)."""

    def __init__(self) -> None:
        super().__init__(Content(t("screen.too_small", width=MIN_WIDTH, height=MIN_HEIGHT)),
                         classes="too-small")


class MainScreen(Screen[None]):
    """The App's default screen, where `RcsimApp.compose` puts the clock, the panes and the log;
    the focus starts in the first pane's order list (the buyer's; in a party's window, its own)."""

    AUTO_FOCUS = "PartyPane #orders"  # the first pane's list: the buyer's, or a party window's own
    # Size classes (app.tcss): too small, one party at a time, side by side
    HORIZONTAL_BREAKPOINTS = BREAKPOINTS_W
    VERTICAL_BREAKPOINTS = BREAKPOINTS_H

    def on_resize(self, event: events.Resize) -> None:
        # One pane or both, for the new width. This handler runs before Textual's own, which
        # sets the size classes (-narrow, -wide...): the width is taken from the event.
        show = getattr(self.app, "show_front_party", None)
        if show is not None:
            show(event.size.width)

    # Not in the footer: while presenting it is full (s, e); the presenter bar and help say it.
    BINDINGS = [Binding("c", "save_moment", "present.key.save", show=False)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save_moment":  # only while presenting a scenario (shown only then)
            return getattr(self.app, "player", None) is not None
        return True

    def action_save_moment(self) -> None:
        """Presenting: the screen now as an SVG named after the step, in the current folder,
        written atomically; a notice says where (or why not)."""
        from rcsim.tui.app.pictures import save_moment

        try:
            folder = Path.cwd()
        except OSError:  # the current folder was removed: the write below says so
            folder = Path(".")
        try:
            path = save_moment(self.app, folder)  # type: ignore[arg-type]
        except OSError as error:
            self.app.notify(clean(t("shots.save_failed", path=folder,
                                    reason=error.strerror or str(error))),
                            title=t("shots.notice_title"), severity="error", timeout=10,
                            markup=False)  # a folder's name is shown as it is, never as markup
            return
        self.app.notify(clean(t("shots.saved", path=path)), title=t("shots.notice_title"),
                        timeout=10, markup=False)
