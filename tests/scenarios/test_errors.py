"""Files that are not valid scenarios: a clear ScenarioError, exit status 2, nothing run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rcsim.engine.scenario import ActionStep, ScenarioError, load
from rcsim.tui.cli.run import main
from rcsim.tui.words.report import error_text

Write = Callable[..., Path]

ACTION = '''
[[steps]]
actor = "buyer"
action = "request_update"
order = "FO-1"
'''


def error_of(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load(path)
    return caught.value


def test_toml_syntax_error_names_the_line(write: Write) -> None:
    path = write('''
        title = "Broken"
        start = "2026-03-02T09:00:00Z"
        price 120
        ''', header=False)
    error = error_of(path)
    assert error.code == "toml"
    assert str(path) in error_text(error)
    assert "is not valid TOML" in error_text(error) and "line 4" in error_text(error)


def test_unknown_action(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        advance = "1h"

        [[steps]]
        actor = "buyer"
        action = "cancel_everything"
        order = "FO-1"
        '''))
    assert (error.step, error.key, error.code) == (2, "action", "unknown_action")
    assert "step 2: key 'action': 'cancel_everything' is not an action" in error_text(error)
    assert "ask_to_cancel" in error_text(error)  # the known actions are listed


def test_missing_required_field(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        actor = "freelancer"
        action = "ask_to_cancel"
        order = "FO-1"
        comment = "Sorry."
        '''))
    assert (error.step, error.key) == (1, "reason")
    assert "ask_to_cancel by the freelancer needs 'reason'" in error_text(error)


def test_a_fails_step_may_leave_out_a_required_field(write: Write) -> None:
    scenario = load(write('''
        [[steps]]
        actor = "freelancer"
        action = "ask_to_cancel"
        order = "FO-1"
        fails = true
        '''))
    step = scenario.steps[0]
    assert isinstance(step, ActionStep) and step.fails


def test_missing_step_key(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        actor = "buyer"
        action = "request_update"
        '''))
    assert error.step == 1
    assert "step 1: is missing: the key 'order' of an action step" in error_text(error)


def test_unknown_field_of_an_action(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        actor = "buyer"
        action = "ask_to_cancel"
        order = "FO-1"
        coment = "typo"
        fails = true
        '''))
    assert (error.step, error.key) == (1, "coment")
    assert "key 'coment': is an unknown key, did you mean 'comment'? (the keys of an action step " \
        "are: actor, action, order, fails, error, note, comment, reason)" in error_text(error)


def test_field_of_another_action(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        actor = "buyer"
        action = "ask_to_cancel"
        order = "FO-1"
        comment = "Sorry."
        days = 3
        '''))
    assert (error.step, error.key, error.code) == (1, "days", "unknown_field")
    assert "is not a field of ask_to_cancel (its fields are: comment, reason)" in error_text(error)


@pytest.mark.parametrize("value", ["47 hours", "h", "-2h", "1.5d"])
def test_malformed_duration(write: Write, value: str) -> None:
    error = error_of(write(f'''
        [[steps]]
        advance = "{value}"
        '''))
    assert (error.step, error.key) == (1, "advance")
    assert f"step 1: key 'advance': '{value}' is not a duration" in error_text(error)


def test_duration_of_the_wrong_type(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        advance = 48
        '''))
    assert "key 'advance': must be a duration text" in error_text(error) and "not 48" in error_text(error)


def test_malformed_instant_in_a_step(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        until = "next tuesday"
        '''))
    assert (error.step, error.key) == (1, "until")
    assert "'next tuesday' is not an instant" in error_text(error)


def test_malformed_start(write: Write) -> None:
    error = error_of(write('''
        title = "No start"
        start = "2026-13-45T09:00:00Z"
        orders = []
        steps = []
        ''', header=False))
    assert error.key == "start" and error.step is None
    assert "key 'start': '2026-13-45T09:00:00Z' is not an instant" in error_text(error)


def test_malformed_instant_in_an_expectation(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        expect = { order = "FO-1", due = "soon" }
        '''))
    assert (error.step, error.key) == (1, "expect.due")
    assert "'soon' is not an instant" in error_text(error)


def test_until_that_goes_backwards(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        advance = "2d"

        [[steps]]
        until = "2026-03-03T09:00:00Z"
        '''))
    assert (error.step, error.key) == (2, "until")
    assert "2026-03-03T09:00:00Z is before 2026-03-04T09:00:00Z" in error_text(error)


def test_order_that_does_not_exist_in_an_action(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        actor = "buyer"
        action = "request_update"
        order = "FO-9"
        '''))
    assert (error.step, error.key) == (1, "order")
    assert "there is no order 'FO-9' in this file, did you mean 'FO-1'? (the orders are: FO-1)" \
        in error_text(error)


def test_order_that_does_not_exist_in_an_expectation(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        expect = { order = "FO-2", status = "in_progress" }
        '''))
    assert (error.step, error.key) == (1, "expect.order")
    assert "there is no order 'FO-2'" in error_text(error)


def test_duplicate_order_id(write: Write) -> None:
    error = error_of(write('''
        [[orders]]
        id = "FO-1"
        title = "Another logo"
        price = 90
        delivery_days = 2
        ''' + ACTION))
    assert (error.order, error.key, error.code) == (2, "id", "duplicate_order")
    assert "order 2 (FO-1): key 'id': the order id 'FO-1' is used twice (first by order 1)" \
        in error_text(error)


def test_order_the_engine_refuses(write: Write) -> None:
    error = error_of(write('''
        [[orders]]
        id = "FO-2"
        title = "Free work"
        price = 0
        delivery_days = 2
        ''' + ACTION))
    assert (error.order, error.key) == (2, "price")
    assert "the price of FO-2 must be above 0" in error_text(error)


def test_order_missing_a_key(write: Write) -> None:
    error = error_of(write('''
        [[orders]]
        id = "FO-2"
        price = 10
        delivery_days = 2
        ''' + ACTION))
    assert "order 2 (FO-2): is missing: the key 'title'" in error_text(error)


def test_unknown_expect_key(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        expect = { order = "FO-1", stauts = "cancelled" }
        '''))
    assert (error.step, error.key, error.code) == (1, "expect.stauts", "unknown_expect")
    assert "key 'expect.stauts': is an unknown key: not something expect can check, did you " \
        "mean 'status'? (it checks: order, status," in error_text(error)


@pytest.mark.parametrize("body, key, words", [
    ('status = "finished"', "expect.status", "must be one of incomplete, in_progress"),
    ('late = "yes"', "expect.late", "must be true or false, not 'yes'"),
    ('request = "pending"', "expect.request", "must be one of none, open, accepted"),
    ('cancellation = "forced"', "expect.cancellation", "must be one of none, mutual, direct"),
    ('open_requests = -1', "expect.open_requests", "must be a count"),
    ('inbox = { support = "hi" }', "expect.inbox.support",
     "is an unknown key (the keys of expect.inbox are: buyer, freelancer)"),
])
def test_bad_expected_values(write: Write, body: str, key: str, words: str) -> None:
    error = error_of(write(f'''
        [[steps]]
        expect = {{ order = "FO-1", {body} }}
        '''))
    assert (error.step, error.key) == (1, key)
    assert words in error_text(error)


def test_expect_needs_an_order(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        expect = { status = "in_progress" }
        '''))
    assert "step 1: key 'expect': is missing: the key 'order'" in error_text(error)


def test_unknown_rule_override(write: Write) -> None:
    error = error_of(write('''
        [rules]
        cancel_hours = 72
        ''' + ACTION))
    assert (error.code, error.key) == ("unknown_rule", "cancel_hours")
    assert "[rules]: key 'cancel_hours': is an unknown key: there is no rule by that name, did " \
        "you mean 'cancellation_response_hours'? (the rules are: update_response_hours," \
        in error_text(error)


def test_rule_override_with_a_refused_value(write: Write) -> None:
    error = error_of(write('''
        [rules]
        cancellation_response_hours = 0
        ''' + ACTION))
    assert error.key == "cancellation_response_hours"
    assert "[rules]: key 'cancellation_response_hours': The rules are not valid: " \
        "cancellation_response_hours must be a whole number from 1 to 87600, not 0" \
        in error_text(error)


def test_unknown_policy(write: Write) -> None:
    error = error_of(write(ACTION, top='policy = "tomorrow"\n'))
    assert "key 'policy': must be one of seed, current, not 'tomorrow'" in error_text(error)


def test_step_of_no_kind(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        note = "Just talking."
        '''))
    assert error.step == 1 and error.code == "no_kind"
    assert "step 1: is none of the step kinds" in error_text(error)


def test_step_of_several_kinds(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        advance = "1h"
        expect = { order = "FO-1", status = "in_progress" }
        '''))
    assert error.code == "several_kinds"
    assert "step 1: mixes advance and expect" in error_text(error)


def test_action_step_with_a_clock_move(write: Write) -> None:
    error = error_of(write(ACTION + 'advance = "1h"\n'))
    assert "step 1: mixes action and advance" in error_text(error)


def test_unknown_key_on_a_clock_step(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        advance = "1h"
        comment = "stray"
        '''))
    assert (error.step, error.key) == (1, "comment")
    assert "is an unknown key (the keys of an advance step are: advance, note)" in error_text(error)


def test_error_without_fails(write: Write) -> None:
    error = error_of(write(ACTION + 'error = "request_open"\n'))
    assert (error.step, error.key) == (1, "error")
    assert "only meaningful together with `fails = true`" in error_text(error)


def test_unknown_top_level_key(write: Write) -> None:
    error = error_of(write(ACTION, top='author = "me"\n'))
    assert "key 'author': is an unknown key (the keys of a scenario are: title," in error_text(error)


def test_missing_title(write: Write) -> None:
    error = error_of(write('''
        start = "2026-03-02T09:00:00Z"
        orders = [{ id = "FO-1", title = "x", price = 1, delivery_days = 1 }]
        steps = [{ advance = "1h" }]
        ''', header=False))
    assert "is missing: the key 'title'" in error_text(error)


def test_no_steps(write: Write) -> None:
    error = error_of(write('''
        title = "Empty"
        start = "2026-03-02T09:00:00Z"
        orders = [{ id = "FO-1", title = "x", price = 1, delivery_days = 1 }]
        steps = []
        ''', header=False))
    assert "key 'steps': must hold at least one [[steps]] table" in error_text(error)


def test_unreadable_file(tmp_path: Path) -> None:
    error = error_of(tmp_path / "missing.toml")
    assert error.code == "unreadable" and "missing.toml: cannot be read" in error_text(error)


def test_invalid_file_exits_2_and_nothing_is_run(write: Write, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    good = write(ACTION, name="good.toml")
    bad = write('''
        [[steps]]
        advance = "soon"
        ''', name="bad.toml")
    status = main(["run", str(good), str(bad)])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""  # not even the valid file was played
    assert f"{bad}: step 1: key 'advance': 'soon' is not a duration" in err
    assert "nothing was run: 1 file is not a valid scenario" in err


def test_toml_error_through_the_command_line(write: Write,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = write("title = \n", header=False)
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "is not valid TOML" in err and "line 1" in err


# ---- the engine speaks in codes and plain values; tui.report says them in words


def test_an_error_carries_identifiers_not_sentences(write: Write) -> None:
    typo = error_of(write('''
        [[steps]]
        acter = "buyer"
        '''))
    assert (typo.code, typo.key, typo.params["kind"], typo.params["hint"]) == (
        "unknown_step_key", "acter", "step", "actor")
    assert "note" in typo.params["known"] and isinstance(typo.params["known"], tuple)
    duration = error_of(write('''
        [[steps]]
        advance = "47 hours"
        '''))
    assert duration.params == {"refusal": "bad_duration", "refusal_params": {"text": "47 hours"}}
    wrong_type = error_of(write('''
        [[steps]]
        until = 12
        '''))
    assert wrong_type.params == {"expected": "instant", "found": 12}


def test_the_plain_fallback_names_where_and_the_code(write: Write) -> None:
    error = error_of(write('''
        [[steps]]
        actor = "buyer"
        action = "cancel_everything"
        order = "FO-1"
        '''))
    plain = str(error)
    assert "step 1: key 'action': unknown_action (found='cancel_everything'" in plain
    assert "hint=" in plain and "is not an action" not in plain  # no sentence, no catalogue


def test_the_words_follow_the_language(write: Write) -> None:
    from rcsim.tui.words import i18n

    path = write('''
        [[steps]]
        actor = "buyer"
        action = "request_update"
        ''')
    error = error_of(path)
    assert "is missing: the key 'order' of an action step" in error_text(error)
    with i18n.using("de"):
        assert "fehlt: der Schlüssel 'order' eines Aktionsschritts" in error_text(error)
