"""Every text rcsim shows or prints, from data/i18n/<lang>.json, and the formats of each language.

Keys are flat dotted names ("status.in_progress"); values are `str.format` templates filled
with plain values. The engine's identifiers (statuses, actions, reasons, events, refusal codes)
are looked up as `<kind>.<identifier>`, so a language is one file. Texts are plain text, never
markup: the app wraps them in `Content`/`Text` objects.

Presentation, without Textual (the standard library only): the app renders everything on
screen from here, the scenario runner its transcript, both the engine's refusals from their
`code` and `params`. The engine reads no catalogue: its `Refusal.message` is plain English of
its own (engine/english.py).
"""

from __future__ import annotations

import os
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from rcsim.engine import BundledFileError, Quoting, bundled_names, quoted, read_bundled_json

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "de")

_current: ContextVar[str] = ContextVar("rcsim_language", default=DEFAULT_LANGUAGE)
"""The language of the running context. Not a process-wide setting: the command line sets it
for itself, an App in its own task (`RcsimApp.language` is the app's state; the widgets it
builds inherit it), and `using()` for a block of code."""
missing_keys: set[str] = set()
"""Keys asked for but found in no file (the tests assert this stays empty)."""


@cache
def table(language: str) -> dict[str, str]:
    """The translation table of one language."""
    found = read_bundled_json(f"i18n/{language}.json")
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        raise BundledFileError(f"i18n/{language}.json", "not a table of texts")
    return found


def languages() -> tuple[str, ...]:
    """The languages that have a file."""
    return tuple(bundled_names("i18n", ".json"))


def set_language(language: str) -> None:
    """Switch every later `t()` of this context (the command line, an App's task, and what it
    starts from then on) to `language` (its file must exist)."""
    table(language)  # fail early on an unknown language
    _current.set(language)


@contextmanager
def using(language: str) -> Iterator[None]:
    """Texts in `language` inside the block, whatever the context's language is."""
    table(language)
    token = _current.set(language)
    try:
        yield
    finally:
        _current.reset(token)


def language() -> str:
    """The current language."""
    return _current.get()


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """German for a `de*` locale (LC_ALL, then LC_MESSAGES, then LANG), English otherwise."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:  # the first one set decides, as in POSIX
            return "de" if value.lower().startswith("de") else "en"
    return DEFAULT_LANGUAGE


PLURAL_CATEGORIES = {"en": ("one", "other"), "de": ("one", "other")}
"""The plural categories of each language, in the order a template gives their forms (see
`plural_form` and `text`). A language with more forms (Polish: one, few, many) lists them."""


class _Words(Quoting):
    """The catalogue's formatting: `str.format`, with a found value (`{name!r}`) quoted short,
    and a counted noun in the form its number takes in the language: `{count:# scenario|#
    scenarios}` gives "1 scenario" / "3 scenarios", one form per plural category of the
    language (PLURAL_CATEGORIES), `#` standing for the number. So a verb or an adjective agrees
    as well ("{count:# Auftrag wurde|# Aufträge wurden} weggelassen"), and never "(s)"."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> Any:
        if "|" not in format_spec:
            return super().format_field(value, format_spec)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"a plural form needs a whole number, not {value!r}")
        forms = format_spec.split("|")
        categories = PLURAL_CATEGORIES.get(self.language, ("one", "other"))
        if len(forms) != len(categories):
            raise ValueError(f"{format_spec!r}: {len(categories)} forms needed ({self.language})")
        return forms[categories.index(plural_form(value, self.language))].replace("#", str(value))


@cache
def _formatter(language: str) -> _Words:
    return _Words(language)


@lru_cache(maxsize=4096)
def _needs_words(template: str) -> bool:
    """Whether `template` quotes a found value (`!r`) or chooses a plural form (`:a|b`): the
    rest go through plain `str.format`, which is faster."""
    try:
        return any(conversion == "r" or "|" in (spec or "")
                   for _, name, spec, conversion in string.Formatter().parse(template)
                   if name is not None)
    except ValueError:  # a broken template: str.format says what is wrong
        return False


