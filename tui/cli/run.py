"""`rcsim run FILE... [--rule NAME=VALUE] [--json] [--lang de]`: play scenario files headless,
print what happened, exit 0, 1 or 2.

It prints a transcript per file (or one JSON document per line with ``--json``) and exits 0 when
every expectation held and every ``fails`` step was refused, 1 when one did not, and 2 when a file
is not a valid scenario (nothing is run then; a directory stands for its ``*.toml`` files). When
the reader of the output goes away (``rcsim run ... | head``) the run stops there, quietly, with
the status 141 a shell gives a command that a closed pipe ended. ``python -m rcsim.tui.cli.run FILE...``
does the same. Every text the runner prints comes from the translation files
(data/i18n/<lang>.json, keys "run.*"), in the language of the locale unless ``--lang de|en``
says otherwise, as every command does (tui/cli/common.py). File names and user text
(titles, notes, comments...) are printed inert, as the app shows them: an escape sequence is
shown, never executed. No Textual here: the runner starts fast and needs no display.

With ``--rule NAME=VALUE`` (repeatable) it answers "which stories change?": every story is played
twice, under its own rules and with the rule changed (the change replaces the file's own value
for that name), and the output is a summary table of every story, those the change touches
first, then per touched story the expectations that now fail and what was found instead. The exit
status is then 0 when every story holds with the change, 1 when one does not.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, TextIO

from rcsim.engine import (
    Refusal,
    Scenario,
    ScenarioError,
    policy_rules,
    with_changes,
)
from rcsim.engine import (
    ScenarioReport as Report,
)
from rcsim.engine import (
    load_scenario as load,
)
from rcsim.engine import (
    play_scenario as play,
)
from rcsim.tui.cli import examples
from rcsim.tui.cli.common import (
    Parser,
    ends_quietly,
    own_arguments,
    parse,
    shared_options,
    speaking,
)
from rcsim.tui.cli.rule_options import RuleOptionError, parse_rules
from rcsim.tui.words.i18n import language, localized, refusal_text
from rcsim.tui.words.report import describe_failures, error_text, report_json, text, transcript
from rcsim.tui.words.safetext import clean, json_inert


def _files(paths: Iterable[str]) -> list[Path]:
    """The files named, with a directory standing for the *.toml files in it and the name of a
    bundled scenario for that file (tui/cli/examples.py)."""
    found: list[Path] = []
    for name in paths:
        path = Path(examples.resolve(name, examples.STORIES))
        found.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    return found


def _say(stream: TextIO, line: str = "") -> None:
    """Print runner text, inert: it holds file names and user text (titles, notes...)."""
    print(clean(line), file=stream)


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """`rcsim run FILE... [--json]`: play scenario files; exit status 0, 1 or 2 (see the module).
    A closed pipe (the output's reader went away) ends it with PIPE_CLOSED (141), quietly:
    `rcsim` (tui/cli/main.py) and `python -m rcsim.tui.cli.run` see to that for every command.

    `argv` may start with "run" (as `rcsim` hands it over) or with the first file.
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = own_arguments(argv, "run")
    with speaking(args):  # before the parser, so that its help speaks it too
        parser = Parser(prog="rcsim run", description=text("help.description"),
                        parents=[shared_options("lang", "rule")])
        parser.add_argument("files", nargs="*", metavar="FILE", help=text("help.files"))
        parser.add_argument("--examples", action="store_true", help=text("help.examples"))
        parser.add_argument("--json", action="store_true", help=text("help.json"))
        options = parse(parser, args)
        if isinstance(options, int):  # argparse has printed its message or the help
            return options
        return _run(options, out, err)


def _run(options: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Validate every file, then play each; the exit status of `main`."""
    files = _files([*options.files, *(examples.every(examples.STORIES)
                                      if options.examples else ())])
    if not files:
        _say(err, text("no_files"))
        return 2
    try:
        changes = parse_rules(options.rule, policy=None)
    except RuleOptionError as error:
        _say(err, text("rule_refused", message=str(error)))
        return 2
    # Every file is validated before any is played: nothing is half-run.
    scenarios, invalid = [], 0
    for path in files:
        try:  # what the parties type and the orders' titles in the run's language, where given
            scenarios.append(load(path).in_language(language()))
        except ScenarioError as error:
            invalid += 1
            _say(err, text("invalid", message=error_text(error)))
    if invalid:
        _say(err, text("not_run", count=invalid))
        return 2
    if changes:
        try:
            changed = [with_rules(scenario, changes) for scenario in scenarios]
        except RuleOptionError as error:
            _say(err, text("rule_refused", message=str(error)))
            return 2
        return _what_if(scenarios, changed, changes, options.json, out)
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


def with_rules(scenario: Scenario, changes: Sequence[str] | dict[str, Any]) -> Scenario:
    """The scenario with some rules changed (`NAME=VALUE` pairs, or checked changes), replacing
    its own value for each name; RuleOptionError when its rules cannot take them."""
    if not isinstance(changes, dict):
        changes = parse_rules(changes, policy=None)
    if not changes:
        return scenario
    try:
        with_changes(policy_rules(scenario.policy, dict(scenario.rules)), changes)
    except Refusal as refusal:
        raise RuleOptionError(text("rule_in_file", path=scenario.path,
                                   message=refusal_text(refusal))) from None
    return replace(scenario, rules=MappingProxyType({**scenario.rules, **changes}))


def _failures(report: Report) -> list[tuple[Any, ...]]:
    """What went wrong in a run, comparable across runs: each failed step's number and problem,
    each failed expectation's key and what was found."""
    found: list[tuple[Any, ...]] = []
    for result in report.failures:
        found.append((result.number, result.problem))
        found.extend((result.number, c.key, repr(c.found)) for c in result.checks if not c.passed)
    return found


def _what_if(scenarios: list[Scenario], with_change: list[Scenario], changes: dict[str, Any],
             as_json: bool, out: TextIO) -> int:
    """Play each story under its own rules and with the change; say which stories it touches:
    a table of every story (the touched ones first), then the details of each touched one."""
    rows: list[tuple[Scenario, Report, Report, bool]] = []
    for own, other in zip(scenarios, with_change, strict=False):
        before, after = play(own), play(other)
        rows.append((own, before, after, _failures(before) != _failures(after)))
    if as_json:
        for _own, before, after, touched in rows:
            document = report_json(after)
            document.update(rules_changed=dict(changes), changed=touched,
                            passed_with_own_rules=before.passed)
            print(json_inert(json.dumps(document, ensure_ascii=False)), file=out)
        return 0 if all(after.passed for _, _, after, _ in rows) else 1
    rules = ", ".join(f"{name} = {value}" for name, value in changes.items())
    changed = [row for row in rows if row[3]]
    _say(out, text("whatif.title", rules=rules))
    _say(out, text("whatif.count", count=len(rows), touched=len(changed),
                   same=len(rows) - len(changed)))
    _say(out)
    ordered = changed + [row for row in rows if not row[3]]
    names = [own.name for own, *_ in ordered]
    width = max(len(text("whatif.story")), *(len(clean(name)) for name in names))
    own_width = max(len(text("whatif.own")), len(text("whatif.pass")),
                    *(len(_outcome(before)) for _, before, _, _ in ordered))
    _say(out, "  " + text("whatif.story").ljust(width) + "  " + text("whatif.own").ljust(own_width)
         + "  " + text("whatif.with"))
    for own, before, after, is_touched in ordered:
        mark = text("whatif.mark") if is_touched else " "
        _say(out, f"{mark} {clean(own.name).ljust(width)}  {_outcome(before).ljust(own_width)}  "
                  f"{_outcome(after)}")
    for own, before, after, _ in changed:
        _say(out)
        _say(out, text("whatif.story_title", path=own.name, title=localized(own.title)))
        lines = describe_failures(after)
        if not lines:
            _say(out, text("whatif.now_holds"))
        for line in lines:
            _say(out, line)
        if not before.passed:
            _say(out, text("whatif.failed_before", failed=len(before.failures)))
    return 0 if all(after.passed for _, _, after, _ in rows) else 1


def _outcome(report: Report) -> str:
    """A story's run in a table cell: it holds, or how many of its steps fail."""
    if report.passed:
        return text("whatif.pass")
    return text("whatif.fail", failed=len(report.failures), steps=len(report.results))


if __name__ == "__main__":
    sys.exit(ends_quietly(main))
