"""Going back in time: a step of the timeline (go back to it, or branch from it), the file name
of a branch, and the comparison of this simulation with another file, side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Static

from rcsim.engine import Comparison, HistoryEntry, OrderDifference
from rcsim.tui.app.messages import BranchRequested, CompareRequested, TravelRequested
from rcsim.tui.app.screens.dialog import Dialog
from rcsim.tui.app.widgets.lazy_table import Column, LazyTable
from rcsim.tui.words.describe import describe_event
from rcsim.tui.words.i18n import fmt_datetime, language, t
from rcsim.tui.words.text import clean, one_line
from rcsim.tui.words.travel import FACTS, fact_name, fact_words, rule_words, step_line, step_text

MAX_EVENTS = 6
"""Events of a step listed in its dialog; the rest are counted."""


class StepScreen(Dialog[None]):
    """One step of the timeline: what it did and what it caused, where the simulation stands,
    and the choice: go back (or forward) to just after it (`TravelRequested`), or branch from it
    (the branch dialog). The App goes there and closes this, or says here why not."""

    BINDINGS = [Binding("ctrl+s", "submit", "timeline.go")]
    DIALOG_ID = "step-dialog"
    SUBMIT = ("step-go", "timeline.go")
    MORE = (("step-branch", "timeline.branch"),)
    BACK = ("step-cancel", "button.cancel")

    def __init__(self, step: int, entry: HistoryEntry | None, here: int, kept: int,
                 default_branch: Path, baseline: int = 0) -> None:
        super().__init__()
        self.step = step
        self.entry = entry  # None: step 0, the start
        self.here = here
        self.kept = kept
        self.default_branch = default_branch
        self.baseline = baseline  # the set-up's steps: never gone back into (a branch may)

    def title_text(self) -> str:
        if self.entry is None:
            return t("timeline.step.title.start")
        return t("timeline.step.title", number=self.step, at=fmt_datetime(self.entry.at))

    def compose_body(self) -> ComposeResult:
        entry = self.entry
        if entry is None:
            yield Static(Content(t("timeline.start")))
        else:
            yield Static(Content.styled(clean(step_text(entry)), "bold"), id="step-what")
            events = [Content(clean(t("timeline.step.event", at=fmt_datetime(e.at),
                                      what=describe_event(e))))
                      for e in entry.events[:MAX_EVENTS]]
            if len(entry.events) > MAX_EVENTS:
                events.append(Content(t("timeline.step.more", count=len(entry.events) - MAX_EVENTS)))
            if not events:
                events.append(Content(t("timeline.step.no_events")))
            yield Static(Content("\n").join(events), id="step-events")
        yield Static(Content(self._where()), id="step-where")

    def _where(self) -> str:
        """What going there does: steps taken back, put back, or nothing (it stands there)."""
        if self.step == self.here:
            return t("timeline.step.here")
        if self.step < self.baseline:
            return t("timeline.step.setup", steps=self.baseline)
        if self.step < self.here:
            count = self.here - self.step
            return t("timeline.step.back" + (".one" if count == 1 else ""), first=self.step + 1,
                     last=self.here, count=count)
        count = self.step - self.here
        return t("timeline.step.forward" + (".one" if count == 1 else ""), first=self.here + 1,
                 last=self.step, count=count)

    def prepare(self) -> None:
        go = self.query_one("#step-go", Button)
        go.disabled = self.step == self.here or self.step < self.baseline
        if self.step > self.here:
            go.label = Content(t("timeline.go_forward"))
        (self.query_one("#step-branch") if go.disabled else go).focus()

    def action_submit(self) -> None:
        if self.step != self.here and self.step >= self.baseline:
            self.post_message(TravelRequested(self.step))

    def action_more(self, button_id: str) -> None:
        self.app.switch_screen(BranchScreen(self.step, self.default_branch))


class BranchScreen(Dialog[None]):
    """Asks for the file of a branch of the first `step` steps and posts `BranchRequested`; the
    App writes and opens it and closes this, or says here why not (the file exists...)."""

    BINDINGS = [Binding("ctrl+s", "submit", "timeline.branch.save")]
    DIALOG_ID = "branch-dialog"
    SUBMIT = ("branch-save", "timeline.branch.save")
    BACK = ("branch-cancel", "button.cancel")

    def __init__(self, step: int, default_path: Path) -> None:
        super().__init__()
        self.step = step
        self.default_path = default_path

    def title_text(self) -> str:
        return t("timeline.branch.title", step=self.step)

    def compose_body(self) -> ComposeResult:
        yield Static(Content(t("timeline.branch.prompt", step=self.step)))
        yield Static(Content(t("timeline.branch.path")), classes="field-label")
        field = Input(str(self.default_path), id="branch-path")
        field.cursor_blink = getattr(self.app, "cursor_blink", True)
        yield field

    def prepare(self) -> None:
        self.query_one("#branch-path", Input).focus()

    def action_submit(self) -> None:
        typed = self.query_one("#branch-path", Input).value.strip()
        if not typed:
            self.show_error(lambda: t("timeline.branch.no_path"))
            return
        self.post_message(BranchRequested(self.step, Path(typed).expanduser()))


class CompareScreen(Dialog[None]):
    """Asks for another simulation file and posts `CompareRequested`; the App opens it (only
    read) and shows the comparison here, side by side: where the two histories part, and every
    order that differs now, with its facts in each."""

    BINDINGS = [Binding("ctrl+s", "submit", "compare.go")]
    DIALOG_ID = "compare-dialog"
    SUBMIT = ("compare-go", "compare.go")
    BACK = ("compare-close", "button.close")

    def __init__(self, default_path: Path | None, here_name: str) -> None:
        super().__init__()
        self.default_path = default_path
        self.here_name = here_name
        self.rows: list[tuple[str, str, str, str]] = []
        self._shown: tuple[Comparison, str] | None = None  # the comparison on screen

    def title_text(self) -> str:
        return t("compare.title")

    def compose_body(self) -> ComposeResult:
        yield Static(Content(t("compare.prompt", here=self.here_name)))
        field = Input("" if self.default_path is None else str(shown_path(self.default_path)),
                      id="compare-path", placeholder=t("compare.placeholder"))
        field.cursor_blink = getattr(self.app, "cursor_blink", True)
        yield field
        yield Static(id="compare-summary")
        with Horizontal(id="compare-sides"):
            with Vertical(classes="compare-side"):
                yield Static(id="compare-here", classes="compare-name")
                yield Static(id="compare-here-step")
            with Vertical(classes="compare-side"):
                yield Static(id="compare-there", classes="compare-name")
                yield Static(id="compare-there-step")
        table = LazyTable(self._row, language=language(), id="compare-orders")
        table.display = False
        yield table

    def prepare(self) -> None:
        self.query_one("#compare-sides").display = False
        self.query_one("#compare-path", Input).focus()

    def restore(self, state: dict[str, Any]) -> None:
        """After a language switch: the comparison shown is shown again, in the new words."""
        if self._shown is not None:
            self.show_comparison(*self._shown)
        super().restore(state)

    def action_submit(self) -> None:
        typed = self.query_one("#compare-path", Input).value.strip()
        if not typed:
            self.show_error(lambda: t("compare.no_path"))
            return
        self.post_message(CompareRequested(Path(typed).expanduser()))

    def show_comparison(self, comparison: Comparison, there_name: str) -> None:
        """Show the App's answer: the two sides, where they part, the orders that differ."""
        self._shown = (comparison, there_name)
        self.clear_error()
        # First whether the clocks and the rules differ: a branch at another time with other
        # rules may part nowhere else.
        first = [t("compare.clocks")] if comparison.clocks_differ else []
        if comparison.rules:
            first.append(t("compare.rules", count=len(comparison.rules)))
        if not first:
            first.append(t("compare.clocks_rules_same"))
        if comparison.equal:
            summary = t("compare.same", steps=comparison.here_steps)
        elif comparison.parted_at is None:
            summary = t("compare.same_history", steps=comparison.here_steps)
        elif comparison.parted_at == 0:
            summary = t("compare.from_start")
        else:
            summary = t("compare.parted", step=comparison.parted_at)
        if not comparison.equal:
            count = len(comparison.orders)
            summary += " " + (t("compare.orders.one") if count == 1 else
                              t("compare.orders", count=count) if count else t("compare.orders_alike"))
        summary = " ".join([*first, summary])
        self.query_one("#compare-summary", Static).update(Content.styled(clean(summary), "bold"))
        sides = self.query_one("#compare-sides")
        sides.display = True
        for side, name, steps, step in (
                ("here", self.here_name, comparison.here_steps, comparison.here_step),
                ("there", there_name, comparison.there_steps, comparison.there_step)):
            self.query_one(f"#compare-{side}", Static).update(Content.styled(
                clean(t("compare.side", name=name, steps=steps)), "bold"))
            if comparison.parted_at in (None, 0):
                text = ""
            elif step is None:
                text = t("compare.ended", last=steps)
            else:
                text = step_line(step)
            self.query_one(f"#compare-{side}-step", Static).update(Content(clean(text)))
        self.rows = _clock_and_rule_rows(comparison) + [row for d in comparison.orders
                                                        for row in _rows(d)]
        table = self.query_one("#compare-orders", LazyTable)
        # Each column as wide as its longest text where the dialog has room ("…" where not).
        room = self.query_one(f"#{self.DIALOG_ID}").content_region.width - 2 * 4 - 2
        order = max(cell_len(text) for text in [t("compare.column.order"),
                                                *(r[0] for r in self.rows)])
        fact = max(cell_len(text) for text in [t("compare.column.fact"),
                                               *(r[1] for r in self.rows)])
        needed = max(cell_len(text) for text in [self.here_name, there_name,
                                                 *(r[2] for r in self.rows),
                                                 *(r[3] for r in self.rows)])
        fact = min(fact, max(14, room - order - 2 * 20))
        width = max(12, min(needed, (room - order - fact) // 2))
        table.set_columns([
            Column("order", t("compare.column.order"), order),
            Column("fact", t("compare.column.fact"), fact),
            Column("here", one_line(self.here_name, width), width),
            Column("there", one_line(there_name, width), width)])
        table.display = bool(self.rows)
        table.set_row_count(len(self.rows))
        table.move_cursor(0, announce=False)

    def _row(self, index: int) -> tuple[str, tuple[tuple[str, str], ...]]:
        order, fact, here, there = self.rows[index]
        return f"{index}", ((clean(order), "bold"), (fact, ""), (here, ""), (there, ""))


def shown_path(path: Path) -> Path:
    """A path as a user would type it: relative when it lies in the current folder."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _clock_and_rule_rows(comparison: Comparison) -> list[tuple[str, str, str, str]]:
    """The clocks, when they differ, and each rule that differs: the table's first rows."""
    rows = []
    if comparison.clocks_differ:
        rows.append(("", t("compare.fact.clock"), fmt_datetime(comparison.here_now),
                     fmt_datetime(comparison.there_now)))
    rows += [("", clean(r.name), rule_words(r.name, r.here), rule_words(r.name, r.there))
             for r in comparison.rules]
    return rows


def _rows(difference: OrderDifference) -> list[tuple[str, str, str, str]]:
    """An order's differing facts, one row each, the order named on the first."""
    names = ["status", *[n for n in FACTS if n != "status"]] if "order" in difference.fields \
        else list(difference.fields)
    rows = []
    for index, name in enumerate(names):
        rows.append((difference.order if index == 0 else "", fact_name(name),
                     fact_words(difference.here, name), fact_words(difference.there, name)))
    return rows
