"""Command line: `rcsim` opens (or creates) a simulation file and starts the App; `rcsim COMMAND
...` runs one of the commands of the registry (tui/cli/commands.py: run, map, shots, experiment,
log, branch, diff, serve, class, examples), its module imported only then."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from rcsim.engine import (
    PARTIES,
    BundledFileError,
    RcsimError,
    Refusal,
    Simulation,
    SimulationFileError,
    create_demo,
    real_path,
)
from rcsim.tui.cli import commands
from rcsim.tui.cli.common import Parser, choose_language, default_path, ends_quietly, shared_options
from rcsim.tui.cli.rule_options import RuleOptionError, parse_rules
from rcsim.tui.words.i18n import language, refusal_text, render_file_problem, set_language, t

__all__ = ["default_path", "load_simulation", "main", "open_or_say", "run", "wall_clock_hour"]


def wall_clock_hour() -> datetime:
    """The current hour of the wall clock in UTC (minutes zeroed): the start of a new simulation.

    The UI may read the OS clock; the engine never does.
    """
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def parser() -> argparse.ArgumentParser:
    """The bare `rcsim`'s options; its help ends with every command of the registry."""
    p = Parser(prog="rcsim", description=t("cli.description"), epilog=commands.listing(),
               formatter_class=argparse.RawDescriptionHelpFormatter,
               parents=[shared_options("db", "policy", "rule", "lang")])
    p.add_argument("--new", action="store_true", help=t("cli.new"))
    p.add_argument("--scenario", metavar="FILE", help=t("present.cli.scenario"))
    p.add_argument("--as", dest="role", choices=PARTIES, help=t("cli.as"))
    p.add_argument("--clock", action="store_true", help=t("cli.clock"))
    p.add_argument("--version", action=VersionAction, help=t("cli.version"))
    # A tab of `rcsim serve`: confined (no path its user types is read or written) and ended
    # with the server. Not for people: rcsim serve passes it.
    p.add_argument("--served", action="store_true", help=argparse.SUPPRESS)
    # A pair's trainer view in a served class: `b` leads back to the dashboard at this link.
    p.add_argument("--class-link", help=argparse.SUPPRESS)
    return p


def role_problem(options: argparse.Namespace) -> str | None:
    """Why these options cannot start a party's window, or None: a party's window joins the
    simulation the trainer set up (it does not start one afresh, nor present a scenario)."""
    if options.clock and options.role is None:
        return t("cli.clock_needs_as")
    if options.role is not None:
        for option, given in (("--new", options.new), ("--rule", options.rule),
                              ("--policy", options.policy), ("--scenario", options.scenario)):
            if given:
                return t("cli.as_refused", option=option)
    return None


def take_seat(sim: Simulation, options: argparse.Namespace) -> str | None:
    """Take this window's seat on the simulation (the trainer's, or `--as` a party's: one
    window per party seat) and, where it moves the clock, the clock (a party's `--clock` only
    while no other window holds it); why not, in words, or None."""
    try:
        sim.claim_seat(options.role or "trainer")
    except Refusal as refusal:
        return t("cli.seat_taken", message=refusal_text(refusal))
    if options.clock and not sim.claim_clock():
        return t("cli.clock_taken")
    if options.role is None:
        sim.claim_clock()  # the trainer's window moves the clock: a party's --clock waits for it
    return None


