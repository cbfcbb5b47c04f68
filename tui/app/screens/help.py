"""Help: every key of the screen it was opened from, the rules in a few lines each, with the
deadlines configured in this simulation, then every rule value of this simulation as it is,
each one changed from its policy marked so."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from rcsim.engine import ADJUSTABLE
from rcsim.tui.app.screens.dialog import Dialog
from rcsim.tui.app.widgets.footer import PRIORITY, plain_action
from rcsim.tui.flowmap import overrides_of
from rcsim.tui.words.i18n import has, t
from rcsim.tui.words.safetext import clean

HELP_KEYS = ("help.policy", "help.rc", "help.one_request", "help.update", "help.cancel",
             "help.extension", "help.late", "help.auto_complete", "help.comments")

KEY_WORDS = {
    "help": "command.help", "switch_language": "command.language",
    "advance('1h')": "command.hour", "advance('1d')": "command.day", "jump": "command.jump",
    "next_deadline": "command.next", "toggle_play": "command.play", "toggle_log": "command.log",
    "undo": "command.undo", "redo": "command.redo", "compare": "command.compare",
    "flow_map": "command.map", "rules": "command.rules", "mark_recording": "record.command.mark",
    "save_recording": "record.command.save", "present_step": "present.command.step",
    "present_end": "present.command.end", "faster": "help.key.faster",
    "slower": "help.key.slower", "focus_pane('buyer')": "help.key.buyer",
    "focus_pane('freelancer')": "help.key.freelancer", "quit": "help.key.quit",
    "resolution_center": "help.key.rc", "save_moment": "help.key.save_moment",
    "select": "help.key.open_step", "leave": "help.key.leave_timeline",
}
"""What a key does, in help's words (the palette's, where it has the command), by action; a key
not named here is said by its footer label."""


@dataclass(frozen=True)
class KeyLine:
    """One line of help's list of keys: the keys of one action, and what it does (a key of the
    catalogue, said in the language help is shown in)."""

    bindings: tuple[Binding, ...]
    words: str


def screen_key_lines(screen: Screen) -> tuple[KeyLine, ...]:
    """Every key of `screen`, one line per action, in the footer's order: the keys active now
    (with the focus where it is), then those of its other widgets (a pane's `r` while the
    timeline has the focus)."""
    found: dict[str, list[Binding]] = {}

    def add(binding: Binding) -> None:
        if not has(binding.description) or binding.key in _HIDDEN_KEYS:
            return
        keys = found.setdefault(plain_action(binding.action), [])
        if all(known.key != binding.key for known in keys):
            keys.append(binding)

    for active in screen.active_bindings.values():
        add(active.binding)
    for widget in screen.query("*"):
        for cls in type(widget).__mro__:
            for binding in cls.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding):
                    for key in binding.key.split(","):
                        add(dataclasses.replace(binding, key=key.strip()))
    order = {action: index for index, action in enumerate(PRIORITY)}
    ranked = sorted(found.items(), key=lambda item: order.get(item[0], len(PRIORITY)))
    return tuple(KeyLine(tuple(bindings), KEY_WORDS.get(action, bindings[0].description))
                 for action, bindings in ranked)


_HIDDEN_KEYS = {"ctrl+p"}  # the palette has its own line (help.key.palette)


def help_lines(rules: Mapping[str, Any]) -> list[str]:
    """The help paragraphs, filled with this simulation's numbers."""
    lines = []
    for key in HELP_KEYS:
        if key == "help.extension":
            key = f"help.extension.{rules['extension_timeout']}"
        lines.append(t(key, **rules))
    return lines


def _word(key: str, fallback: str) -> str:
    """A catalogue word, or the identifier itself (inert) where the rules name one of their own."""
    return t(key) if has(key) else clean(fallback)


def _statuses(values: Any) -> str:
    return t("word.list_sep").join(_word(f"status.{v}", str(v)) for v in values or ())


def _value(rule: str, value: Any) -> list[str]:
    """A rule's value in words: one line, or one per entry for reasons, requests and actions."""
    spec = ADJUSTABLE.get(rule)  # the engine knows each number's unit
    unit = spec.unit if spec is not None else None
    if unit == "hours":
        return [t("map.hours", n=value)]
    if unit == "days":
        return [t("count.days.one" if value == 1 else "count.days.other", n=value)]
    if unit == "characters":
        return [t("help.rules.characters", n=value)]
    if rule == "extension_timeout":
        return [_word(f"help.rules.extension_timeout.{value}", str(value))]
    if rule == "reasons":
        return [t("help.rules.entry", name=_word(f"party.{party}", party), value=t(
            "word.list_sep").join(_word(f"reason.{party}.{r}", r) for r in ids))
                for party, ids in value.items()]
    if rule == "requests":
        return [t("help.rules.request", request=_word(f"request_type.{rtype}", rtype),
                  action=_word(f"action.{spec.get('opened_with')}", str(spec.get("opened_with"))),
                  answers=t("word.list_sep").join(_word(f"action.{a}", a)
                                                  for a in spec.get("answers", ())))
                for rtype, spec in value.items()]
    if rule == "actions":
        return [_action(action, role, spec) for action, by_role in value.items()
                for role, spec in by_role.items()] or [t("word.none")]
    return [clean(str(value))]


