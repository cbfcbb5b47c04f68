"""Role-play in the app: a party's window shows that party alone and leaves the clock to the
trainer's window; what another process writes to the same simulation file is on screen without
a key press, with a notice; a party cannot take back the other party's steps."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from textual.widgets import Static

from rcsim.engine import Simulation
from rcsim.engine.demo import create_demo
from rcsim.tui.app.app import make_app
from rcsim.tui.app.widgets.clock_bar import ClockBar
from rcsim.tui.app.widgets.party_pane import PartyPane
from rcsim.tui.cli.main import main

from .conftest import SIZE, START, pane_text, plain
from .reach import hold_sync

ROOT = Path(__file__).resolve().parents[2]


def other_process(path: Path, code: str) -> None:
    """Another real process opens the file, does `code` to `sim`, and closes it."""
    subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from rcsim.engine import Simulation
        sim = Simulation.open({str(path)!r})
        {code}
        sim.close()
    """)], check=True, capture_output=True, timeout=60)


def window(path: Path, role: str | None = None, *, clock: bool | None = None):
    sim = Simulation.open(path)
    return make_app(sim, cursor_blink=False, animation_level="none", language="en", role=role,
                    holds_clock=clock)


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "class.json"
    create_demo(path, start=START).close()
    return path


def clock_text(app) -> str:
    return plain(app.main_screen.query_one("#clock-now", Static).content)


async def until(pilot, check, what: str, tries: int = 100) -> None:
    """Let the app run (its timers included) until `check()` holds; no key is pressed."""
    for _ in range(tries):
        if check():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"never on screen: {what}")


async def test_a_party_window_shows_its_party_alone_and_leaves_the_clock_to_the_trainer(demo_file):
    app = window(demo_file, "buyer")
    async with app.run_test(size=SIZE) as pilot:
        panes = list(app.main_screen.query(PartyPane))
        assert [pane.party for pane in panes] == ["buyer"]
        assert panes[0].region.width == SIZE[0]  # the whole width
        assert "Buyer's window" in app.sub_title
        bar = app.main_screen.query_one(ClockBar)
        held = plain(bar.query_one("#clock-held", Static).content)
        assert held.startswith("Buyer's window") and "trainer's window" in held
        assert not bar.query("#clock-hour")  # no clock buttons
        before = app.sim.now
        for key in ("h", "d", "n", "p", "2", "R"):
            await pilot.press(key)
            await pilot.pause()
        assert app.sim.now == before and not app.playing
        assert app.front_party == "buyer" and len(app.screen_stack) == 1
        for name in ("advance", "jump", "next_deadline", "toggle_play", "focus_pane", "rules"):
            assert app.check_action(name, ()) is False  # so the footer does not offer them
    app.sim.close()


