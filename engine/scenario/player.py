"""Playing a scenario on a fresh simulation, one step at a time, and checking what the file expects."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ..errors import Refusal
from ..service import Simulation
from ..timeutil import iso, to_ts
from ..views import EventView, HistoryEntry, OrderView
from .steps import ActionStep, AdvanceStep, ExpectStep, Scenario, Step, Text, UndoStep, UntilStep


@dataclass(frozen=True)
class CheckResult:
    """One expectation: the key, what the file expected, what the simulation showed."""

    key: str
    expected: Any
    found: Any
    passed: bool


@dataclass(frozen=True)
class StepResult:
    """What one step did: the events it fired (each with its simulated time), the refusal it
    met, or its checks; `passed` says whether it went as the file says, `problem` why not, as
    a code: "refused" (an action the file expects to succeed), "not_refused" (a `fails` step
    that was allowed), "wrong_refusal" (refused, but not as its `error` says), "clock" (the
    clock could not move), "undo" (fewer steps than it says were taken since the start).
    `taken_back`: the steps an `undo` step took back. `steps_before` and `steps_after`: the
    simulation's `step_count` before and after the step (so that it can be stepped back)."""

    step: Step
    passed: bool
    now: datetime
    events: tuple[EventView, ...] = ()
    refusal: Refusal | None = None
    checks: tuple[CheckResult, ...] = ()
    problem: str | None = None
    taken_back: tuple[HistoryEntry, ...] = ()
    steps_before: int = 0
    steps_after: int = 0

    @property
    def number(self) -> int:
        return self.step.number


@dataclass(frozen=True)
class Report:
    """A whole run: the scenario, the events of its set-up, and every step's result."""

    scenario: Scenario
    setup_events: tuple[EventView, ...]
    results: tuple[StepResult, ...]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> tuple[StepResult, ...]:
        return tuple(r for r in self.results if not r.passed)


