"""The debrief of a class, in words: each pair's path through the flow (who did what and when, in
simulated time, and in whose window), where the pairs parted from each other, and how many ended
in each outcome. As text (`rcsim class report DIR`, and the class dashboard's debrief), as JSON
(`--json`) and as a page (`--html`, with each pair's flow map). No Textual here.

The comparison itself is the engine's (engine/classroom.py); this module only says it.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rcsim.engine import (
    Fork,
    OrderOutcome,
    PairPath,
    Simulation,
    iso,
)
from rcsim.engine import (
    class_forks as forks,
)
from rcsim.engine import (
    class_outcome_counts as outcome_counts,
)
from rcsim.engine import (
    class_pair_path as pair_path,
)
from rcsim.tui.web.classroom import Classroom
from rcsim.tui.words.describe import describe_event, party_forms
from rcsim.tui.words.i18n import fmt_datetime, label, t
from rcsim.tui.words.safetext import clean


@dataclass(frozen=True)
class Debrief:
    """What a class's report says, gathered once: each pair's path and the comparison."""

    classroom: Classroom
    paths: tuple[PairPath, ...]
    forks: tuple[Fork, ...]
    outcomes: tuple[tuple[tuple[OrderOutcome, ...], tuple[int, ...]], ...]


def gather(classroom: Classroom) -> Debrief:
    """Read every pair's simulation (only read: a live class goes on undisturbed)."""
    paths = []
    for pair in classroom.pairs:
        with Simulation.open(classroom.path(pair), read_only=True) as sim:
            paths.append(pair_path(pair.number, sim, pair.start))
    return Debrief(classroom, tuple(paths), tuple(forks(paths)), tuple(outcome_counts(paths)))


# ---------------------------------------------------------------- words

def source_text(source: str) -> str:
    """Where a class's pairs started: the demo, or a scenario (its file's name)."""
    if source.startswith("scenario:"):
        return t("class.source.scenario", name=source.split(":", 1)[1])
    return t("class.source.demo")


def pairs_text(pairs: Sequence[int]) -> str:
    return t("class.report.pairs", count=len(pairs), numbers=", ".join(str(p) for p in pairs))


def outcome_text(outcome: OrderOutcome) -> str:
    """Where one order ended, in words ("FO-1003: Cancelled, mutual cancellation (accepted)")."""
    status = label("status", outcome.status)
    cancelled = outcome.cancelled
    if cancelled.get("kind") == "direct":
        status = t("class.report.with", what=status, detail=t(
            "cancellation.direct", **party_forms("initiator", cancelled.get("initiator", "buyer"))))
    elif cancelled:
        status = t("class.report.with", what=status, detail=t(
            f"cancellation.mutual.{cancelled.get('resolved_by', 'accept')}"))
    if outcome.open_request:
        status = t("class.report.with", what=status, detail=t(
            "class.report.open_request", type=label("request_type", outcome.open_request)))
    return t("class.report.order", order=outcome.order, status=status)


def outcomes_text(outcomes: Sequence[OrderOutcome]) -> str:
    if not outcomes:
        return t("class.report.untouched")
    return t("word.list_sep").join(outcome_text(o) for o in outcomes)


def seat_text(seat: str | None) -> str:
    return t(f"seat.window.{seat}") if seat else ""


def summary_lines(debrief: Debrief) -> list[str]:
    """The class, how many pairs ended in each outcome, and where the pairs parted."""
    classroom = debrief.classroom
    lines = [t("class.report.title", path=classroom.folder, count=len(classroom.pairs),
               source=source_text(classroom.source)), "", t("class.report.outcomes")]
    for outcome, pairs in debrief.outcomes:
        lines.append(t("class.report.outcome", pairs=pairs_text(pairs),
                       outcome=outcomes_text(outcome)))
    lines += ["", t("class.report.parted")]
    if not debrief.forks:
        lines.append(t("class.report.same_path") if len(debrief.paths) > 1
                     else t("class.report.one_pair"))
    for fork in debrief.forks:
        lines.append(fork_heading(fork, debrief))
        for move, pairs in fork.branches.items():
            what = (describe_event(fork.example[move]) if move is not None
                    else t("class.report.stopped"))
            lines.append(t("class.report.branch", pairs=pairs_text(pairs), what=what))
    return lines


def move_lines(path: PairPath) -> list[str]:
    """A pair's moves, each with its simulated time and the window that took it."""
    lines = []
    for step in path.steps:
        seat = seat_text(step.seat)
        lines.append(t("class.report.move", at=fmt_datetime(step.event.at),
                       what=describe_event(step.event), seat=f" ({seat})" if seat else ""))
    return lines or [t("class.report.no_moves")]


