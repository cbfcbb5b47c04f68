"""The main screen, its sizes: side by side, one party at a time, or a line saying it is too small."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from ..i18n import t

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
    """The App's default screen, where `RcsimApp.compose` puts the clock, the panes and the log.

    Start-up and exit costs removed (no visible difference):
    - Auto-focus goes straight to the buyer's order list instead of first to the first clock
      button: one focus change, so one restyle of a pane.
    - A resize to the size the screen already has re-lays out nothing; at start-up Textual sends
      three such resizes, each a full reflow and repaint (~12 ms together, measured).
    - The first ScreenResume (the screen shown at start) does not restyle every widget: each was
      styled when it was mounted (~10 ms, measured). Later resumes restyle as Textual does.
    - At exit, removing the screen does not move the focus to another widget of the same
      screen first: that restyled the focused pane and its children just before they go.
    """

    AUTO_FOCUS = "#buyer-pane #orders"

    _shown_once = False

    def _screen_resized(self, size: Size) -> None:
        if self._compositor.size == size and not self._layout_required:
            return
        super()._screen_resized(size)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._shown_once:
            self._shown_once = True
            event.refresh_styles = False
        super()._on_screen_resume(event)

    def _reset_focus(self, widget: Widget, avoiding: list[Widget] | None = None) -> None:
        if avoiding is not None and self in avoiding and self.focused is widget:
            self.focused = None  # the whole screen goes: nothing on it may take the focus
            return
        super()._reset_focus(widget, avoiding)
