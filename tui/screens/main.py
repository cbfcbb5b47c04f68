"""The main screen, its sizes: side by side, one party at a time, or a line saying it is too small."""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
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
    """The App's default screen, where `RcsimApp.compose` puts the clock, the panes and the log;
    the focus starts in the buyer's order list."""

    AUTO_FOCUS = "#buyer-pane #orders"

    def on_resize(self) -> None:
        # The size classes (-narrow, -wide...) were just updated: one pane or both.
        show = getattr(self.app, "show_front_party", None)
        if show is not None:
            show()
