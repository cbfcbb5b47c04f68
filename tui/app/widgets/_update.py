"""Cheap updates: Statics skip unchanged content and same-size layout passes; Buttons skip unmounted restyles."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Static


def _fits(content: Content, width: int) -> int | None:
    """Number of lines of `content` if none is wider than `width` (so none wraps), else None."""
    lines = content.split("\n")
    if any(line.cell_length > width for line in lines):
        return None
    return len(lines)


def update(widget: Static, content: Content) -> None:
    """Update a Static only when its content changed; re-layout only when its height may change.

    A layout pass re-renders the whole screen; a same-height update repaints only the widget.
    """
    old = widget.content
    if old == content:
        return
    width = widget.content_region.width
    layout = True
    if isinstance(old, Content) and width > 0 and widget.styles.height is not None \
            and widget.styles.height.is_auto:
        before, after = _fits(old, width), _fits(content, width)
        layout = before is None or after is None or before != after
    widget.update(content, layout=layout)


def show(widget: Widget, visible: bool) -> None:
    """Show or hide a widget; setting the same value again would still cost a layout pass."""
    if widget.display != visible:
        widget.display = visible


class QuietButton(Button):
    """A Button that skips the style passes its constructor asks for before it is mounted.

    Button.__init__ sets `variant`, `flat` and `compact`, and each class change re-applies the
    whole stylesheet to the button (~0.3 ms each, about 60 times at start-up); mounting applies
    it once anyway.
    """

    def update_node_styles(self, animate: bool = True) -> None:
        if self.is_attached:
            super().update_node_styles(animate)

    def on_mount(self) -> None:
        still(self)


def still(button: Button) -> None:
    """No pressed-look flash on a button when the app runs without animation: a snapshot must
    not depend on whether 0.2 s passed since the last press."""
    if button.app.animation_level == "none":
        button.active_effect_duration = 0
