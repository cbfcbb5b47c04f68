"""The registry of `rcsim`'s commands: each command's name, its one line of help (a catalogue key,
said in the current language by `rcsim --help`), the module that holds it and its entry function.

A command's module is imported only when the command runs (`entry`): `rcsim run`, `rcsim map`,
`rcsim experiment`, `rcsim examples` and the time-travel commands never import Textual, and
the bare `rcsim` (the app, tui/cli/main.py) imports none of them. Nothing here imports a
command: the registry is names and strings, so no command's import can lead back here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module

from rcsim.tui.words.i18n import t


@dataclass(frozen=True)
class Command:
    """One `rcsim NAME ...` command."""

    name: str
    help: str
    """The catalogue key of its line in `rcsim --help`."""
    module: str
    """The module that holds it, imported when it runs."""
    entry: str = "main"
    """Its function there: `entry(argv) -> exit status`, argv without the command's name."""


COMMANDS: tuple[Command, ...] = (
    Command("run", "cli.command.run", "rcsim.tui.cli.run"),
    Command("map", "cli.command.map", "rcsim.tui.cli.map_command"),
    Command("shots", "cli.command.shots", "rcsim.tui.cli.shots"),
    Command("experiment", "cli.command.experiment", "rcsim.tui.cli.experiment_command"),
    Command("log", "cli.command.log", "rcsim.tui.cli.travel_command", "log_main"),
    Command("branch", "cli.command.branch", "rcsim.tui.cli.travel_command", "branch_main"),
    Command("diff", "cli.command.diff", "rcsim.tui.cli.travel_command", "diff_main"),
    Command("serve", "cli.command.serve", "rcsim.tui.cli.serve_command"),
    Command("class", "cli.command.class", "rcsim.tui.cli.class_command"),
    Command("examples", "cli.command.examples", "rcsim.tui.cli.examples"),
)
BY_NAME = {command.name: command for command in COMMANDS}


def find(args: Sequence[str]) -> Command | None:
    """The command `args` start with, or None (the bare `rcsim`: the app)."""
    return BY_NAME.get(args[0]) if args else None


def entry(command: Command) -> Callable[[list[str]], int]:
    """The command's entry function, its module imported now."""
    function: Callable[[list[str]], int] = getattr(import_module(command.module), command.entry)
    return function


def listing() -> str:
    """Every command in a line, with its help in the current language (for `rcsim --help`)."""
    width = max(len(command.name) for command in COMMANDS)
    lines = [t("cli.commands")]
    lines += [f"  {command.name:<{width}}  {t(command.help)}" for command in COMMANDS]
    return "\n".join(lines)
