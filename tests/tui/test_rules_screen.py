"""The rules screen (`R`, or "Rules" in the command palette): every rule that can be changed by
name with its value, unit, allowed range and source; a change checked as `--rule` checks it, taken
as a step of the simulation, applying from then on; snapshots in English and German."""

from __future__ import annotations

from datetime import timedelta

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, RadioSet

from rcsim.engine import Simulation
from rcsim.engine.demo import create_demo
from rcsim.engine.rules import ADJUSTABLE
from rcsim.tui.app.app import make_app
from rcsim.tui.app.screens.rules import RulesScreen
from rcsim.tui.words import i18n

from .conftest import SIZE, START, build_app, pane_text, plain, run_from_palette, screen_text

CLASSIC = (80, 24)


def _app(language: str = "en", sim: Simulation | None = None):
    return make_app(sim or create_demo(None, start=START), cursor_blink=False,
                    animation_level="none", language=language)


def rows(app) -> dict[str, list[str]]:
    """The table as shown: rule name -> its cells (the rule's cell: name, then what it is)."""
    table = app.screen.query_one("#rules-table", DataTable)
    return {str(key.value): [plain(cell) for cell in table.get_row(key)]
            for key in table.rows}


async def open_rules(pilot: Pilot) -> RulesScreen:
    await pilot.press("R")
    await pilot.pause()
    assert isinstance(pilot.app.screen, RulesScreen)
    return pilot.app.screen


async def change(pilot: Pilot, rule: str, value: str) -> None:
    """Choose the rule's row, go to its value (Enter), type it over the old one, Change."""
    screen = pilot.app.screen
    table = screen.query_one("#rules-table", DataTable)
    table.focus()
    table.move_cursor(row=list(ADJUSTABLE).index(rule), animate=False)
    await pilot.pause()
    await pilot.press("enter")
    field = screen.query_one("#rules-value", Input)
    assert field.has_focus
    field.value = ""
    for key in value:
        await pilot.press(key)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_every_rule_with_its_value_unit_range_and_source() -> None:
    sim = Simulation.create(None, start=START, rules={"very_late_hours": 48})
    app = build_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await open_rules(pilot)
        shown = rows(app)
        assert list(shown) == list(ADJUSTABLE)
        assert shown["cancellation_response_hours"] == [
            "cancellation_response_hours\nTime to accept or decline a cancellation request",
            "48", "hours", "1 to 87600", "policy"]
        assert shown["very_late_hours"][1:] == ["48", "hours", "1 to 87600",
                                                "✎ changed, policy: 24 h"]
        assert shown["extension_timeout"][1:] == ["expires", "choice", "expires or accepted",
                                                  "policy"]
        assert shown["extension_days_max"][1:4] == ["29", "days", "1 to 3650"]
        assert shown["comment_max_chars"][1:4] == ["2500", "characters", "1 to 1000000"]
        text = screen_text(app)
        assert "Deadlines already running keep their time" not in text  # (said as below)
        assert "deadlines already running keep theirs, since every deadline is fixed when it " \
               "is created" in text
        assert "No deadline is running now." in text


async def test_a_change_is_a_step_from_now_on_and_a_running_deadline_keeps_its_instant() -> None:
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        sim = app.sim
        before = sim.order_view("FO-1006").open_request.deadline
        await open_rules(pilot)
        assert "Deadlines running now: 5. They keep their time." in screen_text(app)
        steps = sim.step_count
        await change(pilot, "cancellation_response_hours", "72")
        assert sim.rules.data["cancellation_response_hours"] == 72
        assert sim.step_count == steps + 1 and sim.journal(steps)[0].kind == "rules"
        assert rows(app)["cancellation_response_hours"][1:] == [
            "72", "hours", "1 to 87600", "✎ changed, policy: 48 h"]
        said = ("Changed “Time to accept or decline a cancellation request” from 48 h to 72 h, "
                "from now on.")
        assert said in screen_text(app)
        assert isinstance(app.screen, RulesScreen)  # open for the next change
        await pilot.press("escape")
        await pilot.pause()
        for party in ("buyer", "freelancer"):
            assert said in pane_text(app, party)
        assert sim.order_view("FO-1006").open_request.deadline == before
        sim.act("buyer", "ask_to_cancel", "FO-1001", comment="After the change.")
        request = sim.order_view("FO-1001").open_request
        assert request.deadline - request.opened_at == timedelta(hours=72)


