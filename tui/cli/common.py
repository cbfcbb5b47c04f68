"""What every `rcsim` command line shares: the language it speaks and an argparse that stays inert.

No Textual here: `rcsim run`, `rcsim map` and the others start without it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from rcsim.tui.words.i18n import LANGUAGES, language, language_from_environment, set_language, t
from rcsim.tui.words.safetext import clean

POLICIES = ("seed", "current")
SHARED = ("db", "lang", "rule", "policy")
"""The options several commands share, each defined once, in `shared_options`."""


def choose_language(args: Sequence[str]) -> str:
    """`--lang de|en` if given, else the locale (German for LANG/LC_ALL de*, English otherwise).

    Read before the parser is built, so that its help is in that language too.
    """
    for index, arg in enumerate(args):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            args[index + 1] if arg == "--lang" and index + 1 < len(args) else None)
        if value in LANGUAGES:
            return value
    return language_from_environment()


@contextmanager
def speaking(args: Sequence[str]) -> Iterator[str]:
    """The language `choose_language(args)` for the time of a command (its help, its messages,
    its output), the one before it afterwards; yields the language."""
    previous = language()
    chosen = choose_language(args)
    set_language(chosen)
    try:
        yield chosen
    finally:
        set_language(previous)


def own_arguments(argv: Sequence[str] | None, name: str) -> list[str]:
    """A command's arguments: `argv` (else the process's), without the command's own name in
    front, as `rcsim` hands them over or `python -m` gives them."""
    args = list(sys.argv[1:] if argv is None else argv)
    return args[1:] if args[:1] == [name] else args


class Parser(argparse.ArgumentParser):
    """argparse, with its messages (which repeat what was typed) made inert."""

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        super().exit(status, clean(message) if message else None)


def default_path() -> Path:
    """The default simulation file, in the user's data directory."""
    import platformdirs  # only where a command opens the default file or says where it is

    return Path(platformdirs.user_data_dir("rcsim")) / "simulation.json"


def shared_options(*names: str, helps: Mapping[str, str] | None = None) -> Parser:
    """The one parent parser (argparse `parents=`) of the options several commands share, each
    defined here and nowhere else: `--db FILE`, `--lang de|en`, `--rule NAME=VALUE`
    (repeatable), `--policy seed|current`; `names` the ones a command takes, `helps` a command's
    own words for one where it means something of its own (a map's --db is opened read-only)."""
    own = dict(helps or {})
    p = Parser(add_help=False)
    for name in names:
        if name == "db":
            p.add_argument("--db", metavar="FILE",
                           help=own.get(name) or t("cli.db", default=default_path()))
        elif name == "lang":
            p.add_argument("--lang", choices=LANGUAGES, help=own.get(name) or t("cli.lang"))
        elif name == "rule":
            p.add_argument("--rule", action="append", default=[], metavar="NAME=VALUE",
                           help=own.get(name) or t("rule_option.help"))
        elif name == "policy":
            p.add_argument("--policy", choices=POLICIES, help=own.get(name) or t("cli.policy"))
        else:
            raise ValueError(f"no shared option {name!r}: one of {', '.join(SHARED)}")
    return p


def parse(parser: argparse.ArgumentParser, args: Sequence[str]) -> argparse.Namespace | int:
    """The options, or the exit status after argparse has said why not (or printed the help):
    a command returns it rather than exiting."""
    try:
        return parser.parse_args(args)
    except SystemExit as exit_:
        return int(exit_.code or 0)


# The exit status when the reader of the output went away (`rcsim log FILE | head`): 128 +
# SIGPIPE, what a shell reports for a command a closed pipe ended, as `yes | head` shows with
# pipefail.
PIPE_CLOSED = 141


def quiet(*streams: TextIO) -> None:
    """After a closed pipe: point each stream whose reader went away at the null device, so
    that what is still buffered, flushed at exit, raises nothing (Python's documented remedy)."""
    for stream in streams:
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            try:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, stream.fileno())
                os.close(null)
            except (OSError, ValueError):  # not a file (a test's StringIO): nothing is left
                pass


def ends_quietly(command: Callable[[], int]) -> int:
    """`command()`'s exit status, or PIPE_CLOSED when the reader of its output went away: the
    one place every `rcsim` command ends quietly on a closed pipe, wherever the write was (a
    print half-way, argparse's help, or the buffer flushed at the end, which would otherwise
    fail at exit, after any handler)."""
    try:
        try:
            return command()
        finally:  # a SystemExit (argparse) passes through, its output flushed here first
            sys.stdout.flush()
            sys.stderr.flush()
    except BrokenPipeError:
        quiet(sys.stdout, sys.stderr)
        return PIPE_CLOSED
