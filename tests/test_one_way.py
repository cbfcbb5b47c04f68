"""One way for each thing: a rule of the engine is asked of the engine, never copied elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The modules that state a rule: the rules data's reader and the state machine.
RULE_MODULES = {ROOT / "engine" / "rules.py", ROOT / "engine" / "core.py"}

COPIES = {
    # who answers a request: "requester" for a withdrawal, "responder" for the other answers
    "the role rule": re.compile(r"""["']requester["']\s+if\b|if\s+[\w.]+\s*==\s*["']withdraw["']\s+else"""),
    # the statuses an order may start in
    "the starting statuses": re.compile(
        r"""\(\s*["']incomplete["']\s*,\s*["']in_progress["']\s*,\s*["']delivered["']\s*,?\s*\)"""),
}


def _sources() -> list[Path]:
    files = sorted((ROOT / "engine").rglob("*.py")) + sorted((ROOT / "tui").rglob("*.py"))
    return [f for f in files if f not in RULE_MODULES]


def test_no_module_copies_a_rule_the_engine_states() -> None:
    hits = []
    for path in _sources():
        source = path.read_text(encoding="utf-8")
        for name, pattern in COPIES.items():
            for match in pattern.finditer(source):
                line = source.count("\n", 0, match.start()) + 1
                hits.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert hits == []


def test_the_patterns_find_what_they_look_for() -> None:
    samples = {
        "the role rule": 'role = "requester" if action == "withdraw" else "responder"',
        "the starting statuses": 'ORDER_STATUSES = ("incomplete", "in_progress", "delivered")',
    }
    for name, sample in samples.items():
        assert COPIES[name].search(sample), name
    assert COPIES["the role rule"].search('x = event.actor if event.type == "withdraw" else y')
