"""The calendar's end: no date the engine computes from user input may leave the calendar.

The calendar ends with 9999-12-31T23:59:59Z (and begins with the year 1). Every place a date is
computed from what a user gives has a test here: an order's `due`, an extension on request, on
accept and when it is accepted automatically (policy `current`), `submit_requirements` (due = now +
delivery_days), `deliver` (the auto-complete) and the requests' deadlines. What would leave the
calendar is refused before anything changes, in memory and on disk (`refused` checks both), and
every view keeps working after it.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from rcsim.engine import Refusal, Simulation
from rcsim.engine.rules import load_policies
from rcsim.engine.timeutil import CALENDAR_END, CLOCK_LIMIT, iso, to_datetime

from .conftest import refused

LAST_SECOND = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
NEAR_THE_END = "9989-12-30T00:00:00Z"  # two days before the clock stops


def test_the_calendar_ends_with_the_year_9999_and_the_clock_ten_years_before() -> None:
    assert to_datetime(CALENDAR_END) == LAST_SECOND
    assert iso(CLOCK_LIMIT) == "9989-12-31T23:59:59Z"


def views_work(sim: Simulation) -> None:
    """Every view of every order can be built (a date past the calendar would raise here)."""
    for party in ("buyer", "freelancer"):
        sim.view(party)
    for order in sim.order_ids():
        sim.order_view(order)
    sim.deadlines()
    sim.events()


# ---------------------------------------------------------------- an order's due date


@pytest.mark.parametrize("due", [
    "9999-12-31T23:00:00-05:00",     # in UTC this is already the year 10000
    "10000-01-01T00:00:00Z",
    "0001-01-01T00:00:00+05:00",     # before the year 1 in UTC
    datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))),
])
def test_a_due_date_outside_the_calendar_is_refused(make_sim, due) -> None:
    sim = make_sim(A="in_progress")
    refusal = refused(sim, "bad_instant" if isinstance(due, str) and due.startswith("10000")
                      else "outside_calendar", sim.add_order, "B", "Far", 10, 3, due=due)
    assert "calendar" in refusal.message or "not an instant" in refusal.message
    views_work(sim)


def test_a_due_date_at_the_calendars_last_second_is_fine(make_sim, tmp_path: Path) -> None:
    sim = make_sim()
    sim.add_order("B", "Last", 10, 3, due="9999-12-31T23:59:59Z")
    assert sim.order_view("B").due == LAST_SECOND
    views_work(sim)


# ---------------------------------------------------------------- extensions


def test_an_extension_past_the_calendar_is_refused_when_requested(make_sim) -> None:
    sim = make_sim()
    sim.add_order("B", "Far", 10, 3, due="9999-12-20T00:00:00Z")
    refusal = refused(sim, "extension_past_calendar", sim.act, "freelancer",
                      "request_extension", "B", days=29)
    assert refusal.params["most"] == 11  # the days still inside the calendar
    assert "9999-12-31" in refusal.message and "11" in refusal.message
    sim.act("freelancer", "request_extension", "B", days=11)  # up to the calendar's last day
    sim.act("buyer", "accept", "B")
    assert sim.order_view("B").due == datetime(9999, 12, 31, tzinfo=UTC)
    views_work(sim)


@pytest.fixture
def late_submission(tmp_path: Path):
    """late_submission(policy) -> a simulation file where an extension was requested while the
    order had no due date, and then the requirements were submitted: the due date the extension
    would move now lies ten years ahead, at the calendar's end.

    Only an override makes this possible (RULES.md Part 1 opens extensions while in progress or
    in revision); the engine must still keep every date inside the calendar.
    """
    made: list[Simulation] = []

    def make(policy: str = "seed", **rules: int) -> Simulation:
        actions = copy.deepcopy(load_policies()["seed"]["actions"])
        actions["request_extension"]["freelancer"]["while"].append("incomplete")
        sim = Simulation.create(tmp_path / f"late-{len(made)}.json", start=NEAR_THE_END,
                                policy=policy,
                                rules={"actions": actions, "extension_response_hours": 1,
                                       **rules})
        made.append(sim)
        sim.add_order("Z", "Late start", 10, 3650, status="incomplete")
        sim.act("freelancer", "request_extension", "Z", days=29)  # no due date yet: fine
        sim.act("buyer", "submit_requirements", "Z")  # due: ten years on, 9999-12-28
        assert sim.order_view("Z").due.year == 9999
        return sim

    yield make
    for sim in made:
        sim.close()


def test_accepting_an_extension_past_the_calendar_is_refused(late_submission) -> None:
    sim = late_submission()
    refusal = refused(sim, "extension_past_calendar", sim.act, "buyer", "accept", "Z")
    assert refusal.params["order"] == "Z"
    # The buyer sees why before pressing: the answer is dimmed with the same reason.
    accept = next(o for o in sim.options("buyer", "Z") if o.action == "accept")
    assert not accept.allowed and accept.refusal.code == "extension_past_calendar"
    views_work(sim)
    sim.act("buyer", "decline", "Z")  # the way out still works
    views_work(sim)


def test_an_automatic_acceptance_past_the_calendar_stops_the_clock_before_it(late_submission) -> None:
    sim = late_submission("current")  # an unanswered extension is accepted
    deadline = sim.next_deadline()
    assert deadline.outcome == "accept"
    refusal = refused(sim, "timeout_past_calendar", sim.advance, "2h")
    assert refusal.params["request"] == deadline.request
    assert "decline" in refusal.message and "withdraw" in refusal.message
    refused(sim, "timeout_past_calendar", sim.advance_to_next_deadline)
    views_work(sim)
    sim.advance("59m")  # up to the deadline the clock moves as always
    sim.act("freelancer", "withdraw", "Z")
    assert sim.advance("2h") == ()
    views_work(sim)


def test_a_clock_move_that_is_refused_fires_nothing_before_it(late_submission) -> None:
    # A deadline earlier in the same move would have fired first: the move is refused whole.
    sim = late_submission("current", extension_response_hours=3, cancellation_response_hours=1)
    sim.add_order("Y", "Other", 10, 3)
    sim.act("buyer", "ask_to_cancel", "Y", comment="Stop")  # runs out after 1 h, before Z's
    refused(sim, "timeout_past_calendar", sim.advance, "4h")
    assert sim.order_view("Y").status == "in_progress" and sim.order_view("Y").in_resolution
    sim.advance("1h")  # up to Z's deadline the clock moves, and Y's deadline fires
    assert sim.order_view("Y").status == "cancelled"


# ---------------------------------------------------------------- dates bounded by the rules


def at_the_clocks_end(**rules: int) -> Simulation:
    return Simulation.create(None, start=iso(CLOCK_LIMIT), rules=rules or None)


def test_submitting_requirements_at_the_clocks_end_stays_inside_the_calendar() -> None:
    sim = at_the_clocks_end()
    sim.add_order("Z", "Late", 10, 3650, status="incomplete")
    sim.act("buyer", "submit_requirements", "Z")
    assert sim.order_view("Z").due == datetime(9999, 12, 29, 23, 59, 59, tzinfo=UTC)
    views_work(sim)


def test_delivering_at_the_clocks_end_stays_inside_the_calendar(tmp_path: Path) -> None:
    sim = at_the_clocks_end(auto_complete_hours=87_600)
    sim.add_order("Z", "Late", 10, 3650)
    sim.act("freelancer", "deliver", "Z")
    assert sim.order_view("Z").auto_complete_at.year == 9999
    views_work(sim)


@pytest.mark.parametrize("party, action, fields", [
    ("buyer", "request_update", {}),
    ("buyer", "ask_to_cancel", {"comment": "Stop"}),
    ("freelancer", "request_extension", {"days": 29}),
])
def test_request_deadlines_at_the_clocks_end_stay_inside_the_calendar(party, action, fields) -> None:
    sim = at_the_clocks_end(update_response_hours=87_600, cancellation_response_hours=87_600,
                            extension_response_hours=87_600)
    sim.add_order("Z", "Late", 10, 1)
    sim.act(party, action, "Z", **fields)
    assert sim.next_deadline().at.year == 9999
    views_work(sim)


def test_refusals_here_render_in_both_languages() -> None:
    from rcsim.tui.words.i18n import (  # the app's words for the engine's refusals
        refusal_text,
        table,
    )

    refusal = Refusal("timeout_past_calendar", order="Z", request="R-1", at=iso(CLOCK_LIMIT),
                      days=29, limit=iso(CALENDAR_END))
    for lang in ("en", "de"):
        for code in ("outside_calendar", "extension_past_calendar", "timeout_past_calendar"):
            assert f"refusal.{code}" in table(lang)
        assert "R-1" in refusal_text(refusal, lang) and "9999" in refusal_text(refusal, lang)


def test_an_instant_before_the_year_1000_is_written_so_that_it_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "early.json"
    Simulation.create(path, start="0999-03-02T09:00:00Z").close()
    assert '"0999-03-02T09:00:00Z"' in path.read_text(encoding="utf-8")
    with Simulation.open(path) as sim:
        assert sim.now == datetime(999, 3, 2, 9, tzinfo=UTC)


def test_a_duration_of_thousands_of_digits_is_refused_not_crashed_on(make_sim) -> None:
    sim = make_sim()  # typed in the app's duration dialog, or given to advance()
    refused(sim, "clock_limit", sim.advance, "9" * 5000 + "h")
    refused(sim, "clock_limit", sim.advance, "1" + "0" * 13 + "m")
    assert sim.advance("000000000000000001h") == ()  # leading zeros are no size
