"""One test per row (and column) of RULES.md Part 1's request table and its actions and fields.

Every refusal is checked with `refused`, which also asserts that the snapshot and the bytes of
the simulation file are unchanged.
"""

from __future__ import annotations

import pytest

from rcsim.engine import Rules, Simulation

from .conftest import HOUR, START, T0, at, refused

OPENABLE = ("incomplete", "in_progress", "delivered", "in_revision")
FREELANCER_REASONS = ("buyer_unresponsive", "out_of_scope", "cannot_complete", "buyer_asked",
                      "duplicate_order", "other")
BUYER_REASONS = ("freelancer_unresponsive", "late", "not_as_described", "no_longer_needed", "other")


def to_status(sim: Simulation, order: str, status: str) -> None:
    """Bring an in-progress order (added by make_sim as in_progress) to a given base status."""
    if status == "delivered":
        sim.act("freelancer", "deliver", order)
    elif status == "in_revision":
        sim.act("freelancer", "deliver", order)
        sim.act("buyer", "request_revision", order, comment="Please fix the colours")
    elif status == "completed":
        sim.act("freelancer", "deliver", order)
        sim.act("buyer", "accept_delivery", order)
    elif status == "cancelled":
        sim.act("buyer", "ask_to_cancel", order, comment="No longer needed")
        sim.act("freelancer", "accept", order)


@pytest.fixture
def order_in(make_sim):
    """A simulation holding order "A" in the given base status."""
    def make(status: str, policy: str = "seed", rules=None) -> Simulation:
        start = "incomplete" if status == "incomplete" else "in_progress"
        sim = make_sim(policy=policy, rules=rules, A=start)
        if status not in ("incomplete", "in_progress"):
            to_status(sim, "A", status)
        assert sim.order_view("A").status == status
        return sim
    return make


# ------------------------------------------------------------------ row 1: order_update

@pytest.mark.parametrize("status", ["in_progress", "in_revision"])
def test_order_update_opened_by_buyer_while_in_progress_or_in_revision(order_in, status):
    sim = order_in(status)
    (event,) = sim.act("buyer", "request_update", "A", comment="How is it going?")
    assert event.type == "request_update" and event.data["request_type"] == "order_update"
    request = sim.order_view("A").open_request
    assert (request.type, request.requester, request.responder, request.state) == (
        "order_update", "buyer", "freelancer", "open")
    assert request.deadline == sim.now + 48 * HOUR


@pytest.mark.parametrize("status", ["incomplete", "delivered", "completed", "cancelled"])
def test_order_update_refused_outside_in_progress_and_in_revision(order_in, status):
    sim = order_in(status)
    code = "order_final" if status in ("completed", "cancelled") else "wrong_status"
    refusal = refused(sim, code, sim.act, "buyer", "request_update", "A")
    if code == "wrong_status":
        assert refusal.params["allowed"] == ("in_progress", "in_revision")


def test_order_update_is_not_opened_by_the_freelancer(order_in):
    sim = order_in("in_progress")
    refusal = refused(sim, "wrong_party", sim.act, "freelancer", "request_update", "A")
    assert refusal.params["allowed"] == ("buyer",)


def test_order_update_answered_by_freelancer_with_respond_update(order_in):
    sim = order_in("in_progress")
    sim.act("buyer", "request_update", "A")
    sim.advance("5h")
    (event,) = sim.act("freelancer", "respond_update", "A", comment="Draft is ready tomorrow")
    assert event.data["request_type"] == "order_update"
    view = sim.order_view("A")
    assert view.open_request is None and view.status == "in_progress"
    request = view.last_request
    assert request.state == "answered" and request.closed_at == at(hours=5)
    assert request.answer == "Draft is ready tomorrow"
    assert sim.next_deadline() is None  # the answered request's deadline is gone