def pair_heading(debrief: Debrief, path: PairPath) -> str:
    pair = debrief.classroom.pairs[path.pair - 1]
    return t("class.report.pair", pair=path.pair, file=pair.file,
             moves=t("class.report.moves", count=len(path.steps)), outcome=outcomes_text(path.outcomes))


def text_lines(debrief: Debrief) -> list[str]:
    """The report as lines of text (user text in it is made inert by the caller's printing)."""
    lines = summary_lines(debrief)
    for path in debrief.paths:
        lines += ["", pair_heading(debrief, path), *move_lines(path)]
    return lines


def fork_heading(fork: Fork, debrief: Debrief) -> str:
    if not fork.after:
        return t("class.report.at_start")
    last = next(step.event for path in debrief.paths for step in path.steps
                if step.move == fork.after[-1])
    return t("class.report.after", count=len(fork.after), what=describe_event(last))


def render_text(debrief: Debrief) -> str:
    return "\n".join(clean(line) for line in text_lines(debrief)) + "\n"


# ---------------------------------------------------------------- JSON

def as_json(debrief: Debrief) -> dict[str, Any]:
    def move(step: Any) -> dict[str, Any]:
        event = step.event
        return {"step": step.step, "at": iso(int(event.at.timestamp())), "seat": step.seat,
                "actor": event.actor, "type": event.type, "order": event.order,
                "text": describe_event(event)}

    return {
        "class": str(debrief.classroom.folder), "source": debrief.classroom.source,
        "pairs": [{"pair": p.pair, "file": debrief.classroom.path(
            debrief.classroom.pairs[p.pair - 1]).name, "steps": p.step_count - p.start,
                   "moves": [move(s) for s in p.steps],
                   "outcome": [_outcome_json(o) for o in p.outcomes]} for p in debrief.paths],
        "outcomes": [{"pairs": list(pairs), "orders": [_outcome_json(o) for o in outcome],
                      "text": outcomes_text(outcome)} for outcome, pairs in debrief.outcomes],
        "parted": [{"after": len(f.after),
                    "after_text": fork_heading(f, debrief),
                    "branches": [{"pairs": list(pairs),
                                  "move": describe_event(f.example[m]) if m is not None else None}
                                 for m, pairs in f.branches.items()]}
                   for f in debrief.forks],
    }


def _outcome_json(outcome: OrderOutcome) -> dict[str, Any]:
    return {"order": outcome.order, "status": outcome.status,
            "cancellation": outcome.cancelled or None, "open_request": outcome.open_request,
            "text": outcome_text(outcome)}


# ---------------------------------------------------------------- HTML

def pair_map(classroom: Classroom, path: PairPath) -> str:
    """The pair's flow map, with where its first touched order stands and the path it took: a
    picture from Graphviz's `dot` where it is installed, else the text form."""
    from rcsim.tui.flowmap import build_map, locate, render_dot
    from rcsim.tui.flowmap import render_text as map_text

    order = path.outcomes[0].order if path.outcomes else None
    with Simulation.open(classroom.path(classroom.pairs[path.pair - 1]), read_only=True) as sim:
        flow = locate(build_map(sim.rules), sim, order)
    dot = shutil.which("dot")
    if dot is not None:
        try:
            picture = subprocess.run([dot, "-Tsvg"], input=render_dot(flow), capture_output=True,
                                     text=True, timeout=60, check=True).stdout
            return picture[picture.index("<svg"):]
        except (OSError, subprocess.SubprocessError, ValueError):
            pass
    return f"<pre>{html.escape(clean(map_text(flow, 110)))}</pre>"


def render_html(debrief: Debrief) -> str:
    """The report as a page that loads nothing from the network: the summary and, per pair, its
    path and its flow map."""
    def block(lines: Sequence[str]) -> str:
        return f"<pre>{html.escape(clean(chr(10).join(lines)))}</pre>"

    sections = [block(summary_lines(debrief))]
    for path in debrief.paths:
        sections.append(f"<h2>{html.escape(clean(pair_heading(debrief, path)))}</h2>"
                        f"{block(move_lines(path))}"
                        f'<div class="map">{pair_map(debrief.classroom, path)}</div>')
    title = html.escape(clean(t("class.report.page_title", path=debrief.classroom.folder.name)))
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title><style>'
            "body{font-family:sans-serif;margin:1em 2em}pre{white-space:pre-wrap}"
            ".map svg{max-width:100%;height:auto}</style></head><body>"
            f"<h1>{title}</h1>{''.join(sections)}</body></html>\n")
