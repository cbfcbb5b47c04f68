"""Presenting a scenario in the app: the presenter bar, both panes after each step, PASS and FAIL,
the keys and commands that exist only while presenting, and `rcsim --scenario`."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from rcsim.engine.scenario import Player, load
from rcsim.tui.app.app import RcsimApp, make_app
from rcsim.tui.cli import main as cli

from .conftest import SIZE, build_app, pane_text, plain, row, run_from_palette

LIBRARY = Path(__file__).resolve().parents[2] / "data" / "scenarios"
TIMEOUT_STORY = LIBRARY / "buyer_cancel_timeout_mutual.toml"

WRONG = '''title = "A deliberately wrong expectation"
description = "Right after the buyer asks to cancel, the file claims the order is already cancelled."
start = "2026-03-02T09:00:00Z"

[[orders]]
id = "FO-1001"
title = "Logo design"
price = 120
delivery_days = 3

[[steps]]
actor = "buyer"
action = "ask_to_cancel"
order = "FO-1001"
comment = "[bold]not markup[/bold] and \\"quotes\\""
note = "The buyer asks to cancel."

[[steps]]
expect = { order = "FO-1001", status = "cancelled", request = "open" }
note = "Wrong on purpose: the request is still open, so the order is in progress."

[[steps]]
advance = "48h"
'''


def wrong_scenario(folder: Path) -> Path:
    """A scenario file whose expectation on status is wrong on purpose."""
    path = folder / "wrong.toml"
    path.write_text(WRONG, encoding="utf-8")
    return path


def present_app(path: Path) -> RcsimApp:
    """The app presenting a scenario file, from its fixed start: no blink, no animation, English."""
    player = Player(load(path))
    return make_app(player.simulation, player=player, cursor_blink=False,
                    animation_level="none", language="en")


def bar(app: RcsimApp) -> str:
    """Everything the presenter bar shows now."""
    return "\n".join(plain(s.content) for s in app.query("#presenter Static").results(Static) if s.display)


async def test_stepping_through_a_library_scenario_shows_each_step_in_both_panes_and_the_bar():
    app = present_app(TIMEOUT_STORY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = bar(app)
        assert "Presenting: Buyer asks to cancel; the freelancer never answers" in text
        assert "The buyer asks to cancel with a comment." in text  # the description
        assert "Step 0 of 7" in text and "Expectations: 0 passed, 0 failed" in text
        assert "Next, step 1: Buyer: ask to cancel the order, order FO-1001" in text
        assert "The buyer opens a cancellation request." in text  # the next step's note

        await pilot.press("s")  # step 1: the buyer asks to cancel
        text = bar(app)
        assert "Step 1 of 7" in text
        assert "Step 1: Buyer: ask to cancel the order, order FO-1001 (reason: No longer needed, " \
               "comment: 'Sorry, the project was dropped.')" in text
        assert "The buyer asked to cancel FO-1001" in text  # the event it fired
        assert "Next, step 2: Check order FO-1001" in text
        assert "The buyer asked to cancel FO-1001" in pane_text(app, "freelancer")  # a notice there
        assert "Cancel 2d" in row(app, "buyer", "FO-1001")
        assert "Cancel 2d" in row(app, "freelancer", "FO-1001")

        await pilot.press("s")  # step 2: expectations, all held
        text = bar(app)
        assert "PASS  status: expected 'in progress', found 'in progress'" in text
        assert "PASS  inbox.freelancer: expected 'project was dropped'" in text
        assert "FAIL" not in text and "Expectations: 5 passed, 0 failed" in text

        await pilot.press("s")  # step 3: 47h59m later
        assert "Nothing happened." in bar(app)
        assert "Cancel 1m" in row(app, "buyer", "FO-1001")

        await pilot.press("s", "s")  # step 4: checks the clock; step 5: the deadline
        text = bar(app)
        assert "Step 5: Move the clock forward by 1 minute" in text
        assert "Silence counts as consent" in text or "silence counts as consent" in text
        assert "Cancelled" in row(app, "buyer", "FO-1001")
        assert "Cancelled" in row(app, "freelancer", "FO-1001")

        await pilot.press("s", "s")  # step 6: checks; step 7: a withdrawal that must be refused
        text = bar(app)
        assert "Step 7 of 7" in text
        assert "PASS  Refused, as the file says:" in text
        assert "Finished: all 7 steps went as the file says; 12 expectations held." in text
        assert app.player is not None and app.player.done
        assert app.check_action("present_step", ()) is None  # shown, but nothing left to do
        await pilot.press("s")  # harmless at the end
        assert app.player.position == 7


async def test_a_wrong_expectation_is_shown_as_fail_with_expected_and_found(tmp_path):
    app = present_app(wrong_scenario(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        # the comment is shown as typed, never as markup, in the bar and in the thread
        assert '\'[bold]not markup[/bold] and "quotes"\'' in bar(app)
        assert '[bold]not markup[/bold] and "quotes"' in pane_text(app, "freelancer")
        await pilot.press("s")
        text = bar(app)
        assert "FAIL  status: expected 'cancelled', found 'in progress'" in text
        assert "PASS  request: expected 'open', found 'open'" in text
        assert "Expectations: 1 passed, 1 failed" in text
        await pilot.press("e")  # run to the end: the last step, then the summary
        text = bar(app)
        assert "Step 3 of 3" in text
        assert "Finished: 1 of 3 steps did not go as the file says; 1 expectation held, " \
               "1 failed." in text
        assert "FAIL" in text
        assert "Cancelled" in row(app, "freelancer", "FO-1001")  # the 48 h ran out meanwhile


async def test_run_to_the_end_plays_every_step_once():
    app = present_app(TIMEOUT_STORY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        assert app.player is not None and app.player.position == 7
        text = bar(app)
        # expectations are listed (all PASS), plain successful moves are not
        assert "PASS" in text and "FAIL" not in text
        assert "Finished: all 7 steps went as the file says" in text
        assert app.sim.order_view("FO-1001").status == "cancelled"
        assert "Cancelled" in row(app, "buyer", "FO-1001")


async def test_presenter_keys_and_commands_exist_only_while_presenting():
    plain_app = build_app()
    async with plain_app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not plain_app.query("#presenter")
        assert plain_app.check_action("present_step", ()) is False
        assert plain_app.check_action("present_end", ()) is False
        footer = {b.binding.action for b in plain_app.active_bindings.values() if b.binding.show}
        assert "advance('1h')" in footer and not {"present_step", "present_end"} & footer
        titles = [c.title for c in plain_app.get_system_commands(plain_app.screen)]
        assert "Presenting: next step" not in titles
        assert "Recording: save as a scenario file" in titles
        before = plain_app.sim.snapshot()
        await pilot.press("s", "e")  # nothing to present: nothing happens
        assert plain_app.sim.snapshot() == before

    app = present_app(TIMEOUT_STORY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = {b.binding.action for b in app.active_bindings.values() if b.enabled and b.binding.show}
        assert {"present_step", "present_end"} <= shown
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Presenting: next step" in titles and "Presenting: run to the end" in titles
        await run_from_palette(pilot, "next step")  # the palette, then the command by name
        assert app.player is not None and app.player.position == 1


def test_rcsim_scenario_with_a_bad_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "x"\nstart = "2026-03-02T09:00:00Z"\norders = []\nsteps = []\n',
                   encoding="utf-8")
    assert cli.main(["--scenario", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "invalid scenario" in err and str(bad) in err and "'orders'" in err
    assert cli.main(["--scenario", str(tmp_path / "missing.toml")]) == 2
    assert "cannot be read" in capsys.readouterr().err


def test_rcsim_scenario_opens_the_app_on_the_files_orders(monkeypatch, tmp_path):
    started: list[RcsimApp] = []
    monkeypatch.setattr(RcsimApp, "run", lambda self, *a, **k: started.append(self))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--scenario", str(TIMEOUT_STORY)]) == 0
    (app,) = started
    assert app.player is not None and app.player.position == 0
    assert app.sim is app.player.simulation and app.sim.path is None  # in memory
    assert app.sim.order_ids() == ("FO-1001",)
    assert list(tmp_path.iterdir()) == []  # no file opened or created


def test_the_bar_describes_steps_and_values_in_the_runners_words(tmp_path):
    """The bar and `rcsim run` put steps, durations, fields and expected values into the same
    words (tui/words/report.py): German durations in words, statuses as labels, never identifiers."""
    from rcsim.tui.app.widgets.presenter import describe_step, result_lines
    from rcsim.tui.words import i18n

    player = Player(load(wrong_scenario(tmp_path)))
    action, expect, advance = player.scenario.steps
    player.step()
    checked = player.step()
    assert describe_step(advance) == "Move the clock forward by 2 days"
    assert plain(result_lines(checked)[0]) == (
        " FAIL  status: expected 'cancelled', found 'in progress'")
    with i18n.using("de"):
        assert describe_step(advance) == "Die Uhr um 2 Tage vorstellen"
        assert describe_step(action) == (
            "Kunde: Um Auftragsabbruch bitten, Auftrag FO-1001 "
            "(Kommentar: „[bold]not markup[/bold] and \"quotes\"“)")
        lines = [plain(line) for line in result_lines(checked)]
        assert lines[0] == " FEHLER  Status: erwartet „storniert“, vorgefunden „in Bearbeitung“"


async def test_a_scenario_is_presented_in_the_apps_language_and_follows_a_switch():
    """The bundled scenarios speak German too: a German presenter shows the German title,
    description and notes, and the parties' German comments; switching to English (g) switches
    the narration (what the parties typed stays as it was sent)."""
    player = Player(load(TIMEOUT_STORY).in_language("de"))
    app = make_app(player.simulation, player=player, cursor_blink=False,
                   animation_level="none", language="de")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = bar(app)
        assert "Der Kunde bittet um Stornierung; der Freelancer antwortet nicht" in text
        assert "Der Kunde bittet mit einem Kommentar um Stornierung." in text
        assert "Der Kunde stellt eine Stornierungsanfrage." in text
        assert "Buyer" not in text and "cancel" not in text
        await pilot.press("s")
        text = bar(app)
        assert "Das Projekt wurde leider gestrichen." in text
        assert "Der Kunde stellt eine Stornierungsanfrage." in text  # the step's own note
        await pilot.press("g")
        await pilot.pause()
        text = bar(app)
        assert "Buyer asks to cancel; the freelancer never answers" in text
        assert "The buyer opens a cancellation request." in text
        assert "Das Projekt wurde leider gestrichen." in text  # as the buyer sent it