def test_order_update_respond_update_needs_a_comment(order_in):
    sim = order_in("in_progress")
    sim.act("buyer", "request_update", "A")
    refused(sim, "field_required", sim.act, "freelancer", "respond_update", "A")
    refused(sim, "field_blank", sim.act, "freelancer", "respond_update", "A", comment=" \n\t ")


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_order_update_is_answered_only_with_respond_update(order_in, answer):
    sim = order_in("in_progress")
    sim.act("buyer", "request_update", "A")
    refusal = refused(sim, "wrong_answer", sim.act, "freelancer", answer, "A")
    assert refusal.params["answers"] == ("respond_update",)


def test_order_update_buyer_cannot_answer_own_request(order_in):
    sim = order_in("in_progress")
    sim.act("buyer", "request_update", "A")
    refused(sim, "not_responder", sim.act, "buyer", "respond_update", "A", comment="I answer myself")


@pytest.mark.parametrize("policy", ["seed", "current"])
def test_order_update_expires_after_two_days_and_order_returns_to_previous_status(order_in, policy):
    sim = order_in("in_progress", policy=policy)
    sim.act("buyer", "request_update", "A", comment="Any news?")
    assert sim.order_view("A").display_status == "in_resolution"
    assert sim.advance("47h59m") == ()
    assert sim.order_view("A").open_request is not None
    (event,) = sim.advance("1m")
    assert (event.type, event.at, event.actor) == ("timeout", at(hours=48), "system")
    assert event.data["outcome"] == "expired" and event.data["effect"] == "none"
    view = sim.order_view("A")
    assert view.last_request.state == "expired" and view.open_request is None
    assert view.status == "in_progress" and view.display_status == "in_progress"
    assert view.due == at(days=3)


def test_order_update_expiry_shows_order_late_if_due_passed_meanwhile(make_sim):
    sim = make_sim()
    sim.add_order("A", "Logo", 50, 1)  # due after 24 h
    sim.act("buyer", "request_update", "A")
    sim.advance("48h")
    view = sim.order_view("A")
    assert view.last_request.state == "expired"
    assert view.status == "in_progress" and view.display_status == "very_late"


# ------------------------------------------------------------------ rows 2 and 3: cancellation

@pytest.mark.parametrize("status", OPENABLE)
@pytest.mark.parametrize("party", ["buyer", "freelancer"])
def test_cancellation_opened_by_either_party_while_incomplete_in_progress_delivered_in_revision(
        order_in, status, party):
    sim = order_in(status)
    fields = {"comment": "We cannot agree"} if party == "buyer" else {"reason": "cannot_complete"}
    (event,) = sim.act(party, "ask_to_cancel", "A", **fields)
    assert event.data["request_type"] == "cancellation"
    view = sim.order_view("A")
    assert view.status == status  # an open request never changes the base status
    assert view.open_request.requester == party
    assert view.open_request.responder == ("freelancer" if party == "buyer" else "buyer")
    assert view.open_request.deadline == T0 + 48 * HOUR


@pytest.mark.parametrize("status", ["completed", "cancelled"])
@pytest.mark.parametrize("party", ["buyer", "freelancer"])
def test_cancellation_refused_on_final_orders(order_in, status, party):
    sim = order_in(status)
    fields = {"comment": "Cancel please"} if party == "buyer" else {"reason": "other"}
    refusal = refused(sim, "order_final", sim.act, party, "ask_to_cancel", "A", **fields)
    assert refusal.params["status"] == status


def test_buyer_cancel_needs_a_non_blank_comment(order_in):
    sim = order_in("in_progress")
    refused(sim, "field_required", sim.act, "buyer", "ask_to_cancel", "A")
    refused(sim, "field_required", sim.act, "buyer", "ask_to_cancel", "A", reason="late")
    for blank in ("", "   ", "\n\t "):
        refused(sim, "field_blank", sim.act, "buyer", "ask_to_cancel", "A", comment=blank)
    refused(sim, "field_type", sim.act, "buyer", "ask_to_cancel", "A", comment=42)
    sim.act("buyer", "ask_to_cancel", "A", comment="  Too slow  ")
    assert sim.order_view("A").open_request.comment == "  Too slow  "  # kept exactly as typed


