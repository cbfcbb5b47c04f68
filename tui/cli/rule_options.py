"""`--rule NAME=VALUE`, repeatable, for every command that takes rules (`rcsim --new`, `rcsim run`,
`rcsim map`, `rcsim serve`): one option (defined in tui/cli/common.py `shared_options`), one
parser, one check, one message.

A NAME is one of the rules that can be changed by name (engine.rules.ADJUSTABLE: the hours, the
days, the longest comment, and `extension_timeout`); a VALUE is a whole number for a number rule
and one of the choices for `extension_timeout`. What the rules cannot take is refused with one
message saying what they can (the names, with the one probably meant; the range; the choices),
before anything runs. No Textual here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rcsim.engine import Refusal, policy_rules, rule_spec, rule_value, with_changes
from rcsim.tui.words.i18n import refusal_text, t

_WHOLE = re.compile(r"[+-]?[0-9]+")


class RuleOptionError(Exception):
    """A `--rule` the rules cannot take; `str()` is the message, in the current language."""


def parse_rules(pairs: Sequence[str], policy: str | None = "seed") -> dict[str, Any]:
    """The rules `NAME=VALUE` pairs change, checked one by one and together against the
    policy's rules (None: one by one only, as for files that each have rules of their own);
    the last of a name given twice counts. RuleOptionError says what is wrong."""
    changes: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name:
            raise RuleOptionError(t("rule_option.form", rule=pair))
        try:
            spec = rule_spec(name)
            value: Any = int(raw) if not spec.choices and _WHOLE.fullmatch(raw) else raw
            changes[name] = rule_value(name, value)
        except Refusal as refusal:
            raise RuleOptionError(refusal_text(refusal)) from None
    if changes and policy is not None:
        try:
            with_changes(policy_rules(policy), changes)
        except Refusal as refusal:
            raise RuleOptionError(refusal_text(refusal)) from None
    return changes
