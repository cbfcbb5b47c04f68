"""The rules screen: every rule of this simulation that can be changed by name, with its value,
unit, allowed range, and whether it is the policy's or changed here; change one, checked as
`--rule` checks it. A change is a step of the simulation (undo takes it back) and applies from
then on; the screen says what that means for the deadlines already running."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Input, Label, RadioButton, RadioSet, Static

from rcsim.engine import ADJUSTABLE, RuleSpec, Simulation, load_policies
from rcsim.tui.app.messages import RuleChangeRequested
from rcsim.tui.app.screens.dialog import Dialog, words
from rcsim.tui.app.screens.help import _value
from rcsim.tui.words.i18n import has, t
from rcsim.tui.words.safetext import clean

_WHOLE_NUMBER = set("0123456789")
RULE_WIDTH = 40
"""The rule column before the dialog is laid out: the name `--rule` takes, and below it what
the rule is. Laid out, it takes the room the other columns leave, up to its longest text (cut
with "…" where a language says it at length and the screen is narrow; the field below the table
names it in full)."""
COLUMNS = (("rule", "rules.column.rule"), ("value", "rules.column.value"),
           ("unit", "rules.column.unit"), ("range", "rules.column.range"),
           ("source", "rules.column.source"))


def rule_name(rule: str) -> str:
    return t(f"help.rules.name.{rule}")


def value_words(spec: RuleSpec, value: Any) -> str:
    """A rule's value as the screen shows it: a number, or a choice in words."""
    if spec.choices:
        key = f"rules.choice.{value}"
        return t(key) if has(key) else clean(str(value))
    return clean(str(value))


def unit_words(spec: RuleSpec) -> str:
    return t(f"rules.unit.{spec.unit}")


def range_words(spec: RuleSpec) -> str:
    """What a rule may take: "1 to 87600", or its choices in words."""
    if spec.choices:
        return t("word.or").join(value_words(spec, choice) for choice in spec.choices)
    return t("rules.range", low=spec.low, high=spec.high)


def with_unit(rule: str, value: Any) -> str:
    """A rule's value with its unit, as help says it: "72 h", "29 days", "accepted
    automatically"."""
    return _value(rule, value)[0]


def source_words(spec: RuleSpec, data: dict[str, Any]) -> tuple[str, bool]:
    """Where a value comes from: the policy, or changed here (saying what the policy has)."""
    policy = data.get("policy", "")
    base = load_policies().get(policy, {}).get(spec.name)
    value = data[spec.name]
    if base == value:
        return t("rules.source.policy"), False
    return t("rules.source.changed", was=with_unit(spec.name, base)), True


