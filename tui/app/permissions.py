"""What this window may do, asked alike by its keys (`check_action`: also what the footer shows)
and by the command palette (`may`): a party's window moves no clock and changes no rules, a
confined window (a party's, a browser tab) reads and writes no path its user types, and what
moves the clock or changes the layout waits while a dialog is open."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import SystemCommand
from textual.screen import ModalScreen, Screen

from rcsim.tui.app.core import AppCore
from rcsim.tui.words.i18n import t

CLOCK_ACTIONS = {"advance", "jump", "next_deadline", "toggle_play", "faster", "slower",
                 "cycle_speed"}
"""What moves the clock: only in the window that holds it (the trainer's, or `--clock`)."""
TRAINER_ACTIONS = {"focus_pane", "rules"}
"""Not in a party's window: the other party's pane, and changing the rules of everyone."""
CONFINED_ACTIONS = {"mark_recording", "save_recording", "compare"}
"""Not in a confined window (a party's window, a browser tab): what reads or writes a file whose
path its user types. Branching too is the trainer's terminal's (on_branch_requested)."""
MAIN_SCREEN_ACTIONS = {"advance", "jump", "next_deadline", "toggle_play", "faster", "slower",
                       "toggle_log", "focus_pane", "quit", "flow_map", "undo", "redo", "compare",
                       "rules"}
"""Not over a dialog (help and the language switch are: every dialog binds them too)."""


class Permissions(AppCore):
    """`check_action` and `may`, and the command palette's commands (each only where allowed)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MAIN_SCREEN_ACTIONS and isinstance(self.screen, ModalScreen):
            return False
        if action in ("present_step", "present_end", "mark_recording", "save_recording") \
                and isinstance(self.screen, ModalScreen):
            return False  # (hidden from the footer of a dialog)
        return self.may(action)

    def may(self, action: str) -> bool | None:
        """Whether this window may take `action` at all (False: never here, e.g. a party's clock
        or a confined window's files; None: not now), whatever screen is in front: the keys
        (check_action) and the command palette ask it alike."""
        if action in CLOCK_ACTIONS and not self.holds_clock:
            return False  # a party's window: the trainer moves the clock
        if self.role is not None and action in TRAINER_ACTIONS:
            return False
        if self.confined and action in CONFINED_ACTIONS:
            return False
        if action == "to_class":
            return self.class_link is not None
        if action == "next_deadline" and self.sim.next_deadline() is None:
            return None
        if action in ("present_step", "present_end"):
            if self.player is None:
                return False  # hidden from the Footer unless presenting
            return None if self.player.done else True
        if action == "undo":  # always: with nothing left to take back, it says so
            return True
        if action == "redo":
            return bool(self.stepped_back if self.player is not None else self.sim.redo_count)
        return True

    # The command palette's own commands: (catalogue key, action, its arguments). Each is
    # offered only where this window may take it (`may`: never a party's clock, nor a confined
    # window's files), and runs as its key does.
    PALETTE_COMMANDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
        ("present.command.step", "present_step", ()), ("present.command.end", "present_end", ()),
        ("record.command.mark", "mark_recording", ()),
        ("record.command.save", "save_recording", ()),
        ("command.language", "switch_language", ()), ("command.hour", "advance", ("1h",)),
        ("command.day", "advance", ("1d",)), ("command.jump", "jump", ()),
        ("command.next", "next_deadline", ()), ("command.play", "toggle_play", ()),
        ("command.log", "toggle_log", ()), ("command.help", "help", ()),
        ("command.map", "flow_map", ()), ("command.undo", "undo", ()), ("command.redo", "redo", ()),
        ("command.compare", "compare", ()), ("command.rules", "rules", ()),
    )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key, action, arguments in self.PALETTE_COMMANDS:
            if self.may(action) is False:
                continue
            yield SystemCommand(t(key), t(f"{key}.help"),
                                partial(self._palette_command, action, arguments))

    def _palette_command(self, action: str, arguments: tuple[str, ...]) -> object:
        """A command chosen in the palette: run if this window may take it (asked again: the
        window may have changed since the palette listed it)."""
        if self.may(action) is False:
            return None
        return getattr(self, f"action_{action}")(*arguments)
