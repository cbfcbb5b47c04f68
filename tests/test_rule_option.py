"""`--rule NAME=VALUE` on rcsim, rcsim run and rcsim map: one parser, one check, one message with
what the rules can take; `rcsim run DIR --rule ...` says which stories the change touches."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from rcsim.engine import Simulation
from rcsim.engine.scenario import (
    ActionStep,
    AdvanceStep,
    ExpectStep,
    UndoStep,
    UntilStep,
    load,
    play,
)
from rcsim.engine.timeutil import to_ts
from rcsim.tui.cli import run
from rcsim.tui.cli.main import load_simulation, main
from rcsim.tui.cli.rule_options import RuleOptionError, parse_rules
from rcsim.tui.words import i18n

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "data" / "scenarios"


@pytest.mark.parametrize("pair, words", [
    ("cancelation_response_hours=72", ["'cancelation_response_hours'",
                                       "did you mean cancellation_response_hours?",
                                       "update_response_hours, cancellation_response_hours"]),
    ("cancellation_response_hours=0", ["from 1 to 87600", "not 0"]),
    ("cancellation_response_hours=3 days", ["from 1 to 87600", "not '3 days'"]),
    ("extension_timeout=never", ["one of expire, accept", "not 'never'"]),
    ("extension_days_min=30", ["extension_days_min, 30", "extension_days_max, 29"]),
    ("cancellation_response_hours", ["--rule needs NAME=VALUE"]),
])
def test_what_the_rules_cannot_take_is_refused_saying_what_they_can(pair, words) -> None:
    with pytest.raises(RuleOptionError) as caught:
        parse_rules([pair])
    for word in words:
        assert word in str(caught.value)


def test_names_and_values_are_read_as_the_rules_take_them() -> None:
    assert parse_rules(["cancellation_response_hours=72", "extension_timeout=accept",
                        " very_late_hours = 48 "]) == {
        "cancellation_response_hours": 72, "extension_timeout": "accept", "very_late_hours": 48}
    assert parse_rules([]) == {}


def test_the_message_is_german_in_german() -> None:
    with i18n.using("de"), pytest.raises(RuleOptionError) as caught:
        parse_rules(["cancellation_response_hours=0"])
    assert "muss eine ganze Zahl von 1 bis 87600 sein" in str(caught.value)


# ---------------------------------------------------------------- rcsim --new --rule


def test_a_new_demo_takes_the_rule_and_its_requests_run_for_it(tmp_path: Path) -> None:
    path = tmp_path / "what-if.json"
    sim = load_simulation(["--db", str(path), "--new", "--rule", "cancellation_response_hours=72",
                           "--lang", "en"])
    try:
        assert sim.rules.data["cancellation_response_hours"] == 72
        request = sim.order_view("FO-1006").open_request
        assert request.type == "cancellation"
        assert request.deadline - request.opened_at == timedelta(hours=72)
    finally:
        sim.close()


def test_a_rule_for_a_file_that_exists_is_refused_with_advice_and_the_file_untouched(
        tmp_path: Path, capsys) -> None:
    path = tmp_path / "sim.json"
    Simulation.create(path, start="2026-03-02T09:00:00Z").close()
    before = path.read_bytes()
    status = main(["--db", str(path), "--rule", "cancellation_response_hours=72", "--lang", "en"])
    err = capsys.readouterr().err
    assert status == 2
    assert f"{path} already exists and has its own rules" in err
    assert "--new --rule NAME=VALUE" in err and "(R: the rules screen)" in err
    assert path.read_bytes() == before


@pytest.mark.parametrize("lang, words", [("en", "from 1 to 87600"), ("de", "von 1 bis 87600")])
def test_a_rule_out_of_range_on_rcsim_is_one_message_and_exit_2(tmp_path: Path, capsys, lang,
                                                                words) -> None:
    path = tmp_path / "new.json"
    status = main(["--db", str(path), "--new", "--rule", "cancellation_response_hours=0",
                   "--lang", lang])
    err = capsys.readouterr().err
    assert status == 2 and words in err and "Traceback" not in err
    assert err.startswith("rcsim: --rule: ") and not path.exists()


def test_a_rule_the_demo_cannot_be_built_with_is_refused_and_nothing_written(
        tmp_path: Path, capsys) -> None:
    path = tmp_path / "new.json"
    status = main(["--db", str(path), "--new", "--rule", "comment_max_chars=5", "--lang", "en"])
    err = capsys.readouterr().err
    assert status == 2 and "the demo cannot be built with these rules" in err
    assert not path.exists()


# ---------------------------------------------------------------- rcsim run DIR --rule


def rcsim_run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run.main(list(args), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def depends_on_the_48_hour_window(path: Path) -> bool:
    """Computed from each story's steps and times alone: a story depends on its window (48
    hours, unless it sets its own) if, between its window and 72 hours after a cancellation
    request was filed, while nobody has answered it, a step looks at or acts on that order
    (there the request has run out with one window and is still open with the other). An
    `undo = N` step takes back the last N steps the simulation took (actions not refused,
    clock moves that moved it), and with them what they did to the requests."""
    scenario = load(path)
    window = scenario.rules.get("cancellation_response_hours", 48) * 3600
    low, high = sorted((window, 72 * 3600))
    filed: dict[str, int] = {}  # order -> when its cancellation request was filed, unanswered
    before: list[dict[str, int]] = []  # what `filed` was before each step the simulation took
    previous = to_ts(scenario.start)
    for result in play(scenario).results:
        step, now = result.step, to_ts(result.now)
        order = getattr(step, "order", None)
        if order in filed and filed[order] + low <= now < filed[order] + high \
                and isinstance(step, (ActionStep, ExpectStep)):
            return True
        if isinstance(step, UndoStep):
            for _ in range(step.count):
                filed = before.pop()
        elif isinstance(step, ActionStep) and result.refusal is None:
            before.append(dict(filed))
            if step.action == "ask_to_cancel":
                filed[step.order] = now
            elif step.action in ("accept", "decline", "withdraw"):
                filed.pop(step.order, None)
        elif isinstance(step, (AdvanceStep, UntilStep)) and now != previous:
            before.append(dict(filed))
        previous = now
    return False


def test_rcsim_run_lists_exactly_the_stories_that_depend_on_the_48_hour_window() -> None:
    expected = {p.name for p in sorted(LIBRARY.glob("*.toml")) if depends_on_the_48_hour_window(p)}
    assert len(expected) >= 4  # the library tells several such stories
    status, out, err = rcsim_run(str(LIBRARY), "--rule", "cancellation_response_hours=72")
    assert status == 1 and err == ""
    table = out.split("\n\n")[1].splitlines()
    touched = {line.split()[1] for line in table if line.startswith("✎ ")}
    assert touched == expected
    files = len(list(LIBRARY.glob("*.toml")))
    assert f"{files} scenarios: {len(expected)} change, {files - len(expected)} stay as before" in out
    # then the details: per touched story, each expectation that now fails and what was found
    assert ("✎ buyer_cancel_timeout_mutual.toml: Buyer asks to cancel; the freelancer never "
            "answers") in out
    assert ("FAILED step 6 (expect FO-1001): status: expected 'cancelled', found 'in progress'"
            in out)


def test_the_json_of_a_what_if_run_marks_each_story() -> None:
    status, out, _ = rcsim_run(str(LIBRARY / "buyer_cancel_timeout_mutual.toml"),
                               str(LIBRARY / "buyer_cancel_accepted.toml"),
                               "--rule", "cancellation_response_hours=72", "--json")
    documents = [json.loads(line) for line in out.splitlines()]
    assert [(d["changed"], d["passed"], d["passed_with_own_rules"]) for d in documents] == [
        (True, False, True), (False, True, True)]
    assert documents[0]["rules"] == {"cancellation_response_hours": 72}
    assert documents[0]["rules_changed"] == {"cancellation_response_hours": 72}
    assert status == 1


def test_a_change_that_holds_everywhere_exits_0_and_a_bad_rule_2() -> None:
    status, out, _ = rcsim_run(str(LIBRARY / "buyer_cancel_accepted.toml"),
                               "--rule", "cancellation_response_hours=72")
    assert status == 0 and "1 scenario: 0 change, 1 stay as before" in out  # (a real plural)
    status, out, err = rcsim_run(str(LIBRARY), "--rule", "cancellation_respnse_hours=72")
    assert (status, out) == (2, "")
    assert "did you mean cancellation_response_hours?" in err and "Nothing was run." in err


def test_a_change_a_files_own_rules_cannot_take_names_the_file(write) -> None:
    path = write('''
[rules]
extension_days_max = 10

[[steps]]
advance = "1h"
''')
    status, _, err = rcsim_run(str(path), "--rule", "extension_days_min=20")
    assert status == 2
    assert f"{path} (with the file's own rules): The shortest extension" in err


def test_rcsim_map_takes_the_same_rule_option() -> None:
    from rcsim.tui.cli import map_command
    out, err = io.StringIO(), io.StringIO()
    status = map_command.main(["--rule", "cancelation_response_hours=72", "--lang", "en"],
                              stdout=out, stderr=err)
    assert status == 2 and "did you mean cancellation_response_hours?" in err.getvalue()


@pytest.fixture
def write(tmp_path: Path):
    from .scenarios.conftest import HEADER

    def write(body: str) -> Path:
        path = tmp_path / "story.toml"
        path.write_text(HEADER + body, encoding="utf-8")
        return path

    return write


def test_a_scenario_presented_with_a_rule_runs_under_it(monkeypatch, capsys) -> None:
    from rcsim.tui.app.app import RcsimApp

    started: list[RcsimApp] = []
    monkeypatch.setattr(RcsimApp, "run", lambda self, *a, **k: started.append(self))
    story = str(LIBRARY / "buyer_cancel_timeout_mutual.toml")
    assert main(["--scenario", story, "--rule", "cancellation_response_hours=72"]) == 0
    assert started[0].sim.rules.data["cancellation_response_hours"] == 72
    assert main(["--scenario", story, "--rule", "cancellation_response_hours=x"]) == 2
    assert "from 1 to 87600" in capsys.readouterr().err