def backup_name(path: Path, now: datetime) -> Path:
    """A free name next to `path` for keeping an old simulation ("simulation.json.20260302T0900.bak")."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.{stamp}.bak")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.{stamp}-{n}.bak")
    return candidate


# What to do about a file that was refused: advice that works for that problem. A file another
# rcsim is writing is free again in a moment; a file that is no simulation at all is not helped by
# --new (it would move someone's file aside), nor a folder or a disk that takes no file.
ADVICE = {
    "busy": "busy",
    "damaged": "start_afresh", "bad_rules": "start_afresh", "no_policy": "start_afresh",
    "checksum": "start_afresh", "unsealed": "start_afresh", "sealed_short": "start_afresh",
    "wrong_version": "start_afresh", "empty": "start_afresh",
    "folder_not_writable": "folder", "not_a_folder": "folder", "folder_missing": "folder",
    "write_failed": "disk",
}
CONSISTENCY = ("field_", "duplicate", "unknown_value", "same_party", "dangling_", "request_unlisted",
               "open_", "cancellation_", "deadline_", "auto_complete_", "event_", "counter_")


def advice(error: SimulationFileError) -> str:
    """The advice that fits a refused file, in the current language."""
    code = error.code
    kind = ADVICE.get(code) or ("start_afresh" if code.startswith(CONSISTENCY) else "other_file")
    return t(f"cli.advice.{kind}")


class RulesOfExistingFile(Exception):
    """`--rule` given for a simulation file that exists (without --new): refused, untouched."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


def load_simulation(argv: Sequence[str] | None = None) -> Simulation:
    """The simulation the arguments ask for: opened, or created from the demo (with `--rule`
    overrides). Raises RcsimError, RuleOptionError (a `--rule` the rules cannot take),
    RulesOfExistingFile (`--rule` for a file that exists, without --new), and OSError where the
    system refuses the default folder."""
    args = parser().parse_args(argv)
    rules = parse_rules(args.rule, args.policy or "seed")
    path = Path(args.db).expanduser() if args.db else default_path()
    exists = os.path.exists(path)  # through links; False where the system cannot tell
    if rules and exists and not args.new:
        # An existing simulation has rules of its own and a history: a change belongs in it as
        # a step, seen on the rules screen, with what it does to running deadlines, and undone
        # there; a command-line option that silently wrote one would surprise.
        raise RulesOfExistingFile(path)
    if args.db is None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if exists and not args.new:
        sim = Simulation.open(path)
        if args.policy and args.policy != sim.policy:
            print(t("cli.policy_ignored", path=path, policy=sim.policy), file=sys.stderr)
        return sim
    # --new: the engine keeps the old file aside (never deleting it) and refuses one in use; the
    # old file is kept beside the file itself, where a link leads there
    backup = backup_name(real_path(path), datetime.now(UTC)) if exists else None
    sim = create_demo(path, start=wall_clock_hour(), policy=args.policy or "seed",
                      keep_old_as=backup, rules=rules)
    if backup is not None:
        print(t("cli.backup", backup=backup), file=sys.stderr)
    return sim


def open_or_say(argv: Sequence[str], err: TextIO) -> Simulation | None:
    """`load_simulation(argv)`, or None after saying on `err` why not, in the current language:
    the one way the commands that open a simulation (rcsim, rcsim serve) say a refusal."""
    try:
        return load_simulation(argv)
    except RuleOptionError as error:
        print(t("cli.rule_refused", message=str(error)), file=err)
    except RulesOfExistingFile as error:
        print(t("cli.rule_existing", path=error.path), file=err)
    except Refusal as refusal:  # the demo's own steps, refused under the rules asked for
        print(t("cli.rule_demo", message=refusal_text(refusal)), file=err)
    except SimulationFileError as error:
        print(t("cli.refused", path=error.path, problem=render_file_problem(error.code, error.params),
                advice=advice(error)), file=err)
    except RcsimError as error:
        print(t("cli.error", error=error), file=err)
    except OSError as error:  # the system refused a folder before the engine was asked
        print(t("cli.cannot_use", path=error.filename or "", reason=error.strerror or error,
                advice=t("cli.advice.folder")), file=err)
    return None


def run() -> None:
    """The `rcsim` command: `main()` with the process's arguments, its result the exit status."""
    sys.exit(main())