class Player:
    """Plays a Scenario on a fresh in-memory Simulation, one step at a time.

    The app presents a scenario by calling `step()` once per key press and showing
    `simulation` after it; `run()` plays whatever is left. A step that does not go as the file
    says is recorded as failed and the play continues.
    """

    def __init__(self, scenario: Scenario, simulation: Simulation | None = None) -> None:
        """`simulation`: one made by `scenario.simulation(...)` and not changed since; by
        default a fresh in-memory one."""
        self.scenario = scenario
        self.simulation = simulation if simulation is not None else scenario.simulation()
        self.setup_events: tuple[EventView, ...] = self.simulation.events()
        self.setup_steps = self.simulation.step_count  # what `undo` never takes back
        self.results: list[StepResult] = []

    @property
    def position(self) -> int:
        """How many steps have been played."""
        return len(self.results)

    @property
    def done(self) -> bool:
        return self.position >= len(self.scenario.steps)

    @property
    def next_step(self) -> Step | None:
        """The step `step()` will play, or None at the end."""
        return None if self.done else self.scenario.steps[self.position]

    def step(self) -> StepResult:
        """Play the next step and return its result; IndexError when all have been played."""
        if self.done:
            raise IndexError("every step of the scenario has been played")
        step = self.scenario.steps[self.position]
        before = self.simulation.step_count
        if isinstance(step, ActionStep):
            result = self._act(step)
        elif isinstance(step, ExpectStep):
            result = self._expect(step)
        elif isinstance(step, UndoStep):
            result = self._undo(step)
        else:
            result = self._move(step)
        result = replace(result, steps_before=before, steps_after=self.simulation.step_count)
        self.results.append(result)
        return result

    def undo(self) -> StepResult | HistoryEntry:
        """Step back (a presenter going back to replay a moment): steps taken by hand on the
        simulation since the last step played are taken back first, one per call (that step is
        returned); else the last step played is taken back (the simulation goes back to just
        before it, an `undo` step's steps are put back) and its result returned, and it is the
        next step again. IndexError when nothing has been played or done."""
        sim = self.simulation
        last = self.results[-1] if self.results else None
        if sim.step_count > (last.steps_after if last else self.setup_steps):
            return sim.undo()
        if last is None:
            raise IndexError("no step of the scenario has been played")
        self.results.pop()
        if sim.step_count != last.steps_before:
            kept = sim.step_count + sim.redo_count
            again = [dict(entry.record) for entry in last.taken_back]
            ahead = [dict(sim.history_entry(n).record)
                     for n in range(sim.step_count + 1, min(kept, last.steps_before) + 1)]
            if last.steps_before <= sim.step_count or ahead == again:
                sim.rewind(last.steps_before)  # (its steps are still there to put back)
            else:  # a step taken since dropped them: they are taken again, as they were
                for record in again:
                    sim.replay(record)
        return last

    def run(self) -> Report:
        """Play every remaining step and return the report of the whole run."""
        while not self.done:
            self.step()
        return self.report()

    def report(self) -> Report:
        """The report of the steps played so far."""
        return Report(self.scenario, self.setup_events, tuple(self.results))

    def _act(self, step: ActionStep) -> StepResult:
        sim = self.simulation
        try:
            # (a text given per language, unless the scenario was put in one: the English one)
            fields = {k: str(v) if isinstance(v, Text) else v for k, v in step.fields.items()}
            events = sim.act(step.actor, step.action, step.order, **fields)
        except Refusal as refusal:
            # A refusal changes nothing: the engine promises it (tests/engine/test_journal.py),
            # so the state is not compared around each action (that cost the whole state).
            problem: str | None
            if not step.fails:
                problem = "refused"
            elif step.error is not None and not refusal_matches(refusal, step.error):
                problem = "wrong_refusal"
            else:
                problem = None
            return StepResult(step, problem is None, sim.now, refusal=refusal, problem=problem)
        problem = "not_refused" if step.fails else None
        return StepResult(step, problem is None, sim.now, events=events, problem=problem)

    def follow(self) -> int:
        """After the simulation was taken back by other means (the app's timeline): forget the
        steps played after the step it now stands at, which are to be played again. Returns
        how many were forgotten."""
        count = 0
        while self.results and self.results[-1].steps_after > self.simulation.step_count:
            self.results.pop()
            count += 1
        return count

    def _undo(self, step: UndoStep) -> StepResult:
        sim = self.simulation
        if sim.step_count - step.count < self.setup_steps:
            refusal = Refusal("nothing_to_undo")
            return StepResult(step, False, sim.now, refusal=refusal, problem="undo")
        taken = sim.rewind(sim.step_count - step.count)
        return StepResult(step, True, sim.now, taken_back=taken)

    def _move(self, step: Step) -> StepResult:
        sim = self.simulation
        try:
            if isinstance(step, UntilStep):
                events = sim.advance_to(step.instant)
            elif isinstance(step, AdvanceStep) and step.seconds is not None:
                events = sim.advance(step.seconds)
            else:
                events = sim.advance_to_next_deadline()
        except Refusal as refusal:
            return StepResult(step, False, sim.now, refusal=refusal, problem="clock")
        return StepResult(step, True, sim.now, events=events)

    def _expect(self, step: ExpectStep) -> StepResult:
        sim = self.simulation
        view = sim.order_view(step.order) if step.order is not None else None
        checks = []
        for key, expected in step.checks:
            found = self._found(key, view)
            if key.startswith("inbox."):
                passed = any(expected in item for item in found)  # exactly as typed
                found = list(found)
            else:
                passed = found == expected
            checks.append(CheckResult(key, expected, found, passed))
        return StepResult(step, all(c.passed for c in checks), sim.now, checks=tuple(checks))

    def _found(self, key: str, view: OrderView | None) -> Any:
        sim = self.simulation
        if key == "now":
            return iso(to_ts(sim.now))
        assert view is not None
        last = view.last_request
        if key == "status":
            return view.status
        if key == "late":
            return view.late
        if key == "very_late":
            return view.very_late
        if key == "request":
            return last.state if last else "none"
        if key == "request_type":
            return last.type if last else "none"
        if key == "cancellation":
            return view.cancellation["kind"] if view.cancellation else "none"
        if key == "due":
            return iso(to_ts(view.due)) if view.due is not None else "none"
        if key == "open_requests":
            return sum(1 for r in view.requests if r.state == "open")
        party = key.split(".", 1)[1]
        # What that party received on this order: each message's text, and the reason chosen.
        return tuple(
            m.text + (f" [reason: {m.reason}]" if m.reason else "")
            for m in sim.view(party).inbox if m.order == view.id
        )


def refusal_matches(refusal: Refusal, error: str) -> bool:
    """Whether a step's `error` names this refusal: its code, or a part of its plain English
    message (`Refusal.message`, the same in every language; case does not matter)."""
    return error == refusal.code or error.lower() in refusal.message.lower()


def play(scenario: Scenario) -> Report:
    """Play a whole scenario on a fresh simulation."""
    return Player(scenario).run()
