"""The footer: the keys of the screen in front that fit its width, the most needed first, in the
language it was built in. Help is always among them: it lists every key of the screen."""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

from rcsim.tui.words.i18n import has, language, t, using

PRIORITY = (
    "help", "present_step", "present_end", "select", "leave", "back", "submit",
    "resolution_center", "undo",
    "redo", "next_deadline", "switch_language", "quit", "advance('1h')", "advance('1d')",
    "jump", "toggle_play", "toggle_log",
)
"""The order in which keys are shown, and kept when the footer is too narrow for all of them
(the last ones go first). Keys not named here come after, in the order they are bound."""


def plain_action(action: str) -> str:
    """An action without its namespace: "app.help" is "help"."""
    return action.removeprefix("app.").removeprefix("screen.")


def is_text_field(widget: Widget | None) -> bool:
    """Whether a widget takes printable keys as text (there `g` and `?` are letters)."""
    return isinstance(widget, (Input, TextArea))


def typed_key(key: str) -> bool:
    """Whether a key is one a text field takes as a character ("g", "question_mark")."""
    return len(key) == 1 or key in ("question_mark", "left_square_bracket",
                                    "right_square_bracket", "space")


class Shown(NamedTuple):
    """A key as the footer shows it."""

    key: str
    display: str
    description: str
    short: str
    enabled: bool
    action: str


def screen_keys(screen: Screen) -> list[Shown]:
    """The keys of `screen` that a footer shows, in PRIORITY's order, one per action: where a
    key and a control key do the same (`g` and ctrl+g), the one that works now (a text field
    takes `g` as a letter, and Textual then leaves it out of the active bindings)."""
    app = screen.app
    chosen: dict[str, tuple[Binding, bool]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.show or not has(binding.description):
            continue
        action = plain_action(binding.action)
        known = chosen.get(action)
        if known is None or (typed_key(binding.key) and not typed_key(known[0].key)):
            chosen[action] = (binding, active.enabled)
    order = {action: index for index, action in enumerate(PRIORITY)}
    ranked = sorted(chosen.items(), key=lambda item: order.get(item[0], len(PRIORITY)))
    keys = []
    for action, (binding, enabled) in ranked:
        short = f"{binding.description}.short"
        keys.append(Shown(binding.key, app.get_key_display(binding), t(binding.description),
                          t(short) if has(short) else t(binding.description), enabled, action))
    return keys


def width_of(display: str, description: str) -> int:
    """Cells a key takes in the footer: " k " and "description "."""
    return cell_len(display) + 3 + cell_len(description)


def fit(keys: list[Shown], width: int) -> list[tuple[Shown, str]]:
    """The keys that fit `width`, each with the label it is shown with: every key with its full
    label if they all fit; else short labels; else the last keys of the order are left out
    (help, first in the order, stays: it lists them all)."""
    for labels in ("description", "short"):
        chosen = [(key, getattr(key, labels)) for key in keys]
        if sum(width_of(k.display, label) for k, label in chosen) <= width:
            return chosen
    chosen = [(key, key.short) for key in keys]
    while len(chosen) > 1 and sum(width_of(k.display, label) for k, label in chosen) > width:
        chosen.pop()
    return chosen


class FooterKey(Widget):
    """One key in the footer: a click presses it."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    FooterKey { width: auto; height: 1; background: $footer-item-background; }
    FooterKey:hover { background: $block-hover-background; }
    FooterKey.-disabled { text-style: dim; }
    FooterKey.-palette { dock: right; padding-right: 1; border-left: vkey $foreground 20%; }
    """

    def __init__(self, key: str, display: str, description: str, enabled: bool = True,
                 classes: str = "") -> None:
        super().__init__(classes=classes + (" -disabled" if not enabled else ""))
        self.key = key
        self.key_display = display
        self.description = description
        self.enabled = enabled

    def render(self) -> Content:
        return Content.assemble(
            (f" {self.key_display} ",
             "bold $footer-key-foreground on $footer-key-background"),
            (f"{self.description} ",
             "$footer-description-foreground on $footer-description-background"))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        if self.enabled:
            self.app.simulate_key(self.key)
        else:
            self.app.bell()


class LocalizedFooter(Widget, can_focus=False, can_focus_children=False):
    """The keys of the screen it is on that fit its width (see `fit`), in the language it was
    built in (the App builds its screens anew when the language changes), with the command
    palette's key on the right. Built anew whenever the screen's keys change (focus moved, a
    key enabled) and when its width changes."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    LocalizedFooter {
        dock: bottom;
        height: 1;
        layout: horizontal;
        color: $footer-foreground;
        background: $footer-background;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.language = language()
        self._width = 0

    def compose(self) -> ComposeResult:
        if not self.is_attached:
            return
        width = self.app.size.width
        self._width = width
        with using(self.language):
            palette = self._palette()
            room = width - (0 if palette is None else
                            width_of(palette.key_display, palette.description) + 2)
            for key, label in fit(screen_keys(self.screen), room):
                yield FooterKey(key.key, key.display, label, key.enabled)
        if palette is not None:
            yield palette

    def _palette(self) -> FooterKey | None:
        app = self.app
        if not app.ENABLE_COMMAND_PALETTE:
            return None
        binding = Binding(app.COMMAND_PALETTE_BINDING, "command_palette", "key.palette")
        return FooterKey(binding.key, app.get_key_display(binding), t("key.palette"),
                         classes="-palette")

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.recompose)

    def on_resize(self) -> None:
        if self.app.size.width != self._width:
            self.call_after_refresh(self.recompose)