async def test_a_value_out_of_range_is_refused_in_the_screen_and_changes_nothing() -> None:
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        sim = app.sim
        snapshot, steps = sim.snapshot(), sim.step_count
        await open_rules(pilot)
        await change(pilot, "very_late_hours", "0")
        assert "The rule very_late_hours must be a whole number from 1 to 87600, not 0." \
            in screen_text(app)
        await change(pilot, "extension_days_min", "30")
        assert "must not be longer than the longest (extension_days_max, 29)" in screen_text(app)
        await change(pilot, "very_late_hours", "24")  # the value it has: no step
        assert "Nothing changed: the rule already has this value." in screen_text(app)
        assert sim.snapshot() == snapshot and sim.step_count == steps
        assert rows(app)["very_late_hours"][1] == "24"


async def test_what_an_unanswered_extension_does_is_a_choice() -> None:
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rules(pilot)
        table = screen.query_one("#rules-table", DataTable)
        table.move_cursor(row=list(ADJUSTABLE).index("extension_timeout"), animate=False)
        await pilot.pause()
        assert not screen.query_one("#rules-value", Input).display
        await pilot.press("enter")
        choice = screen.query_one("#rules-choice", RadioSet)
        assert choice.has_focus and choice.pressed_button.id == "rules-choice-expire"
        await pilot.press("down", "enter", "ctrl+s")  # the next choice: accepted automatically
        await pilot.pause()
        assert app.sim.rules.data["extension_timeout"] == "accept"
        assert rows(app)["extension_timeout"][1] == "accepted"
        # FO-1009's extension request, opened under "expire", is accepted when its time comes
        assert app.sim.order_view("FO-1009").open_request.on_timeout == "accept"


async def test_the_rules_are_in_the_command_palette_and_in_german() -> None:
    app = _app("de")
    async with app.run_test(size=SIZE) as pilot:
        with i18n.using("de"):  # the palette asks in the app's task, in its language
            titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Regeln: die Regeln dieser Simulation ansehen und ändern" in titles
        await run_from_palette(pilot, "Regeln: die")
        assert isinstance(app.screen, RulesScreen)
        assert rows(app)["cancellation_response_hours"][1:] == [
            "48", "Stunden", "1 bis 87600", "Richtlinie"]
        await change(pilot, "cancellation_response_hours", "72")
        assert ("„Frist für Annahme oder Ablehnung einer Stornierungsanfrage“ ab jetzt von 48 Std. "
                "auf 72 Std. geändert.") in screen_text(app)
        await change(pilot, "cancellation_response_hours", "0")
        assert "muss eine ganze Zahl von 1 bis 87600 sein, nicht 0" in screen_text(app)


async def test_in_a_classic_terminal_the_change_button_can_be_reached() -> None:
    app = _app()
    async with app.run_test(size=CLASSIC) as pilot:
        screen = await open_rules(pilot)
        await change(pilot, "update_response_hours", "36")
        assert app.sim.rules.data["update_response_hours"] == 36
        button = screen.query_one("#rules-change")
        button.scroll_visible(animate=False)
        await pilot.pause()
        assert screen.query_one("#rules-dialog").region.contains_region(button.region)


def _change_the_window(language: str):
    async def run_before(pilot: Pilot) -> None:
        await open_rules(pilot)
        await change(pilot, "cancellation_response_hours", "72")
        pilot.app.screen.query_one("#rules-dialog").scroll_home(animate=False)
        await pilot.pause()

    return run_before


def test_rules_screen_after_a_change_snapshot(snap_compare) -> None:
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_change_the_window("en"))


def test_rules_screen_after_a_change_german_snapshot(snap_compare) -> None:
    assert snap_compare(_app("de"), terminal_size=SIZE, run_before=_change_the_window("de"))
