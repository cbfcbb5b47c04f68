"""The app's texts and formats: the translation core lives in `engine.i18n` (pure, shared with
the engine's refusal messages and the scenario runner); this module is the app's way in."""

from __future__ import annotations

from engine.i18n import (
    DEFAULT_LANGUAGE, I18N_DIR, LANGUAGES, fmt_countdown, fmt_datetime, fmt_duration, fmt_money,
    has, label, language, language_from_environment, languages, missing_keys, refusal_params,
    refusal_text, set_language, t, table,
)

__all__ = [
    "DEFAULT_LANGUAGE", "I18N_DIR", "LANGUAGES", "fmt_countdown", "fmt_datetime", "fmt_duration",
    "fmt_money", "has", "label", "language", "language_from_environment", "languages",
    "missing_keys", "refusal_params", "refusal_text", "set_language", "t", "table",
]
