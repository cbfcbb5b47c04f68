"""MkDocs hooks of rcsim's documentation site (mkdocs.yml: `hooks`).

- Before the build: the package's tree of links in build/typecheck/ (tests/typecheck.py), where
  mkdocstrings reads the Python API (it cannot follow the editable install's import hook).
- On every page: a marker `<!-- rcsim: NAME -->` is replaced by a table generated from the code
  and the data (the keys, the rules by name, the refusal codes, the reasons, the command line),
  so that the reference can never go stale.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"<!-- rcsim: ([a-z_-]+) -->")


def on_startup(**_: Any) -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.typecheck import link_tree

    link_tree()


def on_page_markdown(markdown: str, **_: Any) -> str:
    def generated(found: re.Match[str]) -> str:
        make = GENERATORS.get(found.group(1))
        if make is None:
            raise ValueError(f"no generated table called {found.group(1)!r}")
        from rcsim.tui.words.i18n import using

        with using("en"):
            return make()

    return MARKER.sub(generated, markdown)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def keys() -> str:
    """Every key of the app and its screens, from their bindings, in the catalogue's words."""
    from textual.binding import Binding

    from rcsim.tui.app.app import RcsimApp
    from rcsim.tui.app.screens.dialog import Dialog
    from rcsim.tui.app.widgets.party_pane import PartyPane
    from rcsim.tui.words.i18n import has, t

    places: list[tuple[str, list[Any]]] = [("the app", list(RcsimApp.BINDINGS)),
                                           ("a party's pane", list(PartyPane.BINDINGS)),
                                           ("every dialog", list(Dialog.BINDINGS))]
    rows = []
    for place, bindings in places:
        for binding in bindings:
            if not isinstance(binding, Binding):
                continue
            what = t(binding.description) if has(binding.description) else binding.description
            key = binding.key_display or binding.key
            rows.append([f"`{key}`", what or binding.action, place])
    return _table(["key", "what it does", "where"], rows)


def rules() -> str:
    """The rules a simulation may change by name: unit, range, and each policy's value."""
    from rcsim.engine.rules import ADJUSTABLE, load_policies
    from rcsim.tui.app.screens.rules import range_words, rule_name, unit_words

    policies = load_policies()
    rows = [[f"`{name}`", rule_name(name), unit_words(spec), range_words(spec),
             *(policy.get(name, "") for policy in policies.values())]
            for name, spec in ADJUSTABLE.items()]
    return _table(["name", "what it is", "unit", "it can take",
                   *(f"policy {name}" for name in policies)], rows)


def refusals() -> str:
    """Every refusal code the engine gives, with its plain English (engine/english.py)."""
    from rcsim.engine.english import REFUSALS

    return _table(["code", "what it says (with its parameters in braces)"],
                  [[f"`{code}`", text] for code, text in sorted(REFUSALS.items())])


def reasons() -> str:
    """The reasons each party may give for asking to cancel, per policy."""
    from rcsim.engine.rules import load_policies
    from rcsim.tui.words.i18n import t

    rows = []
    for policy, data in load_policies().items():
        for party, codes in data.get("reasons", {}).items():
            for code in codes:
                rows.append([policy, party, f"`{code}`", t(f"reason.{party}.{code}")])
    return _table(["policy", "party", "code", "in words"], rows)


def command_line() -> str:
    """`--help` of rcsim and of each of its commands, as they print it."""
    from rcsim.tui.cli.commands import COMMANDS
    from rcsim.tui.cli.main import main

    sections = []
    for command in ("", *(command.name for command in COMMANDS)):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            main([*([command] if command else []), "--help", "--lang", "en"])
        title = f"rcsim {command}".strip()
        sections.append(f"### `{title}`\n\n```text\n{out.getvalue().rstrip()}\n```")
    return "\n\n".join(sections)


GENERATORS: dict[str, Callable[[], str]] = {
    "keys": keys, "rules": rules, "refusals": refusals, "reasons": reasons,
    "command-line": command_line,
}
