"""The files rcsim ships with (rules, demo, translations, stories, experiments), read through
`importlib.resources` from the package `rcsim.data`, so that a wheel, an editable install and a
zipped install all find them. A file that is missing or damaged raises `BundledFileError`: the
installed copy is broken, and the fix is to reinstall, never to look elsewhere."""

from __future__ import annotations

import json
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

PACKAGE = "rcsim.data"
STORIES = "scenarios"
EXPERIMENTS = "experiments"


class BundledFileError(Exception):
    """A file rcsim ships with is missing or damaged (`path`, `reason` in plain English). Not the
    user's input and not a refusal (so not an RcsimError, which commands say in words of the
    catalogue): the installed copy is broken, and every command ends with one line saying so."""

    def __init__(self, name: str, reason: str, package: str = PACKAGE) -> None:
        self.path = where(name, package)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


def root(package: str = PACKAGE) -> Traversable:
    """The folder of rcsim's data (or of another of its packages), wherever it is installed."""
    return files(package)


def where(name: str, package: str = PACKAGE) -> str:
    """Where the bundled file `name` ("i18n/de.json") is or should be, for a message."""
    try:
        return str(root(package).joinpath(*name.split("/")))
    except (OSError, ModuleNotFoundError):  # a package that cannot be found still gets a name
        return f"{package.replace('.', '/')}/{name}"


def read_text(name: str, package: str = PACKAGE) -> str:
    """The text of the bundled file `name` ("rules.json", "i18n/en.json") of `package`."""
    try:
        return root(package).joinpath(*name.split("/")).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BundledFileError(name, "missing", package) from None
    except UnicodeDecodeError:
        raise BundledFileError(name, "not UTF-8 text", package) from None
    except (OSError, ModuleNotFoundError) as error:
        raise BundledFileError(name, f"cannot be read ({error})", package) from None


def read_json(name: str) -> Any:
    """The JSON document in the bundled file `name`."""
    text = read_text(name)
    try:
        return json.loads(text)
    except ValueError as error:  # JSONDecodeError, or nesting Python cannot hold
        raise BundledFileError(name, f"not valid JSON ({error})") from None
    except RecursionError:
        raise BundledFileError(name, "not valid JSON (nested too deeply)") from None


def names(folder: str, suffix: str) -> list[str]:
    """The stems of the bundled files in `folder` that end in `suffix`, sorted."""
    try:
        entries = list(root().joinpath(folder).iterdir())
    except (OSError, ModuleNotFoundError):
        return []
    return sorted(entry.name[: -len(suffix)] for entry in entries
                  if entry.name.endswith(suffix) and entry.is_file())


def path_of(folder: str, name: str, suffix: str) -> Traversable | None:
    """The bundled file `folder/name+suffix`, or None when rcsim ships no such file."""
    entry = root().joinpath(folder, name + suffix)
    return entry if entry.is_file() else None
