"""Durations as people type them: as the app shows them in its language ("2T 0h", "1d 6h",
"in 3d 0h"), in words ("3 Tage"), or in the engine's own form ("1d12h", "90m"), which works in
every language.

A text read is handed to the engine in its own form (whole minutes); a text that is not read is
handed on as typed, for the engine to refuse with a message saying what a duration looks like
(nothing changes).
"""

from __future__ import annotations

import re

from rcsim.tui.words.i18n import has, t

UNITS = {"days": 24 * 60, "hours": 60, "minutes": 1}
"""Minutes in each unit the app writes durations in."""
ENGINE_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
"""The engine's own letters (timeutil.parse_duration), read in every language."""


def _units() -> dict[str, str]:
    """Every word or letter the current language writes after a number of a unit (from the
    catalogue's duration and count texts), lower case, with the engine's letters."""
    words = dict(ENGINE_UNITS)
    for unit in UNITS:
        for key in (f"duration.{unit}", f"count.{unit}.one", f"count.{unit}.other"):
            if has(key):
                word = t(key, n=0).replace("0", "", 1).strip().lower()
                if word:
                    words[word] = unit
    return words


def _phrase() -> tuple[str, str]:
    """What the language's countdown writes around a duration ("in {duration}"): its words,
    which a duration copied from the screen may still carry."""
    before, _, after = t("countdown.in", duration="\0").partition("\0")
    return before.strip().lower(), after.strip().lower()


def read_duration(typed: str) -> str:
    """The duration a user typed, in the engine's form ("2880m"), or the text as typed."""
    text = " ".join(typed.split()).lower()
    before, after = _phrase()
    if before and text.startswith(before + " "):
        text = text[len(before):].strip()
    if after and text.endswith(" " + after):
        text = text[: -len(after)].strip()
    words = _units()
    unit = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    part = re.compile(rf"(\d{{1,12}})\s*({unit})(?![^\W\d_])")
    minutes, seen, position = 0, set(), 0
    for match in part.finditer(text):
        if text[position:match.start()].strip(" ,"):
            return typed
        name = words[match.group(2)]
        if name in seen:  # "1d 1d": not a duration anyone means
            return typed
        seen.add(name)
        minutes += int(match.group(1)) * UNITS[name]
        position = match.end()
    if not seen or text[position:].strip(" ,"):
        return typed
    return f"{minutes}m"
