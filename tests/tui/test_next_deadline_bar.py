"""The clock bar names every deadline that fires at the next instant (issue 21, item 8): all of
them where the line has room, else the first "and N more"; one deadline is said as before."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from rcsim.tui.words import i18n
from rcsim.tui.words.describe import describe_deadline

from .conftest import SIZE, plain
from .test_keys_everywhere import CLASSIC, app_in

SIZES = [pytest.param(CLASSIC, id="80x24"), pytest.param(SIZE, id="160x48")]


def next_line(app) -> str:
    return plain(app.main_screen.query_one("#clock-next").content)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "de"])
async def test_every_deadline_of_the_next_instant_is_named(language, size) -> None:
    app = app_in(language)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        upcoming = app.sim.next_deadlines()
        assert len(upcoming) >= 3  # the demo: several requests run out at once
        orders = [d.order for d in upcoming]
        text = next_line(app)
        with i18n.using(language):
            more = i18n.t("clock.next.more", first=orders[0], count=len(orders) - 1)
        assert all(order in text for order in orders) or more in text, text
        widget = app.main_screen.query_one("#clock-next")
        assert cell_len(text) <= widget.content_region.width, "said whole, not cut"
        fired = [e.order for e in app.sim.advance_to_next_deadline()]
        assert sorted(fired) == sorted(orders), "what it named is what n fires"


@pytest.mark.parametrize("language", ["en", "de"])
async def test_a_lone_deadline_is_said_with_what_it_does(language) -> None:
    app = app_in(language)
    async with app.run_test(size=SIZE) as pilot:
        while len(app.sim.next_deadlines()) > 1:
            await pilot.press("n")
        await pilot.pause()
        (lone,) = app.sim.next_deadlines()
        with i18n.using(language):
            assert describe_deadline(lone) in next_line(app)
