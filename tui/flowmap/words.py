"""The flow map's words, in the current language: what a node, an edge, a step and a position
are called, shared by every renderer (text, Mermaid, DOT)."""

from __future__ import annotations

from typing import Any

from rcsim.engine import PARTIES
from rcsim.tui.flowmap.model import KEPT, RC, Edge, FlowMap, Step, rc_node
from rcsim.tui.words.i18n import fmt_datetime, t
from rcsim.tui.words.safetext import clean


def hours_text(hours: int | None) -> str:
    return t("map.hours", n=hours) if hours is not None else ""


def node_label(node: str) -> str:
    if node == KEPT:
        return "↩ " + t("map.kept")
    if node.startswith(RC):
        return t(f"request_type.{node[len(RC):]}")
    return t(f"status.{node}")


def who(edge: Edge) -> str:
    """Who takes an edge: a party, both ("Buyer or Freelancer"), a role, or nobody (silence)."""
    if edge.kind in ("timeout", "deadline"):
        return ""
    if len(edge.parties) == 1:
        return t(f"party.{edge.parties[0]}")
    if edge.role is not None:
        return t(f"map.role.{edge.role}")
    return t("word.or").join(t(f"party.{p}") for p in edge.parties)


def edge_label(edge: Edge) -> str:
    """What an edge is, in a few words: "Buyer: Submit requirements", "no answer for 48 h"."""
    if edge.kind == "deadline":
        return t(f"map.deadline.{edge.action}", hours=hours_text(edge.hours))
    if edge.kind == "timeout":
        return t("map.silence", hours=hours_text(edge.hours))
    text = t("map.who_does", who=who(edge), action=t(f"action.{edge.action}"))
    if edge.guard:
        text = t("map.guarded", guard=t(f"status.{edge.guard}"), what=text)
    return text


def outcome_label(edge: Edge) -> str:
    """Where an edge leads, and what else happens: "Cancelled (mutual cancellation)",
    "declined; keeps its status", "accepted; the delivery date moves"."""
    parts: list[str] = []
    if edge.kind in ("answer", "timeout") and edge.state:
        parts.append(t(f"request_state.{edge.state}"))
    target = node_label(edge.target)
    if edge.cancellation:
        target = t("map.with_kind", target=target, kind=t(f"map.cancellation.{edge.cancellation}"))
    parts.append(target)
    if edge.due_moved:
        parts.append(t("map.due_moved"))
    return t("word.list_sep").join(parts)


def marks_text(flow: FlowMap) -> str:
    return t("map.marks", late=t("status.late"), very_late=t("status.very_late"),
             hours=hours_text(flow.very_late_hours))


def override_text(flow: FlowMap) -> str:
    parts = [t("map.override", rule=rule, was=_value(old), now=_value(new))
             for rule, old, new in flow.overrides]
    return t("word.list_sep").join(parts)


def _value(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return t("map.changed")
    return str(value)


def shown(identifier: str) -> str:
    """An order id as typed, inert and on one line (it goes into terminals, Mermaid and DOT)."""
    return " ".join(clean(identifier).split())


def count_text(n: int) -> str:
    return t("map.orders.one" if n == 1 else "map.orders.other", n=n)


def position_text(flow: FlowMap) -> str:
    pos = flow.position
    if pos is None:
        return ""
    where = t(f"status.{pos.status}")
    if pos.very_late:
        where = t("status.with_flag", status=where, flag=t("status.very_late"))
    elif pos.late:
        where = t("status.with_flag", status=where, flag=t("status.late"))
    if pos.request:
        where = t("map.over", request=t(f"request_type.{pos.request}"), status=where)
    return t("map.position", order=shown(pos.order), where=where)


def step_text(step: Step) -> str:
    """One step of a path: what happened and where it led."""
    if step.source is None:
        what = t("map.step.added")
    elif step.event == "timeout":
        what = t("map.step.timeout")
    elif step.event in ("auto_complete",):
        what = t("map.step.deadline")
    else:
        actor = t(f"party.{step.actor}") if step.actor in PARTIES else t("party.system")
        what = t("map.who_does", who=actor, action=t(f"action.{step.event}"))
    return t("map.step", at=fmt_datetime(step.at), what=what, to=node_label(step.target))


def count_of(flow: FlowMap, node: str) -> int:
    return (flow.counts or {}).get(node, 0)


def is_current(flow: FlowMap, node: str) -> bool:
    pos = flow.position
    if pos is None:
        return False
    return node == pos.status or (pos.request is not None and node == rc_node(pos.request))


def node_text(flow: FlowMap, node: str) -> str:
    """A node's name with what one simulation adds: how many orders, and the selected one."""
    text = node_label(node)
    extras = []
    if flow.counts is not None and node != KEPT:
        extras.append(count_text(count_of(flow, node)) if not node.startswith(RC)
                      else t("map.open_count", n=count_of(flow, node)))
    if is_current(flow, node) and flow.position is not None:
        extras.append("● " + shown(flow.position.order))
    return text + (" (" + t("word.list_sep").join(extras) + ")" if extras else "")


def edge_text(edge: Edge) -> str:
    text = edge_label(edge)
    if edge.kind in ("answer", "timeout") or edge.cancellation:
        text += " → " + outcome_label(edge)
    return text