def test_buyer_cancel_reason_is_optional_and_from_the_buyer_list(order_in):
    sim = order_in("in_progress")
    refusal = refused(sim, "unknown_reason", sim.act, "buyer", "ask_to_cancel", "A",
                      comment="Bye", reason="buyer_unresponsive")  # a freelancer reason
    assert refusal.params["choices"] == BUYER_REASONS
    sim.act("buyer", "ask_to_cancel", "A", comment="Bye")
    assert sim.order_view("A").open_request.reason is None


@pytest.mark.parametrize("reason", BUYER_REASONS)
def test_buyer_cancel_accepts_every_buyer_reason(order_in, reason):
    sim = order_in("in_progress")
    sim.act("buyer", "ask_to_cancel", "A", comment="Bye", reason=reason)
    assert sim.order_view("A").open_request.reason == reason


def test_freelancer_cancel_needs_a_reason_from_the_list(order_in):
    sim = order_in("in_progress")
    refused(sim, "field_required", sim.act, "freelancer", "ask_to_cancel", "A")
    refused(sim, "field_required", sim.act, "freelancer", "ask_to_cancel", "A", comment="Sorry")
    for wrong in ("late", "", "Other", "no_reason"):
        refusal = refused(sim, "unknown_reason", sim.act, "freelancer", "ask_to_cancel", "A",
                          reason=wrong)
        assert refusal.params["choices"] == FREELANCER_REASONS


@pytest.mark.parametrize("reason", FREELANCER_REASONS)
def test_freelancer_cancel_accepts_every_freelancer_reason_comment_optional(order_in, reason):
    sim = order_in("in_progress")
    sim.act("freelancer", "ask_to_cancel", "A", reason=reason)
    request = sim.order_view("A").open_request
    assert (request.reason, request.comment) == (reason, None)


@pytest.mark.parametrize("requester", ["buyer", "freelancer"])
def test_cancellation_accepted_by_responder_is_mutual_cancellation(order_in, requester):
    sim = order_in("delivered")
    responder = "freelancer" if requester == "buyer" else "buyer"
    fields = {"comment": "Let us stop"} if requester == "buyer" else {"reason": "out_of_scope"}
    sim.act(requester, "ask_to_cancel", "A", **fields)
    sim.advance("3h")
    (event,) = sim.act(responder, "accept", "A", comment="Agreed")
    assert event.data["effect"] == "cancelled"
    view = sim.order_view("A")
    assert view.status == "cancelled" and view.open_request is None
    assert view.cancellation == {"kind": "mutual", "initiator": requester, "resolved_by": "accept",
                                 "request": view.last_request.id}
    assert view.last_request.state == "accepted" and view.last_request.closed_at == at(hours=3)
    assert sim.deadlines() == ()  # nothing (auto-complete included) is left pending


@pytest.mark.parametrize("requester", ["buyer", "freelancer"])
def test_cancellation_declined_ends_request_and_order_carries_on(order_in, requester):
    sim = order_in("in_progress")
    responder = "freelancer" if requester == "buyer" else "buyer"
    fields = {"comment": "Let us stop"} if requester == "buyer" else {"reason": "buyer_asked"}
    sim.act(requester, "ask_to_cancel", "A", **fields)
    sim.act(responder, "decline", "A", comment="No")
    view = sim.order_view("A")
    assert view.last_request.state == "declined" and view.open_request is None
    assert view.status == "in_progress" and view.cancellation is None
    assert sim.advance("30d") == ()  # nothing happens automatically after a decline
    assert sim.order_view("A").status == "in_progress"