def _action(action: str, role: str, spec: Mapping[str, Any]) -> str:
    who = _word(f"party.{role}", role) if has(f"party.{role}") else _word(f"role.{role}", role)
    fields = t("word.list_sep").join(
        t("help.rules.field", field=_word(f"field_word.{name}", name),
          need=_word(f"help.rules.need.{need}", need))
        for name, need in (spec.get("fields") or {}).items()) or t("word.none")
    when = t("help.rules.while", statuses=_statuses(spec["while"])) if "while" in spec else ""
    blocked = t("help.rules.blocked") if spec.get("blocked_by_open_request") else ""
    return t("help.rules.action", action=_word(f"action.{action}", action), who=who, when=when,
             blocked=blocked, fields=fields)


def rule_lines(rules: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """Every rule of this simulation as it is, in the rules data's order: (text, changed), a
    changed value (an override of the policy's) saying what the policy has."""
    changed = {rule: was for rule, was, _ in overrides_of(rules)}
    lines: list[tuple[str, bool]] = []
    for rule, value in rules.items():
        if rule in ("policy", "description"):
            continue
        name = _word(f"help.rules.name.{rule}", rule)
        values = _value(rule, value)
        was = changed.get(rule, _SAME)
        if was is not _SAME:
            old = _value(rule, was) if was is not None else [t("word.none")]
            note = t("help.rules.changed", policy=rules.get("policy", ""),
                     was=old[0] if len(old) == 1 else t("help.rules.listed"))
            if len(values) == 1:
                lines.append((t("help.rules.entry", name=name, value=values[0]) + "  " + note,
                              True))
                continue
            lines.append((t("help.rules.entry", name=name, value=note), True))
            old_set = set(old)
            lines.extend(("  • " + line, line not in old_set) for line in values)
            continue
        if len(values) == 1:
            lines.append((t("help.rules.entry", name=name, value=values[0]), False))
        else:
            lines.append((t("help.rules.heading", name=name), False))
            lines.extend(("  • " + line, False) for line in values)
    return lines


_SAME = object()


class HelpScreen(Dialog[None]):
    """Help: every key of the screen it was opened from, then how the Resolution Center works
    in this simulation. It opens at its top, with the focus on the text, so the arrows and Page
    keys scroll it; `?` (or F1) closes it again."""

    BINDINGS = [Binding("escape", "back", "button.close"),
                Binding("ctrl+s", "submit", "button.close", show=False)]
    DIALOG_ID = "help-dialog"
    SUBMIT = ("close", "button.close")
    BACK = None

    def __init__(self, rules: Mapping[str, Any], keys: tuple[KeyLine, ...] = ()) -> None:
        super().__init__()
        self.rules = rules
        self.keys = keys

    def title_text(self) -> str:
        return t("help.title")

    def key_lines(self) -> list[tuple[str, str]]:
        """The keys of the screen help was opened from, in words: (keys, what they do)."""
        lines = [(t("word.list_sep").join(self.app.get_key_display(b) for b in line.bindings),
                  t(line.words)) for line in self.keys]
        palette = Binding(self.app.COMMAND_PALETTE_BINDING, "command_palette")
        lines.append((self.app.get_key_display(palette), t("help.key.palette")))
        return lines

    def compose_body(self) -> ComposeResult:
        yield Static(Content.styled(t("help.keys.title"), "bold"), classes="help-keys-title")
        lines = self.key_lines()
        width = max(cell_len(keys) for keys, _ in lines) + 2
        yield Static(Content("\n").join(
            Content.assemble((keys.ljust(width), "bold"), what) for keys, what in lines),
            id="help-keys")
        yield Static(Content(t("help.keys.moving")), classes="help-item")
        for line in help_lines(self.rules):
            yield Static(Content(line), classes="help-item")
        yield Static(Content.styled(t("help.rules.title", policy=self.rules.get("policy", "")),
                                    "bold"), classes="help-rules-title")
        yield Static(Content("\n").join(
            Content.styled(text, "bold $text-warning") if changed else Content(text)
            for text, changed in rule_lines(self.rules)), id="help-rules")

    def prepare(self) -> None:
        self.query_one("#help-dialog").focus()
