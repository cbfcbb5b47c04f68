"""The flow map's model: every status, request, answer and deadline of the rules is on it, with
this simulation's own durations; and one order's position and path are its events."""

from __future__ import annotations

import pytest

from rcsim.engine import BASE_STATUSES, InputError, Simulation
from rcsim.engine.rules import ANSWER_ACTIONS, OPENING_ACTIONS
from rcsim.tui.flowmap import (
    KEPT,
    build_map,
    edge_label,
    locate,
    rc_node,
    render_dot,
    render_mermaid,
    render_text,
)
from rcsim.tui.words import i18n

START = "2026-03-02T09:00:00Z"
RULE_SETS = [
    pytest.param("seed", {}, id="seed"),
    pytest.param("current", {}, id="current"),
    pytest.param("seed", {"cancellation_response_hours": 72, "auto_complete_hours": 50,
                          "very_late_hours": 30}, id="override"),
]


@pytest.fixture(autouse=True)
def no_missing_keys():
    i18n.missing_keys.clear()
    yield
    assert not i18n.missing_keys, sorted(i18n.missing_keys)


def _sim(policy: str, rules: dict) -> Simulation:
    return Simulation.create(None, start=START, policy=policy, rules=rules)


@pytest.mark.parametrize(("policy", "rules"), RULE_SETS)
def test_every_rule_is_on_the_map_with_this_simulations_durations(policy, rules) -> None:
    sim = _sim(policy, rules)
    data = sim.rules.data
    flow = build_map(sim.rules)
    assert flow.statuses == BASE_STATUSES
    assert flow.policy == policy
    # who may take each action, in which status: an edge from each of those statuses
    for action, by_role in data["actions"].items():
        if action in ANSWER_ACTIONS:
            continue
        for party, spec in by_role.items():
            for status in spec["while"]:
                source = "in_progress" if status == "very_late" else status
                kinds = ("open",) if action in OPENING_ACTIONS else ("action",)
                found = [e for e in flow.edges_from(source, kinds)
                         if e.action == action and party in e.parties]
                assert found, (action, party, status)
                if status == "very_late" and source not in spec["while"]:
                    assert found[0].guard == "very_late"
    # each request: its answers (and the withdrawal), its deadline with this simulation's hours
    hours = {"order_update": data["update_response_hours"],
             "cancellation": data["cancellation_response_hours"],
             "extension": data["extension_response_hours"]}
    for rtype, spec in data["requests"].items():
        node = rc_node(rtype)
        answers = {e.action for e in flow.edges_from(node, ("answer",))}
        assert answers == {*spec["answers"], "withdraw"}, rtype
        (timeout,) = flow.edges_from(node, ("timeout",))
        assert timeout.hours == hours[rtype] == sim.rules.response_seconds[rtype] // 3600
        outcome = {"cancellation": "cancel", "order_update": "expire",
                   "extension": data["extension_timeout"]}[rtype]
        assert timeout.outcome == outcome
        assert timeout.target == ("cancelled" if rtype == "cancellation" else KEPT)
        assert timeout.due_moved == (outcome == "accept")
    (auto,) = [e for e in flow.lifecycle if e.kind == "deadline"]
    assert (auto.source, auto.target, auto.hours) == ("delivered", "completed",
                                                      data["auto_complete_hours"])
    assert flow.very_late_hours == data["very_late_hours"]
    # and every one of them is written on each form of the map, in both languages
    for language in ("en", "de"):
        with i18n.using(language):
            forms = {"text": render_text(flow, 160), "list": render_text(flow, 80),
                     "mermaid": render_mermaid(flow), "dot": render_dot(flow)}
            for name, text in forms.items():
                flat = " ".join(text.split())
                for status in BASE_STATUSES:
                    label = i18n.t(f"status.{status}")
                    if name == "text":  # in its box, a long name may take two lines
                        assert all(word in flat for word in label.split()), (name, status)
                    else:
                        assert label in flat, (name, status)
                for rtype in data["requests"]:
                    assert i18n.t(f"request_type.{rtype}") in flat, (name, rtype)
                for edge in flow.edges:
                    if edge.kind != "open" or name in ("mermaid", "dot"):
                        label = edge_label(edge)
                        if name == "mermaid":
                            label = label.replace(":", " ·")
                        assert label in flat, (name, label)
                for n in hours.values():
                    assert i18n.t("map.silence", hours=i18n.t("map.hours", n=n)) in flat
                assert i18n.t("map.hours", n=data["very_late_hours"]) in flat


