"""User text made safe for display: never markup, no terminal escapes, no control characters."""

from __future__ import annotations

from textual.content import Content

from rcsim.tui.words.safetext import clean

__all__ = ["WHOLE", "clean", "one_line", "plain"]

WHOLE = 10_000
"""A width for `one_line` that keeps any title whole (a dialog's title wraps instead)."""


def plain(text: str | None, style: str = "") -> Content:
    """A Content of user (or translated) text, never parsed as markup."""
    return Content.styled(clean(text), style) if style else Content(clean(text))


def one_line(text: str | None, width: int) -> str:
    """User text on one line, shortened to `width` cells with an ellipsis."""
    flat = " ".join(clean(text).split())
    return flat if len(flat) <= width else flat[: max(0, width - 1)] + "\u2026"