def test_cancellation_by_buyer_times_out_after_48h_as_mutual_cancellation(order_in):
    sim = order_in("in_progress")
    sim.act("buyer", "ask_to_cancel", "A", comment="Please cancel", reason="late")
    assert sim.advance("47h59m") == ()
    assert sim.order_view("A").status == "in_progress"
    (event,) = sim.advance("1m")
    assert (event.type, event.at, event.order) == ("timeout", at(hours=48), "A")
    assert event.data == {"request": "R-1", "request_type": "cancellation", "effect": "cancelled",
                          "outcome": "expired", "requester": "buyer"}
    view = sim.order_view("A")
    assert view.status == "cancelled"
    assert view.cancellation == {"kind": "mutual", "initiator": "buyer", "resolved_by": "timeout",
                                 "request": "R-1"}


def test_cancellation_by_freelancer_times_out_after_48h_as_mutual_cancellation(order_in):
    sim = order_in("in_revision")
    sim.act("freelancer", "ask_to_cancel", "A", reason="buyer_unresponsive")
    (event,) = sim.advance("3d")
    assert event.at == at(hours=48) and event.data["effect"] == "cancelled"
    view = sim.order_view("A")
    assert view.status == "cancelled"
    assert view.cancellation["kind"] == "mutual" and view.cancellation["initiator"] == "freelancer"


def test_cancellation_current_policy_same_48h(order_in):
    sim = order_in("in_progress", policy="current")
    sim.act("freelancer", "ask_to_cancel", "A", reason="other")
    assert sim.next_deadline().at == at(hours=48)
    assert sim.next_deadline().outcome == "cancel"


@pytest.mark.parametrize("answer", ["accept", "decline", "respond_update"])
def test_cancellation_requester_cannot_answer_own_request(order_in, answer):
    sim = order_in("in_progress")
    sim.act("buyer", "ask_to_cancel", "A", comment="Bye")
    refused(sim, "not_responder", sim.act, "buyer", answer, "A")


def test_cancellation_is_not_answered_with_respond_update(order_in):
    sim = order_in("in_progress")
    sim.act("buyer", "ask_to_cancel", "A", comment="Bye")
    refusal = refused(sim, "wrong_answer", sim.act, "freelancer", "respond_update", "A", comment="x")
    assert refusal.params["answers"] == ("accept", "decline")


# ------------------------------------------------------------------ row 4: extension

@pytest.mark.parametrize("status", ["in_progress", "in_revision"])
def test_extension_opened_by_freelancer_while_in_progress_or_in_revision(order_in, status):
    sim = order_in(status)
    (event,) = sim.act("freelancer", "request_extension", "A", days=2, comment="More time")
    assert event.data["request_type"] == "extension" and event.data["days"] == 2
    request = sim.order_view("A").open_request
    assert (request.type, request.requester, request.responder, request.days) == (
        "extension", "freelancer", "buyer", 2)
    assert request.deadline == T0 + 96 * HOUR


@pytest.mark.parametrize("status", ["incomplete", "delivered", "completed", "cancelled"])
def test_extension_refused_outside_in_progress_and_in_revision(order_in, status):
    sim = order_in(status)
    code = "order_final" if status in ("completed", "cancelled") else "wrong_status"
    refused(sim, code, sim.act, "freelancer", "request_extension", "A", days=2)


def test_extension_is_not_opened_by_the_buyer(order_in):
    sim = order_in("in_progress")
    refused(sim, "wrong_party", sim.act, "buyer", "request_extension", "A", days=2)


@pytest.mark.parametrize("days, code", [
    (None, "field_required"), (0, "field_range"), (30, "field_range"), (-1, "field_range"),
    (1.5, "field_type"), ("2", "field_type"), (True, "field_type"), (2.0, "field_type"),
])
def test_extension_days_must_be_a_whole_number_from_1_to_29(order_in, days, code):
    sim = order_in("in_progress")
    fields = {} if days is None else {"days": days}
    refused(sim, code, sim.act, "freelancer", "request_extension", "A", **fields)


