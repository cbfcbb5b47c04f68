"""Cheap updates of Static widgets: skip unchanged content, skip the layout pass when the size holds."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


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
