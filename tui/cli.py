"""What every `rcsim` command line shares: the language it speaks and an argparse that stays inert.

No Textual here: `rcsim run`, `rcsim map` and the others start without it.
"""

from __future__ import annotations

import argparse
from typing import Sequence

from .i18n import LANGUAGES, language_from_environment
from .safetext import clean


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
