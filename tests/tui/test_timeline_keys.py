"""The timeline from the keyboard (issue 21, item 5): `l` shows it with the focus in it, the
arrows choose a step and Enter opens it, Esc goes back to the order list, Tab reaches it, and the
footer, its title and help say these keys; in English and German, at 80x24 and 160x48."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from rcsim.tui.app.screens.travel import StepScreen
from rcsim.tui.app.widgets.lazy_table import LazyTable
from rcsim.tui.words import i18n

from .conftest import SIZE, plain
from .test_keys_everywhere import (
    CLASSIC,
    LANGUAGE_SIZES,
    app_in,
    footer_keys,
    help_keys_text,
    words_in,
)

SIZES = [pytest.param(CLASSIC, id="80x24"), pytest.param(SIZE, id="160x48")]


def timeline(app) -> LazyTable:
    return app.main_screen.query_one("#event-log-table", LazyTable)


def order_list(app, party: str = "buyer") -> LazyTable:
    return app.pane(party).query_one("#orders", LazyTable)


@pytest.mark.parametrize("language, size", LANGUAGE_SIZES)
async def test_the_timeline_takes_the_focus_and_its_keys(language, size) -> None:
    app = app_in(language)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        orders_row = order_list(app).cursor_row
        await pilot.press("l")
        await pilot.pause()
        await pilot.pause()
        assert app.focused is timeline(app), "l gives the timeline the focus"
        here = timeline(app).cursor_row  # the step the simulation stands at
        keys = {key.key for key in footer_keys(app)}
        assert {"enter", "escape"} <= keys, "the footer says the timeline's keys"
        title = plain(app.main_screen.query_one("#event-log-title", Static).content)
        assert words_in(language, "timeline.hint") in title
        await pilot.press("down", "down")
        await pilot.pause()
        assert timeline(app).cursor_row == here + 2
        assert order_list(app).cursor_row == orders_row, "the arrows no longer move the orders"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StepScreen), "Enter opens the chosen step"
        assert app.screen.step == app.sim.step_count - 1
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is timeline(app), "back from the step, the focus is where it was"
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is order_list(app), "Esc: back to the order list"
        assert timeline(app).display, "the timeline stays shown"
        await pilot.press("down")
        await pilot.pause()
        assert order_list(app).cursor_row == orders_row + 1
        await pilot.press("l")  # l hides it
        await pilot.pause()
        assert not app.main_screen.query_one("#event-log").display
        assert app.focused is order_list(app)
        await pilot.press("l")  # and shows it again, the focus in it
        await pilot.pause()
        assert app.focused is timeline(app)
        await pilot.press("l")  # l in it hides it, the focus back on the orders
        await pilot.pause()
        assert not app.main_screen.query_one("#event-log").display
        assert app.focused is order_list(app)


@pytest.mark.parametrize("size", SIZES)
async def test_tab_reaches_the_timeline_right_after_the_order_page(size) -> None:
    app = app_in("en")
    async with app.run_test(size=size) as pilot:
        await pilot.press("l", "escape")
        await pilot.pause()
        assert app.focused is order_list(app)
        for _ in range(40):
            await pilot.press("tab")
            if app.focused is timeline(app):
                break
        assert app.focused is timeline(app)
        assert app.focused.has_focus


@pytest.mark.parametrize("language", ["en", "de"])
async def test_help_from_the_timeline_lists_its_keys(language) -> None:
    app = app_in(language)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        listed = help_keys_text(app)
        with i18n.using(language):
            assert i18n.t("help.key.open_step") in listed
            assert i18n.t("help.key.leave_timeline") in listed
