"""The engine's two error types: a refused action and a refused simulation file."""

from __future__ import annotations

from typing import Any

from .i18n import has, language, missing_keys, render_refusal, text


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
    """A simulation file that cannot be opened, created or written as asked: not a consistent
    simulation of a known version, in use, or refused by the system. The file was not touched.

    Like a refusal it carries a stable `code` and its `params`; `problem` is the English text
    (`file.<code>` in data/i18n), `problem_in(lang)` the text in another language.
    """

    def __init__(self, path: object, code: str, **params: Any) -> None:
        self.path = str(path)
        self.code = code
        self.params = params
        self.problem = self.problem_in("en")
        super().__init__(f"{self.path}: {self.problem}")

    def problem_in(self, lang: str | None = None) -> str:
        """The problem in `lang` (default: the current language)."""
        return render_file_problem(self.code, self.params, lang)


def render_file_problem(code: str, params: dict[str, Any], lang: str | None = None) -> str:
    """A file problem's text from its code and params. A `where` param is a (kind, id) pair,
    e.g. ("order", "FO-1001"), an `expected` param names a kind of value, and a known request
    `state` or order `status` is a word of the language too. Values found in the file are shown
    as Python writes them (`'paused'`)."""
    lang = lang or language()
    key = "file." + code
    if not has(key, lang):
        missing_keys.add(key)
        return f"{code} {params!r}"
    words = dict(params)
    if "where" in params:
        kind, ident = params["where"]
        words["where"] = text(lang, f"file.where.{kind}", {"id": ident})
    if "expected" in params:
        words["expected"] = text(lang, f"file.expected.{params['expected']}")
    for name, kind in (("state", "request_state"), ("status", "status_word")):
        if has(f"{kind}.{params.get(name)}", lang):
            words[name] = text(lang, f"{kind}.{params[name]}")
    return text(lang, key, words)
