"""What every `rcsim` command line shares: the language it speaks and an argparse that stays inert.

No Textual here: `rcsim run`, `rcsim map` and the others start without it.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Sequence, TextIO

from rcsim.tui.words.i18n import LANGUAGES, language_from_environment
from rcsim.tui.words.safetext import clean


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


class Parser(argparse.ArgumentParser):
    """argparse, with its messages (which repeat what was typed) made inert."""

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        super().exit(status, clean(message) if message else None)


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