@pytest.mark.parametrize("days", [1, 29])
def test_extension_days_bounds_are_accepted(order_in, days):
    sim = order_in("in_progress")
    sim.act("freelancer", "request_extension", "A", days=days)
    assert sim.order_view("A").open_request.days == days


def test_extension_extra_price_rules(order_in):
    sim = order_in("in_progress")
    refused(sim, "field_negative", sim.act, "freelancer", "request_extension", "A", days=1, extra_price=-1)
    refused(sim, "field_cents", sim.act, "freelancer", "request_extension", "A", days=1,
            extra_price=10.005, extra_description="x")
    refused(sim, "field_type", sim.act, "freelancer", "request_extension", "A", days=1, extra_price="5")
    refused(sim, "field_type", sim.act, "freelancer", "request_extension", "A", days=1,
            extra_price=float("nan"), extra_description="x")
    refused(sim, "extra_needs_description", sim.act, "freelancer", "request_extension", "A",
            days=1, extra_price=10)
    refused(sim, "extra_needs_description", sim.act, "freelancer", "request_extension", "A",
            days=1, extra_price=10, extra_description="   ")
    sim.act("freelancer", "request_extension", "A", days=1, extra_price=0)  # free: no description
    request = sim.order_view("A").open_request
    assert request.extra_price == 0 and request.extra_description is None


def test_extension_accepted_moves_due_by_days_and_adds_extras_to_total(order_in):
    sim = order_in("in_progress")
    sim.act("freelancer", "request_extension", "A", days=3, extra_price=19.99,
            extra_description="Source files", comment="Adding source files")
    sim.advance("10h")
    (event,) = sim.act("buyer", "accept", "A")
    assert event.data["effect"] == "due_moved"
    view = sim.order_view("A")
    assert view.due == at(days=6)  # 3 days due + 3 days extension, not counted from now
    assert view.extras_total == 1999 and view.total == 10000 + 1999
    assert view.last_request.state == "accepted" and view.status == "in_progress"


def test_extension_declined_due_unchanged(order_in):
    sim = order_in("in_progress")
    sim.act("freelancer", "request_extension", "A", days=3, extra_price=5, extra_description="x")
    sim.act("buyer", "decline", "A", comment="No, I need it on time")
    view = sim.order_view("A")
    assert view.due == at(days=3) and view.extras_total == 0
    assert view.last_request.state == "declined"


def test_extension_seed_policy_lapses_after_96h_due_unchanged(order_in):
    sim = order_in("in_progress")
    sim.act("freelancer", "request_extension", "A", days=5, extra_price=10, extra_description="x")
    assert sim.next_deadline().outcome == "expire"
    assert sim.advance("95h59m") == ()
    (event,) = sim.advance("1m")
    assert (event.type, event.at) == ("timeout", at(hours=96))
    assert event.data["outcome"] == "expired" and event.data["effect"] == "none"
    view = sim.order_view("A")
    assert view.due == at(days=3) and view.extras_total == 0
    assert view.open_request is None and view.last_request.state == "expired"
    # back to its previous status, which is now very late (due day 3, now day 4)
    assert view.status == "in_progress" and view.display_status == "very_late"


def test_extension_current_policy_auto_accepted_after_48h(order_in):
    sim = order_in("in_progress", policy="current")
    sim.act("freelancer", "request_extension", "A", days=5, extra_price=10, extra_description="x")
    assert sim.next_deadline().outcome == "accept"
    assert sim.advance("47h59m") == ()
    (event,) = sim.advance("1m")
    assert (event.type, event.at) == ("timeout", at(hours=48))
    assert event.data["outcome"] == "accepted" and event.data["effect"] == "due_moved"
    view = sim.order_view("A")
    assert view.due == at(days=8) and view.extras_total == 1000
    assert view.last_request.state == "accepted"


