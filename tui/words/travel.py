"""Going back in time, in words: a simulation's steps and a comparison of two simulations, for the
app (the timeline, the comparison screen) and the time-travel commands (tui/cli/travel_command.py:
`rcsim log`, `rcsim branch`, `rcsim diff`): their lines and their JSON documents. Everything
said comes from data/i18n ("travel.*"). No Textual here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from rcsim.engine import (
    ADJUSTABLE,
    Comparison,
    HistoryEntry,
    JournalEntry,
    OrderFacts,
    Simulation,
    iso,
    parse_iso,
    to_datetime,
    to_ts,
)
from rcsim.tui.words.describe import describe_event, duration_words
from rcsim.tui.words.i18n import fmt_datetime, fmt_money, has, label, t
from rcsim.tui.words.safetext import clean

MAX_IDS = 4
"""Orders named in the line of a batch of orders; the rest are counted."""


# ------------------------------------------------------------------------------------ steps


def step_text(step: HistoryEntry | JournalEntry) -> str:
    """Who did what in a step, or the clock move, in words ("Buyer: Ask to cancel the order,
    order FO-1001"). A kind of step these words do not know yet is named by its kind (or by a
    "travel.step.<kind>" text, given the record's fields)."""
    record: Mapping[str, Any] = step.record
    kind = step.kind
    if kind == "act":
        return t("travel.step.act", party=label("party", str(record.get("party"))),
                 action=label("action", str(record.get("action"))), order=record.get("order", ""))
    if kind == "clock":
        to = parse_iso(record["to"])
        by = to - to_ts(step.at)
        return t("travel.step.clock", by=duration_words(by), to=fmt_datetime(to_datetime(to)))
    if kind == "orders":
        ids = [str(spec.get("id")) for spec in record.get("orders", ())]
        shown = ", ".join(ids[:MAX_IDS]) + (", …" if len(ids) > MAX_IDS else "")
        return t("travel.step.orders", count=len(ids), ids=shown)
    if kind == "rules":
        changes = record.get("set") or {}
        pairs = t("word.list_sep").join(f"{name} = {value}" for name, value in changes.items())
        return t("travel.step.rules", changes=pairs)
    key = f"travel.step.{kind}"
    if has(key):
        return t(key, **{k: v for k, v in record.items() if isinstance(v, (str, int, float))})
    return t("travel.step.other", kind=kind)


def with_seat(text: str, step: HistoryEntry | JournalEntry) -> str:
    """A step's words with the window that took it, where the journal says (role-play: the
    trainer's window acts for either party, each party's window for itself)."""
    seat = step.record.get("seat")
    if not isinstance(seat, str) or not has(f"seat.window.{seat}"):
        return text
    return t("travel.with_seat", what=text, seat=t(f"seat.window.{seat}"))


def step_line(step: HistoryEntry | JournalEntry) -> str:
    """A step with its number and simulated time, for a notice or a list."""
    return t("travel.step.line", number=step.number, at=fmt_datetime(step.at), what=step_text(step))


def taken_back_text(steps: Sequence[HistoryEntry]) -> str:
    """What an undo or a rewind took back, for the notice after it."""
    if len(steps) == 1:
        return t("travel.notice.undone", what=step_line(steps[0]))
    return t("travel.notice.rewound", count=len(steps), first=steps[0].number,
             last=steps[-1].number, what=step_line(steps[-1]))


def put_back_text(steps: Sequence[HistoryEntry]) -> str:
    """What a redo or a rewind forward put back, for the notice after it."""
    if len(steps) == 1:
        return t("travel.notice.redone", what=step_line(steps[0]))
    return t("travel.notice.forward", count=len(steps), first=steps[0].number,
             last=steps[-1].number, what=step_line(steps[-1]))


def branch_text(sim: Simulation) -> str:
    """"Branch of class.json at step 12", or "" for a simulation that is no branch."""
    origin = sim.branched_from
    if origin is None:
        return ""
    if origin.file is None:
        return t("travel.branch_of.memory", step=origin.step)
    return t("travel.branch_of", file=origin.file.name, step=origin.step)


# ------------------------------------------------------------------------------------ comparing


FACTS = ("status", "open_request", "total", "cancellation")


def fact_words(facts: OrderFacts | None, name: str) -> str:
    """One fact of an order in words; for an order that is not there, says so."""
    if facts is None:
        return t("travel.value.no_order")
    if name == "status":
        return label("status", facts.status)
    if name == "open_request":
        if facts.open_request is None:
            return t("travel.value.none")
        return t(f"travel.value.request.{facts.requester}",
                 type=label("request_type", facts.open_request))
    if name == "total":
        return fmt_money(facts.total)
    if facts.cancellation is None:
        return t("travel.value.none")
    return t(f"travel.value.cancellation.{facts.cancellation}")


def fact_name(name: str) -> str:
    return t(f"travel.fact.{name}")


def rule_words(name: str, value: Any) -> str:
    """A rule's value in words, as help and the rules screen say it ("72 h", "lapses")."""
    if value is None:
        return t("travel.value.none")
    if isinstance(value, (Mapping, list, tuple)):
        return t("travel.value.listed")
    spec = ADJUSTABLE.get(name)
    if spec is not None and spec.unit == "hours":
        return t("map.hours", n=value)
    if spec is not None and spec.unit == "days":
        return t("count.days.one" if value == 1 else "count.days.other", n=value)
    if spec is not None and spec.unit == "characters":
        return t("help.rules.characters", n=value)
    if has(f"rules.choice.{value}") and spec is not None and spec.choices:
        return t(f"rules.choice.{value}")
    return clean(str(value))


def clock_and_rule_lines(comparison: Comparison) -> list[str]:
    """What the command line says first: whether the clocks and the rules differ, and how."""
    here, there = comparison.here_now, comparison.there_now
    lines = [t("travel.diff.clocks", a=fmt_datetime(here), b=fmt_datetime(there))
             if comparison.clocks_differ else t("travel.diff.clocks_same", at=fmt_datetime(here))]
    if not comparison.rules:
        lines.append(t("travel.diff.rules_same", policy=clean(str(comparison.policy))))
        return lines
    lines.append(t("travel.diff.rules"))
    lines += [t("travel.diff.rule", name=clean(r.name), a=rule_words(r.name, r.here),
                b=rule_words(r.name, r.there)) for r in comparison.rules]
    return lines


def parted_lines(comparison: Comparison, a: str, b: str) -> list[str]:
    """Where two histories part, in words: the step, and what each did there (or that it ended)."""
    parted = comparison.parted_at
    if parted is None:
        return [t("travel.diff.same_history", steps=comparison.here_steps)]
    if parted == 0:
        return [t("travel.diff.from_start")]
    lines = [t("travel.diff.parted", step=parted)]
    for side, step, steps in ((a, comparison.here_step, comparison.here_steps),
                              (b, comparison.there_step, comparison.there_steps)):
        what = step_line(step) if step is not None else t("travel.diff.ended", last=steps)
        lines.append(t("travel.diff.side", side=side, what=what))
    return lines


def comparison_lines(comparison: Comparison, a: str, b: str) -> list[str]:
    """The whole comparison as the command line prints it (a and b: the two files' names)."""
    lines = [t("travel.diff.file", side="A", file=a, steps=comparison.here_steps),
             t("travel.diff.file", side="B", file=b, steps=comparison.there_steps)]
    lines += clock_and_rule_lines(comparison)
    if comparison.equal:
        lines.append(t("travel.diff.same", steps=comparison.here_steps))
        return lines
    lines += parted_lines(comparison, "A", "B")
    if not comparison.orders:
        lines.append(t("travel.diff.orders_alike"))
        return lines
    count = len(comparison.orders)
    lines.append(t("travel.diff.orders.one") if count == 1 else t("travel.diff.orders", count=count))
    for difference in comparison.orders:
        lines.append(t("travel.diff.order", order=difference.order))
        for name in difference.fields:
            shown = "status" if name == "order" else name
            lines.append(t("travel.diff.fact", name=fact_name(shown),
                           a=fact_words(difference.here, shown),
                           b=fact_words(difference.there, shown)))
    return lines


# ------------------------------------------------------------------------------------ JSON


def _instant(value: datetime) -> str:
    return iso(to_ts(value))


def event_json(event: Any) -> dict[str, Any]:
    return {"seq": event.seq, "at": _instant(event.at), "type": event.type, "order": event.order,
            "actor": event.actor, "data": _plain(event.data)}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def history_json(sim: Simulation, path: str) -> dict[str, Any]:
    origin = sim.branched_from
    return {
        "file": path, "steps": sim.step_count, "redo": sim.redo_count,
        "branch_of": None if origin is None else {
            "file": None if origin.file is None else str(origin.file), "step": origin.step},
        "history": [{"number": h.number, "kind": h.kind, "at": _instant(h.at), "undone": h.undone,
                     "record": _plain(h.record), "events": [event_json(e) for e in h.events]}
                    for h in sim.history()],
    }


def _facts_json(facts: OrderFacts | None) -> dict[str, Any] | None:
    if facts is None:
        return None
    return {"status": facts.status, "open_request": facts.open_request,
            "requester": facts.requester, "total": facts.total,
            "cancellation": facts.cancellation}


def comparison_json(comparison: Comparison, a: str, b: str) -> dict[str, Any]:
    def step(entry: JournalEntry | None) -> dict[str, Any] | None:
        return None if entry is None else {"number": entry.number, "record": _plain(entry.record)}

    def now(value: datetime | None) -> str | None:
        return None if value is None else _instant(value)

    return {"a": a, "b": b, "equal": comparison.equal, "parted_at": comparison.parted_at,
            "a_now": now(comparison.here_now), "b_now": now(comparison.there_now),
            "rules": [{"name": r.name, "a": _plain(r.here), "b": _plain(r.there)}
                      for r in comparison.rules],
            "a_steps": comparison.here_steps, "b_steps": comparison.there_steps,
            "a_step": step(comparison.here_step), "b_step": step(comparison.there_step),
            "orders": [{"order": d.order, "fields": list(d.fields), "a": _facts_json(d.here),
                        "b": _facts_json(d.there)} for d in comparison.orders]}


def history_lines(sim: Simulation, path: str) -> Iterator[str]:
    """`rcsim log`: the file, where it stands, each step with its events."""
    redo = sim.redo_count
    yield (t("travel.log.summary.redo", path=path, steps=sim.step_count, redo=redo) if redo
           else t("travel.log.summary", path=path, steps=sim.step_count))
    origin = branch_text(sim)
    if origin:
        yield origin
    history = sim.history()
    if not history:
        yield t("travel.log.empty")
    for entry in history:
        if entry.number == sim.step_count + 1:
            yield t("travel.log.here")
        key = "travel.log.step.undone" if entry.undone else "travel.log.step"
        yield t(key, number=entry.number, at=fmt_datetime(entry.at),
                what=with_seat(step_text(entry), entry))
        for event in entry.events:
            yield t("travel.log.event", at=fmt_datetime(event.at), what=describe_event(event))
