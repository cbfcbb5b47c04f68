"""Simulated time as whole seconds since the Unix epoch (UTC), and its text forms."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from .errors import InputError, Refusal

# What the API takes for an instant (a datetime, or ISO 8601 text) and for a duration (a
# timedelta, text such as "36h" or "2d", or seconds).
Instant = datetime | str
Duration = timedelta | str | int

HOUR = 3600
DAY = 24 * HOUR
# The simulated clock stops at the end of 9989: every deadline lies at most ten years ahead (the
# rules' ranges), so none can leave the calendar, which ends with the year 9999.
CLOCK_LIMIT = int(datetime(9990, 1, 1, tzinfo=UTC).timestamp()) - 1
# The calendar itself, in UTC: the first and the last second that have a date.
CALENDAR_START = int(datetime(1, 1, 1, tzinfo=UTC).timestamp())
CALENDAR_END = int(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp())

_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")


def to_ts(moment: datetime) -> int:
    """Seconds since the epoch of an aware datetime (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


@lru_cache(maxsize=4096)
def to_datetime(ts: int) -> datetime:
    """The aware UTC datetime of a timestamp."""
    return datetime.fromtimestamp(ts, tz=UTC)


def in_calendar(ts: int) -> bool:
    """Whether a timestamp has a date (the years 1 to 9999, in UTC)."""
    return CALENDAR_START <= ts <= CALENDAR_END


@lru_cache(maxsize=4096)
def iso(ts: int) -> str:
    """ISO 8601 in UTC with a Z, to the second: the form stored in files and shown in logs.

    The year has four digits (0999, not 999), so that `parse_iso` reads every form back.
    """
    moment = to_datetime(ts)
    return f"{moment.year:04d}-" + moment.strftime("%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=4096)
def parse_iso(text: str) -> int:
    """The timestamp of an ISO 8601 instant; a value without a zone is taken as UTC.

    An instant that has no date in UTC (before the year 1 or after 9999 once its offset is
    applied, like 9999-12-31T23:00:00-05:00) is refused, as every instant must be shown and
    stored as a UTC date.
    """
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise InputError("bad_instant", text=text) from None
    return in_calendar_or_refuse(to_ts(moment), text)


def in_calendar_or_refuse(ts: int, text: object) -> int:
    """`ts` if it has a date in UTC, else the refusal naming `text` (the instant as given)."""
    if not in_calendar(ts):
        raise InputError("outside_calendar", text=str(text), start=iso(CALENDAR_START),
                      end=iso(CALENDAR_END))
    return ts


def parse_duration(text: str) -> int:
    """Seconds in a duration such as "90m", "47h", "2d" or "1d12h" (days, hours, minutes)."""
    cleaned = text.strip().lower().replace(" ", "") if isinstance(text, str) else ""
    match = _DURATION.fullmatch(cleaned)
    if not cleaned or match is None:
        raise InputError("bad_duration", text=text)
    # Twelve digits of minutes already run far past the clock's end; more could not even be
    # read (Python reads at most 4,300 digits), so such a duration is refused as too long.
    if any(g and len(g.lstrip("0")) > 12 for g in match.groups()):
        raise Refusal("clock_limit", limit=iso(CLOCK_LIMIT))
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    return days * DAY + hours * HOUR + minutes * 60


def duration(value: timedelta | int | str) -> int:
    """Seconds in a timedelta, a number of seconds or a duration text."""
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, str):
        return parse_duration(value)
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # None, NaN, infinity: not a duration
        raise InputError("bad_duration", text=str(value)) from None
