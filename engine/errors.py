"""Every error rcsim raises on purpose, under one base: what went wrong, as a code and parameters."""

from __future__ import annotations

from typing import Any

from .english import file_problem, refusal_message


class RcsimError(Exception):
    """Base class of every error rcsim raises on purpose. Each carries a stable `code` and its
    `params` (identifiers and plain values): the app says it in words, in either language."""

    code: str
    params: dict[str, Any]


class Refusal(RcsimError):
    """The rules say no: a party's action, or a clock move, the rules do not allow now.
    Nothing was changed."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        # Plain English for the Python API (engine/english.py); the app and rcsim run translate
        # the code and params from data/i18n instead.
        self.message = refusal_message(code, params)
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


class InputError(Refusal):
    """Not the rules saying no, but an input rcsim cannot take as given: a text that is not an
    instant or a duration, a rule set out of its ranges, an order that cannot be added, a name
    that is no party or action, a simulation that was closed. Nothing was changed.

    A subclass of Refusal so that whoever shows refusals shows these the same way (a code and
    its words); `isinstance(error, InputError)` tells them apart."""


class SimulationFileError(RcsimError):
    """A simulation file that cannot be opened, created or written as asked: not a consistent
    simulation of a known version, in use, or refused by the system. The file was not touched.

    `problem` is plain English for the Python API (engine/english.py); the app and the command
    line translate the code.
    """

    def __init__(self, path: object, code: str, **params: Any) -> None:
        self.path = str(path)
        self.code = code
        self.params = params
        self.problem = file_problem(code, params)
        super().__init__(f"{self.path}: {self.problem}")