class RulesScreen(Dialog[None]):
    """Every rule that can be changed by name, as a table; choose a row, type or choose the new
    value, then Change (ctrl+s). The App asks the engine: a refusal is shown here and changes
    nothing; a change is shown in the table and as a notice in both panes, and the screen stays
    open for the next one."""

    BINDINGS = [Binding("ctrl+s", "submit", "rules.change"),
                Binding("escape", "back", "button.close")]
    DIALOG_ID = "rules-dialog"
    SUBMIT = ("rules-change", "rules.change")
    BACK = ("rules-close", "button.close")

    def __init__(self, sim: Simulation) -> None:
        super().__init__()
        self.sim = sim
        self.rule = next(iter(ADJUSTABLE))
        self._done: str | Callable[[], str] | None = None
        self._rule_width = RULE_WIDTH

    def title_text(self) -> str:
        return t("rules.title", policy=self.sim.policy)

    def compose_body(self) -> ComposeResult:
        yield Static(Content(t("rules.effect")), id="rules-effect")
        yield Static(id="rules-running")
        yield Static(Content(t("rules.intro")), id="rules-intro")
        table: DataTable[Text] = DataTable(id="rules-table", cursor_type="row", zebra_stripes=False)
        yield table
        yield Label(id="rules-edit-label", classes="field-label")
        field = Input(id="rules-value", restrict=r"[0-9]*", max_length=12)
        field.cursor_blink = getattr(self.app, "cursor_blink", True)
        yield field
        spec = ADJUSTABLE["extension_timeout"]
        with RadioSet(id="rules-choice"):
            for choice in spec.choices:
                yield RadioButton(Content(t(f"help.rules.extension_timeout.{choice}")),
                                  id=f"rules-choice-{choice}")
        yield Static(id="rules-done")

    def prepare(self) -> None:
        self._rule_width = RULE_WIDTH
        self._add_columns()
        self.fill()
        self.query_one("#rules-table", DataTable).focus()
        self.call_after_refresh(self._fit_columns)  # once laid out (also after a rebuild)

    def _add_columns(self) -> None:
        table = self.query_one("#rules-table", DataTable)
        for key, label in COLUMNS:
            table.add_column(Text(t(label), style="bold"), key=key,
                             width=self._rule_width if key == "rule" else None)

    def rule_width(self) -> int:
        """The rule column's width: its longest text where the dialog has room for it beside
        the other columns (each as wide as its longest text now), else what room is left."""
        data = dict(self.sim.rules.data)
        texts: dict[str, list[str]] = {key: [t(label)] for key, label in COLUMNS}
        for name, spec in ADJUSTABLE.items():
            texts["rule"] += [name, rule_name(name)]
            texts["value"].append(value_words(spec, data[name]))
            texts["unit"].append(unit_words(spec))
            texts["range"].append(range_words(spec))
            texts["source"].append(source_words(spec, data)[0])
        padding = 2  # a DataTable cell's padding, one on each side
        others = sum(max(cell_len(text) for text in texts[key]) + padding
                     for key, _ in COLUMNS if key != "rule")
        box = self.query_one(f"#{self.DIALOG_ID}")
        room = box.content_region.width - box.styles.scrollbar_size_vertical
        longest = max(cell_len(text) for text in texts["rule"])
        return max(12, min(longest, room - others - padding)) if room > 0 else RULE_WIDTH

    def box_resized(self) -> None:
        self.call_after_refresh(self._fit_columns)

    def _fit_columns(self) -> None:
        """The columns for the dialog's width (laid out only now): the table anew if the rule
        column's width changes, the same row chosen."""
        if not self.is_attached:
            return
        width = self.rule_width()
        if width == self._rule_width:
            return
        self._rule_width = width
        table = self.query_one("#rules-table", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        self._add_columns()
        self.fill(edit=False)  # (what was typed for the chosen rule stays)
        table.move_cursor(row=row, animate=False)

    def fill(self, edit: bool = True) -> None:
        """The table, the editor (unless `edit` is False) and the count of running deadlines,
        from the simulation."""
        table = self.query_one("#rules-table", DataTable)
        data = dict(self.sim.rules.data)
        row = table.cursor_row
        table.clear()
        for name, spec in ADJUSTABLE.items():
            source, changed = source_words(spec, data)
            rule = Text(no_wrap=True, overflow="ellipsis")
            rule.append(name, style="bold")
            rule.append("\n" + rule_name(name), style="dim")
            table.add_row(rule, Text(value_words(spec, data[name]), style="bold" if changed else ""),
                          Text(unit_words(spec)), Text(range_words(spec)),
                          Text(source, style="bold" if changed else "dim"), height=2, key=name)
        table.move_cursor(row=row, animate=False)
        if edit:
            self.edit(list(ADJUSTABLE)[table.cursor_row])
        running = len(self.sim.deadlines())
        self.query_one("#rules-running", Static).update(Content(
            t("rules.running.none") if not running else t("rules.running", count=running)))

    def edit(self, rule: str) -> None:
        """Offer the chosen rule's value for change: a field for a number, a choice otherwise."""
        self.rule = rule
        spec = ADJUSTABLE[rule]
        value = self.sim.rules.data[rule]
        self.query_one("#rules-edit-label", Label).update(Content(t(
            "rules.edit", name=rule_name(rule), unit=unit_words(spec), range=range_words(spec))))
        field = self.query_one("#rules-value", Input)
        choice = self.query_one("#rules-choice", RadioSet)
        field.display = not spec.choices
        choice.display = bool(spec.choices)
        if spec.choices:
            self.query_one(f"#rules-choice-{value}", RadioButton).value = True
        else:
            field.value = str(value)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value in ADJUSTABLE and event.row_key.value != self.rule:
            self.edit(str(event.row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: go to its value."""
        event.stop()
        widget = "#rules-choice" if ADJUSTABLE[self.rule].choices else "#rules-value"
        self.query_one(widget).focus()

    def value(self) -> Any:
        """The value asked for: a whole number as typed, a choice's identifier; anything else
        as typed, for the engine to refuse with what the rule can take."""
        if ADJUSTABLE[self.rule].choices:
            pressed = self.query_one("#rules-choice", RadioSet).pressed_button
            return None if pressed is None or pressed.id is None else \
                pressed.id.removeprefix("rules-choice-")
        text = self.query_one("#rules-value", Input).value.strip()
        return int(text) if text and set(text) <= _WHOLE_NUMBER else text

    def action_submit(self) -> None:
        self.post_message(RuleChangeRequested(self.rule, self.value()))

    def show_changed(self, text: str | Callable[[], str]) -> None:
        """After a change: the table anew, and what was changed (the error line cleared); a
        function giving the text is asked again after a language switch."""
        self.clear_error()
        self.fill()
        self.call_after_refresh(self._fit_columns)  # (a rule's source may now say more)
        self._done = text
        done = self.query_one("#rules-done", Static)
        done.update(Content.styled(clean(words(text)), "bold"))
        done.add_class("-shown")

    def show_error(self, text: str | Callable[[], str]) -> None:
        """A refused change: said here (what was changed before is no longer the news)."""
        self._done = None
        self.query_one("#rules-done", Static).remove_class("-shown")
        super().show_error(text)

    def keep_more(self) -> dict[str, Any]:
        return {"row": self.query_one("#rules-table", DataTable).cursor_row}

    def restore(self, state: dict[str, Any]) -> None:
        """After a language switch: the same rule chosen, with what was typed for it, and what
        was changed last said anew."""
        table = self.query_one("#rules-table", DataTable)
        table.move_cursor(row=state["row"], animate=False)
        self.edit(list(ADJUSTABLE)[table.cursor_row])
        super().restore(state)
        if self._done is not None:
            self.show_changed(self._done)