def test_extension_is_not_answered_with_respond_update(order_in):
    sim = order_in("in_progress")
    sim.act("freelancer", "request_extension", "A", days=1)
    refused(sim, "wrong_answer", sim.act, "buyer", "respond_update", "A", comment="x")


# ------------------------------------------------------------------ rules shared by all requests

OPENERS = {
    "update": ("buyer", "request_update", {}),
    "buyer_cancel": ("buyer", "ask_to_cancel", {"comment": "stop"}),
    "freelancer_cancel": ("freelancer", "ask_to_cancel", {"reason": "other"}),
    "extension": ("freelancer", "request_extension", {"days": 1}),
}


@pytest.mark.parametrize("first", list(OPENERS))
@pytest.mark.parametrize("second", list(OPENERS))
def test_at_most_one_open_request_per_order(order_in, first, second):
    sim = order_in("in_progress")
    party, action, fields = OPENERS[first]
    sim.act(party, action, "A", **fields)
    party, action, fields = OPENERS[second]
    refusal = refused(sim, "request_open", sim.act, party, action, "A", **fields)
    assert refusal.params["request"] == "R-1"
    assert sim.may(party, action, "A").code == "request_open"
    assert action not in sim.allowed(party, "A")


def test_one_open_request_per_order_not_per_simulation(make_sim):
    sim = make_sim(A="in_progress", B="in_progress")
    sim.act("buyer", "ask_to_cancel", "A", comment="stop")
    sim.act("buyer", "ask_to_cancel", "B", comment="stop")
    assert sim.order_view("B").open_request.id == "R-2"


@pytest.mark.parametrize("opener", list(OPENERS))
def test_only_requester_may_withdraw(order_in, opener):
    sim = order_in("in_progress")
    party, action, fields = OPENERS[opener]
    sim.act(party, action, "A", **fields)
    other = "freelancer" if party == "buyer" else "buyer"
    refusal = refused(sim, "not_requester", sim.act, other, "withdraw", "A")
    assert refusal.params["requester"] == party
    assert "withdraw" not in sim.allowed(other, "A")
    sim.advance("1h")
    (event,) = sim.act(party, "withdraw", "A")
    assert event.type == "withdraw"
    view = sim.order_view("A")
    assert view.last_request.state == "withdrawn" and view.open_request is None
    assert view.status == "in_progress" and view.due == at(days=3)
    assert sim.deadlines() == ()


@pytest.mark.parametrize(("action", "role"), [
    ("withdraw", "requester"), ("accept", "responder"), ("decline", "responder"),
    ("respond_update", "responder"),
])
def test_the_rules_say_which_role_takes_an_answer(action, role):
    # one engine query for "who answers": the scenario loader and the event sentences ask it
    for party in ("buyer", "freelancer"):
        assert Rules.role_for(action, party) == role


@pytest.mark.parametrize("action", ["deliver", "ask_to_cancel", "cancel_order"])
def test_any_other_action_is_taken_by_the_party_itself(action):
    assert Rules.role_for(action, "buyer") == "buyer"
    assert Rules.role_for(action, "freelancer") == "freelancer"


def test_withdraw_takes_no_fields(order_in):
    sim = order_in("in_progress")
    sim.act("buyer", "request_update", "A")
    refused(sim, "field_unknown", sim.act, "buyer", "withdraw", "A", comment="never mind")


