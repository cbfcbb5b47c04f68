"""Amounts as people type them: "12,50" or "1.234,50" where the app writes amounts the German
way, "12.50" or "1,234.50" where it writes them the English way.

An amount is read in the app's format (its decimal point and thousands separator). A text that
only the other format can read ("12.50" in German) is read that way: it has one meaning. A text
both formats read, with different values ("1.234": 1234 or 1.234?), is ambiguous, and a text
neither reads is malformed: both are handed to the engine as typed, which refuses them with a
message saying what an amount looks like, and changes nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rcsim.tui.words.i18n import t


def _read(text: str, point: str, separator: str) -> Decimal | None:
    """The amount in `text` written with this decimal point and thousands separator, or None."""
    p, s = re.escape(point), re.escape(separator)
    match = re.fullmatch(rf"(-?)(\d{{1,3}}(?:{s}\d{{3}})+|\d+)(?:{p}(\d+))?", text)
    if match is None:
        return None
    sign, whole, fraction = match.groups()
    return Decimal(f"{sign}{whole.replace(separator, '')}.{fraction or '0'}")


def read_amount(typed: str) -> Decimal | str:
    """The amount a user typed (a "$" around it is allowed), or the text itself when it is
    ambiguous or malformed."""
    text = typed.strip().strip("$").strip()
    point, separator = t("format.decimal_point"), t("format.thousands_sep")
    mine = _read(text, point, separator)
    other = _read(text, separator, point)  # the other convention: the two marks swapped
    if mine is not None and (other is None or other == mine):
        return mine
    if mine is None and other is not None:
        return other
    return typed
