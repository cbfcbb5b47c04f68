"""The time-travel commands: `rcsim log FILE [--json]`, `rcsim branch FILE --at STEP -o NEW.json`,
`rcsim diff A.json B.json [--json]`: their options, the files they open, their exit status; what
they print is in words in tui/words/travel.py.

No Textual here: the commands start fast and need no display. Files are opened read-only
(`rcsim log`, `rcsim diff`, and the file a branch is made of): a file another rcsim has open can
be read, and nothing is written to it. Exit status: `log` and `branch` 0, or 2 when a file or a
step is refused; `diff` 0 when the two simulations are the same, 1 when they differ, 2 when a
file is refused, like `diff`. File names and what users typed are printed inert.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from rcsim.engine import RcsimError, Refusal, Simulation, SimulationFileError
from rcsim.tui.cli.common import Parser, ends_quietly, own_arguments, shared_options, speaking
from rcsim.tui.words.i18n import refusal_text, render_file_problem, t
from rcsim.tui.words.safetext import clean, json_inert
from rcsim.tui.words.travel import comparison_json, comparison_lines, history_json, history_lines


def _say(stream: TextIO, line: str = "") -> None:
    print(clean(line), file=stream)


class _Refused(Exception):
    """Said on stderr already: the command exits 2."""


def _open(path: str, err: TextIO) -> Simulation:
    try:
        return Simulation.open(path, read_only=True)
    except SimulationFileError as error:
        _say(err, t("travel.cli.cannot_open", path=error.path,
                    problem=render_file_problem(error.code, error.params)))
    except RcsimError as error:
        _say(err, t("cli.error", error=error))
    raise _Refused


def _refused(err: TextIO, refusal: Refusal) -> _Refused:
    _say(err, t("travel.cli.refused", message=refusal_text(refusal)))
    return _Refused()


def _with_language(args: list[str], run: Callable[[], int]) -> int:
    """`run()` in the language the arguments choose (as every command does); the exit status:
    argparse's, 2 for a file or step refused (said already), else `run`'s."""
    with speaking(args):
        try:
            return int(run())
        except SystemExit as exit_:  # argparse has said why
            return int(exit_.code or 0)
        except _Refused:
            return 2


def log_main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
             stderr: TextIO | None = None) -> int:
    """`rcsim log FILE [--json] [--lang de]`: the history of a simulation file."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    args = own_arguments(argv, "log")

    def run() -> int:
        p = Parser(prog="rcsim log", description=t("travel.cli.log.description"),
                   parents=[shared_options("lang")])
        p.add_argument("file", metavar="FILE", help=t("travel.cli.file"))
        p.add_argument("--json", action="store_true", help=t("travel.cli.json"))
        options = p.parse_args(args)
        with _open(options.file, err) as sim:
            try:
                if options.json:
                    print(json_inert(json.dumps(history_json(sim, options.file),
                                                ensure_ascii=False)), file=out)
                else:
                    for line in history_lines(sim, options.file):
                        _say(out, line)
            except Refusal as refusal:
                raise _refused(err, refusal) from None
        return 0

    return _with_language(args, run)


def branch_main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
                stderr: TextIO | None = None) -> int:
    """`rcsim branch FILE --at STEP -o NEW.json`: a new simulation of FILE's first STEP steps."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    args = own_arguments(argv, "branch")

    def run() -> int:
        p = Parser(prog="rcsim branch", description=t("travel.cli.branch.description"),
                   parents=[shared_options("lang")])
        p.add_argument("file", metavar="FILE", help=t("travel.cli.file"))
        p.add_argument("--at", type=int, required=True, metavar="STEP", help=t("travel.cli.branch.at"))
        p.add_argument("-o", "--output", required=True, metavar="NEW.json",
                       help=t("travel.cli.branch.output"))
        options = p.parse_args(args)
        with _open(options.file, err) as sim:
            try:
                sim.branch(options.at, options.output)
            except Refusal as refusal:
                raise _refused(err, refusal) from None
            except SimulationFileError as error:
                _say(err, t("travel.cli.cannot_write", path=error.path,
                            problem=render_file_problem(error.code, error.params)))
                raise _Refused from None
            _say(out, t("travel.cli.branched", path=options.output, file=options.file,
                        step=options.at))
        return 0

    return _with_language(args, run)


def diff_main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
              stderr: TextIO | None = None) -> int:
    """`rcsim diff A.json B.json [--json]`: 0 the same, 1 they differ, 2 a file refused."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    args = own_arguments(argv, "diff")

    def run() -> int:
        p = Parser(prog="rcsim diff", description=t("travel.cli.diff.description"),
                   parents=[shared_options("lang")])
        p.add_argument("a", metavar="A.json", help=t("travel.cli.file"))
        p.add_argument("b", metavar="B.json", help=t("travel.cli.file"))
        p.add_argument("--json", action="store_true", help=t("travel.cli.json"))
        options = p.parse_args(args)
        with _open(options.a, err) as a, _open(options.b, err) as b:
            comparison = a.compare(b)
        if options.json:
            print(json_inert(json.dumps(comparison_json(comparison, options.a, options.b),
                                        ensure_ascii=False)), file=out)
        else:
            for line in comparison_lines(comparison, options.a, options.b):
                _say(out, line)
        return 0 if comparison.equal else 1

    return _with_language(args, run)


COMMANDS = {"log": log_main, "branch": branch_main, "diff": diff_main}


if __name__ == "__main__":
    sys.exit(ends_quietly(lambda: COMMANDS[sys.argv[1]](sys.argv[2:]))
             if sys.argv[1:2] and sys.argv[1] in COMMANDS else 2)
