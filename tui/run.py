"""`rcsim run FILE... [--json] [--lang de]`: play scenario files headless, print what happened, exit 0, 1 or 2.

It prints a transcript per file (or one JSON document per line with ``--json``) and exits 0 when
every expectation held and every ``fails`` step was refused, 1 when one did not, and 2 when a file
is not a valid scenario (nothing is run then; a directory stands for its ``*.toml`` files). When
the reader of the output goes away (``rcsim run ... | head``) the run stops there, quietly, with
the status 141 a shell gives a command that a closed pipe ended. ``python -m tui.run FILE...``
does the same. Every text the runner prints comes from the translation files
(data/i18n/<lang>.json, keys "run.*"); ``--lang de`` prints German. File names and user text
(titles, notes, comments...) are printed inert, as the app shows them: an escape sequence is
shown, never executed. No Textual here: the runner starts fast and needs no display.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Iterable, Sequence, TextIO

from engine.scenario import ScenarioError, load, play

from .cli import Parser
from .i18n import LANGUAGES, language, set_language
from .report import error_text, report_json, text, transcript
from .safetext import clean, json_inert

def _files(paths: Iterable[str]) -> list[Path]:
    """The files named, with a directory standing for the *.toml files in it."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        found.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    return found


# The exit status when the reader of the output went away (`rcsim run ... | head`): 128 + SIGPIPE,
# what a shell reports for a command a closed pipe ended, as `yes | head` shows with pipefail.
PIPE_CLOSED = 141


def _say(stream: TextIO, line: str = "") -> None:
    """Print runner text, inert: it holds file names and user text (titles, notes...)."""
    print(clean(line), file=stream)


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """`rcsim run FILE... [--json]`: play scenario files; exit status 0, 1 or 2 (see the module),
    or PIPE_CLOSED (141) when the output's reader went away: the run stops there, quietly.

    `argv` may start with "run" (as `rcsim` hands it over) or with the first file.
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["run"]:
        args = args[1:]
    previous = language()
    try:
        parser = Parser(prog="rcsim run", description=text("help.description"))
        parser.add_argument("files", nargs="+", metavar="FILE", help=text("help.files"))
        parser.add_argument("--json", action="store_true", help=text("help.json"))
        parser.add_argument("--lang", choices=LANGUAGES, default="en", help=text("help.lang"))
        try:
            options = parser.parse_args(args)
        except SystemExit as exit_:  # argparse has printed its message; return rather than exit
            return int(exit_.code or 0)
        set_language(options.lang)
        return _run(options, out, err)
    except BrokenPipeError:
        _quiet(out, err)
        return PIPE_CLOSED
    finally:
        set_language(previous)


def _quiet(*streams: TextIO) -> None:
    """After a closed pipe: point each stream whose reader went away at the null device, so
    that what is still buffered, flushed at exit, raises nothing (Python's documented remedy)."""
    for stream in streams:
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            try:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, stream.fileno())
                os.close(null)
            except (OSError, ValueError):  # not a file (a test's StringIO): nothing is left
                pass


def _run(options: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Validate every file, then play each; the exit status of `main`."""
    files = _files(options.files)
    if not files:
        _say(err, text("no_files"))
        return 2
    # Every file is validated before any is played: nothing is half-run.
    scenarios, invalid = [], 0
    for path in files:
        try:
            scenarios.append(load(path))
        except ScenarioError as error:
            invalid += 1
            _say(err, text("invalid", message=error_text(error)))
    if invalid:
        _say(err, text("not_run", count=invalid))
        return 2
    passed = 0
    for index, scenario in enumerate(scenarios):
        report = play(scenario)
        passed += report.passed
        if options.json:
            # JSON escapes C0 controls itself; the rest a terminal acts on is escaped as \uXXXX.
            print(json_inert(json.dumps(report_json(report), ensure_ascii=False)), file=out)
        else:
            if index:
                _say(out)
            _say(out, transcript(report))
    if not options.json and len(scenarios) > 1:
        _say(out)
        _say(out, text("summary", count=len(scenarios), passed=passed,
                       failed=len(scenarios) - passed))
    return 0 if passed == len(scenarios) else 1


if __name__ == "__main__":
    sys.exit(main())