def main(argv: Sequence[str] | None = None) -> int:
    """`rcsim ARGS` (see `dispatch`), in every command alike: a file that rcsim ships with found
    missing or damaged is one line naming it and the fix, exit status 2; a reader of the output
    that went away (`rcsim log FILE | head`) ends the command quietly, exit status 141."""
    return ends_quietly(lambda: _shipped_files_checked(argv))


def _shipped_files_checked(argv: Sequence[str] | None) -> int:
    try:
        return dispatch(argv)
    except BundledFileError as error:
        # Not in the catalogue's words: the catalogue may be the file that is missing.
        print(f"rcsim: a file rcsim ships with is {error.reason}: {error.path}. "
              "Reinstall rcsim to repair it (for example: pipx reinstall rcsim).", file=sys.stderr)
        return 2


class VersionAction(argparse.Action):
    """`--version`: the installed package's version, read from its metadata when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        print(f"rcsim {version()}")
        parser.exit()


def version() -> str:
    """rcsim's version from its installed metadata ("0.2.0")."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version("rcsim")
    except PackageNotFoundError:
        return "(not installed)"


def dispatch(argv: Sequence[str] | None = None) -> int:
    """`rcsim COMMAND ...`: the command of the registry (tui/cli/commands.py), its module
    imported now; else the bare `rcsim [--db FILE] [--new] [--policy seed|current]
    [--rule NAME=VALUE] [--lang de|en] [--scenario FILE] [--as ROLE [--clock]]`: the app."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = commands.find(args)
    if command is not None:
        return int(commands.entry(command)(args[1:]) or 0)
    return open_app(args)


def open_app(args: list[str]) -> int:
    """The bare `rcsim`: the app on the simulation the options ask for (or presenting a
    scenario); 2 when they, the file or the seat are refused."""
    set_language(choose_language(args))
    options = parser().parse_args(args)
    problem = role_problem(options)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    if options.scenario is not None:
        return present(options.scenario, options.rule)
    sim = open_or_say(args, sys.stderr)
    if sim is None:
        return 2
    problem = take_seat(sim, options)
    if problem is not None:
        sim.close()
        print(problem, file=sys.stderr)
        return 2
    from rcsim.tui.app.app import make_app

    app = make_app(sim, role=options.role, holds_clock=options.clock or options.role is None,
                   confined=options.served or options.role is not None,
                   ends_with_parent=options.served,
                   class_link=options.class_link if options.served else None)
    try:
        app.run()
    finally:
        app.sim.close()  # (a branch opened in the app: the simulation it shows at the end)
        sim.close()
    return exit_status(app)


def exit_status(app: object) -> int:
    """The process's exit status after the app ends: a crash is never 0 (Textual sets the
    return code to 1 on an unhandled exception and shows the traceback)."""
    code = getattr(app, "return_code", None)
    return 0 if code is None else int(code)


def present(path: str, rule_pairs: Sequence[str] = ()) -> int:
    """`rcsim --scenario FILE [--rule NAME=VALUE]`: the app on a fresh in-memory simulation of
    the file's orders (its rules, with `--rule` changing some), with the presenter bar stepping
    through it; a bad file or rule is reported and exits 2."""
    from rcsim.engine import Player, ScenarioError
    from rcsim.engine import load_scenario as load
    from rcsim.tui.cli import examples
    from rcsim.tui.cli.run import with_rules

    try:
        # (what the parties type and the orders' titles in the app's language at the start,
        # where the file gives them per language; the narration follows a switch of language)
        scenario = load(examples.resolve(path, examples.STORIES)).in_language(language())
        player = Player(with_rules(scenario, rule_pairs))
    except ScenarioError as error:
        from rcsim.tui.words.report import error_text

        print(t("present.cli.invalid", message=error_text(error)), file=sys.stderr)
        return 2
    except RuleOptionError as error:
        print(t("cli.rule_refused", message=str(error)), file=sys.stderr)
        return 2
    from rcsim.tui.app.app import make_app

    app = make_app(player.simulation, player=player)
    app.run()
    return exit_status(app)


if __name__ == "__main__":
    run()
