"""The order lifecycle, lateness, direct cancellation and the time rules of RULES.md Part 1."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rcsim.engine import Refusal, Simulation

from .conftest import START, T0, at, refused, reopened

# ------------------------------------------------------------------ lifecycle

def test_submit_requirements_moves_incomplete_to_in_progress_and_sets_due(make_sim):
    sim = make_sim(A="incomplete")
    assert sim.order_view("A").due is None
    sim.advance("5h")
    (event,) = sim.act("buyer", "submit_requirements", "A")
    view = sim.order_view("A")
    assert view.status == "in_progress" and view.due == at(hours=5, days=3)
    assert event.data == {"due": "2026-03-05T14:00:00Z"}
    refused(sim, "wrong_status", sim.act, "buyer", "submit_requirements", "A")


def test_submit_requirements_is_the_buyers(make_sim):
    sim = make_sim(A="incomplete")
    refused(sim, "wrong_party", sim.act, "freelancer", "submit_requirements", "A")


@pytest.mark.parametrize("start", ["in_progress", "in_revision"])
def test_deliver_moves_in_progress_or_in_revision_to_delivered(make_sim, start):
    sim = make_sim(A="in_progress")
    if start == "in_revision":
        sim.act("freelancer", "deliver", "A")
        sim.act("buyer", "request_revision", "A", comment="Bigger font")
    sim.advance("1h")
    sim.act("freelancer", "deliver", "A", comment="Final files")
    view = sim.order_view("A")
    assert view.status == "delivered" and view.delivered_at == at(hours=1)
    assert view.auto_complete_at == at(hours=1 + 72)
    assert [m.text for m in sim.view("buyer").inbox][-1] == "Final files"


@pytest.mark.parametrize("status", ["incomplete", "delivered"])
def test_deliver_refused_elsewhere(make_sim, status):
    sim = make_sim(A=status)
    refused(sim, "wrong_status", sim.act, "freelancer", "deliver", "A")


def test_buyer_can_never_act_as_freelancer(make_sim):
    sim = make_sim(A="in_progress")
    refused(sim, "wrong_party", sim.act, "buyer", "deliver", "A")
    refused(sim, "unknown_party", sim.act, "support", "deliver", "A")
    refused(sim, "unknown_action", sim.act, "buyer", "refund", "A")


def test_accept_delivery_completes_the_order(make_sim):
    sim = make_sim(A="delivered")
    refused(sim, "wrong_party", sim.act, "freelancer", "accept_delivery", "A")
    sim.advance("2h")
    sim.act("buyer", "accept_delivery", "A")
    view = sim.order_view("A")
    assert view.status == "completed" and view.auto_complete_at is None
    assert sim.deadlines() == () and sim.advance("10d") == ()


def test_auto_complete_72h_after_delivery_not_a_minute_before(make_sim):
    sim = make_sim(A="in_progress")
    sim.act("freelancer", "deliver", "A")
    assert sim.advance("71h59m") == ()
    assert sim.order_view("A").status == "delivered"
    (event,) = sim.advance("1m")
    assert (event.type, event.order, event.at, event.actor) == ("auto_complete", "A", at(hours=72), "system")
    assert sim.order_view("A").status == "completed"


def test_request_revision_moves_delivered_to_in_revision_and_stops_auto_complete(make_sim):
    sim = make_sim(A="delivered")
    refused(sim, "field_required", sim.act, "buyer", "request_revision", "A")
    refused(sim, "field_blank", sim.act, "buyer", "request_revision", "A", comment="  ")
    sim.act("buyer", "request_revision", "A", comment="Wrong logo colour")
    view = sim.order_view("A")
    assert view.status == "in_revision" and view.auto_complete_at is None
    assert [m.text for m in sim.view("freelancer").inbox] == ["Wrong logo colour"]
    assert sim.advance("10d") == ()
    assert sim.order_view("A").status == "in_revision"


def test_request_revision_only_while_delivered(make_sim):
    sim = make_sim(A="in_progress")
    refused(sim, "wrong_status", sim.act, "buyer", "request_revision", "A", comment="x")


@pytest.mark.parametrize("final", ["completed", "cancelled"])
def test_final_statuses_accept_no_action(make_sim, final):
    sim = make_sim(A="delivered")
    if final == "completed":
        sim.act("buyer", "accept_delivery", "A")
    else:
        sim.act("buyer", "ask_to_cancel", "A", comment="stop")
        sim.act("freelancer", "accept", "A")
    for party in ("buyer", "freelancer"):
        for action in ("submit_requirements", "deliver", "accept_delivery", "request_revision",
                       "cancel_order"):
            refusal = refused(sim, "order_final", sim.act, party, action, "A")
            assert refusal.params == {"order": "A", "status": final}


# ------------------------------------------------------------------ late, very late, direct cancel

def test_late_when_now_past_due_not_at_due(make_sim):
    sim = make_sim(A="in_progress")  # due at day 3
    sim.advance_to(at(days=3))
    view = sim.order_view("A")
    assert not view.late and view.due_in == 0
    sim.advance("1m")
    view = sim.order_view("A")
    assert view.late and not view.very_late and view.display_status == "late"
    assert view.status == "in_progress"  # derived, never stored


def test_very_late_from_24h_after_due(make_sim):
    sim = make_sim(A="in_progress")
    sim.advance_to(at(days=4) - timedelta(minutes=1))
    assert not sim.order_view("A").very_late
    sim.advance("1m")
    view = sim.order_view("A")
    assert view.very_late and view.late and view.display_status == "very_late"


def test_lateness_only_for_in_progress(make_sim):
    sim = make_sim(A="in_progress")
    sim.act("freelancer", "deliver", "A")
    sim.act("buyer", "request_revision", "A", comment="x")
    sim.advance("10d")
    view = sim.order_view("A")
    assert view.status == "in_revision" and not view.late and not view.very_late


def test_very_late_enables_direct_cancel(make_sim):
    sim = make_sim(A="in_progress")
    refusal = refused(sim, "direct_cancel_not_allowed", sim.act, "buyer", "cancel_order", "A")
    assert refusal.params["status"] == "in_progress"
    sim.advance_to(at(days=3, hours=23, ) + timedelta(minutes=59))
    refusal = refused(sim, "direct_cancel_not_allowed", sim.act, "buyer", "cancel_order", "A")
    assert refusal.params["status"] == "late"
    assert "cancel_order" not in sim.allowed("buyer", "A")
    sim.advance("1m")
    assert "cancel_order" in sim.allowed("buyer", "A")
    (event,) = sim.act("buyer", "cancel_order", "A", comment="Too late, sorry")
    assert event.data == {"comment": "Too late, sorry", "while": "very_late"}
    view = sim.order_view("A")
    assert view.status == "cancelled"
    assert view.cancellation == {"kind": "direct", "initiator": "buyer", "resolved_by": "direct",
                                 "request": None}
    assert [m.text for m in sim.view("freelancer").inbox] == ["Too late, sorry"]


def test_direct_cancel_while_incomplete_comment_optional(make_sim):
    sim = make_sim(A="incomplete")
    (event,) = sim.act("buyer", "cancel_order", "A")
    assert event.data == {"while": "incomplete"}
    assert sim.order_view("A").cancellation["kind"] == "direct"


@pytest.mark.parametrize("status", ["delivered"])
def test_direct_cancel_refused_after_delivery(make_sim, status):
    sim = make_sim(A=status)
    sim.advance("30d")  # no lateness after delivery: auto-complete fired anyway
    refused(sim, "order_final", sim.act, "buyer", "cancel_order", "A")


def test_direct_cancel_is_the_buyers_only(make_sim):
    sim = make_sim(A="incomplete")
    refused(sim, "wrong_party", sim.act, "freelancer", "cancel_order", "A")


def test_direct_cancel_refused_while_a_request_is_open(make_sim):
    sim = make_sim(A="in_progress", B="incomplete")
    sim.advance("5d")  # A is very late
    sim.act("freelancer", "request_extension", "A", days=2)
    sim.act("freelancer", "ask_to_cancel", "B", reason="buyer_unresponsive")
    for order in ("A", "B"):
        refusal = refused(sim, "request_blocks", sim.act, "buyer", "cancel_order", order)
        assert refusal.params["action"] == "cancel_order"
    sim.act("freelancer", "withdraw", "A")
    sim.act("buyer", "cancel_order", "A")
    assert sim.order_view("A").status == "cancelled"


def test_accept_delivery_waits_while_a_request_is_open(make_sim):
    sim = make_sim(A="delivered")
    sim.act("freelancer", "ask_to_cancel", "A", reason="other")
    refused(sim, "request_blocks", sim.act, "buyer", "accept_delivery", "A")


# ------------------------------------------------------------------ auto-complete pause

def test_auto_complete_paused_while_request_open_and_resumes_with_time_left(make_sim):
    sim = make_sim(A="in_progress")
    sim.act("freelancer", "deliver", "A")           # auto-complete due at 72 h
    sim.advance("30h")
    sim.act("buyer", "ask_to_cancel", "A", comment="Not what I asked for")  # 42 h left
    view = sim.order_view("A")
    assert view.auto_complete_paused and view.auto_complete_at is None
    assert view.auto_complete_left == 42 * 3600
    sim.advance("20h")
    assert sim.order_view("A").auto_complete_left == 42 * 3600  # the paused countdown stands still
    sim.act("freelancer", "decline", "A", comment="It is")   # at 50 h: resumes with 42 h
    view = sim.order_view("A")
    assert not view.auto_complete_paused and view.auto_complete_left is None
    assert view.auto_complete_at == at(hours=50 + 42) and view.auto_complete_in == 42 * 3600
    assert sim.advance("41h59m") == ()
    (event,) = sim.advance("1m")
    assert (event.type, event.at) == ("auto_complete", at(hours=92))


def test_auto_complete_resumes_when_request_times_out_within_one_advance(make_sim):
    # an update request on an in-progress order, then delivery: the pause holds the full 72 h;
    # the update expires at 48 h, the auto-complete resumes then and fires at 48 + 72 h, all in
    # one clock move, each at its own instant.
    sim = make_sim(A="in_progress")
    sim.act("buyer", "request_update", "A")
    sim.advance("6h")
    sim.act("freelancer", "deliver", "A")
    assert sim.order_view("A").auto_complete_paused
    events = sim.advance("30d")
    assert [(e.type, e.at) for e in events] == [("timeout", at(hours=48)),
                                                 ("auto_complete", at(hours=48 + 72))]


def test_cancellation_timeout_wins_over_paused_auto_complete(make_sim):
    sim = make_sim(A="delivered")
    sim.advance("70h")
    sim.act("buyer", "ask_to_cancel", "A", comment="x")   # 2 h of review left, paused
    events = sim.advance("5d")
    assert [(e.type, e.at) for e in events] == [("timeout", at(hours=70 + 48))]
    assert sim.order_view("A").status == "cancelled"


def test_auto_complete_resumes_after_withdraw_with_time_left(make_sim):
    sim = make_sim(A="delivered")
    sim.advance("70h")
    sim.act("freelancer", "ask_to_cancel", "A", reason="other")  # 2 h left
    sim.advance("24h")
    sim.act("freelancer", "withdraw", "A")
    assert sim.order_view("A").auto_complete_at == at(hours=96)
    (event,) = sim.advance("2h")
    assert (event.type, event.at) == ("auto_complete", at(hours=96))


def test_auto_complete_resumes_after_current_extension_auto_accept(make_sim):
    sim = make_sim(policy="current", A="in_progress")
    sim.act("freelancer", "request_extension", "A", days=2)
    sim.advance("1h")
    sim.act("freelancer", "deliver", "A")
    events = sim.advance("10d")
    assert [(e.type, e.at, e.data.get("outcome")) for e in events] == [
        ("timeout", at(hours=48), "accepted"), ("auto_complete", at(hours=48 + 72), None)]


# ------------------------------------------------------------------ time

def test_deadline_fires_at_deadline_not_one_minute_before(make_sim):
    sim = make_sim(A="in_progress")
    sim.act("buyer", "ask_to_cancel", "A", comment="stop")
    assert sim.advance_to(at(hours=48) - timedelta(minutes=1)) == ()
    assert sim.order_view("A").open_request.remaining == 60
    assert sim.advance_to(at(hours=48) - timedelta(seconds=1)) == ()
    (event,) = sim.advance_to(at(hours=48))
    assert event.at == at(hours=48) and sim.now == at(hours=48)


def test_30_day_advance_fires_each_deadline_at_its_own_instant_in_order(make_sim):
    sim = make_sim(A="in_progress", B="in_progress")
    sim.act("buyer", "ask_to_cancel", "A", comment="stop")         # day 0 -> fires day 2
    sim.advance("1d")
    sim.act("freelancer", "request_extension", "B", days=3)        # day 1 -> fires day 5 (96 h)
    events = sim.advance("30d")
    assert [(e.type, e.order, e.at) for e in events] == [
        ("timeout", "A", at(days=2)), ("timeout", "B", at(days=5))]
    assert sim.now == at(days=31)
    assert [e.at for e in sim.events()][-2:] == [at(days=2), at(days=5)]


def test_one_advance_many_orders_fire_in_deadline_order_ties_in_creation_order(make_sim):
    sim = make_sim(A="in_progress", B="in_progress", C="delivered", D="in_progress")
    sim.act("freelancer", "request_extension", "D", days=1)          # 96 h
    sim.act("buyer", "ask_to_cancel", "B", comment="x")              # 48 h
    sim.act("buyer", "request_update", "A")                          # 48 h, created after B
    events = sim.advance("30d")                                      # C auto-completes at 72 h
    assert [(e.order, e.at) for e in events] == [
        ("B", at(hours=48)), ("A", at(hours=48)), ("C", at(hours=72)), ("D", at(hours=96))]


def test_next_deadline_moves_clock_exactly_to_earliest_and_fires_ties(make_sim):
    sim = make_sim(A="in_progress", B="in_progress", C="in_progress")
    sim.act("buyer", "ask_to_cancel", "A", comment="x")
    sim.act("buyer", "request_update", "B")
    sim.act("freelancer", "request_extension", "C", days=1)
    upcoming = sim.next_deadline()
    assert (upcoming.at, upcoming.order, upcoming.kind, upcoming.outcome) == (
        at(hours=48), "A", "request", "cancel")
    assert [d.order for d in sim.deadlines()] == ["A", "B", "C"]
    assert [d.order for d in sim.deadlines(limit=1)] == ["A"]
    events = sim.advance_to_next_deadline()
    assert [e.order for e in events] == ["A", "B"] and sim.now == at(hours=48)
    events = sim.advance_to_next_deadline()
    assert [e.order for e in events] == ["C"] and sim.now == at(hours=96)
    assert sim.next_deadline() is None
    refused(sim, "no_deadline", sim.advance_to_next_deadline)


def test_next_deadlines_are_every_deadline_at_the_earliest_instant(make_sim):
    """What `advance_to_next_deadline` will fire, in the order it fires them; a deadline
    withdrawn meanwhile is not among them."""
    sim = make_sim(**{name: "in_progress" for name in "ABCDEFG"})
    assert sim.next_deadlines() == ()
    for name in "ABCDEF":
        sim.act("buyer", "ask_to_cancel", name, comment="x")
    sim.act("buyer", "withdraw", "C")
    sim.advance("1h")
    sim.act("buyer", "request_update", "G")
    upcoming = sim.next_deadlines()
    assert [d.order for d in upcoming] == ["A", "B", "D", "E", "F"]
    assert {d.at for d in upcoming} == {at(hours=48)} and upcoming[0] == sim.next_deadline()
    events = sim.advance_to_next_deadline()
    assert [e.order for e in events] == ["A", "B", "D", "E", "F"]
    assert [d.order for d in sim.next_deadlines()] == ["G"]


def test_a_day_is_24_hours(make_sim):
    one = make_sim(A="in_progress")
    two = make_sim(A="in_progress")
    for sim in (one, two):
        sim.act("buyer", "ask_to_cancel", "A", comment="x")
    (by_days,) = one.advance("2d")
    (by_hours,) = two.advance("48h")
    assert by_days.at == by_hours.at == at(hours=48)
    assert one.now == two.now == at(hours=48)
    assert one.order_view("A").status == two.order_view("A").status == "cancelled"
    three = make_sim()
    three.advance(timedelta(days=1, hours=12))
    three.advance("1d12h")
    three.advance(3600)
    assert three.now == at(hours=73)


def test_clock_backwards_refused(make_sim):
    sim = make_sim(A="in_progress")
    sim.advance("5h")
    refusal = refused(sim, "clock_backwards", sim.advance_to, START)
    assert refusal.params == {"now": "2026-03-02T14:00:00Z", "target": "2026-03-02T09:00:00Z"}
    refused(sim, "clock_backwards", sim.advance_to, at(hours=5) - timedelta(seconds=1))
    refused(sim, "clock_backwards", sim.advance, -60)
    refused(sim, "clock_backwards", sim.advance, timedelta(hours=-1))
    assert sim.advance_to(at(hours=5)) == () and sim.now == at(hours=5)  # standing still is fine


def test_bad_clock_input_refused(make_sim):
    sim = make_sim()
    refused(sim, "bad_duration", sim.advance, "two days")
    refused(sim, "bad_duration", sim.advance, "")
    refused(sim, "bad_instant", sim.advance_to, "next tuesday")
    refused(sim, "bad_instant", sim.advance_to, "10000-01-01T00:00:00Z")
    for wrong in (None, float("nan"), float("inf")):  # no number at all
        refused(sim, "bad_duration", sim.advance, wrong)
    # typed fine, but past the clock's end (9989), so that no deadline can leave the calendar
    refused(sim, "clock_limit", sim.advance, "99999999d")
    refused(sim, "clock_limit", sim.advance_to, "9995-01-01T00:00:00Z")
    assert sim.now == T0
    with pytest.raises(Refusal) as caught:
        Simulation.create(None, start="9995-01-01T00:00:00Z")
    assert caught.value.code == "clock_limit"
    near_the_end = Simulation.create(None, start="9989-12-01T00:00:00Z",
                                     rules={"extension_response_hours": 87_600})
    near_the_end.add_order("Z", "Last", 10, 3650)
    near_the_end.act("freelancer", "request_extension", "Z", days=29)  # ten years ahead: fine
    assert near_the_end.next_deadline().at.year == 9999


def test_unknown_order_refused(make_sim):
    sim = make_sim(A="in_progress")
    refusal = refused(sim, "unknown_order", sim.act, "buyer", "request_update", "NOPE")
    assert refusal.params == {"order": "NOPE"}
    refused(sim, "unknown_order", sim.act, "freelancer", "accept", "NOPE")
    refused(sim, "unknown_order", sim.order_view, "NOPE")
    refused(sim, "unknown_order", sim.options, "buyer", "NOPE")
    assert sim.may("buyer", "request_update", "NOPE").code == "unknown_order"


def test_adding_orders_is_all_or_nothing(make_sim):
    sim = make_sim(A="in_progress")
    refused(sim, "duplicate_order", sim.add_orders, [
        {"id": "B", "title": "b", "price": 5, "delivery_days": 1},
        {"id": "A", "title": "again", "price": 5, "delivery_days": 1}])
    refused(sim, "invalid_order", sim.add_order, "C", "c", 0, 1)
    refused(sim, "invalid_order", sim.add_order, "C", "c", 5, 0)
    refused(sim, "invalid_order", sim.add_order, "C", "c", 5, 1, status="completed")
    refused(sim, "invalid_order", sim.add_order, "C", "c", 5, 1, status="incomplete", due=START)
    refused(sim, "invalid_order", sim.add_order, " ", "c", 5, 1)
    assert sim.order_ids() == ("A",)


def test_rule_overrides_per_simulation_change_the_deadline(make_sim):
    sim = make_sim(rules={"cancellation_response_hours": 72}, A="in_progress")
    assert sim.rules.data["cancellation_response_hours"] == 72
    sim.act("buyer", "ask_to_cancel", "A", comment="x")
    assert sim.order_view("A").open_request.deadline == at(hours=72)
    assert sim.advance("71h59m") == ()
    (event,) = sim.advance("1m")
    assert event.at == at(hours=72) and sim.order_view("A").status == "cancelled"
    other = make_sim(A="in_progress")  # the default is untouched by another simulation's override
    other.act("buyer", "ask_to_cancel", "A", comment="x")
    assert other.order_view("A").open_request.deadline == at(hours=48)


def test_rule_overrides_survive_reopening(make_sim):
    sim = make_sim(rules={"auto_complete_hours": 24, "comment_max_chars": 10,
                          "reasons": {"buyer": ["why_not"], "freelancer": ["because"]}},
                   A="delivered", B="in_progress")
    again = reopened(sim)
    try:
        assert again.order_view("A").auto_complete_at == at(hours=24)
        refused(again, "comment_too_long", again.act, "buyer", "ask_to_cancel", "B", comment="x" * 11)
        refused(again, "unknown_reason", again.act, "freelancer", "ask_to_cancel", "B", reason="other")
        again.act("freelancer", "ask_to_cancel", "B", reason="because")
    finally:
        again.close()


def test_bad_rule_overrides_refused(tmp_path):
    for rules in ({"cancellation_response_hours": 0}, {"extension_timeout": "maybe"},
                  {"reasons": {"buyer": []}}, {"policy": "x"}, {"unknown": 1}):
        with pytest.raises(Refusal) as info:
            Simulation.create(tmp_path / "x.json", start=START, rules=rules)
        assert info.value.code == "bad_rules"
    with pytest.raises(Refusal):
        Simulation.create(tmp_path / "x.json", start=START, policy="tomorrow")
    assert list(tmp_path.iterdir()) == []


def test_start_instant_and_views(make_sim):
    sim = make_sim(A="in_progress")
    assert sim.now == T0 and sim.policy == "seed"
    view = sim.view("buyer")
    assert view.now == T0 and [o.id for o in view.orders] == ["A"]
    refused(sim, "unknown_party", sim.view, "support")
    assert sim.order_view("A").due_in == 72 * 3600


def test_orders_and_rules_stay_inside_the_calendar(make_sim):
    sim = make_sim(A="in_progress")
    refused(sim, "invalid_order", sim.add_order, "B", "Forever", 10, 10**9)
    with pytest.raises(Refusal) as caught:
        Simulation.create(None, start=START, rules={"cancellation_response_hours": 10**12})
    assert caught.value.code == "bad_rules" and "cancellation_response_hours" in caught.value.message
