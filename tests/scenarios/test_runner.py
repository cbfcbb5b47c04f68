"""Playing scenarios: the Player step by step, failures reported, the command line and --json."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from rcsim.engine import Refusal
from rcsim.engine.scenario import (
    ActionStep,
    AdvanceStep,
    ExpectStep,
    Player,
    Scenario,
    UntilStep,
    load,
    refusal_matches,
)
from rcsim.tui.cli.run import main
from rcsim.tui.words.report import transcript

Write = Callable[..., Path]

STORY = '''
[[steps]]
actor = "buyer"
action = "ask_to_cancel"
order = "FO-1"
comment = "We dropped the project."
note = "The buyer asks."

[[steps]]
advance = "47h59m"

[[steps]]
expect = { order = "FO-1", status = "in_progress", request = "open" }

[[steps]]
until = "2026-03-04T09:00:00Z"

[[steps]]
expect = { order = "FO-1", status = "cancelled", cancellation = "mutual", request = "expired" }
'''


def test_loaded_scenario_is_plain_data(write: Write) -> None:
    scenario = load(write(STORY))
    assert isinstance(scenario, Scenario)
    assert [type(s) for s in scenario.steps] == [ActionStep, AdvanceStep, ExpectStep, UntilStep,
                                                 ExpectStep]
    assert [s.number for s in scenario.steps] == [1, 2, 3, 4, 5]
    first, wait = scenario.steps[0], scenario.steps[1]
    assert isinstance(first, ActionStep) and isinstance(wait, AdvanceStep)
    assert (first.actor, first.action, first.order, first.note) == (
        "buyer", "ask_to_cancel", "FO-1", "The buyer asks.")
    assert dict(first.fields) == {"comment": "We dropped the project."}
    assert wait.seconds == 47 * 3600 + 59 * 60
    with pytest.raises(AttributeError):
        scenario.title = "changed"  # type: ignore[misc]


def test_player_plays_one_step_at_a_time(write: Write) -> None:
    player = Player(load(write(STORY)))
    assert player.position == 0 and player.next_step is not None
    assert [e.type for e in player.setup_events] == ["order_added"]
    first = player.step()
    assert first.passed and first.number == 1
    assert [e.type for e in first.events] == ["ask_to_cancel"]
    assert player.simulation.order_view("FO-1").open_request is not None
    second = player.step()
    assert second.events == () and second.now.isoformat() == "2026-03-04T08:59:00+00:00"
    third = player.step()
    assert [(c.key, c.expected, c.found, c.passed) for c in third.checks] == [
        ("status", "in_progress", "in_progress", True), ("request", "open", "open", True)]
    fourth = player.step()
    assert [(e.type, e.at.isoformat()) for e in fourth.events] == [
        ("timeout", "2026-03-04T09:00:00+00:00")]
    player.step()
    assert player.done and player.next_step is None
    with pytest.raises(IndexError):
        player.step()
    assert player.report().passed


def test_each_player_starts_fresh(write: Write) -> None:
    scenario = load(write(STORY))
    first, second = Player(scenario), Player(scenario)
    first.run()
    assert second.simulation.order_view("FO-1").status == "in_progress"
    assert second.run().passed


def test_wrong_expectation_exits_1_naming_step_key_expected_found(
        write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(STORY.replace('request = "expired"', 'request = "declined"'))
    assert main(["run", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  request: expected 'declined', found 'expired'" in out
    assert "FAILED step 5 (expect FO-1): request: expected 'declined', found 'expired'" in out
    assert "FAIL: 1 of 5 steps failed" in out


def test_timeout_one_minute_early_fails(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(STORY.replace('status = "in_progress", request = "open"',
                               'status = "cancelled", request = "open"'))
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAILED step 3 (expect FO-1): status: expected 'cancelled', found 'in progress'" in out


def test_refused_action_without_fails_is_a_failure_and_the_run_goes_on(
        write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write('''
        [[steps]]
        actor = "buyer"
        action = "cancel_order"
        order = "FO-1"

        [[steps]]
        expect = { order = "FO-1", status = "in_progress" }
        ''')
    report = Player(load(path)).run()
    refused, checked = report.results
    assert not refused.passed and refused.refusal.code == "direct_cancel_not_allowed"
    assert checked.passed  # played after the failure
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "REFUSED: The buyer can cancel order FO-1 directly only" in out
    assert "FAILED step 1 (Buyer: cancel the order directly, order FO-1): the action was refused" \
        in out


def test_fails_step_that_is_allowed_is_a_failure(write: Write,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = write('''
        [[steps]]
        actor = "buyer"
        action = "request_update"
        order = "FO-1"
        fails = true
        ''')
    assert main([str(path)]) == 1
    assert "the action was expected to be refused, but it was allowed" in capsys.readouterr().out


def test_fails_step_refused_for_another_reason_is_a_failure(
        write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write('''
        [[steps]]
        actor = "freelancer"
        action = "withdraw"
        order = "FO-1"
        fails = true
        error = "only the requester"
        ''')
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "refused, but the message does not contain 'only the requester'" in out
    assert "There is no open request on order FO-1." in out


def test_error_matches_code_or_part_of_the_message() -> None:
    refusal = Refusal("not_requester", requester="buyer", request="R-1")
    assert refusal_matches(refusal, "not_requester")
    assert refusal_matches(refusal, "ONLY THE REQUESTER")
    assert not refusal_matches(refusal, "not_responder")
    assert not refusal_matches(refusal, "not_req")  # a code is matched whole, not in part


def test_next_with_no_deadline_is_a_failure(write: Write,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = write('''
        [[steps]]
        advance = "next"
        ''')
    assert main([str(path)]) == 1
    assert "the clock could not move: No deadline is pending" in capsys.readouterr().out


def test_inbox_expectation_shows_what_was_received(write: Write,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = write('''
        [[steps]]
        actor = "buyer"
        action = "request_update"
        order = "FO-1"
        comment = "Any news?"

        [[steps]]
        expect = { order = "FO-1", inbox = { freelancer = "news", buyer = "news" } }
        ''')
    report = Player(load(path)).run()
    freelancer, buyer = report.results[1].checks
    assert (freelancer.key, freelancer.passed, freelancer.found) == (
        "inbox.freelancer", True, ["Any news?"])
    assert (buyer.key, buyer.passed, buyer.found) == ("inbox.buyer", False, [])
    assert main([str(path)]) == 1
    assert "inbox.buyer: expected 'news', found (nothing)" in capsys.readouterr().out


def test_transcript_shows_events_with_their_time_and_the_notes(write: Write) -> None:
    text = transcript(Player(load(write(STORY))).run())
    assert "Scenario" in text and "A test scenario" in text and "Written by a test." in text
    assert "policy seed, start 2026-03-02T09:00:00Z" in text
    assert "order FO-1: Logo design, $120.00, 3 days, in progress" in text
    assert "note: The buyer asks." in text
    assert ("2026-03-04T09:00:00Z  The freelancer did not answer the buyer's cancellation "
            "request on FO-1 in time: the order was cancelled automatically and marked as a mutual "
            "cancellation."
            in text)
    assert "advance 1 day 23 hours 59 minutes -> 2026-03-04T08:59:00Z" in text
    assert "ok    cancellation: expected 'mutual', found 'mutual'" in text
    assert "PASS: 5 steps, 5 expectations held" in text


def test_json_has_one_document_per_file_with_the_results(
        write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(STORY, name="good.toml")
    bad = write(STORY.replace('cancellation = "mutual"', 'cancellation = "direct"'),
                name="bad.toml")
    assert main(["run", "--json", str(good), str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["passed"] is True and first["file"] == str(good)
    assert first["policy"] == "seed" and first["start"] == "2026-03-02T09:00:00Z"
    assert [s["kind"] for s in first["steps"]] == ["action", "advance", "expect", "until",
                                                   "expect"]
    assert first["steps"][3]["events"][0]["type"] == "timeout"
    assert first["steps"][3]["events"][0]["at"] == "2026-03-04T09:00:00Z"
    assert second["passed"] is False and second["failed_steps"] == [5]
    failed = [c for c in second["steps"][4]["checks"] if not c["passed"]]
    assert failed == [{"key": "cancellation", "expected": "direct", "found": "mutual",
                       "passed": False}]


def test_json_records_refusals(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write('''
        [[steps]]
        actor = "freelancer"
        action = "request_update"
        order = "FO-1"
        fails = true
        error = "wrong_party"
        ''')
    assert main([str(path), "--json"]) == 0
    step = json.loads(capsys.readouterr().out)["steps"][0]
    assert step["refusal"]["code"] == "wrong_party" and step["passed"] is True


def test_json_names_a_problem_by_its_code(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write('''
        [[steps]]
        actor = "freelancer"
        action = "request_update"
        order = "FO-1"
        ''')
    assert main([str(path), "--json"]) == 1
    step = json.loads(capsys.readouterr().out)["steps"][0]
    assert step["problem"] == "refused" and step["refusal"]["code"] == "wrong_party"


def test_directory_argument_runs_its_files(write: Write, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    write(STORY, name="a.toml")
    write(STORY, name="b.toml")
    assert main([str(tmp_path)]) == 0
    assert "2 scenarios: 2 passed, 0 failed" in capsys.readouterr().out


def test_no_files_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    assert main([str(tmp_path)]) == 2  # an empty directory
    assert "no scenario files given" in capsys.readouterr().err


def test_policy_rules_and_native_toml_datetimes(write: Write) -> None:
    path = write('''
        title = "Current, with a shorter window"
        description = "x"
        start = 2026-03-02T09:00:00Z
        policy = "current"

        [rules]
        extension_response_hours = 24

        [[orders]]
        id = "FO-1"
        title = "Logo"
        price = 19.99
        delivery_days = 3

        [[steps]]
        actor = "freelancer"
        action = "request_extension"
        order = "FO-1"
        days = 2

        [[steps]]
        until = 2026-03-03T09:00:00Z

        [[steps]]
        expect = { order = "FO-1", request = "accepted", due = 2026-03-07T09:00:00Z }
        ''', header=False)
    scenario = load(path)
    assert scenario.policy == "current" and dict(scenario.rules) == {"extension_response_hours": 24}
    assert Player(scenario).run().passed


def test_refusal_leaves_the_simulation_unchanged(write: Write) -> None:
    player = Player(load(write('''
        [[steps]]
        actor = "freelancer"
        action = "withdraw"
        order = "FO-1"
        fails = true
        ''')))
    before = player.simulation.snapshot()
    result = player.step()
    assert result.passed and result.refusal is not None
    assert player.simulation.snapshot() == before


def test_player_on_a_file_backed_simulation(write: Write, tmp_path: Path) -> None:
    """The app may present a scenario on a simulation file of its own."""
    scenario = load(write(STORY))
    simulation = scenario.simulation(tmp_path / "presented.json")
    player = Player(scenario, simulation)
    assert player.run().passed
    assert (tmp_path / "presented.json").exists()
    assert player.simulation.order_view("FO-1").status == "cancelled"


def test_inbox_text_is_matched_exactly_as_typed(write: Write) -> None:
    report = Player(load(write('''
        [[steps]]
        actor = "buyer"
        action = "request_update"
        order = "FO-1"
        comment = "Any news?"

        [[steps]]
        expect = { order = "FO-1", inbox = { freelancer = "any news" } }
        '''))).run()
    assert not report.passed

