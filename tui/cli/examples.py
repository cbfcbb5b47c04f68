"""The stories and experiments rcsim ships with, for an installed user: `rcsim examples` lists them,
`rcsim examples copy DIR` copies them to edit, and a name that is no file here but a bundled one
("buyer_cancel_timeout_mutual") stands for that file in `rcsim run`, `rcsim --scenario`,
`rcsim shots` and `rcsim experiment`. No Textual here."""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import tomllib
from collections.abc import Sequence
from contextlib import ExitStack
from importlib.resources import as_file
from pathlib import Path
from typing import TextIO

from rcsim.engine import (
    BUNDLED_EXPERIMENTS,
    BUNDLED_STORIES,
    bundled_names,
    read_bundled_text,
)
from rcsim.engine import bundled_path as bundled_entry
from rcsim.engine import write_text_atomically as write_text
from rcsim.tui.cli.common import Parser, own_arguments, parse, shared_options, speaking
from rcsim.tui.words.i18n import language, t
from rcsim.tui.words.safetext import clean

SUFFIX = ".toml"
STORIES, EXPERIMENTS = BUNDLED_STORIES, BUNDLED_EXPERIMENTS
KINDS = (STORIES, EXPERIMENTS)

# A bundled file handed to a command as a path: the file itself where rcsim is installed as
# files; a copy where it is zipped, kept until the process ends.
_extracted = ExitStack()
atexit.register(_extracted.close)


def names(kind: str) -> list[str]:
    """The names of the bundled files of `kind` ("scenarios" or "experiments")."""
    return bundled_names(kind, SUFFIX)


def bundled_path(kind: str, name: str) -> Path | None:
    """A path to the bundled file `name` of `kind`, or None when rcsim ships none by that name."""
    entry = bundled_entry(kind, name, SUFFIX)
    return None if entry is None else _extracted.enter_context(as_file(entry))


def resolve(argument: str, kind: str) -> str:
    """A file argument as given, or the bundled file it names: an argument that is no file or
    folder here, and a bare name (no folder in it, `.toml` optional) that rcsim ships, means that
    bundled file. A file of that name in the current folder always wins."""
    if os.path.exists(argument) or "/" in argument or os.sep in argument:
        return argument
    stem = argument[: -len(SUFFIX)] if argument.endswith(SUFFIX) else argument
    found = bundled_path(kind, stem) if stem else None
    return argument if found is None else str(found)


def every(kind: str) -> list[str]:
    """Paths to every bundled file of `kind`, in name order."""
    return [str(path) for name in names(kind) if (path := bundled_path(kind, name)) is not None]


def _title(kind: str, name: str) -> str:
    """The title a bundled file gives itself ("" when it gives none); in the current language
    where the file carries one per language."""
    entry = bundled_entry(kind, name, SUFFIX)
    try:
        document = tomllib.loads(entry.read_text(encoding="utf-8")) if entry else {}
    except (OSError, ValueError):
        return ""
    title = document.get("title", "")
    if isinstance(title, dict):
        title = title.get(language()) or title.get("en") or ""
    return " ".join(title.split()) if isinstance(title, str) else ""


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="rcsim examples", description=t("examples.cli.description"),
               parents=[shared_options("lang")])
    p.add_argument("copy", nargs="?", choices=("copy",), help=t("examples.cli.copy"))
    p.add_argument("folder", nargs="?", metavar="DIR", help=t("examples.cli.folder"))
    return p


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """`rcsim examples` (the list) or `rcsim examples copy DIR`; exit status 0, or 2."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = own_arguments(argv, "examples")
    with speaking(args):
        options = parse(parser(), args)
        if isinstance(options, int):
            return options
        if options.copy is None:
            if options.folder is not None:
                print(clean(t("examples.cli.what", given=options.folder)), file=err)
                return 2
            out.write(listing())
            return 0
        if options.folder is None:
            print(t("examples.cli.copy_needs_folder"), file=err)
            return 2
        return copy(Path(options.folder).expanduser(), out, err)


def listing() -> str:
    """Every bundled story and experiment with its title, and how to use them."""
    lines: list[str] = []
    for kind in KINDS:
        found = names(kind)
        width = max((len(name) for name in found), default=0)
        lines.append(t(f"examples.heading.{kind}", count=len(found)))
        lines.extend(clean(f"  {name:<{width}}  {_title(kind, name)}".rstrip()) for name in found)
        lines.append("")
    lines.append(t("examples.usage"))
    return "\n".join(lines) + "\n"


def copy(folder: Path, out: TextIO, err: TextIO) -> int:
    """Copy every bundled file into DIR/scenarios/ and DIR/experiments/, each written atomically;
    a file already there is kept as it is (said, not overwritten)."""
    written = kept = 0
    try:
        for kind in KINDS:
            target = folder / kind
            target.mkdir(parents=True, exist_ok=True)
            for name in names(kind):
                text = read_bundled_text(f"{kind}/{name}{SUFFIX}")
                try:
                    write_text(target / f"{name}{SUFFIX}", text, overwrite=False)
                    written += 1
                except FileExistsError:
                    kept += 1
    except OSError as error:
        print(clean(t("examples.cli.cannot_write", path=error.filename or folder,
                      reason=error.strerror or str(error))), file=err)
        return 2
    print(clean(t("examples.copied", count=written, folder=folder)), file=out)
    if kept:
        print(clean(t("examples.kept", count=kept)), file=out)
    return 0
