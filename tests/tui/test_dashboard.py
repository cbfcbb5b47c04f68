"""The trainer's class dashboard: a row per pair, live; the clock of one pair or of all, undo and
branch per pair; a stuck pair marked; the debrief; both languages. The pairs' steps are taken by
other processes, as the trainees' windows take them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from textual.widgets import DataTable

from rcsim.engine import Simulation
from rcsim.engine.demo import create_demo
from rcsim.tui.app.dashboard import Dashboard, DebriefScreen
from rcsim.tui.web import classroom as classes

from .conftest import START

NOW = 1_800_000_000.0  # the dashboard's wall clock in these tests: fixed


def make_class(folder: Path, pairs: int = 3) -> classes.Classroom:
    return classes.create(folder, pairs, lambda path: create_demo(path, start=START), "demo")


def in_another_process(path: Path, seat: str, code: str) -> None:
    subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        from rcsim.engine import Simulation
        sim = Simulation.open({str(path)!r})
        sim.claim_seat({seat!r})
        {code}
        sim.close()
    """)], check=True, capture_output=True, timeout=60)


def dashboard(classroom: classes.Classroom, **options) -> Dashboard:
    # the files were written just now, as far as this wall clock goes
    for pair in classroom.pairs:
        os.utime(classroom.path(pair), (NOW, NOW))
    return Dashboard(classroom, language=options.pop("language", "en"),
                     wall_clock=options.pop("wall_clock", lambda: NOW), **options)


def cells(app: Dashboard, pair: int) -> list[str]:
    table = app.query_one(DataTable)
    return [str(getattr(cell, "plain", cell)) for cell in table.get_row(str(pair))]


async def until(pilot, check, what: str) -> None:
    for _ in range(100):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never: {what}")


async def test_a_row_per_pair_following_their_steps_live(tmp_path: Path) -> None:
    classroom = make_class(tmp_path / "class")
    app = dashboard(classroom)
    async with app.run_test(size=(300, 40)) as pilot:
        assert [cells(app, n)[0] for n in (1, 2, 3)] == ["1", "2", "3"]
        assert cells(app, 1)[3] == "no order touched yet" and cells(app, 1)[5] == "no step yet"
        in_another_process(classroom.path(classroom.pairs[1]), "buyer",
                           'sim.act("buyer", "ask_to_cancel", "FO-1003", reason="no_longer_needed",'
                           ' comment="Sorry.")')
        await until(pilot, lambda: "Freelancer (on FO-1003" in cells(app, 2)[4],
                    "pair 2 waiting for its freelancer")
        row = cells(app, 2)
        assert "Cancellation request open" in row[3]
        assert "Ask to cancel the order" in row[5] and "(buyer's window)" in row[5]
        assert cells(app, 1)[3] == "no order touched yet"  # the others: as they were


async def test_the_clock_of_every_pair_or_of_one(tmp_path: Path) -> None:
    classroom = make_class(tmp_path / "class")
    app = dashboard(classroom)
    async with app.run_test(size=(300, 40)) as pilot:
        before = cells(app, 1)[2]
        await pilot.press("H")  # every pair: +1 hour
        await pilot.pause()
        moved = [cells(app, n)[2] for n in (1, 2, 3)]
        assert len(set(moved)) == 1 and moved[0] != before
        await pilot.press("down", "d")  # pair 2 alone: +1 day
        await pilot.pause()
        assert cells(app, 2)[2] != moved[0] and cells(app, 1)[2] == cells(app, 3)[2] == moved[0]
    for pair in classroom.pairs:  # in the files, as the trainer's window's steps
        with Simulation.open(classroom.path(pair), read_only=True) as sim:
            assert sim.history()[-1].seat == "trainer"


async def test_undo_and_branch_touch_one_pair(tmp_path: Path) -> None:
    classroom = make_class(tmp_path / "class")
    for pair in classroom.pairs:
        in_another_process(classroom.path(pair), "buyer",
                           'sim.act("buyer", "ask_to_cancel", "FO-1003", reason="no_longer_needed",'
                           ' comment="Sorry.")')
    counts = {}
    for pair in classroom.pairs:
        with Simulation.open(classroom.path(pair), read_only=True) as sim:
            counts[pair.number] = sim.step_count
    app = dashboard(classroom)
    async with app.run_test(size=(300, 40)) as pilot:
        await pilot.press("down", "u")  # pair 2: its last step taken back
        await pilot.pause()
        assert "no order touched yet" in cells(app, 2)[3]
        await pilot.press("u")  # nothing left since the class began: said, nothing changed
        await pilot.pause()
        await pilot.press("down", "b")  # pair 3: a branch, in the class folder
        await pilot.pause()
    after = {}
    for pair in classroom.pairs:
        with Simulation.open(classroom.path(pair), read_only=True) as sim:
            after[pair.number] = sim.step_count
    assert after == {1: counts[1], 2: counts[2] - 1, 3: counts[3]}
    branch = classroom.folder / "branches" / f"pair-03-step-{counts[3]}.json"
    with Simulation.open(branch, read_only=True) as sim:
        assert sim.step_count == counts[3]


async def test_a_pair_without_a_step_for_a_while_is_marked_stuck(tmp_path: Path) -> None:
    classroom = make_class(tmp_path / "class", 2)
    clock = [NOW]
    app = dashboard(classroom, wall_clock=lambda: clock[0], stuck_minutes=3)
    async with app.run_test(size=(300, 40)):
        assert cells(app, 1)[6] == "just now"
        clock[0] = NOW + 120
        app.look()
        assert cells(app, 1)[6] == "2 minutes ago"
        clock[0] = NOW + 200
        app.look()
        assert cells(app, 1)[6] == "stuck: 3 minutes ago"


async def test_the_debrief_and_german(tmp_path: Path) -> None:
    classroom = make_class(tmp_path / "class", 2)
    app = dashboard(classroom, language="de")
    async with app.run_test(size=(300, 40)) as pilot:
        assert "Paar" in str(app.query_one(DataTable).columns[next(iter(app.query_one(DataTable).columns))].label)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen), "the debrief")
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        assert "Wie die Paare geendet haben" in debrief.text
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, DebriefScreen), "the debrief closed")
        await pilot.press("g")
        await until(pilot, lambda: "no step yet" in cells(app, 1)[5], "English after g")


async def test_open_in_a_terminal_says_the_command(tmp_path: Path) -> None:
    classroom = make_class(tmp_path / "class", 1)
    app = dashboard(classroom)
    async with app.run_test(size=(300, 40)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert "rcsim --db" in app.last_notice and "pair-01.json" in app.last_notice


@pytest.mark.parametrize("lang", ["en", "de"])
def test_snapshot_of_the_dashboard(tmp_path: Path, snap_compare, lang) -> None:
    folder = tmp_path / "class"
    classroom = make_class(folder, 3)
    in_another_process(classroom.path(classroom.pairs[0]), "buyer",
                       'sim.act("buyer", "ask_to_cancel", "FO-1003", reason="no_longer_needed",'
                       ' comment="Sorry.")')
    app = dashboard(classroom, language=lang)  # (its title names the folder, not its path)
    assert snap_compare(app, terminal_size=(160, 24))
