"""Snapshots of going back in time, in English and German: the timeline after going back, a
step's dialog, the branch dialog, a branch opened, and the comparison screen side by side.

Files are made in a temporary folder that is the current one, so that the screens name them as
a user typed them (class.json), the same on every machine."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from rcsim.engine import Simulation
from rcsim.engine.demo import create_demo
from rcsim.tui.app.app import RcsimApp, make_app

from .conftest import SIZE, START, paste
from .test_time_travel import choose_step


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def class_app(folder: Path, language: str) -> RcsimApp:
    """The demo in class.json (its set-up: steps 1 to 9), then the clock to the first deadline
    (step 10), and a day twice (steps 11 and 12)."""
    sim = create_demo(folder / "class.json", start=START)
    sim.advance_to_next_deadline()
    sim.advance("1d")
    sim.advance("1d")
    return make_app(sim, cursor_blink=False, animation_level="none", language=language)


async def _back_to_step_10(pilot: Pilot) -> None:
    await choose_step(pilot, 10)
    await pilot.click("#step-go")
    await pilot.pause()


@pytest.mark.parametrize("language", ["en", "de"])
def test_timeline_after_going_back(snap_compare, folder, language):
    """Both panes, the clock and the notices as just after step 10; the timeline with the steps
    taken back above the step it stands at."""
    assert snap_compare(class_app(folder, language), terminal_size=SIZE,
                        run_before=_back_to_step_10)


@pytest.mark.parametrize("language", ["en", "de"])
def test_step_dialog(snap_compare, folder, language):
    async def run_before(pilot: Pilot) -> None:
        await choose_step(pilot, 2)

    assert snap_compare(class_app(folder, language), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", ["en", "de"])
def test_branch_dialog(snap_compare, folder, language):
    async def run_before(pilot: Pilot) -> None:
        await choose_step(pilot, 7)
        await pilot.click("#step-branch")
        await pilot.pause()

    assert snap_compare(class_app(folder, language), terminal_size=SIZE, run_before=run_before)


def test_branch_opened(snap_compare, folder):
    """The branch is open in the app: the clock bar says where it came from."""
    async def run_before(pilot: Pilot) -> None:
        await choose_step(pilot, 7)
        await pilot.click("#step-branch")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        pilot.app.clear_notifications()  # (a toast's timing is no part of the picture)
        await pilot.pause()

    assert snap_compare(class_app(folder, "en"), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", ["en", "de"])
def test_comparison_screen(snap_compare, folder, language):
    """class.json, where the freelancer accepted FO-1006's cancellation, beside declined.json,
    a branch where they declined it."""
    with create_demo(folder / "class.json", start=START) as sim:
        sim.branch(9, folder / "declined.json")
        sim.act("freelancer", "accept", "FO-1006")
        sim.advance("1d")
    with Simulation.open(folder / "declined.json") as other:
        other.act("freelancer", "decline", "FO-1006", comment="Half of it is done already.")
        other.advance("1d")
    app = make_app(Simulation.open(folder / "class.json"), cursor_blink=False,
                   animation_level="none", language=language)

    async def run_before(pilot: Pilot) -> None:
        await pilot.press("v")
        await pilot.pause()
        await paste(pilot, "declined.json")
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", ["en", "de"])
def test_comparison_of_other_clocks_and_rules(snap_compare, folder, language):
    """Issue 21, item 10: a branch with a 72-hour window, a day later: the clocks and the rules
    are said first, and are the first rows of the table."""
    with create_demo(folder / "class.json", start=START) as sim:
        sim.branch(sim.step_count, folder / "72h.json")
    with Simulation.open(folder / "72h.json") as other:
        other.change_rules({"cancellation_response_hours": 72})
        other.advance("1d")
    app = make_app(Simulation.open(folder / "class.json"), cursor_blink=False,
                   animation_level="none", language=language)

    async def run_before(pilot: Pilot) -> None:
        await pilot.press("v")
        await pilot.pause()
        await paste(pilot, "72h.json")
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
