"""The main screen (clock bar, both panes, footer): its focus starts in the buyer's order list."""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget


class MainScreen(Screen[None]):
    """The App's default screen, with start-up and exit costs removed (no visible difference).

    - Auto-focus goes straight to the buyer's order list (where `RcsimApp.on_mount` puts it)
      instead of first to the first clock button: one focus change, so one restyle of a pane.
    - A resize to the size the screen already has re-lays out nothing; at start-up Textual sends
      three such resizes, each a full reflow and repaint (~12 ms together, measured).
    - The first ScreenResume (the screen shown at start) does not restyle every widget: each was
      styled when it was mounted, and every class or focus change since restyled its nodes
      (~10 ms, measured). Later resumes (a dialog closed) restyle as Textual does.
    - At exit, removing the screen does not move the focus to another widget of the same
      screen first: that restyled the focused pane and its children (~24 nodes, ~6 ms) just
      before they are all removed.
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
