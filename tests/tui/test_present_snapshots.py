"""Snapshots of presenting a scenario: the start, after an action step, after an expect step that
passes and one that fails. Same start and the same terminal size as every other snapshot."""

from __future__ import annotations

from textual.pilot import Pilot

from .conftest import SIZE
from .test_present import TIMEOUT_STORY, present_app, wrong_scenario


async def _steps(pilot: Pilot, count: int) -> None:
    await pilot.pause()
    for _ in range(count):
        await pilot.press("s")  # the presenter's "next step"
    await pilot.pause()


def test_presenting_start(snap_compare):
    assert snap_compare(present_app(TIMEOUT_STORY), terminal_size=SIZE)


def test_presenting_after_an_action_step(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await _steps(pilot, 1)  # the buyer asks to cancel

    assert snap_compare(present_app(TIMEOUT_STORY), terminal_size=SIZE, run_before=run_before)


def test_presenting_after_an_expect_step_that_passes(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await _steps(pilot, 2)  # the request, then its expectations

    assert snap_compare(present_app(TIMEOUT_STORY), terminal_size=SIZE, run_before=run_before)


def test_presenting_an_expect_step_that_fails(snap_compare, tmp_path):
    async def run_before(pilot: Pilot) -> None:
        await _steps(pilot, 2)  # the request, then a deliberately wrong expectation

    assert snap_compare(present_app(wrong_scenario(tmp_path)), terminal_size=SIZE,
                        run_before=run_before)


def test_presenting_finished(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.press("e")  # run to the end: the expectations and the summary
        await pilot.pause()

    assert snap_compare(present_app(TIMEOUT_STORY), terminal_size=SIZE, run_before=run_before)
