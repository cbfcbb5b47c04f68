"""Going back in time in the app: `u` and `U`, the timeline (go back to a step, branch from it),
the comparison screen, and stepping back while presenting; the panes, the clock and the notices
show the state of the moment gone back to."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Static

from rcsim.engine import Simulation
from rcsim.engine.demo import create_demo
from rcsim.engine.scenario import Player, load
from rcsim.tui.app.app import RcsimApp, make_app
from rcsim.tui.app.widgets.clock_bar import ClockBar
from rcsim.tui.app.widgets.event_log import EventLog
from rcsim.tui.app.widgets.lazy_table import LazyTable

from .conftest import (
    SIZE,
    START,
    activate,
    app_of,
    build_app,
    open_order,
    pane_text,
    paste,
    plain,
    screen_text,
)

LIBRARY = Path(__file__).resolve().parents[2] / "data" / "scenarios"


def clock(app: RcsimApp) -> str:
    bar = app.main_screen.query_one(ClockBar)
    return " ".join(plain(s.content) for s in bar.query(Static))


def footer_keys(app: RcsimApp) -> set[str]:
    """The keys the footer offers now (enabled or dimmed)."""
    return {b.key for _, b, enabled, *_ in app.active_bindings.values() if b.show}


def file_app(path: Path, language: str = "en") -> RcsimApp:
    return make_app(create_demo(path, start=START), cursor_blink=False, animation_level="none",
                    language=language)


async def choose_step(pilot: Pilot, step: int) -> None:
    """Open the timeline (if hidden), put its cursor on step `step`'s line and press Enter."""
    app = app_of(pilot)
    if not app.main_screen.query("#event-log") or not app.main_screen.query_one("#event-log").display:
        await pilot.press("l")
        await pilot.pause()
    log = app.main_screen.query_one("#event-log", EventLog)
    table = log.query_one(LazyTable)
    table.focus()
    table.move_cursor(log.row_of(step))
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_u_takes_back_the_last_action_and_U_puts_it_back(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_order(pilot, "buyer", "FO-1006")
        before = app.sim.snapshot(), pane_text(app, "buyer"), clock(app)
        assert "U" not in footer_keys(app)
        await activate(pilot, "#buyer-pane #act-withdraw")  # the buyer withdraws the request
        await pilot.pause()
        after = app.sim.snapshot()
        assert app.sim.order_view("FO-1006").open_request is None
        await pilot.press("u")
        await pilot.pause()
        assert app.sim.snapshot() == before[0]
        assert clock(app) != before[2] and "1 taken back (U puts back)" in clock(app)
        buyer = pane_text(app, "buyer")
        assert "Taken back: step 10 (Mar 2, 2026 9:00 AM): Buyer on FO-1006: Withdraw my request" \
            in buyer
        assert "withdrew" not in buyer  # the notices are the ones of that moment
        assert "Waiting for the freelancer's answer" in buyer  # the order page: open again
        assert "U" in footer_keys(app)
        await pilot.press("U")
        await pilot.pause()
        assert app.sim.snapshot() == after
        assert "Put back: step 10" in pane_text(app, "freelancer")
        assert "U" not in footer_keys(app) and "taken back" not in clock(app)


async def test_u_with_nothing_to_take_back_says_so_and_changes_nothing():
    sim = Simulation.create(None, start=START)
    app = build_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("u")
        await pilot.pause()
        assert sim.step_count == 0 and sim.redo_count == 0
        assert "There is no step to take back" in clock(app)


async def test_undoing_the_orders_of_a_simulation_without_a_set_up_and_redo(tmp_path):
    """A simulation made step by step has no starting point of its own (its baseline is 0):
    every step, the orders added included, can be taken back, as before. (The demo's set-up
    cannot: tests/tui/test_starting_point.py.)"""
    sim = Simulation.create(None, start=START)
    sim.add_orders([{"id": f"O-{n}", "title": "Work", "price": 50, "delivery_days": 3}
                    for n in range(3)])
    sim.act("buyer", "request_update", "O-1")
    app = build_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await choose_step(pilot, 0)
        assert "The start" in screen_text(app)
        await pilot.click("#step-go")
        await pilot.pause()
        assert app.sim.order_ids() == () and app.sim.step_count == 0
        assert "Went back: 2 steps taken back (1 to 2)" in pane_text(app, "buyer")
        for _ in range(2):
            await pilot.press("U")
        await pilot.pause()
        assert len(app.sim.order_ids()) == 3 and app.sim.redo_count == 0


async def test_go_back_to_a_step_of_the_timeline(tmp_path):
    path = tmp_path / "class.json"
    app = file_app(path)
    async with app.run_test(size=SIZE) as pilot:
        # step 10: an hour; step 11: to the first deadline (it fires); step 12: an hour
        await pilot.press("h", "n", "h")
        await pilot.pause()
        expected = Simulation.create(None, start=START)
        for entry in app.sim.journal()[:10]:
            expected.replay(entry.record)
        await choose_step(pilot, 10)
        text = screen_text(app)
        assert "Step 10 (Mar 2, 2026 9:00 AM)" in text  # taken at 9, it moved the clock to 10
        assert "Clock moved forward 1 hour" in text
        assert "steps 11 to 12 (2) are taken back" in text
        await pilot.click("#step-go")
        await pilot.pause()
        assert not app.screen.query("#step-dialog")
        assert app.sim.snapshot() == expected.snapshot()
        assert app.sim.step_count == 10 and app.sim.redo_count == 2
        assert "Went back: 2 steps taken back (11 to 12), the last of them step 12" \
            in pane_text(app, "buyer")
        assert "Mon, Mar 2, 2026 10:00 AM" in clock(app)  # the clock went back two days
        log = app.main_screen.query_one("#event-log")
        assert log.query_one(LazyTable).cursor_row == log.row_of(10)
        title = plain(log.query_one("#event-log-title", Static).content)
        assert "standing at step 10, with 2 steps taken back above it" in title
    app.sim.close()
    with Simulation.open(path) as again:  # the file says so
        assert (again.step_count, again.redo_count) == (10, 2)


async def test_a_step_taken_back_can_be_gone_forward_to(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h", "h", "h", "h")  # steps 10 to 13
        await pilot.pause()
        app.sim.rewind(10)
        app.changed()
        await choose_step(pilot, 12)
        assert "This step was taken back. If you go to here, steps 11 to 12 (2) are put back" in screen_text(app)
        assert str(app.screen.query_one("#step-go").label) == "Go forward to here"
        await pilot.click("#step-go")
        await pilot.pause()
        assert (app.sim.step_count, app.sim.redo_count) == (12, 1)
        assert "Went forward: 2 steps put back (11 to 12)" in pane_text(app, "buyer")


async def test_the_step_it_stands_at_cannot_be_gone_to_but_branched_from(app):
    async with app.run_test(size=SIZE) as pilot:
        await choose_step(pilot, 9)
        assert "The simulation stands here" in screen_text(app)
        assert app.screen.query_one("#step-go").disabled
        assert app.focused is app.screen.query_one("#step-branch")


async def test_branch_from_a_step_writes_the_file_and_opens_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "class.json"
    app = file_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        original = path.read_bytes()
        await choose_step(pilot, 7)
        await pilot.click("#step-branch")
        await pilot.pause()
        field = app.screen.query_one("#branch-path", Input)
        assert field.value == "class-step-7.json"  # beside the file, named after it and the step
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert not app.screen.query("#branch-dialog")
        assert app.sim.path == (tmp_path / "class-step-7.json").resolve()
        assert app.sync.watch is not None and app.sync.watch.files == {str(app.sim.path)}
        assert app.sim.step_count == 7 and app.sim.redo_count == 0
        assert "Branch of class.json at step 7" in clock(app)
        assert path.read_bytes() == original  # the original, byte for byte
        # the original is closed: another process could open it now
        Simulation.open(path).close()


async def test_a_branch_over_an_existing_file_is_refused_in_the_dialog(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    taken = tmp_path / "taken.json"
    taken.write_text("mine")
    app = file_app(tmp_path / "class.json")
    async with app.run_test(size=SIZE) as pilot:
        await choose_step(pilot, 3)
        await pilot.click("#step-branch")
        await pilot.pause()
        app.screen.query_one("#branch-path", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Type the name of the new file." in screen_text(app)
        await paste(pilot, "taken.json")
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(app)
        assert "taken.json cannot be written" in text and "already exists" in text
        assert taken.read_text() == "mine" and app.sim.path.name == "class.json"


async def test_the_comparison_screen_shows_both_sides(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "class.json"
    with create_demo(path, start=START) as sim:
        sim.branch(9, tmp_path / "declined.json")
        sim.act("freelancer", "accept", "FO-1006")
    with Simulation.open(tmp_path / "declined.json") as other:
        other.act("freelancer", "decline", "FO-1006")
    app = make_app(Simulation.open(path), cursor_blink=False, animation_level="none", language="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        await pilot.pause()
        await paste(pilot, "declined.json")
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(app)
        assert "Their histories part at step 10. 1 order differs now:" in text
        assert "class.json: 10 steps" in text and "declined.json: 10 steps" in text
        assert "step 10 (Mar 2, 2026 9:00 AM): Freelancer on FO-1006: Accept" in text
        assert "step 10 (Mar 2, 2026 9:00 AM): Freelancer on FO-1006: Decline" in text
        table = app.screen.query_one("#compare-orders", LazyTable)
        rows = [table.row_at(i)[1] for i in range(table.row_count)]
        assert [[cell[0] for cell in r] for r in rows] == [
            ["FO-1006", "Status", "Cancelled", "In progress"],
            ["", "Cancellation", "Mutual cancellation", "none"]]
        # the same file: the same
        app.screen.query_one("#compare-path", Input).value = "class.json"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "The same: the same 10 steps, and every order alike." in screen_text(app)
        app.screen.query_one("#compare-path", Input).value = "nowhere.json"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "nowhere.json cannot be opened. The file does not exist." in screen_text(app)


async def test_a_branch_offers_to_compare_with_the_file_it_came_from(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with create_demo(tmp_path / "class.json", start=START) as sim:
        sim.branch(5, tmp_path / "b.json")
    app = make_app(Simulation.open(tmp_path / "b.json"), cursor_blink=False,
                   animation_level="none", language="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert app.screen.query_one("#compare-path", Input).value == "class.json"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Their histories part at step 6." in screen_text(app)


async def test_in_german():
    app = build_app()
    app = make_app(app.sim, cursor_blink=False, animation_level="none", language="de")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert "Zurückgenommen: Schritt 10 (02.03.2026 09:00): Uhr um 2 Tage auf 04.03.2026 09:00 vorgestellt" \
            in pane_text(app, "buyer")
        assert "bei Schritt 9, 1 zurückgenommen (U stellt wieder her)" in clock(app)
        await choose_step(pilot, 9)
        assert "Die Simulation steht hier" in screen_text(app)
        await pilot.press("escape")
        await choose_step(pilot, 2)
        text = screen_text(app)
        assert "Schritt 2 (02.03.2026 09:00)" in text and "Kunde bei FO-1006" in text
        assert "Dieser Schritt gehört zur Einrichtung der Simulation (Schritte 1 bis 9)" in text
        await pilot.press("escape")
        await pilot.press("h", "h")  # steps 10 and 11 (the clock move taken back was dropped)
        await choose_step(pilot, 9)
        assert "Wenn du hierher zurückgehst, werden die Schritte 10 bis 11 (2) zurückgenommen" in screen_text(app)


async def test_presenting_u_steps_back_and_the_player_follows():
    player = Player(load(LIBRARY / "what_if_the_freelancer_declines.toml"))
    app = make_app(player.simulation, player=player, cursor_blink=False, animation_level="none",
                   language="en")
    async with app.run_test(size=SIZE) as pilot:
        states = [player.simulation.snapshot()]
        for _ in range(4):
            await pilot.press("s")
            await pilot.pause()
            states.append(player.simulation.snapshot())
        assert player.position == 4
        await pilot.press("u")
        await pilot.pause()
        assert player.position == 3 and player.simulation.snapshot() == states[3]
        await pilot.press("u")
        await pilot.pause()
        assert player.position == 2 and player.simulation.snapshot() == states[2]
        assert "Stepped back: step 3 of the scenario" in pane_text(app, "buyer")
        bar = " ".join(plain(s.content) for s in app.query("#presenter Static"))
        assert "Next, step 3: Freelancer: accept, order FO-3801" in bar
        await pilot.press("U")
        await pilot.pause()
        assert player.position == 3 and player.simulation.snapshot() == states[3]
        # the timeline takes it back too: the Player follows
        await choose_step(pilot, 1)
        await pilot.click("#step-go")
        await pilot.pause()
        assert player.position == 0 and player.simulation.snapshot() == states[0]
        await pilot.press("e")
        await pilot.pause()
        assert player.report().passed
