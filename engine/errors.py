"""The engine's two error types: a refused action and a refused simulation file."""

from __future__ import annotations

from typing import Any

from .i18n import render_refusal


class RcsimError(Exception):
    """Base class of every error the engine raises on purpose."""


class Refusal(RcsimError):
    """An action, a clock move or an input the rules do not allow. Nothing was changed."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        # English, from the same translation file the app uses (data/i18n/en.json).
        self.message = render_refusal(code, params, "en")
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"Refusal({self.code!r}, {self.message!r})"


class SimulationFileError(RcsimError):
    """A file that is not a readable simulation of a known version. The file was not touched."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
