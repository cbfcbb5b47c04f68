"""User text made safe for display: never markup, no terminal escapes, no control characters."""

from __future__ import annotations

import re

from textual.content import Content

# CSI, OSC (ended by BEL or ST), and other two-character ESC sequences.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# Bidi embeddings, overrides and isolates can reorder the rest of a line on some terminals.
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _control_picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # U+2400..U+241F: the visible "control picture" of each code
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"  # C1 controls


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def clean(text: str | None) -> str:
    """Text to show exactly as typed, made inert.

    ANSI escape sequences are shown with a visible escape sign ("␛[31m") instead of being
    executed; other control characters become their control pictures; tabs become spaces;
    bidi override characters are dropped so right-to-left text cannot reorder the layout.
    Newlines are kept.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\t", "    ")
    text = _ANSI.sub(lambda m: "\u241b" + m.group()[1:], text)
    text = _CONTROL.sub(_control_picture, text)
    return text.translate(_BIDI)


def plain(text: str | None, style: str = "") -> Content:
    """A Content of user (or translated) text, never parsed as markup."""
    return Content.styled(clean(text), style) if style else Content(clean(text))


def one_line(text: str | None, width: int) -> str:
    """User text on one line, shortened to `width` cells with an ellipsis."""
    flat = " ".join(clean(text).split())
    return flat if len(flat) <= width else flat[: max(0, width - 1)] + "\u2026"
