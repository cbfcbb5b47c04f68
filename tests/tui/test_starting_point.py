"""Undo never takes the demo apart (issue 21, item 4): nine `u` on a fresh demo leave every
order where it was and say why; `u` is dimmed there; the timeline still shows the set-up steps,
and going back into them is offered as a branch only; in English and German, at 80x24 and
160x48."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from rcsim.tui.app.screens.travel import StepScreen
from rcsim.tui.words import i18n

from .conftest import SIZE, plain, screen_text
from .test_keys_everywhere import CLASSIC, LANGUAGE_SIZES, app_in, footer_keys
from .test_time_travel import choose_step

SIZES = [pytest.param(CLASSIC, id="80x24"), pytest.param(SIZE, id="160x48")]


@pytest.mark.parametrize("language, size", LANGUAGE_SIZES)
async def test_nine_u_leave_the_demo_as_it_is_and_say_why(language, size) -> None:
    app = app_in(language)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        before = app.sim.snapshot()
        for _ in range(9):
            await pilot.press("u")
        await pilot.pause()
        assert app.sim.snapshot() == before and len(app.sim.order_ids()) == 12
        message = plain(app.main_screen.query_one("#clock-message", Static).content)
        with i18n.using(language):
            assert i18n.t("refusal.at_start", steps=app.sim.baseline) in message
        undo = [key for key in footer_keys(app) if key.key == "u"]
        assert undo and undo[0].enabled, "u stays a key: pressed, it says why nothing changes"


@pytest.mark.parametrize("language", ["en", "de"])
async def test_the_set_up_is_on_the_timeline_but_only_to_branch_from(language) -> None:
    app = app_in(language)
    async with app.run_test(size=SIZE) as pilot:
        await choose_step(pilot, 3)
        assert isinstance(app.screen, StepScreen)
        assert app.screen.query_one("#step-go").disabled
        assert not app.screen.query_one("#step-branch").disabled
        with i18n.using(language):
            assert i18n.t("timeline.step.setup", steps=app.sim.baseline) in screen_text(app)
        await pilot.press("ctrl+s")  # Go, by its key: refused without a change
        await pilot.pause()
        assert app.sim.step_count == app.sim.baseline == 9


async def test_after_the_start_undo_works_as_before() -> None:
    app = app_in("en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h", "d")
        await pilot.pause()
        await pilot.press("u", "u")
        await pilot.pause()
        assert app.sim.step_count == 9 and app.sim.redo_count == 2
        await pilot.press("u")
        await pilot.pause()
        assert app.sim.step_count == 9 and len(app.sim.order_ids()) == 12
