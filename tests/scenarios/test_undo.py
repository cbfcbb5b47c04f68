"""`undo = N` in a scenario file: the last N steps of the simulation are taken back, so a story
can go back and take another turn; checked, played, transcribed, and stepped back by a presenter."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from rcsim.engine.scenario import Player, ScenarioError, UndoStep, load, play
from rcsim.tui.words import i18n
from rcsim.tui.words.report import error_text, report_json, transcript

Write = Callable[..., Path]

ASK_ACCEPT = '''
[[steps]]
actor = "buyer"
action = "ask_to_cancel"
order = "FO-1"
reason = "other"
comment = "Sorry."

[[steps]]
advance = "3h"

[[steps]]
actor = "freelancer"
action = "accept"
order = "FO-1"
'''


def error_of(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load(path)
    return caught.value


def test_undo_takes_back_the_last_steps_and_the_story_goes_on_from_there(write: Write) -> None:
    report = play(load(write(ASK_ACCEPT + '''
        [[steps]]
        undo = 2

        [[steps]]
        expect = { order = "FO-1", status = "in_progress", request = "open", now = "2026-03-02T09:00:00Z" }

        [[steps]]
        actor = "freelancer"
        action = "decline"
        order = "FO-1"
        comment = "No."

        [[steps]]
        expect = { order = "FO-1", request = "declined" }
        ''')))
    assert report.passed, [r.problem for r in report.results]
    undo = report.results[3]
    assert isinstance(undo.step, UndoStep) and undo.step.count == 2
    assert [(h.kind, h.action) for h in undo.taken_back] == [("clock", None), ("act", "accept")]
    assert (undo.steps_before, undo.steps_after) == (4, 2)


def test_expectations_and_refused_actions_are_no_steps_to_take_back(write: Write) -> None:
    report = play(load(write(ASK_ACCEPT + '''
        [[steps]]
        expect = { order = "FO-1", status = "cancelled" }

        [[steps]]
        actor = "buyer"
        action = "withdraw"
        order = "FO-1"
        fails = true

        [[steps]]
        undo = 1

        [[steps]]
        expect = { order = "FO-1", status = "in_progress", now = "2026-03-02T12:00:00Z" }
        ''')))
    assert report.passed


@pytest.mark.parametrize("value,words", [
    ("0", "must be a count of steps (1, 2, ...), not 0"),
    ("-2", "not -2"), ('"1"', "not '1'"), ("true", "not True"), ("1.5", "not 1.5"),
])
def test_undo_must_be_a_count_of_steps(write: Write, value: str, words: str) -> None:
    error = error_of(write(ASK_ACCEPT + f'''
        [[steps]]
        undo = {value}
        '''))
    assert (error.step, error.key, error.code) == (4, "undo", "type")
    assert words in error_text(error)


def test_undo_of_more_steps_than_can_have_been_taken_is_refused_naming_the_step(write: Write) -> None:
    error = error_of(write(ASK_ACCEPT + '''
        [[steps]]
        actor = "buyer"
        action = "withdraw"
        order = "FO-1"
        fails = true

        [[steps]]
        undo = 5
        '''))  # the `fails` step counts: the rules may allow it, and then it is a step
    assert (error.step, error.key, error.code) == (5, "undo", "undo_too_many")
    assert "step 5: key 'undo': takes back 5 steps, but at most 4 can have been taken by then" \
        in error_text(error)
    with i18n.using("de"):
        assert "nimmt 5 Schritte zurück, bis dahin können aber höchstens 4" in error_text(error)


def test_a_fails_step_the_rules_allow_is_a_step_an_undo_can_take_back(write: Write) -> None:
    """A step marked `fails = true` that the rules allow is applied when played (and reported
    as not refused), so the checker counts it among the steps an `undo` may take back."""
    report = play(load(write('''
        [[steps]]
        actor = "freelancer"
        action = "deliver"
        order = "FO-1"
        fails = true

        [[steps]]
        undo = 1

        [[steps]]
        expect = { order = "FO-1", status = "in_progress" }
        ''')))
    allowed, undo, expectation = report.results
    assert allowed.problem == "not_refused" and not allowed.passed
    assert undo.passed and [h.action for h in undo.taken_back] == ["deliver"]
    assert expectation.passed


def test_an_undo_step_with_another_key_is_refused(write: Write) -> None:
    error = error_of(write(ASK_ACCEPT + '''
        [[steps]]
        undo = 1
        order = "FO-1"
        '''))
    assert (error.step, error.key, error.code) == (4, "order", "unknown_step_key")


def test_after_an_undo_the_clock_may_be_set_to_an_earlier_instant(write: Write) -> None:
    report = play(load(write('''
        [[steps]]
        advance = "2d"

        [[steps]]
        undo = 1

        [[steps]]
        until = "2026-03-03T09:00:00Z"

        [[steps]]
        expect = { now = "2026-03-03T09:00:00Z" }
        ''')))
    assert report.passed
    error = error_of(write('''
        [[steps]]
        advance = "2d"

        [[steps]]
        advance = "1d"

        [[steps]]
        undo = 1

        [[steps]]
        until = "2026-03-03T09:00:00Z"
        '''))
    assert (error.step, error.code) == (4, "backwards")  # the first 2 days are still there


def test_an_undo_that_finds_fewer_steps_fails_and_takes_back_nothing(write: Write) -> None:
    report = play(load(write('''
        [[steps]]
        actor = "buyer"
        action = "accept_delivery"
        order = "FO-1"

        [[steps]]
        undo = 1
        ''')))  # the action was refused (an order in progress): no step to take back
    refused, undo = report.results
    assert refused.problem == "refused"
    assert (undo.passed, undo.problem, undo.taken_back) == (False, "undo", ())
    assert "fewer steps were taken since the start: nothing was taken back" in transcript(report)


def test_the_transcript_and_json_say_what_was_taken_back(write: Write) -> None:
    report = play(load(write(ASK_ACCEPT + '''
        [[steps]]
        undo = 1
        ''')))
    text = transcript(report)
    assert "  4. take back the last step -> 2026-03-02T12:00:00Z" in text
    assert "      taken back: Freelancer on FO-1: Accept  (2026-03-02T12:00:00Z)" in text
    with i18n.using("de"):
        german = transcript(report)
    assert "  4. den letzten Schritt zurücknehmen -> 2026-03-02T12:00:00Z" in german
    assert "zurückgenommen: Freelancer bei FO-1: Annehmen" in german
    step = report_json(report)["steps"][3]
    assert (step["kind"], step["undo"]) == ("undo", 1)
    assert [t["record"]["action"] for t in step["taken_back"]] == ["accept"]
    json.dumps(report_json(report))


def test_a_presenter_steps_back_one_scenario_step_at_a_time(write: Write) -> None:
    scenario = load(write(ASK_ACCEPT + '''
        [[steps]]
        expect = { order = "FO-1", status = "cancelled" }

        [[steps]]
        undo = 2
        '''))
    player = Player(scenario)
    sim = player.simulation
    states = [sim.snapshot()]
    while not player.done:
        player.step()
        states.append(sim.snapshot())
    assert player.position == 5
    for position in range(5, 0, -1):
        taken = player.undo()
        assert taken is not None and taken.number == position
        assert player.position == position - 1
        assert sim.snapshot() == states[position - 1], position
    with pytest.raises(IndexError):
        player.undo()
    # and played again, the story is the same
    assert player.run().passed and sim.snapshot() == states[-1]


def test_a_presenter_steps_back_over_an_undo_whose_steps_a_later_step_dropped(write: Write) -> None:
    scenario = load(write(ASK_ACCEPT + '''
        [[steps]]
        undo = 1

        [[steps]]
        actor = "freelancer"
        action = "decline"
        order = "FO-1"
        comment = "No."
        '''))
    player = Player(scenario)
    states = [player.simulation.snapshot()]
    while not player.done:
        player.step()
        states.append(player.simulation.snapshot())
    player.undo()  # the decline: back to before it
    assert player.simulation.snapshot() == states[4]
    player.undo()  # the undo: its accept is put back, although the decline dropped it
    assert player.simulation.snapshot() == states[3] and player.position == 3


def test_steps_taken_by_hand_while_presenting_are_taken_back_first(write: Write) -> None:
    player = Player(load(write(ASK_ACCEPT)))
    player.step()
    player.simulation.advance("1h")  # the presenter moved the clock by hand
    by_hand = player.undo()
    assert (by_hand.kind, by_hand.to.hour) == ("clock", 10) and player.position == 1
    assert player.undo().number == 1 and player.position == 0


def test_a_player_follows_a_simulation_taken_back_elsewhere(write: Write) -> None:
    player = Player(load(write(ASK_ACCEPT + '''
        [[steps]]
        expect = { order = "FO-1", status = "cancelled" }
        ''')))
    player.run()
    player.simulation.rewind(2)  # the orders and the request: before the clock moved
    assert player.follow() == 3 and player.position == 1
    assert player.next_step.number == 2
    assert player.run().passed
