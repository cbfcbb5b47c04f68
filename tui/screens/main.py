"""The main screen (clock bar, both panes, footer): its focus starts in the buyer's order list."""

from __future__ import annotations

from textual.geometry import Size
from textual.screen import Screen


class MainScreen(Screen[None]):
    """The App's default screen, with two start-up costs removed (no visible difference).

    - Auto-focus goes straight to the buyer's order list (where `RcsimApp.on_mount` puts it)
      instead of first to the first clock button: one focus change, so one restyle of a pane.
    - A resize to the size the screen already has re-lays out nothing; at start-up Textual sends
      three such resizes, each a full reflow and repaint (~12 ms together, measured).
    """

    AUTO_FOCUS = "#buyer-pane #orders"

    def _screen_resized(self, size: Size) -> None:
        if self._compositor.size == size and not self._layout_required:
            return
        super()._screen_resized(size)
