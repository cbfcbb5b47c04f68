"""User text made inert for a terminal: no escape sequences, no control characters, no bidi tricks.

Pure (the standard library only, no Textual), so that the command line (`rcsim run`) escapes
user text exactly as the app does; the app's `tui.text.clean` is this function.
"""

from __future__ import annotations

import re

# CSI, OSC (ended by BEL or ST), and other two-character ESC sequences.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# Bidi embeddings, overrides and isolates can reorder the rest of a line on some terminals.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def _control_picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # U+2400..U+241F: the visible "control picture" of each code
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"  # C1 controls


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


_JSON_UNSAFE = re.compile(f"[\\x7f-\\x9f{BIDI_CONTROLS}]")


def json_inert(document: str) -> str:
    """A JSON text (as `json.dumps(..., ensure_ascii=False)` writes it) with the characters a
    terminal may act on that JSON leaves raw (DEL, C1 controls, bidi controls) written as
    \\uXXXX escapes: the same JSON value, safe to print. C0 controls JSON escapes itself."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)
