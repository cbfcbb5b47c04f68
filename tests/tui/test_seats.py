"""Seats in role-play: one window per party seat, the clock held by one window (a party's --clock
only while no other window has it), confined windows that read and write no typed path, a
trainer that does not branch away from open party windows, and each step's window recorded.
Other windows are real processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rcsim.engine import Refusal, Simulation
from rcsim.engine.demo import create_demo
from rcsim.tui.app.app import make_app

from .conftest import SIZE, START

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "class.json"
    create_demo(path, start=START).close()
    return path


class Window:
    """Another process holding a seat (and maybe the clock) of the file until `close`."""

    def __init__(self, path: Path, seat: str, clock: bool = False) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from rcsim.engine import Simulation
            sim = Simulation.open({str(path)!r})
            sim.claim_seat({seat!r})
            print("clock" if ({clock!r} and sim.claim_clock()) else "seat", flush=True)
            sys.stdin.readline()
            sim.close()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.holds = self.process.stdout.readline().strip()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def rcsim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rcsim", *args, "--lang", "en"],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_a_party_seat_is_one_windows_at_a_time(demo_file: Path) -> None:
    other = Window(demo_file, "buyer")
    try:
        with Simulation.open(demo_file) as sim:
            with pytest.raises(Refusal) as refused:
                sim.claim_seat("buyer")
            assert refused.value.code == "seat_taken" and sim.seat is None
            sim.claim_seat("freelancer")  # another seat is free
            assert sim.open_seats() == ("buyer",)
        # the same from the command line: refused before any screen, exit status 2
        result = rcsim("--db", str(demo_file), "--as", "buyer")
        assert result.returncode == 2 and "open in another window" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        other.close()
    with Simulation.open(demo_file) as sim:  # let go when that window closed
        sim.claim_seat("buyer")
        assert sim.seat == "buyer"


def test_a_killed_window_leaves_its_seat_free(demo_file: Path) -> None:
    other = Window(demo_file, "freelancer")
    other.process.kill()
    other.process.wait(timeout=60)
    with Simulation.open(demo_file) as sim:
        sim.claim_seat("freelancer")
        assert sim.open_seats() == ()


def test_a_partys_clock_only_while_no_other_window_holds_it(demo_file: Path) -> None:
    trainer = Window(demo_file, "trainer", clock=True)
    try:
        assert trainer.holds == "clock"
        result = rcsim("--db", str(demo_file), "--as", "buyer", "--clock")
        assert result.returncode == 2 and "moves the clock" in result.stderr
        with Simulation.open(demo_file) as sim:
            assert sim.claim_clock() is False
    finally:
        trainer.close()
    party = Window(demo_file, "buyer", clock=True)  # no trainer now: the party takes it
    try:
        assert party.holds == "clock"
    finally:
        party.close()


def test_every_step_records_the_window_that_took_it(demo_file: Path) -> None:
    with Simulation.open(demo_file) as sim:
        sim.claim_seat("freelancer")
        sim.act("freelancer", "ask_to_cancel", "FO-1001", reason="buyer_unresponsive",
                comment="No reply for a week.")
        sim.claim_seat("trainer")
        sim.advance("1h")
    with Simulation.open(demo_file, read_only=True) as sim:
        *_, asked, moved = sim.history()
        assert (asked.seat, moved.seat) == ("freelancer", "trainer")
        assert sim.history()[0].seat is None  # the demo's own steps: no window
    log = rcsim("log", str(demo_file)).stdout
    assert "Ask to cancel the order (freelancer's window)" in log
    german = subprocess.run([sys.executable, "-m", "rcsim", "log", str(demo_file), "--lang", "de"],
                            capture_output=True, text=True, timeout=60).stdout
    assert "(Fenster des Freelancers)" in german and "(Trainerfenster)" in german


def test_a_file_with_an_unknown_seat_is_refused_untouched(demo_file: Path) -> None:
    with Simulation.open(demo_file) as sim:
        sim.claim_seat("buyer")
        sim.advance("1h")
    from ..engine.layouts import resealed

    # past the checksums (sealed again, as a rewrite would): to the check of the seat itself
    raw = resealed(demo_file.read_bytes().replace(b'"seat":"buyer"', b'"seat":"hacker"'))
    assert b'"hacker"' in raw
    demo_file.write_bytes(raw)
    result = rcsim("log", str(demo_file))
    assert result.returncode == 2 and "seat" in result.stderr
    assert demo_file.read_bytes() == raw


@pytest.mark.parametrize("role", ["buyer", None])
async def test_a_confined_window_offers_no_file_of_its_users_choosing(demo_file, role) -> None:
    app = make_app(Simulation.open(demo_file), cursor_blink=False, animation_level="none",
                   language="en", role=role, confined=True)
    async with app.run_test(size=SIZE) as pilot:
        screens = len(app.screen_stack)
        for key in ("m", "w", "v"):
            await pilot.press(key)
            await pilot.pause()
            assert len(app.screen_stack) == screens, key
        for action in ("mark_recording", "save_recording", "compare"):
            assert app.check_action(action, ()) is False
        commands = [command.title for command in app.get_system_commands(app.screen)]
        assert not any("Recording" in title or "Compare" in title for title in commands)
        if role is not None:  # nor the clock, in a party's window
            assert not any("hour" in title.lower() for title in commands)
    assert not [p for p in demo_file.parent.iterdir() if p.suffix in (".toml", ".svg")]


async def test_the_trainer_does_not_branch_away_from_open_party_windows(demo_file) -> None:
    from textual.widgets import Static

    from rcsim.tui.app.messages import BranchRequested
    from rcsim.tui.app.screens.travel import BranchScreen

    other = Window(demo_file, "buyer")
    target = demo_file.with_name("branch.json")
    try:
        app = make_app(Simulation.open(demo_file), cursor_blink=False, animation_level="none",
                       language="en")
        async with app.run_test(size=SIZE) as pilot:
            await app.push_screen(BranchScreen(3, target))
            await pilot.pause()
            app.post_message(BranchRequested(3, target))
            error = app.screen.query_one("#form-error", Static)
            for _ in range(100):
                await pilot.pause(0.05)
                if "still open" in str(error.render()):
                    break
            assert "still open on this simulation (Buyer)" in str(error.render())
            assert not target.exists() and app.sim.path == demo_file
    finally:
        other.close()