def test_an_override_shows_its_own_hours_not_the_policys() -> None:
    flow = build_map(_sim("seed", {"cancellation_response_hours": 72}).rules)
    text = render_text(flow, 160)
    assert "no answer for 72 h → expired, Cancelled" in " ".join(text.split())
    assert "no answer for 48 h → expired, Cancelled" not in " ".join(text.split())
    assert flow.overrides == (("cancellation_response_hours", 48, 72),)
    assert "cancellation_response_hours 72 (policy: 48)" in text
    assert "no answer for 72 h" in render_mermaid(flow) and "no answer for 72 h" in render_dot(flow)


def test_the_current_policy_accepts_an_unanswered_extension_after_48_hours() -> None:
    flow = build_map(_sim("current", {}).rules)
    (timeout,) = flow.edges_from(rc_node("extension"), ("timeout",))
    assert (timeout.hours, timeout.state, timeout.due_moved) == (48, "accepted", True)
    assert "no answer for 48 h → accepted, ↩ keeps its status, the delivery date moves" in \
        render_text(flow, 80)


def test_an_action_taken_away_leaves_the_map() -> None:
    """The map follows the rules: without the buyer's order update request, it has none."""
    data = _sim("seed", {}).rules.data
    actions = dict(data["actions"])
    actions["request_update"] = {}
    with pytest.raises(InputError) as refused:  # an action must keep a party: refused
        _sim("seed", {"actions": actions})
    assert refused.value.code == "bad_rules"
    assert "actions.request_update" in refused.value.params["detail"]
    actions["cancel_order"] = {"buyer": {"while": ["incomplete"], "blocked_by_open_request": True,
                                         "fields": {"comment": "optional"}}}
    actions["request_update"] = data["actions"]["request_update"]
    flow = build_map(_sim("seed", {"actions": actions}).rules)
    cancels = [e for e in flow.lifecycle if e.action == "cancel_order"]
    assert [(e.source, e.guard) for e in cancels] == [("incomplete", None)]


def _story() -> Simulation:
    sim = _sim("seed", {})
    sim.add_order("FO-1", "Logo", 120, 3, status="incomplete")
    sim.add_order("FO-2", "Flyer", 50, 2)
    sim.advance("1h")
    sim.act("buyer", "submit_requirements", "FO-1")
    sim.advance("2h")
    sim.act("freelancer", "deliver", "FO-1")
    sim.act("buyer", "request_revision", "FO-1", comment="Bigger, please.")
    sim.advance("1d")
    sim.act("freelancer", "request_extension", "FO-1", days=2)
    sim.act("buyer", "accept", "FO-1")
    sim.act("buyer", "ask_to_cancel", "FO-1", comment="Sorry.")
    sim.advance("3d")  # the cancellation request runs out: a mutual cancellation
    return sim


def test_the_selected_orders_position_and_path_are_its_events() -> None:
    sim = _story()
    flow = locate(build_map(sim.rules), sim, "FO-1")
    events = [e for e in sim.events() if e.order == "FO-1"]
    assert [(s.at, s.event) for s in flow.path] == [(e.at, e.type) for e in events]
    assert [s.target for s in flow.path] == [
        "incomplete", "in_progress", "delivered", "in_revision", rc_node("extension"),
        "in_revision", rc_node("cancellation"), "cancelled"]
    assert all(s.edge for s in flow.path[1:]), "every step after the start is an edge of the map"
    view = sim.order_view("FO-1")
    assert flow.position is not None
    assert (flow.position.status, flow.position.request) == (view.status, None) == ("cancelled", None)
    assert flow.counts == {"cancelled": 1, "in_progress": 1, "very_late": 1} and flow.total == 2
    text = render_text(flow, 160)
    for event in events:
        assert i18n.fmt_datetime(event.at) in text
    # each step's edge is drawn as on the path in the graph forms too
    dot = render_dot(flow)
    assert dot.count('penwidth=2.5') == len(flow.path_edges)


def test_an_order_with_an_open_request_stands_in_its_status_and_in_the_request() -> None:
    sim = _sim("seed", {})
    sim.add_order("FO-1", "Logo", 120, 3, due="2026-03-01T08:00:00Z")
    sim.act("freelancer", "ask_to_cancel", "FO-1", reason="buyer_unresponsive")
    flow = locate(build_map(sim.rules), sim, "FO-1")
    assert flow.position.status == "in_progress" and flow.position.very_late
    assert flow.position.request == "cancellation"
    assert flow.counts == {"in_progress": 1, "very_late": 1, rc_node("cancellation"): 1}
    assert "FO-1 is here: In progress (very late), in the Resolution Center: Cancellation request" \
        in render_text(flow, 160)
    assert "class in_progress,rc_cancellation current" in render_mermaid(flow)
