"""The presenter bar: a scenario's title, the step counter, the next step and its note, the last
step's result (events, refusal, or each expectation with a PASS or FAIL), a running tally and,
at the end, the summary. Shown only while presenting (`rcsim --scenario FILE`).

It only shows what the scenario's `Player` holds; the App plays the steps (one `Player.step()`
per key press) and hands the results down.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from rcsim.engine import ExpectStep, Player, StepResult, UndoStep
from rcsim.engine import ScenarioStep as Step
from rcsim.tui.app.widgets._update import update
from rcsim.tui.words.describe import describe_event
from rcsim.tui.words.i18n import fmt_datetime, localized, refusal_text, t
from rcsim.tui.words.report import check_name, problem_text, step_parts, value_words
from rcsim.tui.words.text import clean
from rcsim.tui.words.travel import step_text

MAX_LINES = 8
"""Result lines shown for the last key press; the rest are counted ("... and 3 more")."""
VALUE_WIDTH = 60
"""What a user typed (a comment, an inbox text) is shortened to this many characters."""

PASS_STYLE = "bold $text-success on $success-muted"
FAIL_STYLE = "bold $text-error on $error-muted"


def describe_step(step: Step) -> str:
    """What a step will do, in the current language: the runner's words for its parts
    (tui/words/report.py), in the bar's sentences."""
    kind, parts = step_parts(step, VALUE_WIDTH)
    if kind == "action_fails":
        parts["error"] = t("present.step.error", error=parts["error"]) if parts["error"] else ""
    if kind == "until":
        parts["instant"] = fmt_datetime(parts["instant"], "datetime")
    return t(f"present.step.{kind}", **parts)


def _verdict(passed: bool) -> Content:
    return Content.styled(t("present.pass" if passed else "present.fail"),
                          PASS_STYLE if passed else FAIL_STYLE)


def result_lines(result: StepResult) -> list[Content]:
    """What one step did: the events it fired, its refusal, or each expectation; and why it
    did not go as the file says, if it did not."""
    step = result.step
    lines: list[Content] = []
    if isinstance(step, ExpectStep):
        for check in result.checks:
            lines.append(Content.assemble(
                _verdict(check.passed), " ",
                clean(t("present.check", name=check_name(check.key),
                        expected=value_words(check.key, check.expected, VALUE_WIDTH),
                        found=value_words(check.key, check.found, VALUE_WIDTH)))))
        return lines
    if result.refusal is not None and result.passed:  # refused, as the file says
        lines.append(Content.assemble(_verdict(True), " ", clean(
            t("present.refused_ok", message=refusal_text(result.refusal)))))
        return lines
    if isinstance(step, UndoStep):
        for entry in result.taken_back:
            lines.append(Content(clean(t("present.taken_back", what=step_text(entry),
                                         at=fmt_datetime(entry.at)))))
    elif result.refusal is None:
        for event in result.events:
            lines.append(Content(clean(t("present.event", at=fmt_datetime(event.at),
                                         what=describe_event(event)))))
        if not result.events:
            lines.append(Content(t("present.no_events")))
    if result.problem is not None:
        lines.append(Content.assemble(_verdict(False), " ", clean(problem_text(result))))
    return lines


class PresenterBar(Vertical):
    """Shows a Player's progress; `show(results)` after each key press (attributes down)."""

    def __init__(self, player: Player, last: Sequence[StepResult] = ()) -> None:
        super().__init__(id="presenter")
        self.player = player
        self.last: tuple[StepResult, ...] = tuple(last)

    def compose(self) -> ComposeResult:
        with Horizontal(id="present-head"):
            yield Static(id="present-title")
            yield Static(id="present-tally")
        yield Static(id="present-description")
        yield Static(id="present-last")
        yield Static(id="present-next")

    def on_mount(self) -> None:
        sc = self.player.scenario
        self.query_one("#present-title", Static).update(
            Content.styled(clean(t("present.title", title=" ".join(localized(sc.title).split()))),
                           "bold"))
        description = " ".join(localized(sc.description).split())
        widget = self.query_one("#present-description", Static)
        widget.display = bool(description)
        widget.update(Content(clean(description)))
        self.show(self.last)

    @property
    def tally(self) -> tuple[int, int]:
        """(passed, failed) expectations so far."""
        checks = [c for r in self.player.results for c in r.checks]
        passed = sum(1 for c in checks if c.passed)
        return passed, len(checks) - passed

    def show(self, results: Sequence[StepResult]) -> None:
        """Show the results of the last key press, the counter, the tally and what comes next."""
        self.last = tuple(results)
        player = self.player
        total = len(player.scenario.steps)
        passed, failed = self.tally
        steps_failed = sum(1 for r in player.results if not r.passed)
        tally = Content.assemble(
            t("present.counter", position=player.position, total=total), "   ",
            (t("present.tally", passed=passed, failed=failed),
             FAIL_STYLE if steps_failed else ""))
        update(self.query_one("#present-tally", Static), tally)
        update(self.query_one("#present-last", Static), self._last_content())
        update(self.query_one("#present-next", Static), self._next_content())

    def _last_content(self) -> Content:
        if not self.last:
            return Content(t("present.ready"))
        lines: list[Content] = []
        several = len(self.last) > 1
        if several:  # run to the end: say what was played, then only what went wrong
            lines.append(Content(t("present.played", first=self.last[0].number,
                                   last=self.last[-1].number)))
        for result in self.last:
            if several and result.passed:
                continue
            lines.append(Content.assemble(
                (clean(t("present.last", number=result.number,
                         what=describe_step(result.step))), "bold")))
            if len(self.last) == 1 and result.step.note:
                lines.append(Content.styled(clean(t("present.note",
                                                    note=localized(result.step.note))), "italic"))
            lines.extend(Content.assemble("  ", line) for line in result_lines(result))
        if len(lines) > MAX_LINES:
            more = len(lines) - (MAX_LINES - 1)
            lines = lines[: MAX_LINES - 1] + [Content(t("present.more", count=more))]
        return Content("\n").join(lines)

    def _next_content(self) -> Content:
        player = self.player
        step = player.next_step
        if step is None:
            report = player.report()
            passed, failed = self.tally
            steps_failed = len(report.failures)
            if steps_failed:
                text = t("present.summary.fail", steps=len(report.results), failed=steps_failed,
                         passed=passed, failed_checks=failed)
            else:
                text = t("present.summary.pass", steps=len(report.results), passed=passed)
            return Content.assemble(_verdict(not steps_failed), " ", (clean(text), "bold"))
        lines = [Content.assemble((t("present.next", number=step.number), "bold"), " ",
                                  clean(describe_step(step)))]
        if step.note:
            lines.append(Content.styled(
                clean(t("present.note", note=" ".join(localized(step.note).split()))), "italic"))
        return Content("\n").join(lines)
