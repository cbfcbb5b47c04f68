"""`rcsim map [--format text|mermaid|dot] [--policy P] [--rule NAME=VALUE] [--db FILE [--order ID]]
[--lang de] [--width N]`: print the flow map for documents and slides.

From the default rules, another policy (with rule overrides, for a what-if), or a simulation
file, opened read-only (its rules, overrides included, how many orders are in each status, and
with `--order` where that order stands and the path it took). No Textual here: it prints the
same model the app's flow map draws (tui/flowmap.py). Exit status 0, or 2 when the file, the
order or a rule is refused (the message says why; nothing is written).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from typing import TextIO

from rcsim.engine import RcsimError, Refusal, Simulation, SimulationFileError
from rcsim.tui.cli.common import Parser, own_arguments, parse, shared_options, speaking
from rcsim.tui.cli.rule_options import RuleOptionError, parse_rules
from rcsim.tui.flowmap import RENDERERS, build_map, locate, render_text
from rcsim.tui.words.i18n import refusal_text, render_file_problem, t
from rcsim.tui.words.safetext import clean

START = "2026-01-05T00:00:00Z"  # a map of rules alone: no order, no clock on it


def parser() -> argparse.ArgumentParser:
    # its --db is a file shown read-only, its --policy the rules drawn: words of its own
    shared = shared_options("policy", "rule", "db", "lang",
                            helps={"db": t("map.cli.db"), "policy": t("map.cli.policy")})
    p = Parser(prog="rcsim map", description=t("map.cli.description"), parents=[shared])
    p.add_argument("--format", choices=tuple(RENDERERS), default="text", help=t("map.cli.format"))
    p.add_argument("--order", metavar="ID", help=t("map.cli.order"))
    p.add_argument("--width", type=int, metavar="N", help=t("map.cli.width"))
    return p


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Print the map; the exit status (0, or 2 when something named is refused)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = own_arguments(argv, "map")
    with speaking(args):
        options = parse(parser(), args)
        if isinstance(options, int):
            return options
        text = _render(options, err)
        if text is None:
            return 2
        out.write(text)
        return 0


def _render(options: argparse.Namespace, err: TextIO) -> str | None:
    """The map the options ask for, or None after saying on `err` why not."""
    try:
        rules = parse_rules(options.rule, options.policy or "seed")
    except RuleOptionError as error:
        print(clean(t("map.cli.refused", message=str(error))), file=err)
        return None
    if options.db is None:
        if options.order is not None:
            print(t("map.cli.order_needs_db"), file=err)
            return None
        try:
            sim = Simulation.create(None, start=START, policy=options.policy or "seed",
                                    rules=rules)
        except Refusal as refusal:
            print(clean(t("map.cli.refused", message=refusal_text(refusal))), file=err)
            return None
        flow = build_map(sim.rules)
    else:
        if options.policy or rules:
            print(clean(t("map.cli.db_rules", path=options.db)), file=err)
            return None
        try:
            sim = Simulation.open(options.db, read_only=True)
        except SimulationFileError as error:
            print(clean(t("map.cli.cannot_open", path=error.path,
                          problem=render_file_problem(error.code, error.params))), file=err)
            return None
        except RcsimError as error:
            print(clean(t("cli.error", error=error)), file=err)
            return None
        try:
            if options.order is not None and options.order not in sim.order_ids():
                print(clean(t("map.cli.no_order", order=options.order, path=options.db)),
                      file=err)
                return None
            flow = locate(build_map(sim.rules), sim, options.order)
        finally:
            sim.close()
    if options.format == "text":
        width = options.width or shutil.get_terminal_size((160, 45)).columns
        return render_text(flow, max(40, width))
    return RENDERERS[options.format](flow)
