"""`rcsim log`, `rcsim branch` and `rcsim diff`: a simulation's history, a branch of it, and two
simulations compared, in English and German; files only read; exit statuses as documented."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from rcsim.engine import Simulation
from rcsim.engine.demo import create_demo
from rcsim.tui.cli.travel_command import branch_main, diff_main, log_main
from rcsim.tui.words import i18n

ROOT = Path(__file__).resolve().parent.parent
START = "2026-03-02T09:00:00Z"


def call(main, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def no_missing_keys():
    i18n.missing_keys.clear()
    yield
    assert not i18n.missing_keys


@pytest.fixture
def class_file(tmp_path: Path) -> Path:
    """The demo; the freelancer accepts FO-1006's cancellation, a day passes; the day is taken
    back again (one step to redo)."""
    path = tmp_path / "class.json"
    with create_demo(path, start=START) as sim:
        sim.act("freelancer", "accept", "FO-1006")
        sim.advance("1d")
        sim.undo()
    return path


def test_log_lists_every_step_with_its_time_and_events_and_what_can_be_redone(class_file):
    before = class_file.read_bytes()
    status, out, err = call(log_main, str(class_file), "--lang", "en")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"{class_file}: 10 steps in effect; 1 more taken back, which can be put back"
    assert "   1  Mar 2, 2026 9:00 AM  Orders added (12): FO-1001, FO-1002, FO-1003, FO-1004, …" in lines
    assert "   2  Mar 2, 2026 9:00 AM  Buyer on FO-1006: Ask to cancel the order" in lines
    step_10 = lines.index("  10  Mar 2, 2026 9:00 AM  Freelancer on FO-1006: Accept")
    assert "cancelled (mutual cancellation)" in lines[step_10 + 1]
    assert lines[step_10 + 2].startswith("----")
    assert lines[step_10 + 3] == ("  11  Mar 2, 2026 9:00 AM  Clock moved forward 1 day, to "
                                  "Mar 3, 2026 9:00 AM  (taken back)")
    assert class_file.read_bytes() == before  # only read


def test_log_in_german_and_as_json(class_file):
    status, out, _ = call(log_main, str(class_file), "--lang", "de")
    assert status == 0
    assert "   2  02.03.2026 09:00  Kunde bei FO-1006: Um Auftragsabbruch bitten" in out
    assert "(zurückgenommen)" in out and "Uhr um 1 Tag auf 03.03.2026 09:00 vorgestellt" in out
    status, out, _ = call(log_main, str(class_file), "--json")
    document = json.loads(out)
    assert (document["steps"], document["redo"], document["branch_of"]) == (10, 1, None)
    assert [h["undone"] for h in document["history"]][-2:] == [False, True]
    assert document["history"][9]["record"]["action"] == "accept"
    assert document["history"][9]["events"][0]["type"] == "accept"


def test_log_reads_a_file_another_rcsim_holds(class_file):
    with Simulation.open(class_file):  # holds the lock
        status, out, err = call(log_main, str(class_file), "--lang", "en")
    assert status == 0 and "Orders added" in out


def test_branch_writes_the_first_steps_and_leaves_the_original_as_it_was(class_file, tmp_path):
    before = class_file.read_bytes()
    new = tmp_path / "what-if.json"
    status, out, err = call(branch_main, str(class_file), "--at", "9", "-o", str(new), "--lang", "en")
    assert (status, err) == (0, "")
    assert out.strip() == f"{new}: a branch of {class_file} at step 9"
    assert class_file.read_bytes() == before
    with Simulation.open(new) as branch:
        assert branch.step_count == 9 and branch.redo_count == 0
        assert branch.branched_from.file == class_file.resolve() and branch.branched_from.step == 9
        assert branch.order_view("FO-1006").open_request is not None  # before the answer
    status, out, _ = call(log_main, str(new))
    assert out.splitlines()[1] == "Branch of class.json at step 9"


@pytest.mark.parametrize("args,words", [
    (["--at", "12"], "There is no step 12: this simulation keeps the steps 0 to 11."),
    (["--at", "-1"], "There is no step -1"),
])
def test_branch_refuses_a_step_that_is_not_kept(class_file, tmp_path, args, words):
    status, out, err = call(branch_main, str(class_file), *args, "-o", str(tmp_path / "n.json"),
                            "--lang", "en")
    assert status == 2 and words in err and out == ""
    assert not (tmp_path / "n.json").exists()


def test_branch_never_writes_over_a_file_and_refuses_a_missing_one(class_file, tmp_path):
    taken = tmp_path / "taken.json"
    taken.write_text("mine")
    status, _, err = call(branch_main, str(class_file), "--at", "1", "-o", str(taken), "--lang", "en")
    assert status == 2 and "already exists" in err and taken.read_text() == "mine"
    status, _, err = call(branch_main, str(tmp_path / "none.json"), "--at", "1", "-o",
                          str(tmp_path / "n.json"), "--lang", "en")
    assert status == 2 and "does not exist" in err


def test_diff_of_a_file_with_itself_is_equal(class_file):
    status, out, err = call(diff_main, str(class_file), str(class_file), "--lang", "en")
    assert (status, err) == (0, "")
    assert out.splitlines()[-1] == ("The two simulations are the same: the same 10 steps, and "
                                    "every order alike.")


def test_diff_of_a_branch_that_took_the_other_answer_names_the_step_and_the_orders(class_file,
                                                                                  tmp_path):
    other = tmp_path / "declined.json"
    assert call(branch_main, str(class_file), "--at", "9", "-o", str(other))[0] == 0
    with Simulation.open(other) as sim:
        sim.act("freelancer", "decline", "FO-1006")
    status, out, err = call(diff_main, str(class_file), str(other), "--lang", "en")
    assert (status, err) == (1, "")
    assert out.splitlines() == [
        f"A: {class_file} (10 steps)",
        f"B: {other} (10 steps)",
        "Both clocks at Mar 2, 2026 9:00 AM.",
        "The same rules (policy “seed”).",
        "Their histories part at step 10:",
        "  A: step 10 (Mar 2, 2026 9:00 AM): Freelancer on FO-1006: Accept",
        "  B: step 10 (Mar 2, 2026 9:00 AM): Freelancer on FO-1006: Decline",
        "The order that differs now:",
        "  FO-1006",
        "    Status: A Cancelled | B In progress",
        "    Cancellation: A Mutual cancellation | B none",
    ]
    status, out, _ = call(diff_main, str(class_file), str(other), "--lang", "de")
    assert status == 1 and "Ihre Verläufe trennen sich bei Schritt 10:" in out
    assert "    Stornierung: A Einvernehmliche Stornierung | B keine" in out
    status, out, _ = call(diff_main, str(class_file), str(other), "--json")
    document = json.loads(out)
    assert (status, document["equal"], document["parted_at"]) == (1, False, 10)
    assert document["orders"] == [{"order": "FO-1006", "fields": ["status", "cancellation"],
                                   "a": {"status": "cancelled", "open_request": None,
                                         "requester": None, "total": 40000,
                                         "cancellation": "mutual"},
                                   "b": {"status": "in_progress", "open_request": None,
                                         "requester": None, "total": 40000,
                                         "cancellation": None}}]


def test_diff_of_histories_where_one_goes_on_and_of_another_start(class_file, tmp_path):
    longer = tmp_path / "longer.json"
    call(branch_main, str(class_file), "--at", "10", "-o", str(longer))
    with Simulation.open(longer) as sim:
        sim.advance("3d")  # the open requests run out
    status, out, _ = call(diff_main, str(class_file), str(longer), "--lang", "en")
    assert status == 1
    assert "  A: ends after step 10" in out and "Clock moved forward 3 days" in out
    assert "Open request: A Cancellation request from the freelancer | B none" in out
    other = tmp_path / "other.json"
    create_demo(other, start="2026-03-03T09:00:00Z").close()
    status, out, _ = call(diff_main, str(class_file), str(other), "--lang", "en")
    assert status == 1 and "They differ from the start: other rules, or another start." in out


def test_diff_says_first_that_the_clocks_and_the_rules_differ(class_file, tmp_path):
    """Issue 21, item 10: a branch with a 72-hour window at another time showed neither."""
    other = tmp_path / "72h.json"
    call(branch_main, str(class_file), "--at", "10", "-o", str(other))
    with Simulation.open(other) as sim:
        sim.change_rules({"cancellation_response_hours": 72, "extension_timeout": "accept"})
        sim.advance("5h")
    status, out, _ = call(diff_main, str(class_file), str(other), "--lang", "en")
    lines = out.splitlines()
    assert status == 1 and lines[2:6] == [
        "The clocks differ: A Mar 2, 2026 9:00 AM | B Mar 2, 2026 2:00 PM",
        "The rules differ now:",
        "  cancellation_response_hours: A 48 h | B 72 h",
        "  extension_timeout: A expires | B accepted",
    ]
    status, out, _ = call(diff_main, str(class_file), str(other), "--lang", "de")
    lines = out.splitlines()
    assert lines[2].startswith("Die Uhren unterscheiden sich: A 02.03.2026 09:00 | B 02.03.2026 14:00")
    assert lines[3] == "Die Regeln unterscheiden sich jetzt:"
    document = json.loads(call(diff_main, str(class_file), str(other), "--json")[1])
    assert (document["a_now"], document["b_now"]) == ("2026-03-02T09:00:00Z", "2026-03-02T14:00:00Z")
    assert document["rules"] == [
        {"name": "cancellation_response_hours", "a": 48, "b": 72},
        {"name": "extension_timeout", "a": "expire", "b": "accept"}]


def test_diff_exits_2_when_a_file_is_refused(class_file, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("not json")
    status, out, err = call(diff_main, str(class_file), str(broken), "--lang", "en")
    assert status == 2 and out == "" and "broken.json" in err and "not valid JSON" in err
    status, _, err = call(diff_main, str(class_file), "--lang", "en")  # one file only
    assert status == 2


def test_the_commands_run_as_rcsim_subcommands(class_file):
    result = subprocess.run([sys.executable, "-m", "rcsim", "diff", str(class_file), str(class_file),
                             "--lang", "en"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "are the same" in result.stdout
    result = subprocess.run([sys.executable, "-m", "rcsim", "log", str(class_file), "--lang", "de"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "Kunde bei FO-1006" in result.stdout


def test_a_file_name_with_an_escape_sequence_is_printed_inert(class_file, tmp_path):
    odd = tmp_path / "odd\x1b[2J.json"
    class_file.rename(odd)
    status, out, _ = call(log_main, str(odd), "--lang", "en")
    assert status == 0 and "\x1b" not in out and "odd\u241b[2J.json" in out
    status, _, err = call(diff_main, str(odd), str(tmp_path / "gone\x1b[2J.json"), "--lang", "en")
    assert status == 2 and "\x1b" not in err