def test_ended_request_cannot_change(order_in):
    sim = order_in("in_progress")
    sim.act("buyer", "ask_to_cancel", "A", comment="stop")
    sim.act("buyer", "withdraw", "A")
    for party, action in (("freelancer", "accept"), ("freelancer", "decline"), ("buyer", "withdraw")):
        refused(sim, "no_open_request", sim.act, party, action, "A")
        refusal = refused(sim, "request_ended", sim.act, party, action, "A", request="R-1")
        assert refusal.params["state"] == "withdrawn"
    refused(sim, "unknown_request", sim.act, "freelancer", "accept", "A", request="R-99")
    sim.act("buyer", "ask_to_cancel", "A", comment="stop again")
    for wrong in (["R-2"], 2, {"id": "R-2"}):  # any value a scenario file might hold is refused
        refused(sim, "unknown_request", sim.act, "freelancer", "accept", "A", request=wrong)


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_resolution_center_closed_on_completed_and_cancelled(order_in, status):
    sim = order_in(status)
    for party in ("buyer", "freelancer"):
        assert sim.allowed(party, "A") == ()
        for action in ("request_update", "ask_to_cancel", "request_extension", "accept", "withdraw"):
            refused(sim, "order_final", sim.act, party, action, "A")


def test_open_request_never_changes_base_status_it_is_an_overlay(order_in):
    sim = order_in("delivered")
    sim.act("freelancer", "ask_to_cancel", "A", reason="buyer_asked")
    view = sim.order_view("A")
    assert view.status == "delivered" and view.in_resolution
    assert view.display_status == "in_resolution"
    sim.act("buyer", "decline", "A")
    view = sim.order_view("A")
    assert view.status == "delivered" and not view.in_resolution


def test_comments_and_reasons_reach_the_other_partys_inbox(order_in):
    sim = order_in("in_progress")
    sim.act("freelancer", "ask_to_cancel", "A", reason="out_of_scope")  # reason only, no comment
    inbox = sim.view("buyer").inbox
    assert [(m.sender, m.recipient, m.action, m.reason, m.text) for m in inbox] == [
        ("freelancer", "buyer", "ask_to_cancel", "out_of_scope", "")]
    assert inbox[0].at == T0 and inbox[0].request == "R-1"
    assert sim.view("freelancer").inbox == ()
    sim.advance("2h")
    sim.act("buyer", "decline", "A", comment="Logo was in scope")
    (reply,) = sim.view("freelancer").inbox
    assert (reply.sender, reply.text, reply.at) == ("buyer", "Logo was in scope", at(hours=2))
    sim.act("buyer", "ask_to_cancel", "A", comment="Then let us stop", reason="no_longer_needed")
    sim.act("freelancer", "accept", "A", comment="OK, refunding")
    assert [m.text for m in sim.view("buyer").inbox] == ["", "OK, refunding"]
    assert [m.text for m in sim.view("freelancer").inbox] == ["Logo was in scope", "Then let us stop"]
    # both parties see the whole thread of the order, in order
    thread = sim.order_view("A").thread
    assert [m.sender for m in thread] == ["freelancer", "buyer", "buyer", "freelancer"]


def test_extension_and_update_comments_reach_the_other_party(order_in):
    sim = order_in("in_progress")
    sim.act("buyer", "request_update", "A", comment="Where are we?")
    assert [m.text for m in sim.view("freelancer").inbox] == ["Where are we?"]
    sim.act("freelancer", "respond_update", "A", comment="Halfway")
    sim.act("freelancer", "request_extension", "A", days=2, comment="Need 2 days")
    assert [m.text for m in sim.view("buyer").inbox] == ["Halfway", "Need 2 days"]


def test_comment_over_2500_chars_refused_2500_accepted(order_in):
    sim = order_in("in_progress")
    refusal = refused(sim, "comment_too_long", sim.act, "buyer", "ask_to_cancel", "A",
                      comment="x" * 2501)
    assert refusal.params == {"length": 2501, "limit": 2500}
    refused(sim, "comment_too_long", sim.act, "freelancer", "ask_to_cancel", "A",
            reason="other", comment="y" * 2501)  # optional comments too
    refused(sim, "comment_too_long", sim.act, "freelancer", "request_extension", "A",
            days=1, extra_price=1, extra_description="z" * 2501)
    text = "ä" * 2500
    sim.act("buyer", "ask_to_cancel", "A", comment=text)
    assert sim.order_view("A").open_request.comment == text


