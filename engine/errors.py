"""The engine's two error types: a refused action and a refused simulation file."""

from __future__ import annotations

from typing import Any

from .english import file_problem, refusal_message


class RcsimError(Exception):
    """Base class of every error the engine raises on purpose."""


class Refusal(RcsimError):
    """An action, a clock move or an input the rules do not allow. Nothing was changed."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        # Plain English for the Python API (engine/english.py); the app and rcsim run translate
        # the code and params from data/i18n instead.
        self.message = refusal_message(code, params)
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"Refusal({self.code!r}, {self.message!r})"


class SimulationFileError(RcsimError):
    """A simulation file that cannot be opened, created or written as asked: not a consistent
    simulation of a known version, in use, or refused by the system. The file was not touched.

    Like a refusal it carries a stable `code` and its `params`; `problem` is plain English for
    the Python API (engine/english.py); the app and the command line translate the code.
    """

    def __init__(self, path: object, code: str, **params: Any) -> None:
        self.path = str(path)
        self.code = code
        self.params = params
        self.problem = file_problem(code, params)
        super().__init__(f"{self.path}: {self.problem}")