async def test_a_party_window_with_the_clock_moves_it(demo_file):
    app = window(demo_file, "freelancer", clock=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is app.pane("freelancer").query_one("#orders")  # keys work at once
        before = app.sim.now
        await pilot.press("h")
        await pilot.pause()
        assert (app.sim.now - before).total_seconds() == 3600
        assert [pane.party for pane in app.main_screen.query(PartyPane)] == ["freelancer"]
    app.sim.close()


async def test_what_another_process_writes_is_on_screen_without_a_key_press(demo_file):
    app = window(demo_file, "freelancer")
    async with app.run_test(size=SIZE) as pilot:
        before = clock_text(app)
        other_process(demo_file, 'sim.act("buyer", "ask_to_cancel", "FO-1001", '
                                 'comment="Plans changed", reason="no_longer_needed")')
        await until(pilot, lambda: "FO-1001" in pane_text(app, "freelancer")
                    and "cancel" in pane_text(app, "freelancer").lower()
                    and app.sim.order_view("FO-1001").open_request is not None,
                    "the buyer's cancellation request")
        other_process(demo_file, 'sim.advance("2h")')
        await until(pilot, lambda: clock_text(app) != before, "the clock moved by the trainer")
        assert "11:00" in clock_text(app)
    app.sim.close()


async def test_a_window_is_woken_by_its_file_changing_not_only_by_its_next_look(demo_file):
    """With the timer's looks paused, only the operating system's word that the file changed
    can bring another process's step onto the screen: it does."""
    app = window(demo_file, "freelancer")
    async with app.run_test(size=SIZE) as pilot:
        assert app.sync.timer is not None and app.sync.watch is not None
        app.sync.timer.pause()
        await until(pilot, app.sync.watch.watching.is_set, "the file's watch")
        other_process(demo_file, 'sim.act("buyer", "ask_to_cancel", "FO-1001", '
                                 'comment="Plans changed", reason="no_longer_needed")')
        await until(pilot, lambda: app.sim.order_view("FO-1001").open_request is not None
                    and "cancel" in pane_text(app, "freelancer").lower(),
                    "the buyer's cancellation request, with no look on the timer")
    app.sim.close()


async def test_an_action_on_an_out_of_date_screen_is_refused_and_the_screen_catches_up(demo_file):
    app = window(demo_file, "freelancer")
    async with app.run_test(size=SIZE) as pilot:
        hold_sync(app)  # the screen falls behind: as if the look had not come yet
        other_process(demo_file, 'sim.act("buyer", "ask_to_cancel", "FO-1001", '
                                 'comment="Plans changed", reason="no_longer_needed")\n'
                                 '        sim.act("buyer", "withdraw", "FO-1001")')
        steps = app.sim.step_count
        # The freelancer answers a request the screen does not know was withdrawn.
        from rcsim.tui.app.messages import ActionRequested
        app.post_message(ActionRequested("freelancer", "accept", "FO-1001", {}))
        await pilot.pause()
        await pilot.pause()
        with Simulation.open(demo_file, read_only=True) as look:
            assert look.step_count == steps + 2  # only the buyer's two steps: nothing applied
            assert look.order_view("FO-1001").status == "in_progress"
        assert "withdr" in pane_text(app, "freelancer").lower()  # the screen caught up
    app.sim.close()


async def test_a_party_cannot_take_back_the_other_partys_step(demo_file):
    other_process(demo_file, 'sim.act("freelancer", "request_extension", "FO-1001", days=2, '
                             'comment="More time")')
    app = window(demo_file, "buyer")
    async with app.run_test(size=SIZE) as pilot:
        steps = app.sim.step_count
        await pilot.press("u")
        await pilot.pause()
        assert app.sim.step_count == steps
        message = plain(app.main_screen.query_one("#clock-message", Static).content)
        assert message.startswith("Not possible") and f"{steps}" in message  # the step named
    app.sim.close()


@pytest.mark.parametrize("args", [["--as", "buyer", "--new"], ["--as", "buyer", "--scenario", "x.toml"],
                                  ["--clock"]])
def test_options_a_party_window_cannot_take_are_refused(tmp_path, capsys, args):
    path = tmp_path / "class.json"
    assert main(["--db", str(path), "--lang", "en", *args]) == 2
    assert not path.exists()
    err = capsys.readouterr().err
    assert "--clock" in err or "trainer's window" in err


@pytest.mark.parametrize("lang", ["en", "de"])
def test_snapshot_of_a_party_window(demo_file, snap_compare, lang):
    app = make_app(Simulation.open(demo_file), cursor_blink=False, animation_level="none",
                   language=lang, role="freelancer")
    try:
        assert snap_compare(app, terminal_size=SIZE)
    finally:
        app.sim.close()


async def test_an_undo_in_another_window_is_seen_with_a_notice(demo_file):
    app = window(demo_file, "buyer")
    async with app.run_test(size=SIZE) as pilot:
        other_process(demo_file, 'sim.advance("3h")')
        await until(pilot, lambda: "12:00 PM" in clock_text(app), "the clock moved")
        other_process(demo_file, 'sim.undo()')
        await until(pilot, lambda: "9:00 AM" in clock_text(app), "the clock taken back")
        assert "In another window: Taken back: step " in pane_text(app, "buyer")
    app.sim.close()


async def test_a_step_another_process_wrote_that_does_not_replay_is_said_in_words(demo_file):
    app = window(demo_file, "buyer")
    async with app.run_test(size=SIZE) as pilot:
        steps = app.sim.step_count
        with open(demo_file, "ab") as file:  # as if another rcsim had written a step of nonsense
            file.write(b'{"steps":{"%d":{"kind":"act","at":"2026-03-02T09:00:00Z","party":"buyer",'
                       b'"action":"fly","order":"FO-1001","fields":{}}}}\n' % (steps + 1))
        message = app.main_screen.query_one("#clock-message", Static)
        await until(pilot, lambda: "cannot be read just now" in plain(message.content),
                    "the problem, in words")
        assert str(demo_file) in plain(message.content) and app.sim.step_count == steps
    app.sim.close()