def test_unknown_field_refused(order_in):
    sim = order_in("in_progress")
    refusal = refused(sim, "field_unknown", sim.act, "buyer", "request_update", "A", days=3)
    assert refusal.params["known"] == ("comment",)
    refused(sim, "field_unknown", sim.act, "freelancer", "deliver", "A", days=1)


def test_withdraw_and_refile_starts_new_window(order_in):
    sim = order_in("in_progress")
    sim.act("buyer", "ask_to_cancel", "A", comment="stop")
    sim.advance("40h")
    sim.act("buyer", "withdraw", "A")
    sim.act("buyer", "ask_to_cancel", "A", comment="stop, really")
    assert sim.order_view("A").open_request.deadline == at(hours=40 + 48)
    assert sim.advance("47h") == ()  # the first window (ending at 48 h) fired nothing
    assert sim.order_view("A").status == "in_progress"
    (event,) = sim.advance("1h")
    assert event.at == at(hours=88) and event.data["request"] == "R-2"
    assert sim.order_view("A").status == "cancelled"


def test_withdraw_and_refile_extension_starts_new_96h_window(order_in):
    sim = order_in("in_progress")
    sim.act("freelancer", "request_extension", "A", days=1)
    sim.advance("90h")
    sim.act("freelancer", "withdraw", "A")
    sim.act("freelancer", "request_extension", "A", days=2)
    assert sim.order_view("A").open_request.deadline == at(hours=90 + 96)


@pytest.mark.parametrize("opener", ["buyer_cancel", "freelancer_cancel", "update", "extension"])
def test_deliver_while_request_open_keeps_request(order_in, opener):
    sim = order_in("in_progress")
    party, action, fields = OPENERS[opener]
    sim.act(party, action, "A", **fields)
    sim.act("freelancer", "deliver", "A", comment="Here it is")
    view = sim.order_view("A")
    assert view.status == "delivered" and view.open_request.state == "open"


def test_deliver_while_cancellation_open_keeps_request(order_in):
    sim = order_in("in_progress")
    sim.act("buyer", "ask_to_cancel", "A", comment="Too slow")
    sim.advance("10h")
    sim.act("freelancer", "deliver", "A")
    view = sim.order_view("A")
    assert view.status == "delivered" and view.open_request.id == "R-1"
    assert view.auto_complete_paused
    (event,) = sim.advance("38h")  # its outcome still applies: silence cancels the order
    assert event.data["effect"] == "cancelled" and event.at == at(hours=48)
    assert sim.order_view("A").status == "cancelled"
    assert sim.advance("10d") == ()  # and no auto-complete fires afterwards


def test_revision_may_be_requested_while_cancellation_open(order_in):
    sim = order_in("delivered")
    sim.act("freelancer", "ask_to_cancel", "A", reason="cannot_complete")
    sim.act("buyer", "request_revision", "A", comment="Fix it instead")
    view = sim.order_view("A")
    assert view.status == "in_revision" and view.open_request.id == "R-1"


@pytest.mark.parametrize(("policy", "expected"), [
    ("seed", {"order_update": "expire", "cancellation": "cancel", "extension": "expire"}),
    ("current", {"order_update": "expire", "cancellation": "cancel", "extension": "accept"}),
])
def test_a_request_says_what_it_will_do_if_nobody_answers(policy, expected):
    sim = Simulation.create(None, start=START, policy=policy)
    sim.add_orders([{"id": t, "title": t, "price": 10, "delivery_days": 3} for t in expected])
    sim.act("buyer", "request_update", "order_update")
    sim.act("buyer", "ask_to_cancel", "cancellation", comment="Dropped.")
    sim.act("freelancer", "request_extension", "extension", days=2)
    for order, outcome in expected.items():
        request = sim.order_view(order).open_request
        assert request.on_timeout == outcome
        assert next(d for d in sim.deadlines() if d.order == order).outcome == outcome