def fill(language: str, template: str, params: Mapping[str, Any]) -> str:
    """`template` filled with `params` as the catalogue's texts are (see `_Words`)."""
    if _needs_words(template):
        return _formatter(language).vformat(template, (), params)
    return template.format(**params)


def has(key: str, lang: str | None = None) -> bool:
    lang = lang or _current.get()
    return key in table(lang) or key in table(DEFAULT_LANGUAGE)


def text(lang: str, key: str, params: Mapping[str, Any] | None = None) -> str:
    """The text of `key` in `lang`, filled with `params`.

    A key missing in `lang` falls back to English; a key missing everywhere is recorded in
    `missing_keys` and shown as the key itself, so it is visible, never blank.
    """
    template = table(lang).get(key)
    if template is None:
        template = table(DEFAULT_LANGUAGE).get(key)
    if template is None:
        missing_keys.add(key)
        return key
    return fill(lang, template, params) if params else template


def t(key: str, **params: Any) -> str:
    """The text of `key` in the current language, filled with `params`."""
    return text(_current.get(), key, params)


def plural_form(count: int, lang: str | None = None) -> str:
    """The plural category of `count` in `lang`: "one" or "other" (English and German agree:
    "one" for exactly 1, "other" for 0 and the rest). A language with more forms adds its rule
    here, and its categories to PLURAL_CATEGORIES."""
    return "one" if count == 1 else "other"


def localized(value: Any) -> str:
    """A text of a file (a scenario's title, note, ...) in the current language: one the file
    gives per language (a `Text`) in this one, else in English; a text given once as it is."""
    if value is None:
        return ""
    pick = getattr(value, "in_language", None)
    return str(pick(language())) if pick is not None else str(value)


def label(kind: str, identifier: str | None) -> str:
    """The label of an engine identifier, e.g. label("status", "in_progress")."""
    if identifier is None:
        return ""
    return t(f"{kind}.{identifier}")


# ---------------------------------------------------------------- refusals


def _word(lang: str, kind: str, value: Any) -> str:
    key = f"{kind}.{value}"
    return text(lang, key) if has(key, lang) else str(value)


def _words(lang: str, kind: str, values: Any, joiner: str) -> str:
    if isinstance(values, str):
        values = (values,)
    items = [_word(lang, kind, v) for v in values or ()]
    return text(lang, joiner).join(items) if items else text(lang, "word.none")


def _party_word(lang: str, value: Any) -> str:
    if has(f"party.{value}.the", lang):
        return text(lang, f"party.{value}.the")
    return _word(lang, "role", value)


# A refusal's parameters that name one identifier, and the kind of label each is shown as.
_PARAM_WORDS = {"action": "verb", "status": "status_word", "request_type": "request_word",
                "field": "field_word", "state": "request_state", "expected": "expected",
                "seat": "party"}


def refusal_params(code: str, params: Mapping[str, Any], lang: str | None = None) -> dict[str, Any]:
    """A refusal's parameters with the engine's identifiers turned into words of `lang`."""
    lang = lang or _current.get()
    out = dict(params)
    for key, value in params.items():
        if key in _PARAM_WORDS:
            out[key] = _word(lang, _PARAM_WORDS[key], value)
        elif key == "allowed":
            if code == "wrong_party":
                values = (value,) if isinstance(value, str) else value or ()
                parties = [_party_word(lang, v) for v in values]
                out[key] = text(lang, "word.or").join(parties) if parties else text(lang, "word.nobody")
            else:
                out[key] = _words(lang, "status_word", value, "word.or")
        elif key == "answers":
            out[key] = _words(lang, "verb", value, "word.or")
        elif key == "known":
            out[key] = _words(lang, "field_word", value, "word.list_sep")
        elif key in ("responder", "requester"):
            out[key] = _party_word(lang, value)
        elif key == "suggestion":  # `unknown_rule`: the name it probably meant, if one
            out[key] = text(lang, "refusal.unknown_rule.suggestion", {"name": value}) if value else ""
        elif key == "choices":
            party = params.get("party")
            values = (value,) if isinstance(value, str) else value or ()
            out[key] = text(lang, "word.list_sep").join(
                _word(lang, f"reason.{party}", v) for v in values)
    if "party" in params and code != "unknown_party":
        out["party"] = _party_word(lang, params["party"])
    return out


