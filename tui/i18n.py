"""Every on-screen text, from data/i18n/<lang>.json, and the formats of dates, durations and money.

Keys are flat dotted names ("status.in_progress"); values are `str.format` templates. The
engine's identifiers (statuses, actions, reasons, events, refusal codes) are looked up as
`<kind>.<identifier>`, so a second language only adds a file. Texts are plain text, never
markup: widgets wrap them in `Content`/`Text` objects.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

I18N_DIR = Path(__file__).resolve().parent.parent / "data" / "i18n"
DEFAULT_LANGUAGE = "en"

_language = DEFAULT_LANGUAGE
missing_keys: set[str] = set()
"""Keys asked for but found in no file (tests assert this stays empty)."""


@lru_cache(maxsize=None)
def table(language: str) -> dict[str, str]:
    """The translation table of one language."""
    with open(I18N_DIR / f"{language}.json", encoding="utf-8") as handle:
        return json.load(handle)


def languages() -> tuple[str, ...]:
    """The languages that have a file."""
    return tuple(sorted(p.stem for p in I18N_DIR.glob("*.json")))


def set_language(language: str) -> None:
    """Switch every later `t()` to `language` (a file must exist)."""
    global _language
    table(language)  # fail early on an unknown language
    _language = language


def language() -> str:
    return _language


def has(key: str) -> bool:
    return key in table(_language) or key in table(DEFAULT_LANGUAGE)


def t(key: str, **params: Any) -> str:
    """The text of `key` in the current language, filled with `params`.

    A key missing in the current language falls back to English; a key missing everywhere is
    recorded in `missing_keys` and shown as the key itself, so it is visible, not blank.
    """
    template = table(_language).get(key)
    if template is None:
        template = table(DEFAULT_LANGUAGE).get(key)
    if template is None:
        missing_keys.add(key)
        return key
    if not params:
        return template
    return template.format(**params)


def label(kind: str, identifier: str | None) -> str:
    """The label of an engine identifier, e.g. label("status", "in_progress")."""
    if identifier is None:
        return ""
    return t(f"{kind}.{identifier}")


def _word(kind: str, value: Any) -> str:
    key = f"{kind}.{value}"
    return t(key) if has(key) else str(value)


def _words(kind: str, values: Any, joiner: str) -> str:
    if isinstance(values, str):
        values = (values,)
    items = [_word(kind, v) for v in values or ()]
    return t(joiner).join(items) if items else t("word.none")


def _party_word(value: Any) -> str:
    if has(f"party.{value}.the"):
        return t(f"party.{value}.the")
    return _word("role", value)


def refusal_params(code: str, params: dict[str, Any]) -> dict[str, Any]:
    """A refusal's parameters with the engine's identifiers turned into words of this language."""
    out = dict(params)
    for key, value in params.items():
        if key == "action":
            out[key] = _word("verb", value)
        elif key == "status":
            out[key] = _word("status_word", value)
        elif key == "request_type":
            out[key] = _word("request_word", value)
        elif key == "field":
            out[key] = _word("field_word", value)
        elif key == "state":
            out[key] = _word("request_state", value)
        elif key == "allowed":
            if code == "wrong_party":
                parties = [_party_word(v) for v in ((value,) if isinstance(value, str) else value or ())]
                out[key] = t("word.or").join(parties) if parties else t("word.nobody")
            else:
                out[key] = _words("status_word", value, "word.or")
        elif key == "answers":
            out[key] = _words("verb", value, "word.or")
        elif key == "known":
            out[key] = _words("field_word", value, "word.list_sep")
        elif key in ("responder", "requester"):
            out[key] = _party_word(value)
        elif key == "choices":
            party = params.get("party")
            values = (value,) if isinstance(value, str) else value or ()
            out[key] = t("word.list_sep").join(_word(f"reason.{party}", v) for v in values)
    if "party" in params and code != "unknown_party":
        out["party"] = _party_word(params["party"])
    return out


def refusal_text(refusal: Any) -> str:
    """An engine refusal in the current language, from its code and params.

    Falls back to the engine's own English message when the key or one of its params is missing.
    """
    code = str(getattr(refusal, "code", ""))
    key = "refusal." + code
    if not has(key):
        return str(getattr(refusal, "message", refusal))
    try:
        return t(key, **refusal_params(code, dict(getattr(refusal, "params", {}) or {})))
    except (KeyError, IndexError, ValueError):
        return str(getattr(refusal, "message", refusal))


# ---------------------------------------------------------------- formats


def _parts(moment: datetime) -> dict[str, Any]:
    weekdays = t("calendar.weekdays").split(",")
    months = t("calendar.months").split(",")
    hour12 = moment.hour % 12 or 12
    return {
        "weekday": weekdays[moment.weekday()], "month": months[moment.month - 1],
        "day": moment.day, "dd": f"{moment.day:02d}", "mm": f"{moment.month:02d}",
        "year": moment.year, "hour": f"{moment.hour:02d}", "hour12": hour12,
        "minute": f"{moment.minute:02d}",
        "ampm": t("format.am") if moment.hour < 12 else t("format.pm"),
    }


def fmt_datetime(moment: datetime | None, style: str = "datetime_short") -> str:
    """A date and time in the language's format ("datetime", "datetime_short", "time_short")."""
    if moment is None:
        return "-"
    return t(f"format.{style}", **_parts(moment))


def fmt_duration(seconds: int) -> str:
    """A duration such as "1d 23h" or "45m" (two largest units; no sign)."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts: list[str] = []
    if days:
        parts.append(t("duration.days", n=days))
        parts.append(t("duration.hours", n=hours))
    elif hours:
        parts.append(t("duration.hours", n=hours))
        if minutes:
            parts.append(t("duration.minutes", n=minutes))
    else:
        parts.append(t("duration.minutes", n=minutes))
    return " ".join(parts)


def fmt_countdown(seconds: int | None) -> str:
    """Time left until a deadline ("in 1d 23h"), or how far past it is ("6h overdue")."""
    if seconds is None:
        return ""
    if seconds == 0:
        return t("countdown.now")
    if seconds > 0:
        return t("countdown.in", duration=fmt_duration(seconds))
    return t("countdown.overdue", duration=fmt_duration(seconds))


def fmt_money(cents: int) -> str:
    """An amount in US dollars from cents, in the language's format ("$120.00")."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(int(cents)), 100)
    grouped = f"{whole:,}".replace(",", t("format.thousands_sep"))
    amount = f"{grouped}{t('format.decimal_point')}{frac:02d}"
    return sign + t("format.money", amount=amount)
