"""The presenter bar: a scenario's title, the step counter, the next step and its note, the last
step's result (events, refusal, or each expectation with a PASS or FAIL), a running tally and,
at the end, the summary. Shown only while presenting (`rcsim --scenario FILE`).

It only shows what the scenario's `Player` holds; the App plays the steps (one `Player.step()`
per key press) and hands the results down.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from engine.scenario import (
    ActionStep, AdvanceStep, ExpectStep, Player, StepResult, Step, UntilStep,
)

from ..describe import describe_event, party_label, reason_label
from ..i18n import fmt_datetime, has, refusal_text, t
from ..text import clean, one_line
from ._update import update

MAX_LINES = 8
"""Result lines shown for the last key press; the rest are counted ("... and 3 more")."""
VALUE_WIDTH = 60

PASS_STYLE = "bold $text-success on $success-muted"
FAIL_STYLE = "bold $text-error on $error-muted"


def _value(value: Any) -> str:
    """A value of the file or of the simulation as the bar shows it (plain text, one line)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(_value(v) for v in value) if value else t("present.nothing")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return one_line(str(value), VALUE_WIDTH)


def _field_value(party: str, name: str, value: Any) -> str:
    if name == "reason" and has(f"reason.{party}.{value}"):
        return reason_label(party, value)  # a choice from a list: its label, not quoted
    if isinstance(value, str) and name != "request":
        return t("present.quoted", text=_value(value))  # typed text: quoted, on one line
    return _value(value)


def _fields(party: str, fields: Mapping[str, Any]) -> str:
    if not fields:
        return ""
    items = t("word.list_sep").join(
        t("present.field", field=t(f"field_word.{k}") if has(f"field_word.{k}") else k,
          value=_field_value(party, k, v))
        for k, v in fields.items())
    return t("present.fields", items=items)


def describe_step(step: Step) -> str:
    """What a step will do, in the current language."""
    if isinstance(step, ActionStep):
        params = {"actor": party_label(step.actor), "verb": t(f"verb.{step.action}"),
                  "order": step.order, "fields": _fields(step.actor, step.fields)}
        if step.fails:
            error = t("present.step.error", error=step.error) if step.error else ""
            return t("present.step.action_fails", error=error, **params)
        return t("present.step.action", **params)
    if isinstance(step, AdvanceStep):
        if step.seconds is None:
            return t("present.step.next")
        return t("present.step.advance", by=step.by)
    if isinstance(step, UntilStep):
        return t("present.step.until", instant=fmt_datetime(step.instant, "datetime"))
    assert isinstance(step, ExpectStep)
    if step.order is None:
        return t("present.step.expect_now")
    return t("present.step.expect", order=step.order)


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
                clean(t("present.check", name=check.key, expected=_value(check.expected),
                        found=_value(check.found)))))
        return lines
    if result.refusal is not None:
        message = refusal_text(result.refusal)
        if isinstance(step, ActionStep) and step.fails and result.passed:
            lines.append(Content.assemble(_verdict(True), " ",
                                          clean(t("present.refused_ok", message=message))))
        elif isinstance(step, ActionStep) and step.fails:  # refused, but not as the file says
            lines.append(Content.assemble(_verdict(False), " ", clean(
                t("present.problem.wrong_refusal", error=step.error or "", message=message))))
        elif isinstance(step, ActionStep):
            lines.append(Content.assemble(_verdict(False), " ",
                                          clean(t("present.refused", message=message))))
        else:
            lines.append(Content.assemble(_verdict(False), " ",
                                          clean(t("present.problem.clock", message=message))))
        return lines
    for event in result.events:
        lines.append(Content(clean(t("present.event", at=fmt_datetime(event.at),
                                     what=describe_event(event)))))
    if not result.events:
        lines.append(Content(t("present.no_events")))
    if isinstance(step, ActionStep) and step.fails:  # allowed, but it should have been refused
        lines.append(Content.assemble(_verdict(False), " ", t("present.problem.not_refused")))
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
            Content.styled(clean(t("present.title", title=" ".join(sc.title.split()))), "bold"))
        description = " ".join((sc.description or "").split())
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
                lines.append(Content.styled(clean(t("present.note", note=result.step.note)),
                                            "italic"))
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
            lines.append(Content.styled(clean(t("present.note", note=" ".join(step.note.split()))),
                                        "italic"))
        return Content("\n").join(lines)