def render_refusal(code: str, params: Mapping[str, Any], lang: str | None = None) -> str:
    """A refusal's sentence in `lang` (default: the current language) from its code and params."""
    lang = lang or _current.get()
    key = "refusal." + code
    if not has(key, lang):
        missing_keys.add(key)
        return f"{code} {quoted(dict(params))}"
    return text(lang, key, refusal_params(code, params, lang))


def refusal_text(refusal: Any, lang: str | None = None) -> str:
    """An engine refusal in `lang` (default: the current language)."""
    return render_refusal(str(getattr(refusal, "code", "")),
                          dict(getattr(refusal, "params", {}) or {}), lang)


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


def fmt_duration(seconds: int, parts: int = 2) -> str:
    """A duration in the language's compact units, such as "1d 23h", "3d" or "45m" ("1 Tg.
    23 Std."): its `parts` largest units (2 or 1), a zero part left out; no sign."""
    seconds = abs(int(seconds))
    if parts == 1:  # the largest unit alone, rounded down
        for size, key in ((86400, "duration.days"), (3600, "duration.hours")):
            if seconds >= size:
                return t(key, n=seconds // size)
        return t("duration.minutes", n=seconds // 60)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    pieces: list[str] = []
    if days:
        pieces.append(t("duration.days", n=days))
        if hours:
            pieces.append(t("duration.hours", n=hours))
    elif hours:
        pieces.append(t("duration.hours", n=hours))
        if minutes:
            pieces.append(t("duration.minutes", n=minutes))
    else:
        pieces.append(t("duration.minutes", n=minutes))
    return " ".join(pieces)


def compact_duration(seconds: int) -> str:
    """A duration where room is short (the order list): as many units as the language's
    `format.compact_parts` says (English "1d 23h"; German, whose units are longer, "1 Tg.")."""
    return fmt_duration(seconds, int(t("format.compact_parts")))


def fmt_countdown(seconds: int | None, *, compact: bool = False) -> str:
    """Time left until a deadline ("in 1d 23h"), or how far past it is ("6h overdue"); with
    `compact`, its duration as `compact_duration` gives it."""
    if seconds is None:
        return ""
    if seconds == 0:
        return t("countdown.now")
    duration = compact_duration(seconds) if compact else fmt_duration(seconds)
    if seconds > 0:
        return t("countdown.in", duration=duration)
    return t("countdown.overdue", duration=duration)


def fmt_money(cents: int) -> str:
    """An amount in US dollars from cents, in the language's format ("$120.00" / "120,00 $")."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(int(cents)), 100)
    grouped = f"{whole:,}".replace(",", t("format.thousands_sep"))
    amount = f"{grouped}{t('format.decimal_point')}{frac:02d}"
    return sign + t("format.money", amount=amount)


def render_file_problem(code: str, params: Mapping[str, Any], lang: str | None = None) -> str:
    """What is wrong with a simulation file (a SimulationFileError's code and params) in `lang`
    (default: the current language). A `where` param is a (kind, id) pair, e.g. ("order",
    "FO-1001"), an `expected` param names a kind of value, and a known request `state` or order
    `status` is a word of the language too. Values found in the file are shown as Python writes
    them (`'paused'`)."""
    lang = lang or language()
    key = "file." + code
    if not has(key, lang):
        missing_keys.add(key)
        return f"{code} {quoted(dict(params))}"
    words = dict(params)
    if "where" in params:
        kind, ident = params["where"]
        words["where"] = text(lang, f"file.where.{kind}", {"id": ident})
    if "expected" in params:
        words["expected"] = text(lang, f"file.expected.{params['expected']}")
    for name, kind in (("state", "request_state"), ("status", "status_word")):
        if has(f"{kind}.{params.get(name)}", lang):
            words[name] = text(lang, f"{kind}.{params[name]}")
    return text(lang, key, words)
